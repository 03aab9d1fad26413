"""More exponential-family units: eˣ itself, xIELU, ISRLU, ELiSH and hard ELiSH."""

import math

import sympy
import torch
import torch.nn.functional as F

from actref.catalog._checks import finite_real, positive
from actref.registry import REGISTRY, Activation, Init, Kink, Paper, Param, Properties
from actref.symbolic import sigmoid as sym_sigmoid
from actref.symbolic import x

# Conditions are written so that NaN (for which every comparison is False) reaches a branch that propagates it,
# and each branch only sees inputs from its own interval (the rest replaced by a harmless constant), so autograd
# never multiplies an infinite local derivative by 0.


# ---------------------------------------------------------------------------------------------- exponential
def exponential(x: torch.Tensor) -> torch.Tensor:
    # torch.exp is accurate to an ulp; it overflows to inf only where eˣ itself exceeds the largest float.
    return torch.exp(x)


def exponential_derivative(x: torch.Tensor) -> torch.Tensor:
    return torch.exp(x)


REGISTRY.add(
    Activation(
        name="exponential",
        title="Exponential (eˣ)",
        family="exponential",
        summary="eˣ: strictly positive, convex and unbounded; an output activation for positive quantities "
        "(rates, scales), shipped as keras.activations.exponential.",
        forward=exponential,
        derivative_fn=exponential_derivative,
        expr=sympy.exp(x),
        derivative_expr=sympy.exp(x),
        builtin=torch.exp,
        builtin_code="torch.exp(x)",
        conventions="exp(−inf) = 0, exp(+inf) = inf, nan → nan; it overflows to inf above x ≈ 88.72 in float32 "
        "(709.78 in float64), where eˣ itself exceeds the largest float.",
        properties=Properties(
            range=(sympy.Integer(0), sympy.oo),
            range_closed=(False, False),
            monotonic=True,
            smoothness="C∞",
            zero_centred=False,
            saturates=("negative",),
            notes=("its own derivative: f′ = f, so the gradient grows as fast as the value",),
        ),
        paper=None,
        paper_note=(
            "eˣ has no paper as an activation: it is the inverse of the log link of log-linear (Poisson) models, "
            "and Keras ships it as keras.activations.exponential (keras/src/activations/activations.py)."
        ),
        init=Init(
            "lecun",
            1.0,
            "no scheme preserves variance through eˣ at any gain (E[e^{2z}] = e^{2s²} for z ~ N(0, s²)); it is "
            "an output activation, and LeCun normal keeps the pre-activations at unit variance",
        ),
        plot_range=(-4.0, 2.5),
        related=("softplus", "elu", "celu"),
    )
)


# ---------------------------------------------------------------------------------------------- xIELU
alpha_p_sym = sympy.Symbol("alpha_p", positive=True)
alpha_n_sym = sympy.Symbol("alpha_n", positive=True)
beta_sym = sympy.Symbol("beta", positive=True)
eps_sym = sympy.Symbol("epsilon", nonpositive=True)

_LEARNABLE_VALID = "or a 1-D float tensor of 1 or C (channels, dim 1) values"
ALPHA_P_VALID = f"alpha_p > 0 (finite), {_LEARNABLE_VALID}"
ALPHA_N_VALID = f"alpha_n > beta (finite), {_LEARNABLE_VALID}"
BETA_VALID = "beta > 0 (finite) and beta < alpha_n"
EPS_VALID = "eps ≤ 0 (finite)"


def _learnable_ok(v) -> bool:
    # A tensor's values are not checked: that would need .item(), which vmap forbids. The module keeps them
    # valid by construction (α_p = softplus(raw) > 0, α_n = β + softplus(raw) > β).
    if isinstance(v, torch.Tensor):
        return v.is_floating_point() and v.dim() <= 1 and v.numel() >= 1
    return positive(v)


def _nonpositive(v) -> bool:
    return finite_real(v) and v <= 0


