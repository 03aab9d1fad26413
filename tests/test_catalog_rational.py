"""PAU specifics the registry-wide tests do not cover: its initial coefficients, the module's degrees, the
general-degree evaluation, and the numbers its page quotes (the second kink, the paper-vs-code gap, the wiggles).
"""

import math

import mpmath
import pytest
import torch
from support import registered

import actref
from actref.catalog import rational

pytestmark = pytest.mark.skipif(not registered("pau"), reason="pau is not registered")

# ml-research/pau, pau/cuda/python_imp/Pade.py, get_constants_for_inits("pade_optimized_leakyrelu"), as printed.
PRINTED_NUMERATOR = (
    3.35583603e-02,
    5.05000375e-01,
    1.65343934e00,
    2.01001052e00,
    9.31901999e-01,
    1.52424124e-01,
)
PRINTED_DENOMINATOR = (3.30847488e-06, 3.98021568e00, 5.12471206e-07, 3.01830109e-01)


def pau():
    return actref.get("pau")


def test_defaults_are_the_official_coefficients_as_float32():
    # The official module holds them in a torch.FloatTensor; so do our defaults (and our module, exactly).
    as_f32 = [torch.tensor(v, dtype=torch.float32).item() for v in PRINTED_NUMERATOR + PRINTED_DENOMINATOR]
    assert list(pau().defaults.values()) == as_f32
    module = pau().module()
    assert [p.item() for p in module.parameters()] == as_f32


@pytest.mark.parametrize("degrees", [(5, 0), (5, -1), (-1, 4), (5,), (5.0, 4), (True, 4), "54", None])
def test_invalid_degrees_raise_naming_the_value(degrees):
    with pytest.raises(ValueError, match="degrees") as info:
        pau().module(degrees=degrees)
    assert repr(degrees) in str(info.value) and "n ≥ 1" in str(info.value)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, "1", None, True])
def test_non_finite_or_non_numeric_coefficients_raise(bad):
    x = torch.linspace(-2, 2, 5)
    with pytest.raises(ValueError, match="b2"):
        pau()(x, b2=bad)
    with pytest.raises(ValueError, match="b2"):
        pau().module(b2=bad)


def test_module_rejects_a_non_finite_tensor_coefficient():
    with pytest.raises(ValueError, match="a3"):
        rational.PAU(a3=torch.tensor([1.0, math.nan]))


def test_larger_degrees_start_as_the_same_function():
    x = torch.linspace(-50, 50, 2001, dtype=torch.float64)
    big = pau().module(degrees=(7, 6)).double()
    names = [n for n, _ in big.named_parameters()]
    assert names == [f"a{j}" for j in range(8)] + [f"b{k}" for k in range(1, 7)]
    torch.testing.assert_close(big(x), pau()(x), rtol=1e-14, atol=1e-15)


def _reference(xs, a, b):
    """P/Q in 60-digit arithmetic: the safe PAU of any degrees, straight from the formula."""
    with mpmath.workdps(60):
        out = []
        for v in xs:
            t = mpmath.mpf(v)
            p = sum(mpmath.mpf(c) * t**j for j, c in enumerate(a))
            q = 1 + abs(sum(mpmath.mpf(c) * t**k for k, c in enumerate(b, start=1)))
            out.append(float(p / q))
        return torch.tensor(out, dtype=torch.float64)


@pytest.mark.parametrize("degrees", [(3, 2), (4, 4), (2, 3), (5, 4), (6, 5), (0, 1)])
def test_general_degrees_match_the_formula_and_autograd_matches_the_derivative(degrees):
    m, n = degrees
    g = torch.Generator().manual_seed(m * 10 + n)
    a = (torch.randn(m + 1, generator=g, dtype=torch.float64)).tolist()
    b = (torch.randn(n, generator=g, dtype=torch.float64)).tolist()
    xs = torch.cat([torch.linspace(-6, 6, 241, dtype=torch.float64), torch.tensor([-1e8, -20.0, 30.0, 1e10])])
    got = rational._rational(xs, a, b)
    torch.testing.assert_close(got, _reference(xs.tolist(), a, b), rtol=1e-12, atol=1e-14)
    t = xs.clone().requires_grad_(True)
    (auto,) = torch.autograd.grad(rational._rational(t, a, b).sum(), t)
    analytic = rational._rational_derivative(xs, a, b)
    torch.testing.assert_close(auto, analytic, rtol=1e-10, atol=1e-12)


