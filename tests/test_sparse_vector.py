"""softmin, sparsemax, 1.5-entmax, SoLU and bilinear beyond the registry-wide checks of tests/test_vector.py:
agreement with the `entmax` package, Jacobian–vector products in both modes, the laws of the probability maps
(rows sum to 1, shift invariance, exact zeros), the documented ±inf / nan / empty-dim conventions.

`entmax` is a test dependency (the `test` extra, pinned in constraints.txt): without it this module fails at
import, it does not skip.
"""

from __future__ import annotations

import math
import warnings

import entmax
import pytest
import torch
import torch.nn.functional as F

import actref

PROBABILITY = ["softmin", "sparsemax", "entmax15"]
SPARSE = {"sparsemax": entmax.sparsemax, "entmax15": entmax.entmax15}
NEW = ["softmin", "sparsemax", "entmax15", "solu", "bilinear"]
DTYPES = [(torch.float64, 1e-13), (torch.float32, 2e-6)]


def randn(shape, dtype=torch.float64, seed=0, scale=1.0):
    g = torch.Generator().manual_seed(seed)
    return (scale * torch.randn(shape, generator=g, dtype=torch.float64)).to(dtype)


def jacobian(spec, x):
    return torch.autograd.functional.jacobian(lambda v: spec(v), x)


def simplex_jacobian(s):
    """diag(s) − s sᵀ / Σ s: sparsemax's Jacobian with s = [p > 0], 1.5-entmax's with s = √p (both papers)."""
    return torch.diag(s) - torch.outer(s, s) / s.sum()


def analytic_jacobian(name, x):
    if name == "softmin":
        s = torch.softmax(-x, 0)
        return torch.outer(s, s) - torch.diag(s)
    if name == "sparsemax":
        return simplex_jacobian((entmax.sparsemax(x, dim=0) > 0).to(x.dtype))
    if name == "entmax15":
        return simplex_jacobian(entmax.entmax15(x, dim=0).sqrt())
    if name == "solu":
        s = torch.softmax(x, 0)
        return torch.diag(s) + x[:, None] * (torch.diag(s) - torch.outer(s, s))
    a, b = x.chunk(2)  # bilinear
    return torch.cat([torch.diag(b), torch.diag(a)], dim=1)


# ------------------------------------------------------------------------------------------- entmax package
@pytest.mark.parametrize(("dtype", "tol"), DTYPES)
@pytest.mark.parametrize("name", sorted(SPARSE))
def test_forward_matches_the_entmax_package(name, dtype, tol):
    ours, theirs = actref.get(name), SPARSE[name]
    for seed, scale in enumerate((0.05, 0.3, 1.0, 3.0, 30.0, 1e4)):
        x = randn((40, 7, 13), dtype, seed, scale)
        for dim in (0, 1, 2, -1, -2):
            torch.testing.assert_close(ours(x, dim=dim), theirs(x, dim=dim), rtol=0, atol=tol)


@pytest.mark.parametrize("name", sorted(SPARSE))
def test_vjp_matches_the_entmax_package(name):
    ours, theirs = actref.get(name), SPARSE[name]
    for seed, scale in enumerate((0.3, 1.0, 3.0)):
        x = randn((30, 11), seed=seed, scale=scale).requires_grad_()
        cotangent = randn((30, 11), seed=seed + 50)
        for dim in (0, -1):
            (mine,) = torch.autograd.grad(ours(x, dim=dim), x, cotangent)
            (ref,) = torch.autograd.grad(theirs(x, dim=dim), x, cotangent)
            torch.testing.assert_close(mine, ref, rtol=0, atol=1e-13)


@pytest.mark.parametrize("name", sorted(SPARSE))
def test_ties_and_the_support_edge_match_the_entmax_package(name):
    """Equal inputs, and an input exactly at τ: it gets 0 and no gradient, as in the entmax package."""
    ours, theirs = actref.get(name), SPARSE[name]
    edge = {"sparsemax": [1.5, 2.0, 2.0, -3.0], "entmax15": [2.0 - 2 * 0.5**0.5, 2.0, 2.0, -3.0]}[name]
    for row in ([0.0] * 5, [1.0, 1.0, 1.0, -1.0, -1.0], [3.0, 3.0, 0.0, 0.0], edge):
        x = torch.tensor(row, dtype=torch.float64, requires_grad=True)
        torch.testing.assert_close(ours(x), theirs(x, dim=0), rtol=0, atol=1e-15)
        cotangent = torch.linspace(-1.0, 2.0, len(row), dtype=torch.float64)
        (mine,) = torch.autograd.grad(ours(x), x, cotangent)
        (ref,) = torch.autograd.grad(theirs(x, dim=0), x, cotangent)
        torch.testing.assert_close(mine, ref, rtol=0, atol=1e-14)
    x = torch.tensor(edge, dtype=torch.float64, requires_grad=True)
    assert ours(x)[0].item() == pytest.approx(0.0, abs=1e-15)
    assert jacobian(ours, x.detach())[:, 0].abs().max().item() < 1e-12  # outside the support