def _alpha_n_above_beta(merged) -> None:
    a_n, b = merged["alpha_n"], merged["beta"]
    if isinstance(a_n, torch.Tensor):
        return
    if not a_n > b:
        raise ValueError(
            f"xielu: alpha_n={a_n!r} is not greater than beta={b!r}; alpha_n must satisfy {ALPHA_N_VALID}, "
            f"and beta must satisfy {BETA_VALID} (the negative side's slope tends to beta − alpha_n < 0)."
        )


def _per_channel(value, x: torch.Tensor, name: str) -> torch.Tensor:
    """`value` as a tensor of x's dtype: one number, or C values broadcast along dim 1 (the channels)."""
    p = torch.as_tensor(value, dtype=x.dtype, device=x.device)
    if p.numel() > 1:
        channels = x.shape[1] if x.dim() >= 2 else 1
        if p.numel() != channels:
            raise ValueError(
                f"xielu: {name} has {p.numel()} values but x has {channels} channels (dim 1 of shape "
                f"{tuple(x.shape)}); use 1 value or exactly {channels}."
            )
        p = p.reshape(-1, *([1] * (x.dim() - 2)))
    return p


def xielu(
    x: torch.Tensor,
    alpha_p: float | torch.Tensor = 0.8,
    alpha_n: float | torch.Tensor = 0.8,
    beta: float = 0.5,
    eps: float = -1e-6,
) -> torch.Tensor:
    # α_p and α_n: numbers, or tensors of 1 or C values, one per channel (dim 1), broadcast along dim 1.
    a_p = torch.as_tensor(alpha_p, dtype=x.dtype, device=x.device)
    a_n = torch.as_tensor(alpha_n, dtype=x.dtype, device=x.device)
    channels = x.shape[1] if x.dim() >= 2 else 1
    for name, a in (("alpha_p", a_p), ("alpha_n", a_n)):
        if a.numel() not in (1, channels):
            raise ValueError(
                f"xielu: {name} has {a.numel()} values but x has {channels} channels (dim 1 of shape "
                f"{tuple(x.shape)}); use 1 value or exactly {channels}."
            )
    if a_p.numel() > 1:
        a_p = a_p.reshape(-1, *([1] * (x.dim() - 2)))
    if a_n.numel() > 1:
        a_n = a_n.reshape(-1, *([1] * (x.dim() - 2)))
    positive_side = x > 0
    xp = torch.where(positive_side, x, 0.0)
    xn = torch.where(positive_side, 0.0, x)  # x ≤ 0, and NaN
    # x·(α_p·x + β), not α_p·x² + β·x: x² overflows (|x| > 1.3e154 in float64) before f does.
    pos = xp * (a_p * xp + beta)
    # α_n·(expm1(min(x, ε)) − x) + β·x, as α_n·expm1(min(x, ε)) + (β − α_n)·x: the two large terms of the
    # original (−α_n·x and β·x) never overflow on their own. min(x, ε) is a where so that the branch x ≤ ε
    # owns x = ε (torch.minimum would split the gradient of a tie in half); NaN takes ε and then propagates
    # through (β − α_n)·x.
    m = torch.where(xn <= eps, xn, eps)
    # expm1 is accurate near 0, but its backward recomputes eᵐ as expm1(m) + 1, which cancels for m ≪ 0; below
    # −1 the plain exp(m) − 1 loses nothing and differentiates exactly.
    em1 = torch.where(m < -1, torch.exp(m) - 1, torch.expm1(m))
    neg = a_n * em1 + (beta - a_n) * xn
    return torch.where(positive_side, pos, neg)


def xielu_derivative(
    x: torch.Tensor,
    alpha_p: float | torch.Tensor = 0.8,
    alpha_n: float | torch.Tensor = 0.8,
    beta: float = 0.5,
    eps: float = -1e-6,
) -> torch.Tensor:
    a_p = _per_channel(alpha_p, x, "alpha_p")
    a_n = _per_channel(alpha_n, x, "alpha_n")
    positive_side = x > 0
    xp = torch.where(positive_side, x, 0.0)
    xn = torch.where(positive_side, 0.0, x)
    pos = (2 * a_p) * xp + beta
    # Between ε and 0 the clip makes expm1(ε) a constant, so only (β − α_n)·x is left. At 0 and at ε the
    # branch on the left applies, as in the forward.
    neg = torch.where(xn <= eps, a_n * torch.expm1(xn) + beta, beta - a_n)
    out = torch.where(positive_side, pos, neg)
    return torch.where(x.isnan(), x, out)


