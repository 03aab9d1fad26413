"""Self-gated smooth activations: x times a gate computed from x itself (SiLU, GELU, Mish, ...)."""

import math

import sympy
import torch

from actref.registry import REGISTRY, Activation, Init, Kink, Paper, Param, Properties
from actref.symbolic import Phi as sym_Phi
from actref.symbolic import phi as sym_phi
from actref.symbolic import sigmoid as sym_sigmoid
from actref.symbolic import x

beta = sympy.Symbol("beta", positive=True)

# The gates below use σ(z) = exp(log σ(z)) rather than torch.sigmoid(z): torch.sigmoid computes
# 1/(1 + exp(−z)), which flushes to 0 once exp(−z) overflows (z < −709.8 in float64), while x·σ(x) is still a
# normal double down to x ≈ −715. F.logsigmoid is stable on the whole line.

_HENDRYCKS_GIMPEL = Paper(
    authors="Hendrycks, Gimpel",
    year=2016,
    title="Gaussian Error Linear Units (GELUs)",
    url="https://arxiv.org/abs/1606.08415",
)


# --------------------------------------------------------------------------------------------------- SiLU
def silu(x: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    # σ(βx) as exp(log σ(βx)): torch.sigmoid flushes to 0 below βx ≈ −709.8, where x·σ(βx) is still normal.
    y = x * torch.exp(torch.nn.functional.logsigmoid(beta * x))
    # x·σ(βx) is −inf·0 = nan at x = −inf; the limit there is 0.
    return torch.where(x == -torch.inf, 0.0, y)


def silu_derivative(x: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    s = torch.exp(torch.nn.functional.logsigmoid(beta * x))
    s_neg = torch.exp(torch.nn.functional.logsigmoid(-beta * x))
    # σ(βx) + βx·σ(βx)σ(−βx): σ(βx)σ(−βx) keeps full relative accuracy where 1 − σ cancels, and it is
    # formed before multiplying by x so that float32 never meets inf·0.
    d = s + x * (beta * s * s_neg)
    # At ±inf the second term is ±inf·0, whose limit is 0.
    return torch.where(x.isinf(), s, d)


def _silu_builtin(x: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    # F.silu has no β; for β ≠ 1, SiLU_β(x) = silu(βx)/β.
    return torch.nn.functional.silu(x) if beta == 1.0 else torch.nn.functional.silu(beta * x) / beta


REGISTRY.add(
    Activation(
        name="silu",
        title="SiLU / Swish",
        family="gated",
        aliases=("swish", "swish-1", "swish1", "sil"),
        summary="x·σ(βx): a smooth, non-monotonic ReLU-like unit (β = 1 is SiLU, alias Swish-1).",
        forward=silu,
        derivative_fn=silu_derivative,
        params={
            "beta": Param(1.0, lambda v: v > 0, "beta > 0", beta, "gate sharpness; β → ∞ gives ReLU"),
        },
        expr=x * sym_sigmoid(beta * x),
        derivative_expr=sym_sigmoid(beta * x)
        + beta * x * sym_sigmoid(beta * x) * (1 - sym_sigmoid(beta * x)),
        builtin=_silu_builtin,
        builtin_code="torch.nn.functional.silu(x)",
        builtin_differences=(
            "F.silu(−inf) is nan (−inf·0); ours returns the limit 0. In float64 F.silu flushes to −0 for "
            "x < −709.8 (its sigmoid underflows), while the true value is a normal double down to x ≈ −715."
        ),
        conventions="silu(−inf) = 0 and silu(+inf) = +inf (the limits); nan in, nan out.",
        properties=Properties(
            range=(sympy.Float("-0.27846454276107379511", 20), sympy.oo),
            range_closed=(True, False),
            monotonic=False,
            smoothness="C∞",
            zero_centred=False,
            saturates=("negative",),
            self_gated=True,
            minimum=(-1.2784645427610738, -0.27846454276107380),
        ),
        # The GELU paper named xσ(x) the Sigmoid Linear Unit (2016); Elfwing et al. (2017) and Ramachandran
        # et al. (2017) came later; the page credits all three.
        paper=_HENDRYCKS_GIMPEL,
        init=Init("kaiming", 2**0.5, "ReLU-like for x > 0; He initialisation is the common choice"),
        plot_range=(-6.0, 6.0),
        related=("gelu", "mish", "quick_gelu", "hardswish", "swiglu"),
    )
)


# --------------------------------------------------------------------------------------------------- GELU
def gelu(x: torch.Tensor) -> torch.Tensor:
    # x·Φ(x) with Φ(x) = ½·erfc(−x/√2): the textbook ½·(1 + erf(x/√2)) cancels to 0 for x ≲ −5.5 in float32
    # (x ≲ −8 in float64), while erfc keeps full relative accuracy in the left tail.
    y = 0.5 * x * torch.special.erfc(-x / math.sqrt(2))
    # −inf·0 = nan at x = −inf; the limit there is 0.
    return torch.where(x == -torch.inf, 0.0, y)


def gelu_derivative(x: torch.Tensor) -> torch.Tensor:
    cdf = 0.5 * torch.special.erfc(-x / math.sqrt(2))
    pdf = torch.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
    # Φ(x) + x·φ(x); at ±inf the second term is ±inf·0, whose limit is 0.
    return torch.where(x.isinf(), cdf, cdf + x * pdf)


REGISTRY.add(
    Activation(
        name="gelu",
        title="GELU",
        family="gated",
        aliases=("gaussian_error_linear_unit",),
        summary="x·Φ(x): the input weighted by the probability that a standard normal is below it.",
        forward=gelu,
        derivative_fn=gelu_derivative,
        expr=x * sym_Phi(x),
        derivative_expr=sym_Phi(x) + x * sym_phi(x),
        builtin=torch.nn.functional.gelu,
        builtin_code="torch.nn.functional.gelu(x)",
        builtin_differences=(
            "F.gelu(−inf) is nan, and on the CPU F.gelu(+inf) is nan in float32 and bfloat16 (inf in float64 "
            "and on CUDA); ours returns the limits 0 and +inf. F.gelu computes 1 + erf(x/√2), which loses "
            "relative accuracy in the left tail and is −0 below x ≈ −8.4 in float64 (the true gelu(−30) is "
            "≈ −1.5e−196)."
        ),
        conventions="gelu(−inf) = 0 and gelu(+inf) = +inf (the limits); nan in, nan out.",
        properties=Properties(
            range=(sympy.Float("-0.16997120747990366169", 20), sympy.oo),
            range_closed=(True, False),
            monotonic=False,
            smoothness="C∞",
            zero_centred=False,
            saturates=("negative",),
            self_gated=True,
            minimum=(-0.75179152469356446, -0.16997120747990366),
        ),
        paper=_HENDRYCKS_GIMPEL,
        init=Init("kaiming", 2**0.5, "ReLU-like for |x| ≫ 1; He initialisation is the common choice"),
        plot_range=(-5.0, 5.0),
        related=("gelu_tanh", "quick_gelu", "silu", "relu", "geglu"),
    )
)


# ------------------------------------------------------------------------------------- GELU, tanh form
def gelu_tanh(x: torch.Tensor) -> torch.Tensor:
    # ½·(1 + tanh z) = σ(2z): the same number without the cancellation of 1 + tanh z ≈ 0 for x ≲ −3.
    # For |x| ≥ 100, σ(2z) is exactly 0 or 1 even in float64, so z is computed from x clamped to ±100:
    # x³ would overflow in float32 (|x| > 7e12) and turn the gradient into 0·inf = nan.
    xc = torch.clamp(x, -100.0, 100.0)
    z = math.sqrt(2 / math.pi) * (xc + 0.044715 * xc**3)
    y = x * torch.exp(torch.nn.functional.logsigmoid(2 * z))
    # −inf·0 = nan at x = −inf; the limit there is 0.
    return torch.where(x == -torch.inf, 0.0, y)


def gelu_tanh_derivative(x: torch.Tensor) -> torch.Tensor:
    c = math.sqrt(2 / math.pi)
    xc = torch.clamp(x, -100.0, 100.0)
    z = c * (xc + 0.044715 * xc**3)
    dz = c * (1 + 3 * 0.044715 * xc**2)
    s = torch.exp(torch.nn.functional.logsigmoid(2 * z))
    s_neg = torch.exp(torch.nn.functional.logsigmoid(-2 * z))
    # σ(2z) + x·2σ(2z)σ(−2z)·z′, the product formed before multiplying by x so float32 never meets inf·0.
    d = s + x * (2 * s * s_neg * dz)
    return torch.where(x.isinf(), s, d)


def _gelu_tanh_builtin(x: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.gelu(x, approximate="tanh")


_u = sympy.sqrt(2 / sympy.pi) * (x + sympy.Float(0.044715) * x**3)

REGISTRY.add(
    Activation(
        name="gelu_tanh",
        title="GELU (tanh approximation)",
        family="gated",
        aliases=("gelu_new", "gelu_pytorch_tanh"),
        summary="The tanh approximation of GELU that GPT-2 uses (BERT was released with the exact form); within "
        "4.8e−4 of the exact GELU.",
        forward=gelu_tanh,
        derivative_fn=gelu_tanh_derivative,
        expr=x * (1 + sympy.tanh(_u)) / 2,
        derivative_expr=(1 + sympy.tanh(_u)) / 2 + x * (1 - sympy.tanh(_u) ** 2) * sympy.diff(_u, x) / 2,
        builtin=_gelu_tanh_builtin,
        builtin_code='torch.nn.functional.gelu(x, approximate="tanh")',
        builtin_differences=(
            "F.gelu(−inf, approximate='tanh') is nan; ours returns the limit 0. Its autograd gradient is nan "
            "for |x| ≳ 1.8e19 in float32 (x² overflows); ours stays finite. It forms 1 + tanh(z), which loses "
            "relative accuracy in the left tail: in float32 it is 30% off at x = −5 and returns 0 below "
            "x ≈ −5.07 (float64: 0.7% off at x = −7, 0 below x ≈ −7.15); ours uses x·σ(2z)."
        ),
        conventions="gelu_tanh(−inf) = 0 and gelu_tanh(+inf) = +inf (the limits); nan in, nan out.",
        properties=Properties(
            range=(sympy.Float("-0.17004075057125405064", 20), sympy.oo),
            range_closed=(True, False),
            monotonic=False,
            smoothness="C∞",
            zero_centred=False,
            saturates=("negative",),
            self_gated=True,
            minimum=(-0.75246142207101626, -0.17004075057125405),
        ),
        paper=_HENDRYCKS_GIMPEL,
        init=Init("kaiming", 2**0.5, "ReLU-like for |x| ≫ 1; He initialisation is the common choice"),
        plot_range=(-5.0, 5.0),
        related=("gelu", "quick_gelu", "silu"),
    )
)


# ------------------------------------------------------------------------------------------- QuickGELU
def quick_gelu(x: torch.Tensor) -> torch.Tensor:
    # x·σ(1.702x), with σ as exp(log σ) so that the gate does not flush to 0 below 1.702x ≈ −709.8.
    y = x * torch.exp(torch.nn.functional.logsigmoid(1.702 * x))
    # −inf·0 = nan at x = −inf; the limit there is 0.
    return torch.where(x == -torch.inf, 0.0, y)


def quick_gelu_derivative(x: torch.Tensor) -> torch.Tensor:
    s = torch.exp(torch.nn.functional.logsigmoid(1.702 * x))
    s_neg = torch.exp(torch.nn.functional.logsigmoid(-1.702 * x))
    # σ(ax) + ax·σ(ax)σ(−ax), with the product formed before multiplying by x (no inf·0 in float32).
    d = s + x * (1.702 * s * s_neg)
    return torch.where(x.isinf(), s, d)


def _quick_gelu_builtin(x: torch.Tensor) -> torch.Tensor:
    # torch has no QuickGELU; this is the one-liner used by OpenAI's CLIP and Hugging Face transformers.
    return x * torch.sigmoid(1.702 * x)


_a = sympy.Float(1.702)  # the same binary double as the code's 1.702

REGISTRY.add(
    Activation(
        name="quick_gelu",
        title="QuickGELU",
        family="gated",
        aliases=("quickgelu",),
        summary="x·σ(1.702x): a cheap sigmoid approximation of GELU (within 0.021 of it), used by CLIP.",
        forward=quick_gelu,
        derivative_fn=quick_gelu_derivative,
        expr=x * sym_sigmoid(_a * x),
        derivative_expr=sym_sigmoid(_a * x) + _a * x * sym_sigmoid(_a * x) * (1 - sym_sigmoid(_a * x)),
        builtin=_quick_gelu_builtin,
        builtin_code="x * torch.sigmoid(1.702 * x)",
        builtin_differences=(
            "torch has no built-in QuickGELU; the reference is the usual eager one-liner, which is nan at "
            "x = −inf (−inf·0) and flushes to −0 below x ≈ −417 in float64; ours returns the limit 0 at −inf "
            "and stays accurate down to where the true value underflows."
        ),
        conventions="quick_gelu(−inf) = 0 and quick_gelu(+inf) = +inf (the limits); nan in, nan out.",
        properties=Properties(
            range=(sympy.Float("-0.16361018963635358115", 20), sympy.oo),
            range_closed=(True, False),
            monotonic=False,
            smoothness="C∞",
            zero_centred=False,
            saturates=("negative",),
            self_gated=True,
            minimum=(-0.75115425544128895, -0.16361018963635358),
        ),
        paper=_HENDRYCKS_GIMPEL,
        init=Init("kaiming", 2**0.5, "ReLU-like for |x| ≫ 1; He initialisation is the common choice"),
        plot_range=(-5.0, 5.0),
        related=("gelu", "gelu_tanh", "silu"),
    )
)


# --------------------------------------------------------------------------------------------------- Mish
def mish(x: torch.Tensor) -> torch.Tensor:
    # tanh(softplus(x)) = n/(n + 2) with n = eˣ(eˣ + 2); for x ≥ 0 the same number in t = e⁻ˣ,
    # 1 − 2t²/(1 + 2t + 2t²), never overflows (and its gradient in t vanishes at t = 0 term by term, so
    # x·gate stays finite in float32 autograd at x = 3e38). Each branch only sees its own half-line (NaN is
    # kept), so neither exp can overflow and autograd never meets 0·inf.
    xp, xn = torch.where(x < 0, 0.0, x), torch.where(x > 0, 0.0, x)
    t = torch.exp(-xp)
    gate_pos = 1 - 2 * t * t / (1 + 2 * t + 2 * t * t)
    e = torch.exp(xn)
    n = e * (e + 2)
    gate_neg = n / (n + 2)
    y = x * torch.where(x >= 0, gate_pos, gate_neg)
    # −inf·0 = nan at x = −inf; the limit there is 0.
    return torch.where(x == -torch.inf, 0.0, y)


def mish_derivative(x: torch.Tensor) -> torch.Tensor:
    # tanh(sp) + x·sech²(sp)·σ(x) with sp = softplus(x); written in e = eˣ (x < 0) or t = e⁻ˣ (x ≥ 0),
    # sech²(sp)·σ(x) = 4e(1 + e)/(n + 2)² = 4t²(1 + t)/(1 + 2t + 2t²)², which keeps the relative accuracy that
    # 1 − tanh² loses for x ≳ 19.
    xp, xn = torch.where(x < 0, 0.0, x), torch.where(x > 0, 0.0, x)
    t = torch.exp(-xp)
    den_pos = 1 + 2 * t + 2 * t * t
    d_pos = (1 + 2 * t) / den_pos + x * (4 * t * t * (1 + t) / (den_pos * den_pos))
    e = torch.exp(xn)
    n = e * (e + 2)
    d_neg = n / (n + 2) + x * (4 * e * (1 + e) / ((n + 2) * (n + 2)))
    d = torch.where(x >= 0, d_pos, d_neg)
    # At ±inf the second term is ±inf·0, whose limit is 0.
    return torch.where(x == torch.inf, 1.0, torch.where(x == -torch.inf, 0.0, d))


_softplus = sympy.log(1 + sympy.exp(x))

REGISTRY.add(
    Activation(
        name="mish",
        title="Mish",
        family="gated",
        summary="x·tanh(softplus(x)): a smooth, non-monotonic self-gated unit close to SiLU.",
        forward=mish,
        derivative_fn=mish_derivative,
        expr=x * sympy.tanh(_softplus),
        derivative_expr=sympy.tanh(_softplus) + x * (1 - sympy.tanh(_softplus) ** 2) * sym_sigmoid(x),
        builtin=torch.nn.functional.mish,
        builtin_code="torch.nn.functional.mish(x)",
        builtin_differences=(
            "F.mish(−inf) is nan (−inf·0); ours returns the limit 0. F.mish uses a thresholded softplus (the "
            "input itself above 20), which agrees with the exact function to float64 rounding."
        ),
        conventions="mish(−inf) = 0 and mish(+inf) = +inf (the limits); nan in, nan out.",
        properties=Properties(
            range=(sympy.Float("-0.30884341301725040663", 20), sympy.oo),
            range_closed=(True, False),
            monotonic=False,
            smoothness="C∞",
            zero_centred=False,
            saturates=("negative",),
            self_gated=True,
            minimum=(-1.1924312145154952, -0.30884341301725041),
        ),
        paper=Paper(
            authors="Misra",
            year=2019,
            title="Mish: A Self Regularized Non-Monotonic Activation Function",
            url="https://arxiv.org/abs/1908.08681",
            venue="BMVC 2020",
        ),
        init=Init("kaiming", 2**0.5, "ReLU-like for x > 0; He initialisation is the common choice"),
        plot_range=(-6.0, 6.0),
        related=("silu", "gelu", "softplus", "tanh"),
    )
)


# ---------------------------------------------------------------------------------------------- Hardswish
def hardswish(x: torch.Tensor) -> torch.Tensor:
    # x·relu6(x + 3)/6 piecewise: x·(x + 3) is only formed on (−3, 3) (for large x it would overflow in
    # float32 although the result is x). The branch conditions give PyTorch's subgradients at the kinks:
    # 0 at x = −3 and 1 at x = 3. NaN fails every comparison and falls through to the last branch, x.
    x_mid = torch.where((x > -3) & (x < 3), x, 0.0)
    mid = x_mid * (x_mid + 3) / 6
    return torch.where(x <= -3, 0.0, torch.where(x < 3, mid, x))


def hardswish_derivative(x: torch.Tensor) -> torch.Tensor:
    mid = (2 * x + 3) / 6
    return torch.where(x <= -3, 0.0, torch.where(x < 3, mid, torch.where(x.isnan(), x, 1.0)))


REGISTRY.add(
    Activation(
        name="hardswish",
        title="Hardswish",
        family="gated",
        aliases=("hard_swish", "h_swish", "hard_silu"),
        summary="x·relu6(x + 3)/6: a piecewise-quadratic SiLU for mobile networks, with no exp at all.",
        forward=hardswish,
        derivative_fn=hardswish_derivative,
        expr=sympy.Piecewise((0, x <= -3), (x * (x + 3) / 6, x < 3), (x, True)),
        derivative_expr=sympy.Piecewise((0, x <= -3), ((2 * x + 3) / 6, x < 3), (1, True)),
        builtin=torch.nn.functional.hardswish,
        builtin_code="torch.nn.functional.hardswish(x)",
        builtin_differences=(
            "F.hardswish(−inf) is nan; ours returns the limit 0. F.hardswish overflows to inf in float32 for "
            "x ≳ 5.7e37 (it forms x·6 before dividing); ours returns x."
        ),
        conventions="hardswish(x) = 0 for x ≤ −3 (including −inf, as +0) and x for x ≥ 3; nan in, nan out.",
        properties=Properties(
            range=(sympy.Rational(-3, 8), sympy.oo),
            range_closed=(True, False),
            monotonic=False,
            smoothness="C0",
            zero_centred=False,
            saturates=("negative",),
            self_gated=True,
            minimum=(-1.5, -0.375),
        ),
        kinks=(
            Kink(at=sympy.Integer(-3), grad=sympy.Integer(0), note="Left derivative 0, right −1/2."),
            Kink(at=sympy.Integer(3), grad=sympy.Integer(1), note="Left derivative 3/2, right 1."),
        ),
        paper=Paper(
            authors="Howard, Sandler, Chu, Chen, Chen, Tan, Wang, Zhu, Pang, Vasudevan, Le, Adam",
            year=2019,
            title="Searching for MobileNetV3",
            url="https://arxiv.org/abs/1905.02244",
            venue="ICCV 2019",
        ),
        init=Init("kaiming", 2**0.5, "ReLU-like for x > 3; He initialisation is the common choice"),
        plot_range=(-6.0, 6.0),
        related=("silu", "hardsigmoid", "relu6"),
    )
)
