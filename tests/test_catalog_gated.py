"""Checks specific to the gated specs (actref/catalog/gated.py) that the registry-wide suite does not make.

- the approximation errors quoted on the pages (GELU-tanh ≈ 4.7e−4, QuickGELU ≈ 2e−2), measured on a dense
  grid and compared with the maximum that mpmath finds at a root of the derivative of the difference;
- tail accuracy where the textbook forms fail (erf and tanh cancellation, sigmoid flushing to 0), against
  independent mpmath formulas (mpmath's own ncdf, log1p, ...), not the spec's sympy expression;
- the SiLU β scaling law, Hardswish's one-sided derivatives and exact minimum, and the stability choices
  (clamped cubic in GELU-tanh, piecewise Hardswish, two-branch Mish gate).
"""

from __future__ import annotations

import math

import mpmath
import pytest
import torch

import actref

F64 = torch.float64
TINY = torch.finfo(F64).tiny


# ----------------------------------------------------------------------------- independent mpmath truths
def mp_gelu(x):
    return x * mpmath.ncdf(x)


def mp_gelu_tanh(x):
    c = mpmath.sqrt(2 / mpmath.pi)
    z = c * (x + mpmath.mpf(44715) / 10**6 * x**3)
    return x / (1 + mpmath.exp(-2 * z))  # ½x(1 + tanh z) = x·σ(2z), exact in exact arithmetic


def mp_quick_gelu(x):
    return x / (1 + mpmath.exp(-mpmath.mpf(1702) / 1000 * x))


def mp_mish(x):
    return x * mpmath.tanh(mpmath.log1p(mpmath.exp(x)))


def mp_silu(x, beta=1):
    return x / (1 + mpmath.exp(-beta * x))


def mp_hardswish(x):
    return x * min(max(x + 3, 0), 6) / 6


TRUTH = {
    "gelu": mp_gelu,
    "gelu_tanh": mp_gelu_tanh,
    "quick_gelu": mp_quick_gelu,
    "mish": mp_mish,
    "silu": mp_silu,
    "hardswish": mp_hardswish,
}


def rel_err(got: float, true) -> float:
    return float(abs(mpmath.mpf(got) - true) / abs(true))


# ----------------------------------------------------------------------------- approximation errors
def _max_abs_difference(approx, exact, x0: float) -> tuple[float, float]:
    """(argmax, max) of |approx − exact|, from a root of the derivative of the difference (mpmath)."""
    with mpmath.workdps(40):
        diff = lambda t: approx(t) - exact(t)  # noqa: E731
        root = mpmath.findroot(lambda t: mpmath.diff(diff, t), x0)
        return float(root), float(abs(diff(root)))


@pytest.mark.parametrize(
    ("name", "x0", "low", "high"),
    [
        # The pages quote ≈4.7e−4 at |x| ≈ 2.7 for the tanh form and ≈2e−2 for x·σ(1.702x).
        ("gelu_tanh", 2.7, 4.6e-4, 4.8e-4),
        ("quick_gelu", 2.3, 1.9e-2, 2.1e-2),
    ],
)
def test_approximation_error_against_exact_gelu(name, x0, low, high):
    approx = TRUTH[name]
    where, worst = _max_abs_difference(approx, mp_gelu, x0)
    assert low < worst < high
    # Both approximations share GELU's identity f(x) − f(−x) = x, so the difference is even: the same
    # extremum sits at −where.
    assert _max_abs_difference(approx, mp_gelu, -x0)[1] == pytest.approx(worst, rel=1e-12)

    # Measure it with our implementations on a dense grid over [−8, 8]: the grid maximum may fall short of
    # the true maximum only by the curvature term (spacing² · |d″| ≲ 1e−8 · 1e−2), never exceed it.
    grid = torch.linspace(-8, 8, 160_001, dtype=F64)
    gap = (actref.get(name)(grid) - actref.get("gelu")(grid)).abs()
    measured = gap.max().item()
    assert worst - 1e-9 <= measured <= worst + 1e-14
    argmax = abs(grid[gap.argmax()].item())
    assert argmax == pytest.approx(abs(where), abs=2e-4)


def test_gelu_tanh_summary_bound():
    # The gelu_tanh summary promises "within 4.8e−4"; the quick_gelu summary "within 0.021".
    assert _max_abs_difference(mp_gelu_tanh, mp_gelu, 2.7)[1] < 4.8e-4
    assert _max_abs_difference(mp_quick_gelu, mp_gelu, 2.3)[1] < 0.021


