"""Self-gated smooth activations: x times a gate computed from x itself (SiLU, GELU, Mish, ...)."""

import sympy
import torch

from actref.registry import REGISTRY, Activation, Init, Paper, Param, Properties
from actref.symbolic import sigmoid as sym_sigmoid
from actref.symbolic import x

beta = sympy.Symbol("beta", positive=True)


def silu(x: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    # x·σ(βx) is −inf·0 = nan at x = −inf; the limit there is 0.
    y = x * torch.sigmoid(beta * x)
    return torch.where(x == -torch.inf, 0.0, y)


def silu_derivative(x: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    s = torch.sigmoid(beta * x)
    # σ(βx) + βx·σ(βx)σ(−βx); at ±inf the second term is ±inf·0, whose limit is 0.
    d = s + beta * x * s * torch.sigmoid(-beta * x)
    return torch.where(x.isinf(), s, d)


def _silu_builtin(x: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    # F.silu has no β; for β ≠ 1, SiLU_β(x) = silu(βx)/β.
    return torch.nn.functional.silu(x) if beta == 1.0 else torch.nn.functional.silu(beta * x) / beta


REGISTRY.add(
    Activation(
        name="silu",
        title="SiLU / Swish",
        family="gated",
        aliases=("swish", "swish-1", "swish1", "sil"),
        summary="x·σ(βx): a smooth, non-monotonic ReLU-like unit found by automated search (β = 1 is SiLU).",
        forward=silu,
        derivative_fn=silu_derivative,
        params={
            "beta": Param(1.0, lambda v: v > 0, "beta > 0", beta, "gate sharpness; β → ∞ gives ReLU"),
        },
        expr=x * sym_sigmoid(beta * x),
        derivative_expr=sym_sigmoid(beta * x)
        + beta * x * sym_sigmoid(beta * x) * (1 - sym_sigmoid(beta * x)),
        builtin=_silu_builtin,
        builtin_code="torch.nn.functional.silu(x)",
        builtin_differences="F.silu(−inf) is nan (−inf·0); ours returns the limit 0.",
        properties=Properties(
            range=(sympy.Float(-0.27846454276107380), sympy.oo),
            range_closed=(True, False),
            monotonic=False,
            smoothness="C∞",
            zero_centred=False,
            saturates=("negative",),
            self_gated=True,
            minimum=(-1.2784645427610738, -0.27846454276107380),
        ),
        paper=Paper(
            authors="Ramachandran, Zoph, Le",
            year=2017,
            title="Searching for Activation Functions",
            url="https://arxiv.org/abs/1710.05941",
        ),
        init=Init("kaiming", 2**0.5, "ReLU-like for x > 0; He initialisation is the common choice"),
        plot_range=(-6.0, 6.0),
        related=("gelu", "mish", "quick_gelu", "hardswish", "swiglu"),
    )
)
