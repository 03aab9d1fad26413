"""Checks specific to the ReLU-like and exponential specs that the registry-wide suite does not make.

Kink subgradients against torch's own autograd (also at non-default parameters), softplus's threshold gap
measured against the exact function, SELU's fixed point by quadrature, accurate tail gradients, PReLU channels
and RReLU sampling, and the x·eˣ unit's minimum and C¹ join.
"""

from __future__ import annotations

import math

import mpmath
import pytest
import torch
import torch.nn.functional as F

import actref
from actref.nn import PReLU, RReLU

f64 = torch.float64


def autograd_at(fn, value: float, **params) -> float:
    x = torch.tensor([value], dtype=f64, requires_grad=True)
    fn(x, **params).sum().backward()
    return x.grad.item()


# ----------------------------------------------------------------------------- kinks vs torch's autograd
KINK_CASES = [
    ("relu6", {}, [(0.0, 0.0), (6.0, 0.0)]),
    ("leaky_relu", {}, [(0.0, 0.01)]),
    ("leaky_relu", {"negative_slope": 0.2}, [(0.0, 0.2)]),
    ("prelu", {}, [(0.0, 0.25)]),
    ("prelu", {"weight": -0.3}, [(0.0, -0.3)]),
    ("rrelu", {}, [(0.0, (1 / 8 + 1 / 3) / 2)]),
    ("rrelu", {"lower": 0.1, "upper": 0.3}, [(0.0, 0.2)]),
    ("squared_relu", {}, [(0.0, 0.0)]),
    ("elu", {}, [(0.0, 1.0)]),
    ("elu", {"alpha": 2.0}, [(0.0, 2.0)]),
    ("elu", {"alpha": 0.5}, [(0.0, 0.5)]),
    ("celu", {}, [(0.0, 1.0)]),
    ("celu", {"alpha": 2.0}, [(0.0, 1.0)]),
    ("selu", {}, [(0.0, 1.0507009873554804934 * 1.6732632423543772848)]),
    ("xexp_linear", {}, [(0.0, 1.0)]),
]


@pytest.mark.parametrize("name, params, points", KINK_CASES, ids=lambda v: str(v))
def test_kink_subgradients_match_torch(name, params, points):
    spec = actref.get(name)
    for at, want in points:
        ours = autograd_at(spec, at, **params)
        analytic = spec.derivative(torch.tensor([at], dtype=f64), **params).item()
        assert ours == pytest.approx(want, rel=1e-15) and analytic == pytest.approx(want, rel=1e-15)
        if spec.builtin is not None:
            assert autograd_at(spec.builtin, at, **params) == pytest.approx(want, rel=1e-15)
        # -0.0 is the same point
        assert autograd_at(spec, -0.0 if at == 0 else at, **params) == pytest.approx(want, rel=1e-15)


C1_JOINS = {
    "squared_relu",
    "celu",
    "xexp_linear",
}  # differentiable at 0: no Kink declared, value tested above


def test_declared_kinks_are_the_tested_ones():
    for name, params, points in KINK_CASES:
        if params:
            continue
        spec = actref.get(name)
        if name in C1_JOINS:
            assert spec.kinks == () and spec.properties.smoothness == "C1"
            continue
        subs = spec.substitutions()
        declared = sorted((float(k.at.subs(subs)), float(k.grad.subs(subs))) for k in spec.kinks)
        assert [a for a, _ in declared] == [a for a, _ in points]
        # substitutions() rounds float defaults to ~15 digits, hence approx (SELU's λα).
        assert [g for _, g in declared] == pytest.approx([g for _, g in points], rel=1e-13)


# ----------------------------------------------------------------------------- softplus
def exact_softplus(x: float, beta: float = 1.0) -> mpmath.mpf:
    with mpmath.workdps(60):
        z = mpmath.mpf(beta) * mpmath.mpf(x)
        return mpmath.log1p(mpmath.exp(z)) / beta