# ----------------------------------------------------------------------------- tails
TAIL_POINTS = {
    # GELU: 1 + erf(x/√2) cancels to 0 below x ≈ −8.3 in float64; erfc does not.
    "gelu": [-37.0, -30.0, -20.0, -8.5, -5.5, 5.0, 30.0],
    # GELU-tanh: 1 + tanh z cancels below x ≈ −3; σ(2z) does not. ±100 is where z is clamped.
    "gelu_tanh": [-21.0, -10.0, -5.0, -3.0, 3.0, 10.0, 100.0, 1e4],
    # QuickGELU: torch.sigmoid flushes to 0 below 1.702x ≈ −709.8, i.e. x ≈ −417.
    "quick_gelu": [-419.0, -417.5, -417.0, -100.0, -10.0, 10.0, 400.0],
    # SiLU: the same flush below x ≈ −709.8, while x·σ(x) stays normal down to x ≈ −715.
    "silu": [-714.0, -712.0, -709.0, -700.0, -100.0, 40.0, 700.0],
    # Mish: both branches of the gate, far into each tail.
    "mish": [-714.0, -700.0, -100.0, -20.0, -1e-300, 1e-300, 19.0, 40.0, 1e300],
    # Hardswish: next to the kinks, where x + 3 and x − 3 are exact but small.
    "hardswish": [-3 + 2**-40, -2.9999999, -1.5, 1e-300, 2.9999999, 3 - 2**-40, 1e300],
}


@pytest.mark.parametrize(("name", "point"), [(n, p) for n, pts in TAIL_POINTS.items() for p in pts])
def test_float64_tails_match_independent_mpmath(name, point):
    with mpmath.workdps(60):
        true = TRUTH[name](mpmath.mpf(point))
    assert abs(true) > TINY, "only points whose true value is a normal double belong here"
    got = actref.get(name)(torch.tensor([point], dtype=F64)).item()
    assert rel_err(got, true) < 1e-10


@pytest.mark.parametrize("point", [-712.0, -30.0, -10.0, -1.3, 0.7, 40.0])
def test_analytic_derivative_in_tails_against_mpmath(point):
    # Numerical differentiation of the independent truths at 120 digits, for every smooth spec.
    for name in ("gelu", "gelu_tanh", "quick_gelu", "mish", "silu"):
        with mpmath.workdps(120):
            true = mpmath.diff(TRUTH[name], mpmath.mpf(point))
        if abs(true) <= TINY:
            continue
        got = actref.get(name).derivative(torch.tensor([point], dtype=F64)).item()
        assert rel_err(got, true) < 1e-10, (name, point, got)


def test_textbook_forms_fail_where_ours_do_not():
    # The pitfalls the stable forms exist for (so the comments in gated.py stay true).
    x = torch.tensor([-10.0], dtype=F64)
    textbook_gelu = 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))
    textbook_gelu_tanh = 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    assert textbook_gelu.item() == 0.0 and actref.get("gelu")(x).item() < -7e-23
    assert textbook_gelu_tanh.item() == 0.0 and actref.get("gelu_tanh")(x).item() < -1e-37
    far = torch.tensor([-712.0], dtype=F64)
    assert (far * torch.sigmoid(far)).item() == 0.0 and actref.get("silu")(far).item() < -4e-307


# ----------------------------------------------------------------------------- stability choices
def test_gelu_tanh_clamp_changes_nothing_in_float64():
    # z is computed from x clamped to ±100: there σ(2z) is already exactly 1 (or 0), so values beyond the
    # clamp are exactly x (or 0, the underflowed true value).
    x = torch.tensor([99.0, 100.0, 101.0, 1e4, 1e300], dtype=F64)
    assert torch.equal(actref.get("gelu_tanh")(x), x)
    neg = torch.tensor([-30.0, -100.0, -1e4, -1e300], dtype=F64)
    assert torch.all(actref.get("gelu_tanh")(neg) == 0)
    with mpmath.workdps(60):
        assert abs(mp_gelu_tanh(mpmath.mpf(-30))) < mpmath.mpf(10) ** -800


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.float16])
def test_float32_gradients_finite_where_builtins_are_not(dtype):
    top = torch.finfo(dtype).max
    x = torch.tensor([-top, -1e20, -1e13, 1e13, 1e20, top]).to(dtype)
    x = x[x.isfinite()]
    for name in ("gelu", "gelu_tanh", "quick_gelu", "mish", "silu", "hardswish"):
        xi = x.clone().requires_grad_()
        (grad,) = torch.autograd.grad(actref.get(name)(xi).sum(), xi)
        assert torch.isfinite(grad).all(), (name, dtype, grad)
        assert torch.equal(grad, (x > 0).to(dtype)), (name, dtype, grad)


