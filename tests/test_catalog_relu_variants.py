"""Checks specific to actref/catalog/relu_variants.py that the registry-wide suite does not make.

Learnable parameters (StarReLU, SReLU, APL): autograd's ∂f/∂param against sympy's diff(expr, symbol) by mpmath,
per-channel values, the modules under vmap + functional_call (the stacked trainer's path), APL's S hinges and
the invalid values; squareplus's b; StarReLU's standardisation by quadrature.
"""

from __future__ import annotations

import math

import mpmath
import pytest
import sympy
import torch
from torch.func import functional_call, vmap

import actref
from actref import symbolic
from actref.catalog.relu_variants import APL
from actref.experiments.stacked import GroupActivation

f64 = torch.float64
LEARNABLE = ("star_relu", "srelu", "apl")
POINTS = [-4.3, -2.2, -1.3, -0.7, -0.2, 0.3, 0.8, 1.4, 2.6, 5.1]


def param_cases():
    cases = []
    for name in LEARNABLE:
        spec = actref.get(name)
        defaults = spec.defaults
        cases.append((name, {}))
        cases.append((name, {k: v * 1.5 + 0.05 for k, v in defaults.items()}))
    return cases


@pytest.mark.parametrize(("name", "params"), param_cases(), ids=lambda v: str(v))
def test_parameter_gradients_equal_sympy(name, params):
    spec = actref.get(name)
    merged = spec.resolve(params)
    assert set(spec.extra["learnable"]) == set(spec.params)
    subs = spec.substitutions(**merged)
    x = torch.tensor(POINTS, dtype=f64)
    tensors = {k: torch.tensor(float(v), dtype=f64, requires_grad=True) for k, v in merged.items()}
    y = spec(x, **tensors)
    for key, p in spec.params.items():
        (grad,) = torch.autograd.grad(y.sum(), tensors[key], retain_graph=True)
        fn = symbolic.mp_function(sympy.diff(spec.expr, p.symbol), subs)
        with mpmath.workdps(40):
            want = sum(fn(mpmath.mpf(v)) for v in POINTS)
        assert float(grad) == pytest.approx(float(want), rel=1e-12, abs=1e-14), (name, key)


@pytest.mark.parametrize("name", LEARNABLE)
def test_per_channel_parameters_act_on_dim_1(name):
    spec = actref.get(name)
    C = 3
    values = {k: torch.tensor([v, v * 0.5 - 0.1, v * 1.3 + 0.2], dtype=f64) for k, v in spec.defaults.items()}
    if name == "srelu":  # keep t_left ≤ t_right in every channel
        values["t_left"], values["t_right"] = torch.tensor([-1.0, -0.5, -2.0]), torch.tensor([1.0, 0.2, 0.5])
    x = torch.randn(4, C, 5, dtype=f64, generator=torch.Generator().manual_seed(0)) * 3
    y = spec(x, **values)
    for c in range(C):
        one = spec(x[:, c], **{k: float(v[c]) for k, v in values.items()})
        torch.testing.assert_close(y[:, c], one, rtol=0, atol=0)
    d = spec.derivative(x, **values)
    for c in range(C):
        torch.testing.assert_close(
            d[:, c], spec.derivative(x[:, c], **{k: float(v[c]) for k, v in values.items()})
        )
    with pytest.raises(ValueError, match="channels"):
        spec(torch.randn(2, 4, 5), **values)


@pytest.mark.parametrize("name", LEARNABLE)
def test_module_parameters_are_named_like_the_spec(name):
    spec = actref.get(name)
    m = spec.module()
    assert {n for n, _ in m.named_parameters()} == set(spec.extra["learnable"])


@pytest.mark.parametrize("name", LEARNABLE)
def test_module_runs_under_vmap_like_the_stacked_trainer(name):
    spec = actref.get(name)
    group = GroupActivation(spec, 0, 3)
    with torch.no_grad():
        for i, p in enumerate(group.stacked):
            p.add_(0.05 * torch.arange(3, dtype=p.dtype).reshape(-1, *([1] * (p.dim() - 1))) * (i + 1))
    h = torch.randn(3, 8, 6, generator=torch.Generator().manual_seed(1)) * 2
    out = group(h, model_dim=0)
    out.square().sum().backward()
    for m in range(3):
        params = {n: p[m] for n, p in zip(group.param_names, group.stacked, strict=True)}
        torch.testing.assert_close(out[m], functional_call(group.unit, params, (h[m],)))
    for n, p in zip(group.param_names, group.stacked, strict=True):
        assert p.grad is not None and p.grad.isfinite().all(), n


def test_vmap_over_per_channel_srelu():
    m = actref.get("srelu").module(num_parameters=6)
    params = {n: p.detach().unsqueeze(0).repeat(2, 1) for n, p in m.named_parameters()}
    x = torch.randn(2, 4, 6)
    out = vmap(lambda p, xi: functional_call(m, p, (xi,)))(params, x)
    torch.testing.assert_close(out, torch.stack([m(x[0]), m(x[1])]))


