"""ReLU and its relatives: piecewise-linear units with kinks, plus squared ReLU and softplus."""

import sympy
import torch

from actref.catalog._checks import finite_real, positive
from actref.registry import REGISTRY, Activation, Init, Kink, Paper, Param, Properties
from actref.symbolic import sigmoid as sym_sigmoid
from actref.symbolic import x

beta = sympy.Symbol("beta", positive=True)

# Conditions are written so that NaN (for which every comparison is False) falls through to a branch that
# returns x itself: nan in, nan out.


def relu(x: torch.Tensor) -> torch.Tensor:
    return torch.where(x <= 0, 0.0, x)


def relu_derivative(x: torch.Tensor) -> torch.Tensor:
    # PyTorch's subgradient at 0 is 0.
    return torch.where(x <= 0, 0.0, torch.where(x.isnan(), x, 1.0))


REGISTRY.add(
    Activation(
        name="relu",
        title="ReLU",
        family="relu-like",
        aliases=("rectifier", "rectified_linear"),
        summary="max(0, x): cheap, non-saturating for x > 0, and the default hidden activation since 2012.",
        forward=relu,
        derivative_fn=relu_derivative,
        expr=sympy.Piecewise((0, x <= 0), (x, True)),
        derivative_expr=sympy.Piecewise((0, x <= 0), (1, True)),
        builtin=torch.relu,
        builtin_code="torch.relu(x)",
        properties=Properties(
            range=(sympy.Integer(0), sympy.oo),
            range_closed=(True, False),
            monotonic=True,
            smoothness="C0",
            zero_centred=False,
            saturates=("negative",),
        ),
        kinks=(Kink(at=sympy.Integer(0), grad=sympy.Integer(0)),),
        paper=Paper(
            authors="Nair, Hinton",
            year=2010,
            title="Rectified Linear Units Improve Restricted Boltzmann Machines",
            url="https://www.cs.toronto.edu/~hinton/absps/reluICML.pdf",
            venue="ICML",
        ),
        init=Init("kaiming", 2**0.5, "He et al. (2015): ReLU halves the variance, so the gain is √2"),
        related=("leaky_relu", "prelu", "relu6", "elu", "gelu", "squared_relu"),
    )
)


def relu6(x: torch.Tensor) -> torch.Tensor:
    # Nested where (not clamp) so that NaN falls through to x and the gradient is 0 at both kinks, as in torch.
    return torch.where(x <= 0, 0.0, torch.where(x >= 6, 6.0, x))


def relu6_derivative(x: torch.Tensor) -> torch.Tensor:
    # PyTorch's subgradient is 0 at both kinks (x = 0 and x = 6).
    inside = torch.where(x.isnan(), x, 1.0)
    return torch.where((x <= 0) | (x >= 6), 0.0, inside)


REGISTRY.add(
    Activation(
        name="relu6",
        title="ReLU6",
        family="relu-like",
        aliases=("relu_6", "bounded_relu"),
        summary="min(max(0, x), 6): ReLU capped at 6, whose bounded range suits low-precision (mobile) inference.",
        forward=relu6,
        derivative_fn=relu6_derivative,
        expr=sympy.Piecewise((0, x <= 0), (6, x >= 6), (x, True)),
        derivative_expr=sympy.Piecewise((0, (x <= 0) | (x >= 6)), (1, True)),
        builtin=torch.nn.functional.relu6,
        builtin_code="torch.nn.functional.relu6(x)",
        builtin_differences="F.relu6(−0.0) is −0.0 (it clamps); ours is +0.0. They compare equal.",
        properties=Properties(
            range=(sympy.Integer(0), sympy.Integer(6)),
            range_closed=(True, True),
            monotonic=True,
            smoothness="C0",
            zero_centred=False,
            saturates=("negative", "positive"),
        ),
        kinks=(
            Kink(at=sympy.Integer(0), grad=sympy.Integer(0)),
            Kink(at=sympy.Integer(6), grad=sympy.Integer(0)),
        ),
        paper=Paper(
            authors="Krizhevsky",
            year=2010,
            title="Convolutional Deep Belief Networks on CIFAR-10",
            url="https://www.cs.toronto.edu/~kriz/conv-cifar10-aug2010.pdf",
            venue="unpublished technical report, University of Toronto",
        ),
        init=Init("kaiming", 2**0.5, "identical to ReLU below the cap, so He initialisation applies"),
        plot_range=(-3.0, 9.0),
        related=("relu", "hardtanh", "hardswish", "hardsigmoid"),
    )
)


