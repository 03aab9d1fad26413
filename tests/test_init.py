"""Recommended initialisations: the std each scheme prescribes matches torch.nn.init, the gains match
torch's calculate_gain where torch has one, and Init.apply_ really fills with that std.
"""

import math

import mpmath
import pytest
import torch
from support import ALL_SPECS, registered

import actref

by_name = pytest.mark.parametrize("spec", ALL_SPECS, ids=lambda s: s.name)

# Where torch.nn.init.calculate_gain knows the activation, our gain must be torch's.
TORCH_GAINS = {
    "identity": ("linear", None),
    "sigmoid": ("sigmoid", None),
    "tanh": ("tanh", None),
    "relu": ("relu", None),
    "leaky_relu": ("leaky_relu", 0.01),
    "prelu": ("leaky_relu", 0.25),
    "rrelu": ("leaky_relu", (1 / 8 + 1 / 3) / 2),
}


def sample_std(fill, shape, seed=0):
    torch.manual_seed(seed)
    w = torch.empty(shape, dtype=torch.float64)
    fill(w)
    return w.std().item(), w.mean().item()


@by_name
def test_init_scheme_and_gain_are_sane(spec):
    init = spec.init
    assert init.scheme in ("kaiming", "xavier", "lecun"), f"{spec.name}: unknown scheme {init.scheme!r}"
    assert math.isfinite(init.gain) and init.gain > 0
    assert init.why.strip(), f"{spec.name}: say why this initialisation is recommended"
    assert init.describe()


@by_name
def test_std_matches_torch_nn_init(spec):
    init, shape = spec.init, (1024, 512)
    fan_out, fan_in = shape
    if init.scheme == "xavier":
        want, _ = sample_std(lambda w: torch.nn.init.xavier_normal_(w, gain=init.gain), shape)
    else:
        # kaiming and lecun: N(0, gain²/fan_in); torch's kaiming_normal_ with the linear gain is 1/√fan_in.
        std, _ = sample_std(lambda w: torch.nn.init.kaiming_normal_(w, nonlinearity="linear"), shape)
        want = init.gain * std
    got = init.std(fan_in, fan_out)
    assert abs(got - want) <= 0.01 * want, f"{spec.name}: Init.std = {got}, torch.nn.init gives {want:.5g}"


@by_name
def test_apply_fills_with_the_prescribed_std(spec):
    for shape in ((1024, 512), (64, 32, 3, 3)):
        fan_in, fan_out = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
        std, mean = sample_std(spec.init.apply_, shape, seed=1)
        want = spec.init.std(fan_in, fan_out)
        assert abs(std - want) <= 0.02 * want, f"{spec.name}: apply_ gave std {std}, want {want}"
        assert abs(mean) <= 0.02 * want


@pytest.mark.parametrize("name", sorted(TORCH_GAINS))
def test_gain_equals_torch_calculate_gain(name):
    if not registered(name):
        pytest.skip(f"{name} is not registered")
    nonlinearity, param = TORCH_GAINS[name]
    want = torch.nn.init.calculate_gain(nonlinearity, param)
    assert actref.get(name).init.gain == pytest.approx(want, rel=1e-12)


def test_kaiming_gain_root_two_gives_std_root_two_over_fan_in():
    spec = actref.get("relu")
    assert spec.init.scheme == "kaiming"
    assert spec.init.std(fan_in=100, fan_out=7) == pytest.approx(math.sqrt(2 / 100), rel=1e-12)


def test_selu_fixed_point_under_lecun_init():
    # SELU's constants make N(0, 1) inputs come out with mean 0 and variance 1 (Klambauer et al. 2017).
    if not registered("selu"):
        pytest.skip("selu is not registered")
    spec = actref.get("selu")
    assert spec.init.scheme == "lecun" and spec.init.gain == 1.0
    lam, alpha = spec.defaults["scale"], spec.defaults["alpha"]
    with mpmath.workdps(30):

        def selu(z):
            return lam * (z if z > 0 else alpha * mpmath.expm1(z))

        def moment(k):
            return mpmath.quad(lambda z: selu(z) ** k * mpmath.npdf(z), [-mpmath.inf, 0, mpmath.inf])

        assert abs(moment(1)) < 1e-12 and abs(moment(2) - 1) < 1e-12
