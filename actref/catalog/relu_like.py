"""Piecewise-linear activations: ReLU and its relatives (kinks, no saturation on the right)."""

import sympy
import torch

from actref.registry import REGISTRY, Activation, Init, Kink, Paper, Properties
from actref.symbolic import x

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
