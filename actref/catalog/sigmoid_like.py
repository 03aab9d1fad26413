"""Sigmoid-shaped activations: bounded, smooth, saturating on both sides."""

import sympy
import torch

from actref.registry import REGISTRY, Activation, Init, Paper, Properties
from actref.symbolic import sigmoid as sym_sigmoid
from actref.symbolic import x


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    # Each branch only sees its own half-line (the other half is replaced by 0, NaN is kept), so neither
    # exp can overflow and autograd never meets 0·inf.
    xp, xn = torch.where(x < 0, 0.0, x), torch.where(x > 0, 0.0, x)
    pos = 1 / (1 + torch.exp(-xp))
    e = torch.exp(xn)
    neg = e / (1 + e)
    return torch.where(x >= 0, pos, neg)


def sigmoid_derivative(x: torch.Tensor) -> torch.Tensor:
    # σ(x)·σ(−x) equals σ(1 − σ) but keeps full relative accuracy in both tails.
    return torch.sigmoid(x) * torch.sigmoid(-x)


REGISTRY.add(
    Activation(
        name="sigmoid",
        title="Sigmoid (logistic)",
        family="sigmoid-like",
        aliases=("logistic", "sigm"),
        summary="Squashes any real number into (0, 1); today mostly an output or gating function.",
        forward=sigmoid,
        derivative_fn=sigmoid_derivative,
        expr=sym_sigmoid(x),
        derivative_expr=sym_sigmoid(x) * (1 - sym_sigmoid(x)),
        builtin=torch.sigmoid,
        builtin_code="torch.sigmoid(x)",
        properties=Properties(
            range=(sympy.Integer(0), sympy.Integer(1)),
            monotonic=True,
            smoothness="C∞",
            zero_centred=False,
            saturates=("negative", "positive"),
        ),
        paper=Paper(
            authors="Rumelhart, Hinton, Williams",
            year=1986,
            title="Learning representations by back-propagating errors",
            url="https://doi.org/10.1038/323533a0",
            venue="Nature 323",
        ),
        init=Init(
            "xavier", 1.0, "Glorot & Bengio (2010) derived their scheme for symmetric saturating units"
        ),
        plot_range=(-8.0, 8.0),
        related=("tanh", "hardsigmoid", "logsigmoid", "softmax"),
    )
)


def tanh(x: torch.Tensor) -> torch.Tensor:
    # tanh(x) = −expm1(−2x) / (1 + exp(−2x)) for x ≥ 0: expm1 keeps tanh(1e-30) = 1e-30, and clamping each
    # branch to its own half-line keeps exp from overflowing (and autograd from producing 0·inf).
    xp, xn = torch.where(x < 0, 0.0, x), torch.where(x > 0, 0.0, x)
    pos = -torch.expm1(-2 * xp) / (1 + torch.exp(-2 * xp))
    neg = torch.expm1(2 * xn) / (1 + torch.exp(2 * xn))
    return torch.where(x >= 0, pos, neg)


def tanh_derivative(x: torch.Tensor) -> torch.Tensor:
    # 1 − tanh² cancels to 0 for |x| ≳ 19; 4σ(2x)σ(−2x) is the same number with full relative accuracy.
    return 4 * torch.sigmoid(2 * x) * torch.sigmoid(-2 * x)


REGISTRY.add(
    Activation(
        name="tanh",
        title="Tanh",
        family="sigmoid-like",
        aliases=("hyperbolic_tangent",),
        summary="A zero-centred sigmoid with range (−1, 1); the classic choice for RNN cells.",
        forward=tanh,
        derivative_fn=tanh_derivative,
        expr=sympy.tanh(x),
        derivative_expr=1 - sympy.tanh(x) ** 2,
        builtin=torch.tanh,
        builtin_code="torch.tanh(x)",
        properties=Properties(
            range=(sympy.Integer(-1), sympy.Integer(1)),
            monotonic=True,
            smoothness="C∞",
            zero_centred=True,
            saturates=("negative", "positive"),
        ),
        paper=Paper(
            authors="LeCun, Bottou, Orr, Müller",
            year=1998,
            title="Efficient BackProp",
            url="https://doi.org/10.1007/3-540-49430-8_2",
            venue="Neural Networks: Tricks of the Trade",
        ),
        init=Init("xavier", 5 / 3, "Glorot's scheme with torch's tanh gain 5/3"),
        plot_range=(-5.0, 5.0),
        related=("sigmoid", "hardtanh", "softsign", "tanhshrink"),
    )
)
