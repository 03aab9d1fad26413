"""The MkDocs event handlers: docs/hooks.py forwards every event to one `Hooks` instance."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from actref.site import live_assets
from actref.site.activation_pages import check_pages
from actref.site.cache import cache_root_dir, source_digest
from actref.site.context import SiteBuild
from actref.site.directives import render_markdown
from actref.site.errors import PageError
from actref.site.nav import build_nav
from actref.site.vendor import find_remote_loads, strip_remote_loads, vendor_files

log = logging.getLogger("mkdocs.hooks.actref")


class Hooks:
    """The MkDocs event handlers; docs/hooks.py forwards each event to one instance."""

    def __init__(self) -> None:
        self.build: SiteBuild | None = None

    def on_config(self, config):
        docs_dir = Path(config.docs_dir)
        config.nav = build_nav(docs_dir)
        cache_root = cache_root_dir(Path(config.config_file_path).parent)
        # Figures missing from the cache are drawn in a pool of one process per core but one, in parallel with
        # the pages, which keep a core (on_env waits for the figures, before MkDocs copies the files). One
        # process per core made the pages, the longest path of a cold build, wait for the figures.
        self.build = SiteBuild(config, cache_dir=cache_root / "actref", workers=(os.cpu_count() or 1) - 1)
        # mkdocs-jupyter caches executed notebooks by notebook content only; key its cache by the source of
        # the package below the site too, so a change to actref re-executes (and re-tests) the notebooks.
        jupyter = config.plugins.get("mkdocs-jupyter")
        if jupyter is not None:
            base = cache_root / "mkdocs-jupyter"
            current = base / source_digest()[:16]
            if base.is_dir():
                for old in base.iterdir():
                    if old.is_dir() and old != current:
                        shutil.rmtree(old, ignore_errors=True)
            jupyter.config["cache_dir"] = str(current)
        return config

    def on_files(self, files, config):
        from mkdocs.exceptions import PluginError
        from mkdocs.structure.files import File, InclusionLevel

        node_modules = Path(config.config_file_path).parent / "node_modules"
        try:
            check_pages(Path(config.docs_dir))
            assert self.build is not None
            vendored = vendor_files(node_modules) + live_assets.site_files(self.build.cache_dir, node_modules)
        except PageError as e:
            raise PluginError(str(e)) from e
        for uri, path in vendored:
            files.append(
                File.generated(config, uri, abs_src_path=str(path), inclusion=InclusionLevel.INCLUDED)
            )
        assert self.build is not None
        self.build.files = files
        return files

    def on_page_markdown(self, markdown, page, config, files):
        assert self.build is not None
        self.build.files = files
        try:
            return render_markdown(self.build, page.file.src_uri, markdown)
        except Exception as e:
            import traceback

            from mkdocs.exceptions import PluginError

            where = "".join(traceback.format_exception(e)[-12:])
            raise PluginError(
                f"actref could not build {page.file.src_uri}: {type(e).__name__}: {e}\n{where}"
            ) from e

    def on_env(self, env, config, files):
        """All pages are rendered: wait for the figures drawn in parallel before MkDocs copies them."""
        if self.build is not None:
            try:
                self.build.finish()
            except RuntimeError as e:
                from mkdocs.exceptions import PluginError

                raise PluginError(str(e)) from e
        return env

    def on_build_error(self, error):
        if self.build is not None:
            self.build.close()

    def on_post_page(self, output, page, config):
        output = strip_remote_loads(output)
        if remote := find_remote_loads(output):
            from mkdocs.exceptions import PluginError

            raise PluginError(f"{page.file.src_uri} loads files from outside the site: {remote[:3]}")
        return output

    def on_post_build(self, config):
        if self.build is not None:
            log.info(
                "actref: %d generated files drawn, %d reused from %s",
                len(self.build.drawn),
                len(self.build.reused),
                self.build.cache_dir,
            )
