"""Self-checks specific to the sigmoid-like and shrink specs, beyond the registry-wide suite.

Each test pins a numerical choice made in actref/catalog/sigmoid_like.py or shrink.py (a stable form, a
torch convention at a kink, a parameter check), or a claim made on those pages.
"""

import math

import mpmath
import pytest
import torch
import torch.nn.functional as F

import actref


def grad_of(fn, values, dtype=torch.float64, **params):
    """(f(x), autograd f′(x)) for a list of values."""
    x = torch.tensor(values, dtype=dtype, requires_grad=True)
    y = fn(x, **params)
    (g,) = torch.autograd.grad(y.sum(), x)
    return y.detach(), g


def rel(a: float, b) -> float:
    return abs(a - float(b)) / abs(float(b))


# --------------------------------------------------------------------------------------------- tanh, sigmoid


@pytest.mark.parametrize("value", [10.0, 20.0, 50.0, 100.0, 300.0])
def test_tanh_autograd_is_accurate_in_the_tails(value):
    # expm1's backward uses expm1(z) + 1, which rounds to 0 for z ≲ −37 and used to halve tanh′ here.
    tanh = actref.get("tanh")
    _, g = grad_of(tanh, [value, -value])
    with mpmath.workdps(60 + int(value)):
        truth = 1 - mpmath.tanh(value) ** 2
    assert rel(g[0].item(), truth) < 1e-13 and rel(g[1].item(), truth) < 1e-13


def test_tanh_keeps_tiny_inputs():
    tanh = actref.get("tanh")
    x = torch.tensor([1e-30, -1e-300, 0.4999, 0.5, 0.5001], dtype=torch.float64)
    assert tanh(x)[0].item() == 1e-30 and tanh(x)[1].item() == -1e-300
    # the two branches meet at |x| = 1/2 without a visible seam
    torch.testing.assert_close(tanh(x)[2:], torch.tanh(x[2:]), rtol=1e-15, atol=0)


# --------------------------------------------------------------------------------------------- logsigmoid


def test_logsigmoid_tails_where_log_of_sigmoid_fails():
    logsigmoid = actref.get("log_sigmoid")
    y, g = grad_of(logsigmoid, [-1000.0, 700.0, -1e300])
    assert y[0].item() == -1000.0 and y[2].item() == -1e300  # log(σ(−1000)) would be log(0) = −inf
    assert math.isinf(torch.log(torch.sigmoid(torch.tensor(-1000.0, dtype=torch.float64))).item())
    with mpmath.workdps(400):
        truth = -mpmath.log1p(mpmath.exp(-700))
    assert rel(y[1].item(), truth) < 1e-14
    assert g.tolist()[0] == 1.0 and g.tolist()[2] == 1.0


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.bfloat16])
def test_logsigmoid_low_precision_extremes(dtype):
    big = torch.finfo(dtype).max
    y, g = grad_of(actref.get("logsigmoid"), [-big, big, -1e4, 1e4], dtype=dtype)
    assert y.dtype == dtype and y.isfinite().all() and g.isfinite().all()
    assert y[0].item() == -big and y[1].item() == 0.0 and g[0].item() == 1.0 and g[1].item() == 0.0


# --------------------------------------------------------------------------------------------- softsign


def test_softsign_is_c1_but_not_c2_at_zero():
    softsign = actref.get("softsign")
    x = torch.tensor([-1e-9, 0.0, 1e-9], dtype=torch.float64, requires_grad=True)
    (d1,) = torch.autograd.grad(softsign(x).sum(), x, create_graph=True)
    (d2,) = torch.autograd.grad(d1.sum(), x)
    assert torch.allclose(d1.detach(), torch.ones(3, dtype=torch.float64), atol=1e-8)  # f′ continuous
    assert d2[0].item() == pytest.approx(2.0, rel=1e-7) and d2[2].item() == pytest.approx(-2.0, rel=1e-7)
    assert softsign.properties.smoothness == "C1"