a = sympy.Symbol("a", real=True)  # the slope for x < 0 (negative_slope, or PReLU's weight)


def leaky_relu(x: torch.Tensor, negative_slope: float = 0.01) -> torch.Tensor:
    # x <= 0 (not x < 0) so that autograd returns negative_slope at 0, as torch does.
    return torch.where(x <= 0, negative_slope * x, x)


def leaky_relu_derivative(x: torch.Tensor, negative_slope: float = 0.01) -> torch.Tensor:
    return torch.where(x <= 0, negative_slope, torch.where(x.isnan(), x, 1.0))


REGISTRY.add(
    Activation(
        name="leaky_relu",
        title="Leaky ReLU",
        family="relu-like",
        aliases=("leakyrelu", "lrelu", "leaky_rectifier"),
        summary="x for x > 0, a small slope (0.01) times x otherwise: ReLU whose negative side still passes gradient.",
        forward=leaky_relu,
        derivative_fn=leaky_relu_derivative,
        params={
            "negative_slope": Param(0.01, finite_real, "a finite real number", a, "slope for x ≤ 0"),
        },
        expr=sympy.Piecewise((a * x, x <= 0), (x, True)),
        derivative_expr=sympy.Piecewise((a, x <= 0), (1, True)),
        builtin=torch.nn.functional.leaky_relu,
        builtin_code="torch.nn.functional.leaky_relu(x, negative_slope=0.01)",
        properties=Properties(
            range=(-sympy.oo, sympy.oo),
            monotonic=True,
            smoothness="C0",
            zero_centred=False,
            saturates=(),
            notes=("monotonic for negative_slope ≥ 0; negative_slope = 1 is the identity",),
        ),
        kinks=(Kink(at=sympy.Integer(0), grad=a, note="torch returns negative_slope at 0."),),
        paper=Paper(
            authors="Maas, Hannun, Ng",
            year=2013,
            title="Rectifier Nonlinearities Improve Neural Network Acoustic Models",
            url="https://ai.stanford.edu/~amaas/papers/relu_hybrid_icml2013_final.pdf",
            venue="ICML Workshop on Deep Learning for Audio, Speech and Language Processing",
        ),
        init=Init(
            "kaiming",
            (2 / (1 + 0.01**2)) ** 0.5,
            "He et al. (2015): gain √(2/(1+a²)), torch.nn.init.calculate_gain('leaky_relu', 0.01)",
        ),
        related=("relu", "prelu", "rrelu", "elu"),
    )
)


def _prelu_weight_ok(v) -> bool:
    if isinstance(v, torch.Tensor):
        return v.is_floating_point() and v.dim() <= 1 and v.numel() >= 1
    return finite_real(v)


def prelu(x: torch.Tensor, weight: float | torch.Tensor = 0.25) -> torch.Tensor:
    # weight is one slope, or a tensor of C slopes: one per channel, where the channel dim is dim 1 (nn.PReLU).
    w = torch.as_tensor(weight, dtype=x.dtype, device=x.device)
    if w.numel() > 1:
        channels = x.shape[1] if x.dim() >= 2 else 1
        if w.numel() != channels:
            raise ValueError(
                f"prelu: weight has {w.numel()} slopes but x has {channels} channels (dim 1 of shape "
                f"{tuple(x.shape)}); use 1 slope or exactly {channels}."
            )
        w = w.reshape(-1, *([1] * (x.dim() - 2)))  # broadcast along dim 1
    # x <= 0 so that autograd returns the slope at 0, as torch does.
    return torch.where(x <= 0, w * x, x)


def prelu_derivative(x: torch.Tensor, weight: float | torch.Tensor = 0.25) -> torch.Tensor:
    w = torch.as_tensor(weight, dtype=x.dtype, device=x.device)
    if w.numel() > 1:
        channels = x.shape[1] if x.dim() >= 2 else 1
        if w.numel() != channels:
            raise ValueError(f"prelu: weight has {w.numel()} slopes but x has {channels} channels (dim 1).")
        w = w.reshape(-1, *([1] * (x.dim() - 2)))
    ones = torch.where(x.isnan(), x, 1.0)
    return torch.where(x <= 0, w, ones)


