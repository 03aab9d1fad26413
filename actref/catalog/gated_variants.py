"""More self-gated units: hard Mish, clipped GELU, LiSHT and ACON-C.

ACON-C has learnable parameters (p1, p2, beta). Its functional form takes each one as a number or as a tensor of
1 or C values (one per channel, dim 1, as nn.PReLU); its module `AconC` (defined here) holds them as
nn.Parameters named like the spec's parameters.

Clipped GELU's kink sits where gelu(x) equals the cap, a point with no closed form: `gelu_inverse` below is the
sympy function for it (evaluated by mpmath, printed to LaTeX and to the live plots' JavaScript).
"""

import math

import mpmath
import sympy
import torch

from actref.catalog._checks import finite_real, positive
from actref.registry import REGISTRY, Activation, Init, Kink, Paper, Param, Properties
from actref.symbolic import Phi as sym_Phi
from actref.symbolic import phi as sym_phi
from actref.symbolic import sigmoid as sym_sigmoid
from actref.symbolic import x

GELU_MIN_X = -0.75179152469356446  # where GELU has its minimum (tests/test_properties.py checks both numbers)
GELU_MIN = -0.16997120747990366


# ------------------------------------------------------------------------------------------------ Hard Mish
def hard_mish(x: torch.Tensor) -> torch.Tensor:
    # ½·x·clamp(x + 2, 0, 2) piecewise: 0 for x ≤ −2, ½·x·(x + 2) on (−2, 0), x from 0 on. x·(x + 2) is only
    # formed on (−2, 0) (elsewhere it could overflow in float32 although the result is 0 or x). The left branch
    # owns x = −2, so autograd returns 0 there, as autograd of timm's ½·x·(x + 2).clamp(0, 2) does (torch.clamp's
    # gradient is 0 at its bounds). NaN fails every comparison and falls through to the last branch, x.
    x_mid = torch.where((x > -2) & (x < 0), x, 0.0)
    mid = 0.5 * x_mid * (x_mid + 2)
    return torch.where(x <= -2, 0.0, torch.where(x < 0, mid, x))


def hard_mish_derivative(x: torch.Tensor) -> torch.Tensor:
    return torch.where(x <= -2, 0.0, torch.where(x < 0, x + 1, torch.where(x.isnan(), x, 1.0)))


REGISTRY.add(
    Activation(
        name="hard_mish",
        title="Hard Mish",
        family="gated",
        summary="½·x·clamp(x + 2, 0, 2): a piecewise-quadratic Mish (timm's hard_mish), with no exp at all.",
        forward=hard_mish,
        derivative_fn=hard_mish_derivative,
        expr=sympy.Piecewise((0, x <= -2), (x * (x + 2) / 2, x < 0), (x, True)),
        derivative_expr=sympy.Piecewise((0, x <= -2), (x + 1, x < 0), (1, True)),
        conventions="hard_mish(x) = 0 for x ≤ −2 (including −inf, as +0) and x for x ≥ 0; nan in, nan out. At the "
        "kink x = −2 the gradient is 0 (the left derivative), as autograd of timm's clamp form gives.",
        properties=Properties(
            range=(sympy.Rational(-1, 2), sympy.oo),
            range_closed=(True, False),
            monotonic=False,
            smoothness="C0",
            zero_centred=False,
            saturates=("negative",),
            self_gated=True,
            minimum=(-1.0, -0.5),
            notes=("f′ is continuous at 0 (both sides 1); only f″ jumps there",),
        ),
        kinks=(
            Kink(
                at=sympy.Integer(-2),
                grad=sympy.Integer(0),
                note="Left derivative 0, right −1. Autograd of timm's ½·x·(x + 2).clamp(0, 2) returns 0 (torch.clamp's "
                "gradient is 0 at its bounds); timm's memory-efficient hard_mish_bwd returns −1.",
            ),
        ),
        paper_note="Diganta Misra (the author of Mish) sketched it in the notes of github.com/digantamisra98/H-Mish; "
        "timm ships it as timm.layers.hard_mish (timm/layers/activations.py), the reference for this spec.",
        init=Init(
            "kaiming", 2**0.5, "identical to ReLU for x ≥ 0, so He initialisation is the natural choice"
        ),
        plot_range=(-4.0, 3.0),
        related=("mish", "hardswish", "silu", "relu"),
    )
)


# --------------------------------------------------------------------------------------------- Clipped GELU
def _gelu_inverse_mp(c):
    """The x > −0.7518 with x·Φ(x) = c (c > 0), at mpmath's working precision."""
    c = mpmath.mpf(c)
    return mpmath.findroot(lambda t: t * mpmath.ncdf(t) - c, max(c, mpmath.mpf("0.5")))


