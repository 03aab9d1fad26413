"""float32 and 16-bit inputs: dtype in equals dtype out, and outputs and autograd gradients are finite
wherever the true value is representable in that dtype (issue 2 §4), across the whole range.
"""

import pytest
import torch
from support import ELEMENTWISE, extended_range, spec_param_cases

DTYPES = [torch.float32, torch.float16, torch.bfloat16]
MAGNITUDES = [
    0.0,
    1e-30,
    1e-10,
    1e-4,
    1e-3,
    0.1,
    0.5,
    1.0,
    2.0,
    3.0,
    5.0,
    10.0,
    20.0,
    40.0,
    88.0,
    89.0,
    100.0,
]
MAGNITUDES += [300.0, 1e3, 1e4, 6e4, 65504.0, 1e5, 1e10, 1.8e19, 1e20, 1e30, 1e38, 3e38]


def inputs(spec, dtype):
    info = torch.finfo(dtype)
    lo, hi = extended_range(spec)
    values = [*MAGNITUDES, info.max, info.tiny, float(info.smallest_normal) * 2]
    values = values + [-v for v in values] + torch.linspace(lo, hi, 401).tolist()
    t = torch.tensor(values, dtype=torch.float64).to(dtype)
    return t[t.isfinite()].unique()


def representable(true, dtype):
    # Rounds to a finite number of the dtype: values up to half an ulp above max round down to max
    # (squareplus(65504) = 65504.0000153 is 65504 in float16, not an overflow).
    return true.abs().to(dtype).isfinite()


def check_finite(name, x, got, true, dtype, what):
    """Finite where the true value fits the dtype; where it overflows, ±inf of the right sign."""
    fits = representable(true, dtype)
    bad = fits & ~got.isfinite()
    assert not bad.any(), f"{name} {what}: non-finite {got[bad].tolist()} at x={x[bad].tolist()}"
    over = ~fits
    ok = got[over].isinf() & (got[over].sign() == true[over].sign())
    assert ok.all(), (
        f"{name} {what}: {got[over].tolist()} at x={x[over].tolist()} (true {true[over].tolist()})"
    )


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize(("spec", "params"), spec_param_cases(ELEMENTWISE))
def test_dtype_preserved_and_outputs_finite(spec, params, dtype):
    x = inputs(spec, dtype)
    out = spec(x, **params)
    assert out.dtype == dtype and out.shape == x.shape
    assert spec.derivative(x, **params).dtype == dtype
    # The float64 forward is the truth here (test_numerics proves it against mpmath).
    true = spec(x.double(), **params)
    check_finite(spec.name, x, out, true, dtype, f"forward {params}")


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize(("spec", "params"), spec_param_cases(ELEMENTWISE))
def test_autograd_gradient_finite(spec, params, dtype):
    x = inputs(spec, dtype).requires_grad_()
    (grad,) = torch.autograd.grad(spec(x, **params).sum(), x)
    assert grad.dtype == dtype
    true = spec.derivative(x.detach().double(), **params)
    check_finite(spec.name, x.detach(), grad, true, dtype, f"autograd gradient {params}")
