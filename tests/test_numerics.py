"""float64 forward and derivative against the sympy formula evaluated by mpmath at high precision.

The page formula is the code: spec(x) must equal `spec.expr` and spec.derivative(x) must equal
`spec.derivative_expr` to 1e-10 relative wherever the true value is a normal double, tails included.
"""

import math

import pytest
import sympy
import torch
from support import (
    ELEMENTWISE,
    TAIL_POINTS,
    accuracy_failures,
    away_from_kinks,
    grid,
    kink_points,
    param_sets,
    second_derivative_expr,
    spec_param_cases,
    subs_key,
)

from actref.registry import Activation
from actref.symbolic import Phi, phi, x
from actref.symbolic import sigmoid as sym_sigmoid


def points_for(spec, params):
    n = 121 if not params else 41
    return sorted(set(grid(spec, n=n, params=params)) | set(TAIL_POINTS))


def report(spec, what, failures):
    head = "\n  ".join(failures[:8])
    more = f"\n  ... and {len(failures) - 8} more" if len(failures) > 8 else ""
    return f"{spec.name} {what}: {len(failures)} point(s) off the mpmath truth:\n  {head}{more}"


@pytest.mark.parametrize(("spec", "params"), spec_param_cases(ELEMENTWISE))
def test_forward_matches_mpmath(spec, params):
    failures = accuracy_failures(
        lambda t: spec(t, **params),
        spec.expr,
        spec.derivative_expr,
        subs_key(spec, params),
        points_for(spec, params),
    )
    assert not failures, report(spec, f"forward {params}", failures)


@pytest.mark.parametrize(("spec", "params"), spec_param_cases(ELEMENTWISE))
def test_derivative_matches_mpmath(spec, params):
    # At a kink the derivative is a convention (tests/test_kinks.py), not a value of derivative_expr.
    points = away_from_kinks(points_for(spec, params), kink_points(spec, params), gap=0.0)
    failures = accuracy_failures(
        lambda t: spec.derivative(t, **params),
        spec.derivative_expr,
        second_derivative_expr(spec.derivative_expr),
        subs_key(spec, params),
        points,
    )
    assert not failures, report(spec, f"derivative {params}", failures)


def test_every_elementwise_spec_has_parameter_variants_or_none():
    # A spec with numeric parameters must get at least one non-default set, or its parameters go untested.
    for spec in ELEMENTWISE:
        numeric = [k for k, p in spec.params.items() if p.symbol is not None]
        if numeric:
            assert len(param_sets(spec)) > 1, f"{spec.name}: no valid non-default parameter set found"


# ---------------------------------------------------------------------------------------------- the checker
# Deliberately wrong implementations, built with the registry's own Activation class (not registered):
# the checker above must reject each of them, or it would let the same bug through in a real spec.


def _spec(name, forward, expr, derivative_expr, derivative_fn=None):
    return Activation(
        name=name,
        title=name,
        family="test",
        summary="a deliberately unstable implementation",
        forward=forward,
        expr=expr,
        derivative_fn=derivative_fn,
        derivative_expr=derivative_expr,
    )


def _check(spec, which, points):
    if which == "forward":
        return accuracy_failures(spec, spec.expr, spec.derivative_expr, (), points)
    return accuracy_failures(
        spec.derivative, spec.derivative_expr, second_derivative_expr(spec.derivative_expr), (), points
    )


SIGMOID_EXPR = sym_sigmoid(x)
SIGMOID_PRIME = sym_sigmoid(x) * (1 - sym_sigmoid(x))


def test_checker_rejects_sigmoid_derivative_as_s_times_one_minus_s():
    naive = _spec(
        "bad_sigmoid",
        torch.sigmoid,
        SIGMOID_EXPR,
        SIGMOID_PRIME,
        lambda t: torch.sigmoid(t) * (1 - torch.sigmoid(t)),
    )
    failures = _check(naive, "derivative", [-40.0, -1.0, 0.0, 1.0, 40.0])
    assert any(f.startswith("x=40.0") for f in failures), failures
    assert not any(f.startswith("x=-1.0") or f.startswith("x=0.0") for f in failures)


def test_checker_accepts_the_stable_sigmoid_derivative():
    stable = _spec(
        "good_sigmoid",
        torch.sigmoid,
        SIGMOID_EXPR,
        SIGMOID_PRIME,
        lambda t: torch.sigmoid(t) * torch.sigmoid(-t),
    )
    assert _check(stable, "derivative", [-700.0, -40.0, 0.0, 40.0, 700.0]) == []


def test_checker_rejects_gelu_through_one_plus_erf():
    naive = _spec(
        "bad_gelu",
        lambda t: 0.5 * t * (1 + torch.erf(t / math.sqrt(2))),
        x * Phi(x),
        Phi(x) + x * phi(x),
    )
    failures = _check(naive, "forward", [-30.0, -10.0, 1.0])
    assert {f.split(":")[0] for f in failures} == {"x=-30.0", "x=-10.0"}, failures
    stable = _spec(
        "good_gelu",
        lambda t: 0.5 * t * torch.erfc(-t / math.sqrt(2)),
        x * Phi(x),
        Phi(x) + x * phi(x),
    )
    assert _check(stable, "forward", [-30.0, -10.0, 1.0]) == []


def test_checker_rejects_cancelling_tanhshrink_and_its_derivative():
    naive = _spec(
        "bad_tanhshrink",
        lambda t: t - torch.tanh(t),
        x - sympy.tanh(x),
        sympy.tanh(x) ** 2,
        lambda t: 1 - (1 - torch.tanh(t) ** 2),
    )
    assert any(f.startswith("x=1e-30") for f in _check(naive, "forward", [1e-30, 2.0]))
    assert any(f.startswith("x=1e-10") for f in _check(naive, "derivative", [1e-10, 2.0]))


def test_checker_rejects_naive_softplus_in_both_tails():
    naive = _spec(
        "bad_softplus",
        lambda t: torch.log(1 + torch.exp(t)),
        sympy.log(1 + sympy.exp(x)),
        sym_sigmoid(x),
    )
    failures = {f.split(":")[0] for f in _check(naive, "forward", [-700.0, -40.0, 0.0, 1000.0])}
    assert failures == {"x=-700.0", "x=-40.0", "x=1000.0"}


def test_checker_rejects_tanh_derivative_as_one_minus_tanh_squared():
    naive = _spec(
        "bad_tanh",
        torch.tanh,
        sympy.tanh(x),
        1 - sympy.tanh(x) ** 2,
        lambda t: 1 - torch.tanh(t) ** 2,
    )
    failures = _check(naive, "derivative", [0.5, 20.0, -50.0])
    assert {f.split(":")[0] for f in failures} == {"x=20.0", "x=-50.0"}


def test_checker_allows_rounding_near_an_irrational_root_of_the_derivative():
    # silu′ has a root at x* ≈ −1.2785; right next to it only an absolute error of a few ulps is meaningful.
    expr = x * sym_sigmoid(x)
    d_expr = sym_sigmoid(x) + x * sym_sigmoid(x) * (1 - sym_sigmoid(x))
    silu = _spec(
        "silu_naive_product",
        lambda t: t * torch.sigmoid(t),
        expr,
        d_expr,
        lambda t: torch.sigmoid(t) + t * torch.sigmoid(t) * torch.sigmoid(-t),
    )
    root = -1.2784645427610738
    points = [root + k * 1e-15 for k in range(-3, 4)]
    assert _check(silu, "derivative", points) == []
