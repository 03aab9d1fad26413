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

from mkdocs.plugins import event_priority

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


# Generated scripts with words in them, one per language (actref.site.live_assets).
LANGUAGE_SCRIPTS = (live_assets.DATA_URI, live_assets.MESSAGES_URI)
ALTERNATE_LINK = re.compile(r'<link rel="alternate" href="[^"]*" hreflang="([^"]+)">')


def _default_language(config) -> str:
    plugin = config.plugins.get("i18n")
    return (plugin.default_language if plugin is not None else None) or DEFAULT_LANGUAGE


def language_root_alternates(html: str, page_url: str, default: str) -> str:
    """A page's `<link rel="alternate" hreflang>` tags pointed at the language roots (./ and zh/ from the site
    root), relative to the page. Material's JavaScript fetches sitemap.xml beside each such link to switch
    language on the same page; mkdocs-static-i18n points them at the page's twin, so it fetched
    zh/guides/selu/sitemap.xml, a 404 on every page. The language switcher's own links (`<a hreflang>`) still
    lead to the twin, and the sitemap lists every page's alternates."""
    up = "../" * page_url.count("/") or "./"
    return ALTERNATE_LINK.sub(
        lambda m: (
            f'<link rel="alternate" href="{up}{"" if m[1] == default else m[1] + "/"}" hreflang="{m[1]}">'
        ),
        html,
    )


def notebooks_as_pages(files, config) -> None:
    """Make the notebooks pages again, in place. mkdocs-jupyter wraps each notebook's File to make it a page;
    mkdocs-static-i18n, whose on_files runs after, rebuilds every docs file as a plain File, so a notebook would
    be copied as JSON to its page's address (and be neither executed nor shown). Wrap it again, keeping the
    address and alternates the i18n plugin gave it."""
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is None:
        return
    from mkdocs_jupyter.plugin import NotebookFile

    i18n = config.plugins.get("i18n")
    wrapped = False
    for file in list(files):
        if (
            file.src_uri.endswith(".ipynb")
            and not file.is_documentation_page()
            and jupyter.should_include(file)
        ):
            page = NotebookFile(file, use_directory_urls=config.use_directory_urls, site_dir=config.site_dir)
            page.dest_path, page.abs_dest_path, page.url = file.dest_path, file.abs_dest_path, file.url
            if i18n is not None:
                page.alternates = _notebook_twins(file, config, i18n)
            files.remove(file)
            files.append(page)
            wrapped = True
    if wrapped and i18n is not None:  # the pages the sitemap lists, which the plugin took before this
        i18n.i18n_files_per_language[i18n.current_language] = files.documentation_pages()


def _notebook_twins(file, config, i18n) -> dict:
    """language → (url of the notebook's page in it), for the language switcher and the sitemap: the i18n
    plugin made none for a notebook, which was not a page when it looked."""
    from types import SimpleNamespace

    lang, default = i18n.current_language, i18n.default_language
    base = file.url.removeprefix(f"{lang}/") if lang != default else file.url
    stem = file.norm_src_uri.removesuffix(".ipynb")
    twins = {}
    for other in i18n.build_languages:
        source = f"{stem}.ipynb" if other == default else f"{stem}.{other}.ipynb"
        if (Path(config.docs_dir) / source).is_file():
            twins[other] = SimpleNamespace(url=base if other == default else f"{other}/{base}", page=None)
    return twins


def source_title(file) -> str | None:
    """The title a page will have, from its source without rendering it: an activation's registry title
    (its page's heading is generated from it), else the front matter's `title` or the first `# ` heading (of
    a notebook's markdown cells)."""
    from mkdocs.utils import get_markdown_title, meta

    from actref import catalog
    from actref.site.directives import activation_name

    if (name := activation_name(file.src_uri)) is not None and name in catalog.names():
        return catalog.get(name).title
    if not file.abs_src_path:
        return None
    text = Path(file.abs_src_path).read_text(encoding="utf-8")
    if file.src_uri.endswith(".ipynb"):  # a notebook's title: the first heading of its markdown cells
        import json

        cells = json.loads(text).get("cells", [])
        text = "\n\n".join("".join(c.get("source", "")) for c in cells if c.get("cell_type") == "markdown")
    markdown, data = meta.get_data(text)
    return data.get("title") or get_markdown_title(markdown)


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


def write_search_dictionary(config, cache_root: Path, glossary: Path = GLOSSARY) -> Path:
    """Write jieba's user dictionary, one glossary word a line, and make it the search plugin's
    `jieba_dict_user`; raise unless jieba then cuts each word as one word.

    Material's search plugin cuts Chinese text into words with jieba at build time; the query a reader types is
    matched against those words. With the glossary's terms in the dictionary, 梯度消失 and 自门控 are indexed
    as single words (not 梯度 + 消失), so typing a term finds the pages that use it. Generated from the
    glossary on every build, the dictionary lists every term by construction."""
    from mkdocs.exceptions import PluginError

    words = glossary_search_words(glossary)
    path = cache_root / "jieba_user_dict.txt"
    text = "".join(f"{w}\n" for w in words)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    search = config.plugins.get("material/search") or config.plugins.get("search")
    if search is None:
        raise PluginError("Chinese search: mkdocs.yml has no search plugin.")
    search.config.jieba_dict_user = str(path)  # before the search plugin's own on_config loads it
    import jieba

    jieba.setLogLevel(logging.WARNING)  # not "Building prefix dict ..." on every build
    jieba.load_userdict(str(path))
    split = {w: "/".join(jieba.cut(w)) for w in words}
    if broken := [f"{w} → {cut}" for w, cut in split.items() if cut != w]:
        raise PluginError(f"Chinese search: jieba splits glossary terms despite {path}: {', '.join(broken)}.")
    return path