@pytest.mark.parametrize("value", [1e4, 1e8, 1e15, 1e150])
def test_softsign_autograd_has_no_cancellation_for_large_inputs(value):
    # Autograd of x/(1 + |x|) subtracts two terms of size 1/|x|: relative error ≈ ε·|x|.
    softsign = actref.get("softsign")
    _, g = grad_of(softsign, [value, -value])
    truth = 1 / (1 + mpmath.mpf(value)) ** 2
    assert rel(g[0].item(), truth) < 1e-15 and rel(g[1].item(), truth) < 1e-15
    _, naive = grad_of(lambda t: t / (1 + t.abs()), [1e8])
    assert rel(naive[0].item(), 1 / (1 + mpmath.mpf(1e8)) ** 2) > 1e-10  # the failure we avoid


def test_softsign_infinities_differ_from_torch():
    x = torch.tensor([math.inf, -math.inf], dtype=torch.float64)
    assert actref.get("softsign")(x).tolist() == [1.0, -1.0]
    assert F.softsign(x).isnan().all()  # documented in builtin_differences
    assert "nan" in actref.get("softsign").builtin_differences


# --------------------------------------------------------------------------------------------- hardsigmoid


def test_hardsigmoid_is_accurate_next_to_minus_three():
    # (x + 3)/6 is exact there (x + 3 has no rounding error); x/6 + 1/2 keeps only ~6 digits at 1e-10 away.
    x = torch.tensor([-3 + 1e-10, -3 + 1e-14], dtype=torch.float64)
    y = actref.get("hard_sigmoid")(x)
    with mpmath.workdps(50):
        truth = [(mpmath.mpf(v) + 3) / 6 for v in x.tolist()]
        assert rel(y[0].item(), truth[0]) < 1e-15 and rel(y[1].item(), truth[1]) < 1e-15
        assert rel((x[1] / 6 + 0.5).item(), truth[1]) > 1e-5


def test_hardsigmoid_kinks_and_slope_match_torch():
    spec = actref.get("hardsigmoid")
    for dtype in (torch.float64, torch.float32, torch.float16):
        pts = [-3.0, 3.0, 0.0, -4.0, 2.0]
        y, g = grad_of(spec, pts, dtype=dtype)
        yb, gb = grad_of(F.hardsigmoid, pts, dtype=dtype)
        assert torch.equal(y, yb)
        torch.testing.assert_close(g, gb)  # torch multiplies by 1/6, we divide by 6: last-bit differences
        assert g[0].item() == 0.0 and g[1].item() == 0.0
    assert spec.derivative(torch.tensor([0.0], dtype=torch.float64)).item() == 1 / 6


# --------------------------------------------------------------------------------------------- hardtanh


def test_hardtanh_rejects_min_above_max_naming_both():
    spec = actref.get("hard_tanh")
    with pytest.raises(ValueError, match=r"min_val=2\.0.*max_val=1\.0"):
        spec(torch.zeros(3), min_val=2.0, max_val=1.0)
    with pytest.raises(ValueError, match="min_val"):
        spec.module(min_val=2.0, max_val=1.0)
    with pytest.raises(ValueError, match="max_val"):
        spec(torch.zeros(3), max_val=math.nan)


@pytest.mark.parametrize("bounds", [(-2.0, 3.0), (0.0, 6.0), (0.5, 0.5), (-1e30, 1e30)])
def test_hardtanh_other_bounds_match_torch_including_kinks(bounds):
    lo, hi = bounds
    spec = actref.get("hardtanh")
    pts = [lo, hi, lo - 1, hi + 1, (lo + hi) / 2, -math.inf, math.inf, math.nan]
    for dtype in (torch.float64, torch.float32):
        y, g = grad_of(spec, pts, dtype=dtype, min_val=lo, max_val=hi)
        yb, gb = grad_of(F.hardtanh, pts, dtype=dtype, min_val=lo, max_val=hi)
        torch.testing.assert_close(y, yb, equal_nan=True, rtol=0, atol=0)
        torch.testing.assert_close(g[:-1], gb[:-1], rtol=0, atol=0)  # at NaN the gradient is arbitrary
        assert g[0].item() == 0.0 and g[1].item() == 0.0  # torch's subgradient at both kinks
        d = spec.derivative(torch.tensor(pts, dtype=dtype), min_val=lo, max_val=hi)
        assert d[:2].tolist() == [0.0, 0.0] and math.isnan(d[-1].item())


