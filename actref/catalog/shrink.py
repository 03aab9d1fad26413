"""Shrinkage and thresholding: functions that zero (or shrink) small inputs and pass large ones through.

Conditions are written so that NaN (for which every comparison is False) falls to a branch that returns a
function of x itself: nan in, nan out.
"""

import math

import sympy
import torch

from actref.catalog._checks import finite_real
from actref.registry import REGISTRY, Activation, Init, Kink, Paper, Param, Properties
from actref.symbolic import x

lam = sympy.Symbol("lambda", nonnegative=True)

SHRINKAGE_PAPER = Paper(
    authors="Donoho, Johnstone",
    year=1994,
    title="Ideal spatial adaptation by wavelet shrinkage",
    url="https://doi.org/10.1093/biomet/81.3.425",
    venue="Biometrika 81(3)",
)


def _lambd_ok(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v < math.inf


def softshrink(x: torch.Tensor, lambd: float = 0.5) -> torch.Tensor:
    # Inside [−λ, λ] the output is 0; outside, x moves λ towards 0. |NaN| ≤ λ is False, so NaN takes the
    # shifted branch and stays NaN. At x = ±λ the flat branch is chosen, so autograd gives torch's 0 there.
    return torch.where(x.abs() <= lambd, 0.0, x - lambd * torch.sign(x))


def softshrink_derivative(x: torch.Tensor, lambd: float = 0.5) -> torch.Tensor:
    # PyTorch's subgradient at ±λ is 0.
    outside = torch.where(x.isnan(), x, 1.0)
    return torch.where(x.abs() <= lambd, 0.0, outside)


REGISTRY.add(
    Activation(
        name="softshrink",
        title="Softshrink (soft thresholding)",
        family="shrink",
        aliases=("soft_shrink", "soft_threshold", "soft_thresholding"),
        summary="Zero inside [−λ, λ], x ∓ λ outside: the proximal operator of λ|x|, from sparse coding.",
        forward=softshrink,
        derivative_fn=softshrink_derivative,
        params={"lambd": Param(0.5, _lambd_ok, "0 ≤ lambd < inf", lam, "half-width λ of the dead zone")},
        expr=sympy.Piecewise((x - lam, x > lam), (x + lam, x < -lam), (0, True), evaluate=False),
        derivative_expr=sympy.Piecewise((1, x > lam), (1, x < -lam), (0, True), evaluate=False),
        builtin=torch.nn.functional.softshrink,
        builtin_code="torch.nn.functional.softshrink(x, lambd=0.5)",
        properties=Properties(
            range=(-sympy.oo, sympy.oo),
            monotonic=True,
            smoothness="C0",
            zero_centred=True,
            notes=("f′ = 1 outside [−λ, λ]: no saturation on either side", "lambd = 0 gives the identity"),
        ),
        kinks=(Kink(at=-lam, grad=sympy.Integer(0)), Kink(at=lam, grad=sympy.Integer(0))),
        paper=SHRINKAGE_PAPER,
        init=Init(
            "xavier", 1.0, "odd and slope 1 outside the dead zone; Glorot's gain of 1 is a neutral choice"
        ),
        plot_range=(-2.0, 2.0),
        conventions="f(±inf) = ±inf; nan in, nan out; both ±0 map to 0.",
        related=("hardshrink", "tanhshrink", "relu"),
    )
)


def hardshrink(x: torch.Tensor, lambd: float = 0.5) -> torch.Tensor:
    # Keep x where |x| > λ, else 0; at x = ±λ torch outputs 0 with gradient 0, and so does this branch.
    # |NaN| ≤ λ is False, so NaN is passed through.
    return torch.where(x.abs() <= lambd, 0.0, x)


def hardshrink_derivative(x: torch.Tensor, lambd: float = 0.5) -> torch.Tensor:
    # f jumps at ±λ, so there is no derivative there; PyTorch's gradient is 0.
    outside = torch.where(x.isnan(), x, 1.0)
    return torch.where(x.abs() <= lambd, 0.0, outside)


REGISTRY.add(
    Activation(
        name="hardshrink",
        title="Hardshrink (hard thresholding)",
        family="shrink",
        aliases=("hard_shrink", "hard_threshold", "hard_thresholding"),
        summary="Zero inside [−λ, λ], x itself outside: keep-or-kill thresholding, discontinuous at ±λ.",
        forward=hardshrink,
        derivative_fn=hardshrink_derivative,
        params={"lambd": Param(0.5, _lambd_ok, "0 ≤ lambd < inf", lam, "half-width λ of the dead zone")},
        expr=sympy.Piecewise((x, x > lam), (x, x < -lam), (0, True), evaluate=False),
        derivative_expr=sympy.Piecewise((1, x > lam), (1, x < -lam), (0, True), evaluate=False),
        builtin=torch.nn.functional.hardshrink,
        builtin_code="torch.nn.functional.hardshrink(x, lambd=0.5)",
        builtin_differences="F.hardshrink accepts lambd < 0 (it is then the identity); we reject it.",
        properties=Properties(
            range=(-sympy.oo, sympy.oo),
            monotonic=True,
            smoothness="discontinuous",
            zero_centred=True,
            notes=(
                "the range is (−∞, −λ) ∪ {0} ∪ (λ, ∞): values in (0, λ] in magnitude never occur",
                "jumps of size λ at x = ±λ (f(±λ) = 0, the limit from outside is ±λ)",
            ),
        ),
        kinks=(
            Kink(at=-lam, grad=sympy.Integer(0), note="jump: f is discontinuous here"),
            Kink(at=lam, grad=sympy.Integer(0), note="jump: f is discontinuous here"),
        ),
        paper=SHRINKAGE_PAPER,
        init=Init(
            "xavier", 1.0, "odd and slope 1 outside the dead zone; Glorot's gain of 1 is a neutral choice"
        ),
        plot_range=(-2.0, 2.0),
        conventions="f(±inf) = ±inf; nan in, nan out; both ±0 map to 0.",
        related=("softshrink", "threshold", "tanhshrink"),
    )
)


def tanhshrink(x: torch.Tensor) -> torch.Tensor:
    # x − tanh x loses about log10(3/x²) digits to cancellation (x = 1e-3 keeps ~10 of 16; x = 1e-30 gives
    # 0 instead of 3.3e-91). For |x| < 0.1 sum its Taylor series instead,
    # x³/3 − 2x⁵/15 + 17x⁷/315 − 62x⁹/2835 + 1382x¹¹/155925 − 21844x¹³/6081075 (Horner form in x²): the
    # first omitted term is below 5e-15 of the sum there, and the direct form loses at most 2 digits above.
    # Only the small inputs enter the series (the others are replaced by 0), so x¹³ cannot overflow.
    small = torch.where(x.abs() < 0.1, x, 0.0)
    z = small * small
    poly = 1 / 3 + z * (
        -2 / 15 + z * (17 / 315 + z * (-62 / 2835 + z * (1382 / 155925 - z * 21844 / 6081075)))
    )
    return torch.where(x.abs() < 0.1, small * z * poly, x - torch.tanh(x))


def tanhshrink_derivative(x: torch.Tensor) -> torch.Tensor:
    # 1 − (1 − tanh²x) would round to 0 for small x; tanh²x is exact to the last digit (1e-60 at x = 1e-30).
    t = torch.tanh(x)
    return t * t


REGISTRY.add(
    Activation(
        name="tanhshrink",
        paper_note=(
            "No paper introduced it: x − tanh(x) entered the Torch7 library as a smooth shrinkage function, and PyTorch kept it."
        ),
        title="Tanhshrink",
        family="shrink",
        aliases=("tanh_shrink",),
        summary="x − tanh x: a smooth shrinkage that is flat (≈ x³/3) near 0 and approaches x ∓ 1 in the tails.",
        forward=tanhshrink,
        derivative_fn=tanhshrink_derivative,
        expr=x - sympy.tanh(x),
        derivative_expr=sympy.tanh(x) ** 2,
        builtin=torch.nn.functional.tanhshrink,
        builtin_code="torch.nn.functional.tanhshrink(x)",
        builtin_differences=(
            "F.tanhshrink computes x − tanh(x) directly, which cancels for small |x|: in float32 the relative "
            "error is ~1e-7/x² (F.tanhshrink(1e-4) has no correct digits), and in float64 F.tanhshrink(1e-30) "
            "is 0; ours uses the Taylor series there. Compare with an absolute tolerance of a few ulps of x."
        ),
        properties=Properties(
            range=(-sympy.oo, sympy.oo),
            monotonic=True,
            smoothness="C∞",
            zero_centred=True,
            notes=(
                "f′(0) = 0 and f′ ≥ 0: near 0 the unit passes almost no gradient (f ≈ x³/3)",
                "f(x) − (x − sign(x)) → 0 as |x| → ∞",
            ),
        ),
        init=Init("xavier", 1.0, "odd with slope → 1 in the tails; no scheme was derived for it"),
        plot_range=(-4.0, 4.0),
        conventions="f(±inf) = ±inf; nan in, nan out.",
        related=("tanh", "softshrink", "hardshrink"),
    )
)

threshold_sym, value_sym = sympy.Symbol("t", real=True), sympy.Symbol("v", real=True)


def _threshold_builtin(x: torch.Tensor, threshold: float = 0.0, value: float = 0.0) -> torch.Tensor:
    # F.threshold has no defaults; give it ours so it takes the same keyword parameters as the spec.
    return torch.nn.functional.threshold(x, threshold, value)


def threshold(x: torch.Tensor, threshold: float = 0.0, value: float = 0.0) -> torch.Tensor:
    # y = x if x > threshold else value, written with x ≤ threshold so NaN (comparison False) stays NaN,
    # as in torch. At x = threshold the constant branch is chosen, so the gradient there is 0.
    return torch.where(x <= threshold, value, x)


def threshold_derivative(x: torch.Tensor, threshold: float = 0.0, value: float = 0.0) -> torch.Tensor:
    # PyTorch's gradient at x = threshold is 0 (a jump when value ≠ threshold, a kink otherwise).
    above = torch.where(x.isnan(), x, 1.0)
    return torch.where(x <= threshold, 0.0, above)


REGISTRY.add(
    Activation(
        name="threshold",
        paper_note=(
            "No paper introduced this exact form; it generalises the threshold unit of McCulloch and Pitts (1943) and ReLU, and comes from the Torch7 library's nn.Threshold."
        ),
        title="Threshold",
        family="shrink",
        aliases=("thresholded_linear",),
        summary="x above `threshold`, a constant `value` at or below it; with the defaults (0, 0) it is ReLU.",
        forward=threshold,
        derivative_fn=threshold_derivative,
        params={
            "threshold": Param(
                0.0, finite_real, "a finite real", threshold_sym, "inputs ≤ t are replaced (t)"
            ),
            "value": Param(0.0, finite_real, "a finite real", value_sym, "the replacement value v"),
        },
        expr=sympy.Piecewise((x, x > threshold_sym), (value_sym, True), evaluate=False),
        derivative_expr=sympy.Piecewise((1, x > threshold_sym), (0, True), evaluate=False),
        builtin=_threshold_builtin,
        builtin_code="torch.nn.functional.threshold(x, threshold=0.0, value=0.0)",
        builtin_differences=(
            "torch.nn.Threshold and F.threshold have no defaults for threshold and value; ours are 0.0 and 0.0 "
            "(which makes it ReLU)."
        ),
        properties=Properties(
            range=(sympy.Integer(0), sympy.oo),
            range_closed=(True, False),
            monotonic=True,
            smoothness="C0",
            zero_centred=False,
            saturates=("negative",),
            notes=(
                "properties are for the defaults threshold = value = 0, where it equals ReLU",
                "for value ≠ threshold it jumps by threshold − value at x = threshold (discontinuous), "
                "and for value > threshold it is not monotonic",
            ),
        ),
        kinks=(Kink(at=threshold_sym, grad=sympy.Integer(0), note="a jump when value ≠ threshold"),),
        init=Init("kaiming", 2**0.5, "at the defaults it is ReLU, so He initialisation applies"),
        plot_range=(-3.0, 3.0),
        conventions="f(+inf) = inf, f(−inf) = value; nan in, nan out.",
        related=("relu", "hardshrink"),
    )
)
