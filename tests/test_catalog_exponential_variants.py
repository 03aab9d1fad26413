"""exponential_variants: xIELU's learnable slopes (softplus parametrisation, chain rule, vmap), and the claims the
pages make about eˣ, ISRLU, ELiSH and hard ELiSH that the registry-wide tests do not check by themselves.
"""

import math

import mpmath
import pytest
import sympy
import torch
from torch.func import functional_call, vmap

import actref
from actref.symbolic import x as sx

XIELU = actref.get("xielu")
SYMBOLS = XIELU.symbols()


def sample(shape=(4, 6, 9), seed=0, dtype=torch.float64):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=dtype) * 3


# ---------------------------------------------------------------------------------------------- xIELU: module
def test_module_stores_softplus_raw_parameters_like_transformers():
    m = XIELU.module()
    assert [n for n, _ in m.named_parameters()] == ["alpha_p", "alpha_n"] == list(XIELU.extra["learnable"])
    alpha_p, alpha_n = m.slopes()
    # The effective values are the spec's defaults to the last bit, so a fresh module is exactly xielu(x).
    assert alpha_p.item() == 0.8 and alpha_n.item() == 0.8
    # transformers: alpha_p = log(expm1(alpha_p_init)), alpha_n = log(expm1(alpha_n_init − beta)).
    assert m.alpha_p.item() == pytest.approx(math.log(math.expm1(0.8)), rel=1e-14)
    assert m.alpha_n.item() == pytest.approx(math.log(math.expm1(0.8 - 0.5)), rel=1e-14)
    assert m.beta == 0.5 and m.eps == -1e-6


def test_raw_parameter_gradients_are_the_chain_rule_through_softplus():
    m = XIELU.module(alpha_p=1.3, alpha_n=0.9, beta=0.4, eps=-1e-3)
    with torch.no_grad():
        m.alpha_p.add_(0.25)
        m.alpha_n.sub_(0.5)
    x = sample()
    weights = torch.linspace(-1, 2, x.numel(), dtype=torch.float64).reshape(x.shape)
    (m(x) * weights).sum().backward()
    # The same loss through the functional form with the effective slopes as leaves.
    a_p, a_n = (v.detach().clone().requires_grad_() for v in m.slopes())
    loss = (XIELU(x, alpha_p=a_p, alpha_n=a_n, beta=0.4, eps=-1e-3) * weights).sum()
    g_p, g_n = torch.autograd.grad(loss, (a_p, a_n))
    # softplus′ = σ; α_n = β + softplus(raw), so the offset β does not change the derivative.
    torch.testing.assert_close(m.alpha_p.grad, g_p * torch.sigmoid(m.alpha_p.detach()), rtol=1e-13, atol=0)
    torch.testing.assert_close(m.alpha_n.grad, g_n * torch.sigmoid(m.alpha_n.detach()), rtol=1e-13, atol=0)


def test_module_matches_the_functional_form_after_training_steps():
    m = XIELU.module()
    opt = torch.optim.SGD(m.parameters(), lr=0.05)
    x = sample()
    for _ in range(3):
        opt.zero_grad()
        m(x).square().mean().backward()
        opt.step()
    a_p, a_n = m.slopes()
    assert a_p.item() != 0.8 and a_n.item() != 0.8 and a_n.item() > 0.5
    for dtype in (torch.float64, torch.float32):
        xd = x.to(dtype)
        want = XIELU(xd, alpha_p=a_p.item(), alpha_n=a_n.item())
        torch.testing.assert_close(m(xd), want, rtol=0, atol=0)


def test_per_channel_slopes():
    slopes_p = torch.tensor([0.2, 0.5, 0.8, 1.0, 1.5, 3.0], dtype=torch.float64)
    slopes_n = torch.tensor([0.6, 0.7, 0.8, 1.0, 2.0, 25.0], dtype=torch.float64)
    m = XIELU.module(alpha_p=slopes_p, alpha_n=slopes_n)
    assert m.alpha_p.shape == m.alpha_n.shape == (6,)
    a_p, a_n = m.slopes()
    assert torch.equal(a_p, slopes_p) and torch.equal(a_n, slopes_n)
    x = sample((2, 6, 5))
    one = [XIELU(x[:, c], alpha_p=slopes_p[c].item(), alpha_n=slopes_n[c].item()) for c in range(6)]
    torch.testing.assert_close(m(x), torch.stack(one, dim=1), rtol=0, atol=0)
    with pytest.raises(ValueError, match="alpha_p has 6 values but x has 4 channels"):
        m(torch.randn(2, 4, 3))


