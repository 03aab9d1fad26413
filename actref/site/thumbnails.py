"""Small SVG thumbnails of each activation for the gallery: f solid, f′ dashed, both from our implementation.

f′ comes from autograd of the same code the page shows (as on the page's figure). A thumbnail is written as
plain SVG text, not with matplotlib: a polyline per curve, coordinates rounded to 0.1 px, so the bytes depend
only on the values, it draws in milliseconds and weighs a few kilobytes. Curves break at declared kinks and
at non-finite values, so no line is drawn across a jump. Vector-valued activations are drawn along the same
one-dimensional slice as their page's figure (softmax-like: x₁ varies, x₂ = 0, x₃ = 1; GLU-like: the gate
half b varies with the value half a = 1; maxout: the same linear pieces of t; CReLU: both halves).
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import TYPE_CHECKING

import torch

from actref import catalog
from actref.site import activation_figures

if TYPE_CHECKING:
    from actref.registry import Activation

WIDTH, HEIGHT = 160, 100  # CSS pixels; the gallery shows them at this size
PAD = 5.0
POINTS = 121
F_COLOUR = activation_figures.F_COLOUR
D_COLOUR = activation_figures.D_COLOUR
AXIS_COLOUR = activation_figures.TEXT_COLOUR
F_WIDTH, D_WIDTH = 2.2, 1.6
D_DASH = "5 3"

# A curve: its x values and y values, the same length.
Curve = tuple[list[float], list[float]]


def thumbnail_inputs(spec: Activation) -> dict:
    """The thumbnail's parameters (its cache key adds this module's source and the spec's fingerprint)."""
    return {
        "name": spec.name,
        "plot_range": list(spec.plot_range),
        "defaults": repr(sorted(spec.defaults.items())),
        "size": [WIDTH, HEIGHT],
        "points": POINTS,
    }


def slice_text(spec: Activation) -> str:
    """What the thumbnail's x axis is, for its alt text ('x', 'the gate b, with a = 1', ...)."""
    if spec.elementwise:
        return "x"
    if spec.name in activation_figures.SOFTMAX_LIKE:
        return "x₁ (x₂ = 0, x₃ = 1), output 1"
    if spec.name in activation_figures.GLU_NAMES:
        return "the gate half b, with the value half a = 1"
    if spec.name == "maxout":
        return "t, each piece a line in t"
    if spec.name == "crelu":
        return "x, both halves"
    raise ValueError(
        f"actref.site.thumbnails has no slice for the vector-valued activation {spec.name!r}; add one to "
        "vector_curves() and slice_text()."
    )


def alt_text(spec: Activation) -> str:
    """The thumbnail's alt text: what is drawn, over which range."""
    lo, hi = (_short(v) for v in spec.plot_range)
    return f"{spec.title}: f (solid) and f′ by autograd (dashed) over {slice_text(spec)} from {lo} to {hi}"


def _short(v: float) -> str:
    text = f"{v:.3g}"
    return text.replace("-", "−")


# ---------------------------------------------------------------------------------------------- the values
def _value_and_grad(fn, t: torch.Tensor) -> tuple[list[float], list[float]]:
    tg = t.clone().requires_grad_(True)
    y = fn(tg)
    (g,) = torch.autograd.grad(y.sum(), tg)
    return y.detach().tolist(), g.tolist()


def elementwise_curves(spec: Activation) -> tuple[list[Curve], list[Curve]]:
    """(f pieces, f′ pieces) over the plot range at the defaults, split at the kinks."""
    lo, hi = spec.plot_range
    kinks = [k for k in activation_figures.kink_points(spec) if lo < k < hi]
    params = spec.defaults
    fs, ds = [], []
    for t in _segments(lo, hi, kinks):
        y, dy = _value_and_grad(lambda s: spec(s, **params), t)
        fs.append((t.tolist(), y))
        ds.append((t.tolist(), dy))
    return fs, ds


def _segments(lo: float, hi: float, cuts: list[float]) -> list[torch.Tensor]:
    """Grids over (lo, hi) split at `cuts`; the ends next to a cut step one ulp inside (one-sided limits)."""
    edges = [lo, *cuts, hi]
    out = []
    for a, b in itertools.pairwise(edges):
        n = max(4, round(POINTS * (b - a) / (hi - lo)))
        t = torch.linspace(a, b, n, dtype=torch.float64)
        if a != lo:
            t[0] = torch.nextafter(t[0], t[1])
        if b != hi:
            t[-1] = torch.nextafter(t[-1], t[-2])
        out.append(t)
    return out