@pytest.mark.parametrize("beta", [1.0, 2.0, 0.5])
def test_softplus_is_exact_where_torch_cuts_off(beta):
    """Above 20/β torch returns x; the spec returns the exact log(1 + e^βx)/β, larger by log1p(e^−βx)/β."""
    spec = actref.get("softplus")
    x0 = math.nextafter(20.0 / beta, math.inf)
    ours = spec(torch.tensor([x0], dtype=f64), beta=beta).item()
    builtin = F.softplus(torch.tensor([x0], dtype=f64), beta=beta).item()
    assert builtin == x0  # torch's cut-off
    with mpmath.workdps(60):
        exact = exact_softplus(x0, beta)
        torch_gap = exact - mpmath.mpf(builtin)
        assert abs(mpmath.mpf(ours) - exact) <= 1e-15 * exact
        assert abs(torch_gap - mpmath.log1p(mpmath.exp(-20)) / beta) / torch_gap < 1e-6
    # The size the spec states (builtin_differences, and the tolerance tests/test_builtin.py allows).
    assert float(torch_gap) * beta == pytest.approx(spec.extra["builtin_abs_gap"], rel=1e-6)
    assert float(torch_gap) * beta == pytest.approx(2.06e-9, rel=1e-3)
    assert "2.06e-9" in spec.builtin_differences and "1.03e-10" in spec.builtin_differences
    if beta == 1.0:
        assert float(torch_gap) / x0 == pytest.approx(1.03e-10, rel=1e-2)
    # The exact f′ is σ(βx) on both sides of the cut-off (torch's jumps to 1); no kink, C∞.
    assert spec.properties.smoothness == "C∞" and spec.kinks == ()
    with mpmath.workdps(60):
        sigma = float(1 / (1 + mpmath.exp(-mpmath.mpf(beta) * mpmath.mpf(x0))))
    assert spec.derivative(torch.tensor([x0], dtype=f64), beta=beta).item() == pytest.approx(sigma, rel=1e-15)
    assert autograd_at(spec, x0, beta=beta) == pytest.approx(sigma, rel=1e-15)
    assert autograd_at(F.softplus, x0, beta=beta) == 1.0


@pytest.mark.parametrize("value", [-700.0, -100.0, -1e-20, 0.0, 1e-20, 3.0, 19.5, 20.5, 40.0, 700.0])
def test_softplus_float64_tails(value):
    spec = actref.get("softplus")
    x = torch.tensor([value], dtype=f64)
    got = spec(x).item()
    want = float(exact_softplus(value))
    assert got == pytest.approx(want, rel=1e-15)
    with mpmath.workdps(60):
        sig = 1 / (1 + mpmath.exp(-mpmath.mpf(value)))
    assert spec.derivative(x).item() == pytest.approx(float(sig), rel=1e-15)
    assert autograd_at(spec, value) == pytest.approx(float(sig), rel=1e-15)


def test_softplus_does_not_overflow():
    # The stable form carries the whole float range; where βx overflows, f(x) = x.
    spec = actref.get("softplus")
    x = torch.tensor([-1e300, -800.0, 800.0, 1e300], dtype=f64, requires_grad=True)
    y = spec(x)
    y.sum().backward()
    assert y.tolist() == [0.0, pytest.approx(float(exact_softplus(-800.0)), rel=1e-12), 800.0, 1e300]
    assert x.grad.tolist() == [0.0, pytest.approx(math.exp(-800.0), rel=1e-12), 1.0, 1.0]
    big = torch.tensor([1e308], dtype=f64)
    assert spec(big, beta=4.0).item() == 1e308  # βx = inf, the true value is x (+ 0)
    # The naive form overflows and its gradient is nan: the pitfall this guards against.
    xn = torch.tensor([100.0], dtype=torch.float32, requires_grad=True)
    naive = torch.log(1 + torch.exp(xn))
    naive.backward()
    assert naive.isinf().all() and xn.grad.isnan().all()


def test_softplus_rejects_nonpositive_beta():
    for bad in (0.0, -1.0, math.inf):
        with pytest.raises(ValueError, match="beta"):
            actref.get("softplus")(torch.zeros(2), beta=bad)


# ----------------------------------------------------------------------------- SELU fixed point
def test_selu_fixed_point_by_quadrature():
    spec = actref.get("selu")
    with mpmath.workdps(40):
        lam = mpmath.mpf("1.0507009873554804934193349852946")
        alpha = mpmath.mpf("1.6732632423543772848170429916717")

        def selu(z):
            return lam * z if z > 0 else lam * alpha * mpmath.expm1(z)

        def density(z):
            return mpmath.exp(-(z**2) / 2) / mpmath.sqrt(2 * mpmath.pi)

        nodes = [-mpmath.inf, 0, mpmath.inf]
        mean = mpmath.quad(lambda z: selu(z) * density(z), nodes)
        second = mpmath.quad(lambda z: selu(z) ** 2 * density(z), nodes)
        assert abs(mean) < 1e-30 and abs(second - 1) < 1e-30
    # The spec's float constants are the correctly rounded ones.
    assert spec.defaults == {"alpha": float(alpha), "scale": float(lam)}
    # The torch implementation has the same fixed point, by a large sample.
    z = torch.randn(2_000_000, dtype=f64, generator=torch.Generator().manual_seed(0))
    y = spec(z)
    assert abs(y.mean().item()) < 5e-3 and abs(y.square().mean().item() - 1) < 5e-3