class gelu_inverse(sympy.Function):
    """GELU⁻¹(c): the x at which gelu(x) = x·Φ(x) equals c > 0 (GELU is increasing there). No closed form."""

    is_real = True

    @classmethod
    def eval(cls, c):
        return None  # kept symbolic; evaluated numerically (evalf, lambdify) only

    def _eval_evalf(self, prec):
        c = self.args[0]
        if not c.is_number:
            return None
        with mpmath.workprec(prec + 20):
            return sympy.Float(_gelu_inverse_mp(c._to_mpmath(prec + 20)), precision=prec)

    _imp_ = staticmethod(_gelu_inverse_mp)  # what sympy.lambdify(..., "mpmath") calls

    def _latex(self, printer, exp=None):
        base = rf"\operatorname{{GELU}}^{{-1}}\left({printer._print(self.args[0])}\right)"
        return base if exp is None else rf"{base}^{{{exp}}}"

    def _javascript(self, printer):
        # The live plots (actref.site.explorer): the same Newton iteration and downward rounding as clipped_gelu's.
        return (
            "((c) => { let t = c; for (let i = 0; i < 100; i++) { const s = (t * Phi(t) - c) / (Phi(t) + t * phi(t));"
            " t -= s; if (!(Math.abs(s) > 1e-16 * Math.abs(t))) break; } return t * (1 - 1e-15); })"
            f"({printer._print(self.args[0])})"
        )


def _clip_min_ok(v) -> bool:
    return finite_real(v) and v <= GELU_MIN


def clipped_gelu(x: torch.Tensor, min: float = -10.0, max: float = 10.0) -> torch.Tensor:
    # clamp(gelu(x), min, max) with gelu(x) = ½·x·erfc(−x/√2) (no cancellation in the left tail). min is at most
    # GELU's minimum −0.16997 (the spec's check), so only max binds: for x ≥ x*, where gelu(x*) = max. x* comes
    # from Newton's method on t·Φ(t) = max (within 2 ulps), lowered by 1e-15 (5 to 9 ulps), so the rounded x* itself
    # takes the clipped branch and autograd returns 0 there, as torch.clamp (0 at its bounds) does. Comparing x
    # with x*, not gelu(x) with max, keeps that choice independent of how gelu(x*) rounds.
    t = max
    for _ in range(100):
        cdf = 0.5 * math.erfc(-t / math.sqrt(2))
        step = (t * cdf - max) / (cdf + t * math.exp(-0.5 * t * t) / math.sqrt(2 * math.pi))
        t -= step
        if not abs(step) > 1e-16 * abs(t):
            break
    t *= 1 - 1e-15
    y = 0.5 * x * torch.special.erfc(-x / math.sqrt(2))
    # −inf·0 = nan at x = −inf; the limit there is 0. NaN fails x ≥ t and stays nan.
    return torch.where(x >= t, max, torch.where(x == -torch.inf, 0.0, y))


def clipped_gelu_derivative(x: torch.Tensor, min: float = -10.0, max: float = 10.0) -> torch.Tensor:
    t = max
    for _ in range(100):
        cdf = 0.5 * math.erfc(-t / math.sqrt(2))
        step = (t * cdf - max) / (cdf + t * math.exp(-0.5 * t * t) / math.sqrt(2 * math.pi))
        t -= step
        if not abs(step) > 1e-16 * abs(t):
            break
    t *= 1 - 1e-15
    cdf = 0.5 * torch.special.erfc(-x / math.sqrt(2))
    pdf = torch.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
    # Φ(x) + x·φ(x) (at −inf the second term is −inf·0, whose limit is 0), and 0 above the cap.
    d = torch.where(x == -torch.inf, 0.0, cdf + x * pdf)
    return torch.where(x >= t, 0.0, d)


M_sym = sympy.Symbol("M", positive=True)
_x_star = gelu_inverse(M_sym)