def _prelu_builtin(x: torch.Tensor, weight: float | torch.Tensor = 0.25) -> torch.Tensor:
    return torch.nn.functional.prelu(x, torch.as_tensor(weight, dtype=x.dtype, device=x.device).reshape(-1))


def _prelu_module(weight: float | torch.Tensor = 0.25, num_parameters: int = 1) -> torch.nn.Module:
    # A number gives num_parameters learnable slopes initialised to it (like nn.PReLU); a 1-D tensor gives
    # one slope per channel with those values.
    from actref.nn import PReLU

    if isinstance(weight, torch.Tensor):
        module = PReLU(num_parameters=weight.numel())
        with torch.no_grad():
            module.weight.copy_(weight.reshape(-1))
        return module
    return PReLU(num_parameters=num_parameters, init=weight)


REGISTRY.add(
    Activation(
        name="prelu",
        title="PReLU (parametric ReLU)",
        family="relu-like",
        aliases=("parametric_relu", "parametric_rectifier"),
        summary="Leaky ReLU whose negative slope is learned (per layer or per channel), initialised to 0.25.",
        forward=prelu,
        derivative_fn=prelu_derivative,
        params={
            "weight": Param(
                0.25,
                _prelu_weight_ok,
                "a finite real number, or a 1-D float tensor of 1 or C (channels, dim 1) slopes",
                a,
                "the learnable slope for x ≤ 0 (nn.PReLU's init is 0.25)",
            ),
        },
        expr=sympy.Piecewise((a * x, x <= 0), (x, True)),
        derivative_expr=sympy.Piecewise((a, x <= 0), (1, True)),
        builtin=_prelu_builtin,
        builtin_code="torch.nn.functional.prelu(x, torch.tensor([0.25], dtype=x.dtype))",
        properties=Properties(
            range=(-sympy.oo, sympy.oo),
            monotonic=True,
            smoothness="C0",
            zero_centred=False,
            saturates=(),
            notes=("properties at the initial slope 0.25; training may make the slope negative or > 1",),
        ),
        kinks=(Kink(at=sympy.Integer(0), grad=a, note="torch returns the slope (weight) at 0."),),
        paper=Paper(
            authors="He, Zhang, Ren, Sun",
            year=2015,
            title="Delving Deep into Rectifiers: Surpassing Human-Level Performance on ImageNet Classification",
            url="https://arxiv.org/abs/1502.01852",
            venue="ICCV",
        ),
        init=Init(
            "kaiming",
            (2 / (1 + 0.25**2)) ** 0.5,
            "He et al. (2015) derived the gain √(2/(1+a²)) for this very unit (a = 0.25 at init)",
        ),
        module_factory=_prelu_module,
        extra={"learnable": ("weight",), "module_params": ("num_parameters",)},
        related=("leaky_relu", "rrelu", "relu"),
    )
)


l_sym, u_sym = sympy.Symbol("l", positive=True), sympy.Symbol("u", positive=True)


def _rrelu_bounds(merged) -> None:
    if merged["lower"] > merged["upper"]:
        raise ValueError(
            f"rrelu: lower={merged['lower']!r} is greater than upper={merged['upper']!r}; "
            f"the slope is drawn from U(lower, upper), so lower must be a finite real number ≤ upper "
            f"and upper a finite real number ≥ lower."
        )


def rrelu(
    x: torch.Tensor, lower: float = 1 / 8, upper: float = 1 / 3, training: bool = False
) -> torch.Tensor:
    if training:
        # A fresh slope per element from U(lower, upper), as F.rrelu(..., training=True) draws.
        slope = torch.empty_like(x).uniform_(lower, upper)
    else:
        # Evaluation uses the mean slope, which makes RReLU a fixed leaky ReLU.
        slope = (lower + upper) / 2
    return torch.where(x <= 0, slope * x, x)


def rrelu_derivative(
    x: torch.Tensor, lower: float = 1 / 8, upper: float = 1 / 3, training: bool = False
) -> torch.Tensor:
    if training:
        raise ValueError(
            "rrelu: with training=True the slopes are random, so there is no analytic derivative; "
            "use training=False (the mean slope) or autograd on one sampled forward pass."
        )
    return torch.where(x <= 0, (lower + upper) / 2, torch.where(x.isnan(), x, 1.0))


