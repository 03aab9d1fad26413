"""Build-time generation for the MkDocs site: contexts, content-hash cache, provenance, hook plumbing.

docs/hooks.py forwards MkDocs events here. Markdown for pages and tables is written by actref.pages and
figures are drawn by actref.figures; this module decides when to regenerate (a content hash of the inputs
and of actref's own source) and wires the results into the MkDocs build.
"""

from __future__ import annotations

import datetime
import hashlib
import importlib
import json
import logging
import os
import posixpath
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from actref.jsonfile import write_json_atomic

ACTREF_DIR = Path(__file__).resolve().parent
REPO_ROOT = ACTREF_DIR.parent
EXPERIMENT_MODES = ("run", "cached", "smoke")

log = logging.getLogger("mkdocs.hooks.actref")

# Files copied from node_modules into the built site (the mkdocs.yml extra_javascript/extra_css entries).
VENDOR_FILES = {
    "katex": ("katex/dist", ["katex.min.js", "katex.min.css", "contrib/auto-render.min.js", "fonts/*"]),
    "tablesort": ("tablesort/dist", ["tablesort.min.js", "sorts/tablesort.number.min.js"]),
}


# ---------------------------------------------------------------------------------------------- hashing
def source_files(package_dir: Path = ACTREF_DIR) -> list[Path]:
    """Every Python source file of the actref package (figures, catalogue, everything that makes output)."""
    return sorted(p for p in package_dir.rglob("*.py") if "__pycache__" not in p.parts)


def source_digest(package_dir: Path = ACTREF_DIR) -> str:
    """A hash of actref's source files and of the library versions that draw and compute with them."""
    import matplotlib
    import torch

    h = hashlib.sha256()
    h.update(f"torch={torch.__version__};matplotlib={matplotlib.__version__}\n".encode())
    for path in source_files(package_dir):
        h.update(path.relative_to(package_dir).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def _canonical(obj: Any) -> Any:
    """A JSON-ready form of `obj` that does not depend on dict or set ordering."""
    if isinstance(obj, dict):
        return ["dict", sorted(([_canonical(k), _canonical(v)] for k, v in obj.items()), key=repr)]
    if isinstance(obj, (list, tuple)):
        return [type(obj).__name__, [_canonical(v) for v in obj]]
    if isinstance(obj, (set, frozenset)):
        return ["set", sorted((_canonical(v) for v in obj), key=repr)]
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, Path):
        return ["path", obj.as_posix()]
    return ["repr", repr(obj)]


def asset_key(name: str, inputs: Any, digest: str) -> str:
    """The cache key of a generated file: a hash of its name, its inputs and the actref source digest.

    `inputs` may nest dicts, lists, tuples, sets and scalars; anything else enters by its repr, which must
    then be deterministic.
    """
    payload = json.dumps([name, _canonical(inputs), digest])
    return hashlib.sha256(payload.encode()).hexdigest()


# ---------------------------------------------------------------------------------------------- provenance
@dataclass(frozen=True)
class Provenance:
    """What made a generated file: actref's version, the git commit (and whether it had local changes), when."""

    version: str
    commit: str
    dirty: bool
    date: str

    def describe(self) -> str:
        changes = " with local changes" if self.dirty else ""
        return f"actref {self.version}, git {self.commit}{changes}, {self.date}"

    @classmethod
    def current(cls) -> Provenance:
        import actref

        def git(*args: str) -> str:
            try:
                done = subprocess.run(
                    ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=20, check=True
                )
            except (OSError, subprocess.SubprocessError):
                return ""
            return done.stdout.strip()

        commit = git("rev-parse", "--short=10", "HEAD") or "unknown commit"
        dirty = bool(git("status", "--porcelain", "--untracked-files=no", "--", "actref"))
        date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
        return cls(actref.__version__, commit, dirty, date)


