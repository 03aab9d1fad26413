"""torch.nn.Module wrappers: one generic module for any spec, plus the learnable ones (PReLU, RReLU)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

from actref import registry
from actref.registry import REGISTRY

if TYPE_CHECKING:
    from actref.registry import Activation


class ActivationModule(torch.nn.Module):
    """Applies `spec` with fixed parameters; `fast=True` uses actref.fast's implementation for the spec."""

    def __init__(self, spec: Activation, fast: bool = False, **params: Any):
        super().__init__()
        self.spec = spec
        self.params = dict(params)
        self.fast = fast
        self._fn = None
        if fast:
            from actref import fast as fast_impls

            self._fn = fast_impls.best(spec, **params)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self._fn is not None:
            return self._fn(x)
        return self.spec(x, **self.params)

    def extra_repr(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.spec.name}{'(fast)' if self.fast else ''}{', ' if args else ''}{args}"


class PReLU(torch.nn.Module):
    """PReLU with a learnable slope: one shared (num_parameters=1) or one per channel (dim 1), like nn.PReLU."""

    def __init__(self, num_parameters: int = 1, init: float = 0.25):
        super().__init__()
        if not isinstance(num_parameters, int) or isinstance(num_parameters, bool) or num_parameters < 1:
            raise ValueError(
                f"PReLU: num_parameters must be an int ≥ 1 (1, or the number of channels), got {num_parameters!r}."
            )
        self.num_parameters = num_parameters
        self.weight = torch.nn.Parameter(torch.full((num_parameters,), float(init)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        channels = x.shape[1] if x.dim() >= 2 else 1
        if self.num_parameters != 1 and self.num_parameters != channels:
            raise ValueError(
                f"PReLU has num_parameters={self.num_parameters} but the input has {channels} channels "
                f"(dim 1 of shape {tuple(x.shape)}); build it with num_parameters=1 or {channels}."
            )
        return REGISTRY.get("prelu")(x, weight=self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class RReLU(torch.nn.Module):
    """RReLU: random slopes from U(lower, upper) in train mode, the mean slope (lower+upper)/2 in eval mode."""

    def __init__(self, lower: float = 1 / 8, upper: float = 1 / 3):
        super().__init__()
        if lower > upper:
            raise ValueError(
                f"RReLU: lower={lower!r} is greater than upper={upper!r}; lower must be ≤ upper."
            )
        self.lower = lower
        self.upper = upper

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return REGISTRY.get("rrelu")(x, lower=self.lower, upper=self.upper, training=self.training)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}"


registry.default_module = ActivationModule  # what Activation.module() builds (see actref.registry)
