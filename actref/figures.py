"""Figures of activations, drawn with matplotlib's Agg canvas into SVG files.

Style: transparent background, mid-tone colours and grey text, so one file reads well on Material's light
and dark palettes. Values come from actref's implementation and f′ from autograd of that same code; the
torch built-in is overlaid dashed. Curves are split at declared kinks, so no line is drawn across a jump.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import sympy
import torch

from actref.registry import Activation

F_COLOUR = "#3d85c6"  # mid blue
D_COLOUR = "#e69138"  # mid orange
EXTRA_COLOURS = ("#3d85c6", "#e69138", "#6aa84f", "#a64d79")
BUILTIN_COLOUR = "#8a8a8a"  # mid grey: visible on white and on slate
TEXT_COLOUR = "#8a8a8a"
POINTS = 400

GLU_NAMES = ("glu", "reglu", "geglu", "swiglu")


def figure_inputs(spec: Activation) -> dict:
    """Everything, besides actref's source, that the figure of `spec` depends on (part of its cache key)."""
    return {
        "name": spec.name,
        "plot_range": list(spec.plot_range),
        "defaults": repr(sorted(spec.defaults.items())),
        "points": POINTS,
    }


def caption(spec: Activation) -> str:
    """One-line description of the figure (used as caption and alt text)."""
    builtin = "; dashed grey: the torch built-in" if spec.builtin is not None else ""
    if spec.name in ("softmax", "log_softmax"):
        return (
            f"outputs over a slice of 3 logits (x₁ varies, x₂ = 0, x₃ = 1) and ∂s₁/∂x₁ by autograd{builtin}"
        )
    if spec.name in GLU_NAMES:
        return f"heat map of f(a, b) for the two halves a (value) and b (gate){builtin} as contour lines"
    if spec.name == "maxout":
        return f"maxout over its pieces (thin: each linear piece of t; thick: their max) and d/dt by autograd{builtin}"
    if spec.name == "crelu":
        return f"its two halves, relu(x) and relu(−x), with their derivatives by autograd{builtin}"
    return f"f (blue) and f′ from autograd (orange) of actref's implementation{builtin}"