# ---------------------------------------------------------------------------------------------- context
def cache_root_dir(project_root: Path) -> Path:
    """Where generated files are cached: $ACTREF_CACHE_DIR, or <project>/.cache (gitignored)."""
    return Path(os.environ.get("ACTREF_CACHE_DIR") or project_root / ".cache")


def experiments_mode() -> str:
    """ACTREF_EXPERIMENTS (run, cached or smoke); by default run on a CUDA machine, cached elsewhere."""
    mode = os.environ.get("ACTREF_EXPERIMENTS", "").strip().lower()
    if not mode:
        import torch

        return "run" if torch.cuda.is_available() else "cached"
    if mode not in EXPERIMENT_MODES:
        raise ValueError(
            f"ACTREF_EXPERIMENTS={mode!r} is not a mode; use one of {', '.join(EXPERIMENT_MODES)} (or unset it)."
        )
    return mode


class SiteBuild:
    """State shared by every page of one build: the cache, the source digest, provenance, MkDocs objects.

    With `config=None` it works without MkDocs (tests render page markdown with it); with `draw=False`,
    `Context.asset` returns the URL a file would have but draws nothing.
    """

    def __init__(
        self,
        config: Any = None,
        cache_dir: Path | None = None,
        draw: bool = True,
        mode: str | None = None,
    ):
        self.config = config
        self.docs_dir = Path(config.docs_dir) if config is not None else REPO_ROOT / "docs"
        self.files: Any = None
        self.cache_dir = Path(cache_dir or cache_root_dir(REPO_ROOT) / "actref")
        self.draw = draw
        self.digest = source_digest()
        self.provenance = Provenance.current()
        self.experiments_mode = mode or experiments_mode()
        self.drawn: list[str] = []  # assets drawn in this build (a warm build draws none)
        self.reused: list[str] = []

    def context(self, page_src: str) -> Context:
        return Context(self, page_src)

    def register(self, uri: str, path: Path) -> None:
        """Add a generated file to the MkDocs build so it is copied into the site and links to it validate."""
        if self.files is None or self.config is None:
            return
        from mkdocs.structure.files import File, InclusionLevel

        existing = self.files.get_file_from_path(uri)
        if existing is not None:
            if Path(existing.abs_src_path or "") != path:
                raise ValueError(f"Two different generated files claim {uri!r}; give them distinct names.")
            return
        self.files.append(
            File.generated(self.config, uri, abs_src_path=str(path), inclusion=InclusionLevel.INCLUDED)
        )


