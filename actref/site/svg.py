"""Every generated figure is an SVG drawn in one house style, byte for byte the same for the same inputs.

`drawing()` is the matplotlib context every figure of the site is drawn in (the build wraps each draw in
it), so a figure looks the same whichever figures were drawn before it in the same process, or in another
process; `save()` writes an SVG without a date, with ids seeded by a fixed salt.

Words in a figure: Latin text stays SVG text (small files, the reader's sans-serif font). A figure with Chinese
text (a zh page's experiment or cost chart) is written with every glyph as a path, drawn from the system's CJK
font (Debian's fonts-noto-cjk, which .ci/setup-system.sh installs), so readers need no CJK font and the site
loads none. The font file is part of every figure's cache key (actref.site.cache.library_versions).
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import shutil
import subprocess
from pathlib import Path

TEXT_COLOUR = "#8a8a8a"  # mid grey: visible on white and on slate
STYLE = {
    "svg.fonttype": "none",  # text stays text: small files, the browser's sans-serif font
    "svg.hashsalt": "actref",  # deterministic ids, so identical inputs give identical files
    "font.family": "sans-serif",
    "font.size": 10,
    "text.color": TEXT_COLOUR,
    "axes.labelcolor": TEXT_COLOUR,
    "axes.edgecolor": TEXT_COLOUR,
    "xtick.color": TEXT_COLOUR,
    "ytick.color": TEXT_COLOUR,
    "legend.frameon": False,
}
# No date (it would differ on every draw); the Creator names the library version, which the cache key covers.
METADATA = {"Date": None}

CJK_FAMILY = "Noto Sans CJK SC"  # Simplified Chinese glyphs (fonts-noto-cjk's NotoSansCJK-Regular.ttc)
CJK_FONT_FILES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",)  # where Debian puts it
# Han characters, CJK punctuation and full-width forms: text with one of these is drawn with the CJK font.
CJK_TEXT = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


@functools.cache
def cjk_font_file() -> Path | None:
    """The system's file of CJK_FAMILY (Regular), or None when it is not installed."""
    for candidate in CJK_FONT_FILES:
        if Path(candidate).is_file():
            return Path(candidate)
    if shutil.which("fc-list"):
        found = (
            subprocess.run(
                ["fc-list", f":family={CJK_FAMILY}:style=Regular", "file"], capture_output=True, text=True
            )
            .stdout.split(":")[0]
            .strip()
        )
        if found and Path(found).is_file():
            return Path(found)
    return None


def cjk_font_id() -> str:
    """What identifies the CJK glyphs a figure gets: the font file's name and size ('none' without it)."""
    path = cjk_font_file()
    return f"{path.name}:{path.stat().st_size}" if path is not None else "none"


@functools.cache
def _register_cjk_font() -> bool:
    """Add the CJK font to matplotlib's font list (its cache may predate the font's installation)."""
    path = cjk_font_file()
    if path is None:
        return False
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(path))
    return True


def font_style() -> dict:
    """The fonts: DejaVu Sans (matplotlib's own), then the CJK font for the glyphs DejaVu lacks (matplotlib
    falls back glyph by glyph along an explicit list of families), then the generic sans-serif."""
    families = (
        ["DejaVu Sans", CJK_FAMILY, "sans-serif"] if _register_cjk_font() else ["DejaVu Sans", "sans-serif"]
    )
    return {"font.family": families}


def style() -> dict:
    """The house style's rcParams, fonts included."""
    return {**STYLE, **font_style()}


@contextlib.contextmanager
def drawing():
    """matplotlib's Agg backend with the house style, restored afterwards; open pyplot figures are closed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib.rc_context(style()):
        try:
            yield
        finally:
            plt.close("all")


def has_cjk_text(fig) -> bool:
    """Whether a text of `fig` (title, label, tick, legend, annotation) has a Chinese character."""
    from matplotlib.text import Text

    return any(CJK_TEXT.search(t.get_text()) for t in fig.findobj(Text))


def svg_text(fig, **savefig) -> str:
    """The SVG of `fig` as text, without a date; with Chinese text, every glyph a path (see the module doc)."""
    import matplotlib

    buffer = io.StringIO()
    metadata = {**METADATA, **savefig.pop("metadata", {})}
    fonttype = "none"
    if has_cjk_text(fig):
        if not _register_cjk_font():
            raise RuntimeError(
                f"A figure has Chinese text but the font {CJK_FAMILY!r} is not installed: run "
                "`bash .ci/setup-system.sh` (Debian package fonts-noto-cjk)."
            )
        fonttype = "path"
    with matplotlib.rc_context({"svg.fonttype": fonttype, "svg.hashsalt": STYLE["svg.hashsalt"]}):
        fig.savefig(buffer, format="svg", metadata=metadata, **savefig)
    return buffer.getvalue()


def save(fig, path: Path, **savefig) -> None:
    """Write `fig` to `path` as SVG (savefig's keyword arguments pass through, e.g. transparent=True)."""
    Path(path).write_text(svg_text(fig, **savefig), encoding="utf-8")
