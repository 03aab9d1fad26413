"""More rectifiers: squareplus, sparse plus, bent identity, StarReLU, SReLU and APL.

StarReLU, SReLU and APL have learnable parameters. Their functional forms take each one as a number or as a
tensor of 1 or C values (one per channel, dim 1, as nn.PReLU), and their modules (defined here) hold them as
nn.Parameters named like the spec's parameters. The modules store the parameters in float64 and cast them to
the input's dtype, so that a module at its defaults computes exactly spec(x) (0.1 and 0.8944 are not floats).
"""

import math

import sympy
import torch

from actref.catalog._checks import finite_real, positive
from actref.registry import REGISTRY, Activation, Init, Kink, Paper, Param, Properties
from actref.symbolic import x


def _number_or_channels(v) -> bool:
    if isinstance(v, torch.Tensor):
        return v.is_floating_point() and v.dim() <= 1 and v.numel() >= 1
    return finite_real(v)


_CHANNELS = "a finite real number, or a float tensor of 1 or C values (one per channel, dim 1)"


def _per_channel(v, x: torch.Tensor, name: str, spec: str) -> torch.Tensor:
    """A parameter as a tensor that broadcasts against x: 0-d, or C values along dim 1 (like nn.PReLU)."""
    w = torch.as_tensor(v, dtype=x.dtype, device=x.device)
    if w.numel() == 1:
        return w.reshape(())
    channels = x.shape[1] if x.dim() >= 2 else 1
    if w.numel() != channels:
        raise ValueError(
            f"{spec}: {name} has {w.numel()} values but x has {channels} channels (dim 1 of shape "
            f"{tuple(x.shape)}); use 1 value or exactly {channels}."
        )
    return w.reshape(-1, *([1] * (x.dim() - 2)))


def _at_compute_precision(fn, x: torch.Tensor, *args) -> torch.Tensor:
    """fn(x, *args), with 16-bit inputs computed in float32 and rounded once, as spec(x) does."""
    if x.dtype in (torch.float16, torch.bfloat16):
        return fn(x.float(), *args).to(x.dtype)
    return fn(x, *args)


class _Learnable(torch.nn.Module):
    """One float64 nn.Parameter per name, of 1 value (shared) or num_parameters values (one per channel)."""

    def __init__(self, values: dict, num_parameters: int = 1):
        super().__init__()
        name = type(self).__name__
        if not isinstance(num_parameters, int) or isinstance(num_parameters, bool) or num_parameters < 1:
            raise ValueError(
                f"{name}: num_parameters must be an int ≥ 1 (1, or the number of channels), got {num_parameters!r}."
            )
        sizes = {v.numel() for v in values.values() if isinstance(v, torch.Tensor)} - {1}
        n = max(sizes | {num_parameters})
        if len((sizes | {num_parameters}) - {1}) > 1:
            raise ValueError(
                f"{name}: parameter sizes {sorted(sizes)} and num_parameters={num_parameters} disagree."
            )
        self.num_parameters = n
        for key, v in values.items():
            t = torch.as_tensor(v, dtype=torch.float64).detach().reshape(-1)
            setattr(self, key, torch.nn.Parameter(t.expand(n).clone()))

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


# --------------------------------------------------------------------------------------------- squareplus
b_sq = sympy.Symbol("b", positive=True)


def squareplus(x: torch.Tensor, b: float = 4.0) -> torch.Tensor:
    # (x + √(x² + b))/2. For x < 0 the sum cancels, so there we use the equal b/(2(√(x² + b) − x)); halves are
    # taken before adding so that neither sum can overflow. hypot forms √(x² + b) without overflowing x². Each branch only
    # sees its own half-line (NaN goes to the x ≥ 0 branch), so no inf or nan reaches the other's gradient.
    neg = x < 0
    xn, xp = torch.where(neg, x, 0.0), torch.where(neg, 0.0, x)
    root_b = xn.new_full((), math.sqrt(b))
    hn, hp = torch.hypot(xn, root_b), torch.hypot(xp, root_b)
    return torch.where(neg, (0.25 * b) / (0.5 * hn - 0.5 * xn), 0.5 * xp + 0.5 * hp)