class Context:
    """What a directive or provider gets: the page being built, generated assets, provenance, the mode."""

    def __init__(self, build: SiteBuild, page_src: str):
        self.build = build
        self.page_src = page_src
        self.experiments_mode = build.experiments_mode

    def asset(self, name: str, inputs: Any, make: Callable[[Path], None]) -> str:
        """Ensure `generated/<name>` is in the site, drawing it with make(path) only when its hash changed.

        Returns the file's URL relative to the current page (use it directly in markdown).
        """
        if name.startswith("/") or ".." in Path(name).parts:
            raise ValueError(
                f"Asset name {name!r} must be a relative path without '..' (e.g. figures/relu.svg)."
            )
        uri = f"generated/{name}"
        suffix = "".join(Path(name).suffixes)
        key = asset_key(name, inputs, self.build.digest)
        path = self.build.cache_dir / f"{key}{suffix}"
        if self.build.draw:
            if path.exists():
                self.build.reused.append(name)
            else:
                self.build.cache_dir.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(f"{key}.tmp{os.getpid()}{suffix}")
                make(tmp)
                if not tmp.exists():
                    raise FileNotFoundError(f"make() for asset {name!r} did not write {tmp}.")
                sidecar = path.with_name(f"{key}.json")
                sidecar.write_text(json.dumps(self.build.provenance.__dict__))
                os.replace(tmp, path)
                self.build.drawn.append(name)
            self.build.register(uri, path)
        return posixpath.relpath(uri, posixpath.dirname(self.page_src) or ".")

    def cached(self, name: str, inputs: Any, compute: Callable[[], Any]) -> Any:
        """compute(), memoised on disk under the same content hash as assets (its result must be JSON).

        For numbers a page shows (tables computed by training a small model, say): a warm rebuild reads them
        back instead of recomputing, and a change to actref's source recomputes them.
        """
        key = asset_key(f"data:{name}", inputs, self.build.digest)
        path = self.build.cache_dir / f"{key}.data.json"
        if path.exists():
            self.build.reused.append(f"data:{name}")
            return json.loads(path.read_text())["value"]
        write_json_atomic(path, {"value": compute(), "provenance": self.build.provenance.__dict__})
        self.build.drawn.append(f"data:{name}")
        return json.loads(path.read_text())["value"]  # the same (JSON) form as a warm build returns

    def provenance(self, name: str | None = None) -> str:
        """What made asset `name`, or this build (actref version, git commit, date) when name is None."""
        if name is None:
            return self.build.provenance.describe()
        return self._asset_provenance(name)

    def _asset_provenance(self, name: str) -> str:
        """'cached under content hash <hash>, drawn <date>' for a generated file.

        The hash (of the inputs and of actref's source) identifies what the file shows; a git commit would
        not (a cache hit may have been drawn at an older commit with the same source), so one is named only
        for a file drawn in this build from a clean tree.
        """
        for uri, path in self._registered():
            if uri != f"generated/{name}":
                continue
            key = path.name.split(".", 1)[0]
            sidecar = path.with_name(key + ".json")
            meta = Provenance(**json.loads(sidecar.read_text())) if sidecar.exists() else None
            text = f"cached under content hash <code>{key[:12]}</code>"
            if meta is not None:
                text += f", drawn {meta.date}"
                if name in self.build.drawn and not meta.dirty:
                    text += f" at git {meta.commit}"
            return text
        return f"drawn by actref {self.build.provenance.version}, {self.build.provenance.date}"

    def _registered(self):
        files = self.build.files
        if files is None:
            return []
        return [(f.src_uri, Path(f.abs_src_path)) for f in files if f.src_uri.startswith("generated/")]


# ---------------------------------------------------------------------------------------------- directives
DIRECTIVE = re.compile(
    r"^[ \t]*<!--\s*actref:(?P<target>[A-Za-z_][\w.]*)(?P<args>(?:\s+[^\s>]+)*)\s*-->[ \t]*$"
)
INLINE_DIRECTIVE = re.compile(r"<!--\s*actref:(?P<target>[A-Za-z_][\w.]*)(?P<args>(?:\s+[^\s>]+)*)\s*-->")
FENCE = re.compile(r"^[ \t]*(```|~~~)")


def call_directive(ctx: Context, target: str, args: list[str]) -> str:
    """Run `actref.<module>.<func>(ctx, *args)` for a directive target 'module.func'."""
    module_name, _, func_name = target.rpartition(".")
    if not module_name:
        raise ValueError(
            f"Directive target {target!r} in {ctx.page_src} must be MODULE.FUNC (e.g. pages.table)."
        )
    module = importlib.import_module(f"actref.{module_name}")
    func = getattr(module, func_name, None)
    if func is None:
        raise AttributeError(
            f"Directive in {ctx.page_src}: actref.{module_name} has no function {func_name!r}."
        )
    out = func(ctx, *args)
    if not isinstance(out, str):
        raise TypeError(f"Directive actref.{target} returned {type(out).__name__}, not markdown text.")
    return out


def expand_directives(markdown: str, ctx: Context) -> str:
    """Replace every `<!-- actref:MODULE.FUNC args -->` (outside code fences) with its markdown.

    A directive alone on its line may return blocks; one inside a sentence must return a single line.
    """
    out: list[str] = []
    fence: str | None = None
    for line in markdown.split("\n"):
        m = FENCE.match(line)
        if m:
            fence = None if fence == m.group(1) else (fence or m.group(1))
        d = DIRECTIVE.match(line) if fence is None else None
        if d:
            out.append(call_directive(ctx, d.group("target"), d.group("args").split()))
        elif fence is None and INLINE_DIRECTIVE.search(line):
            out.append(INLINE_DIRECTIVE.sub(lambda m: _inline(ctx, m), line))
        else:
            out.append(line)
    return "\n".join(out)


