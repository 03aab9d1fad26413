"""nan, ±inf and ±0 inputs: nan in → nan out, f(±inf) is the mathematical limit, and ±0 give f(0)."""

import math

import pytest
import sympy
import torch
from support import ELEMENTWISE, limit_at_infinity, subs_key

from actref.symbolic import x as sx

DTYPES = [torch.float64, torch.float32]


def assert_equals_limit(got: float, limit: float, what: str):
    if math.isnan(limit):  # no limit (sin x at ±inf): nan by convention
        assert math.isnan(got), f"{what}: got {got!r}, but there is no limit, so it must be nan"
    elif math.isinf(limit):
        assert got == limit, f"{what}: got {got!r}, the limit is {limit!r}"
    else:
        assert math.isfinite(got) and abs(got - limit) <= 1e-6 * max(1.0, abs(limit)), (
            f"{what}: got {got!r}, the limit is {limit!r}"
        )


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("spec", ELEMENTWISE, ids=lambda s: s.name)
def test_nan_in_nan_out(spec, dtype):
    t = torch.tensor([math.nan, 1.0, math.nan], dtype=dtype)
    out, d = spec(t), spec.derivative(t)
    assert out[0].isnan() and out[2].isnan() and not out[1].isnan(), out
    assert d[0].isnan() and d[2].isnan() and not d[1].isnan(), d


@pytest.mark.parametrize("sign", [1, -1], ids=["+inf", "-inf"])
@pytest.mark.parametrize("spec", ELEMENTWISE, ids=lambda s: s.name)
def test_forward_at_infinity_is_the_limit(spec, sign):
    limit = limit_at_infinity(spec.expr, subs_key(spec), sign)
    for dtype in DTYPES:
        got = spec(torch.tensor([sign * math.inf], dtype=dtype)).item()
        assert_equals_limit(got, limit, f"{spec.name}({sign * math.inf}) in {dtype}")


@pytest.mark.parametrize("sign", [1, -1], ids=["+inf", "-inf"])
@pytest.mark.parametrize("spec", ELEMENTWISE, ids=lambda s: s.name)
def test_derivative_at_infinity_is_the_limit(spec, sign):
    limit = limit_at_infinity(spec.derivative_expr, subs_key(spec), sign)
    for dtype in DTYPES:
        got = spec.derivative(torch.tensor([sign * math.inf], dtype=dtype)).item()
        assert_equals_limit(got, limit, f"{spec.name}′({sign * math.inf}) in {dtype}")


@pytest.mark.parametrize("spec", ELEMENTWISE, ids=lambda s: s.name)
def test_signed_zeros_give_f_of_zero(spec):
    f0 = float(sympy.sympify(spec.expr).subs(spec.substitutions()).subs(sx, 0))
    for dtype in DTYPES:
        out = spec(torch.tensor([0.0, -0.0], dtype=dtype))
        want = torch.tensor(f0, dtype=dtype).item()
        # +0 and −0 must give the same value, and that value is f(0) up to a few ulps: an irrational f(0)
        # computed from a rounded argument cannot always be the correctly rounded one (laplace: f(0) =
        # Φ(−√(2π)) has condition number 7, so rounding its argument alone moves it by ~3.5 ulps).
        close = abs(out[0].item() - want) <= 8 * torch.finfo(dtype).eps * abs(want)
        assert out[0] == out[1] and close, f"{spec.name}(±0) = {out.tolist()} in {dtype}; f(0) = {f0}"
        d = spec.derivative(torch.tensor([0.0, -0.0], dtype=dtype))
        assert d[0] == d[1], f"{spec.name}′(+0) = {d[0].item()} but {spec.name}′(−0) = {d[1].item()}"
        t = torch.tensor([0.0, -0.0], dtype=dtype, requires_grad=True)
        (g,) = torch.autograd.grad(spec(t).sum(), t)
        assert g[0] == g[1], f"autograd of {spec.name} at +0 gives {g[0].item()}, at −0 {g[1].item()}"