def test_selu_matches_builtin_exactly_at_defaults():
    x = torch.linspace(-20, 20, 4001, dtype=f64)
    assert torch.allclose(actref.get("selu")(x), F.selu(x), rtol=1e-15, atol=0)


# ----------------------------------------------------------------------------- exponential tails
@pytest.mark.parametrize("name, params", [("elu", {}), ("selu", {}), ("celu", {}), ("celu", {"alpha": 2.0})])
@pytest.mark.parametrize("value", [-700.0, -50.0, -20.0, -1.0, -1e-3, -1e-30])
def test_exponential_autograd_is_accurate_in_the_tail(name, params, value):
    """expm1's backward computes eˣ as expm1(x) + 1, which cancels for x ≪ 0; our forward avoids it there."""
    spec = actref.get(name)
    alpha = params.get("alpha", 1.0)
    with mpmath.workdps(50):
        if name == "selu":
            true = mpmath.mpf(spec.defaults["scale"]) * mpmath.mpf(spec.defaults["alpha"]) * mpmath.exp(value)
            true_f = (
                mpmath.mpf(spec.defaults["scale"]) * mpmath.mpf(spec.defaults["alpha"]) * mpmath.expm1(value)
            )
        elif name == "celu":
            true = mpmath.exp(mpmath.mpf(value) / alpha)
            true_f = alpha * mpmath.expm1(mpmath.mpf(value) / alpha)
        else:
            true = mpmath.exp(value)
            true_f = mpmath.expm1(value)
    assert autograd_at(spec, value, **params) == pytest.approx(float(true), rel=1e-13)
    assert spec.derivative(torch.tensor([value], dtype=f64), **params).item() == pytest.approx(
        float(true), rel=1e-13
    )
    assert spec(torch.tensor([value], dtype=f64), **params).item() == pytest.approx(float(true_f), rel=1e-14)


def test_expm1_backward_pitfall_is_real():
    # Why the forwards switch to exp(x) − 1 below −1: torch.expm1's gradient is 0 at x = −50 (true: 1.9e-22).
    x = torch.tensor([-50.0], dtype=f64, requires_grad=True)
    torch.expm1(x).backward()
    assert x.grad.item() == 0.0


def test_celu_alpha_zero_raises_and_alpha_one_is_elu():
    celu, elu = actref.get("celu"), actref.get("elu")
    with pytest.raises(ValueError, match="alpha"):
        celu(torch.zeros(3), alpha=0.0)
    with pytest.raises(ValueError, match="alpha"):
        celu.module(alpha=0)
    x = torch.linspace(-10, 10, 1001, dtype=f64)
    assert torch.equal(celu(x), elu(x))


def test_celu_builtin_raises_the_error_the_spec_names():
    # F.celu's α = 0 error is a RuntimeError whose message begins "ZeroDivisionError", not a ZeroDivisionError.
    with pytest.raises(RuntimeError, match="ZeroDivisionError: alpha cannot be 0") as raised:
        F.celu(torch.zeros(3), alpha=0.0)
    assert not isinstance(raised.value, ZeroDivisionError)
    assert "F.celu raises RuntimeError for α = 0" in actref.get("celu").builtin_differences


def test_celu_is_c1_for_every_alpha_and_elu_only_for_alpha_one():
    h = 1e-7
    for alpha in (0.5, 1.0, 2.0):
        left = actref.get("celu").derivative(torch.tensor([-h], dtype=f64), alpha=alpha).item()
        assert left == pytest.approx(1.0, abs=1e-6 / alpha)
        left_elu = actref.get("elu").derivative(torch.tensor([-h], dtype=f64), alpha=alpha).item()
        assert left_elu == pytest.approx(alpha, rel=1e-6)  # a kink unless α = 1


def test_celu_builtin_backward_difference_is_as_documented():
    # Documented in builtin_differences: F.celu's backward for α = 0.3 is 5e-6 off at x = −40.
    x = torch.tensor([-40.0], dtype=f64, requires_grad=True)
    F.celu(x, alpha=0.3).backward()
    true = math.exp(-40.0 / 0.3)
    assert abs(x.grad.item() / true - 1) == pytest.approx(5.26e-6, rel=0.05)
    assert autograd_at(actref.get("celu"), -40.0, alpha=0.3) == pytest.approx(true, rel=1e-13)