# ---------------------------------------------------------------------------------------------- plumbing
def _new_figure(width: float = 6.4, height: float = 3.6):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    matplotlib.rcParams.update(
        {
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
    )
    return Figure(figsize=(width, height), layout="constrained")


def _style(ax) -> None:
    ax.grid(True, color=TEXT_COLOUR, alpha=0.25, linewidth=0.6)
    ax.axhline(0, color=TEXT_COLOUR, linewidth=0.8, alpha=0.6)
    ax.axvline(0, color=TEXT_COLOUR, linewidth=0.8, alpha=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _save(fig, path: Path) -> None:
    fig.savefig(path, format="svg", transparent=True, metadata={"Date": None, "Creator": "actref.figures"})


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
        ax.plot(t, y, color=F_COLOUR, linewidth=2.4, label="f(x)" if i == 0 else None)
        ax.plot(t, dy, color=D_COLOUR, linewidth=2.4, label="f′(x) (autograd)" if i == 0 else None)
        if spec.builtin is not None:
            by, bdy = _value_and_grad(builtin, t)
            ax.plot(
                t,
                by,
                color=BUILTIN_COLOUR,
                linewidth=1.1,
                linestyle=(0, (4, 3)),
                label="torch built-in" if i == 0 else None,
            )
            ax.plot(t, bdy, color=BUILTIN_COLOUR, linewidth=1.1, linestyle=(0, (4, 3)))
    # At each kink: the value there (filled), open circles for one-sided limits that differ from it, and
    # the subgradient autograd returns at exactly the kink.
    for k in kinks:
        at = torch.tensor([k], dtype=torch.float64)
        y, dy = _value_and_grad(ours, at)
        side = torch.tensor([k, k], dtype=torch.float64)
        side[0], side[1] = torch.nextafter(at, at - 1), torch.nextafter(at, at + 1)
        ys, dys = _value_and_grad(ours, side)
        for values, at_value, colour in ((ys, y, F_COLOUR), (dys, dy, D_COLOUR)):
            for v in values:
                if abs(float(v) - float(at_value)) > 1e-6 * (1 + abs(float(v))):
                    ax.plot(
                        [k],
                        [float(v)],
                        "o",
                        markersize=5.5,
                        markerfacecolor="none",
                        markeredgecolor=colour,
                        markeredgewidth=1.4,
                    )
            ax.plot([k], [float(at_value)], "o", markersize=5, color=colour)
    if kinks:
        ax.plot([], [], "o", color=TEXT_COLOUR, markersize=5, label="value at a kink (autograd's choice)")
    ax.set_xlim(lo, hi)
    ax.set_xlabel("x")
    ax.legend(loc="best", fontsize=9)
    _save(fig, path)


# ---------------------------------------------------------------------------------------------- vector-valued
def _vector_figure(spec: Activation, path: Path) -> None:
    if spec.name in ("softmax", "log_softmax"):
        return _softmax_figure(spec, path)
    if spec.name in GLU_NAMES:
        return _glu_figure(spec, path)
    if spec.name == "maxout":
        return _maxout_figure(spec, path)
    if spec.name == "crelu":
        return _crelu_figure(spec, path)
    raise ValueError(
        f"actref.figures has no layout for the vector-valued activation {spec.name!r}; add one to _vector_figure."
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
    symbol = "log s" if spec.name == "log_softmax" else "s"
    for i in range(3):
        ax.plot(t, out[:, i], color=EXTRA_COLOURS[[0, 2, 3][i]], linewidth=2.4, label=f"{symbol}{'₁₂₃'[i]}")
    ax.plot(t, d11[:, 0], color=D_COLOUR, linewidth=2.4, label=f"∂{symbol}₁/∂x₁ (autograd)")
    if spec.builtin is not None:
        b = spec.builtin(logits, **spec.defaults)
        for i in range(3):
            ax.plot(
                t,
                b[:, i],
                color=BUILTIN_COLOUR,
                linewidth=1.1,
                linestyle=(0, (4, 3)),
                label="torch built-in" if i == 0 else None,
            )
    ax.set_xlim(lo, hi)
    ax.set_xlabel("x₁   (x₂ = 0, x₃ = 1)")
    ax.legend(loc="best", fontsize=9)
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
        z,
        origin="lower",
        extent=(lo, hi, lo, hi),
        cmap="RdBu_r",
        vmin=-limit,
        vmax=limit,
        aspect="auto",
        interpolation="bilinear",
    )
    levels = torch.linspace(-limit, limit, 11)[1:-1].tolist()
    ax.contour(A, B, z, levels=levels, colors=[TEXT_COLOUR], linewidths=0.9)
    if spec.builtin is not None:
        bz = spec.builtin(ab, **spec.defaults)[..., 0]
        ax.contour(A, B, bz, levels=levels, colors=["#202020"], linewidths=0.8, linestyles="dashed")
    cbar = fig.colorbar(image, ax=ax)
    cbar.set_label("f(a, b)")
    ax.set_xlabel("a (value half)")
    ax.set_ylabel("b (gate half)")
    _save(fig, path)


def _maxout_figure(spec: Activation, path: Path) -> None:
    k = int(spec.defaults.get("k", 2))
    lo, hi = spec.plot_range
    t = torch.linspace(lo, hi, POINTS, dtype=torch.float64)
    slopes = torch.linspace(-1.0, 1.5, k, dtype=torch.float64)
    offsets = torch.linspace(0.5, -0.5, k, dtype=torch.float64)

    def pieces(s):
        return s[:, None] * slopes + offsets  # k features per input: the pieces maxout takes the max over

    fig = _new_figure()
    ax = fig.add_subplot()
    _style(ax)
    p = pieces(t)
    for i in range(k):
        ax.plot(t, p[:, i], color=TEXT_COLOUR, linewidth=0.9, alpha=0.8, label="pieces" if i == 0 else None)
    y, dy = _value_and_grad(lambda s: spec(pieces(s), **spec.defaults)[:, 0], t)
    ax.plot(t, y, color=F_COLOUR, linewidth=2.4, label=f"maxout (k = {k})")
    ax.plot(t, dy, color=D_COLOUR, linewidth=2.4, label="d/dt (autograd)")
    if spec.builtin is not None:
        by = spec.builtin(p, **spec.defaults)[:, 0]
        ax.plot(t, by, color=BUILTIN_COLOUR, linewidth=1.1, linestyle=(0, (4, 3)), label="torch built-in")
    ax.set_xlim(lo, hi)
    ax.set_xlabel("t (each piece is a linear function of t)")
    ax.legend(loc="best", fontsize=9)
    _save(fig, path)


def _crelu_figure(spec: Activation, path: Path) -> None:
    lo, hi = spec.plot_range
    cuts = [0.0] if lo < 0 < hi else []
    fig = _new_figure()
    ax = fig.add_subplot()
    _style(ax)
    for seg_index, t in enumerate(_segments(lo, hi, cuts)):
        x = t[:, None]
        for half, (label, colour) in enumerate(
            (("relu(x) half", F_COLOUR), ("relu(−x) half", EXTRA_COLOURS[2]))
        ):
            y, dy = _value_and_grad(lambda s, half=half: spec(s[:, None], **spec.defaults)[:, half], t)
            first = seg_index == 0
            ax.plot(t, y, color=colour, linewidth=2.4, label=label if first else None)
            ax.plot(
                t,
                dy,
                color=colour,
                linewidth=1.4,
                linestyle=(0, (1, 1.5)),
                label=f"{label}: derivative (autograd)" if first else None,
            )
            if spec.builtin is not None:
                by = spec.builtin(x, **spec.defaults)[:, half]
                ax.plot(
                    t,
                    by,
                    color=BUILTIN_COLOUR,
                    linewidth=1.1,
                    linestyle=(0, (4, 3)),
                    label="torch built-in" if first and half == 0 else None,
                )
    ax.set_xlim(lo, hi)
    ax.set_xlabel("x")
    ax.legend(loc="best", fontsize=9)
    _save(fig, path)
