"""The formulas on the page: derivative_expr is the derivative of expr, and both are well-formed sympy."""

import random

import pytest
import sympy
from support import (
    ELEMENTWISE,
    away_from_kinks,
    extended_range,
    kink_points,
    spec_param_cases,
)

from actref import symbolic
from actref.symbolic import x


def random_points(spec, params, n=40, seed=0):
    rng = random.Random(f"{spec.name}{seed}")
    lo, hi = extended_range(spec)
    points = [rng.uniform(lo, hi) for _ in range(n)] + [rng.uniform(-1, 1) for _ in range(n // 4)]
    return away_from_kinks(points, kink_points(spec, params), gap=1e-6)


@pytest.mark.parametrize(("spec", "params"), spec_param_cases(ELEMENTWISE))
def test_derivative_expr_is_the_derivative_of_expr(spec, params):
    subs = spec.substitutions(**params)
    worst = symbolic.derivatives_agree(
        spec.expr, spec.derivative_expr, subs, points=random_points(spec, params), dps=50
    )
    assert worst <= 1e-30, f"{spec.name}: derivative_expr differs from diff(expr) by {worst:.3g} (relative)"


@pytest.mark.parametrize("spec", ELEMENTWISE, ids=lambda s: s.name)
def test_expressions_use_only_x_and_the_parameter_symbols(spec):
    allowed = {x, *spec.symbols().values()}
    for name in ("expr", "derivative_expr"):
        e = sympy.sympify(getattr(spec, name))
        extra = e.free_symbols - allowed
        assert not extra, f"{spec.name}.{name} has symbols {extra} that are neither x nor a parameter"
    for kink in spec.kinks:
        for e in (kink.at, kink.grad):
            extra = sympy.sympify(e).free_symbols - set(spec.symbols().values())
            assert not extra, f"{spec.name}: kink {kink} uses symbols {extra} that are not parameters"


@pytest.mark.parametrize("spec", ELEMENTWISE, ids=lambda s: s.name)
def test_expressions_are_real_at_the_defaults(spec):
    subs = spec.substitutions()
    for name in ("expr", "derivative_expr"):
        e = symbolic.expand_named(sympy.sympify(getattr(spec, name)).subs(subs))
        value = sympy.N(e.subs(x, sympy.Rational(1, 3)))
        assert value.is_real and value.is_finite, (
            f"{spec.name}.{name} at x = 1/3 is {value}, not a real number"
        )


@pytest.mark.parametrize("spec", ELEMENTWISE, ids=lambda s: s.name)
def test_latex_is_generated_from_the_expressions(spec):
    assert spec.latex == symbolic.to_latex(spec.expr) or spec.latex_override
    assert spec.derivative_latex == symbolic.to_latex(spec.derivative_expr) or spec.derivative_latex_override
    assert spec.latex.strip() and spec.derivative_latex.strip()