def squareplus_derivative(x: torch.Tensor, b: float = 4.0) -> torch.Tensor:
    neg = x < 0
    xn, xp = torch.where(neg, x, 0.0), torch.where(neg, 0.0, x)
    root_b = xn.new_full((), math.sqrt(b))
    hn, hp = torch.hypot(xn, root_b), torch.hypot(xp, root_b)
    ratio = torch.where(xp == torch.inf, 1.0, xp / hp)  # x/h → 1 at +inf (inf/inf is nan)
    # For x < 0, ½(1 + x/h) = b/(2h(h − x)), which does not cancel.
    return torch.where(neg, ((0.25 * b) / hn) / (0.5 * hn - 0.5 * xn), 0.5 * (1 + ratio))


_sq_root = sympy.sqrt(x**2 + b_sq)

REGISTRY.add(
    Activation(
        name="squareplus",
        title="Squareplus",
        family="relu-like",
        summary="(x + √(x² + b))/2: a softplus-like smooth rectifier built from a square root, no exp or log.",
        forward=squareplus,
        derivative_fn=squareplus_derivative,
        params={
            "b": Param(
                4.0,
                positive,
                "b > 0 (finite)",
                b_sq,
                "size of the curved region around 0; b → 0 gives ReLU (jax.nn and Keras default 4)",
            ),
        },
        expr=(x + _sq_root) / 2,
        derivative_expr=(1 + x / _sq_root) / 2,
        conventions="squareplus(−inf) = 0, squareplus(+inf) = inf, nan → nan. b = 0 (ReLU) is rejected: "
        "f′(0) would be 0/0.",
        properties=Properties(
            range=(sympy.Integer(0), sympy.oo),
            monotonic=True,
            smoothness="C∞",
            saturates=("negative",),
            notes=("f(0) = √b/2 and f′(0) = 1/2 for every b; f″(0) = 1/(2√b), softplus's 1/4 at b = 4",),
        ),
        paper=Paper(
            authors="Barron",
            year=2021,
            title="Squareplus: A Softplus-Like Algebraic Rectifier",
            url="https://arxiv.org/abs/2112.11687",
            venue="arXiv preprint",
        ),
        init=Init(
            "kaiming", 2**0.5, "ReLU-like away from 0 (as softplus), so He initialisation is the usual choice"
        ),
        plot_range=(-5.0, 5.0),
        related=("softplus", "relu", "sparse_plus"),
    )
)


# --------------------------------------------------------------------------------------------- sparse plus
def sparse_plus(x: torch.Tensor) -> torch.Tensor:
    # jax.nn.sparse_plus's branches: 0 for x ≤ −1, x for x ≥ 1, (x + 1)²/4 between. The middle branch sees x
    # clamped to [−1, 1] (clamp keeps NaN), so it never overflows where the outer branches are taken.
    xm = x.clamp(-1.0, 1.0)
    return torch.where(x <= -1, 0.0, torch.where(x >= 1, x, 0.25 * (xm + 1) * (xm + 1)))


def sparse_plus_derivative(x: torch.Tensor) -> torch.Tensor:
    # (x + 1)/2 between the joins; it is continuous (0 at −1, 1 at +1), so the joins need no convention.
    xm = x.clamp(-1.0, 1.0)
    return torch.where(x <= -1, 0.0, torch.where(x >= 1, 1.0, 0.5 * (xm + 1)))


