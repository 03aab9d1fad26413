"""Bad input raises the documented error, and the message names the bad value and the valid choices."""

import math
import re

import numpy as np
import pytest
import torch
from support import ALL_SPECS, ELEMENTWISE, registered

import actref

by_name = pytest.mark.parametrize("spec", ALL_SPECS, ids=lambda s: s.name)


def needs(name):
    if not registered(name):
        pytest.skip(f"{name} is not registered yet")
    return actref.get(name)


@by_name
@pytest.mark.parametrize(
    "bad", [[1.0, -2.0], 1.5, np.ones(3), None], ids=["list", "float", "ndarray", "None"]
)
def test_non_tensor_input_is_a_type_error(spec, bad):
    with pytest.raises(TypeError, match=r"torch\.Tensor"):
        spec(bad)


@by_name
@pytest.mark.parametrize("dtype", [torch.int64, torch.int32, torch.uint8, torch.bool], ids=str)
def test_integer_tensor_is_a_type_error_naming_the_dtype(spec, dtype):
    with pytest.raises(TypeError, match=re.escape(str(dtype))):
        spec(torch.ones(2, 4, dtype=dtype))


@pytest.mark.parametrize("spec", ELEMENTWISE, ids=lambda s: s.name)
def test_derivative_rejects_integer_tensors_too(spec):
    with pytest.raises(TypeError, match="int64"):
        spec.derivative(torch.ones(3, dtype=torch.int64))


@pytest.mark.parametrize("spec", [s for s in ALL_SPECS if not s.elementwise], ids=lambda s: s.name)
def test_vector_specs_have_no_scalar_derivative(spec):
    with pytest.raises(TypeError, match="jacobian"):
        spec.derivative(torch.ones(2, 4))


@by_name
def test_unknown_parameter_lists_the_valid_ones(spec):
    with pytest.raises(TypeError) as info:
        spec(torch.ones(2, 4), no_such_param=1.0)
    message = str(info.value)
    assert "no_such_param" in message
    for name in spec.params:
        assert name in message, (
            f"{spec.name}: the message should list the valid parameter {name!r}: {message}"
        )
    if not spec.params:
        assert "none" in message
    with pytest.raises(TypeError, match="no_such_param"):
        spec.module(no_such_param=1.0)


# (spec, params, input shape, words the message must contain): the invalid inputs of DESIGN.md, plus a few
# more whose valid range the specs document.
KNOWN_BAD = [
    ("celu", {"alpha": 0.0}, (4,), ["alpha"]),
    ("softplus", {"beta": 0.0}, (4,), ["beta"]),
    ("softplus", {"beta": -1.0}, (4,), ["beta"]),
    ("silu", {"beta": 0.0}, (4,), ["beta"]),
    ("rrelu", {"lower": 0.5, "upper": 0.1}, (4,), ["lower", "upper"]),
    ("hardtanh", {"min_val": 1.0, "max_val": -1.0}, (4,), ["min_val", "max_val"]),
    ("softshrink", {"lambd": -0.5}, (4,), ["lambd"]),
    ("hardshrink", {"lambd": -0.5}, (4,), ["lambd"]),
    ("maxout", {"k": 5}, (2, 12), ["k=5", "12"]),
    ("maxout", {"k": 0}, (2, 12), ["k"]),
    ("glu", {}, (2, 7), ["7", "odd"]),
    ("reglu", {}, (2, 7), ["7"]),
    ("geglu", {}, (2, 7), ["7"]),
    ("swiglu", {}, (2, 7), ["7"]),
    ("prelu", {"weight": torch.tensor([0.1, 0.2])}, (2, 3, 4), ["weight", "2", "3"]),
    ("softmax", {"dim": 1.5}, (2, 4), ["dim"]),
    ("isru", {"alpha": 0.0}, (4,), ["alpha=0.0"]),
    ("soft_clipping", {"alpha": 0.0}, (4,), ["alpha=0.0"]),
    ("laplace", {"sigma": 0.0}, (4,), ["sigma=0.0"]),
    ("entmax15", {}, (2, 0), ["size 0"]),
    ("sparsemax", {}, (2, 0), ["size 0"]),
    ("snake", {"alpha": 0.0}, (2, 3, 4), ["alpha"]),
    ("clipped_gelu", {"min": 1.0, "max": 0.5}, (4,), ["min"]),
]


@pytest.mark.parametrize(
    ("name", "params", "shape", "words"),
    KNOWN_BAD,
    ids=[f"{b[0]}-{'-'.join(b[1]) or 'shape'}" for b in KNOWN_BAD],
)
def test_known_bad_values_raise_value_error(name, params, shape, words):
    spec = needs(name)
    with pytest.raises(ValueError) as info:
        spec(torch.randn(*shape), **params)
    message = str(info.value)
    for word in words:
        assert word in message, f"{name}{params}: message should mention {word!r}: {message}"
    for key in params:
        p = spec.params[key]
        if p.valid and p.check is not None and not p.check(params[key]):
            assert p.valid in message, f"the message should state the valid range {p.valid!r}: {message}"


def test_prelu_module_with_wrong_channel_count():
    spec = needs("prelu")
    m = spec.module(weight=torch.tensor([0.1, 0.2]))
    with pytest.raises(ValueError, match="channels"):
        m(torch.randn(2, 3, 4))


def test_modules_validate_their_parameters():
    for name, params, _, _ in KNOWN_BAD:
        if registered(name) and not any(isinstance(v, torch.Tensor) for v in params.values()) and params:
            with pytest.raises(ValueError, match=next(iter(params))):
                actref.get(name).module(**params)(torch.randn(2, 12))


CANDIDATES = [0, 0.0, -1, -1.0, 1e9, -1e9, math.inf, math.nan, "x", None, True]


@by_name
def test_every_checked_parameter_rejects_something(spec):
    for key, p in spec.params.items():
        if p.check is None:
            continue
        rejected = []
        for value in CANDIDATES:
            try:
                spec.resolve({key: value})
            except ValueError as e:
                assert key in str(e) and p.valid in str(e), f"{spec.name}: unhelpful message {e}"
                rejected.append(value)
            except TypeError:  # a crashing check: test_wrongly_typed_parameters_get_a_clear_error
                pass
        assert rejected, f"{spec.name}.{key}: the check accepts every one of {CANDIDATES}"


@by_name
def test_wrongly_typed_parameters_get_a_clear_error(spec):
    # A check that itself crashes (e.g. "x" > 0) would surface as an unhelpful TypeError from inside it.
    for key, p in spec.params.items():
        if p.check is None:
            continue
        for value in ("x", None, [1.0]):
            try:
                spec.resolve({key: value})
            except ValueError as e:
                assert key in str(e)
            except TypeError as e:
                raise AssertionError(
                    f"{spec.name}.{key}={value!r}: check raised {e!r} instead of ValueError"
                ) from e


@by_name
def test_defaults_pass_their_own_checks(spec):
    for key, p in spec.params.items():
        if p.check is not None:
            assert p.check(p.default), f"{spec.name}: the default {key}={p.default!r} fails its own check"
    spec.resolve({})


def test_get_rejects_non_strings():
    with pytest.raises(TypeError, match="str"):
        actref.get(3)