def _not_the_dirty_build_warning(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("A 'dirty' build is being performed")


class Hooks:
    """The MkDocs event handlers; docs/hooks.py forwards each event to one instance."""

    def __init__(self) -> None:
        self.build: SiteBuild | None = None

    def on_startup(self, command, dirty):
        """`mkdocs serve --dirty` (make serve): MkDocs warns on every dirty rebuild, and mkdocs.yml's strict mode
        would turn that warning into a failed rebuild (for zh, the i18n plugin's nested build is dirty too).
        Drop that one warning; any other still fails the rebuild."""
        if dirty:
            logging.getLogger("mkdocs.commands.build").addFilter(_not_the_dirty_build_warning)

    # Before the search plugin's on_config, which loads the jieba dictionary written here.
    @event_priority(100)
    def on_config(self, config):
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
            # Its pages load its own copies of the scripts with words (see _script_uri).
            for i, script in enumerate(config.extra_javascript):
                if str(script) in LANGUAGE_SCRIPTS:
                    if hasattr(script, "path"):
                        script.path = f"{lang}/{script.path}"
                    else:
                        config.extra_javascript[i] = f"{lang}/{script}"
        if previous is None:
            write_search_dictionary(config, cache_root)
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
        # the package below the site too, so a change to actref re-executes (and re-tests) the notebooks. One
        # folder per language: at the end of a build it deletes every cached notebook that build did not use,
        # so with one folder the zh build deleted the English notebook's and the next build re-ran both.
        jupyter = config.plugins.get("mkdocs-jupyter")
        if jupyter is not None:
            base = cache_root / "mkdocs-jupyter"
            current = base / source_digest()[:16]
            if base.is_dir():
                for old in base.iterdir():
                    if old.is_dir() and old != current:
                        shutil.rmtree(old, ignore_errors=True)
            jupyter.config["cache_dir"] = str(current / lang)
        return config

    # After mkdocs-static-i18n's on_files (priority -100): see notebooks_as_pages.
    @event_priority(-200)
    def on_files(self, files, config):
        from mkdocs.exceptions import PluginError
        from mkdocs.structure.files import File, InclusionLevel

        node_modules = Path(config.config_file_path).parent / "node_modules"
        try:
            check_pages(Path(config.docs_dir))
            assert self.build is not None
            live = live_assets.site_files(
                self.build.cache_dir, node_modules, lang=self.build.lang, docs_dir=Path(config.docs_dir)
            )
            vendored = vendor_files(node_modules) + [(self._script_uri(uri), path) for uri, path in live]
        except PageError as e:
            raise PluginError(str(e)) from e
        for uri, path in vendored:
            files.append(
                File.generated(config, uri, abs_src_path=str(path), inclusion=InclusionLevel.INCLUDED)
            )
        notebooks_as_pages(files, config)
        assert self.build is not None
        self.build.files = files
        return files

    def _script_uri(self, uri: str) -> str:
        """Where a generated script goes in the site: LANG/URI for one in this build's language (not the
        default), so the zh build does not write over the English file; else URI."""
        assert self.build is not None
        if uri in LANGUAGE_SCRIPTS and self.build.lang != DEFAULT_LANGUAGE:
            return f"{self.build.lang}/{uri}"
        return uri

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
        for file in files.documentation_pages():
            page = file.page  # without a title: not read (a dirty rebuild kept it), and none from the nav
            if page is not None and page.title is None:
                if title := source_title(file):
                    page.title = title  # the nav's title for it (MkDocs would show "None")
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
        output = language_root_alternates(output, page.url, _default_language(config))
        output = strip_remote_loads(output)
        if remote := find_remote_loads(output):
            from mkdocs.exceptions import PluginError

            raise PluginError(f"{page.file.src_uri} loads files from outside the site: {remote[:3]}")
        return output

    def on_post_build(self, config):
        if self.build is not None and self.build.lang != _default_language(config):
            # Material reads LANG/sitemap.xml (see language_root_alternates); this build's sitemap, at the site
            # root, is the whole site's (mkdocs-static-i18n lists every language's pages and their alternates).
            site = Path(config.site_dir)
            for name in ("sitemap.xml", "sitemap.xml.gz"):
                if (site / name).is_file():
                    (site / self.build.lang).mkdir(exist_ok=True)
                    shutil.copyfile(site / name, site / self.build.lang / name)
        if self.build is not None:
            log.info(
                "actref: %d generated files drawn, %d reused from %s (%s build)",
                len(self.build.drawn),
                len(self.build.reused),
                self.build.cache_dir,
                self.build.lang,
            )