def _is_bool(v) -> bool:
    return isinstance(v, bool)


def _rrelu_module(lower: float = 1 / 8, upper: float = 1 / 3, training: bool = False) -> torch.nn.Module:
    # The module's mode (.train() / .eval()) decides sampling, exactly like nn.RReLU; `training` is not used.
    from actref.nn import RReLU

    return RReLU(lower=lower, upper=upper)


REGISTRY.add(
    Activation(
        name="rrelu",
        title="RReLU (randomized leaky ReLU)",
        family="relu-like",
        aliases=("randomized_relu", "randomized_leaky_relu", "random_leaky_relu"),
        summary="Leaky ReLU whose slope is drawn from U(l, u) per element in training and is (l+u)/2 at test time.",
        forward=rrelu,
        derivative_fn=rrelu_derivative,
        params={
            "lower": Param(
                1 / 8, finite_real, "a finite real number ≤ upper", l_sym, "lower bound of the slope"
            ),
            "upper": Param(
                1 / 3, finite_real, "a finite real number ≥ lower", u_sym, "upper bound of the slope"
            ),
            "training": Param(
                False, _is_bool, "True or False", None, "sample random slopes (True) or use (l+u)/2 (False)"
            ),
        },
        expr=sympy.Piecewise(((l_sym + u_sym) / 2 * x, x <= 0), (x, True)),
        derivative_expr=sympy.Piecewise(((l_sym + u_sym) / 2, x <= 0), (1, True)),
        builtin=torch.nn.functional.rrelu,
        builtin_code="torch.nn.functional.rrelu(x, lower=1/8, upper=1/3, training=False)",
        builtin_differences="Compared in evaluation mode (training=False); training mode is random in both.",
        properties=Properties(
            range=(-sympy.oo, sympy.oo),
            monotonic=True,
            smoothness="C0",
            zero_centred=False,
            saturates=(),
            notes=("the formula and properties are the deterministic evaluation mode, slope (l+u)/2",),
        ),
        kinks=(
            Kink(
                at=sympy.Integer(0),
                grad=(l_sym + u_sym) / 2,
                note="In evaluation mode; in training mode, the sampled slope.",
            ),
        ),
        paper=Paper(
            authors="Xu, Wang, Chen, Li",
            year=2015,
            title="Empirical Evaluation of Rectified Activations in Convolutional Network",
            url="https://arxiv.org/abs/1505.00853",
        ),
        init=Init(
            "kaiming",
            (2 / (1 + (11 / 48) ** 2)) ** 0.5,
            "He's gain √(2/(1+a²)) with the mean slope a = (l+u)/2 = 11/48",
        ),
        module_factory=_rrelu_module,
        extra={"cross_check": _rrelu_bounds},
        related=("leaky_relu", "prelu", "relu"),
    )
)


def squared_relu(x: torch.Tensor) -> torch.Tensor:
    r = torch.where(x <= 0, 0.0, x)
    # r·r overflows to inf for x > √(max float) (≈1.8e19 in float32): then the true value is not representable.
    return r * r


def squared_relu_derivative(x: torch.Tensor) -> torch.Tensor:
    return torch.where(x <= 0, 0.0, 2 * x)


def _squared_relu_builtin(x: torch.Tensor) -> torch.Tensor:
    # torch has no squared-ReLU op; this is the idiomatic two-op composition.
    return torch.relu(x).square()


REGISTRY.add(
    Activation(
        name="squared_relu",
        title="Squared ReLU",
        family="relu-like",
        aliases=("relu_squared", "relu2", "relu_sq"),
        summary="relu(x)²: found by architecture search for Transformer feed-forward layers (Primer).",
        forward=squared_relu,
        derivative_fn=squared_relu_derivative,
        expr=sympy.Piecewise((0, x <= 0), (x**2, True)),
        derivative_expr=sympy.Piecewise((0, x <= 0), (2 * x, True)),
        builtin=_squared_relu_builtin,
        builtin_code="torch.relu(x).square()",
        builtin_differences=(
            "torch has no squared-ReLU op: spec.builtin is the composition torch.relu(x).square() of two "
            "built-ins, not a fused kernel."
        ),
        conventions="f(x) overflows to inf where x² exceeds the dtype's range (x > 1.8e19 in float32); "
        "its gradient 2x stays finite up to half the largest float.",
        properties=Properties(
            range=(sympy.Integer(0), sympy.oo),
            range_closed=(True, False),
            monotonic=True,
            smoothness="C1",
            zero_centred=False,
            saturates=("negative",),
            notes=("grows quadratically, so its gradient is unbounded",),
        ),
        paper=Paper(
            authors="So, Mańke, Liu, Dai, Shazeer, Le",
            year=2021,
            title="Primer: Searching for Efficient Transformers for Language Modeling",
            url="https://arxiv.org/abs/2109.08668",
            venue="NeurIPS",
        ),
        init=Init(
            "kaiming",
            2**0.5,
            "no scheme is derived for it (f is not positively homogeneous of degree 1, so no gain preserves "
            "variance at every scale); He initialisation as for ReLU is the usual starting point",
        ),
        plot_range=(-3.0, 3.0),
        related=("relu", "gelu", "swiglu", "reglu"),
    )
)


