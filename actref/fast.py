"""Fast implementations of every elementwise activation, and `best()`, which picks one per spec.

For a spec, `implementations(spec, **params)` returns up to five callables with the same semantics:

- ``builtin``: the spec's torch built-in, where one exists;
- ``eager``: actref's from-scratch forward, run op by op (autograd saves every intermediate it needs);
- ``compiled``: the same forward through ``torch.compile`` (fused into one kernel each way on a GPU);
- ``lean``: a memory-lean ``torch.autograd.Function`` built from the spec alone: the forward runs without
  autograd and saves only the input, the backward recomputes ``grad * spec.derivative_fn(x)``;
- ``lean_compiled``: the lean Function with its forward and backward each compiled into one kernel.

The lean Functions need nothing but ``spec.forward`` and ``spec.derivative_fn``, so a new elementwise spec gets
them with no extra code. 16-bit inputs are computed in float32 and rounded once, exactly as ``spec(x)`` does.
"""

from __future__ import annotations

import functools
import json
import math
import pathlib
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import torch

# The registry, not actref.catalog: the catalogue sits above nn (its PReLU and RReLU specs build nn modules)
# and nn above this module, so looking names up in the catalogue would close an import cycle.
from actref.registry import REGISTRY

if TYPE_CHECKING:
    from actref.registry import Activation

IMPLS = ("builtin", "eager", "compiled", "lean", "lean_compiled")
COMPILED_IMPLS = ("compiled", "lean_compiled")
RESULTS_DIR = pathlib.Path(__file__).resolve().parents[1] / "results"
_LOW_PRECISION = (torch.float16, torch.bfloat16)


def results_path(device_type: str) -> pathlib.Path:
    """The committed cost results for a device type: results/cost.json (cuda) or results/cost_<type>.json."""
    return RESULTS_DIR / ("cost.json" if device_type == "cuda" else f"cost_{device_type}.json")


# --------------------------------------------------------------------------- building blocks
def bind(spec: Activation, params: Mapping[str, Any]) -> dict[str, Any]:
    """Validate `params` for `spec` once and return them merged over the defaults."""
    merged = spec.resolve(params)
    for key, value in merged.items():
        if isinstance(value, torch.Tensor) and value.requires_grad:
            raise ValueError(
                f"{spec.name}: parameter {key} is a tensor that requires grad; actref.fast binds parameters as "
                f"constants, so it would get no gradient. Use spec.module() (learnable) or spec(x, ...) instead."
            )
    return merged


def _named(fn: Callable, name: str) -> Callable:
    """A copy of `fn` with its own code object named `name`.

    torch.compile caches compiled graphs on the code object, at most 8 per code object, so one shared wrapper
    compiled for 40 activations would silently fall back to eager after 8. A code object per activation
    avoids that, and the name shows up in profiles.
    """
    code = fn.__code__.replace(co_name=name, co_qualname=name)
    return types.FunctionType(code, fn.__globals__, name, fn.__defaults__, fn.__closure__)


def forward_at_compute_precision(spec: Activation, merged: Mapping[str, Any]) -> Callable:
    """x ↦ spec.forward(x, **merged), computing 16-bit inputs in float32 and rounding once (as spec(x) does)."""
    forward = functools.partial(spec.forward, **merged)

    def forward_fn(x: torch.Tensor) -> torch.Tensor:
        if x.dtype in _LOW_PRECISION:
            return forward(x.float()).to(x.dtype)
        return forward(x)

    return _named(forward_fn, f"{spec.name}_forward")


def backward_at_compute_precision(spec: Activation, merged: Mapping[str, Any]) -> Callable:
    """(x, grad) ↦ grad · f′(x), computing 16-bit inputs in float32 and rounding once."""
    if spec.derivative_fn is None:
        raise TypeError(f"{spec.name} has no elementwise derivative_fn, so it has no lean backward.")
    derivative = functools.partial(spec.derivative_fn, **merged)

    def backward_fn(x: torch.Tensor, grad: torch.Tensor) -> torch.Tensor:
        if x.dtype in _LOW_PRECISION:
            return (grad.float() * derivative(x.float())).to(grad.dtype)
        return grad * derivative(x)

    return _named(backward_fn, f"{spec.name}_backward")