def test_hardtanh_with_0_6_is_relu6():
    x = torch.linspace(-10, 10, 2001, dtype=torch.float64)
    torch.testing.assert_close(
        actref.get("hardtanh")(x, min_val=0.0, max_val=6.0), F.relu6(x), rtol=0, atol=0
    )


# --------------------------------------------------------------------------------------------- shrinks


@pytest.mark.parametrize("name", ["softshrink", "hardshrink"])
def test_shrinks_reject_negative_lambd(name):
    with pytest.raises(ValueError, match="lambd"):
        actref.get(name)(torch.zeros(2), lambd=-0.1)
    with pytest.raises(ValueError, match="lambd"):
        actref.get(name)(torch.zeros(2), lambd=math.nan)


@pytest.mark.parametrize("name", ["softshrink", "hardshrink"])
@pytest.mark.parametrize("lambd", [0.0, 0.5, 1.5, 3.0])
def test_shrinks_match_torch_at_and_around_lambda(name, lambd):
    spec, builtin = actref.get(name), spec_builtin(name)
    pts = [
        -lambd,
        lambd,
        -lambd - 1e-9,
        lambd + 1e-9,
        0.0,
        -0.0,
        2 * lambd + 1,
        -math.inf,
        math.inf,
        math.nan,
    ]
    for dtype in (torch.float64, torch.float32, torch.bfloat16):
        y, g = grad_of(spec, pts, dtype=dtype, lambd=lambd)
        yb, gb = grad_of(builtin, pts, dtype=dtype, lambd=lambd)
        torch.testing.assert_close(y, yb, equal_nan=True, rtol=0, atol=0)
        torch.testing.assert_close(g[:-1], gb[:-1], rtol=0, atol=0)
        assert g[0].item() == 0.0 and g[1].item() == 0.0  # torch's gradient at ±λ


def spec_builtin(name):
    return {"softshrink": F.softshrink, "hardshrink": F.hardshrink}[name]


def test_softshrink_is_the_proximal_operator_of_lambda_abs():
    # softshrink(y) = argmin_u ½(u − y)² + λ|u|: check against a brute-force minimisation.
    lambd = 0.7
    u = torch.linspace(-5, 5, 100001, dtype=torch.float64)
    for yv in [-3.2, -0.71, -0.2, 0.0, 0.4, 0.69, 1.3, 4.0]:
        objective = 0.5 * (u - yv) ** 2 + lambd * u.abs()
        best = u[objective.argmin()].item()
        assert actref.get("softshrink")(
            torch.tensor(yv, dtype=torch.float64), lambd=lambd
        ).item() == pytest.approx(best, abs=2e-4)


def test_hardshrink_jumps_by_lambda_and_skips_small_outputs():
    spec = actref.get("hard_shrink")
    lambd = 0.5
    eps = 1e-12
    y = spec(torch.tensor([lambd, lambd + eps, -lambd, -lambd - eps], dtype=torch.float64))
    assert y[0].item() == 0.0 and y[1].item() == pytest.approx(lambd) and y[3].item() == pytest.approx(-lambd)
    out = spec(torch.linspace(-3, 3, 60001, dtype=torch.float64))
    nonzero = out[out != 0].abs()
    assert nonzero.min().item() > lambd  # the range has a gap: no output with 0 < |y| ≤ λ
    assert spec.properties.smoothness == "discontinuous"


def test_hardshrink_negative_lambd_is_rejected_although_torch_accepts_it():
    x = torch.tensor([0.1, -0.2])
    torch.testing.assert_close(F.hardshrink(x, -1.0), x)  # torch: silently the identity
    assert "lambd < 0" in actref.get("hardshrink").builtin_differences


# --------------------------------------------------------------------------------------------- tanhshrink