def vector_curves(spec: Activation) -> tuple[list[Curve], list[Curve]]:
    """(f curves, f′ curves) of a vector-valued activation along its page figure's slice (see slice_text)."""
    slice_text(spec)  # raises for a vector activation without a slice
    lo, hi = spec.plot_range
    params = spec.defaults
    t = torch.linspace(lo, hi, POINTS, dtype=torch.float64)
    if spec.name in activation_figures.SOFTMAX_LIKE:
        outputs = [
            lambda s: spec(torch.stack([s, torch.zeros_like(s), torch.ones_like(s)], -1), **params)[:, 0]
        ]
    elif spec.name in activation_figures.GLU_NAMES:
        outputs = [lambda s: spec(torch.stack([torch.ones_like(s), s], -1), **params)[:, 0]]
    elif spec.name == "maxout":
        k = int(params.get("k", 2))
        slopes = torch.linspace(-1.0, 1.5, k, dtype=torch.float64)  # the page figure's pieces
        offsets = torch.linspace(0.5, -0.5, k, dtype=torch.float64)
        outputs = [lambda s: spec(s[:, None] * slopes + offsets, **params)[:, 0]]
    else:  # crelu: relu(x) and relu(−x), split at their kink
        return _crelu_curves(spec, lo, hi)
    fs, ds = [], []
    for fn in outputs:
        y, dy = _value_and_grad(fn, t)
        fs.append((t.tolist(), y))
        ds.append((t.tolist(), dy))
    return fs, ds


def _crelu_curves(spec: Activation, lo: float, hi: float) -> tuple[list[Curve], list[Curve]]:
    fs, ds = [], []
    for t in _segments(lo, hi, [0.0] if lo < 0 < hi else []):
        for half in (0, 1):
            y, dy = _value_and_grad(lambda s, half=half: spec(s[:, None], **spec.defaults)[:, half], t)
            fs.append((t.tolist(), y))
            ds.append((t.tolist(), dy))
    return fs, ds


def curves(spec: Activation) -> tuple[list[Curve], list[Curve]]:
    """(f curves, f′ curves) that `spec`'s thumbnail draws."""
    return elementwise_curves(spec) if spec.elementwise else vector_curves(spec)


# ---------------------------------------------------------------------------------------------- the SVG
def _finite_runs(curve: Curve) -> list[Curve]:
    """The curve cut wherever a value is not finite (the pieces with two points or more)."""
    runs: list[Curve] = []
    xs: list[float] = []
    ys: list[float] = []
    for x, y in zip(*curve, strict=True):
        if math.isfinite(y):
            xs.append(x)
            ys.append(y)
        elif xs:
            runs.append((xs, ys))
            xs, ys = [], []
    if xs:
        runs.append((xs, ys))
    return [r for r in runs if len(r[0]) >= 2]


def y_limits(all_curves: list[Curve]) -> tuple[float, float]:
    """The y range shown: every finite value and 0 (so the x axis is in view), padded by 8%."""
    values = [y for _, ys in all_curves for y in ys if math.isfinite(y)] + [0.0]
    lo, hi = min(values), max(values)
    if hi - lo < 1e-9:
        lo, hi = lo - 1.0, hi + 1.0
    pad = 0.08 * (hi - lo)
    return lo - pad, hi + pad


def _points(curve: Curve, sx, sy) -> str:
    return " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in zip(*curve, strict=True))


def svg_text(spec: Activation) -> str:
    """The thumbnail of `spec` as SVG text (byte for byte the same for the same values)."""
    fs, ds = curves(spec)
    lo, hi = spec.plot_range
    ylo, yhi = y_limits(fs + ds)

    def sx(x: float) -> float:
        return PAD + (x - lo) / (hi - lo) * (WIDTH - 2 * PAD)

    def sy(y: float) -> float:
        return HEIGHT - PAD - (y - ylo) / (yhi - ylo) * (HEIGHT - 2 * PAD)

    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}">',
        f'<g stroke="{AXIS_COLOUR}" stroke-width="1" opacity="0.7">',
        f'<line x1="{PAD:.1f}" y1="{sy(0.0):.1f}" x2="{WIDTH - PAD:.1f}" y2="{sy(0.0):.1f}"/>',
    ]
    if lo < 0 < hi:
        lines.append(f'<line x1="{sx(0.0):.1f}" y1="{PAD:.1f}" x2="{sx(0.0):.1f}" y2="{HEIGHT - PAD:.1f}"/>')
    lines.append("</g>")
    style = 'fill="none" stroke-linejoin="round" stroke-linecap="round"'
    # f′ dashed above f: where the two coincide (exponential, relu's flat part on the axis) both still show.
    lines.append(f'<g {style} stroke="{F_COLOUR}" stroke-width="{F_WIDTH}">')
    lines += [f'<polyline points="{_points(run, sx, sy)}"/>' for c in fs for run in _finite_runs(c)]
    lines.append("</g>")
    lines.append(f'<g {style} stroke="{D_COLOUR}" stroke-width="{D_WIDTH}" stroke-dasharray="{D_DASH}">')
    lines += [f'<polyline points="{_points(run, sx, sy)}"/>' for c in ds for run in _finite_runs(c)]
    lines += ["</g>", "</svg>", ""]
    return "\n".join(lines)


def draw(path: Path, name: str) -> None:
    """Write activation `name`'s thumbnail to `path` (by name, so a pool process can be asked to draw it)."""
    Path(path).write_text(svg_text(catalog.get(name)), encoding="utf-8")