# ----------------------------------------------------------------------------- x·eˣ linear unit
def test_xexp_linear_is_max_of_x_and_x_exp_minus_abs_x():
    spec = actref.get("xexp_linear")
    x = torch.linspace(-30, 30, 6001, dtype=f64)
    reference = torch.maximum(x, x * torch.exp(-x.abs()))
    assert torch.allclose(spec(x), reference, rtol=1e-15, atol=0)
    assert spec.builtin is None and spec.paper is None
    assert actref.get("su_jianlin") is spec and actref.get("max_x_xexp") is spec


def test_xexp_linear_minimum_is_minus_one_over_e_at_minus_one():
    spec = actref.get("xexp_linear")
    assert spec.properties.minimum == (-1.0, pytest.approx(-math.exp(-1), rel=1e-15))
    x = torch.linspace(-3, 1, 400_001, dtype=f64)
    y = spec(x)
    i = int(y.argmin())
    assert x[i].item() == pytest.approx(-1.0, abs=1e-5)
    assert y.min().item() == pytest.approx(-math.exp(-1), rel=1e-12)
    assert spec.derivative(torch.tensor([-1.0], dtype=f64)).item() == 0.0
    assert autograd_at(spec, -1.0) == 0.0


def test_xexp_linear_is_c1_not_c2_at_zero():
    spec = actref.get("xexp_linear")
    h = 1e-6

    def second(at):
        x = torch.tensor([at], dtype=f64, requires_grad=True)
        (g,) = torch.autograd.grad(spec(x).sum(), x, create_graph=True)
        (gg,) = torch.autograd.grad(g.sum(), x)
        return gg.item()

    left = spec.derivative(torch.tensor([-h], dtype=f64)).item()
    right = spec.derivative(torch.tensor([h], dtype=f64)).item()
    assert left == pytest.approx(1.0 - 2 * h, abs=1e-11) and right == 1.0  # e^{−h}(1 − h) = 1 − 2h + O(h²)
    assert second(-h) == pytest.approx(2.0, abs=1e-5) and second(h) == 0.0


def test_xexp_linear_special_values():
    spec = actref.get("xexp_linear")
    x = torch.tensor([-math.inf, math.inf, math.nan, -0.0, 0.0], dtype=f64)
    y, d = spec(x), spec.derivative(x)
    assert y[0].item() == 0.0 and y[1].item() == math.inf and math.isnan(y[2].item())
    assert d[0].item() == 0.0 and d[1].item() == 1.0 and math.isnan(d[2].item())
    for dtype in (torch.float32, torch.float16, torch.bfloat16):
        big = torch.finfo(dtype).max
        v = torch.tensor([big, -big, 1e4, -1e4], dtype=dtype, requires_grad=True)
        out = spec(v)
        out.sum().backward()
        assert torch.isfinite(out).all() and torch.isfinite(v.grad).all()


# ----------------------------------------------------------------------------- squared ReLU
def test_squared_relu_builtin_and_second_derivative_jump():
    spec = actref.get("squared_relu")
    x = torch.linspace(-5, 5, 1001, dtype=f64)
    assert torch.equal(spec(x), torch.relu(x).square())
    assert actref.get("relu_squared") is spec
    h = 1e-6
    left = spec.derivative(torch.tensor([-h], dtype=f64)).item()
    right = spec.derivative(torch.tensor([h], dtype=f64)).item()
    assert left == 0.0 and right == pytest.approx(2 * h)  # C¹: f′ continuous at 0
    # float32: the gradient 2x is finite while x² is representable; beyond, inf is the true value rounded.
    v = torch.tensor([1e19, -3e38], dtype=torch.float32, requires_grad=True)
    out = spec(v)
    out.sum().backward()
    assert torch.isfinite(out).all() and v.grad.tolist() == [pytest.approx(2e19, rel=1e-7), 0.0]


# ----------------------------------------------------------------------------- ReLU6
def test_relu6_limits_and_builtin():
    spec = actref.get("relu6")
    x = torch.tensor([-math.inf, math.inf, math.nan, 5.999, 6.001, -1e30], dtype=torch.float32)
    assert spec(x)[[0, 1, 3, 4, 5]].tolist() == [0.0, 6.0, pytest.approx(5.999), 6.0, 0.0]
    assert math.isnan(spec(x)[2].item())
    g = torch.linspace(-10, 10, 2001, dtype=f64)
    assert torch.equal(spec(g), F.relu6(g))