REGISTRY.add(
    Activation(
        name="sparse_plus",
        title="Sparse plus",
        family="relu-like",
        summary="0 for x ≤ −1, (x+1)²/4 on (−1, 1), x for x ≥ 1: a C¹ softplus twin with exact zeros.",
        forward=sparse_plus,
        derivative_fn=sparse_plus_derivative,
        expr=sympy.Piecewise((0, x <= -1), (x, x >= 1), ((x + 1) ** 2 / 4, True)),
        derivative_expr=sympy.Piecewise((0, x <= -1), (1, x >= 1), ((x + 1) / 2, True)),
        conventions="sparse_plus(−inf) = 0, sparse_plus(+inf) = inf, nan → nan. f′ is continuous at ±1 "
        "(0 and 1), so the joins need no subgradient convention.",
        properties=Properties(
            range=(sympy.Integer(0), sympy.oo),
            range_closed=(True, False),
            monotonic=True,
            smoothness="C1",
            saturates=("negative",),
            notes=("f″ jumps at ±1 (0 → ½ → 0); f(0) = 1/4",),
        ),
        paper=Paper(
            authors="Blondel, Martins, Niculae",
            year=2020,
            title="Learning with Fenchel-Young Losses",
            url="https://arxiv.org/abs/1901.02324",
            venue="Journal of Machine Learning Research 21(35)",
        ),
        init=Init("kaiming", 2**0.5, "it is ReLU for |x| ≥ 1, so He initialisation as for ReLU"),
        plot_range=(-3.0, 3.0),
        related=("softplus", "relu", "squareplus"),
    )
)


# --------------------------------------------------------------------------------------------- bent identity
def bent_identity(x: torch.Tensor) -> torch.Tensor:
    # (√(x² + 1) − 1)/2 + x in three cancellation-free forms, each fed only its own range (NaN goes to the
    # last): x²/(2(√(x² + 1) + 1)) + x for |x| < 1; (x − 1)/2 + 1/(2(√(x² + 1) − x)) for x ≤ −1 (√(x² + 1) + x
    # cancels there, and equals 1/(√(x² + 1) − x)); (√(x² + 1) − 1)/2 + x for x ≥ 1, with hypot (no x²).
    one = x.new_ones(())
    small, left = x.abs() < 1, x <= -1
    xs = torch.where(small, x, 0.0)
    xl = torch.where(left, x, -1.0)
    xr = torch.where(small | left, 1.0, x)
    f_small = xs * xs / (2 * (torch.sqrt(xs * xs + 1) + 1)) + xs
    f_left = 0.5 * (xl - 1) + 0.5 / (torch.hypot(xl, one) - xl)
    f_right = 0.5 * (torch.hypot(xr, one) - 1) + xr
    return torch.where(small, f_small, torch.where(left, f_left, f_right))


def bent_identity_derivative(x: torch.Tensor) -> torch.Tensor:
    ratio = torch.where(x.isinf(), torch.sign(x), x / torch.hypot(x, x.new_ones(())))
    return 1 + 0.5 * ratio


_bent_root = sympy.sqrt(x**2 + 1)
_BENT_GAIN = 0.9655035086766645  # 1/√E[f(Z)²], Z ~ N(0, 1); E[f(Z)²] = 1.0727345967593423 (mpmath)

REGISTRY.add(
    Activation(
        name="bent_identity",
        title="Bent identity",
        family="relu-like",
        summary="(√(x² + 1) − 1)/2 + x: a smooth, unbounded unit whose slope bends from 1/2 to 3/2.",
        forward=bent_identity,
        derivative_fn=bent_identity_derivative,
        expr=(_bent_root - 1) / 2 + x,
        derivative_expr=x / (2 * _bent_root) + 1,
        conventions="bent_identity(±inf) = ±inf, nan → nan.",
        properties=Properties(
            range=(-sympy.oo, sympy.oo),
            monotonic=True,
            smoothness="C∞",
            notes=("f′ lies in (1/2, 3/2): never 0, never above 3/2; f(0) = 0 and f′(0) = 1",),
        ),
        paper_note=(
            "No paper that introduced it could be found: it appears without a source in activation-function "
            "tables (Wikipedia's among them) and small neural-network libraries; torch, JAX, Keras, timm, "
            "transformers and MLX do not ship it."
        ),
        init=Init(
            "kaiming",
            _BENT_GAIN,
            "gain 1/√E[f(Z)²] for Z ~ N(0, 1) (E = 1.0727): He's variance-preserving criterion at unit input "
            "scale; f is not homogeneous, so it holds at that scale only",
        ),
        plot_range=(-5.0, 5.0),
        related=("identity", "leaky_relu", "softplus", "squareplus"),
    )
)


