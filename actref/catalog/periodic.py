"""Periodic and radial units: sine (SIREN), Snake and the Gaussian.

Snake has a learnable parameter (alpha). Its functional form takes it as a number or as a tensor of 1 or C values
(one per channel, dim 1, as nn.PReLU); its module `Snake` (defined here) holds it as an nn.Parameter named alpha.

sin(x) has no limit at ±inf, so sine(±inf) and snake′(±inf) are nan by convention (tests/support.py's
limit_at_infinity reports "no limit" as nan, confirmed numerically).
"""

import sympy
import torch

from actref.catalog._checks import positive
from actref.registry import REGISTRY, Activation, Init, Paper, Param, Properties
from actref.symbolic import x

w0_sym = sympy.Symbol("omega_0", positive=True)
alpha_sym = sympy.Symbol("alpha", positive=True)


# ----------------------------------------------------------------------------------------------------- Sine
def sine(x: torch.Tensor, w0: float = 1.0) -> torch.Tensor:
    # sin(w0·x). Where w0·x overflows although x is finite (|x| > max/w0), the phase is lost to rounding anyway
    # (one ulp of x spans many periods), so the argument is set to 0 there: finite, never nan. ±inf stays ±inf
    # and sin(±inf) is nan, since sin has no limit; nan in, nan out.
    u = w0 * x
    u = torch.where(u.isinf() & x.isfinite(), 0.0, u)
    return torch.sin(u)


def sine_derivative(x: torch.Tensor, w0: float = 1.0) -> torch.Tensor:
    u = w0 * x
    lost = u.isinf() & x.isfinite()
    # w0·cos(w0·x); 0 where the phase is lost (f is the constant sin(0) there, as autograd of sine() says).
    return torch.where(lost, 0.0, w0 * torch.cos(torch.where(lost, 0.0, u)))


def _sine_builtin(x: torch.Tensor, w0: float = 1.0) -> torch.Tensor:
    return torch.sin(x) if w0 == 1.0 else torch.sin(w0 * x)


REGISTRY.add(
    Activation(
        name="sine",
        title="Sine (SIREN)",
        family="periodic",
        aliases=("siren",),
        summary="sin(ω₀·x): the periodic activation of SIREN networks, which fit signals and their derivatives.",
        forward=sine,
        derivative_fn=sine_derivative,
        params={
            "w0": Param(1.0, positive, "w0 > 0 (finite)", w0_sym, "frequency ω₀ (SIREN uses 30)"),
        },
        expr=sympy.sin(w0_sym * x),
        derivative_expr=w0_sym * sympy.cos(w0_sym * x),
        builtin=_sine_builtin,
        builtin_code="torch.sin(x)",
        builtin_differences="torch.sin(w0 * x) is nan where w0·x overflows to inf for finite x (|x| > max/w0, "
        "e.g. x = 3e38 with w0 = 1.75 in float32); ours returns sin(0) = 0 there. Equal everywhere else.",
        conventions="sine(±inf) = nan: sin has no limit at ±inf; nan in, nan out. Where w0·x overflows for finite "
        "x (|x| > max/w0), the phase is lost to rounding and we return sin(0) = 0 and f′ = 0.",
        properties=Properties(
            range=(sympy.Integer(-1), sympy.Integer(1)),
            range_closed=(True, True),
            monotonic=False,
            smoothness="C∞",
            zero_centred=True,
            saturates=(),
            minimum=(-1.5707963267948966, -1.0),
            notes=("periodic with period 2π/ω₀; minima at −π/(2ω₀) + 2πk/ω₀, maxima at π/(2ω₀) + 2πk/ω₀",),
        ),
        paper=Paper(
            authors="Sitzmann, Martel, Bergman, Lindell, Wetzstein",
            year=2020,
            title="Implicit Neural Representations with Periodic Activation Functions",
            url="https://arxiv.org/abs/2006.09661",
            venue="NeurIPS 2020",
        ),
        init=Init(
            "kaiming",
            2**0.5,
            "the variance 2/fan_in of SIREN's hidden-layer weights U(−√(6/n), √(6/n)) for sin(x) (they divide "
            "by ω₀ when the activation is sin(ω₀x)): unit-std pre-activations for arcsine-distributed inputs of "
            "variance ½. SIREN's first layer is special: U(−1/n, 1/n) with ω₀ = 30",
        ),
        plot_range=(-6.283185307179586, 6.283185307179586),
        related=("snake", "gaussian", "tanh"),
    )
)


