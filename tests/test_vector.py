"""Vector-valued activations (elementwise=False): softmax, log_softmax, maxout, the GLU family, CReLU.

Every test is parametrized over the registry's non-elementwise specs, so a new vector spec is tested without
new code; the one per-spec table is ANALYTIC_JACOBIANS (the Jacobian written from the documented formula),
and a test fails until a new spec has an entry there.
"""

from __future__ import annotations

import functools
import math

import entmax  # a test dependency (the `test` extra): missing, this module fails rather than skips
import mpmath
import pytest
import sympy
import torch

import actref
from actref.catalog.vector import i as i_sym
from actref.catalog.vector import n as n_sym
from actref.catalog.vector import xs

VECTOR = [s for s in actref.all_specs() if not s.elementwise]
IDS = [s.name for s in VECTOR]
DIMS = (0, 1, -1)
SHAPES = ((6,), (6, 12), (12, 6, 6))  # every size divisible by 2 and 3 (GLU halves, maxout k = 2 or 3)


def param_cases(spec) -> list[dict]:
    """The defaults, plus other valid values of the parameters that change the output's structure."""
    cases = [{}]
    if "k" in spec.params:
        cases += [{"k": 1}, {"k": 3}]
    return cases


CASES = [(s, p) for s in VECTOR for p in param_cases(s)]
CASE_IDS = [s.name + "".join(f"-{k}={v}" for k, v in p.items()) for s, p in CASES]


