"""spec.derivative (the analytic f′) against autograd of spec(x) and against mpmath; gradcheck and
gradgradcheck in float64 away from kinks; a hypothesis property test on random points.
"""

import random

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from support import (
    ELEMENTWISE,
    EPS64,
    accuracy_failures,
    away_from_kinks,
    extended_range,
    grid,
    kink_points,
    second_derivative_expr,
    spec_param_cases,
    subs_key,
)

MODERATE_TAILS = [s * m for m in (1e-30, 1e-10, 5.0, 20.0, 40.0) for s in (1, -1)]


def autograd_derivative(spec, params):
    def fn(t):
        t = t.detach().clone().requires_grad_()
        with torch.enable_grad():
            (g,) = torch.autograd.grad(spec(t, **params).sum(), t)
        return g

    return fn


@pytest.mark.parametrize(("spec", "params"), spec_param_cases(ELEMENTWISE))
def test_autograd_of_forward_matches_mpmath(spec, params):
    points = away_from_kinks(
        grid(spec, n=81, params=params) + MODERATE_TAILS, kink_points(spec, params), 1e-6
    )
    failures = accuracy_failures(
        autograd_derivative(spec, params),
        spec.derivative_expr,
        second_derivative_expr(spec.derivative_expr),
        subs_key(spec, params),
        points,
        rtol=1e-9,
    )
    assert not failures, f"autograd of {spec.name} {params}:\n  " + "\n  ".join(failures[:8])


@pytest.mark.parametrize(("spec", "params"), spec_param_cases(ELEMENTWISE))
def test_derivative_equals_autograd_on_a_dense_grid(spec, params):
    lo, hi = extended_range(spec)
    points = away_from_kinks(torch.linspace(lo, hi, 3001).tolist(), kink_points(spec, params), 1e-6)
    t = torch.tensor(points, dtype=torch.float64)
    analytic = spec.derivative(t, **params)
    auto = autograd_derivative(spec, params)(t)
    tol = 1e-9 * analytic.abs() + 64 * EPS64 * t.abs().clamp(min=1.0)
    bad = (analytic - auto).abs() > tol
    assert not bad.any(), f"{spec.name}: derivative {analytic[bad][:5].tolist()} vs autograd " + (
        f"{auto[bad][:5].tolist()} at x={t[bad][:5].tolist()}"
    )


def check_points(spec, params, n=12):
    rng = random.Random(spec.name)
    lo, hi = extended_range(spec)
    points = away_from_kinks([rng.uniform(lo, hi) for _ in range(3 * n)], kink_points(spec, params), 1e-3)
    return torch.tensor(points[:n], dtype=torch.float64, requires_grad=True)


@pytest.mark.parametrize(("spec", "params"), spec_param_cases(ELEMENTWISE))
def test_gradcheck(spec, params):
    assert torch.autograd.gradcheck(lambda t: spec(t, **params), (check_points(spec, params),))


@pytest.mark.parametrize(("spec", "params"), spec_param_cases(ELEMENTWISE))
def test_gradgradcheck(spec, params):
    assert torch.autograd.gradgradcheck(lambda t: spec(t, **params), (check_points(spec, params),))


@pytest.mark.parametrize("spec", ELEMENTWISE, ids=lambda s: s.name)
def test_derivative_equals_autograd_at_random_points(spec):
    kinks = kink_points(spec)
    auto = autograd_derivative(spec, {})

    @settings(max_examples=40, deadline=None, derandomize=True)
    @given(st.floats(min_value=-60.0, max_value=60.0, allow_nan=False))
    def check(v):
        if not away_from_kinks([v], kinks, 1e-9):
            return
        t = torch.tensor([v], dtype=torch.float64)
        a, b = spec.derivative(t).item(), auto(t).item()
        assert abs(a - b) <= 1e-9 * abs(a) + 64 * EPS64 * max(1.0, abs(v)), (v, a, b)

    check()
