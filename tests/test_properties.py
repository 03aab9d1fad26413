"""Every claimed property, checked numerically (never restated): range and its closed ends, monotonicity,
the smoothness class, zero-centring, saturation, self-gating and the minimum of non-monotonic ones.

Claims are at the default parameters (Properties' contract). "mp" values are the sympy formula evaluated
by mpmath; "fp64" values are spec(x) in float64 (test_numerics proves the two agree).
"""

import math

import mpmath
import pytest
import sympy
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from support import (
    ELEMENTWISE,
    NON_SMOOTH,
    breakpoints,
    extended_range,
    grid,
    jumps,
    limit_at_infinity,
    mp_callable,
    second_derivative_expr,
    subs_key,
    true_value,
)

from actref import symbolic
from actref.symbolic import x as sx

WITH_PROPERTIES = [s for s in ELEMENTWISE if s.properties is not None]
by_name = pytest.mark.parametrize("spec", WITH_PROPERTIES, ids=lambda s: s.name)
TAIL_MAGNITUDES = [10.0**k for k in range(-30, 301, 5)]


def mp_grid(spec):
    """(points, exact values) on a 241-point grid over the extended plot range."""
    points = grid(spec, n=241)
    key = subs_key(spec)
    return points, [true_value(spec.expr, key, p) for p in points]


def fp64_samples(spec):
    """(x, spec(x)) on a 20001-point grid, the tails out to ±1e300, and the claimed minimum."""
    lo, hi = extended_range(spec)
    xs = torch.linspace(lo, hi, 20001, dtype=torch.float64).tolist() + TAIL_MAGNITUDES
    xs += [-m for m in TAIL_MAGNITUDES]
    if spec.properties.minimum is not None:
        xs.append(spec.properties.minimum[0])
    t = torch.tensor(sorted(xs), dtype=torch.float64)
    return t, spec(t)


def limits(spec, expr=None):
    key = subs_key(spec)
    return {s: limit_at_infinity(expr if expr is not None else spec.expr, key, s) for s in (-1, 1)}


def close(a, b, rel=1e-9):
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


# ---------------------------------------------------------------------------------------------- range
@by_name
def test_range_contains_every_value(spec):
    low, high = (float(v) for v in spec.properties.range)
    _, y = fp64_samples(spec)
    y = y[~y.isnan()]
    tol = 1e-12
    assert y.min().item() >= low - tol * max(1.0, abs(low)), f"{spec.name}: value {y.min().item()} < {low}"
    assert y.max().item() <= high + tol * max(1.0, abs(high)), f"{spec.name}: value {y.max().item()} > {high}"
    _, values = mp_grid(spec)
    assert all(low - 1e-30 <= float(v) <= high + 1e-30 or not math.isfinite(float(v)) for v in values)


@by_name
def test_range_ends_are_reached(spec):
    low, high = (float(v) for v in spec.properties.range)
    _, y = fp64_samples(spec)
    lim = [v for v in limits(spec).values() if not math.isnan(v)]  # nan: no limit (sin x)
    inf = min([y.min().item(), *lim])
    sup = max([y.max().item(), *lim])
    if math.isinf(low):
        assert inf < -1e100, f"{spec.name}: claims no lower bound, but f ≥ {inf} everywhere we looked"
    else:
        assert close(inf, low), f"{spec.name}: claimed lower bound {low}, but the infimum found is {inf}"
    if math.isinf(high):
        assert sup > 1e100, f"{spec.name}: claims no upper bound, but f ≤ {sup} everywhere we looked"
    else:
        assert close(sup, high), f"{spec.name}: claimed upper bound {high}, but the supremum found is {sup}"


def attained(spec, bound: float, values) -> bool:
    """Whether f takes the value `bound` at a finite x: exactly on the grid, or at the claimed minimum."""
    exact = any(abs(v - bound) <= mpmath.mpf(1e-30) * max(1, abs(bound)) for v in values)
    minimum = spec.properties.minimum
    return exact or (minimum is not None and close(minimum[1], bound))