class LeanFunction(torch.autograd.Function):
    """Saves only the input; the backward recomputes f′(x) from it.

    `forward_fn(x)` and `backward_fn(x, grad)` are the elementwise kernels (eager or compiled). Inside
    autograd.Function.forward autograd is off, so the forward records no intermediates.
    """

    @staticmethod
    def forward(ctx, x: torch.Tensor, forward_fn: Callable, backward_fn: Callable) -> torch.Tensor:
        ctx.backward_fn = backward_fn
        ctx.save_for_backward(x)
        return forward_fn(x)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        (x,) = ctx.saved_tensors
        return ctx.backward_fn(x, grad), None, None


def compile_fn(fn: Callable) -> Callable:
    """torch.compile(fn); `dynamic=None` lets it generalise to new shapes after the first recompile."""
    return torch.compile(fn, dynamic=None)


def implementations(
    spec: Activation | str, *, include_compiled: bool | None = None, **params: Any
) -> dict[str, Callable[[torch.Tensor], torch.Tensor]]:
    """Every implementation of `spec` with `params` bound, by name (see the module docstring).

    Compiled ones are included when `include_compiled` is true (default: when CUDA is available, since on the
    CPU compiling takes seconds per activation). Vector-valued specs have only ``builtin`` and ``eager``.
    """
    spec = REGISTRY.get(spec)
    merged = bind(spec, params)
    if include_compiled is None:
        include_compiled = torch.cuda.is_available()
    out: dict[str, Callable] = {}
    if spec.builtin is not None:
        out["builtin"] = functools.partial(spec.builtin, **merged)
    out["eager"] = functools.partial(spec, **merged)
    if not spec.elementwise or spec.derivative_fn is None:
        return out
    forward_fn = forward_at_compute_precision(spec, merged)
    backward_fn = backward_at_compute_precision(spec, merged)
    if include_compiled:
        out["compiled"] = compile_fn(forward_fn)
    out["lean"] = functools.partial(_apply_lean, forward_fn=forward_fn, backward_fn=backward_fn)
    if include_compiled:
        out["lean_compiled"] = functools.partial(
            _apply_lean, forward_fn=compile_fn(forward_fn), backward_fn=compile_fn(backward_fn)
        )
    return {k: out[k] for k in IMPLS if k in out}


def _apply_lean(x: torch.Tensor, forward_fn: Callable, backward_fn: Callable) -> torch.Tensor:
    return LeanFunction.apply(x, forward_fn, backward_fn)


