"""torch.nn.Module wrappers: one generic module for any spec, plus the learnable ones (PReLU, RReLU)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

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
