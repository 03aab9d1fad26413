"""Figures of activations, drawn with matplotlib's Agg canvas into SVG files.

Style: transparent background, mid-tone colours and grey text, so one file reads well on Material's light
and dark palettes. Values come from actref's implementation and f′ from autograd of that same code; the
torch built-in is overlaid dashed. Curves are split at declared kinks, so no line is drawn across a jump.

The figures have no words, only symbols (f(x), f′(x), x, s₁, ...), so one file serves every language: the
caption (`caption`; the page translates it through the message catalogue, locale/zh/figures.po) says what the
colours, the dashed lines and the dots are.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import TYPE_CHECKING

import sympy
import torch

from actref import catalog
from actref.site import svg

if TYPE_CHECKING:
    from actref.registry import Activation

F_COLOUR = "#3d85c6"  # mid blue
D_COLOUR = "#e69138"  # mid orange
EXTRA_COLOURS = ("#3d85c6", "#e69138", "#6aa84f", "#a64d79")
BUILTIN_COLOUR = "#8a8a8a"  # mid grey: visible on white and on slate
TEXT_COLOUR = svg.TEXT_COLOUR
POINTS = 400
# Legend backgrounds: Material's page background on each palette (default: white; slate: hsl(232, 15%, 14%)).
# The SVG carries both; a prefers-color-scheme rule picks one. Browsers resolve that query for an <img> from the
# embedding element's color-scheme, which Material sets to dark on its slate palette.
LEGEND_LIGHT = "#ffffff"
LEGEND_DARK = "#1e2029"
LEGEND_ALPHA = 0.85
LEGEND_GID = "actref-legend-frame"
# Drawing order: f′ beneath f (where they coincide, e.g. relu's flat part, f′ shows as an orange rim around the
# blue f), the dashed built-in above both, kink markers on top.
Z_DERIVATIVE, Z_VALUE, Z_BUILTIN, Z_MARKER = 2.0, 2.5, 3.0, 4.0
F_WIDTH, D_WIDTH = 2.2, 3.6

GLU_NAMES = ("glu", "reglu", "geglu", "swiglu", "bilinear")
# Vector maps drawn like softmax: each output over a slice of 3 inputs.
SOFTMAX_LIKE = ("softmax", "log_softmax", "softmin", "sparsemax", "entmax15", "solu")
SOFTMAX_SYMBOLS = {"log_softmax": "log s", "solu": "y"}  # the outputs' symbol, s by default


def figure_inputs(spec: Activation) -> dict:
    """The figure's parameters (its cache key adds this module's source and the spec's fingerprint)."""
    return {
        "name": spec.name,
        "plot_range": list(spec.plot_range),
        "defaults": repr(sorted(spec.defaults.items())),
        "points": POINTS,
    }


def caption(spec: Activation) -> str:
    """One-line description of the figure in English (used as caption and alt text; the figure itself has no
    words, so this says what its line styles and dots are). One of a few fixed sentences, each translated in
    locale/zh/figures.po."""
    builtin = "; dashed grey: the torch built-in" if spec.builtin is not None else ""
    if spec.name in SOFTMAX_LIKE:
        symbol = SOFTMAX_SYMBOLS.get(spec.name, "s")
        return f"outputs over a slice of 3 logits (x₁ varies, x₂ = 0, x₃ = 1) and ∂{symbol}₁/∂x₁ by autograd{builtin}"
    if spec.name in GLU_NAMES:
        builtin = "; dashed grey contours: the torch built-in" if spec.builtin is not None else ""
        return f"heat map of f(a, b) over the value half a and the gate half b, with contour lines{builtin}"
    if spec.name == "maxout":
        ties = "; dots: autograd's value at a tie (1/m to each of m tied pieces)" if maxout_ties(spec) else ""
        return (
            "maxout over its pieces (thin grey: each linear piece of t; blue: their max) and its derivative "
            f"by autograd (orange){builtin}{ties}"
        )
    if spec.name == "crelu":
        return (
            "its two halves, relu(x) (blue) and relu(−x) (green), each with its derivative by autograd as a wide "
            f"pale band{builtin}"
        )
    lo, hi = spec.plot_range
    kinks = "; dots: autograd's value at a kink" if any(lo < k < hi for k in kink_points(spec)) else ""
    return f"f (blue) and f′ from autograd (orange) of actref's implementation{builtin}{kinks}"


