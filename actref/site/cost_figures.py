"""The cost chart of an activation: percent of the copy roofline per implementation, fp32 and bf16 bars.

It takes plain numbers (what cost_pages decided to show) and a path, in the activation figures' style, and
the page's language: its own words come from the message catalogue (locale/zh/figures.po); the labels of the
implementations are given in that language by the page.
"""

from __future__ import annotations

from pathlib import Path

from actref.site import activation_figures as style
from actref.site.i18n import DEFAULT_LANGUAGE, translate

DTYPE_COLOURS = (("float32", style.F_COLOUR), ("bfloat16", style.D_COLOUR))


def roofline_chart(
    path: Path,
    labels: list[str],
    pct: dict[str, list[float | None]],
    device: str,
    lang: str = DEFAULT_LANGUAGE,
) -> None:
    """Horizontal bars, one pair (fp32, bf16) per implementation `labels[i]`, with words in `lang`.

    pct[dtype][i] is the % of roofline of implementation i (0.0 when it was not measured, None when it does
    no work: such a bar is drawn empty and labelled n/a).
    """
    fig = style._new_figure(6.4, 0.5 + 0.42 * len(labels))
    ax = fig.add_subplot()
    height = 0.38
    for k, (dtype, colour) in enumerate(DTYPE_COLOURS):
        ys = [i + (k - 0.5) * height for i in range(len(labels))]
        shown = pct.get(dtype, [0.0] * len(labels))
        values = [0.0 if v is None else v for v in shown]
        ax.barh(ys, values, height=height, color=colour, label=dtype)
        for y, v, raw in zip(ys, values, shown, strict=True):
            text = " " + (translate(lang, "n/a (no work)") if raw is None else f"{v:.1f}%")
            ax.text(v, y, text, va="center", fontsize=8, color=style.TEXT_COLOUR)
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlabel(translate(lang, "% of the copy roofline, forward + backward ({device})", device=device))
    measured = [v for values in pct.values() for v in values if v is not None]
    ax.set_xlim(0, max([100.0, *measured]) * 1.15)
    ax.axvline(100, color=style.TEXT_COLOUR, linewidth=0.8, linestyle=(0, (3, 3)))
    ax.grid(True, axis="x", color=style.TEXT_COLOUR, alpha=0.25, linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="lower right", fontsize=8)
    style._save(fig, path)