# --------------------------------------------------------------------------- exactness probe
def probe_inputs(
    spec: Activation, merged: Mapping[str, Any], dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    """Inputs that separate an exact implementation from a sloppy one: a sweep, the kinks, extremes and specials."""
    finfo = torch.finfo(dtype)
    lo, hi = spec.plot_range
    values = [*torch.linspace(lo, hi, 201, dtype=torch.float64).tolist(), -30.0, 30.0, -100.0, 100.0]
    values += [1e30, -1e30, finfo.max / 1.2, -finfo.max / 1.2, finfo.tiny, -finfo.tiny, 1e-30, -1e-30]
    subs = spec.substitutions(**merged)
    for kink in spec.kinks:
        try:
            at = float(kink.at.subs(subs)) if hasattr(kink.at, "subs") else float(kink.at)
        except (TypeError, ValueError):
            continue
        values += [at, math.nextafter(at, -math.inf), math.nextafter(at, math.inf)]
    values = [v for v in values if math.isfinite(v) and abs(v) <= finfo.max]
    return torch.tensor([*values, 0.0, -0.0, math.inf, -math.inf, math.nan], dtype=dtype)


def _close(a: torch.Tensor, b: torch.Tensor, rtol: float, atol: float) -> bool:
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    a, b = a.double(), b.double()
    same_special = torch.equal(a.isnan(), b.isnan()) and torch.equal(a.isinf(), b.isinf())
    if not same_special or not torch.equal(a[a.isinf()], b[b.isinf()]):
        return False
    finite = a.isfinite()
    return bool(((a[finite] - b[finite]).abs() <= atol + rtol * b[finite].abs()).all())


def agrees_with_reference(
    spec: Activation, fn: Callable, merged: Mapping[str, Any], dtype: torch.dtype = torch.float32
) -> bool:
    """Whether `fn` matches spec(x) in value everywhere (±inf and nan included) and in gradient at finite x."""
    x = probe_inputs(spec, merged, dtype)
    rtol, atol = (1e-9, 1e-12) if dtype == torch.float64 else (2e-5, 1e-6)
    xr = x.clone().requires_grad_(True)
    xf = x.clone().requires_grad_(True)
    try:
        yr, yf = spec(xr, **merged), fn(xf)
        if not _close(yf.detach(), yr.detach(), rtol, atol):
            return False
        (gr,) = torch.autograd.grad(yr.sum(), xr)
        (gf,) = torch.autograd.grad(yf.sum(), xf)
    except (RuntimeError, TypeError, ValueError):
        return False
    finite = x.isfinite()
    return _close(gf[finite], gr[finite], rtol, atol)


# --------------------------------------------------------------------------- best
@dataclass(frozen=True)
class Implementation:
    """A chosen implementation: call it like the function. `impl` names it, `reason` says why it was chosen."""

    activation: str
    impl: str
    fn: Callable[[torch.Tensor], torch.Tensor]
    reason: str

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        if not isinstance(x, torch.Tensor) or not x.is_floating_point():
            raise TypeError(f"{self.activation} ({self.impl}) needs a floating-point tensor, got {x!r:.60}.")
        return self.fn(x)

    def __repr__(self) -> str:
        return f"<{self.activation}: {self.impl} ({self.reason})>"


@functools.lru_cache(maxsize=8)
def _load_rows(path: str, mtime_ns: int) -> tuple[dict, ...]:
    with open(path, encoding="utf-8") as f:
        return tuple(json.load(f).get("rows", ()))


def measured_ranking(name: str, device_type: str, path: pathlib.Path | None = None) -> list[str]:
    """Implementations of `name` measured on `device_type`, fastest fp32 forward+backward first ([] if none)."""
    path = results_path(device_type) if path is None else pathlib.Path(path)
    if not path.is_file():
        return []
    try:
        rows = _load_rows(str(path), path.stat().st_mtime_ns)
    except (OSError, ValueError):
        return []
    timed = [
        (r["fwd_bwd_ms"], r["impl"])
        for r in rows
        if r.get("activation") == name
        and r.get("dtype") == "float32"
        and str(r.get("device", "")).split(":")[0] == device_type
        and isinstance(r.get("fwd_bwd_ms"), int | float)
    ]
    return [impl for _, impl in sorted(timed)]


def best(
    spec: Activation | str,
    *,
    device_type: str | None = None,
    results: pathlib.Path | None = None,
    allow_compiled: bool = True,
    **params: Any,
) -> Implementation:
    """The fastest exact implementation of `spec` with `params` bound.

    Order of preference: the measured ranking in results/cost.json (cuda) or results/cost_cpu.json (cpu),
    fastest fp32 forward+backward first; without measurements, the built-in, then the lean Function. A built-in
    is only taken if it matches the reference in value (±inf and nan included) and gradient on a probe, since
    some differ (F.silu(−inf) is nan). `allow_compiled=False` skips the torch.compile'd ones (e.g. for code
    that captures CUDA graphs itself). Vector-valued specs have no scalar derivative and so no lean Function:
    for them best() returns the from-scratch forward, so `module(fast=True)` behaves as `fast=False`.
    """
    spec = REGISTRY.get(spec)
    merged = bind(spec, params)
    if not spec.elementwise or spec.derivative_fn is None:
        return Implementation(
            spec.name,
            "eager",
            functools.partial(spec, **merged),
            "not elementwise: no lean Function or cost measurement, so the from-scratch forward",
        )
    device_type = device_type or ("cuda" if torch.cuda.is_available() else "cpu")
    ranking = [
        r
        for r in measured_ranking(spec.name, device_type, results)
        if allow_compiled or r not in COMPILED_IMPLS
    ]
    reason = f"fastest exact fp32 fwd+bwd measured on {device_type}"
    if not ranking:
        ranking = ["builtin", "lean"]
        reason = f"no {device_type} measurements: built-in if exact, else lean"
    candidates = implementations(spec, include_compiled=any(r in COMPILED_IMPLS for r in ranking), **merged)
    for impl in ranking:
        fn = candidates.get(impl)
        if fn is None:
            continue
        if impl == "builtin" and not agrees_with_reference(spec, fn, merged):
            continue
        return Implementation(spec.name, impl, fn, reason)
    return Implementation(spec.name, "lean", candidates["lean"], "fallback: lean Function")
