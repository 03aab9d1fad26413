"""The live plots' files in the built site: the generated data file and the esbuild bundle of the runtime.

- `assets/actref/activations.js`: every elementwise activation's f, f′ and kinks as JavaScript
  (actref.site.explorer), its words in the build's language, stored in the build cache under a hash of its text;
- `assets/actref/messages.js`: the build language's translations of every message the site's JavaScript shows
  (`t("English {field}", {field})` in actref/site/js/ and docs/javascripts/, found by `js_messages`), taken
  from the one message catalogue (actref.site.i18n), and the runtime `window.actrefT` that looks them up
  (js/messages.js). A message without a translation fails the build, as in the pages;
- `assets/vendor/live-plot/live-plot.js` and `.css`: actref/site/js/live-plot.js(.css) bundled by esbuild
  with uPlot and stdlib's erf/erfc from node_modules, cached under a hash of those sources and of
  package-lock.json. Like KaTeX, nothing of it is committed: `npm ci` (make setup) installs it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from actref import catalog
from actref.site import i18n
from actref.site.cache import REPO_ROOT
from actref.site.errors import PageError

JS_DIR = Path(__file__).resolve().parent / "js"
DATA_URI = "assets/actref/activations.js"
MESSAGES_URI = "assets/actref/messages.js"
BUNDLE_URIS = {
    "live-plot.js": "assets/vendor/live-plot/live-plot.js",
    "live-plot.css": "assets/vendor/live-plot/live-plot.css",
}
# Explorer colours after the static figures' own (blue, orange, green, purple): mid tones that read on
# Material's light and dark palettes.
PALETTE_EXTRA = ("#e15759", "#4fa3a5", "#c9a227", "#e377c2", "#9c755f", "#7f7f7f")


def data_meta(lang: str = i18n.DEFAULT_LANGUAGE) -> dict:
    """What the runtime needs besides the activations: family titles (in `lang`), vector names, colours."""
    from actref.site.activation_figures import D_COLOUR, EXTRA_COLOURS, F_COLOUR
    from actref.site.nav import family_title

    return {
        "families": {family: i18n.translate(lang, family_title(family)) for family in catalog.families()},
        "vector": [s.name for s in catalog.all_specs() if not s.elementwise],
        "colours": {"f": F_COLOUR, "df": D_COLOUR},
        "palette": [*EXTRA_COLOURS, *PALETTE_EXTRA],
    }


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _stored(cache_dir: Path, prefix: str, name: str, text: str) -> Path:
    """`text` in the cache under a hash of itself (written once)."""
    path = cache_dir / f"{prefix}-{hashlib.sha256(text.encode()).hexdigest()[:20]}" / name
    if not path.exists():
        _write_atomic(path, text)
    return path


def data_file(cache_dir: Path, lang: str = i18n.DEFAULT_LANGUAGE, docs_dir: Path | None = None) -> Path:
    """The generated data file in `lang`, stored under a hash of its own text (writing it takes well under a
    second, and the activation pages print the same code for their notes, so there is nothing to key it by)."""
    from actref.site import explorer

    text = explorer.activations_js(meta=data_meta(lang), lang=lang, docs_dir=docs_dir)
    return _stored(cache_dir, "live", "activations.js", text)


# ---------------------------------------------------------------------------------------------- messages
# A message of the site's JavaScript: t("English text {field}", {field: value}), the text one double-quoted
# string literal (so it can be found here, as xgettext finds gettext calls).
JS_CALL = re.compile(r"(?<![\w$.])(?<!function )t\(")
JS_MESSAGE = re.compile(r'(?<![\w$.])(?<!function )t\(\s*"((?:[^"\\\n]|\\.)*)"\s*[,)]')


def js_sources(docs_dir: Path | None = None) -> list[Path]:
    """The JavaScript whose messages the catalogue translates: the live plots' sources and docs/javascripts."""
    docs = Path(docs_dir) if docs_dir is not None else REPO_ROOT / "docs"
    sources = [p for p in sorted(JS_DIR.iterdir()) if p.suffix in (".js", ".mjs")]
    return sources + sorted((docs / "javascripts").glob("*.js"))