def test_module_runs_under_vmap_like_the_stacked_trainer():
    m = XIELU.module()
    n_models = 3
    stacked = {k: p.detach().unsqueeze(0).repeat(n_models, 1) for k, p in m.named_parameters()}
    stacked["alpha_n"] = stacked["alpha_n"] + torch.tensor([[0.0], [0.3], [-0.2]], dtype=torch.float64)
    stacked = {k: v.requires_grad_() for k, v in stacked.items()}
    h = torch.randn(n_models, 5, 7) * 3
    out = vmap(lambda p, x: functional_call(m, p, (x,)), in_dims=(0, 0))(stacked, h)
    for i in range(n_models):
        m_i = XIELU.module()
        with torch.no_grad():
            for k, p in m_i.named_parameters():
                p.copy_(stacked[k][i])
        torch.testing.assert_close(out[i], m_i(h[i]), rtol=0, atol=0)
    out.sum().backward()
    assert all(v.grad is not None and v.grad.isfinite().all() for v in stacked.values())


# ---------------------------------------------------------------------------------------------- xIELU: math
@pytest.mark.parametrize("name", ["alpha_p", "alpha_n"])
def test_parameter_derivative_matches_sympy(name):
    d_expr = sympy.diff(XIELU.expr, SYMBOLS[name])
    subs = XIELU.substitutions()
    fn = sympy.lambdify(sx, d_expr.subs(subs), modules=["mpmath"])
    points = [-30.0, -2.5, -1.0, -0.3, -1e-3, -5e-7, 0.0, 1e-8, 0.4, 2.0, 7.5]
    for p in points:
        t = torch.tensor(0.8, dtype=torch.float64, requires_grad=True)
        (g,) = torch.autograd.grad(XIELU(torch.tensor([p], dtype=torch.float64), **{name: t}).sum(), t)
        with mpmath.workdps(50):
            want = float(fn(mpmath.mpf(p)))
        # ∂f/∂α_n = expm1(x) − x cancels for small |x| (relative error ≈ 2·eps/|x|), as in every implementation.
        assert abs(g.item() - want) <= 1e-13 * abs(want) + 4 * 2.3e-16 * abs(p), (name, p, g.item(), want)


def test_agrees_with_the_reference_formula_away_from_the_clip():
    # α_n·(expm1(min(x, ε)) − x) + β·x, the form transformers and mlx-lm evaluate.
    x = torch.cat([sample((1000,)), torch.tensor([-1e-7, 0.0, -1e-5, 3.0])])
    a_p, a_n, b, e = 0.8, 0.8, 0.5, -1e-6
    ref = torch.where(x > 0, a_p * x * x + b * x, a_n * (torch.expm1(torch.clamp(x, max=e)) - x) + b * x)
    torch.testing.assert_close(XIELU(x), ref, rtol=1e-12, atol=1e-15)


def test_the_clip_makes_a_jump_at_zero_and_a_kink_at_eps():
    f = XIELU(torch.tensor([0.0, 5e-324], dtype=torch.float64)).tolist()
    assert f[0] == pytest.approx(0.8 * math.expm1(-1e-6), rel=1e-15)
    assert f[1] == pytest.approx(0.0, abs=1e-300)
    x = torch.tensor([-1e-6], dtype=torch.float64, requires_grad=True)
    (ours,) = torch.autograd.grad(XIELU(x).sum(), x)
    assert ours.item() == pytest.approx(0.8 * math.exp(-1e-6) - 0.3, rel=1e-14)
    # torch.minimum splits the gradient of a tie in half: the note on the kink says so.
    (split,) = torch.autograd.grad(
        (0.8 * (torch.expm1(torch.minimum(x, torch.tensor(-1e-6, dtype=torch.float64))) - x) + 0.5 * x).sum(),
        x,
    )
    assert split.item() == pytest.approx(0.8 * math.exp(-1e-6) / 2 - 0.3, rel=1e-14)