REGISTRY.add(
    Activation(
        name="clipped_gelu",
        title="Clipped GELU",
        family="gated",
        aliases=("gelu_10",),
        summary="clamp(gelu(x), min, max): GELU with its output capped at 10 (transformers' gelu_10), for "
        "quantisation-friendly ranges.",
        forward=clipped_gelu,
        derivative_fn=clipped_gelu_derivative,
        params={
            "min": Param(
                -10.0,
                _clip_min_ok,
                "a finite real number ≤ −0.16997 (GELU's minimum, so the lower clip never binds)",
                None,
                "lower clip (transformers' min); inactive at or below GELU's minimum −0.16997",
            ),
            "max": Param(10.0, positive, "max > 0 (finite)", M_sym, "upper clip M: f = M where gelu(x) ≥ M"),
        },
        expr=sympy.Piecewise((M_sym, x >= _x_star), (x * sym_Phi(x), True)),
        derivative_expr=sympy.Piecewise((0, x >= _x_star), (sym_Phi(x) + x * sym_phi(x), True)),
        conventions="clipped_gelu(−inf) = 0 and clipped_gelu(+inf) = max (the limits); nan in, nan out. At the "
        "kink x* = GELU⁻¹(max) the gradient is 0 (the right derivative), as torch.clamp's at its bounds.",
        properties=Properties(
            range=(sympy.Float("-0.16997120747990366169", 20), sympy.Integer(10)),
            range_closed=(True, True),
            monotonic=False,
            smoothness="C0",
            zero_centred=False,
            saturates=("negative", "positive"),
            self_gated=False,
            minimum=(GELU_MIN_X, GELU_MIN),
            notes=(
                "GELU (x·Φ(x)) below the cap, so its gate Φ(x) = f(x)/x opens towards 1 and then falls back "
                "as max/x: not a self-gate in the sense of the Self-gated family's other members",
                "the kink is at GELU⁻¹(10) = 10 + 7.6e-23, which rounds to 10.0 in float64",
            ),
        ),
        kinks=(
            Kink(
                at=_x_star,
                grad=sympy.Integer(0),
                note="Left derivative gelu′(x*) = Φ(x*) + x*·φ(x*) ≈ 1, right 0. torch.clamp's gradient is 0 at its "
                "bounds, so autograd of transformers' torch.clip(gelu(x), min, max) returns 0 where gelu(x) = max "
                "(at x = 10.0 in float64, for example).",
            ),
        ),
        paper_note="it is a library definition: Hugging Face transformers' ClippedGELUActivation (ACT2FN "
        "'gelu_10' clips to [−10, 10]) in src/transformers/activations.py, whose docstring points to Wu et al. "
        "(2020), arXiv 2004.09602, for the quantisation trick; GELU itself is Hendrycks & Gimpel (2016).",
        init=Init("kaiming", 2**0.5, "GELU below the cap, which is ReLU-like for |x| ≫ 1: He initialisation"),
        plot_range=(-5.0, 15.0),
        related=("gelu", "relu6", "hardtanh", "gelu_tanh"),
    )
)


# ---------------------------------------------------------------------------------------------------- LiSHT
def lisht(x: torch.Tensor) -> torch.Tensor:
    # x·tanh(x) has no cancellation anywhere (both factors have the same sign), and it is +inf at ±inf.
    return x * torch.tanh(x)


def lisht_derivative(x: torch.Tensor) -> torch.Tensor:
    # tanh(x) + x·sech²(x), with sech² = 1/cosh² (1 − tanh² loses its relative accuracy for |x| ≳ 19; cosh
    # overflows to inf past |x| ≈ 710, where sech² is 0 anyway). At ±inf the second term is ±inf·0 → 0.
    c = torch.cosh(x)
    d = torch.tanh(x) + x / (c * c)
    return torch.where(x.isinf(), torch.tanh(x), d)


REGISTRY.add(
    Activation(
        name="lisht",
        title="LiSHT",
        family="gated",
        summary="x·tanh(x): an even, non-negative unit that grows like |x| on both sides (tensorflow-addons' lisht).",
        forward=lisht,
        derivative_fn=lisht_derivative,
        expr=x * sympy.tanh(x),
        derivative_expr=sympy.tanh(x) + x * (1 - sympy.tanh(x) ** 2),
        conventions="lisht(±inf) = +inf (the limits); nan in, nan out.",
        properties=Properties(
            range=(sympy.Integer(0), sympy.oo),
            range_closed=(True, False),
            monotonic=False,
            smoothness="C∞",
            zero_centred=False,
            saturates=(),
            self_gated=False,
            minimum=(0.0, 0.0),
            notes=(
                "even: f(−x) = f(x), so negative inputs give positive outputs; f′ is odd and tends to ∓1 at ∓∞",
                "x times tanh(x), a 'gate' from −1 to 1 rather than from 0 to 1, so not a self-gate in the "
                "sense of the Self-gated family's other members",
            ),
        ),
        paper=Paper(
            authors="Roy, Manna, Dubey, Chaudhuri",
            year=2019,
            title="LiSHT: Non-Parametric Linearly Scaled Hyperbolic Tangent Activation Function for Neural Networks",
            url="https://arxiv.org/abs/1901.05894",
            venue="CVIP 2022, Communications in Computer and Information Science 1776 (2023)",
        ),
        init=Init(
            "kaiming",
            1.1487,
            "our proposal (the paper gives none): E[(z·tanh z)²] = 0.7579 for z ~ N(0, 1), so the gain "
            "1/√0.7579 = 1.1487 carries unit-variance pre-activations to unit-variance pre-activations",
        ),
        plot_range=(-4.0, 4.0),
        related=("tanh", "silu", "mish", "tanhshrink"),
    )
)