# --------------------------------------------------------------------------------------------- StarReLU
s_sym, bias_sym = sympy.Symbol("s", real=True), sympy.Symbol("b", real=True)
STAR_SCALE, STAR_BIAS = 0.8944, -0.4472  # Yu et al.'s rounded 2/√5 and −1/√5


def star_relu(x: torch.Tensor, scale: float = 0.8944, bias: float = -0.4472) -> torch.Tensor:
    def per_channel(v):  # a number, or 1 or C values along dim 1 (the channel dim, as nn.PReLU)
        w = torch.as_tensor(v, dtype=x.dtype, device=x.device)
        if w.numel() > 1 and w.numel() != (x.shape[1] if x.dim() >= 2 else 1):
            raise ValueError(
                f"star_relu: {w.numel()} values, but x has shape {tuple(x.shape)} (channels: dim 1)"
            )
        return w.reshape(()) if w.numel() == 1 else w.reshape(-1, *([1] * (x.dim() - 2)))

    s, b = per_channel(scale), per_channel(bias)
    # relu(x) with x <= 0 owning 0 (nan falls through); +inf is masked to 0 and its limit put back at the end,
    # so that no inf·0 reaches a gradient. (s·r)·r overflows only where s·x² itself does.
    r = torch.where((x <= 0) | (x == torch.inf), 0.0, x)
    y = (s * r) * r + b
    limit = torch.where(s > 0, torch.inf, torch.where(s < 0, -torch.inf, b))
    return torch.where(x == torch.inf, limit, y)


def star_relu_derivative(x: torch.Tensor, scale: float = 0.8944, bias: float = -0.4472) -> torch.Tensor:
    s = _per_channel(scale, x, "scale", "star_relu")
    r = torch.where((x <= 0) | (x == torch.inf), 0.0, x)
    limit = torch.where(s > 0, torch.inf, torch.where(s < 0, -torch.inf, 0.0))
    return torch.where(x == torch.inf, limit, 2 * s * r)


class StarReLU(_Learnable):
    """StarReLU s·relu(x)² + b with learnable s and b: one each per layer, as in the paper (and timm)."""

    def __init__(self, scale=STAR_SCALE, bias=STAR_BIAS):
        super().__init__({"scale": scale, "bias": bias})

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _at_compute_precision(star_relu, x, self.scale, self.bias)


REGISTRY.add(
    Activation(
        name="star_relu",
        title="StarReLU",
        family="relu-like",
        summary="s·relu(x)² + b with learnable scalars s, b (0.8944, −0.4472): squared ReLU standardised to "
        "mean 0, variance 1 under N(0, 1) input.",
        forward=star_relu,
        derivative_fn=star_relu_derivative,
        params={
            "scale": Param(
                STAR_SCALE, _number_or_channels, _CHANNELS, s_sym, "learnable scale s (init 2/√5)"
            ),
            "bias": Param(
                STAR_BIAS, _number_or_channels, _CHANNELS, bias_sym, "learnable bias b (init −1/√5)"
            ),
        },
        expr=s_sym * sympy.Piecewise((0, x <= 0), (x**2, True)) + bias_sym,
        derivative_expr=sympy.Piecewise((0, x <= 0), (2 * s_sym * x, True)),
        conventions="star_relu(−inf) = b, star_relu(+inf) = +inf (for s > 0), nan → nan. f′ is continuous at 0 "
        "(both sides 0). Overflows to inf where s·x² exceeds the dtype's range (x ≳ 1.95e19 in float32).",
        properties=Properties(
            range=(sympy.Float(STAR_BIAS), sympy.oo),
            range_closed=(True, False),
            monotonic=True,
            smoothness="C1",
            zero_centred=True,  # E[f(Z)] = 0 for Z ~ N(0, 1): what its constants are for (see the notes)
            saturates=("negative",),
            notes=(
                "at the initial s, b; E[f(Z)] = 0 and E[f(Z)²] = 1 for Z ~ N(0, 1) with s = 2/√5, b = −1/√5 "
                "(to 4e-5 with the rounded defaults), although f(0) = b ≠ 0",
                "training may make s ≤ 0 (then f is not increasing)",
            ),
        ),
        paper=Paper(
            authors="Yu, Si, Zhou, Luo, Zhou, Feng, Yan, Wang",
            year=2022,
            title="MetaFormer Baselines for Vision",
            url="https://arxiv.org/abs/2210.13452",
            venue="IEEE TPAMI 46(2), 2024",
        ),
        init=Init(
            "lecun",
            1.0,
            "s and b make E[f(Z)²] = 1 for Z ~ N(0, 1), so N(0, 1/fan_in) weights keep unit second moment",
        ),
        module_factory=StarReLU,
        extra={"learnable": ("scale", "bias")},
        plot_range=(-3.0, 3.0),
        related=("squared_relu", "relu", "gelu"),
    )
)