@by_name
def test_range_closed_flags(spec):
    props = spec.properties
    _, values = mp_grid(spec)
    ends = (
        ("lower", props.range[0], props.range_closed[0]),
        ("upper", props.range[1], props.range_closed[1]),
    )
    for end, bound, closed in ends:
        b = float(bound)
        if math.isinf(b):
            assert not closed, f"{spec.name}: the {end} end is infinite, so it cannot be closed"
            continue
        hit = attained(spec, b, values)
        assert closed == hit, (
            f"{spec.name}: the {end} bound {b} is claimed {'closed' if closed else 'open'}, but f "
            f"{'takes' if hit else 'never takes'} that value on [{extended_range(spec)}]"
        )


# ---------------------------------------------------------------------------------------------- monotonicity
@by_name
def test_monotonic_claim(spec):
    points, values = mp_grid(spec)
    drops = [
        (points[i], points[i + 1])
        for i in range(len(values) - 1)
        if values[i + 1] < values[i] - mpmath.mpf(1e-12) * max(1, abs(values[i]))
    ]
    if spec.properties.monotonic:
        assert not drops, f"{spec.name}: claimed monotonic, but f decreases on {drops[:3]}"
        _, y = fp64_samples(spec)
        y = y[~y.isnan()]
        assert (y[1:] >= y[:-1]).all(), f"{spec.name}: spec(x) in float64 decreases somewhere"
    else:
        assert drops, f"{spec.name}: claimed non-monotonic, but f never decreases on the grid"


MONOTONE = [s for s in WITH_PROPERTIES if s.properties.monotonic]


@pytest.mark.parametrize("spec", MONOTONE, ids=lambda s: s.name)
def test_monotone_specs_preserve_order(spec):
    @settings(max_examples=60, deadline=None, derandomize=True)
    @given(st.floats(allow_nan=False), st.floats(allow_nan=False))
    def check(a, b):
        a, b = min(a, b), max(a, b)
        fa, fb = spec(torch.tensor([a, b], dtype=torch.float64)).tolist()
        assert fa <= fb, f"{spec.name}({a}) = {fa} > {spec.name}({b}) = {fb}"

    check()


# ---------------------------------------------------------------------------------------------- smoothness
def smoothness_found(spec) -> str:
    key = subs_key(spec)
    points = breakpoints(spec)
    if any(jumps(spec.expr, key, p) for p in points):
        return "discontinuous"
    if any(jumps(spec.derivative_expr, key, p) for p in points):
        return "C0"
    if any(jumps(second_derivative_expr(spec.derivative_expr), key, p) for p in points):
        return "C1"
    third = sympy.diff(second_derivative_expr(spec.derivative_expr), sx)
    if any(jumps(third, key, p) for p in points):
        return "C2"  # ISRLU: f, f′ and f″ continuous at 0, f‴ jumps
    return "C∞"


@by_name
def test_smoothness_class(spec):
    claimed = spec.properties.smoothness
    assert claimed in ("C∞", "C2", "C1", "C0", "discontinuous")
    found = smoothness_found(spec)
    assert found == claimed, (
        f"{spec.name}: claimed {claimed}, but one-sided limits at {breakpoints(spec)} say {found}"
    )
    if claimed == "C∞":
        subs = spec.substitutions()
        for name in ("expr", "derivative_expr"):
            e = symbolic.expand_named(sympy.sympify(getattr(spec, name)).subs(subs))
            assert not e.has(*NON_SMOOTH), f"{spec.name}: claimed C∞, but {name} = {e} is piecewise"
        assert not spec.kinks, f"{spec.name}: claimed C∞ but declares kinks {spec.kinks}"


# ---------------------------------------------------------------------------------------------- shape
def standard_normal_mean(spec) -> float:
    """E[f(Z)] for Z ~ N(0, 1): the trapezoid rule on spec(x)·φ(x) over ±40 (φ(40) ≈ 1e-348)."""
    z = torch.linspace(-40.0, 40.0, 400_001, dtype=torch.float64)
    integrand = spec(z) * torch.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
    assert not integrand.isnan().any(), f"{spec.name}: nan in f(z)·φ(z)"
    return torch.trapezoid(integrand, z).item()