@pytest.mark.parametrize(
    "value", [1e-300, 1e-100, 1e-30, 1e-8, 1e-4, 1e-3, 0.01, 0.05, 0.0999999999, 0.1, 0.1000000001, 0.3, 2.0]
)
def test_tanhshrink_forward_and_derivative_for_small_inputs(value):
    spec = actref.get("tanh_shrink")
    y, g = grad_of(spec, [value, -value])
    d = spec.derivative(torch.tensor([value], dtype=torch.float64))
    digits = 60 + int(-2 * math.log10(value)) if value < 1 else 60
    with mpmath.workdps(digits):
        f_true = mpmath.mpf(value) - mpmath.tanh(value)
        d_true = mpmath.tanh(value) ** 2
    if abs(f_true) > 2.3e-308:  # 1e-300 and 1e-100 give subnormal or zero values
        assert rel(y[0].item(), f_true) < 1e-13 and rel(-y[1].item(), f_true) < 1e-13
    if abs(d_true) > 2.3e-308:
        assert rel(d.item(), d_true) < 1e-14
        assert rel(g[0].item(), d_true) < 1e-13


def test_tanhshrink_derivative_at_1e_minus_30_where_torch_gives_0():
    d = actref.get("tanhshrink").derivative(torch.tensor([1e-30], dtype=torch.float64))
    assert d.item() == pytest.approx(1e-60, rel=1e-15)
    _, g = grad_of(F.tanhshrink, [1e-30])
    assert g.item() == 0.0  # torch's 1 − (1 − tanh²) rounds to 0


def test_tanhshrink_float32_is_accurate_where_torch_cancels():
    x = torch.logspace(-6, 0, 200, dtype=torch.float32)
    ours = actref.get("tanhshrink")(x).double()
    theirs = F.tanhshrink(x).double()
    with mpmath.workdps(60):
        truth = torch.tensor(
            [float(mpmath.mpf(v) - mpmath.tanh(v)) for v in x.double().tolist()], dtype=torch.float64
        )
    ours_err = ((ours - truth).abs() / truth).max().item()
    theirs_err = ((theirs - truth).abs() / truth).max().item()
    assert ours_err < 1e-5  # float32 forward, several correct digits everywhere
    assert theirs_err > 0.5  # F.tanhshrink has no correct digits for the smallest x (documented)


# --------------------------------------------------------------------------------------------- threshold


def test_threshold_defaults_are_ours_and_equal_relu():
    spec = actref.get("threshold")
    assert spec.defaults == {"threshold": 0.0, "value": 0.0}
    with pytest.raises(TypeError):
        F.threshold(torch.zeros(1))  # torch has no defaults
    x = torch.linspace(-5, 5, 1001, dtype=torch.float64)
    torch.testing.assert_close(spec(x), torch.relu(x), rtol=0, atol=0)


@pytest.mark.parametrize("params", [(1.0, 2.0), (1.0, -5.0), (-0.5, -0.5), (0.0, 0.0)])
def test_threshold_jump_gradient_and_torch_agreement(params):
    t, v = params
    spec = actref.get("threshold")
    pts = [t, t + 1e-9, t - 1e-9, t + 3, -math.inf, math.inf, math.nan]
    for dtype in (torch.float64, torch.float32):
        y, g = grad_of(spec, pts, dtype=dtype, threshold=t, value=v)
        yb, gb = grad_of(F.threshold, pts, dtype=dtype, threshold=t, value=v)
        torch.testing.assert_close(y, yb, equal_nan=True, rtol=0, atol=0)
        torch.testing.assert_close(g, gb, rtol=0, atol=0)
        assert g[0].item() == 0.0 and y[0].item() == v and y[4].item() == v
    # the jump at x = t is t − v: continuous only when value = threshold
    y = spec(torch.tensor([t, t + 1e-12], dtype=torch.float64), threshold=t, value=v)
    assert (y[1] - y[0]).item() == pytest.approx(t - v, abs=1e-9)


def test_threshold_with_value_above_threshold_is_not_monotonic():
    y = actref.get("threshold")(torch.tensor([0.5, 1.5]), threshold=1.0, value=2.0)
    assert y[0] > y[1]


@pytest.mark.parametrize("param", ["threshold", "value"])
def test_threshold_rejects_non_finite_parameters(param):
    with pytest.raises(ValueError, match=param):
        actref.get("threshold")(torch.zeros(2), **{param: math.inf})