# --------------------------------------------------------------------------------------------- SReLU
t_l, a_l, t_r, a_r = (sympy.Symbol(n, real=True) for n in ("t_l", "a_l", "t_r", "a_r"))
_T_LEFT_VALID = "a finite real number, or a float tensor of 1 or C per-channel values, ≤ t_right"
_T_RIGHT_VALID = "a finite real number, or a float tensor of 1 or C per-channel values, ≥ t_left"
_SRELU_GAIN = 1.1355971269170176  # 1/√E[f(Z)²] at the defaults; E[f(Z)²] = 0.7754457674318316 (mpmath)


def _srelu_order(merged) -> None:
    tl, tr = merged["t_left"], merged["t_right"]
    if isinstance(tl, torch.Tensor) or isinstance(tr, torch.Tensor):
        try:
            bad = bool((torch.as_tensor(tl) > torch.as_tensor(tr)).any())
        except RuntimeError:  # under torch.func transforms the values cannot be inspected
            return
    else:
        bad = tl > tr
    if bad:
        raise ValueError(
            f"srelu: t_left={tl!r} is greater than t_right={tr!r}; t_left must be {_T_LEFT_VALID} and "
            f"t_right {_T_RIGHT_VALID}."
        )


def srelu(
    x: torch.Tensor, t_left: float = -1.0, a_left: float = 0.1, t_right: float = 1.0, a_right: float = 1.0
) -> torch.Tensor:
    def per_channel(v):  # a number, or 1 or C values along dim 1 (the channel dim, as nn.PReLU)
        w = torch.as_tensor(v, dtype=x.dtype, device=x.device)
        if w.numel() > 1 and w.numel() != (x.shape[1] if x.dim() >= 2 else 1):
            raise ValueError(f"srelu: {w.numel()} values, but x has shape {tuple(x.shape)} (channels: dim 1)")
        return w.reshape(()) if w.numel() == 1 else w.reshape(-1, *([1] * (x.dim() - 2)))

    tl, al, tr, ar = (per_channel(v) for v in (t_left, a_left, t_right, a_right))
    # Jin et al.'s branches: x ≥ t_right and x ≤ t_left own the thresholds, so autograd returns a_right at
    # t_right and a_left at t_left. ±inf are masked (no inf·0 in a gradient) and get their limits at the end.
    xs = torch.where(x.isinf(), 0.0, x)
    y = torch.where(x >= tr, tr + ar * (xs - tr), torch.where(x <= tl, tl + al * (xs - tl), xs))
    hi = torch.where(ar > 0, torch.inf, torch.where(ar < 0, -torch.inf, tr))
    lo = torch.where(al > 0, -torch.inf, torch.where(al < 0, torch.inf, tl))
    return torch.where(x == torch.inf, hi, torch.where(x == -torch.inf, lo, y))


