"""The identity: the "no activation" baseline that shows why non-linearity matters."""

import sympy
import torch

from actref.registry import REGISTRY, Activation, Init, Paper, Properties
from actref.symbolic import x


def identity(x: torch.Tensor) -> torch.Tensor:
    return x.clone()


def identity_derivative(x: torch.Tensor) -> torch.Tensor:
    return torch.where(x.isnan(), x, torch.ones_like(x))


REGISTRY.add(
    Activation(
        name="identity",
        title="Identity (linear)",
        family="linear",
        aliases=("linear", "none"),
        summary="f(x) = x: no non-linearity at all, the baseline that shows what activations are for.",
        forward=identity,
        derivative_fn=identity_derivative,
        expr=x,
        derivative_expr=sympy.Integer(1),
        builtin=torch.nn.Identity(),
        builtin_code="torch.nn.Identity()(x)",
        properties=Properties(
            range=(-sympy.oo, sympy.oo), monotonic=True, smoothness="C∞", zero_centred=True
        ),
        paper=Paper(
            authors="Saxe, McClelland, Ganguli",
            year=2013,
            title="Exact solutions to the nonlinear dynamics of learning in deep linear neural networks",
            url="https://arxiv.org/abs/1312.6120",
            venue="ICLR 2014",
        ),
        init=Init("xavier", 1.0, "a linear layer preserves variance with Glorot's gain of 1"),
        related=("relu", "leaky_relu"),
    )
)