# ----------------------------------------------------------------------------- PReLU
def test_prelu_per_channel_matches_torch():
    spec = actref.get("prelu")
    w = torch.tensor([0.1, -0.2, 0.3], dtype=f64)
    x = torch.randn(4, 3, 5, 5, dtype=f64, generator=torch.Generator().manual_seed(1))
    assert torch.equal(spec(x, weight=w), F.prelu(x, w))
    d = spec.derivative(x, weight=w)
    expected = torch.where(x <= 0, w.view(1, 3, 1, 1).expand_as(x), torch.ones_like(x))
    assert torch.equal(d, expected)


def test_prelu_wrong_channel_count_names_both_numbers():
    spec = actref.get("prelu")
    w = torch.full((3,), 0.25)
    with pytest.raises(ValueError, match=r"3 slopes.*4 channels"):
        spec(torch.randn(2, 4, 8), weight=w)
    module = PReLU(num_parameters=3)
    with pytest.raises(ValueError, match=r"num_parameters=3.*4 channels"):
        module(torch.randn(2, 4, 8))
    with pytest.raises(ValueError, match="num_parameters"):
        PReLU(num_parameters=0)


def test_prelu_module_learns_and_round_trips():
    module = PReLU(num_parameters=3, init=0.1)
    reference = torch.nn.PReLU(num_parameters=3, init=0.1)
    x = torch.randn(8, 3, 4, generator=torch.Generator().manual_seed(2))
    y, y_ref = module(x), reference(x)
    assert torch.allclose(y, y_ref)
    y.square().sum().backward()
    y_ref.square().sum().backward()
    assert torch.allclose(module.weight.grad, reference.weight.grad, rtol=1e-5)
    state = module.state_dict()
    assert list(state) == ["weight"] and state["weight"].shape == (3,)
    fresh = PReLU(num_parameters=3)
    fresh.load_state_dict(state)
    assert torch.equal(fresh(x), y.detach())
    # torch's own PReLU state loads into ours: same key and shape
    fresh.load_state_dict(reference.state_dict())
    # one shared slope broadcasts over any number of channels
    assert PReLU()(torch.randn(2, 7, 3)).shape == (2, 7, 3)
    # spec.module: a number gives one slope initialised to it; a tensor gives one slope per channel
    assert actref.get("prelu").module(weight=0.4).weight.tolist() == [pytest.approx(0.4)]
    per_channel = actref.get("prelu").module(weight=torch.tensor([0.1, 0.2]))
    assert per_channel.weight.tolist() == [pytest.approx(0.1), pytest.approx(0.2)]


# ----------------------------------------------------------------------------- RReLU
def test_rrelu_training_samples_slopes_in_bounds():
    spec = actref.get("rrelu")
    x = -torch.ones(200_000, dtype=f64)
    torch.manual_seed(3)
    slopes = -spec(x, training=True)
    assert slopes.min().item() >= 1 / 8 and slopes.max().item() <= 1 / 3
    assert slopes.unique().numel() > 1000  # one draw per element
    assert slopes.mean().item() == pytest.approx((1 / 8 + 1 / 3) / 2, abs=2e-3)
    positive = torch.linspace(0.1, 5, 50, dtype=f64)
    assert torch.equal(spec(positive, training=True), positive)
    # evaluation is deterministic and equals the mean slope
    assert torch.equal(spec(x), torch.full_like(x, -(1 / 8 + 1 / 3) / 2))
    with pytest.raises(ValueError, match="training=True"):
        spec.derivative(x, training=True)


def test_rrelu_lower_above_upper_names_both():
    spec = actref.get("rrelu")
    with pytest.raises(ValueError, match=r"lower=0\.5.*upper=0\.2"):
        spec(torch.zeros(2), lower=0.5, upper=0.2)
    with pytest.raises(ValueError, match=r"lower=0\.5.*upper=0\.2"):
        spec.module(lower=0.5, upper=0.2)
    with pytest.raises(ValueError, match=r"lower=0\.5.*upper=0\.2"):
        RReLU(lower=0.5, upper=0.2)


def test_rrelu_module_train_and_eval_modes():
    module = actref.get("rrelu").module()
    assert isinstance(module, RReLU) and module.training  # like nn.RReLU, a new module is in train mode
    x = -torch.ones(10_000)
    torch.manual_seed(4)
    a, b = module(x), module(x)
    assert not torch.equal(a, b)  # fresh slopes each call
    module.eval()
    expected = torch.full_like(x, -(1 / 8 + 1 / 3) / 2)
    assert torch.equal(module(x), expected)
    assert torch.allclose(module(x), torch.nn.RReLU().eval()(x))