def srelu_derivative(
    x: torch.Tensor, t_left: float = -1.0, a_left: float = 0.1, t_right: float = 1.0, a_right: float = 1.0
) -> torch.Tensor:
    names, values = ("t_left", "a_left", "t_right", "a_right"), (t_left, a_left, t_right, a_right)
    tl, al, tr, ar = (_per_channel(v, x, k, "srelu") for k, v in zip(names, values, strict=True))
    ones = torch.where(x.isnan(), x, 1.0)
    return torch.where(x >= tr, ar, torch.where(x <= tl, al, ones))


class SReLU(_Learnable):
    """SReLU with learnable t_left, a_left, t_right, a_right: shared, or one set per channel (num_parameters)."""

    def __init__(self, t_left=-1.0, a_left=0.1, t_right=1.0, a_right=1.0, num_parameters: int = 1):
        values = {"t_left": t_left, "a_left": a_left, "t_right": t_right, "a_right": a_right}
        super().__init__(values, num_parameters)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _at_compute_precision(srelu, x, self.t_left, self.a_left, self.t_right, self.a_right)


REGISTRY.add(
    Activation(
        name="srelu",
        title="SReLU (S-shaped ReLU)",
        family="relu-like",
        summary="Identity between two learnable thresholds, learnable slopes outside them: three joined lines, "
        "per channel.",
        forward=srelu,
        derivative_fn=srelu_derivative,
        params={
            "t_left": Param(-1.0, _number_or_channels, _T_LEFT_VALID, t_l, "left threshold (learnable)"),
            "a_left": Param(0.1, _number_or_channels, _CHANNELS, a_l, "slope for x ≤ t_left (learnable)"),
            "t_right": Param(1.0, _number_or_channels, _T_RIGHT_VALID, t_r, "right threshold (learnable)"),
            "a_right": Param(1.0, _number_or_channels, _CHANNELS, a_r, "slope for x ≥ t_right (learnable)"),
        },
        expr=sympy.Piecewise((t_r + a_r * (x - t_r), x >= t_r), (t_l + a_l * (x - t_l), x <= t_l), (x, True)),
        derivative_expr=sympy.Piecewise((a_r, x >= t_r), (a_l, x <= t_l), (1, True)),
        conventions="srelu(±inf) = ±inf for positive slopes (a constant threshold where a slope is 0), "
        "nan → nan. The outer lines own the thresholds (x ≥ t_right, x ≤ t_left), as in the paper.",
        properties=Properties(
            range=(-sympy.oo, sympy.oo),
            monotonic=True,
            smoothness="C0",
            notes=(
                "at the initial values, where a_right = 1 makes f = x for all x > t_left (a shifted leaky "
                "ReLU); training may make either slope negative or above 1 (S-shaped or non-monotonic)",
                "∂f/∂t_right = 1 − a_right, so t_right gets no gradient until a_right leaves 1",
            ),
        ),
        kinks=(
            Kink(at=t_l, grad=a_l, note="the left line owns t_left (x ≤ t_left), so autograd gives a_left."),
            Kink(at=t_r, grad=a_r, note="the right line owns t_right; no kink while a_right = 1."),
        ),
        paper=Paper(
            authors="Jin, Xu, Feng, Wei, Xiong, Yan",
            year=2016,
            title="Deep Learning with S-shaped Rectified Linear Activation Units",
            url="https://arxiv.org/abs/1512.07030",
            venue="AAAI",
        ),
        init=Init(
            "kaiming",
            _SRELU_GAIN,
            "gain 1/√E[f(Z)²] for Z ~ N(0, 1) at the initial thresholds and slopes (E = 0.7754): He's "
            "variance-preserving criterion at unit input scale",
        ),
        module_factory=SReLU,
        extra={
            "learnable": ("t_left", "a_left", "t_right", "a_right"),
            "module_params": ("num_parameters",),
            "cross_check": _srelu_order,
            "zero_grad_at_init": {"t_right": "∂f/∂t_right = 1 − a_right = 0 while a_right = 1"},
        },
        plot_range=(-4.0, 4.0),
        related=("leaky_relu", "prelu", "hardtanh", "apl"),
    )
)