# ----------------------------------------------------------------------------- APL
@pytest.mark.parametrize("S", [0, -1, 1.5, True, "2"])
def test_apl_rejects_invalid_S(S):
    with pytest.raises(ValueError, match="S"):
        actref.get("apl").module(S=S)


def test_apl_extra_hinges_start_switched_off():
    x = torch.linspace(-5, 5, 101, dtype=torch.float32)
    two = actref.get("apl").module()(x)
    five = actref.get("apl").module(S=5)
    assert {n for n, _ in five.named_parameters()} == {f"{k}{s}" for k in "ab" for s in range(1, 6)}
    torch.testing.assert_close(five(x), two, rtol=0, atol=0)
    assert [five.a3.item(), five.a4.item(), five.a5.item()] == [0.0, 0.0, 0.0]
    assert [five.b3.item(), five.b4.item(), five.b5.item()] == [2.0, -2.0, 3.0]
    one = APL(S=1)
    torch.testing.assert_close(one(x.double()), actref.get("apl")(x.double(), a2=0.0))
    assert "S=5" in repr(five)


def test_apl_kinks_follow_torch_relu_at_each_hinge():
    # Hinges on either side of 0 and in either order: the declared subgradients hold for each.
    spec = actref.get("apl")
    for params in ({"b1": -0.5, "b2": 0.5}, {"b1": 2.0, "b2": 0.5, "a1": 0.3}, {"b1": -1.0, "b2": -2.0}):
        subs = spec.substitutions(**params)
        for kink in spec.kinks:
            at, grad = float(kink.at.subs(subs)), float(sympy.sympify(kink.grad).subs(subs))
            t = torch.tensor([at], dtype=f64, requires_grad=True)
            spec(t, **params).sum().backward()
            assert t.grad.item() == pytest.approx(grad, abs=1e-15), (params, at)
            assert spec.derivative(t.detach(), **params).item() == pytest.approx(grad, abs=1e-15)


# ----------------------------------------------------------------------------- invalid values
def test_srelu_thresholds_must_be_ordered():
    spec = actref.get("srelu")
    for call in (lambda: spec(torch.ones(3), t_left=2.0, t_right=1.0), lambda: spec.module(t_left=2.0)):
        with pytest.raises(ValueError) as info:
            call()
        assert "t_left=2.0" in str(info.value) and "t_right=1.0" in str(info.value)
    with pytest.raises(ValueError, match="t_right"):
        spec(torch.ones(3), t_left=torch.tensor([0.0, 2.0]), t_right=torch.tensor([1.0, 1.0]))
    assert torch.equal(spec(torch.tensor([0.5]), t_left=0.5, t_right=0.5), torch.tensor([0.5]))


@pytest.mark.parametrize("b", [-1.0, 0.0, math.inf, math.nan])
def test_squareplus_b_must_be_positive(b):
    with pytest.raises(ValueError, match=r"b > 0") as info:
        actref.get("squareplus")(torch.ones(3), b=b)
    assert f"b={b!r}" in str(info.value)


# ----------------------------------------------------------------------------- values from the papers
def test_squareplus_b4_matches_softplus_curvature_and_b0_limit_is_relu():
    sp = actref.get("squareplus")
    x = torch.tensor([0.0], dtype=f64, requires_grad=True)
    (g,) = torch.autograd.grad(sp(x).sum(), x, create_graph=True)
    (gg,) = torch.autograd.grad(g.sum(), x)
    assert g.item() == 0.5 and gg.item() == pytest.approx(0.25, rel=1e-15)  # softplus″(0) = σ′(0) = 1/4
    z = torch.tensor([-3.0, -0.5, 0.5, 3.0], dtype=f64)
    torch.testing.assert_close(sp(z, b=1e-12), torch.relu(z), atol=1e-6, rtol=0)


def test_star_relu_standardises_a_standard_normal():
    with mpmath.workdps(30):
        s, b = 2 / mpmath.sqrt(5), -1 / mpmath.sqrt(5)
        mean = mpmath.quad(lambda z: (s * max(z, 0) ** 2 + b) * mpmath.npdf(z), [-mpmath.inf, 0, mpmath.inf])
        second = mpmath.quad(
            lambda z: (s * max(z, 0) ** 2 + b) ** 2 * mpmath.npdf(z), [-mpmath.inf, 0, mpmath.inf]
        )
    assert abs(mean) < 1e-20 and abs(second - 1) < 1e-20
    defaults = actref.get("star_relu").defaults
    assert (defaults["scale"], defaults["bias"]) == (0.8944, -0.4472)  # the paper's values, rounded


@pytest.mark.parametrize("name", ["bent_identity", "srelu", "apl"])
def test_init_gain_preserves_the_second_moment(name):
    spec = actref.get(name)
    f = symbolic.mp_function(spec.expr, spec.substitutions())
    with mpmath.workdps(30):
        second = mpmath.quad(lambda z: f(z) ** 2 * mpmath.npdf(z), [-mpmath.inf, -1, 0, 1, mpmath.inf])
    assert spec.init.gain == pytest.approx(float(1 / mpmath.sqrt(second)), rel=1e-14)