# --------------------------------------------------------------------------------------------------- ACON-C
p1_sym, p2_sym, acon_beta = (sympy.Symbol(n, real=True) for n in ("p_1", "p_2", "beta"))


def _number_or_channels(v) -> bool:
    if isinstance(v, torch.Tensor):
        return v.is_floating_point() and v.dim() <= 1 and v.numel() >= 1
    return finite_real(v)


_CHANNELS = "a finite real number, or a float tensor of 1 or C values (one per channel, dim 1)"


def acon_c(x: torch.Tensor, p1: float = 1.0, p2: float = 0.0, beta: float = 1.0) -> torch.Tensor:
    def per_channel(v):
        # A number, or a tensor of 1 or C values, C = x.shape[1] (the channel dim, as nn.PReLU).
        w = torch.as_tensor(v, dtype=x.dtype, device=x.device)
        if w.numel() == 1:
            return w.reshape(())
        if w.numel() != (x.shape[1] if x.dim() >= 2 else 1):
            raise ValueError(
                f"acon_c: {w.numel()} values, but x has shape {tuple(x.shape)} (channels: dim 1)"
            )
        return w.reshape(-1, *([1] * (x.dim() - 2)))

    a, b, k = per_channel(p1), per_channel(p2), per_channel(beta)
    # The paper's (p1 − p2)·x·σ(β(p1 − p2)x) + p2·x is x·(p1·σ(z) + p2·σ(−z)) with z = β(p1 − p2)x: a gate
    # that moves from p2 to p1. This form has no inf − inf for huge x, and σ = exp(log σ) does not flush to 0
    # below z ≈ −709.8 the way 1/(1 + e^−z) does.
    z = (k * (a - b)) * x
    # Where |z| > 800 the gate has reached its end exactly (σ(−800) underflows even in float64): p1 or p2, or
    # (p1 + p2)/2 at x = ±inf when β(p1 − p2) = 0 (z is nan there). Selecting that end with `where` keeps the
    # huge x·p1 out of σ′'s backward (inf·0 = nan in float32 autograd at x ≈ 3e38).
    s = torch.sign(k * (a - b)) * torch.sign(x)
    end = 0.5 * ((1 + s) * a + (1 - s) * b)
    far = (z.abs() > 800) | x.isinf()
    gate = a * torch.exp(torch.nn.functional.logsigmoid(z)) + b * torch.exp(
        torch.nn.functional.logsigmoid(-z)
    )
    gate = torch.where(far, end, gate)
    # ±inf·0 = nan where the gate ends at 0; the limit there is 0 (the other term decays exponentially).
    return torch.where(x.isinf() & (gate == 0), 0.0, x * gate)


def acon_c_derivative(x: torch.Tensor, p1: float = 1.0, p2: float = 0.0, beta: float = 1.0) -> torch.Tensor:
    def per_channel(v):
        w = torch.as_tensor(v, dtype=x.dtype, device=x.device)
        if w.numel() == 1:
            return w.reshape(())
        if w.numel() != (x.shape[1] if x.dim() >= 2 else 1):
            raise ValueError(
                f"acon_c: {w.numel()} values, but x has shape {tuple(x.shape)} (channels: dim 1)"
            )
        return w.reshape(-1, *([1] * (x.dim() - 2)))

    a, b, k = per_channel(p1), per_channel(p2), per_channel(beta)
    d = a - b
    z = (k * d) * x
    sp = torch.exp(torch.nn.functional.logsigmoid(z))
    sn = torch.exp(torch.nn.functional.logsigmoid(-z))
    # gate + x·gate′ = p1·σ(z) + p2·σ(−z) + β(p1 − p2)²·x·σ(z)σ(−z), the product formed before multiplying by
    # x so that float32 never meets inf·0 at finite x; where the gate has reached its end (as in acon_c) the
    # second term is 0 and the derivative is that end.
    y = a * sp + b * sn + (k * d * d * sp * sn) * x
    s = torch.sign(k * d) * torch.sign(x)
    end = 0.5 * ((1 + s) * a + (1 - s) * b)
    return torch.where((z.abs() > 800) | x.isinf(), end, y)


