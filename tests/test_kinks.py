"""Kinks: at each declared Kink.at, our autograd, the built-in's autograd and spec.derivative all give
Kink.grad (PyTorch's reverse-mode subgradient); and every point where f′ jumps is declared.
"""

import pytest
import sympy
import torch
from support import (
    ELEMENTWISE,
    breakpoints,
    jumps,
    one_sided,
    spec_param_cases,
    subs_key,
)

WITH_KINKS = [s for s in ELEMENTWISE if s.kinks]
DTYPES = [torch.float64, torch.float32]


def kinks_at(spec, params):
    subs = spec.substitutions(**params)
    return [
        (float(sympy.sympify(k.at).subs(subs)), float(sympy.sympify(k.grad).subs(subs))) for k in spec.kinks
    ]


def autograd_at(fn, at, dtype, params):
    t = torch.tensor([at], dtype=dtype, requires_grad=True)
    (g,) = torch.autograd.grad(fn(t, **params).sum(), t)
    return g.item()


def close(a, b, dtype):
    return abs(a - b) <= 4 * torch.finfo(dtype).eps * max(1.0, abs(b))


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize(("spec", "params"), spec_param_cases(WITH_KINKS))
def test_our_autograd_gives_the_declared_subgradient(spec, params, dtype):
    for at, grad in kinks_at(spec, params):
        got = autograd_at(spec, at, dtype, params)
        assert close(got, grad, dtype), f"autograd of {spec.name} at {at}: {got}, declared {grad}"


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize(("spec", "params"), spec_param_cases(WITH_KINKS))
def test_derivative_gives_the_declared_subgradient(spec, params, dtype):
    for at, grad in kinks_at(spec, params):
        got = spec.derivative(torch.tensor([at], dtype=dtype), **params).item()
        assert close(got, grad, dtype), f"{spec.name}.derivative at {at}: {got}, declared {grad}"


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize(("spec", "params"), spec_param_cases([s for s in WITH_KINKS if s.builtin]))
def test_builtin_autograd_gives_the_declared_subgradient(spec, params, dtype):
    for at, grad in kinks_at(spec, params):
        got = autograd_at(spec.builtin, at, dtype, params)
        assert close(got, grad, dtype), f"autograd of {spec.name}'s builtin at {at}: {got}, declared {grad}"


@pytest.mark.parametrize(("spec", "params"), spec_param_cases(WITH_KINKS))
def test_subgradient_lies_between_the_one_sided_derivatives(spec, params):
    key = subs_key(spec, params)
    subs = spec.substitutions(**params)
    for kink, (at, grad) in zip(spec.kinks, kinks_at(spec, params), strict=True):
        # Around the exact position (50 digits): an irrational kink (PAU's root of a cubic) lies between
        # doubles, and both sides of the nearest double would be one side of the kink.
        exact = sympy.N(sympy.sympify(kink.at).subs(subs), 50)
        left, right = (float(v) for v in one_sided(spec.derivative_expr, key, exact))
        lo, hi = min(left, right), max(left, right)
        assert lo - 1e-12 <= grad <= hi + 1e-12, f"{spec.name} at {at}: grad {grad} outside [{lo}, {hi}]"


@pytest.mark.parametrize("spec", ELEMENTWISE, ids=lambda s: s.name)
def test_every_jump_of_f_or_its_derivative_is_a_declared_kink(spec):
    key = subs_key(spec)
    declared = [at for at, _ in kinks_at(spec, {})]
    for at in breakpoints(spec):
        if jumps(spec.expr, key, at) or jumps(spec.derivative_expr, key, at):
            assert any(abs(at - d) <= 1e-12 * max(1.0, abs(at)) for d in declared), (
                f"{spec.name}: f or f′ jumps at x = {at}, but no Kink declares it (declared: {declared})"
            )