def _softplus_inverse(y: float) -> float:
    """r with softplus(r) = y > 0: log(expm1(y)), written as y + log(−expm1(−y)) so large y cannot overflow."""
    return y + math.log(-math.expm1(-y))


def _raw_values(target, offset: float) -> torch.Tensor:
    """float64 raw values r (one per element of target) with offset + F.softplus(r) == target exactly.

    softplus' slope is below 1, so consecutive doubles r give every double near the target; we step r by ulps
    until it is hit, so that a fresh module computes exactly what xielu(x) does with the same numbers.
    """
    targets = torch.as_tensor(target, dtype=torch.float64).detach().reshape(-1).tolist()
    out = []
    for t in targets:
        # F.softplus returns its input unchanged above 20 (its threshold), so there the inverse is the identity.
        y = t - offset
        r = torch.tensor(y if y > 20 else _softplus_inverse(y), dtype=torch.float64)
        for _ in range(256):
            got = offset + F.softplus(r).item()
            if got == t:
                break
            r = torch.nextafter(r, torch.tensor(math.inf if got < t else -math.inf, dtype=torch.float64))
        out.append(r.item())
    return torch.tensor(out, dtype=torch.float64)


class XIELU(torch.nn.Module):
    """xIELU with learnable α_p and α_n, stored as transformers' XIELUActivation stores them.

    The parameters `alpha_p` and `alpha_n` are raw values: α_p = softplus(alpha_p) > 0 and
    α_n = β + softplus(alpha_n) > β, so any gradient step keeps the function valid. β and ε are fixed. The raw
    values are float64 (one per layer, or one per channel for a tensor of C initial values), chosen so that a
    new module equals xielu(x) with the same α_p, α_n exactly in float32 and float64.
    """

    def __init__(
        self,
        alpha_p: float | torch.Tensor = 0.8,
        alpha_n: float | torch.Tensor = 0.8,
        beta: float = 0.5,
        eps: float = -1e-6,
    ):
        super().__init__()
        XIELU_SPEC.resolve({"alpha_p": alpha_p, "alpha_n": alpha_n, "beta": beta, "eps": eps})
        self.beta = float(beta)
        self.eps = float(eps)
        self.alpha_p = torch.nn.Parameter(_raw_values(alpha_p, 0.0))
        self.alpha_n = torch.nn.Parameter(_raw_values(alpha_n, self.beta))

    def slopes(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(α_p, α_n): the values xielu(x, alpha_p=…, alpha_n=…) receives."""
        return F.softplus(self.alpha_p), self.beta + F.softplus(self.alpha_n)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        alpha_p, alpha_n = self.slopes()
        return XIELU_SPEC(x, alpha_p=alpha_p, alpha_n=alpha_n, beta=self.beta, eps=self.eps)

    def extra_repr(self) -> str:
        alpha_p, alpha_n = (v.detach().reshape(-1).tolist() for v in self.slopes())
        show = [f"{v[0]:.6g}" if len(v) == 1 else f"{len(v)} channels" for v in (alpha_p, alpha_n)]
        return f"xielu: alpha_p={show[0]}, alpha_n={show[1]}, beta={self.beta}, eps={self.eps}"


_XIELU_X_STAR = math.log(1 - 0.5 / 0.8)  # where α_n·(eˣ − 1) + β = 0
_XIELU_F_STAR = -0.5 + (0.5 - 0.8) * _XIELU_X_STAR

XIELU_SPEC = REGISTRY.add(
    Activation(
        name="xielu",
        title="xIELU",
        family="exponential",
        summary="α_p·x² + β·x for x > 0, α_n·(expm1(min(x, ε)) − x) + β·x below: a learnable integral of an "
        "ELU-shaped gradient, used in the Apertus LLMs.",
        forward=xielu,
        derivative_fn=xielu_derivative,
        params={
            "alpha_p": Param(
                0.8, _learnable_ok, ALPHA_P_VALID, alpha_p_sym, "curvature for x > 0 (learnable)"
            ),
            "alpha_n": Param(0.8, _learnable_ok, ALPHA_N_VALID, alpha_n_sym, "scale for x ≤ 0 (learnable)"),
            "beta": Param(0.5, positive, BETA_VALID, beta_sym, "slope at 0 (fixed)"),
            "eps": Param(-1e-6, _nonpositive, EPS_VALID, eps_sym, "clip of the exponent, min(x, ε)"),
        },
        expr=sympy.Piecewise(
            (alpha_p_sym * x**2 + beta_sym * x, x > 0),
            (alpha_n_sym * (sympy.exp(eps_sym) - 1 - x) + beta_sym * x, x > eps_sym),
            (alpha_n_sym * (sympy.exp(x) - 1 - x) + beta_sym * x, True),
        ),
        derivative_expr=sympy.Piecewise(
            (2 * alpha_p_sym * x + beta_sym, x > 0),
            (beta_sym - alpha_n_sym, x > eps_sym),
            (alpha_n_sym * (sympy.exp(x) - 1) + beta_sym, True),
        ),
        builtin=None,
        builtin_code=None,
        conventions="f(+inf) = inf, f(−inf) = inf (the slope tends to β − α_n < 0), nan → nan; x ≤ 0 (x = 0 "
        "included, as in transformers) and x = ε belong to the branch on their left.",
        properties=Properties(
            range=(
                -sympy.Rational(1, 2) + sympy.Rational(3, 10) * sympy.log(sympy.Rational(8, 3)),
                sympy.oo,
            ),
            range_closed=(True, False),
            monotonic=False,
            smoothness="discontinuous",
            zero_centred=False,
            saturates=(),
            minimum=(_XIELU_X_STAR, _XIELU_F_STAR),
            notes=(
                "discontinuous only through the clip: f jumps by α_n·expm1(ε) ≈ −8·10⁻⁷ at 0, and f′ jumps at ε "
                "and at 0; with ε = 0 (the integral without the clip) f is C¹",
                "the minimum is at x = log(1 − β/α_n), and f grows again to the left with slope β − α_n",
            ),
        ),
        kinks=(
            Kink(
                at=eps_sym,
                grad=alpha_n_sym * (sympy.exp(eps_sym) - 1) + beta_sym,
                note="the clip min(x, ε) starts here; our branch x ≤ ε owns the point, where transformers' "
                "torch.minimum splits the tie and gives α_n·e^ε/2 + β − α_n",
            ),
            Kink(
                at=sympy.Integer(0),
                grad=sympy.Piecewise((beta_sym - alpha_n_sym, eps_sym < 0), (beta_sym, True)),
                note="f itself jumps here by α_n·expm1(ε); the branch x ≤ 0 owns the point, as in transformers",
            ),
        ),
        paper=Paper(
            authors="Huang, Schlag",
            year=2024,
            title="Deriving Activation Functions Using Integration",
            url="https://arxiv.org/abs/2411.13010",
            venue="arXiv preprint",
        ),
        init=Init(
            "kaiming",
            2**0.5,
            "no scheme has been derived for xIELU; like squared ReLU it is quadratic for x > 0 and is trained "
            "from the usual He (or small-normal, in LLMs) initialisation",
        ),
        module_factory=XIELU,
        plot_range=(-5.0, 2.5),
        extra={"learnable": ("alpha_p", "alpha_n"), "cross_check": _alpha_n_above_beta},
        related=("squared_relu", "swiglu", "elu", "relu"),
    )
)


# ---------------------------------------------------------------------------------------------- ISRLU
alpha_sym = sympy.Symbol("alpha", positive=True)


def isrlu(x: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    # x/√(1 + αx²) for x < 0. For −1 < x < 0 directly; for x ≤ −1 as −1/√(α + (1/x)²), because αx² overflows
    # for |x| > 1.3e154 (float64), 1.8e19 (float32), long before f leaves [−1/√α, 0]. NaN fails x < 0 and is
    # returned as x.
    negative = x < 0
    near = negative & (x > -1)
    x_near = torch.where(near, x, -0.5)
    x_far = torch.where(negative & ~near, x, -2.0)
    r = 1 / x_far
    neg = torch.where(near, x_near / torch.sqrt(1 + alpha * x_near * x_near), -torch.rsqrt(alpha + r * r))
    return torch.where(negative, neg, x)


def isrlu_derivative(x: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    # (1 + αx²)^(−3/2) = q³ with q = 1/√(1 + αx²) = |1/x|/√(α + (1/x)²) for x ≤ −1 (no overflow).
    negative = x < 0
    near = negative & (x > -1)
    x_near = torch.where(near, x, -0.5)
    x_far = torch.where(negative & ~near, x, -2.0)
    r = -1 / x_far
    q = torch.where(near, torch.rsqrt(1 + alpha * x_near * x_near), r * torch.rsqrt(alpha + r * r))
    return torch.where(negative, q * q * q, torch.where(x.isnan(), x, 1.0))


REGISTRY.add(
    Activation(
        name="isrlu",
        title="ISRLU",
        family="exponential",
        summary="x for x ≥ 0, x/√(1 + αx²) below: an ELU-shaped unit with an inverse square root instead of an exp.",
        forward=isrlu,
        derivative_fn=isrlu_derivative,
        params={
            "alpha": Param(
                1.0,
                positive,
                "alpha > 0 (finite; alpha = 0 would be the identity)",
                alpha_sym,
                "the negative side saturates at −1/√α",
            )
        },
        expr=sympy.Piecewise((x / sympy.sqrt(1 + alpha_sym * x**2), x < 0), (x, True)),
        derivative_expr=sympy.Piecewise(((1 + alpha_sym * x**2) ** sympy.Rational(-3, 2), x < 0), (1, True)),
        builtin=None,
        builtin_code=None,
        conventions="f(−inf) = −1/√α, f(+inf) = inf, nan → nan; finite for every finite x (no x² is formed "
        "for x ≤ −1).",
        properties=Properties(
            range=(sympy.Integer(-1), sympy.oo),
            range_closed=(False, False),
            monotonic=True,
            smoothness="C2",
            zero_centred=False,
            saturates=("negative",),
            notes=(
                "C² at 0: f′(0) = 1 and f″(0) = 0 from both sides; f‴ jumps from −3α to 0",
                "the range is (−1/√α, ∞); the left slope decays like |x|⁻³, against ELU's eˣ",
            ),
        ),
        paper=Paper(
            authors="Carlile, Delamarter, Kinney, Marti, Whitney",
            year=2017,
            title="Improving Deep Learning by Inverse Square Root Linear Units (ISRLUs)",
            url="https://arxiv.org/abs/1710.09967",
            venue="arXiv preprint (ICLR 2018 submission)",
        ),
        init=Init(
            "kaiming",
            2**0.5,
            "identical to ReLU for x ≥ 0; as for ELU, no scheme was derived for it and He initialisation is the "
            "usual choice",
        ),
        plot_range=(-5.0, 3.0),
        related=("isru", "elu", "relu", "celu"),
    )
)


# ---------------------------------------------------------------------------------------------- ELiSH
def elish(x: torch.Tensor) -> torch.Tensor:
    # x·σ(x) for x ≥ 0, (eˣ − 1)·σ(x) below: two products of accurate factors, so no cancellation anywhere.
    # NaN fails x < 0 and goes through x·σ(x).
    negative = x < 0
    xn = torch.where(negative, x, 0.0)
    xp = torch.where(negative, 0.0, x)
    # expm1's backward cancels for x ≪ 0 (it recomputes eˣ as expm1(x) + 1); below −1, exp(x) − 1 is exact.
    em1 = torch.where(xn < -1, torch.exp(xn) - 1, torch.expm1(xn))
    neg = em1 * torch.sigmoid(xn)
    return torch.where(negative, neg, xp * torch.sigmoid(xp))


def elish_derivative(x: torch.Tensor) -> torch.Tensor:
    # x ≥ 0: σ(x)·(1 + x·σ(−x)); x < 0: σ(x)·(eˣ + (eˣ − 1)·σ(−x)). σ(−x) is computed directly, never as 1 − σ.
    negative = x < 0
    xn = torch.where(negative, x, 0.0)
    xp = torch.where(negative, 0.0, x)
    tail = torch.where(xp == torch.inf, 0.0, xp * torch.sigmoid(-xp))  # inf·σ(−inf) = inf·0; the limit is 0
    pos = torch.sigmoid(xp) * (1 + tail)
    neg = torch.sigmoid(xn) * (torch.exp(xn) + torch.expm1(xn) * torch.sigmoid(-xn))
    return torch.where(negative, neg, pos)


_SQRT2 = math.sqrt(2)

REGISTRY.add(
    Activation(
        name="elish",
        title="ELiSH",
        family="exponential",
        summary="x·σ(x) for x ≥ 0 and (eˣ − 1)·σ(x) below: SiLU on the right, a sigmoid-gated ELU on the left.",
        forward=elish,
        derivative_fn=elish_derivative,
        expr=sympy.Piecewise(((sympy.exp(x) - 1) * sym_sigmoid(x), x < 0), (x * sym_sigmoid(x), True)),
        derivative_expr=sympy.Piecewise(
            (
                sympy.exp(x) * sym_sigmoid(x) + (sympy.exp(x) - 1) * sym_sigmoid(x) * (1 - sym_sigmoid(x)),
                x < 0,
            ),
            (sym_sigmoid(x) + x * sym_sigmoid(x) * (1 - sym_sigmoid(x)), True),
        ),
        builtin=None,
        builtin_code=None,
        conventions="f(−inf) = 0, f(+inf) = inf, nan → nan.",
        properties=Properties(
            range=(2 * sympy.sqrt(2) - 3, sympy.oo),
            range_closed=(True, False),
            monotonic=False,
            smoothness="C1",
            zero_centred=False,
            saturates=("negative",),
            minimum=(math.log(_SQRT2 - 1), 2 * _SQRT2 - 3),
            notes=(
                "the minimum 2√2 − 3 ≈ −0.1716 is at x = log(√2 − 1) ≈ −0.8814, where eˣ = √2 − 1",
                "f′(0) = 1/2 from both sides; f″ jumps from 1 to 1/2 at 0",
            ),
        ),
        paper=Paper(
            authors="Basirat, Roth",
            year=2018,
            title="The Quest for the Golden Activation Function",
            url="https://arxiv.org/abs/1808.00783",
            venue="arXiv preprint",
        ),
        init=Init(
            "kaiming", 2**0.5, "SiLU for x ≥ 0, ReLU-like for x ≫ 0; He initialisation is the common choice"
        ),
        plot_range=(-5.0, 4.0),
        related=("silu", "elu", "hard_elish"),
    )
)


# ---------------------------------------------------------------------------------------------- hard ELiSH
def hard_elish(x: torch.Tensor) -> torch.Tensor:
    # h(x) = clamp((x + 1)/2, 0, 1) makes four pieces: 0 for x ≤ −1, (eˣ − 1)(x + 1)/2 on (−1, 0), x(x + 1)/2 on
    # [0, 1), x for x ≥ 1. The outer pieces own the kinks at ±1 (F.hardswish's convention at ±3); NaN fails
    # every comparison and is returned as x.
    x_neg = torch.where((x > -1) & (x < 0), x, -0.5)
    neg = torch.expm1(x_neg) * (x_neg + 1) / 2
    x_pos = torch.where((x >= 0) & (x < 1), x, 0.5)
    pos = x_pos * (x_pos + 1) / 2
    return torch.where(x <= -1, 0.0, torch.where(x < 0, neg, torch.where(x < 1, pos, x)))


def hard_elish_derivative(x: torch.Tensor) -> torch.Tensor:
    # 0 at x = −1 and 1 at x = 1: the outer pieces own the kinks, as in the forward.
    x_neg = torch.where((x > -1) & (x < 0), x, -0.5)
    neg = (torch.exp(x_neg) * (x_neg + 2) - 1) / 2
    x_pos = torch.where((x >= 0) & (x < 1), x, 0.5)
    out = torch.where(x <= -1, 0.0, torch.where(x < 0, neg, torch.where(x < 1, x_pos + 0.5, 1.0)))
    return torch.where(x.isnan(), x, out)


_W_E2 = sympy.LambertW(sympy.exp(2))  # x* = W(e²) − 2 solves eˣ(x + 2) = 1, the zero of f′ on (−1, 0)

REGISTRY.add(
    Activation(
        name="hard_elish",
        title="Hard ELiSH",
        family="exponential",
        summary="x·h(x) for x ≥ 0 and (eˣ − 1)·h(x) below, with the hard sigmoid h(x) = clamp((x + 1)/2, 0, 1).",
        forward=hard_elish,
        derivative_fn=hard_elish_derivative,
        expr=sympy.Piecewise(
            (0, x <= -1),
            ((sympy.exp(x) - 1) * (x + 1) / 2, x < 0),
            (x * (x + 1) / 2, x < 1),
            (x, True),
        ),
        derivative_expr=sympy.Piecewise(
            (0, x <= -1),
            ((sympy.exp(x) * (x + 2) - 1) / 2, x < 0),
            (x + sympy.Rational(1, 2), x < 1),
            (1, True),
        ),
        builtin=None,
        builtin_code=None,
        conventions="f(−inf) = 0, f(+inf) = inf, nan → nan; the subgradient is 0 at x = −1 and 1 at x = 1 "
        "(the outer pieces own the kinks, as F.hardswish's do at ±3).",
        properties=Properties(
            range=(-((_W_E2 - 1) ** 2) / (2 * _W_E2), sympy.oo),
            range_closed=(True, False),
            monotonic=False,
            smoothness="C0",
            zero_centred=False,
            saturates=("negative",),
            minimum=(float(_W_E2 - 2), float(-((_W_E2 - 1) ** 2) / (2 * _W_E2))),
            notes=(
                "exactly 0 for x ≤ −1; the minimum −(w − 1)²/(2w) ≈ −0.0997 is at x = w − 2 ≈ −0.4429, w = W(e²)",
                "f′(0) = 1/2 from both sides, so 0 is no kink (f″ jumps there from 3/2 to 1)",
            ),
        ),
        kinks=(
            Kink(
                at=sympy.Integer(-1),
                grad=sympy.Integer(0),
                note="the flat piece owns the point, as in F.hardswish at −3 and in autograd of "
                "x·torch.clamp((x + 1)/2, 0, 1); the slope from the right is (e⁻¹ − 1)/2",
            ),
            Kink(
                at=sympy.Integer(1),
                grad=sympy.Integer(1),
                note="the identity piece owns the point, as in F.hardswish at +3 and in autograd of "
                "x·torch.clamp((x + 1)/2, 0, 1); the slope from the left is 3/2",
            ),
        ),
        paper=Paper(
            authors="Basirat, Roth",
            year=2018,
            title="The Quest for the Golden Activation Function",
            url="https://arxiv.org/abs/1808.00783",
            venue="arXiv preprint",
        ),
        init=Init(
            "kaiming", 2**0.5, "ReLU-like for x ≥ 1 and 0 for x ≤ −1; He initialisation is the common choice"
        ),
        plot_range=(-3.0, 3.0),
        related=("elish", "hardswish", "hardsigmoid", "elu"),
    )
)
