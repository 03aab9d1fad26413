"""Exponential linear units: x for x > 0 and a saturating exponential below (ELU, SELU, CELU, x·eˣ)."""

import sympy
import torch

from actref.catalog._checks import finite_real, positive
from actref.registry import REGISTRY, Activation, Init, Kink, Paper, Param, Properties
from actref.symbolic import x

alpha = sympy.Symbol("alpha", positive=True)
scale = sympy.Symbol("lambda", positive=True)

# Each negative branch sees only x ≤ 0 (the rest is replaced by 0, NaN is kept), so exp never overflows and
# autograd never multiplies an infinite local derivative by 0. Conditions are written so that NaN reaches a
# branch that propagates it.


def elu(x: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    xn = torch.where(x > 0, 0.0, x)
    # expm1 keeps full relative accuracy for tiny negative x, where exp(x) − 1 would cancel to 0. Its backward
    # recomputes eˣ as expm1(x) + 1, which cancels for x ≪ 0 (0 instead of 1e-22 at x = −50), so below −1,
    # where exp(x) − 1 is accurate, we use that.
    em1 = torch.where(xn < -1, torch.exp(xn) - 1, torch.expm1(xn))
    return torch.where(x > 0, x, alpha * em1)


def elu_derivative(x: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    # At 0 the negative branch applies: α·e⁰ = α, PyTorch's subgradient.
    xn = torch.where(x > 0, 0.0, x)
    return torch.where(x > 0, 1.0, alpha * torch.exp(xn))


REGISTRY.add(
    Activation(
        name="elu",
        title="ELU",
        family="exponential",
        aliases=("exponential_linear_unit",),
        summary="x for x > 0, α(eˣ − 1) below: a ReLU whose negative side saturates smoothly to −α.",
        forward=elu,
        derivative_fn=elu_derivative,
        params={
            "alpha": Param(1.0, finite_real, "a finite real number", alpha, "negative saturation value −α")
        },
        expr=sympy.Piecewise((alpha * (sympy.exp(x) - 1), x <= 0), (x, True)),
        derivative_expr=sympy.Piecewise((alpha * sympy.exp(x), x <= 0), (1, True)),
        builtin=torch.nn.functional.elu,
        builtin_code="torch.nn.functional.elu(x, alpha=1.0)",
        properties=Properties(
            range=(sympy.Integer(-1), sympy.oo),
            range_closed=(False, False),
            monotonic=True,
            smoothness="C1",
            zero_centred=False,
            saturates=("negative",),
            notes=("C¹ only for α = 1; for any other α the derivative jumps at 0 (from α to 1)",),
        ),
        kinks=(
            Kink(
                at=sympy.Integer(0),
                grad=alpha,
                note="torch returns α, the left derivative. At α = 1 (the default) f is differentiable and this is f′(0).",
            ),
        ),
        paper=Paper(
            authors="Clevert, Unterthiner, Hochreiter",
            year=2015,
            title="Fast and Accurate Deep Network Learning by Exponential Linear Units (ELUs)",
            url="https://arxiv.org/abs/1511.07289",
            venue="ICLR 2016",
        ),
        init=Init(
            "kaiming",
            2**0.5,
            "identical to ReLU for x > 0; torch.nn.init has no ELU gain, so He initialisation is the usual choice",
        ),
        plot_range=(-5.0, 3.0),
        related=("selu", "celu", "relu", "softplus"),
    )
)


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _selu_builtin(
    x: torch.Tensor,
    alpha: float = 1.6732632423543772848170429916717,
    scale: float = 1.0507009873554804934193349852946,
) -> torch.Tensor:
    if alpha == SELU_ALPHA and scale == SELU_SCALE:
        return torch.nn.functional.selu(x)
    return scale * torch.nn.functional.elu(x, alpha=alpha)


def selu(
    x: torch.Tensor,
    alpha: float = 1.6732632423543772848170429916717,
    scale: float = 1.0507009873554804934193349852946,
) -> torch.Tensor:
    # The defaults are Klambauer et al.'s constants: with them, N(0, 1) inputs give outputs of mean 0 and
    # variance 1. Change them and that fixed point is lost.
    xn = torch.where(x > 0, 0.0, x)
    # expm1 near 0 (accuracy), exp(x) − 1 below −1 (expm1's backward, expm1(x) + 1, cancels there).
    em1 = torch.where(xn < -1, torch.exp(xn) - 1, torch.expm1(xn))
    return scale * torch.where(x > 0, x, alpha * em1)


def selu_derivative(
    x: torch.Tensor,
    alpha: float = 1.6732632423543772848170429916717,
    scale: float = 1.0507009873554804934193349852946,
) -> torch.Tensor:
    # At 0 the negative branch applies: λα, PyTorch's subgradient.
    xn = torch.where(x > 0, 0.0, x)
    return scale * torch.where(x > 0, 1.0, alpha * torch.exp(xn))


_LAMBDA_ALPHA = sympy.Float("1.0507009873554804934193349852946", 40) * sympy.Float(
    "1.6732632423543772848170429916717", 40
)

REGISTRY.add(
    Activation(
        name="selu",
        title="SELU (scaled ELU)",
        family="exponential",
        aliases=("scaled_elu", "self_normalizing", "self_normalising"),
        summary="λ·ELU_α with constants chosen so that activations of a deep fully connected net stay at mean 0, "
        "variance 1.",
        forward=selu,
        derivative_fn=selu_derivative,
        params={
            "alpha": Param(
                SELU_ALPHA, positive, "alpha > 0 (finite)", alpha, "α ≈ 1.6733 (keep the default)"
            ),
            "scale": Param(
                SELU_SCALE, positive, "scale > 0 (finite)", scale, "λ ≈ 1.0507 (keep the default)"
            ),
        },
        expr=scale * sympy.Piecewise((alpha * (sympy.exp(x) - 1), x <= 0), (x, True)),
        derivative_expr=scale * sympy.Piecewise((alpha * sympy.exp(x), x <= 0), (1, True)),
        builtin=_selu_builtin,
        builtin_code="torch.nn.functional.selu(x)",
        builtin_differences="F.selu has no parameters; for non-default α, λ the builtin is λ·F.elu(x, α).",
        properties=Properties(
            range=(-_LAMBDA_ALPHA, sympy.oo),
            range_closed=(False, False),
            monotonic=True,
            smoothness="C0",
            zero_centred=True,
            saturates=("negative",),
            notes=(
                "zero-centred although not odd: E[selu(Z)] = 0 (and E[selu(Z)²] = 1) for Z ~ N(0, 1)",
                "λ > 1, so the slope for x > 0 is 1.0507, and the derivative jumps at 0 from λα ≈ 1.7581 to λ",
            ),
        ),
        kinks=(
            Kink(
                at=sympy.Integer(0),
                grad=scale * alpha,
                note="torch returns λα ≈ 1.7581, the left derivative.",
            ),
        ),
        paper=Paper(
            authors="Klambauer, Unterthiner, Mayr, Hochreiter",
            year=2017,
            title="Self-Normalizing Neural Networks",
            url="https://arxiv.org/abs/1706.02515",
            venue="NeurIPS",
        ),
        init=Init(
            "lecun",
            1.0,
            "the fixed point assumes weights with mean 0 and variance 1/fan_in (LeCun normal), as the paper says",
        ),
        plot_range=(-5.0, 3.0),
        related=("elu", "celu", "relu"),
    )
)


def _celu_alpha_ok(v) -> bool:
    return finite_real(v) and v != 0


def celu(x: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    z = torch.where(x > 0, 0.0, x) / alpha
    # Dividing by α is what makes the derivative 1 at 0 for every α. expm1 near 0 (accuracy), exp(z) − 1 below
    # −1 (expm1's backward, expm1(z) + 1, cancels there).
    em1 = torch.where(z < -1, torch.exp(z) - 1, torch.expm1(z))
    return torch.where(x > 0, x, alpha * em1)


def celu_derivative(x: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    xn = torch.where(x > 0, 0.0, x)
    return torch.where(x > 0, 1.0, torch.exp(xn / alpha))


REGISTRY.add(
    Activation(
        name="celu",
        title="CELU",
        family="exponential",
        aliases=("continuously_differentiable_elu",),
        summary="x for x > 0, α(e^{x/α} − 1) below: ELU rescaled so that it is C¹ for every α.",
        forward=celu,
        derivative_fn=celu_derivative,
        params={
            "alpha": Param(
                1.0,
                _celu_alpha_ok,
                "a finite real number ≠ 0 (CELU divides by α)",
                alpha,
                "saturation value −α",
            )
        },
        expr=sympy.Piecewise((alpha * (sympy.exp(x / alpha) - 1), x <= 0), (x, True)),
        derivative_expr=sympy.Piecewise((sympy.exp(x / alpha), x <= 0), (1, True)),
        builtin=torch.nn.functional.celu,
        builtin_code="torch.nn.functional.celu(x, alpha=1.0)",
        builtin_differences=(
            'F.celu raises RuntimeError for α = 0 (message "ZeroDivisionError: alpha cannot be 0 for CELU"); we '
            "raise ValueError. At α = 1 it equals ELU. Where 1/α is not exactly a float32 (e.g. α = 0.3), F.celu's float64 backward is inexact (torch 2.14, CPU): 9e-8 "
            "relative at x = −1, 5e-6 at x = −40 (1.2418564e-58 instead of 1.2418498e-58); ours agrees with "
            "mpmath. The forwards agree to 1e-12."
        ),
        properties=Properties(
            range=(sympy.Integer(-1), sympy.oo),
            range_closed=(False, False),
            monotonic=True,
            smoothness="C1",
            zero_centred=False,
            saturates=("negative",),
            notes=("C¹ for every α > 0 (f′(0) = 1 from both sides); f″ jumps from 1/α to 0",),
        ),
        paper=Paper(
            authors="Barron",
            year=2017,
            title="Continuously Differentiable Exponential Linear Units",
            url="https://arxiv.org/abs/1704.07483",
        ),
        init=Init("kaiming", 2**0.5, "identical to ReLU for x > 0; He initialisation is the usual choice"),
        plot_range=(-5.0, 3.0),
        related=("elu", "selu"),
    )
)


def xexp_linear(x: torch.Tensor) -> torch.Tensor:
    # max(x, x·e^−|x|) is x for x ≥ 0 and x·eˣ for x < 0 (there x·eˣ > x).
    xn = torch.where(x > 0, 0.0, x)
    neg = xn * torch.exp(xn)
    # At −inf, xn·exp(xn) is −inf·0 = nan; the limit is 0.
    neg = torch.where(x == -torch.inf, 0.0, neg)
    return torch.where(x < 0, neg, x)


def xexp_linear_derivative(x: torch.Tensor) -> torch.Tensor:
    xn = torch.where(x > 0, 0.0, x)
    # (1 + x) is exact for x near −1 (Sterbenz), so the zero of f′ at x = −1 is exact.
    neg = torch.exp(xn) * (1 + xn)
    neg = torch.where(x == -torch.inf, 0.0, neg)  # 0·(−inf) = nan; the limit is 0
    return torch.where(x < 0, neg, torch.where(x.isnan(), x, 1.0))


_INV_E = float(sympy.exp(-1).evalf(20))

REGISTRY.add(
    Activation(
        name="xexp_linear",
        paper_note=(
            "Attributed to Su Jianlin's blog Scientific Spaces (kexue.fm); there is no formal paper, and we give no link we could not verify."
        ),
        title="x·eˣ linear unit (Su Jianlin)",
        family="exponential",
        aliases=("su_jianlin", "max_x_xexp"),
        summary="max(x, x·e^{−|x|}): x for x ≥ 0 and x·eˣ below; a C¹, non-monotonic unit with minimum −1/e at x = −1.",
        forward=xexp_linear,
        derivative_fn=xexp_linear_derivative,
        expr=sympy.Piecewise((x * sympy.exp(x), x < 0), (x, True)),
        derivative_expr=sympy.Piecewise(((1 + x) * sympy.exp(x), x < 0), (1, True)),
        builtin=None,
        builtin_code=None,
        conventions="f(−inf) = 0 (the limit of x·eˣ), f(+inf) = inf, nan → nan.",
        properties=Properties(
            range=(-sympy.exp(-1), sympy.oo),
            range_closed=(True, False),
            monotonic=False,
            smoothness="C1",
            zero_centred=False,
            saturates=("negative",),
            minimum=(-1.0, -_INV_E),
            notes=("f′(0) = 1 from both sides; f″ jumps from 2 to 0 at 0",),
        ),
        paper=None,
        init=Init(
            "kaiming",
            2**0.5,
            "identical to ReLU-like units for x > 0; no initialisation has been derived for it",
        ),
        plot_range=(-6.0, 3.0),
        related=("silu", "elu", "mish", "gelu"),
    )
)
