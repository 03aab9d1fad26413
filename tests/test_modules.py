"""spec.module(): forward equals spec(x), state_dict round-trips, learnable parameters learn, train and eval
modes behave (RReLU samples in train mode only), PReLU handles channels, repr works.
"""

import io

import pytest
import torch
from support import ALL_SPECS, registered

import actref

by_name = pytest.mark.parametrize("spec", ALL_SPECS, ids=lambda s: s.name)
SHAPE = (2, 6, 12)  # 12 along the last dim suits GLU halves and maxout groups of 2, 3, 4 or 6


def sample(dtype=torch.float64, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(SHAPE, generator=gen, dtype=dtype) * 3


def needs(name):
    if not registered(name):
        pytest.skip(f"{name} is not registered yet")
    return actref.get(name)


@by_name
def test_module_forward_equals_spec(spec):
    m = spec.module().eval()
    for dtype in (torch.float64, torch.float32):
        x = sample(dtype)
        out = m(x)
        assert out.dtype == dtype
        torch.testing.assert_close(out, spec(x), rtol=0, atol=0)


@by_name
def test_module_is_deterministic_and_mode_independent(spec):
    if spec.name == "rrelu":
        pytest.skip("RReLU samples slopes in train mode (test_rrelu_train_and_eval_modes)")
    m, x = spec.module(), sample()
    train = m.train()(x)
    torch.testing.assert_close(m(x), train, rtol=0, atol=0)
    torch.testing.assert_close(m.eval()(x), train, rtol=0, atol=0)


@by_name
def test_module_repr_names_the_activation(spec):
    text = repr(spec.module())
    assert spec.name.replace("_", "") in text.lower().replace("_", ""), text


@by_name
def test_state_dict_round_trip(spec):
    m1 = spec.module()
    with torch.no_grad():
        for p in m1.parameters():
            p.add_(torch.linspace(-0.1, 0.2, p.numel()).reshape(p.shape))
    buffer = io.BytesIO()
    torch.save(m1.state_dict(), buffer)
    buffer.seek(0)
    m2 = spec.module()
    m2.load_state_dict(torch.load(buffer, weights_only=True))
    x = sample()
    torch.testing.assert_close(m2.eval()(x), m1.eval()(x), rtol=0, atol=0)


@by_name
def test_learnable_parameters_receive_gradients(spec):
    m = spec.module()
    params = list(m.parameters())
    if not params:
        assert spec.name != "prelu", "PReLU's slope must be a learnable parameter"
        return
    m(sample(torch.float32)).square().sum().backward()
    # A spec may name parameters whose gradient is exactly 0 at the initial values, with the reason
    # (SReLU: ∂f/∂t_right = 1 − a_right = 0 while a_right = 1); they must get exactly 0, the others not.
    inert = spec.extra.get("zero_grad_at_init", {})
    for name, p in m.named_parameters():
        assert p.grad is not None and p.grad.isfinite().all(), f"{spec.name}.{name}: gradient {p.grad}"
        if name in inert:
            assert (p.grad == 0).all(), f"{spec.name}.{name}: declared inert ({inert[name]}), got {p.grad}"
        else:
            assert (p.grad != 0).any(), (
                f"{spec.name}.{name}: parameter of shape {tuple(p.shape)} got gradient 0"
            )


# ---------------------------------------------------------------------------------------------- PReLU
def test_prelu_has_one_learnable_slope_by_default():
    spec = needs("prelu")
    weights = list(spec.module().parameters())
    assert len(weights) == 1 and weights[0].shape == (1,) and weights[0].item() == 0.25


def test_prelu_per_channel_slopes():
    spec = needs("prelu")
    slopes = torch.tensor([0.1, -0.2, 0.3, 0.5, 1.5, 0.0])
    m = spec.module(weight=slopes)
    (w,) = m.parameters()
    assert w.shape == (6,) and getattr(m, "num_parameters", 6) == 6
    x = sample(torch.float32)  # (N, C=6, L)
    out = m(x)
    want = torch.where(x > 0, x, slopes.reshape(1, 6, 1) * x)
    torch.testing.assert_close(out, want)
    torch.testing.assert_close(spec(x, weight=slopes), want)
    out.sum().backward()
    # ∂/∂w_c Σ prelu = Σ of the non-positive inputs of channel c.
    torch.testing.assert_close(w.grad, torch.where(x <= 0, x, 0).sum(dim=(0, 2)))


def test_prelu_num_parameters_like_torch():
    spec = needs("prelu")
    m = spec.module(num_parameters=6)
    (w,) = m.parameters()
    assert w.shape == (6,) and (w == 0.25).all()
    assert "num_parameters=6" in repr(m)
    x = sample(torch.float32)
    with torch.no_grad():
        w.copy_(torch.arange(6) / 10)
    torch.testing.assert_close(m(x), torch.where(x > 0, x, (torch.arange(6) / 10).reshape(1, 6, 1) * x))
    with pytest.raises(ValueError, match="num_parameters"):
        m(torch.randn(2, 5, 3))


# ---------------------------------------------------------------------------------------------- RReLU
def test_rrelu_train_and_eval_modes():
    spec = needs("rrelu")
    lower, upper = spec.defaults["lower"], spec.defaults["upper"]
    m = spec.module()
    x = -torch.rand(4, 1000, dtype=torch.float64) - 0.1  # all negative: every element gets a slope
    m.train()
    a, b = m(x), m(x)
    assert not torch.equal(a, b), "train mode must draw fresh slopes"
    slopes = a / x
    assert (slopes >= lower - 1e-12).all() and (slopes <= upper + 1e-12).all()
    assert slopes.std() > (upper - lower) / 10, "train-mode slopes should spread over [lower, upper]"
    m.eval()
    c, d = m(x), m(x)
    torch.testing.assert_close(c, d, rtol=0, atol=0)
    torch.testing.assert_close(c, x * (lower + upper) / 2)
    torch.testing.assert_close(c, spec(x))


def test_rrelu_functional_training_flag():
    spec = needs("rrelu")
    x = -torch.rand(1000, dtype=torch.float64) - 0.1
    torch.testing.assert_close(spec(x), spec(x, training=False))
    assert not torch.equal(spec(x, training=True), spec(x, training=True))