def js_messages(docs_dir: Path | None = None) -> dict[str, list[str]]:
    """Every message the site's JavaScript shows → where it is ('file:line'); a t(...) call whose message is
    not one string literal is an error naming it (its translation could not be found)."""
    found: dict[str, list[str]] = {}
    for path in js_sources(docs_dir):
        # Whole-line comments may describe t(...) calls: blank them (the line numbers stay).
        text = re.sub(r"(?m)^[ \t]*//.*$", "", path.read_text(encoding="utf-8"))
        calls = {m.start() for m in JS_CALL.finditer(text)}
        for m in JS_MESSAGE.finditer(text):
            calls.discard(m.start())
            where = f"{path.name}:{text.count(chr(10), 0, m.start()) + 1}"
            found.setdefault(json.loads(f'"{m.group(1)}"'), []).append(where)
        if calls:
            lines = sorted(text.count("\n", 0, c) + 1 for c in calls)
            raise PageError(
                f"{path}: t(...) on line(s) {', '.join(map(str, lines))} does not start with one double-quoted "
                'string: write t("English text {field}", {field: value}) so the message can be translated.'
            )
    return found


def messages_js(lang: str = i18n.DEFAULT_LANGUAGE, docs_dir: Path | None = None) -> str:
    """The messages asset for `lang`: its translations of js_messages() (none in English), then the runtime."""
    messages = sorted(js_messages(docs_dir))
    catalogue = {} if lang == i18n.DEFAULT_LANGUAGE else {m: i18n.translate(lang, m) for m in messages}
    data = json.dumps(catalogue, ensure_ascii=False, indent=0, sort_keys=True)
    return (
        f"// Generated by actref.site.live_assets (do not edit): the {lang} translations of the messages the site's\n"
        "// JavaScript shows, from actref/site/locale/; English needs none (a message is its own English text).\n"
        f'window.actrefLanguage = "{lang}";\n'
        f"window.actrefMessages = {data};\n" + (JS_DIR / "messages.js").read_text(encoding="utf-8")
    )


def messages_file(cache_dir: Path, lang: str = i18n.DEFAULT_LANGUAGE, docs_dir: Path | None = None) -> Path:
    """messages_js(lang) in the cache, under a hash of its text."""
    return _stored(cache_dir, "messages", "messages.js", messages_js(lang, docs_dir))


def bundle_key(node_modules: Path) -> str:
    """A hash of what the bundle is made from: our sources, the npm lock file and esbuild's version."""
    h = hashlib.sha256()
    lock = node_modules.parent / "package-lock.json"
    for path in (*sorted(JS_DIR.iterdir()), lock):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def bundle(cache_dir: Path, node_modules: Path) -> dict[str, Path]:
    """live-plot.js and live-plot.css bundled by esbuild (with uPlot and stdlib erf/erfc), once per bundle_key."""
    esbuild = node_modules / ".bin" / "esbuild"
    if not esbuild.exists():
        raise PageError(
            f"{esbuild} is missing: the live plots are bundled with esbuild from npm. Run `npm ci`."
        )
    out = cache_dir / f"live-plot-{bundle_key(node_modules)[:20]}"
    paths = {name: out / name for name in BUNDLE_URIS}
    if all(p.exists() for p in paths.values()):
        return paths
    tmp = out.with_name(f"{out.name}.tmp{os.getpid()}")
    common = ["--bundle", "--minify", "--legal-comments=eof", "--log-level=warning"]
    for name in BUNDLE_URIS:
        extra = ["--format=iife", "--target=es2020"] if name.endswith(".js") else []
        done = subprocess.run(
            [str(esbuild), str(JS_DIR / name), *common, *extra, f"--outfile={tmp / name}"],
            cwd=node_modules.parent,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise PageError(f"esbuild could not bundle {JS_DIR / name}:\n{done.stderr[-3000:]}")
    if out.exists():  # another build finished first: keep its files
        shutil.rmtree(tmp, ignore_errors=True)
        return paths
    os.replace(tmp, out)
    return paths


def site_files(
    cache_dir: Path, node_modules: Path, lang: str = i18n.DEFAULT_LANGUAGE, docs_dir: Path | None = None
) -> list[tuple[str, Path]]:
    """(site path, file) for the data file and the messages in `lang` and the bundle, like vendor.vendor_files.

    Each language's build has its own copies (under zh/ for Chinese), so one `extra_javascript` entry per file
    serves every language.
    """
    files = [
        (DATA_URI, data_file(cache_dir, lang, docs_dir)),
        (MESSAGES_URI, messages_file(cache_dir, lang, docs_dir)),
    ]
    files += [(BUNDLE_URIS[name], path) for name, path in bundle(cache_dir, node_modules).items()]
    return files