@by_name
def test_zero_centred_claim(spec):
    # One criterion for every row (and tests/test_vector.py's for vector units): zero-centred means
    # E[f(Z)] = 0 for Z ~ N(0, 1) at the defaults. Every odd f is; so are SELU and StarReLU, by their constants.
    # The non-zero means are all above 0.07 (SReLU), far from the quadrature error (below 1e-9).
    mean = standard_normal_mean(spec)
    if spec.properties.zero_centred:
        assert abs(mean) < 1e-6, (
            f"{spec.name}: claimed zero-centred, but E[f(Z)] = {mean:.3g} for Z ~ N(0, 1)"
        )
    else:
        assert abs(mean) > 1e-3, f"{spec.name}: E[f(Z)] = {mean:.3g} for Z ~ N(0, 1), so it is zero-centred"


@by_name
def test_saturation_sides(spec):
    lim = limits(spec, spec.derivative_expr)
    found = tuple(side for side, s in (("negative", -1), ("positive", 1)) if lim[s] == 0)
    assert set(spec.properties.saturates) == set(found), (
        f"{spec.name}: claims saturation on {spec.properties.saturates}, but f′ → {lim[-1]} at −∞ and "
        f"{lim[1]} at +∞"
    )


# Members of the Self-gated family whose f(x)/x is not a gate from 0 to 1, and why (the test below proves it).
GATED_FAMILY_NOT_SELF_GATED = {
    "lisht": "f(x)/x = tanh x runs from −1 to 1",
    "clipped_gelu": "f(x)/x = Φ(x) until the cap, then max/x → 0",
}


@by_name
def test_self_gated_claim(spec):
    expected = spec.family == "gated" and spec.name not in GATED_FAMILY_NOT_SELF_GATED
    assert spec.properties.self_gated == expected, (
        f"{spec.name}: self_gated={spec.properties.self_gated} but family {spec.family!r}"
    )
    if spec.name in GATED_FAMILY_NOT_SELF_GATED:
        points, values = mp_grid(spec)
        gates = [v / p for p, v in zip(points, values, strict=True) if p != 0]
        gate = limits(spec, sympy.sympify(spec.expr) / sx)
        assert min(gates) < -1e-12 or max(gates) > 1 + 1e-12 or gate != {-1: 0.0, 1: 1.0}, (
            f"{spec.name} is listed as not self-gated ({GATED_FAMILY_NOT_SELF_GATED[spec.name]}), but it is"
        )
    if spec.properties.self_gated:
        # f(x) = x·g(x) with a gate g between 0 and 1 that opens from 0 (−∞) to 1 (+∞).
        points, values = mp_grid(spec)
        gates = [v / p for p, v in zip(points, values, strict=True) if p != 0]
        assert all(-1e-12 <= g <= 1 + 1e-12 for g in gates), f"{spec.name}: f(x)/x leaves [0, 1]"
        gate = limits(spec, sympy.sympify(spec.expr) / sx)
        assert gate == {-1: 0.0, 1: 1.0}, f"{spec.name}: the gate f(x)/x tends to {gate}, not 0 and 1"


@by_name
def test_minimum_claim(spec):
    props = spec.properties
    if props.monotonic:
        assert props.minimum is None, f"{spec.name} is monotonic, so it has no interior minimum"
        return
    if props.minimum is None:
        # Non-monotonic without an interior global minimum: f is unbounded below (PAU at its initial
        # coefficients) or never reaches its infimum (test_range_ends_are_reached checks the infimum itself).
        assert math.isinf(float(props.range[0])) or not props.range_closed[0], (
            f"{spec.name} is non-monotonic and attains its lower bound {props.range[0]}, but declares no minimum"
        )
        return
    x_star, f_star = props.minimum
    key = subs_key(spec)
    d = mp_callable(spec.derivative_expr, key)
    f = mp_callable(spec.expr, key)
    with mpmath.workdps(50):
        root = mpmath.findroot(d, mpmath.mpf(x_star))
        f_root = f(root)
    assert close(float(root), x_star), f"{spec.name}: f′ vanishes at {root}, not at the claimed {x_star}"
    assert close(float(f_root), f_star), f"{spec.name}: f({root}) = {f_root}, not the claimed {f_star}"
    assert close(float(props.range[0]), f_star), (
        f"{spec.name}: the range starts at {props.range[0]}, not at f*"
    )
    _, values = mp_grid(spec)
    assert min(values) >= f_root - mpmath.mpf(1e-30), f"{spec.name}: f goes below f* = {f_root}"
    _, y = fp64_samples(spec)
    assert y[~y.isnan()].min().item() >= f_star - 1e-15, f"{spec.name}: spec(x) goes below f*"
