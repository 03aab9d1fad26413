"""actref.fast: every implementation of every elementwise spec agrees with the reference spec(x)."""

import json
import math
import shutil

import pytest
import torch

import actref
from actref import fast

ELEMENTWISE = [s for s in actref.all_specs() if s.elementwise and s.derivative_fn is not None]
VECTOR = [s for s in actref.all_specs() if not s.elementwise]
IDS = [s.name for s in ELEMENTWISE]


def _value_and_grad(fn, x):
    x = x.detach().clone().requires_grad_(True)
    y = fn(x)
    (g,) = torch.autograd.grad(y.sum(), x)
    return y.detach(), g


def _assert_close(actual, expected, rtol, atol, what):
    assert actual.shape == expected.shape and actual.dtype == expected.dtype, what
    assert torch.equal(actual.isnan(), expected.isnan()), f"{what}: nan positions differ"
    inf = expected.isinf()
    assert torch.equal(actual[inf], expected[inf]) and torch.equal(actual.isinf(), inf), (
        f"{what}: inf differs"
    )
    torch.testing.assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=True, msg=what)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["fp64", "fp32"])
@pytest.mark.parametrize("spec", ELEMENTWISE, ids=IDS)
def test_lean_and_eager_match_reference(spec, dtype):
    # Values everywhere (±inf and nan included), gradients at every finite probe point (extremes included).
    merged = fast.bind(spec, {})
    x = fast.probe_inputs(spec, merged, dtype)
    ref_y, ref_g = _value_and_grad(lambda t: spec(t, **merged), x)
    finite = x.isfinite()
    rtol, atol = (1e-9, 1e-12) if dtype == torch.float64 else (2e-5, 1e-6)
    for impl in ("eager", "lean"):
        fn = fast.implementations(spec, include_compiled=False)[impl]
        y, g = _value_and_grad(fn, x)
        # Same code, so the same values bit for bit.
        assert torch.equal(y.isnan(), ref_y.isnan()) and torch.equal(y[~y.isnan()], ref_y[~ref_y.isnan()]), (
            impl
        )
        _assert_close(g[finite], ref_g[finite], rtol, atol, f"{spec.name} {impl} gradient")


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["fp64", "fp32"])
@pytest.mark.parametrize("spec", [s for s in ELEMENTWISE if s.builtin is not None], ids=lambda s: s.name)
def test_builtin_matches_reference_on_ordinary_inputs(spec, dtype):
    # Built-ins may differ at ±inf, nan and overflow (documented in builtin_differences); best() probes those.
    merged = fast.bind(spec, {})
    x = fast.probe_inputs(spec, merged, dtype)
    x = x[x.isfinite() & (x.abs() <= 1e4)]
    ref_y, ref_g = _value_and_grad(lambda t: spec(t, **merged), x)
    y, g = _value_and_grad(fast.implementations(spec, include_compiled=False)["builtin"], x)
    rtol, atol = (1e-7, 1e-10) if dtype == torch.float64 else (2e-5, 1e-6)
    _assert_close(y, ref_y, rtol, atol, f"{spec.name} builtin value")
    _assert_close(g, ref_g, rtol, atol, f"{spec.name} builtin gradient")


@pytest.mark.parametrize("spec", ELEMENTWISE, ids=IDS)
def test_lean_bf16_rounds_once_like_reference(spec):
    x = torch.randn(257, dtype=torch.bfloat16) * 4
    lean = fast.implementations(spec, include_compiled=False)["lean"]
    y, g = _value_and_grad(lean, x)
    assert y.dtype == g.dtype == torch.bfloat16
    assert torch.equal(y, spec(x))
    expected = (torch.ones(257) * spec.derivative(x.float())).to(torch.bfloat16)
    assert torch.equal(g, expected)


def test_lean_saves_only_the_input():
    spec = actref.get("silu")
    lean = fast.implementations(spec, include_compiled=False)["lean"]
    x = torch.randn(1000, requires_grad=True)
    saved = []
    with torch.autograd.graph.saved_tensors_hooks(lambda t: saved.append(t) or t, lambda t: t):
        lean(x)
    assert len(saved) == 1 and saved[0].shape == x.shape and saved[0].data_ptr() == x.data_ptr()


@pytest.mark.skipif(
    shutil.which("cc") is None and shutil.which("gcc") is None,
    reason="torch.compile needs a C compiler on the CPU",
)
def test_compiled_implementations_match_reference():
    # Compiling takes seconds per function on the CPU, so one representative spec (a stable, gated one).
    spec = actref.get("silu")
    merged = fast.bind(spec, {})
    impls = fast.implementations(spec, include_compiled=True)
    for impl in fast.COMPILED_IMPLS:
        assert fast.agrees_with_reference(spec, impls[impl], merged), impl


