"""The GLU family: the input is split into halves a and b along `dim` and the output is a ⊗ g(b).

glu (g = σ, Dauphin et al. 2017) and Shazeer's (2020) variants reglu, geglu and swiglu. The formulas follow the
convention of actref/catalog/vector.py (output i as a function of the IndexedBase `xs`, with a_i = x_i and
b_i = x_{i+n/2}); tests/test_vector.py checks them with the other vector-valued activations.
"""

import math

import sympy
import torch

from actref.catalog.vector import _dim_param, i, n, xs
from actref.registry import REGISTRY, Activation, Init, Paper, Properties
from actref.symbolic import Phi
from actref.symbolic import sigmoid as sym_sigmoid

# ---------------------------------------------------------------------------------------------- GLU family
# x is split into halves a (first) and b (second) along dim and the output is a ⊗ g(b), as in
# torch.nn.functional.glu. With n the size along dim: a_i = x_i, b_i = x_{i + n/2}, i = 1..n/2.

half = n / 2


_glu_expr = xs[i] * sym_sigmoid(xs[i + half])


def glu(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    size = x.shape[dim]
    if size % 2:
        raise ValueError(
            f"glu: size {size} of dim {dim} is odd; the input must split into two equal halves (a, b)."
        )
    a, b = x.chunk(2, dim=dim)
    return a * torch.sigmoid(b)


_reglu_expr = xs[i] * sympy.Max(0, xs[i + half])


def reglu(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    size = x.shape[dim]
    if size % 2:
        raise ValueError(
            f"reglu: size {size} of dim {dim} is odd; the input must split into two equal halves (a, b)."
        )
    a, b = x.chunk(2, dim=dim)
    # relu written so that nan stays nan and the gradient at b = 0 is 0, as torch.relu's.
    return a * torch.where(b <= 0, 0.0, b)


_geglu_expr = xs[i] * xs[i + half] * Phi(xs[i + half])


def geglu(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    size = x.shape[dim]
    if size % 2:
        raise ValueError(
            f"geglu: size {size} of dim {dim} is odd; the input must split into two equal halves (a, b)."
        )
    a, b = x.chunk(2, dim=dim)
    # Φ via erfc keeps its relative accuracy for b ≪ 0, where 1 + erf cancels.
    cdf = 0.5 * torch.erfc(-b / math.sqrt(2.0))
    # Where Φ(b) is exactly 0 or 1 its derivative has underflowed to 0, and backward would form (a·b)·0,
    # which is nan once a·b overflows: there Φ is the constant it is.
    cdf = torch.where((cdf == 0) | (cdf == 1), cdf.detach(), cdf)
    # At b = −inf the product −inf·0 is nan; the limit is 0.
    return a * torch.where(b == -torch.inf, 0.0, b * cdf)


_swiglu_expr = xs[i] * xs[i + half] * sym_sigmoid(xs[i + half])


def swiglu(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    size = x.shape[dim]
    if size % 2:
        raise ValueError(
            f"swiglu: size {size} of dim {dim} is odd; the input must split into two equal halves (a, b)."
        )
    a, b = x.chunk(2, dim=dim)
    s = torch.sigmoid(b)
    # Where σ(b) is exactly 0 or 1 its derivative has underflowed to 0, and backward would form (a·b)·0,
    # which is nan once a·b overflows: there σ is the constant it is.
    s = torch.where((s == 0) | (s == 1), s.detach(), s)
    # At b = −inf the product −inf·0 is nan; the limit is 0.
    return a * torch.where(b == -torch.inf, 0.0, b * s)


def _reglu_builtin(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    a, b = x.chunk(2, dim=dim)
    return a * torch.nn.functional.relu(b)


def _geglu_builtin(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    a, b = x.chunk(2, dim=dim)
    return a * torch.nn.functional.gelu(b)


def _swiglu_builtin(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    a, b = x.chunk(2, dim=dim)
    return a * torch.nn.functional.silu(b)


_SPLIT = r",\quad a_i = x_i,\ b_i = x_{i + n/2}"
a_half, b_half = sympy.IndexedBase("a"), sympy.IndexedBase("b")


def _gated_latex(expr) -> str:
    """The formula in terms of the halves, a_i g(b_i), generated from `expr` (x_i → a_i, x_{i+n/2} → b_i)."""
    ab = expr.subs({xs[i + half]: b_half[i]}).subs({xs[i]: a_half[i]})
    return r"f(\mathbf{x})_i = " + sympy.latex(ab, order="none") + _SPLIT


_SHAZEER = Paper(
    authors="Shazeer",
    year=2020,
    title="GLU Variants Improve Transformer",
    url="https://arxiv.org/abs/2002.05202",
)
_GATED_NOTES = (
    "output size along dim is half the input size",
    "the first half a is the value, the second half b the gate (torch.nn.functional.glu's order)",
    "saturates as the gate b → −∞: both partial derivatives vanish",
)


def _gated_init(gain: float, gate: str) -> Init:
    return Init(
        "kaiming",
        gain,
        f"for independent N(0, 1) halves E[y²] = E[{gate}²], so the gain 1/√E[{gate}²] = {gain:.4f} brings "
        "the next layer's pre-activations back to unit variance",
    )


REGISTRY.add(
    Activation(
        name="glu",
        title="GLU",
        family="vector",
        aliases=("gated_linear_unit",),
        summary="Splits its input into halves a and b and returns a·σ(b): one half gates the other; the "
        "output has half the input's size.",
        forward=glu,
        params={"dim": _dim_param("the axis split into halves (a, b)")},
        expr=_glu_expr,
        latex_override=_gated_latex(_glu_expr),
        derivative_latex_override=r"\frac{\partial y_i}{\partial a_j} = \delta_{ij}\,\sigma(b_i),\quad"
        r"\frac{\partial y_i}{\partial b_j} = \delta_{ij}\,a_i\,\sigma(b_i)\,\sigma(-b_i)" + _SPLIT,
        builtin=torch.nn.functional.glu,
        builtin_code="torch.nn.functional.glu(x, dim=-1)",
        builtin_differences="An odd size along dim raises ValueError in ours, RuntimeError in F.glu.",
        conventions="a = ±inf with a closed gate (b = −inf) gives nan (inf·0 has no limit); otherwise ±inf "
        "follow the limits.",
        properties=Properties(
            range=(-sympy.oo, sympy.oo),
            monotonic=False,
            smoothness="C∞",
            zero_centred=True,
            saturates=("negative",),
            notes=(
                *_GATED_NOTES,
                "zero-centred: y is odd in a, so E[y] = 0 when a is symmetric and independent of b",
            ),
        ),
        paper=Paper(
            authors="Dauphin, Fan, Auli, Grangier",
            year=2017,
            title="Language Modeling with Gated Convolutional Networks",
            url="https://arxiv.org/abs/1612.08083",
            venue="ICML",
        ),
        init=_gated_init(1.8462285453386054, "σ(b)"),
        elementwise=False,
        plot_range=(-4.0, 4.0),
        related=("reglu", "geglu", "swiglu", "sigmoid"),
    )
)

REGISTRY.add(
    Activation(
        name="reglu",
        title="ReGLU",
        family="vector",
        aliases=("relu_glu",),
        summary="The GLU variant a·relu(b) on the two halves of its input; the output has half the input's size.",
        forward=reglu,
        params={"dim": _dim_param("the axis split into halves (a, b)")},
        expr=_reglu_expr,
        latex_override=_gated_latex(_reglu_expr),
        derivative_latex_override=r"\frac{\partial y_i}{\partial a_j} = \delta_{ij}\max(0, b_i),\quad"
        r"\frac{\partial y_i}{\partial b_j} = \delta_{ij}\,a_i\,[b_i > 0]" + _SPLIT,
        builtin=_reglu_builtin,
        builtin_code="x.chunk(2, dim=-1)[0] * torch.nn.functional.relu(x.chunk(2, dim=-1)[1])",
        builtin_differences="No torch built-in: compared with F.relu on the halves from chunk. An odd size "
        "raises ValueError in ours.",
        conventions="The gradient with respect to b at b = 0 is 0 (torch.relu's subgradient). a = ±inf with "
        "b ≤ 0, and a = 0 with b = +inf, give nan (inf·0).",
        properties=Properties(
            range=(-sympy.oo, sympy.oo),
            monotonic=False,
            smoothness="C0",
            zero_centred=True,
            saturates=("negative",),
            notes=(*_GATED_NOTES, "kink at b = 0, where the gradient with respect to b is 0"),
        ),
        paper=_SHAZEER,
        init=_gated_init(2**0.5, "relu(b)"),
        elementwise=False,
        plot_range=(-4.0, 4.0),
        related=("glu", "geglu", "swiglu", "relu"),
    )
)

REGISTRY.add(
    Activation(
        name="geglu",
        title="GEGLU",
        family="vector",
        aliases=("gelu_glu",),
        summary="The GLU variant a·GELU(b) on the two halves of its input; the output has half the input's size.",
        forward=geglu,
        params={"dim": _dim_param("the axis split into halves (a, b)")},
        expr=_geglu_expr,
        latex_override=_gated_latex(_geglu_expr),
        derivative_latex_override=r"\frac{\partial y_i}{\partial a_j} = \delta_{ij}\,b_i\,\Phi(b_i),\quad"
        r"\frac{\partial y_i}{\partial b_j} = \delta_{ij}\,a_i\left(\Phi(b_i) + b_i\,\varphi(b_i)\right)"
        + _SPLIT,
        builtin=_geglu_builtin,
        builtin_code="x.chunk(2, dim=-1)[0] * torch.nn.functional.gelu(x.chunk(2, dim=-1)[1])",
        builtin_differences="No torch built-in: compared with F.gelu (exact) on the halves from chunk. "
        "F.gelu evaluates 1 + erf(b/√2), which cancels for b ≪ 0: it returns 0 below b ≈ −5.5 in float32 "
        "(≈ −8.4 in float64) and is inaccurate just above; ours (erfc) keeps its relative accuracy. "
        "F.gelu(−inf) is nan on the CPU; ours uses the limit 0. An odd size raises ValueError in ours.",
        conventions="b = −inf closes the gate (limit 0); a = ±inf with a closed gate gives nan (inf·0).",
        properties=Properties(
            range=(-sympy.oo, sympy.oo),
            monotonic=False,
            smoothness="C∞",
            zero_centred=True,
            saturates=("negative",),
            notes=_GATED_NOTES,
        ),
        paper=_SHAZEER,
        init=_gated_init(1.5335304411955352, "GELU(b)"),
        elementwise=False,
        plot_range=(-4.0, 4.0),
        related=("glu", "reglu", "swiglu", "gelu"),
    )
)

REGISTRY.add(
    Activation(
        name="swiglu",
        title="SwiGLU",
        family="vector",
        aliases=("silu_glu", "swish_glu"),
        summary="The GLU variant a·SiLU(b) on the two halves of its input (the gate of LLaMA-style "
        "feed-forward layers); the output has half the input's size.",
        forward=swiglu,
        params={"dim": _dim_param("the axis split into halves (a, b)")},
        expr=_swiglu_expr,
        latex_override=_gated_latex(_swiglu_expr),
        derivative_latex_override=r"\frac{\partial y_i}{\partial a_j} = \delta_{ij}\,b_i\,\sigma(b_i),\quad"
        r"\frac{\partial y_i}{\partial b_j} = \delta_{ij}\,a_i\,\sigma(b_i)\left(1 + b_i\,\sigma(-b_i)\right)"
        + _SPLIT,
        builtin=_swiglu_builtin,
        builtin_code="x.chunk(2, dim=-1)[0] * torch.nn.functional.silu(x.chunk(2, dim=-1)[1])",
        builtin_differences="No torch built-in: compared with F.silu on the halves from chunk. F.silu(−inf) is "
        "nan; ours uses the limit 0. An odd size raises ValueError in ours.",
        conventions="b = −inf closes the gate (limit 0); a = ±inf with a closed gate gives nan (inf·0).",
        properties=Properties(
            range=(-sympy.oo, sympy.oo),
            monotonic=False,
            smoothness="C∞",
            zero_centred=True,
            saturates=("negative",),
            notes=_GATED_NOTES,
        ),
        paper=_SHAZEER,
        init=_gated_init(1.6765324703310912, "SiLU(b)"),
        elementwise=False,
        plot_range=(-4.0, 4.0),
        related=("glu", "reglu", "geglu", "silu"),
    )
)


# ---------------------------------------------------------------------------------------------- bilinear
# Shazeer's (2020) GLU variant without an activation on the gate: y = a ⊗ b.

_bilinear_expr = xs[i] * xs[i + half]


def bilinear(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    size = x.shape[dim]
    if size % 2:
        raise ValueError(
            f"bilinear: size {size} of dim {dim} is odd; the input must split into two equal halves (a, b)."
        )
    a, b = x.chunk(2, dim=dim)
    return a * b


REGISTRY.add(
    Activation(
        name="bilinear",
        title="Bilinear",
        family="vector",
        aliases=("bilinear_glu",),
        summary="The GLU variant with no gate activation: the product a·b of the two halves of its input; the "
        "output has half the input's size.",
        forward=bilinear,
        params={"dim": _dim_param("the axis split into halves (a, b)")},
        expr=_bilinear_expr,
        latex_override=_gated_latex(_bilinear_expr),
        derivative_latex_override=r"\frac{\partial y_i}{\partial a_j} = \delta_{ij}\,b_i,\quad"
        r"\frac{\partial y_i}{\partial b_j} = \delta_{ij}\,a_i" + _SPLIT,
        conventions="IEEE products: a ±inf half times a nonzero finite one gives ±inf, inf·0 gives nan; nan in "
        "either half makes that output nan. An odd size along dim raises ValueError.",
        properties=Properties(
            range=(-sympy.oo, sympy.oo),
            monotonic=False,
            smoothness="C∞",
            zero_centred=True,
            notes=(
                "output size along dim is half the input size",
                "symmetric in the halves: a·b = b·a, so which half is the 'gate' does not matter",
                "no saturation: ∂y/∂a = b and ∂y/∂b = a grow with the inputs",
                "zero-centred: y is odd in a, so E[y] = 0 when a is symmetric and independent of b",
            ),
        ),
        paper=_SHAZEER,
        init=Init(
            "kaiming",
            1.0,
            "for independent N(0, 1) halves E[(a·b)²] = E[a²]·E[b²] = 1, so no gain is needed",
        ),
        elementwise=False,
        plot_range=(-4.0, 4.0),
        related=("glu", "reglu", "geglu", "swiglu", "identity"),
    )
)