def random_input(shape, dtype=torch.float64, seed=0, scale=3.0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return (scale * torch.randn(shape, generator=g, dtype=torch.float64)).to(dtype)


def test_every_vector_activation_is_here():
    assert set(IDS) >= {"softmax", "log_softmax", "maxout", "glu", "reglu", "geglu", "swiglu", "crelu"}
    for spec in VECTOR:
        assert spec.derivative_fn is None and spec.derivative_latex_override, spec.name
        assert spec.params["dim"].default == -1, spec.name


# ------------------------------------------------------------------------------------------- vs the built-in
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize(("spec", "params"), CASES, ids=CASE_IDS)
def test_matches_builtin(spec, params, dtype):
    if spec.builtin is None:
        pytest.skip(f"torch has no {spec.name}")
    # The absolute tolerance scales with the output: a·g(b) inherits g's rounding error times |a|.
    rtol, eps = (1e-12, 2.0**-52) if dtype == torch.float64 else (1e-5, 2.0**-23)
    for seed, shape in enumerate(SHAPES):
        x = random_input(shape, dtype, seed)
        for dim in DIMS:
            if dim >= x.ndim:
                continue
            ours = spec(x, dim=dim, **{k: v for k, v in params.items() if k != "dim"})
            theirs = spec.builtin(x, **{**spec.defaults, **params, "dim": dim})
            assert ours.dtype == x.dtype and ours.shape == theirs.shape, (spec.name, shape, dim)
            atol = 16 * eps * max(1.0, theirs.abs().max().item())
            torch.testing.assert_close(ours, theirs, rtol=rtol, atol=atol)


@pytest.mark.parametrize("spec", VECTOR, ids=IDS)
def test_builtin_code_runs_and_matches(spec):
    if spec.builtin is None:
        pytest.skip(f"torch has no {spec.name}")
    x = random_input((4, 6))
    shown = eval(spec.builtin_code, {"torch": torch}, {"x": x})
    torch.testing.assert_close(shown, spec.builtin(x, **spec.defaults), rtol=0, atol=0)


# Output size along dim as a function of the input size, from each spec's documented notes.
def expected_size(spec, params, size: int) -> int:
    merged = {**spec.defaults, **params}
    if spec.name == "maxout":
        return size // merged["k"]
    if spec.name == "crelu":
        return 2 * size
    if spec.name in ("glu", "reglu", "geglu", "swiglu", "bilinear"):
        return size // 2
    return size


@pytest.mark.parametrize(("spec", "params"), CASES, ids=CASE_IDS)
def test_output_shape_and_dim(spec, params):
    x = random_input((6, 12, 6))
    for dim in (0, 1, 2, -1, -2, -3):
        y = spec(x, dim=dim, **params)
        shape = list(x.shape)
        shape[dim] = expected_size(spec, params, x.shape[dim])
        assert list(y.shape) == shape, (spec.name, dim)
        # Applying along `dim` is the same as moving that axis last and applying along -1.
        moved = spec(x.movedim(dim, -1), dim=-1, **params).movedim(-1, dim)
        torch.testing.assert_close(y, moved, rtol=0, atol=0)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
@pytest.mark.parametrize("spec", VECTOR, ids=IDS)
def test_dtype_in_is_dtype_out(spec, dtype):
    x = random_input((4, 6), torch.float32, scale=2.0).to(dtype)
    y = spec(x)
    assert y.dtype == dtype
    if dtype in (torch.float16, torch.bfloat16):  # computed in float32, rounded once
        torch.testing.assert_close(y, spec(x.float()).to(dtype), rtol=0, atol=0)


# ------------------------------------------------------------------------------------- the sympy formula
def _ncdf(z):
    """Φ(z) by mpmath, which does not cancel in the lower tail (1 + erf would). Its erfc overflows for
    |z| ≳ 1e150, where the asymptotic series φ(z)/|z|·(1 − 1/z² + 3/z⁴) is exact to the working precision."""
    if abs(z) < 1e10:
        return mpmath.ncdf(z)
    tail = mpmath.npdf(z) / abs(z) * (1 - 1 / z**2 + 3 / z**4)
    return tail if z < 0 else 1 - tail


# Named functions evaluated by mpmath directly, not through their exp/erf rewrites.
MPMATH_FUNCTIONS = {"Phi": _ncdf, "phi": mpmath.npdf, "sigmoid": lambda z: 1 / (1 + mpmath.exp(-z))}


@functools.cache
def sympy_reference(name: str, params: tuple, size: int, n_out: int):
    """mpmath functions (output_i(x_1..x_n), and ∂output_i/∂x_j) from the spec's sympy expression."""
    spec = actref.get(name)
    e = spec.expr.subs(spec.substitutions(**dict(params))).subs(n_sym, size)
    symbols = [sympy.Symbol(f"x{j}", real=True) for j in range(1, size + 1)]
    to_plain = {xs[j]: symbols[j - 1] for j in range(1, size + 1)}
    outputs, jacobian = [], []
    for idx in range(1, n_out + 1):
        ei = e.subs(i_sym, idx).doit().subs(to_plain)
        assert not ei.atoms(sympy.Indexed), (name, idx, ei)
        modules = [MPMATH_FUNCTIONS, "mpmath"]
        outputs.append(sympy.lambdify(symbols, ei, modules=modules))
        jacobian.append([sympy.lambdify(symbols, sympy.diff(ei, s), modules=modules) for s in symbols])
    return outputs, jacobian


def mp_truth(spec, params, x: torch.Tensor, n_out: int, dps: int = 50):
    """High-precision outputs and Jacobian of the sympy expression at the 1-D point x."""
    outputs, jacobian = sympy_reference(spec.name, tuple(sorted(params.items())), x.numel(), n_out)
    with mpmath.workdps(dps):
        vals = [mpmath.mpf(float(v)) for v in x.double()]
        y = [f(*vals) for f in outputs]
        jac = [[f(*vals) for f in row] for row in jacobian]
    return y, jac


def assert_close_mp(ours: float, truth, rtol: float, what: str):
    truth = float(truth) if abs(truth) < 1e308 else math.copysign(math.inf, truth)
    if abs(truth) < 2.2250738585072014e-308:  # not a normal double: the result may underflow
        assert abs(ours) < 1e-290, what
        return
    assert math.isfinite(ours), (what, ours, truth)
    assert abs(ours - truth) <= rtol * abs(truth), (what, ours, truth, abs(ours - truth) / abs(truth))


@pytest.mark.parametrize("size", [6, 12])
@pytest.mark.parametrize(("spec", "params"), CASES, ids=CASE_IDS)
def test_code_matches_sympy_formula_at_high_precision(spec, params, size):
    for seed in range(3):
        x = random_input((size,), seed=seed, scale=[1.0, 4.0, 15.0][seed])
        y = spec(x, **params)
        truth, _ = mp_truth(spec, params, x, y.numel())
        for idx, (ours, t) in enumerate(zip(y.tolist(), truth, strict=True)):
            assert_close_mp(ours, t, 1e-12, f"{spec.name} output {idx} at seed {seed}")


def test_geglu_stays_accurate_where_f_gelu_cancels():
    geglu = actref.get("geglu")
    for dtype, b, builtin_is_zero in ((torch.float32, -6.0, True), (torch.float64, -9.0, True)):
        x = torch.tensor([1.0, b], dtype=dtype)
        truth = b * mpmath.ncdf(b)
        assert_close_mp(geglu(x).item(), truth, 1e-5 if dtype == torch.float32 else 1e-12, f"geglu {b}")
        assert (geglu.builtin(x).item() == 0.0) == builtin_is_zero
    assert "cancels" in geglu.builtin_differences


def test_log_softmax_keeps_relative_accuracy_near_zero():
    # The documented difference: torch rounds −log1p(e^−50) ≈ −1.9e−22 to 0.
    x = torch.tensor([0.0, -50.0], dtype=torch.float64)
    truth = -mpmath.log1p(mpmath.exp(-50))
    ours = actref.get("log_softmax")(x)
    assert_close_mp(ours[0].item(), truth, 1e-14, "log_softmax([0, -50])[0]")
    assert torch.log_softmax(x, -1)[0].item() == 0.0


# --------------------------------------------------------------------------------------------- Jacobians
def _sigma(t):
    return torch.sigmoid(t)


def _gated_jacobian(x, gate, gate_derivative):
    a, b = x.chunk(2)
    return torch.cat([torch.diag(gate(b)), torch.diag(a * gate_derivative(b))], dim=1)


def _maxout_jacobian(x, k=2):
    groups = x.view(-1, k)
    is_max = groups == groups.amax(dim=1, keepdim=True)
    share = is_max.to(x.dtype) / is_max.sum(dim=1, keepdim=True)  # t tied maxima get 1/t each
    return torch.block_diag(*share)


def _simplex_jacobian(s):
    return torch.diag(s) - torch.outer(s, s) / s.sum()


def _phi(b):
    return torch.exp(-(b**2) / 2) / math.sqrt(2 * math.pi)


# The Jacobian of each spec, written from its derivative_latex_override (1-D x, default dim).
ANALYTIC_JACOBIANS = {
    "softmax": lambda x: (
        torch.diag(torch.softmax(x, 0)) - torch.outer(torch.softmax(x, 0), torch.softmax(x, 0))
    ),
    "log_softmax": lambda x: torch.eye(x.numel(), dtype=x.dtype) - torch.softmax(x, 0).expand(x.numel(), -1),
    "maxout": _maxout_jacobian,
    "glu": lambda x: _gated_jacobian(x, _sigma, lambda b: _sigma(b) * _sigma(-b)),
    "reglu": lambda x: _gated_jacobian(x, lambda b: b.clamp(min=0), lambda b: (b > 0).to(b.dtype)),
    "geglu": lambda x: _gated_jacobian(
        x, lambda b: b * torch.special.ndtr(b), lambda b: torch.special.ndtr(b) + b * _phi(b)
    ),
    "swiglu": lambda x: _gated_jacobian(
        x, lambda b: b * _sigma(b), lambda b: _sigma(b) * (1 + b * _sigma(-b))
    ),
    "crelu": lambda x: torch.cat([torch.diag((x > 0).to(x.dtype)), -torch.diag((x < 0).to(x.dtype))]),
    "bilinear": lambda x: _gated_jacobian(x, lambda b: b, torch.ones_like),
    "softmin": lambda x: (
        torch.outer(torch.softmax(-x, 0), torch.softmax(-x, 0)) - torch.diag(torch.softmax(-x, 0))
    ),
    "solu": lambda x: (
        torch.diag(torch.softmax(x, 0))
        + x[:, None]
        * (torch.diag(torch.softmax(x, 0)) - torch.outer(torch.softmax(x, 0), torch.softmax(x, 0)))
    ),
    # s_i = [p_i > 0] (sparsemax) or √p_i (1.5-entmax), with p from the entmax package: J = diag(s) − s sᵀ / Σ s.
    "sparsemax": lambda x: _simplex_jacobian((entmax.sparsemax(x, dim=0) > 0).to(x.dtype)),
    "entmax15": lambda x: _simplex_jacobian(entmax.entmax15(x, dim=0).sqrt()),
}


def autograd_jacobian(spec, x, **params):
    return torch.autograd.functional.jacobian(lambda v: spec(v, **params), x)


@pytest.mark.parametrize("spec", VECTOR, ids=IDS)
def test_has_analytic_jacobian(spec):
    assert spec.name in ANALYTIC_JACOBIANS, f"write {spec.name}'s Jacobian in ANALYTIC_JACOBIANS"


# Points with zeros and ties: the kinks of maxout (tied pieces), ReGLU (b = 0) and CReLU (x = 0).
KINK_POINTS = (
    [1.5, -0.7, 0.0, 0.0, 2.0, 2.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [-1.0, -1.0, 3.0, 0.0, -2.0, 0.5],
)


@pytest.mark.parametrize("spec", VECTOR, ids=IDS)
def test_jacobian_matches_documented_formula(spec):
    formula = ANALYTIC_JACOBIANS[spec.name]
    points = [random_input((size,), seed=seed) for seed in range(3) for size in (6, 12)]
    points += [torch.tensor(p, dtype=torch.float64) for p in KINK_POINTS]
    for x in points:
        torch.testing.assert_close(autograd_jacobian(spec, x), formula(x), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(("spec", "params"), CASES, ids=CASE_IDS)
def test_jacobian_matches_sympy_derivative(spec, params):
    for seed in range(2):
        x = random_input((6,), seed=seed + 10, scale=2.0)  # random: no ties, no zeros
        jac = autograd_jacobian(spec, x, **params)
        _, truth = mp_truth(spec, params, x, jac.shape[0])
        for r, row in enumerate(truth):
            for c, t in enumerate(row):
                what = f"{spec.name} d y{r} / d x{c}"
                if t == 0:
                    assert jac[r, c].item() == 0.0, what
                else:
                    assert_close_mp(jac[r, c].item(), t, 1e-12, what)


@pytest.mark.parametrize(("spec", "params"), CASES, ids=CASE_IDS)
def test_gradcheck_and_gradgradcheck(spec, params):
    # Random normal inputs have no ties (maxout) and no zeros (ReGLU, CReLU kinks) almost surely.
    for shape, dim in (((6,), -1), ((6, 12), 0), ((6, 12), 1)):
        x = random_input(shape, seed=3, scale=1.5).requires_grad_()
        fn = functools.partial(spec, dim=dim, **params)
        assert torch.autograd.gradcheck(fn, (x,))
        assert torch.autograd.gradgradcheck(fn, (x,))


def test_maxout_ties_split_the_gradient_evenly():
    maxout = actref.get("maxout")
    x = torch.tensor([1.0, 1.0, 0.5, -2.0], dtype=torch.float64, requires_grad=True)
    maxout(x).sum().backward()
    assert x.grad.tolist() == [0.5, 0.5, 1.0, 0.0]
    x3 = torch.tensor([2.0, 2.0, 2.0], dtype=torch.float64, requires_grad=True)
    maxout(x3, k=3).sum().backward()
    torch.testing.assert_close(x3.grad, torch.full((3,), 1 / 3, dtype=torch.float64))
    # The documented difference: max(...).values sends the whole gradient to one of the tied inputs.
    y = torch.tensor([1.0, 1.0], dtype=torch.float64, requires_grad=True)
    y.unflatten(-1, (-1, 2)).max(-1).values.sum().backward()
    assert sorted(y.grad.tolist()) == [0.0, 1.0]


# ------------------------------------------------------------------------------ softmax / log_softmax laws
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_softmax_rows_sum_to_one_and_shift_invariance(dtype):
    softmax, log_softmax = actref.get("softmax"), actref.get("log_softmax")
    x = random_input((5, 6, 12), dtype, seed=7, scale=10.0)
    tol = 1e-14 if dtype == torch.float64 else 1e-6
    for dim in (0, 1, 2, -1):
        s = softmax(x, dim=dim)
        assert (s >= 0).all() and (s <= 1).all()
        torch.testing.assert_close(s.sum(dim), torch.ones_like(s.sum(dim)), rtol=0, atol=10 * tol)
        torch.testing.assert_close(
            log_softmax(x, dim=dim).exp().sum(dim), torch.ones_like(s.sum(dim)), rtol=0, atol=10 * tol
        )
        for spec in (softmax, log_softmax):
            for shift in (-1e3, 7.25, 1e3):
                torch.testing.assert_close(
                    spec(x + shift, dim=dim), spec(x, dim=dim), rtol=100 * tol, atol=tol
                )


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_all_minus_inf_row_is_nan_as_documented(name):
    spec = actref.get(name)
    x = torch.tensor([[-math.inf] * 3, [0.0, -math.inf, 1.0]], dtype=torch.float64)
    y = spec(x)
    assert y[0].isnan().all() and spec.builtin(x, dim=-1)[0].isnan().all()
    assert "all −inf" in spec.builtin_differences
    # A −inf logit among finite ones is a probability 0 (log-probability −inf), not nan.
    torch.testing.assert_close(y[1], spec.builtin(x, dim=-1)[1])
    assert not y[1].isnan().any()


# ---------------------------------------------------------------------------------------------- extremes
def extreme_points(large: float, size: int = 6):
    """1-D points mixing ±large with ordinary values, all distinct (no maxout ties)."""
    values = [large, -large, 0.5 * large, -0.25 * large, 1.5, -2.5]
    g = torch.Generator().manual_seed(0)
    return [torch.tensor(values, dtype=torch.float64)[torch.randperm(size, generator=g)] for _ in range(4)]


@pytest.mark.parametrize(("dtype", "large"), [(torch.float32, 1e30), (torch.float64, 1e300)])
@pytest.mark.parametrize(("spec", "params"), CASES, ids=CASE_IDS)
def test_extreme_logits_finite_where_true_value_is(spec, params, dtype, large):
    """Outputs and gradients are finite (and right) wherever the true value is representable in dtype."""
    biggest = torch.finfo(dtype).max / 2
    rtol = 1e-12 if dtype == torch.float64 else 1e-5
    g = torch.Generator().manual_seed(1)
    for x64 in extreme_points(large):
        x = x64.to(dtype).requires_grad_()
        y = spec(x, **params)
        cotangent = torch.rand(y.shape, generator=g, dtype=torch.float64).to(dtype)
        (grad,) = torch.autograd.grad(y, x, cotangent)
        truth, jac = mp_truth(spec, params, x.detach().double(), y.numel(), dps=60)
        for idx, t in enumerate(truth):
            if abs(t) < biggest:
                what = f"{spec.name}({x.tolist()})[{idx}]"
                assert torch.isfinite(y[idx]), what
                if abs(t) > 1e-30:
                    assert abs(y[idx].item() - float(t)) <= rtol * abs(float(t)) + 1e-300, (what, y[idx], t)
        with mpmath.workdps(60):
            true_grad = [
                sum(mpmath.mpf(cotangent[r].item()) * jac[r][c] for r in range(len(jac))) for c in range(6)
            ]
        for c, t in enumerate(true_grad):
            if abs(t) < biggest:
                assert torch.isfinite(grad[c]), (spec.name, x.tolist(), c, grad[c], t)


# ---------------------------------------------------------------------------------- special inputs: nan, inf
@pytest.mark.parametrize(("spec", "params"), CASES, ids=CASE_IDS)
def test_nan_reaches_exactly_the_outputs_that_depend_on_it(spec, params):
    x = random_input((6,), seed=5)
    depends = torch.zeros(0)
    for point in (x, -x):  # both signs, so each ReLU-type branch is active at one of them
        j = autograd_jacobian(spec, point, **params)[:, 0] != 0
        depends = j if depends.numel() == 0 else depends | j
    x_nan = x.clone()
    x_nan[0] = math.nan
    if "nan anywhere in a row makes the row nan" in spec.conventions:
        depends = torch.ones_like(depends)  # e.g. sparsemax: τ, hence the support, depends on every input
    y, y_clean = spec(x_nan, **params), spec(x, **params)
    assert y[depends].isnan().all(), spec.name
    torch.testing.assert_close(y[~depends], y_clean[~depends], rtol=0, atol=0)


@pytest.mark.parametrize("name", ["glu", "reglu", "geglu", "swiglu"])
def test_closed_gate_at_minus_inf_is_zero(name):
    spec = actref.get(name)
    x = torch.tensor([2.0, -3.0, -math.inf, -math.inf], dtype=torch.float64)
    assert spec(x).tolist() == [0.0, 0.0]
    if name in ("geglu", "swiglu"):  # the documented difference: F.gelu / F.silu give nan at −inf
        assert spec.builtin(x).isnan().all() and "nan" in spec.builtin_differences


# ------------------------------------------------------------------------------------------------ errors
@pytest.mark.parametrize("spec", VECTOR, ids=IDS)
def test_bad_dim_raises_naming_it(spec):
    x = random_input((4, 6))
    for bad in ("last", 1.0, None, True):
        with pytest.raises(ValueError, match=r"invalid dim=.*dim must satisfy an int"):
            spec(x, dim=bad)
        with pytest.raises(ValueError, match="dim"):
            spec.module(dim=bad)
    with pytest.raises(IndexError, match="out of range"):  # torch's own error, as torch.softmax raises
        spec(x, dim=2)


@pytest.mark.parametrize("spec", VECTOR, ids=IDS)
def test_bad_input_type_and_unknown_parameter(spec):
    with pytest.raises(TypeError, match=r"torch\.int64"):
        spec(torch.arange(6))
    with pytest.raises(TypeError, match="unknown parameter"):
        spec(random_input((6,)), axis=0)
    with pytest.raises(TypeError, match="jacobian"):
        spec.derivative(random_input((6,)))


def test_maxout_size_not_divisible_by_k():
    maxout = actref.get("maxout")
    with pytest.raises(ValueError, match=r"size 5 of dim -1 is not divisible by k=2"):
        maxout(random_input((3, 5)))
    with pytest.raises(ValueError, match=r"size 4 of dim 0 is not divisible by k=3"):
        maxout(random_input((4, 6)), k=3, dim=0)
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError, match=r"invalid k=.*an int ≥ 1"):
            maxout(random_input((6,)), k=bad)


@pytest.mark.parametrize("name", ["glu", "reglu", "geglu", "swiglu"])
def test_gated_odd_size(name):
    spec = actref.get(name)
    with pytest.raises(ValueError, match=rf"{name}: size 5 of dim 1 is odd"):
        spec(random_input((4, 5)), dim=1)


# ----------------------------------------------------------------------------------------------- modules
@pytest.mark.parametrize(("spec", "params"), CASES, ids=CASE_IDS)
def test_module(spec, params):
    x = random_input((6, 12), dtype=torch.float32)
    module = spec.module(dim=0, **params)
    assert isinstance(module, torch.nn.Module) and list(module.parameters()) == []
    torch.testing.assert_close(module(x), spec(x, dim=0, **params), rtol=0, atol=0)
    restored = spec.module(dim=0, **params)
    restored.load_state_dict(module.state_dict())
    torch.testing.assert_close(restored(x), module(x), rtol=0, atol=0)
    assert spec.name in repr(module)
    x.requires_grad_()
    module(x).sum().backward()
    assert x.grad is not None and torch.isfinite(x.grad).all()


# -------------------------------------------------------------------------------------------- properties
def samples(size: int = 6, count: int = 40_000) -> torch.Tensor:
    return random_input((count, size), seed=11, scale=1.0)


@pytest.mark.parametrize("spec", VECTOR, ids=IDS)
def test_range_by_sampling_and_limits(spec):
    low, high = (float(v) for v in spec.properties.range)
    closed_low, closed_high = spec.properties.range_closed
    # Moderate inputs: no rounding onto an open end, so the strict inequalities are checked.
    y = spec(samples())
    assert (y >= low).all() if closed_low else (y > low).all()
    assert (y <= high).all() if closed_high else (y < high).all()
    # Wide inputs: inside the range (an open end may be reached by rounding), and the range is attained:
    # outputs come within 1e-3 of each finite end, and past ±1e3 for an infinite one.
    # The shifted batch: SoLU, x·softmax(x), reaches far below 0 only where a whole row is very negative.
    y = torch.cat(
        [spec(samples(count=5_000) * s) for s in (1.0, 30.0, 1e3)] + [spec(samples(count=500) - 1e4)]
    )
    assert (y >= low).all() and (y <= high).all()
    assert y.min() < (low + 1e-3 if math.isfinite(low) else -1e3)
    assert y.max() > (high - 1e-3 if math.isfinite(high) else 1e3)


@pytest.mark.parametrize("spec", VECTOR, ids=IDS)
def test_monotonic_claim(spec):
    """For a vector map, monotonic means: each output is non-decreasing in its own input (J_ii ≥ 0) when
    sizes match, or in every input it depends on (J ≥ 0) when they differ. A non-monotonic claim needs a
    point where that fails."""
    violations = []
    for seed in range(20):
        x = random_input((6,), seed=100 + seed, scale=2.0)
        j = autograd_jacobian(spec, x)
        entries = j.diagonal() if j.shape[0] == j.shape[1] else j
        violations.append(bool((entries < 0).any()))
    assert any(violations) != spec.properties.monotonic, (spec.name, violations)


def _kink_probe_jump(spec, x: torch.Tensor, eps: float = 1e-7) -> float:
    """The largest change of the Jacobian across x ± eps·e_c: O(eps) where f is C1, O(1) at a kink."""
    jump = 0.0
    for c in range(x.numel()):
        e = torch.zeros_like(x)
        e[c] = eps
        jump = max(jump, (autograd_jacobian(spec, x + e) - autograd_jacobian(spec, x - e)).abs().max().item())
    return jump


@pytest.mark.parametrize("spec", VECTOR, ids=IDS)
def test_smoothness_claim(spec):
    jump = max(_kink_probe_jump(spec, torch.tensor(p, dtype=torch.float64)) for p in KINK_POINTS)
    if spec.properties.smoothness in ("C∞", "C1"):  # a continuous Jacobian (C1: entmax15)
        assert jump < 1e-5, (spec.name, jump)
    else:
        assert spec.properties.smoothness == "C0"
        assert jump > 0.4, (spec.name, jump)


@pytest.mark.parametrize("spec", VECTOR, ids=IDS)
def test_zero_centred_claim(spec):
    mean = spec(samples()).mean().item()  # x ~ N(0, I): standard error of this mean is below 0.005
    if spec.properties.zero_centred:
        assert abs(mean) < 0.01, (spec.name, mean)
    else:
        assert abs(mean) > 0.05, (spec.name, mean)


@pytest.mark.parametrize("name", ["glu", "reglu", "geglu", "swiglu"])
def test_gated_saturate_as_gate_closes(name):
    spec = actref.get(name)
    x = torch.tensor([1.0, -2.0, 3.0, -40.0, -50.0, -60.0], dtype=torch.float64)
    assert autograd_jacobian(spec, x).abs().max() < 1e-14
    assert "negative" in spec.properties.saturates


def test_softmax_family_saturation():
    softmax, log_softmax = actref.get("softmax"), actref.get("log_softmax")
    for big in (40.0, -40.0):
        x = torch.tensor([big, 0.0, 0.5], dtype=torch.float64)
        assert autograd_jacobian(softmax, x)[0].abs().max() < 1e-16
    # log_softmax: the slope 1 − s_i of a dominant logit vanishes; a very negative logit keeps slope 1.
    j = autograd_jacobian(log_softmax, torch.tensor([40.0, 0.0, 0.5], dtype=torch.float64))
    assert abs(j[0, 0].item()) < 1e-16
    j = autograd_jacobian(log_softmax, torch.tensor([-40.0, 0.0, 0.5], dtype=torch.float64))
    assert abs(j[0, 0].item() - 1) < 1e-16
    assert log_softmax.properties.saturates == ("positive",)


@pytest.mark.parametrize("spec", [s for s in VECTOR if s.init.scheme == "kaiming"], ids=lambda s: s.name)
def test_kaiming_gain_restores_unit_second_moment(spec):
    """The recommended gain is 1/√E[y²] under x ~ N(0, I), so the next layer sees unit-variance inputs."""
    y = spec(random_input((200_000, 6), seed=12, scale=1.0))
    second_moment = (y**2).mean().item()
    assert abs(spec.init.gain**2 * second_moment - 1) < 0.02, (spec.name, second_moment)


def test_gated_gains_by_quadrature():
    # E[g(b)²] for b ~ N(0, 1), to the digits the specs state.
    sigma = lambda b: 1 / (1 + mpmath.exp(-b))  # noqa: E731
    gates = {
        "glu": sigma,
        "reglu": lambda b: max(b, 0),
        "geglu": lambda b: b * mpmath.ncdf(b),
        "swiglu": lambda b: b * sigma(b),
    }
    with mpmath.workdps(30):
        for name, gate in gates.items():
            moment = mpmath.quad(
                lambda b, gate=gate: gate(b) ** 2 * mpmath.npdf(b), [-mpmath.inf, 0, mpmath.inf]
            )
            assert abs(actref.get(name).init.gain - 1 / mpmath.sqrt(moment)) < 1e-12, name
        # Maxout with k = 2: max(a, b) has density 2φΦ, and its second moment is exactly 1.
        moment = mpmath.quad(
            lambda t: t**2 * 2 * mpmath.npdf(t) * mpmath.ncdf(t), [-mpmath.inf, 0, mpmath.inf]
        )
        assert abs(moment - 1) < 1e-20 and actref.get("maxout").init.gain == 1.0


# ---------------------------------------------------------------------------------------- formula display
def test_formulas_print_as_documented():
    assert actref.get("glu").latex.startswith(r"f(\mathbf{x})_i = {a}_{i} \sigma\left({b}_{i}\right)")
    assert actref.get("log_softmax").latex.startswith("{x}_{i} - \\log")
    assert actref.get("maxout").latex == r"\max_{m=1}^{k} {x}_{k \left(i - 1\right) + m}"
    assert r"\text{for}\: i \leq n" in actref.get("crelu").latex