def _inline(ctx: Context, m: re.Match) -> str:
    text = call_directive(ctx, m.group("target"), m.group("args").split()).strip()
    if "\n" in text:
        raise ValueError(
            f"{ctx.page_src}: inline directive actref:{m.group('target')} returned several lines."
        )
    return text


# ---------------------------------------------------------------------------------------------- pages
def activation_name(src_uri: str) -> str | None:
    """The activation a docs page belongs to ('activations/relu.md' → 'relu'), or None."""
    m = re.fullmatch(r"activations/([a-z0-9_]+)\.md", src_uri)
    return m.group(1) if m and m.group(1) != "index" else None


def render_markdown(build: SiteBuild, src_uri: str, markdown: str) -> str:
    """A page's markdown as the site renders it: activation pages assembled, directives expanded."""
    from actref import pages

    ctx = build.context(src_uri)
    name = activation_name(src_uri)
    if name is not None:
        markdown = pages.activation_page(ctx, name, markdown)
    return expand_directives(markdown, ctx)


def check_pages(docs_dir: Path) -> None:
    """Raise unless every registry activation has exactly one prose page and every page an activation."""
    import actref

    pages_dir = docs_dir / "activations"
    have = {p.stem for p in pages_dir.glob("*.md") if p.stem != "index"}
    want = set(actref.names())
    problems = []
    if missing := sorted(want - have):
        problems.append(
            "no page for registry activation(s) "
            + ", ".join(missing)
            + ": write docs/activations/<name>.md (prose only, see notes/PAGES.md)"
        )
    if orphans := sorted(have - want):
        problems.append(
            "page(s) without a registry activation: "
            + ", ".join(f"activations/{o}.md" for o in orphans)
            + " (rename to the canonical name, or add the spec to actref/catalog/)"
        )
    if problems:
        raise PageError("; ".join(problems))


class PageError(Exception):
    """A page does not match the registry or the page contract (fails the build)."""


# ---------------------------------------------------------------------------------------------- nav
FAMILY_TITLES = {
    "linear": "Linear",
    "sigmoid-like": "Sigmoid-like",
    "relu-like": "ReLU-like",
    "exponential": "Exponential (ELU family)",
    "gated": "Self-gated",
    "shrink": "Shrinkage",
    "vector": "Vector-valued",
    "glu": "Gated linear units",
}


def family_title(family: str) -> str:
    return FAMILY_TITLES.get(family, family.replace("-", " ").replace("_", " ").capitalize())


NAV_ORDER = re.compile(r"\A---\s*\n(?:.*\n)*?nav_order:\s*(\d+)\s*\n(?:.*\n)*?---\s*\n")


def nav_order(path: Path) -> int:
    """A page's `nav_order:` from its YAML front matter (pages without one come after, by file name)."""
    if path.suffix != ".md":
        return 1_000_000
    m = NAV_ORDER.match(path.read_text())
    return int(m.group(1)) if m else 1_000_000


def _section(docs_dir: Path, folder: str, patterns: tuple[str, ...] = ("*.md",)) -> list:
    entries: list = []
    base = docs_dir / folder
    for pattern in patterns:
        for path in sorted(base.glob(pattern), key=lambda p: (nav_order(p), p.name)):
            rel = path.relative_to(docs_dir).as_posix()
            if path.name == "index.md":
                entries.insert(0, rel)
            else:
                entries.append(rel)
    return entries


