"""The MkDocs event handlers: docs/hooks.py forwards every event to one `Hooks` instance.

mkdocs-static-i18n builds the site once per language, one MkDocs build after the other in one process (English
at the site root, then zh into zh/), with the same config and so the same `Hooks`: `on_config` starts a
`SiteBuild` in the language of the build that starts. A nested build reuses what the default-language build of
the same run computed (code and spec fingerprints, provenance), and its generated files that are the same in
both languages (same cache key) are the same files in the site, linked from both pages.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path

from actref.site import live_assets
from actref.site.activation_pages import check_pages
from actref.site.cache import cache_root_dir, source_digest
from actref.site.context import SiteBuild
from actref.site.directives import render_markdown
from actref.site.errors import PageError
from actref.site.i18n import DEFAULT_LANGUAGE, LOCALE_DIR
from actref.site.nav import build_nav
from actref.site.vendor import find_remote_loads, strip_remote_loads, vendor_files

log = logging.getLogger("mkdocs.hooks.actref")
GLOSSARY = LOCALE_DIR / "glossary.zh.yml"
CJK_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def build_language(config) -> str:
    """The language the MkDocs build being configured renders: mkdocs-static-i18n's current language (its
    first build is the default language, then it builds the others), or English without the plugin."""
    plugin = config.plugins.get("i18n")
    if plugin is None:
        return DEFAULT_LANGUAGE
    return plugin.current_language or plugin.default_language or DEFAULT_LANGUAGE


def glossary_search_words(glossary: Path = GLOSSARY) -> list[str]:
    """Every Chinese word of the glossary's terms (`zh` and `also`; "ReLU 坏死" gives 坏死), in its order."""
    import yaml

    words: list[str] = []
    for entry in yaml.safe_load(glossary.read_text(encoding="utf-8")):
        for term in (entry["zh"], *entry.get("also", [])):
            for word in str(term).split():
                if CJK_WORD.fullmatch(word) and word not in words:
                    words.append(word)
    return words


def search_dictionary_problems(config, glossary: Path = GLOSSARY) -> list[str]:
    """What the search plugin's jieba user dictionary lacks: each glossary word must be in it, so jieba indexes
    梯度消失 as one word (not 梯度 + 消失) and typing the term finds the pages that use it."""
    search = config.plugins.get("material/search") or config.plugins.get("search")
    path = search.config.get("jieba_dict_user") if search is not None else None
    if not path:
        return ["mkdocs.yml sets no `jieba_dict_user` for the search plugin"]
    path = Path(config.config_file_path).parent / path
    if not path.is_file():
        return [f"{path} does not exist"]
    listed = {line.split()[0] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    missing = [w for w in glossary_search_words(glossary) if w not in listed]
    if missing:
        return [f"{path.name} lacks the glossary's words {', '.join(missing)}: add one per line"]
    return []


class Hooks:
    """The MkDocs event handlers; docs/hooks.py forwards each event to one instance."""

    def __init__(self) -> None:
        self.build: SiteBuild | None = None

    def on_config(self, config):
        from mkdocs.exceptions import PluginError

        docs_dir = Path(config.docs_dir)
        lang = build_language(config)
        config.nav = build_nav(docs_dir, lang)
        cache_root = cache_root_dir(Path(config.config_file_path).parent)
        # The second language's build comes right after the default one, in this process: it starts from what
        # that build computed (see SiteBuild's `previous`).
        previous = self.build if lang != DEFAULT_LANGUAGE else None
        if lang != DEFAULT_LANGUAGE:
            # The other language's build writes into the same site directory: its 404.html would replace the
            # default language's at the site root, the one GitHub Pages serves for every missing path.
            config.theme.static_templates.discard("404.html")
        if previous is None and (problems := search_dictionary_problems(config)):
            raise PluginError("Chinese search: " + "; ".join(problems) + ".")
        # Figures missing from the cache are drawn in a pool of one process per core but one, in parallel with
        # the pages, which keep a core (on_env waits for the figures, before MkDocs copies the files). One
        # process per core made the pages, the longest path of a cold build, wait for the figures.
        self.build = SiteBuild(
            config,
            cache_dir=cache_root / "actref",
            workers=(os.cpu_count() or 1) - 1,
            lang=lang,
            previous=previous,
        )
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

    def on_page_context(self, context, page, config, nav):
        """Point a home page's language switcher at the other home pages by relative links, as on every other
        page (mkdocs-static-i18n leaves absolute ones there, /actref/zh/, which break outside site_url's path)."""
        if getattr(page.file, "norm_src_uri", page.file.src_uri) == "index.md":
            plugin = config.plugins.get("i18n")
            default = plugin.default_language if plugin is not None else DEFAULT_LANGUAGE
            # The theme reads config.extra.alternate, an attribute the plugin sets per page, else the item.
            for alternate in getattr(config.extra, "alternate", None) or config.extra.get("alternate") or []:
                alternate["link"] = "." if alternate["lang"] == default else f"{alternate['lang']}/"
        return context

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
                "actref: %d generated files drawn, %d reused from %s (%s build)",
                len(self.build.drawn),
                len(self.build.reused),
                self.build.cache_dir,
                self.build.lang,
            )
