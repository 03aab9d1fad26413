"""The from-scratch forward against spec.builtin (the torch equivalent), in float64 and float32.

Two correct implementations of the same function may differ by rounding of terms of size max(1, |x|)
(a built-in that forms 1 + erf(x/√2) is −0 where the true value is 1e-196): that much absolute difference
is allowed, plus a relative one. Anything else, and any disagreement about ±inf or nan, must be written
down in the spec's `builtin_differences`.
"""

import math

import pytest
import torch
from support import ELEMENTWISE, TAIL_POINTS, extended_range, kink_points, spec_param_cases

WITH_BUILTIN = [s for s in ELEMENTWISE if s.builtin is not None]
RTOL = {torch.float64: 1e-12, torch.float32: 1e-5}
ULPS = 16


def finite_points(spec, dtype, params):
    lo, hi = extended_range(spec)
    dense = torch.linspace(lo, hi, 2001, dtype=torch.float64).tolist()
    gen = torch.Generator().manual_seed(0)
    random = (torch.randn(500, generator=gen, dtype=torch.float64) * (hi - lo)).tolist()
    info = torch.finfo(dtype)
    extremes = [1e30, 3e38, info.max, info.tiny, 1e-30] + ([1e300] if dtype == torch.float64 else [])
    values = dense + random + list(TAIL_POINTS) + extremes + [-e for e in extremes]
    values += kink_points(spec, params)
    t = torch.tensor(values, dtype=torch.float64).to(dtype)
    return t[t.isfinite()]


def mismatches(x, ours, theirs, dtype, documented_gap: float = 0.0):
    eps = torch.finfo(dtype).eps
    both_nan = ours.isnan() & theirs.isnan()
    same = (ours == theirs) | both_nan
    finite = ours.isfinite() & theirs.isfinite()
    diff = (ours.double() - theirs.double()).abs()
    scale = torch.maximum(ours.double().abs(), theirs.double().abs())
    term_size = x.double().abs().clamp(1.0, 100.0)
    close = finite & (diff <= RTOL[dtype] * scale + ULPS * eps * term_size + documented_gap)
    return ~(same | close), ~(same | finite)


def describe(x, ours, theirs, bad):
    idx = bad.nonzero().flatten()[:6].tolist()
    return "; ".join(f"x={x[i].item()!r}: ours {ours[i].item()!r}, builtin {theirs[i].item()!r}" for i in idx)


def documents_non_finite(spec, theirs_bad):
    text = spec.builtin_differences.lower()
    wants = set()
    if theirs_bad.isnan().any():
        wants.add("nan")
    if theirs_bad.isinf().any():
        wants.add("inf")
    return bool(text) and all(w in text or (w == "inf" and "overflow" in text) for w in wants)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["fp64", "fp32"])
@pytest.mark.parametrize(("spec", "params"), spec_param_cases(WITH_BUILTIN))
def test_matches_builtin_on_finite_inputs(spec, params, dtype):
    x = finite_points(spec, dtype, params)
    ours = spec(x, **params)
    theirs = spec.builtin(x, **params)
    assert theirs.dtype == ours.dtype == dtype
    # A spec that documents a bounded difference in value (softplus: torch's cut-off above βx = 20) states its
    # size in extra["builtin_abs_gap"], in units of 1/β where it has a β; the stated text must mention it.
    gap = spec.extra.get("builtin_abs_gap", 0.0) / params.get("beta", spec.defaults.get("beta", 1.0))
    if gap:
        assert f"{spec.extra['builtin_abs_gap']:.3g}".replace("e-0", "e-") in spec.builtin_differences
    bad, non_finite = mismatches(x, ours, theirs, dtype, documented_gap=1.01 * gap)
    finite_bad = bad & ~non_finite
    assert not finite_bad.any(), f"{spec.name} {params}: " + describe(x, ours, theirs, finite_bad)
    if non_finite.any():
        assert not ours[non_finite].isnan().any(), describe(x, ours, theirs, non_finite)
        assert documents_non_finite(spec, theirs[non_finite]), (
            f"{spec.name}: undocumented non-finite disagreement with the builtin: "
            + describe(x, ours, theirs, non_finite)
        )


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["fp64", "fp32"])
@pytest.mark.parametrize("spec", WITH_BUILTIN, ids=lambda s: s.name)
def test_matches_builtin_on_non_finite_inputs(spec, dtype):
    x = torch.tensor([math.inf, -math.inf, math.nan, 0.0, -0.0], dtype=dtype)
    ours, theirs = spec(x), spec.builtin(x)
    bad, _ = mismatches(x, ours, theirs, dtype)
    if bad.any():
        assert documents_non_finite(spec, theirs[bad]) or (ours[bad] == theirs[bad]).all(), (
            f"{spec.name}: undocumented difference from the builtin at non-finite inputs: "
            + describe(x, ours, theirs, bad)
        )