# --------------------------------------------------------------------------- best() and module(fast=True)
@pytest.mark.parametrize("spec", ELEMENTWISE, ids=IDS)
def test_best_without_measurements_is_exact(spec, tmp_path):
    chosen = fast.best(spec, device_type="cpu", results=tmp_path / "none.json")
    assert chosen.impl in ("builtin", "lean")
    assert fast.agrees_with_reference(spec, chosen, fast.bind(spec, {}))


def _write_rows(path, name, times):
    rows = [
        {"activation": name, "impl": impl, "dtype": "float32", "device": "cpu", "fwd_bwd_ms": ms}
        for impl, ms in times.items()
    ]
    path.write_text(json.dumps({"provenance": {}, "rows": rows}))
    return path


def test_best_follows_measurements(tmp_path):
    path = _write_rows(tmp_path / "r.json", "relu", {"builtin": 3.0, "eager": 9.0, "lean": 1.0})
    assert fast.best("relu", device_type="cpu", results=path).impl == "lean"
    path = _write_rows(tmp_path / "r2.json", "relu", {"builtin": 1.0, "lean": 2.0})
    assert fast.best("relu", device_type="cpu", results=path).impl == "builtin"
    # Measurements from another device type are ignored.
    assert fast.best("relu", device_type="cuda", results=path).reason.startswith("no cuda measurements")


def test_best_can_refuse_compiled(tmp_path):
    path = _write_rows(tmp_path / "r.json", "relu", {"compiled": 0.5, "lean_compiled": 0.6, "builtin": 1.0})
    assert fast.best("relu", device_type="cpu", results=path).impl == "compiled"  # chosen, compiled lazily
    assert fast.best("relu", device_type="cpu", results=path, allow_compiled=False).impl == "builtin"


def test_best_skips_an_inexact_builtin(tmp_path):
    # F.silu(−inf) is nan; the limit is 0, so the fastest measured built-in is not taken.
    path = _write_rows(tmp_path / "r.json", "silu", {"builtin": 1.0, "eager": 5.0, "lean": 3.0})
    chosen = fast.best("silu", device_type="cpu", results=path)
    assert chosen.impl == "lean"
    assert chosen(torch.tensor([-math.inf])).item() == 0.0


def test_best_binds_parameters():
    spec = actref.get("leaky_relu")
    chosen = fast.best(spec, device_type="cpu", results=None, negative_slope=0.2)
    x = torch.linspace(-3, 3, 61)
    torch.testing.assert_close(chosen(x), spec(x, negative_slope=0.2))


def _other_valid_params(spec):
    """Each numeric parameter moved away from its default, if the spec accepts that; else the defaults."""
    params = {}
    for key, p in spec.params.items():
        if isinstance(p.default, float) and p.symbol is not None:
            params[key] = p.default * 1.25 + 0.1
    try:
        spec.resolve(params)
    except (TypeError, ValueError):
        return {}
    return params


@pytest.mark.parametrize("spec", [s for s in ELEMENTWISE if s.module_factory is None], ids=lambda s: s.name)
def test_module_fast_matches_reference_with_parameters_bound(spec):
    params = _other_valid_params(spec)
    x = torch.randn(4, 33) * 3
    module = spec.module(fast=True, **params)
    assert module._fn.impl in fast.IMPLS
    torch.testing.assert_close(module(x), spec(x, **params), rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize("spec", VECTOR, ids=lambda s: s.name)
def test_vector_specs_fall_back_to_the_reference_forward(spec):
    chosen = fast.best(spec)
    assert chosen.impl == "eager" and "not elementwise" in chosen.reason
    if spec.module_factory is None:
        x = torch.randn(3, 12)
        torch.testing.assert_close(spec.module(fast=True)(x), spec(x))


def test_learnable_tensor_parameters_are_refused():
    spec = next(s for s in ELEMENTWISE if any(isinstance(p.default, float) for p in s.params.values()))
    key = next(k for k, p in spec.params.items() if isinstance(p.default, float))
    with pytest.raises((ValueError, TypeError), match=key):
        fast.best(spec, **{key: torch.tensor(spec.params[key].default, requires_grad=True)})


def test_implementation_rejects_integer_input():
    with pytest.raises(TypeError, match="floating-point"):
        fast.best("relu", device_type="cpu")(torch.arange(3))
