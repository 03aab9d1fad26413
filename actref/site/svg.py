"""Every generated figure is an SVG drawn in one house style, byte for byte the same for the same inputs.

`drawing()` is the matplotlib context every figure of the site is drawn in (the build wraps each draw in
it), so a figure looks the same whichever figures were drawn before it in the same process, or in another
process; `save()` writes an SVG without a date, with ids seeded by a fixed salt.
"""

from __future__ import annotations

import contextlib
import io
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


@contextlib.contextmanager
def drawing():
    """matplotlib's Agg backend with the house style, restored afterwards; open pyplot figures are closed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with matplotlib.rc_context(STYLE):
        try:
            yield
        finally:
            plt.close("all")


def svg_text(fig, **savefig) -> str:
    """The SVG of `fig` as text, without a date."""
    buffer = io.StringIO()
    metadata = {**METADATA, **savefig.pop("metadata", {})}
    fig.savefig(buffer, format="svg", metadata=metadata, **savefig)
    return buffer.getvalue()


def save(fig, path: Path, **savefig) -> None:
    """Write `fig` to `path` as SVG (savefig's keyword arguments pass through, e.g. transparent=True)."""
    Path(path).write_text(svg_text(fig, **savefig), encoding="utf-8")