# --------------------------------------------------------------------------------------------- APL
a1, b1, a2, b2 = (sympy.Symbol(n, real=True) for n in ("a1", "b1", "a2", "b2"))
_APL_GAIN = 1.3545436288229405  # 1/√E[f(Z)²] at the defaults; E[f(Z)²] = 0.5450219637857653 (mpmath)


def apl(
    x: torch.Tensor, a1: float = -0.2, b1: float = 1.0, a2: float = 0.1, b2: float = -1.0
) -> torch.Tensor:
    def per_channel(v):  # a number, or 1 or C values along dim 1 (the channel dim, as nn.PReLU)
        w = torch.as_tensor(v, dtype=x.dtype, device=x.device)
        if w.numel() > 1 and w.numel() != (x.shape[1] if x.dim() >= 2 else 1):
            raise ValueError(f"apl: {w.numel()} values, but x has shape {tuple(x.shape)} (channels: dim 1)")
        return w.reshape(()) if w.numel() == 1 else w.reshape(-1, *([1] * (x.dim() - 2)))

    def relu(z):  # z <= 0 owns the kink: gradient 0 there, as torch.relu; nan falls through
        return torch.where(z <= 0, 0.0, z)

    # max(0, x) + Σₛ aₛ·max(0, −x + bₛ). −inf is masked (aₛ·inf terms of both signs would give nan) and gets
    # its limit at the end: −inf·(left slope −Σaₛ), or Σaₛbₛ where that slope is 0.
    xs = torch.where(x == -torch.inf, 0.0, x)
    y, slope, flat = relu(xs), 0.0, 0.0
    for a, b in ((per_channel(a1), per_channel(b1)), (per_channel(a2), per_channel(b2))):
        y, slope, flat = y + a * relu(b - xs), slope - a, flat + a * b
    limit = torch.where(slope > 0, -torch.inf, torch.where(slope < 0, torch.inf, flat))
    return torch.where(x == -torch.inf, limit, y)


def apl_derivative(
    x: torch.Tensor, a1: float = -0.2, b1: float = 1.0, a2: float = 0.1, b2: float = -1.0
) -> torch.Tensor:
    # Each max(0, z) contributes 1 for z > 0 and 0 at its kink, as torch.relu.
    d = (x > 0).to(x.dtype)
    for i, (a, b) in enumerate(((a1, b1), (a2, b2)), 1):
        a, b = _per_channel(a, x, f"a{i}", "apl"), _per_channel(b, x, f"b{i}", "apl")
        d = d - a * (b - x > 0).to(x.dtype)
    return torch.where(x.isnan(), x, d)


def _apl_any(x: torch.Tensor, *params: torch.Tensor) -> torch.Tensor:
    """APL with any number of hinges, params = (a1, b1, a2, b2, ...): the same operations as apl()."""
    xs = torch.where(x == -torch.inf, 0.0, x)
    y, slope, flat = torch.where(xs <= 0, 0.0, xs), 0.0, 0.0
    for i in range(0, len(params), 2):
        a, b = (
            _per_channel(v, x, f"{k}{i // 2 + 1}", "apl")
            for k, v in zip("ab", params[i : i + 2], strict=True)
        )
        z = b - xs
        y, slope, flat = y + a * torch.where(z <= 0, 0.0, z), slope - a, flat + a * b
    limit = torch.where(slope > 0, -torch.inf, torch.where(slope < 0, torch.inf, flat))
    return torch.where(x == -torch.inf, limit, y)