def softplus(x: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    z = beta * x
    # log(1 + e^z)/β = log1p(e^z)/β for z ≤ 0 and x + log1p(e^−z)/β for z > 0: each branch sees only its own
    # half-line (NaN is kept), so exp never overflows, βx overflowing to ±inf still gives x (or 0), and
    # autograd never meets 0·inf.
    positive = z > 0
    zn, zp = torch.where(positive, 0.0, z), torch.where(positive, z, 0.0)
    return torch.where(positive, x + torch.log1p(torch.exp(-zp)) / beta, torch.log1p(torch.exp(zn)) / beta)


def softplus_derivative(x: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    # σ(βx), computed by torch.sigmoid (accurate in both tails).
    return torch.sigmoid(beta * x)


# torch.nn.functional.softplus(x, beta, threshold=20) returns x itself where βx > threshold. The exact value is
# larger by log1p(e^{−βx})/β, most just above the cut-off: tests/test_catalog_relu_exponential.py measures it.
SOFTPLUS_THRESHOLD_GAP = 2.0611536e-9  # log1p(e^−20), in units of 1/β

REGISTRY.add(
    Activation(
        name="softplus",
        title="Softplus",
        family="relu-like",
        aliases=("smooth_relu", "smoothrelu"),
        summary="log(1 + e^{βx})/β: a smooth, strictly positive ReLU whose derivative is the logistic σ(βx).",
        forward=softplus,
        derivative_fn=softplus_derivative,
        params={
            "beta": Param(1.0, positive, "beta > 0 (finite)", beta, "sharpness; β → ∞ gives ReLU"),
        },
        expr=sympy.log(1 + sympy.exp(beta * x)) / beta,
        derivative_expr=sym_sigmoid(beta * x),
        builtin=torch.nn.functional.softplus,
        builtin_code="torch.nn.functional.softplus(x, beta=1.0)",
        builtin_differences=(
            "torch's F.softplus has a `threshold` argument (default 20) and returns x itself where βx > "
            "threshold, so its f jumps by log1p(e^{−20})/β = 2.06e-9/β at x = 20/β (1.03e-10 relative), and its "
            "f′ is exactly 1 there instead of σ(20) = 1 − 2.06e-9. We compute the exact function everywhere. "
            "torch accepts beta ≤ 0; we raise ValueError."
        ),
        conventions="softplus(−inf) = 0, softplus(+inf) = inf, nan → nan; f(x) = x if βx overflows.",
        properties=Properties(
            range=(sympy.Integer(0), sympy.oo),
            range_closed=(False, False),
            monotonic=True,
            smoothness="C∞",
            zero_centred=False,
            saturates=("negative",),
            notes=("Always above ReLU, by at most log(2)/β (at x = 0).",),
        ),
        extra={"builtin_abs_gap": SOFTPLUS_THRESHOLD_GAP},
        paper=Paper(
            authors="Dugas, Bengio, Bélisle, Nadeau, Garcia",
            year=2001,
            title="Incorporating Second-Order Functional Knowledge for Better Option Pricing",
            url="https://www.cirano.qc.ca/en/summaries/2002s-46",
            venue="Advances in Neural Information Processing Systems 13",
        ),
        init=Init("kaiming", 2**0.5, "ReLU-like away from 0, so He initialisation is the common choice"),
        plot_range=(-5.0, 5.0),
        related=("relu", "logsigmoid", "mish", "elu"),
    )
)