# ---------------------------------------------------------------------------------------------------- Snake
def _alpha_ok(v) -> bool:
    if isinstance(v, torch.Tensor):
        return v.is_floating_point() and v.dim() <= 1 and v.numel() >= 1
    return positive(v)


def snake(x: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    # alpha is a number, or a tensor of 1 or C values, C = x.shape[1] (the channel dim, as nn.PReLU).
    a = torch.as_tensor(alpha, dtype=x.dtype, device=x.device)
    if a.numel() == 1:
        a = a.reshape(())
    elif a.numel() != (x.shape[1] if x.dim() >= 2 else 1):
        raise ValueError(
            f"snake: alpha has {a.numel()} values, but x has shape {tuple(x.shape)} (channels: dim 1)"
        )
    else:
        a = a.reshape(-1, *([1] * (x.dim() - 2)))
    # x + sin²(αx)/α. Where αx overflows (|x| > max/α, ±inf included) the bounded term is below half an ulp
    # of x, so f = x exactly: the argument is set to 0 there, which keeps ±inf → ±inf (the limits) and keeps
    # sin(inf) = nan out of the value and the gradient. nan in, nan out.
    u = a * x
    u = torch.where(u.isinf(), 0.0, u)
    s = torch.sin(u)
    return x + s * s / a


def snake_derivative(x: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    a = torch.as_tensor(alpha, dtype=x.dtype, device=x.device)
    if a.numel() == 1:
        a = a.reshape(())
    elif a.numel() != (x.shape[1] if x.dim() >= 2 else 1):
        raise ValueError(
            f"snake: alpha has {a.numel()} values, but x has shape {tuple(x.shape)} (channels: dim 1)"
        )
    else:
        a = a.reshape(-1, *([1] * (x.dim() - 2)))
    # 1 + sin(2αx) = (sin αx + cos αx)²: where f′ touches 0 (αx = −π/4 + kπ) the square loses only what the
    # sum loses, where 1 + sin(2αx) would cancel to an absolute error of one ulp of 1. f′ has no limit at ±inf
    # (nan there); where αx overflows for finite x, f = x, so f′ = 1.
    u = a * x
    u = torch.where(u.isinf() & x.isfinite(), 0.0, u)
    r = torch.sin(u) + torch.cos(u)
    return r * r


class Snake(torch.nn.Module):
    """Snake x + sin²(αx)/α with a learnable α: one (num_parameters=1) or one per channel (dim 1), like PReLU.

    α is stored as is (not as log α, BigVGAN's alpha_logscale option) and starts at 1, as in BigVGAN and DAC.
    Unlike their modules we add no 1e-9 to the divisor, so α must stay ≠ 0 (the functional form rejects α ≤ 0).
    """

    def __init__(self, alpha=1.0, num_parameters: int = 1):
        super().__init__()
        if not isinstance(num_parameters, int) or isinstance(num_parameters, bool) or num_parameters < 1:
            raise ValueError(
                f"Snake: num_parameters must be an int ≥ 1 (1, or the number of channels), got {num_parameters!r}."
            )
        t = torch.as_tensor(alpha, dtype=torch.get_default_dtype()).detach().reshape(-1)
        if t.numel() != 1 and num_parameters not in (1, t.numel()):
            raise ValueError(f"Snake: alpha has {t.numel()} values but num_parameters={num_parameters}.")
        self.num_parameters = max(t.numel(), num_parameters)
        self.alpha = torch.nn.Parameter(t.expand(self.num_parameters).clone())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return REGISTRY.get("snake")(x, alpha=self.alpha)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


REGISTRY.add(
    Activation(
        name="snake",
        title="Snake",
        family="periodic",
        summary="x + sin²(αx)/α: the identity plus a periodic ripple, with a learnable frequency α per channel "
        "(BigVGAN, DAC).",
        forward=snake,
        derivative_fn=snake_derivative,
        params={
            "alpha": Param(
                1.0,
                _alpha_ok,
                "alpha > 0 (finite), or a float tensor of 1 or C values (one per channel, dim 1)",
                alpha_sym,
                "learnable frequency α (init 1); α → 0 gives the identity",
            ),
        },
        expr=x + sympy.sin(alpha_sym * x) ** 2 / alpha_sym,
        derivative_expr=1 + 2 * sympy.sin(alpha_sym * x) * sympy.cos(alpha_sym * x),
        conventions="snake(±inf) = ±inf (the limits); snake′(±inf) = nan (1 + sin(2αx) has no limit); nan in, nan "
        "out. Where αx overflows for finite x, f = x exactly and f′ = 1.",
        properties=Properties(
            range=(-sympy.oo, sympy.oo),
            monotonic=True,
            smoothness="C∞",
            zero_centred=False,
            saturates=(),
            notes=(
                "f′ = 1 + sin(2αx) lies in [0, 2] and touches 0 at αx = −π/4 + kπ: f increases, with a flat "
                "point (an inflection) once per period",
                "properties at the initial α = 1; they hold for every α > 0",
            ),
        ),
        paper=Paper(
            authors="Liu Ziyin, Hartwig, Ueda",
            year=2020,
            title="Neural Networks Fail to Learn Periodic Functions and How to Fix It",
            url="https://arxiv.org/abs/2006.08195",
            venue="NeurIPS 2020",
        ),
        init=Init(
            "lecun",
            1.0,
            "Ziyin et al. derive Var[snake(z)] = 1 + (1 + e^(−8α²) − 2e^(−4α²))/(8α²) for z ~ N(0, 1): 1.12 at "
            "α = 1, at most 1.20 (α ≈ 0.56), close to the identity's 1, so weights of variance 1/fan_in (with an "
            "optional correction dividing f by that standard deviation)",
        ),
        module_factory=Snake,
        extra={"learnable": ("alpha",), "module_params": ("num_parameters",)},
        plot_range=(-6.0, 6.0),
        related=("sine", "identity", "silu"),
    )
)


# ------------------------------------------------------------------------------------------------- Gaussian
def gaussian(x: torch.Tensor) -> torch.Tensor:
    # e^(−x²): x·x overflows to inf for |x| > 1.3e154 (float32: 1.8e19), where e^(−inf) = 0 is the right
    # answer; ±inf → 0 (the limits); nan in, nan out.
    return torch.exp(-(x * x))


def gaussian_derivative(x: torch.Tensor) -> torch.Tensor:
    # −2·(x·e^(−x²)), the product formed first so that 2x cannot overflow (x ≈ 1e308); at ±inf it is ∓inf·0,
    # whose limit is 0.
    d = -2 * (x * torch.exp(-(x * x)))
    return torch.where(x.isinf(), 0.0, d)


REGISTRY.add(
    Activation(
        name="gaussian",
        title="Gaussian",
        family="periodic",
        summary="e^(−x²): a bell-shaped radial unit, largest (1) at 0 and vanishing on both sides.",
        forward=gaussian,
        derivative_fn=gaussian_derivative,
        expr=sympy.exp(-(x**2)),
        derivative_expr=-2 * x * sympy.exp(-(x**2)),
        conventions="gaussian(±inf) = 0 and gaussian′(±inf) = 0 (the limits); nan in, nan out.",
        properties=Properties(
            range=(sympy.Integer(0), sympy.Integer(1)),
            range_closed=(False, True),
            monotonic=False,
            smoothness="C∞",
            zero_centred=False,
            saturates=("negative", "positive"),
            notes=(
                "no interior minimum: the infimum 0 is approached at ±∞ only; the maximum is 1 at x = 0",
                "even, f′(0) = 0: a unit at 0 passes no gradient to its input",
            ),
        ),
        paper=Paper(
            authors="Ramasinghe, Lucey",
            year=2022,
            title="Beyond Periodicity: Towards a Unifying Framework for Activations in Coordinate-MLPs",
            url="https://arxiv.org/abs/2111.15135",
            venue="ECCV 2022",
        ),
        init=Init(
            "kaiming",
            5**0.25,
            "our proposal: E[e^(−2z²)] = 1/√5 for z ~ N(0, 1), so the gain 5^(1/4) = 1.4953 carries "
            "unit-variance pre-activations to unit variance; coordinate-MLP papers tune the width σ instead",
        ),
        plot_range=(-3.0, 3.0),
        related=("sine", "sigmoid", "laplace"),
    )
)