class AconC(torch.nn.Module):
    """ACON-C with learnable p1, p2, beta: one each (num_parameters=1) or one per channel (dim 1), like PReLU.

    Initialised to p1 = 1, p2 = 0, beta = 1, where ACON-C is SiLU (the paper's official code draws p1 and p2
    from N(0, 1) instead; pass tensors to start from other values).
    """

    def __init__(self, p1=1.0, p2=0.0, beta=1.0, num_parameters: int = 1):
        super().__init__()
        if not isinstance(num_parameters, int) or isinstance(num_parameters, bool) or num_parameters < 1:
            raise ValueError(
                f"AconC: num_parameters must be an int ≥ 1 (1, or the number of channels), got {num_parameters!r}."
            )
        values = {"p1": p1, "p2": p2, "beta": beta}
        sizes = {torch.as_tensor(v).numel() for v in values.values()} | {num_parameters}
        if len(sizes - {1}) > 1:
            raise ValueError(f"AconC: parameter sizes {sorted(sizes)} disagree; use 1 or one common C.")
        self.num_parameters = max(sizes)
        for key, v in values.items():
            t = torch.as_tensor(v, dtype=torch.get_default_dtype()).detach().reshape(-1)
            setattr(self, key, torch.nn.Parameter(t.expand(self.num_parameters).clone()))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return REGISTRY.get("acon_c")(x, p1=self.p1, p2=self.p2, beta=self.beta)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


_acon_z = acon_beta * (p1_sym - p2_sym) * x

REGISTRY.add(
    Activation(
        name="acon_c",
        title="ACON-C",
        family="gated",
        summary="(p1 − p2)·x·σ(β(p1 − p2)x) + p2·x with learnable p1, p2, β per channel: a smooth switch between "
        "the lines p2·x and p1·x; SiLU at (1, 0, 1).",
        forward=acon_c,
        derivative_fn=acon_c_derivative,
        params={
            "p1": Param(
                1.0, _number_or_channels, _CHANNELS, p1_sym, "learnable slope p1 (the gate's upper end)"
            ),
            "p2": Param(
                0.0, _number_or_channels, _CHANNELS, p2_sym, "learnable slope p2 (the gate's lower end)"
            ),
            "beta": Param(1.0, _number_or_channels, _CHANNELS, acon_beta, "learnable switching factor β"),
        },
        expr=(p1_sym - p2_sym) * x * sym_sigmoid(_acon_z) + p2_sym * x,
        derivative_expr=(p1_sym - p2_sym) * sym_sigmoid(_acon_z)
        + acon_beta * (p1_sym - p2_sym) ** 2 * x * sym_sigmoid(_acon_z) * (1 - sym_sigmoid(_acon_z))
        + p2_sym,
        conventions="At the defaults acon_c(−inf) = 0 and acon_c(+inf) = +inf; in general f(±inf) is ±inf times "
        "the limiting gate (p1, p2, or (p1 + p2)/2 when β(p1 − p2) = 0), and 0 where that gate is 0; nan in, "
        "nan out.",
        properties=Properties(
            range=(sympy.Float("-0.27846454276107379511", 20), sympy.oo),
            range_closed=(True, False),
            monotonic=False,
            smoothness="C∞",
            zero_centred=False,
            saturates=("negative",),
            self_gated=True,
            minimum=(-1.2784645427610738, -0.27846454276107380),
            notes=(
                "properties at the initial p1 = 1, p2 = 0, β = 1, where ACON-C is SiLU; training moves them "
                "(p2 ≠ 0 removes the saturation, β → 0 makes it the line (p1 + p2)/2·x, β → +∞ max(p1·x, p2·x) "
                "and β → −∞ min(p1·x, p2·x))",
            ),
        ),
        paper=Paper(
            authors="Ma, Zhang, Liu, Sun",
            year=2021,
            title="Activate or Not: Learning Customized Activation",
            url="https://arxiv.org/abs/2009.04759",
            venue="CVPR 2021",
        ),
        init=Init(
            "kaiming",
            2**0.5,
            "SiLU at its initial parameters, which is ReLU-like for x > 0: He initialisation",
        ),
        module_factory=AconC,
        extra={"learnable": ("p1", "p2", "beta"), "module_params": ("num_parameters",)},
        plot_range=(-6.0, 6.0),
        related=("silu", "prelu", "maxout"),
    )
)