def test_hardswish_no_overflow_and_builtin_difference():
    x = torch.tensor([1e20, 3e38, torch.finfo(torch.float32).max])
    assert torch.equal(actref.get("hardswish")(x), x)
    # F.hardswish forms x·6 before dividing (documented in builtin_differences); x = 1e37 is still fine there.
    assert torch.nn.functional.hardswish(torch.tensor([1e37])).isfinite().all()


def test_mish_gate_branches_meet_at_zero():
    # The x ≥ 0 gate (in t = e⁻ˣ) and the x < 0 gate (in n = eˣ(eˣ + 2)) both equal tanh(log 2) = 3/5 at 0.
    eps = torch.tensor([-1e-12, 1e-12], dtype=F64)
    mish = actref.get("mish")
    assert torch.allclose(mish(eps) / eps, torch.tensor(0.6, dtype=F64), rtol=1e-11, atol=0)
    eps = torch.tensor([-1e-12, 0.0, 1e-12], dtype=F64)
    assert torch.allclose(mish.derivative(eps), torch.tensor(0.6, dtype=F64), rtol=1e-11, atol=0)


# ----------------------------------------------------------------------------- SiLU's β
@pytest.mark.parametrize("beta", [0.25, 1.702, 4.0])
def test_silu_beta_scaling_law(beta):
    # SiLU_β(x) = silu(βx)/β: the minimum moves to x*/β with value f(x*)/β.
    silu = actref.get("silu")
    x = torch.linspace(-20, 20, 4001, dtype=F64)
    assert torch.allclose(silu(x, beta=beta), silu(beta * x) / beta, rtol=1e-14, atol=1e-300)
    x_min, f_min = silu.properties.minimum
    with mpmath.workdps(40):
        root = mpmath.findroot(lambda t: mpmath.diff(lambda u: mp_silu(u, beta), t), x_min / beta)
        assert float(root) == pytest.approx(x_min / beta, rel=1e-14)
        assert float(mp_silu(root, beta)) == pytest.approx(f_min / beta, rel=1e-14)
    for point in (-30.0, -1.0, 2.0):
        with mpmath.workdps(60):
            true = mpmath.diff(lambda u: mp_silu(u, beta), mpmath.mpf(point))
        got = silu.derivative(torch.tensor([point], dtype=F64), beta=beta).item()
        assert rel_err(got, true) < 1e-10


def test_quick_gelu_is_silu_with_beta_1702():
    x = torch.linspace(-50, 50, 10001, dtype=F64)
    assert torch.allclose(
        actref.get("quick_gelu")(x), actref.get("silu")(x, beta=1.702), rtol=1e-15, atol=1e-300
    )


# ----------------------------------------------------------------------------- Hardswish kinks and minimum
def test_hardswish_one_sided_derivatives_and_minimum():
    hs = actref.get("hardswish")
    h = 1e-7
    x = torch.tensor([-3 - h, -3 + h, 3 - h, 3 + h], dtype=F64)
    left_m3, right_m3, left_3, right_3 = hs.derivative(x).tolist()
    assert left_m3 == 0.0 and right_m3 == pytest.approx(-0.5, abs=1e-6)
    assert left_3 == pytest.approx(1.5, abs=1e-6) and right_3 == 1.0
    # PyTorch takes the outer one-sided derivative at each kink: 0 at −3, 1 at 3.
    at = torch.tensor([-3.0, 3.0], dtype=F64, requires_grad=True)
    (torch_grad,) = torch.autograd.grad(torch.nn.functional.hardswish(at).sum(), at)
    assert torch_grad.tolist() == [0.0, 1.0] == [float(k.grad) for k in hs.kinks]
    # The minimum of x(x + 3)/6 is exactly −3/8 at −3/2 (both exact in binary).
    assert hs(torch.tensor([-1.5], dtype=F64)).item() == -0.375 == float(hs.properties.range[0])
    assert hs.properties.minimum == (-1.5, -0.375)


@pytest.mark.parametrize("name", ["gelu", "gelu_tanh", "quick_gelu", "mish", "silu"])
def test_minimum_has_full_precision(name):
    # Properties store the minimum to double precision: check against mpmath's root at 40 digits.
    spec = actref.get(name)
    x_min, f_min = spec.properties.minimum
    with mpmath.workdps(40):
        root = mpmath.findroot(lambda t: mpmath.diff(TRUTH[name], t), x_min)
        assert abs(float(root) - x_min) <= 2e-16 * abs(x_min)
        assert abs(float(TRUTH[name](root)) - f_min) <= 2e-16 * abs(f_min)
        assert abs(float(spec.properties.range[0]) - float(TRUTH[name](root))) <= 2e-16 * abs(f_min)