def build_nav(docs_dir: Path) -> list:
    """The site nav: Home, Activations (table + one section per family), Guides, Comparisons, other folders."""
    import actref

    activations: list = []
    if (docs_dir / "activations" / "index.md").exists():
        activations.append({"All activations": "activations/index.md"})
    for family, names in actref.families().items():
        activations.append(
            {family_title(family): [{actref.get(n).title: f"activations/{n}.md"} for n in names]}
        )
    nav: list = [{"Home": "index.md"}, {"Activations": activations}]
    guides = _section(docs_dir, "guides") + _section(docs_dir, "notebooks", ("*.ipynb",))
    if guides:
        nav.append({"Guides": guides})
    if comparisons := _section(docs_dir, "comparisons"):
        nav.append({"Comparisons": comparisons})
    known = {"activations", "guides", "notebooks", "comparisons", "javascripts", "stylesheets"}
    for folder in sorted(p for p in docs_dir.iterdir() if p.is_dir() and p.name not in known):
        if entries := _section(docs_dir, folder.name):
            nav.append({folder.name.replace("_", " ").capitalize(): entries})
    nav.extend(p.name for p in sorted(docs_dir.glob("*.md")) if p.name != "index.md")
    return nav


# ---------------------------------------------------------------------------------------------- vendor files
def vendor_files(node_modules: Path) -> list[tuple[str, Path]]:
    """(site path under assets/vendor/, source file) for every KaTeX/tablesort file the site loads."""
    out = []
    for package, (subdir, patterns) in VENDOR_FILES.items():
        root = node_modules / subdir
        if not root.is_dir():
            raise PageError(
                f"{root} is missing: the site needs {package} from npm. Run `npm ci` (or `make setup`) first."
            )
        for pattern in patterns:
            matches = sorted(root.glob(pattern))
            if not matches:
                raise PageError(f"{root}/{pattern} is missing; reinstall with `npm ci`.")
            out.extend((f"assets/vendor/{package}/{m.relative_to(root).as_posix()}", m) for m in matches)
    return out


REMOTE_LOAD = re.compile(
    r"""<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?//"""
    r"""|<link\b[^>]*\bhref\s*=\s*["']?(?:https?:)?//[^>]*>""",
    re.IGNORECASE,
)
REMOTE_SCRIPT = re.compile(r"""<script\b[^>]*\bsrc\s*=\s*["']https?://[^"']*["'][^>]*>\s*</script>""", re.I)
MERMAID_LOADER = re.compile(
    r"""<script type="module">(?:(?!</script>).)*?cdnjs(?:(?!</script>).)*</script>""", re.S
)


def strip_remote_loads(html: str) -> str:
    """Remove the CDN scripts nbconvert puts into notebook pages (MathJax, a lazy Mermaid loader)."""
    return MERMAID_LOADER.sub("", REMOTE_SCRIPT.sub("", html))


def find_remote_loads(html: str) -> list[str]:
    """Tags in `html` that would load a file from outside the site (the site must be offline-complete)."""
    out = []
    for m in REMOTE_LOAD.finditer(html):
        tag = html[m.start() : html.find(">", m.start()) + 1]
        if tag.lower().startswith("<link") and not re.search(
            r"rel\s*=\s*[\"']?(stylesheet|preload|icon)", tag
        ):
            continue
        out.append(tag)
    return out


# ---------------------------------------------------------------------------------------------- hook plumbing
class Hooks:
    """The MkDocs event handlers; docs/hooks.py forwards each event to one instance."""

    def __init__(self) -> None:
        self.build: SiteBuild | None = None

    def on_config(self, config):
        docs_dir = Path(config.docs_dir)
        config.nav = build_nav(docs_dir)
        cache_root = cache_root_dir(Path(config.config_file_path).parent)
        self.build = SiteBuild(config, cache_dir=cache_root / "actref")
        # mkdocs-jupyter caches executed notebooks by notebook content only; key its cache by actref's source
        # too, so a change to actref re-executes (and re-tests) the notebooks.
        jupyter = config.plugins.get("mkdocs-jupyter")
        if jupyter is not None:
            base = cache_root / "mkdocs-jupyter"
            current = base / self.build.digest[:16]
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
            vendored = vendor_files(node_modules)
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