class APL(_Learnable):
    """APL with S learnable hinges a1, b1, …, aS, bS: shared, or one set per channel (num_parameters).

    Hinges beyond the second start switched off (a = 0) at b = 2, −2, 3, −3, …: the initial shape is the same
    for every S ≥ 2, and S = 1 keeps a1, b1 only.
    """

    def __init__(self, a1=-0.2, b1=1.0, a2=0.1, b2=-1.0, S: int = 2, num_parameters: int = 1):
        if not isinstance(S, int) or isinstance(S, bool) or S < 1:
            raise ValueError(f"APL: S (the number of hinges) must be an int ≥ 1, got S={S!r}.")
        a = [a1, a2, *[0.0] * (S - 2)][:S]
        b = [b1, b2, *[float((s // 2 + 1) * (-1) ** s) for s in range(2, S)]][:S]
        super().__init__(
            {f"{k}{s + 1}": v[s] for s in range(S) for k, v in (("a", a), ("b", b))}, num_parameters
        )
        self.S = S

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        params = [getattr(self, f"{k}{s}") for s in range(1, self.S + 1) for k in ("a", "b")]
        return _at_compute_precision(_apl_any, x, *params)

    def extra_repr(self) -> str:
        return f"S={self.S}, num_parameters={self.num_parameters}"


def _step(z):
    """1 for z > 0, else 0: torch.relu's derivative, with 0 at z = 0."""
    return sympy.Piecewise((1, z > 0), (0, True))


def _hinge(z):
    return sympy.Piecewise((0, z <= 0), (z, True))


REGISTRY.add(
    Activation(
        name="apl",
        title="APL (adaptive piecewise linear unit)",
        family="relu-like",
        summary="max(0, x) + Σₛ aₛ·max(0, bₛ − x): ReLU plus S learnable hinges (S = 2 here), per channel.",
        forward=apl,
        derivative_fn=apl_derivative,
        params={
            "a1": Param(-0.2, _number_or_channels, _CHANNELS, a1, "slope change of hinge 1 (learnable)"),
            "b1": Param(1.0, _number_or_channels, _CHANNELS, b1, "position of hinge 1 (learnable)"),
            "a2": Param(0.1, _number_or_channels, _CHANNELS, a2, "slope change of hinge 2 (learnable)"),
            "b2": Param(-1.0, _number_or_channels, _CHANNELS, b2, "position of hinge 2 (learnable)"),
        },
        expr=_hinge(x) + a1 * _hinge(b1 - x) + a2 * _hinge(b2 - x),
        derivative_expr=_step(x) - a1 * _step(b1 - x) - a2 * _step(b2 - x),
        conventions="apl(+inf) = +inf; apl(−inf) = −inf·(a1 + a2 < 0 ? 1 : −1), or a1·b1 + a2·b2 when "
        "a1 + a2 = 0; nan → nan. Every hinge takes torch.relu's subgradient 0 at its own kink.",
        properties=Properties(
            range=(-sympy.oo, sympy.oo),
            monotonic=True,
            smoothness="C0",
            notes=(
                "at the initial values: slopes 0.1, 0.2, 1.2 and 1 from left to right, f(0) = −0.2; training "
                "can make the unit non-monotonic (for x < 0 the slope is −Σ aₛ over the hinges bₛ > x)",
            ),
        ),
        kinks=(
            Kink(at=sympy.Integer(0), grad=-a1 * _step(b1) - a2 * _step(b2), note="max(0, x) gives 0."),
            Kink(at=b1, grad=_step(b1) - a2 * _step(b2 - b1), note="hinge 1 gives 0: the right slope."),
            Kink(at=b2, grad=_step(b2) - a1 * _step(b1 - b2), note="hinge 2 gives 0: the right slope."),
        ),
        paper=Paper(
            authors="Agostinelli, Hoffman, Sadowski, Baldi",
            year=2014,
            title="Learning Activation Functions to Improve Deep Neural Networks",
            url="https://arxiv.org/abs/1412.6830",
            venue="ICLR 2015 workshop",
        ),
        init=Init(
            "kaiming",
            _APL_GAIN,
            "gain 1/√E[f(Z)²] for Z ~ N(0, 1) at the initial hinges (E = 0.5450): He's variance-preserving "
            "criterion at unit input scale",
        ),
        module_factory=APL,
        extra={
            "learnable": ("a1", "b1", "a2", "b2"),
            "module_params": ("S", "num_parameters"),
        },
        plot_range=(-3.0, 3.0),
        related=("relu", "prelu", "srelu", "maxout"),
    )
)
