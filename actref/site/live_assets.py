"""The live plots' files in the built site: the generated data file and the esbuild bundle of the runtime.

- `assets/actref/activations.js`: every elementwise activation's f, f′ and kinks as JavaScript
  (actref.site.explorer), stored in the build cache under a hash of its text;
- `assets/vendor/live-plot/live-plot.js` and `.css`: actref/site/js/live-plot.js(.css) bundled by esbuild
  with uPlot and stdlib's erf/erfc from node_modules, cached under a hash of those sources and of
  package-lock.json. Like KaTeX, nothing of it is committed: `npm ci` (make setup) installs it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from actref import catalog
from actref.site.errors import PageError

JS_DIR = Path(__file__).resolve().parent / "js"
DATA_URI = "assets/actref/activations.js"
BUNDLE_URIS = {
    "live-plot.js": "assets/vendor/live-plot/live-plot.js",
    "live-plot.css": "assets/vendor/live-plot/live-plot.css",
}
# Explorer colours after the static figures' own (blue, orange, green, purple): mid tones that read on
# Material's light and dark palettes.
PALETTE_EXTRA = ("#e15759", "#4fa3a5", "#c9a227", "#e377c2", "#9c755f", "#7f7f7f")


def data_meta() -> dict:
    """What the runtime needs besides the activations: family titles, vector names, colours."""
    from actref.site.activation_figures import D_COLOUR, EXTRA_COLOURS, F_COLOUR
    from actref.site.nav import family_title

    return {
        "families": {family: family_title(family) for family in catalog.families()},
        "vector": [s.name for s in catalog.all_specs() if not s.elementwise],
        "colours": {"f": F_COLOUR, "df": D_COLOUR},
        "palette": [*EXTRA_COLOURS, *PALETTE_EXTRA],
    }


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def data_file(cache_dir: Path) -> Path:
    """The generated data file, stored under a hash of its own text (writing it takes well under a second,
    and the activation pages print the same code for their notes, so there is nothing to key it by)."""
    from actref.site import explorer

    text = explorer.activations_js(meta=data_meta())
    path = cache_dir / f"live-{hashlib.sha256(text.encode()).hexdigest()[:20]}" / "activations.js"
    if not path.exists():
        _write_atomic(path, text)
    return path


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


def site_files(cache_dir: Path, node_modules: Path) -> list[tuple[str, Path]]:
    """(site path, file) for the data file and the bundle, like vendor.vendor_files."""
    files = [(DATA_URI, data_file(cache_dir))]
    files += [(BUNDLE_URIS[name], path) for name, path in bundle(cache_dir, node_modules).items()]
    return files