def test_readme_examples_of_the_entmax_package():
    x = torch.tensor([-2.0, 0.0, 0.5], dtype=torch.float64)
    torch.testing.assert_close(
        actref.get("sparsemax")(x), torch.tensor([0.0, 0.25, 0.75], dtype=torch.float64)
    )
    assert actref.get("entmax15")(x).tolist() == pytest.approx([0.0, 0.3260, 0.6740], abs=5e-5)


# --------------------------------------------------------------------------------------- Jacobian–vector
@pytest.mark.parametrize("name", NEW)
def test_jvp_and_vjp_equal_the_analytic_jacobian(name):
    spec = actref.get(name)
    for seed in range(4):
        x = randn((8,), seed=seed, scale=[0.2, 1.0, 2.0, 4.0][seed])
        jac = analytic_jacobian(name, x)
        tangent, cotangent = randn((8,), seed=seed + 10), randn((jac.shape[0],), seed=seed + 20)
        _, forward = torch.func.jvp(lambda v: spec(v), (x,), (tangent,))  # forward mode
        _, pullback = torch.func.vjp(lambda v: spec(v), x)  # reverse mode
        (backward,) = pullback(cotangent)
        torch.testing.assert_close(forward, jac @ tangent, rtol=1e-12, atol=1e-14)
        torch.testing.assert_close(backward, cotangent @ jac, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", PROBABILITY)
def test_probability_jacobians_have_zero_column_sums(name):
    # Σ_i p_i = 1 for every x, so each column of the Jacobian sums to 0 (and each row, by shift invariance).
    spec = actref.get(name)
    for seed in range(3):
        jac = jacobian(spec, randn((9,), seed=seed, scale=2.0))
        assert jac.sum(0).abs().max().item() < 1e-14
        assert jac.sum(1).abs().max().item() < 1e-14


def test_entmax15_is_c1_not_c2_at_the_support_edge():
    # x₁ crosses τ at the edge point: the Jacobian is continuous there, its derivative is not.
    entmax15 = actref.get("entmax15")
    edge = 2.0 - 2 * 0.5**0.5  # with two inputs at 2, τ = 1 − 1/√2 in z = x/2: x = 2τ is the edge
    eps = 1e-6

    def jac_at(x0):
        return jacobian(entmax15, torch.tensor([x0, 2.0, 2.0, -3.0], dtype=torch.float64))

    lo, mid, hi = jac_at(edge - eps), jac_at(edge), jac_at(edge + eps)
    assert (hi - lo).abs().max().item() < 1e-5  # continuous: C1
    left, right = (mid - lo) / eps, (hi - mid) / eps
    assert (right - left).abs().max().item() > 0.1  # the second derivative jumps: not C2
    assert entmax15.properties.smoothness == "C1"


# ----------------------------------------------------------------------------------------- the laws
@pytest.mark.parametrize(("dtype", "tol"), DTYPES)
@pytest.mark.parametrize("name", PROBABILITY)
def test_rows_sum_to_one_in_range_and_shift_invariant(name, dtype, tol):
    spec = actref.get(name)
    x = randn((5, 6, 12), dtype, seed=7, scale=4.0)
    for dim in (0, 1, 2, -1):
        p = spec(x, dim=dim)
        assert (p >= 0).all() and (p <= 1).all()
        torch.testing.assert_close(p.sum(dim), torch.ones_like(p.sum(dim)), rtol=0, atol=10 * tol)
        for shift in (-1e3, 7.25, 1e3):
            torch.testing.assert_close(spec(x + shift, dim=dim), p, rtol=0, atol=1e4 * tol)


def test_solu_is_x_times_softmax_and_shifts_by_c_times_softmax():
    solu = actref.get("solu")
    x = randn((4, 16), seed=3, scale=3.0)
    s = torch.softmax(x, -1)
    torch.testing.assert_close(solu(x), x * s, rtol=1e-14, atol=1e-15)  # TransformerLens's `x * softmax(x)`
    torch.testing.assert_close(solu(x + 2.5), solu(x) + 2.5 * s, rtol=1e-13, atol=1e-14)
    assert (solu(x).abs() <= x.abs()).all()


def test_softmin_is_softmax_of_minus_x():
    x = randn((3, 5, 7), seed=4, scale=3.0)
    for dim in (0, 1, -1):
        torch.testing.assert_close(
            actref.get("softmin")(x, dim=dim), torch.softmax(-x, dim), rtol=0, atol=1e-15
        )


def test_sparsity_thresholds():
    """An input at or below max − 1 (sparsemax) or max − 2 (1.5-entmax) always gets exactly 0; a lead of
    that much over the rest gives a one-hot output with a zero Jacobian."""
    for name, gap in (("sparsemax", 1.0), ("entmax15", 2.0)):
        spec = actref.get(name)
        x = randn((2000, 8), seed=8, scale=2.0)
        p = spec(x)
        far = x <= x.amax(-1, keepdim=True) - gap
        assert far.any() and (p[far] == 0).all(), name
        # supports of every size occur at this scale, and the support is exactly {x_i > τ}
        sizes = (p > 0).sum(-1)
        assert sizes.min() == 1 and sizes.max() >= 4, (name, sizes.unique())
        lead = torch.tensor([gap, 0.0, -0.5, -3.0], dtype=torch.float64)
        assert spec(lead).tolist() == [1.0, 0.0, 0.0, 0.0], name
        assert jacobian(spec, lead).abs().max().item() == 0.0, name
    x = torch.tensor([0.3, 0.2, -0.4, -1.0], dtype=torch.float64)
    assert (actref.get("softmax")(x) > 0).all()  # softmax, for contrast, is never exactly 0
    assert actref.get("sparsemax")(x).tolist()[-1] == 0.0 and actref.get("entmax15")(x)[-1] > 0


# -------------------------------------------------------------------------------------- conventions
INF = math.inf


def test_minus_inf_among_finite_inputs_gets_zero_with_finite_gradients():
    row = torch.tensor([[-INF, 0.0, 1.0, 0.5]], dtype=torch.float64)
    for name in ("sparsemax", "entmax15", "solu"):
        spec = actref.get(name)
        x = row.clone().requires_grad_()
        y = spec(x)
        finite = spec(row[:, 1:])  # a −inf input is as if it were not there
        assert y[0, 0].item() == 0.0 and torch.equal(y[:, 1:], finite), name
        (grad,) = torch.autograd.grad(y, x, torch.linspace(0.5, 2.0, 4, dtype=torch.float64)[None])
        assert torch.isfinite(grad).all() and grad[0, 0].item() == 0.0, name
    for name, theirs in SPARSE.items():
        torch.testing.assert_close(actref.get(name)(row), theirs(row, dim=-1))
    # softmin's mirror image: +inf among finite inputs gets 0, as F.softmin.
    softmin = actref.get("softmin")
    torch.testing.assert_close(softmin(-row), F.softmin(-row, dim=-1))
    assert softmin(-row)[0, 0].item() == 0.0


@pytest.mark.parametrize("name", ["softmin", "sparsemax", "entmax15", "solu"])
def test_rows_with_no_distribution_are_nan_as_documented(name):
    spec = actref.get(name)
    bad = INF if name == "softmin" else -INF  # softmin's "+inf" is softmax's "−inf"
    rows = torch.tensor([[bad] * 3, [-bad, 0.0, 1.0], [math.nan, 0.0, 1.0], [-bad] * 3], dtype=torch.float64)
    assert spec(rows).isnan().all(), spec(rows)
    assert "all −inf" in spec.conventions or "all +inf" in spec.conventions
    if name == "softmin":  # the same as torch
        assert F.softmin(rows, dim=-1).isnan().all()


@pytest.mark.parametrize("name", ["softmin", "sparsemax", "entmax15", "solu"])
def test_empty_dim_raises_naming_the_problem(name):
    spec = actref.get(name)
    for shape, dim in (((3, 0), -1), ((0, 4), 0), ((0,), 0)):
        with pytest.raises(ValueError, match=rf"{name}: dim {dim} has size 0"):
            spec(torch.zeros(shape), dim=dim)
        with pytest.raises(ValueError, match="size 0"):
            spec.module(dim=dim)(torch.zeros(shape))
    assert spec(torch.zeros(0, 4), dim=-1).shape == (0, 4)  # an empty batch is fine


def test_f_softmin_default_dim_is_not_the_last():
    # The documented difference: F.softmin(x) without dim warns and normalises dim 0 of a 3-D tensor.
    x = randn((2, 3, 4), seed=9)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        implicit = F.softmin(x)
    assert any("Implicit dimension" in str(w.message) for w in caught)
    torch.testing.assert_close(implicit, actref.get("softmin")(x, dim=0))
    assert not torch.allclose(implicit, actref.get("softmin")(x))
    assert "dim defaults to None" in actref.get("softmin").builtin_differences


def test_extreme_inputs_keep_solu_gradients_finite():
    solu = actref.get("solu")
    for dtype in (torch.float32, torch.float64):
        big = torch.finfo(dtype).max
        x = torch.tensor([big, -big, 0.0, -INF], dtype=dtype, requires_grad=True)
        y = solu(x)
        assert y.tolist() == [big, 0.0, 0.0, 0.0]
        (grad,) = torch.autograd.grad(y, x, torch.ones_like(y))
        assert torch.isfinite(grad).all(), (dtype, grad)


# ---------------------------------------------------------------------------------------------- bilinear
def test_bilinear_is_the_product_of_the_halves():
    bilinear = actref.get("bilinear")
    assert actref.get("bilinear_glu") is bilinear
    x = randn((3, 10), seed=2)
    a, b = x.chunk(2, dim=-1)
    torch.testing.assert_close(bilinear(x), a * b, rtol=0, atol=0)
    torch.testing.assert_close(bilinear(torch.cat([b, a], -1)), a * b, rtol=0, atol=0)  # symmetric
    with pytest.raises(ValueError, match=r"bilinear: size 5 of dim 1 is odd"):
        bilinear(randn((4, 5)), dim=1)