# ---------------------------------------------------------------------------------------------- plumbing
def _new_figure(width: float = 6.4, height: float = 3.6):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    # The house style (the build draws inside svg.drawing() already; this keeps direct calls the same).
    matplotlib.rcParams.update(svg.style())
    return Figure(figsize=(width, height), layout="constrained")


def _style(ax) -> None:
    ax.grid(True, color=TEXT_COLOUR, alpha=0.25, linewidth=0.6)
    ax.axhline(0, color=TEXT_COLOUR, linewidth=0.8, alpha=0.6)
    ax.axvline(0, color=TEXT_COLOUR, linewidth=0.8, alpha=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _legend(ax) -> None:
    """A legend on a background matching the page (light or dark), so grid lines don't run through its text."""
    legend = ax.legend(
        loc="best",
        fontsize=9,
        frameon=True,
        framealpha=LEGEND_ALPHA,
        facecolor=LEGEND_LIGHT,
        edgecolor="none",
    )
    legend.set_zorder(Z_MARKER + 1)
    legend.legendPatch.set_gid(LEGEND_GID)


_DARK_LEGEND_CSS = (
    f'<style type="text/css">@media (prefers-color-scheme: dark) {{ '
    f"#{LEGEND_GID} path {{ fill: {LEGEND_DARK} !important; }} }}</style>"
)


def _save(fig, path: Path) -> None:
    text = svg.svg_text(fig, transparent=True, metadata={"Creator": "actref.site.activation_figures"})
    if f'id="{LEGEND_GID}"' in text:
        text = text.replace("</defs>", _DARK_LEGEND_CSS + "\n </defs>", 1)
    Path(path).write_text(text, encoding="utf-8")


def _value_and_grad(fn, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """f(x) and its elementwise derivative by autograd (sum-backward of an elementwise function)."""
    xg = x.clone().requires_grad_(True)
    y = fn(xg)
    (g,) = torch.autograd.grad(y.sum(), xg)
    return y.detach(), g


# ---------------------------------------------------------------------------------------------- elementwise
def kink_points(spec: Activation) -> list[float]:
    """The x of every declared kink at the default parameters, sorted."""
    subs = spec.substitutions()
    return sorted({float(sympy.sympify(k.at).subs(subs)) for k in spec.kinks})


def _segments(lo: float, hi: float, cuts: list[float]) -> list[torch.Tensor]:
    """Grids over (lo, hi) split at `cuts`; the ends next to a cut step one ulp inside (one-sided limits)."""
    edges = [lo, *[c for c in cuts if lo < c < hi], hi]
    out = []
    total = hi - lo
    for a, b in itertools.pairwise(edges):
        n = max(8, int(POINTS * (b - a) / total))
        t = torch.linspace(a, b, n, dtype=torch.float64)
        if a != lo:
            t[0] = torch.nextafter(t[0], t[1])
        if b != hi:
            t[-1] = torch.nextafter(t[-1], t[-2])
        out.append(t)
    return out


def draw(path: Path, name: str) -> None:
    """Draw activation `name`'s figure into `path` (by name, so a pool process can be asked to draw it)."""
    activation_figure(catalog.get(name), path)


def activation_figure(spec: Activation, path: Path) -> None:
    """Draw `spec` into an SVG file at `path` (dispatches to a vector-valued layout where needed)."""
    if not spec.elementwise:
        return _vector_figure(spec, path)
    params = spec.defaults
    lo, hi = spec.plot_range
    kinks = [k for k in kink_points(spec) if lo < k < hi]
    fig = _new_figure()
    ax = fig.add_subplot()
    _style(ax)

    def ours(t):
        return spec(t, **params)

    def builtin(t):
        return spec.builtin(t, **params) if params else spec.builtin(t)

    for i, t in enumerate(_segments(lo, hi, kinks)):
        y, dy = _value_and_grad(ours, t)
        first = i == 0
        ax.plot(t, y, color=F_COLOUR, linewidth=F_WIDTH, zorder=Z_VALUE, label="f(x)" if first else None)
        ax.plot(
            t, dy, color=D_COLOUR, linewidth=D_WIDTH, zorder=Z_DERIVATIVE, label="f′(x)" if first else None
        )
        if spec.builtin is not None:  # no legend entry: the caption names it (the figure has no words)
            by, bdy = _value_and_grad(builtin, t)
            _plot_builtin(ax, t, by)
            _plot_builtin(ax, t, bdy)
    for k in kinks:
        at = torch.tensor([k], dtype=torch.float64)
        _mark_jump(ax, ours, k, *_value_and_grad(ours, at), F_COLOUR, D_COLOUR)
    ax.set_xlim(lo, hi)
    ax.set_xlabel("x")
    _legend(ax)
    _save(fig, path)


def _plot_builtin(ax, t, y) -> None:
    ax.plot(t, y, color=BUILTIN_COLOUR, linewidth=1.1, linestyle=(0, (4, 3)), zorder=Z_BUILTIN)


def _mark_jump(ax, fn, k: float, y_at, dy_at, f_colour: str, d_colour: str) -> None:
    """At a kink `k`: filled dots for f and f′ there (`y_at`, `dy_at`: what autograd returns at exactly `k`),
    open circles for one-sided limits that differ from them. f′'s markers are larger and beneath f's, so a
    shared point shows as a blue dot in an orange ring."""
    side = torch.tensor([k, k], dtype=torch.float64)
    side[0] = torch.nextafter(side[0], torch.tensor(-torch.inf, dtype=torch.float64))
    side[1] = torch.nextafter(side[1], torch.tensor(torch.inf, dtype=torch.float64))
    ys, dys = _value_and_grad(fn, side)
    for values, at_value, colour, size, z in (
        (dys, dy_at, d_colour, 8.0, Z_MARKER),
        (ys, y_at, f_colour, 5.0, Z_MARKER + 0.2),
    ):
        at_value = float(at_value.reshape(-1)[0]) if torch.is_tensor(at_value) else float(at_value)
        for v in values.tolist():
            if abs(v - at_value) > 1e-6 * (1 + abs(v)):
                ax.plot(
                    [k],
                    [v],
                    "o",
                    markersize=size + 0.5,
                    markerfacecolor="none",
                    markeredgecolor=colour,
                    markeredgewidth=1.4,
                    zorder=z + 0.1,
                )
        ax.plot([k], [at_value], "o", markersize=size, color=colour, markeredgewidth=0, zorder=z)


# ---------------------------------------------------------------------------------------------- vector-valued
def _vector_figure(spec: Activation, path: Path) -> None:
    if spec.name in SOFTMAX_LIKE:
        return _softmax_figure(spec, path)
    if spec.name in GLU_NAMES:
        return _glu_figure(spec, path)
    if spec.name == "maxout":
        return _maxout_figure(spec, path)
    if spec.name == "crelu":
        return _crelu_figure(spec, path)
    raise ValueError(
        f"actref.site.activation_figures has no layout for the vector-valued activation {spec.name!r}; add one to _vector_figure."
    )


def _softmax_figure(spec: Activation, path: Path) -> None:
    lo, hi = spec.plot_range
    t = torch.linspace(lo, hi, POINTS, dtype=torch.float64)
    logits = torch.stack([t, torch.zeros_like(t), torch.ones_like(t)], dim=-1)
    fig = _new_figure()
    ax = fig.add_subplot()
    _style(ax)
    xg = logits.clone().requires_grad_(True)
    out = spec(xg)
    (d11,) = torch.autograd.grad(out[:, 0].sum(), xg)
    out = out.detach()
    symbol = SOFTMAX_SYMBOLS.get(spec.name, "s")
    for i in range(3):
        ax.plot(
            t,
            out[:, i],
            color=EXTRA_COLOURS[[0, 2, 3][i]],
            linewidth=F_WIDTH,
            zorder=Z_VALUE,
            label=f"{symbol}{'₁₂₃'[i]}",
        )
    ax.plot(
        t,
        d11[:, 0],
        color=D_COLOUR,
        linewidth=D_WIDTH,
        zorder=Z_DERIVATIVE,
        label=f"∂{symbol}₁/∂x₁",
    )
    if spec.builtin is not None:
        b = spec.builtin(logits, **spec.defaults)
        for i in range(3):
            _plot_builtin(ax, t, b[:, i])
    ax.set_xlim(lo, hi)
    ax.set_xlabel("x₁   (x₂ = 0, x₃ = 1)")
    _legend(ax)
    _save(fig, path)


def _glu_figure(spec: Activation, path: Path) -> None:
    lo, hi = spec.plot_range
    n = 161
    a = torch.linspace(lo, hi, n, dtype=torch.float64)
    A, B = torch.meshgrid(a, a, indexing="xy")  # A varies along columns (x axis), B along rows (y axis)
    ab = torch.stack(
        [A, B], dim=-1
    )  # the last dim holds [a, b]: the first half is the value, the second the gate
    z = spec(ab, **spec.defaults)[..., 0]
    fig = _new_figure(6.4, 4.6)
    ax = fig.add_subplot()
    limit = float(z.abs().max())
    image = ax.imshow(
        z.numpy(),
        origin="lower",
        extent=(lo, hi, lo, hi),
        cmap="RdBu_r",
        vmin=-limit,
        vmax=limit,
        aspect="auto",
        interpolation="bilinear",
    )
    levels = torch.linspace(-limit, limit, 11)[1:-1].tolist()
    # actref's contours faint and thin; the built-in's (same levels) dashed grey and bolder on top, so the dashes
    # read as grey on every part of the colour map and the faint line shows through their gaps where both agree.
    ax.contour(
        A.numpy(),
        B.numpy(),
        z.numpy(),
        levels=levels,
        colors=[TEXT_COLOUR],
        linewidths=0.5,
        alpha=0.6,
        linestyles="solid",
    )
    if spec.builtin is not None:
        bz = spec.builtin(ab, **spec.defaults)[..., 0]
        ax.contour(
            A.numpy(),
            B.numpy(),
            bz.numpy(),
            levels=levels,
            colors=[BUILTIN_COLOUR],
            linewidths=1.4,
            linestyles=[(0, (4, 3))],
        )
    cbar = fig.colorbar(image, ax=ax)
    cbar.set_label("f(a, b)")
    ax.set_xlabel("a")  # the value half, b the gate half: the caption says so
    ax.set_ylabel("b")
    _save(fig, path)


def _maxout_pieces(spec: Activation) -> tuple[torch.Tensor, torch.Tensor]:
    """(slopes, offsets) of the k linear pieces of t that the maxout figure takes the max over."""
    k = int(spec.defaults.get("k", 2))
    return torch.linspace(-1.0, 1.5, k, dtype=torch.float64), torch.linspace(
        0.5, -0.5, k, dtype=torch.float64
    )


def maxout_ties(spec: Activation) -> list[float]:
    """The t where two pieces cross and no other piece lies above them (the max has a kink there), sorted."""
    slopes, offsets = _maxout_pieces(spec)
    lo, hi = spec.plot_range
    ties = []
    for i, j in itertools.combinations(range(len(slopes)), 2):
        if slopes[i] != slopes[j]:
            c = float((offsets[i] - offsets[j]) / (slopes[j] - slopes[i]))
            top = c * slopes + offsets
            if lo < c < hi and float(top.max() - top[i]) <= 1e-12 * (1 + abs(float(top[i]))):
                ties.append(c)
    return sorted(set(ties))


def _maxout_figure(spec: Activation, path: Path) -> None:
    lo, hi = spec.plot_range
    slopes, offsets = _maxout_pieces(spec)
    k = len(slopes)

    def pieces(s):
        return s[:, None] * slopes + offsets  # k features per input: the pieces maxout takes the max over

    def ours(s):
        return spec(pieces(s), **spec.defaults)[:, 0]

    ties = maxout_ties(spec)

    fig = _new_figure()
    ax = fig.add_subplot()
    _style(ax)
    t = torch.linspace(lo, hi, POINTS, dtype=torch.float64)
    p = pieces(t)
    for i in range(k):
        ax.plot(t, p[:, i], color=TEXT_COLOUR, linewidth=0.9, alpha=0.8)
    for n, seg in enumerate(_segments(lo, hi, ties)):
        first = n == 0
        y, dy = _value_and_grad(ours, seg)
        ax.plot(
            seg,
            y,
            color=F_COLOUR,
            linewidth=F_WIDTH,
            zorder=Z_VALUE,
            label="f(t)" if first else None,
        )
        ax.plot(
            seg,
            dy,
            color=D_COLOUR,
            linewidth=D_WIDTH,
            zorder=Z_DERIVATIVE,
            label="f′(t)" if first else None,
        )
        if spec.builtin is not None:
            _plot_builtin(
                ax,
                seg,
                spec.builtin(pieces(seg), **spec.defaults)[:, 0],
            )
    for c in ties:
        # Rounding in pieces(c) rarely makes the tied pieces exactly equal, so build the exact tie: the tied
        # pieces set to the same value. amax then gives each of the m tied inputs gradient 1/m; d/dt follows
        # by the chain rule, Σᵢ gradᵢ · slopeᵢ.
        row = pieces(torch.tensor([c], dtype=torch.float64))[0]
        tied = (row.max() - row).abs() <= 1e-12 * (1 + float(row.abs().max()))
        exact = torch.where(tied, row.max(), row)[None, :].requires_grad_(True)
        y_at = spec(exact, **spec.defaults)[0, 0]
        (g,) = torch.autograd.grad(y_at, exact)
        _mark_jump(ax, ours, c, y_at.detach(), (g[0] * slopes).sum(), F_COLOUR, D_COLOUR)
    ax.set_xlim(lo, hi)
    ax.set_xlabel("t")
    _legend(ax)
    _save(fig, path)


def _crelu_figure(spec: Activation, path: Path) -> None:
    lo, hi = spec.plot_range
    cuts = [0.0] if lo < 0 < hi else []
    fig = _new_figure()
    ax = fig.add_subplot()
    _style(ax)
    for seg_index, t in enumerate(_segments(lo, hi, cuts)):
        x = t[:, None]
        for half, (label, colour) in enumerate((("relu(x)", F_COLOUR), ("relu(−x)", EXTRA_COLOURS[2]))):
            y, dy = _value_and_grad(lambda s, half=half: spec(s[:, None], **spec.defaults)[:, half], t)
            first = seg_index == 0
            # Each derivative is a wide pale band beneath its half (same colour), so where a half and its
            # derivative are both 0 the flat line shows a halo instead of one hiding the other.
            ax.plot(t, y, color=colour, linewidth=F_WIDTH, zorder=Z_VALUE, label=label if first else None)
            ax.plot(
                t,
                dy,
                color=colour,
                linewidth=4.0,
                alpha=0.4,
                solid_capstyle="butt",
                zorder=Z_DERIVATIVE,
                label=f"d/dx {label}" if first else None,
            )
            if spec.builtin is not None:
                by = spec.builtin(x, **spec.defaults)[:, half]
                _plot_builtin(ax, t, by)
    ax.set_xlim(lo, hi)
    ax.set_xlabel("x")
    _legend(ax)
    _save(fig, path)