def test_general_form_equals_pau_at_default_degrees():
    x = torch.cat([torch.linspace(-8, 8, 1601, dtype=torch.float64), torch.tensor([-1e300, 1e25, math.inf])])
    a, b = list(rational.A_INIT), list(rational.B_INIT)
    torch.testing.assert_close(rational._rational(x, a, b), pau()(x), rtol=1e-14, atol=1e-16)


def test_second_kink_is_where_the_page_says():
    b = [mpmath.mpf(v) for v in rational.B_INIT]
    a = [mpmath.mpf(v) for v in rational.A_INIT]
    with mpmath.workdps(40):
        roots = mpmath.polyroots([b[3], b[2], b[1], b[0]])
        real = [r.real if isinstance(r, mpmath.mpc) else r for r in roots if abs(mpmath.im(r)) < 1e-30]
        assert len(real) == 1 and abs(real[0] - mpmath.mpf("-8.3123e-7")) < 1e-11
        x_star = real[0]
        p = sum(c * x_star**j for j, c in enumerate(a))
        dA = sum(k * c * x_star ** (k - 1) for k, c in enumerate(b, start=1))
        jump = 2 * abs(p) * abs(dA)
        assert abs(jump - mpmath.mpf("2.2205e-7")) < 1e-10
        assert abs(2 * a[0] * abs(b[0]) - jump) < 1e-11  # the same size as the jump at 0
    # Autograd gives the mean P′(x*) at the double nearest x* (and wherever b1 + b2·x + … is 0 to within its
    # rounding error, about 30 ulps here), and each side's slope beyond that.
    with mpmath.workdps(40):
        dp = sum(j * c * x_star ** (j - 1) for j, c in enumerate(a) if j)
        left, right = (float(dp - p * s * dA) for s in (1, -1))  # sign(A) = +1 left of x*, −1 right of it
        mean = float(dp)
    points = [float(x_star - mpmath.mpf("1e-19")), float(x_star), float(x_star + mpmath.mpf("1e-19"))]
    t = torch.tensor(points, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(pau()(t).sum(), t)
    assert g.tolist() == pytest.approx([left, mean, right], rel=1e-15), (g.tolist(), [left, mean, right])
    assert pau().derivative(torch.tensor(points, dtype=torch.float64)).tolist() == pytest.approx(g.tolist())
    declared = pau().kinks[1]
    subs = pau().substitutions()
    assert float(declared.at.subs(subs)) == float(x_star) and float(declared.grad.subs(subs)) == mean


def test_paper_and_code_denominators_differ_by_at_most_3e_8_on_the_fit_interval():
    x = torch.linspace(-3, 3, 60001, dtype=torch.float64)
    a, b = rational.A_INIT, rational.B_INIT
    p = sum(c * x**j for j, c in enumerate(a))
    code = p / (1 + sum(abs(c) * x.abs() ** k for k, c in enumerate(b, start=1)))
    gap = (pau()(x) - code).abs()
    assert gap[x >= 0].max().item() < 1e-14  # the same function there (up to rounding)
    assert 3.0e-8 < gap.max().item() < 3.1e-8


def test_wiggles_and_asymptote_quoted_on_the_page():
    x = torch.linspace(-4, 1, 500001, dtype=torch.float64)
    y = pau()(x)
    d = torch.sign(y[1:] - y[:-1])
    turns = torch.nonzero(d[1:] != d[:-1]).flatten() + 1
    found = [(round(x[i].item(), 2), round(y[i].item(), 4)) for i in turns]
    assert found == [(-2.18, -0.0184), (-1.64, -0.0202), (-0.62, 0.0003), (-0.23, -0.0141)]
    far = pau()(torch.tensor([-10.0, 10.0], dtype=torch.float64)).tolist()
    assert [round(v, 2) for v in far] == [-2.27, 7.83]
    slope = pau().derivative(torch.tensor([-math.inf, math.inf], dtype=torch.float64))
    assert torch.allclose(slope, torch.tensor(rational.A_INIT[5] / rational.B_INIT[3], dtype=torch.float64))