def test_eps_zero_is_the_unclipped_c1_function():
    x = torch.tensor([-1e-300, 0.0, 1e-300], dtype=torch.float64, requires_grad=True)
    f = XIELU(x, eps=0.0)
    assert f.tolist() == [pytest.approx(-0.5e-300), 0.0, pytest.approx(0.5e-300)]
    (g,) = torch.autograd.grad(f.sum(), x)
    assert g.tolist() == [0.5, 0.5, 0.5]
    kink_grads = [float(sympy.sympify(k.grad).subs(XIELU.substitutions(eps=0.0))) for k in XIELU.kinks]
    assert kink_grads == [0.5, 0.5]


def test_alpha_n_must_exceed_beta_and_eps_must_not_be_positive():
    with pytest.raises(ValueError, match=r"alpha_n=0\.5 .*beta=0\.5"):
        XIELU(torch.ones(3), alpha_n=0.5)
    with pytest.raises(ValueError, match=r"alpha_n=0\.8 .*beta=1\.0"):
        XIELU.module(beta=1.0)
    with pytest.raises(ValueError, match="eps"):
        XIELU(torch.ones(3), eps=1e-6)
    with pytest.raises(ValueError, match="alpha_p"):
        XIELU.module(alpha_p=0.0)


def test_no_overflow_before_the_true_value_overflows():
    x = torch.tensor([1.4e154, -1.7e308], dtype=torch.float64)
    f = XIELU(x)
    assert f.isfinite().all()
    assert f[0].item() == pytest.approx(1.4e154 * (0.8 * 1.4e154 + 0.5), rel=1e-14)
    assert f[1].item() == pytest.approx(-0.8 + 0.3 * 1.7e308, rel=1e-14)


# ---------------------------------------------------------------------------------------------- the others
def test_exponential_is_torch_exp_and_keras():
    x = sample((50,))
    assert torch.equal(actref.get("exponential")(x), torch.exp(x))


def test_isrlu_alpha_must_be_positive_and_extremes_stay_finite():
    spec = actref.get("isrlu")
    with pytest.raises(ValueError, match="alpha"):
        spec(torch.ones(3), alpha=0.0)
    x = torch.tensor([-1.7e308, -1e200, -1e154, -1.0], dtype=torch.float64, requires_grad=True)
    f = spec(x, alpha=1.75)
    want = [-1 / math.sqrt(1.75)] * 3 + [-1 / math.sqrt(2.75)]
    assert f.tolist() == pytest.approx(want, rel=1e-15)
    (g,) = torch.autograd.grad(f.sum(), x)
    assert g.isfinite().all() and g[-1].item() == pytest.approx(2.75**-1.5, rel=1e-14)
    x32 = torch.tensor([-3e38, -1e20], dtype=torch.float32)
    assert spec(x32).tolist() == pytest.approx([-1.0, -1.0])


def test_elish_minimum_is_two_root_two_minus_three():
    spec = actref.get("elish")
    x_star = math.log(math.sqrt(2) - 1)
    f = spec(torch.tensor([x_star], dtype=torch.float64)).item()
    assert f == pytest.approx(2 * math.sqrt(2) - 3, rel=1e-15)
    assert spec.derivative(torch.tensor([x_star], dtype=torch.float64)).item() == pytest.approx(0, abs=1e-16)


def test_hard_elish_outer_pieces_own_the_kinks_as_a_clamp_composition_does():
    spec = actref.get("hard_elish")
    x = torch.tensor([-1.0, 1.0], dtype=torch.float64, requires_grad=True)
    (ours,) = torch.autograd.grad(spec(x).sum(), x)
    assert ours.tolist() == [0.0, 1.0]
    h = torch.clamp((x + 1) / 2, 0, 1)
    composed = torch.where(x >= 0, x * h, torch.expm1(x) * h)
    (theirs,) = torch.autograd.grad(composed.sum(), x)
    # torch.clamp's gradient is 0 at its bounds, so the composition agrees with our subgradients.
    assert theirs.tolist() == [0.0, 1.0]
    assert torch.equal(spec(x.detach()), composed.detach())
