"""The public API of issue 2 §2: look-up by name or alias, errors with suggestions, families, exports, CLI,
and the fields every spec must fill in (including page code that runs on its own).
"""

import inspect
import math
import subprocess
import sys

import pytest
import sympy
import torch
from support import ALL_SPECS, ELEMENTWISE, param_sets

import actref
from actref.registry import REGISTRY, Activation

by_name = pytest.mark.parametrize("spec", ALL_SPECS, ids=lambda s: s.name)


def test_names_are_sorted_unique_and_canonical():
    names = actref.names()
    assert names == sorted(names) and len(set(names)) == len(names) == len(REGISTRY)
    for name in names:
        assert REGISTRY.normalise(name) == name
        assert actref.get(name).name == name
    assert [s.name for s in actref.all_specs()] == names


def test_every_alias_resolves_to_its_spec():
    aliases = actref.aliases()
    for spec in ALL_SPECS:
        for alias in (spec.name, *spec.aliases):
            assert actref.get(alias) is spec
            assert actref.get(alias.upper()) is spec
            assert actref.get(f"  {alias.replace('_', '-')} ") is spec
            assert aliases[REGISTRY.normalise(alias)] == spec.name
    assert set(aliases.values()) == set(actref.names())


def test_swish_is_silu():
    assert actref.get("swish") is actref.get("silu")
    assert actref.get("swish").name == "silu"
    assert actref.get(actref.get("silu")) is actref.get("silu")


def test_unknown_name_suggests_close_names_and_lists_valid_ones():
    assert issubclass(actref.UnknownActivation, KeyError)
    with pytest.raises(actref.UnknownActivation) as info:
        actref.get("reluu")
    err = info.value
    assert isinstance(err, KeyError)
    assert "relu" in err.suggestions
    message = str(err)
    assert "'reluu'" in message and "Did you mean 'relu'" in message
    for name in actref.names():
        assert name in message
    with pytest.raises(KeyError):
        actref.get("definitely_not_an_activation")


def test_families_partition_the_registry():
    families = actref.families()
    assert list(families) == sorted(families)
    flat = [n for members in families.values() for n in members]
    assert sorted(flat) == actref.names()
    for family, members in families.items():
        assert all(actref.get(n).family == family for n in members)


@pytest.mark.parametrize("name", actref.__all__)
def test_public_names_import(name):
    assert getattr(actref, name) is not None
    namespace = {}
    exec("from actref import *", namespace)
    assert name in namespace


def test_cli_lists_every_activation():
    result = subprocess.run(
        [sys.executable, "-m", "actref", "list"], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    listed = [line.split()[0] for line in result.stdout.splitlines() if line.strip()]
    assert listed == actref.names()


# ---------------------------------------------------------------------------------------------- spec fields
@by_name
def test_spec_fields_are_filled_in(spec):
    assert isinstance(spec, Activation)
    assert spec.title.strip() and spec.summary.strip() and spec.family.strip()
    assert spec.properties is not None, f"{spec.name}: properties are missing"
    lo, hi = spec.plot_range
    assert lo < hi
    assert spec.latex.strip()
    assert spec.builtin is None or spec.builtin_code, f"{spec.name}: show the builtin one-liner"
    for related in spec.related:
        assert related in actref.names(), f"{spec.name}: related activation {related!r} is not registered"


@by_name
def test_spec_cites_a_paper(spec):
    paper = spec.paper
    if paper is None:  # allowed only with an explanation that the page prints instead
        assert len(spec.paper_note) > 40, (
            f"{spec.name}: give the paper, or a paper_note saying why there is none"
        )
        return
    assert paper.url.startswith("https://"), f"{spec.name}: the paper link {paper.url!r} is not https"
    assert 1900 < paper.year <= 2030 and paper.authors.strip() and paper.title.strip()


@pytest.mark.parametrize("spec", ELEMENTWISE, ids=lambda s: s.name)
def test_elementwise_specs_have_a_derivative(spec):
    assert spec.derivative_fn is not None and spec.derivative_expr is not None
    assert spec.derivative_latex.strip()


@by_name
def test_code_is_named_after_the_activation_with_the_spec_defaults(spec):
    assert spec.forward.__name__ == spec.name
    functions = [spec.forward] + ([spec.derivative_fn] if spec.derivative_fn else [])
    if spec.derivative_fn is not None:
        assert spec.derivative_fn.__name__ == f"{spec.name}_derivative"
    for fn in functions:
        signature = inspect.signature(fn)
        defaults = {k: p.default for k, p in signature.parameters.items() if k != "x"}
        assert set(defaults) == set(spec.params), f"{fn.__name__}{signature} vs params {list(spec.params)}"
        for key, value in defaults.items():
            d = spec.params[key].default
            same = value == d if not isinstance(d, float) or not math.isnan(d) else math.isnan(value)
            assert same, f"{fn.__name__}: default {key}={value!r}, but the spec's default is {d!r}"


def page_inputs(spec):
    shape = (3, 12) if spec.elementwise else (2, 3, 12)
    return torch.randn(shape, generator=torch.Generator().manual_seed(0), dtype=torch.float64) * 3


@by_name
def test_forward_source_runs_on_its_own(spec):
    # The page shows forward_source() verbatim: with only torch and math imported it must run and agree.
    namespace = {"torch": torch, "math": math}
    exec(spec.forward_source(), namespace)
    standalone = namespace[spec.forward.__name__]
    x = page_inputs(spec)
    for params in param_sets(spec):
        torch.testing.assert_close(standalone(x, **params), spec(x, **params), rtol=0, atol=0)


@by_name
def test_builtin_code_runs_and_agrees(spec):
    if not spec.builtin_code:
        pytest.skip(f"{spec.name} has no builtin one-liner")
    x = page_inputs(spec).float()
    namespace = {"torch": torch, "F": torch.nn.functional, "nn": torch.nn, "math": math, "x": x}
    got = eval(spec.builtin_code, namespace)
    torch.testing.assert_close(got, spec.builtin(x, **spec.defaults), equal_nan=True)


@by_name
def test_params_are_well_formed(spec):
    for key, p in spec.params.items():
        assert p.valid.strip(), f"{spec.name}.{key}: describe the valid values"
        assert p.doc.strip(), f"{spec.name}.{key}: document the parameter"
        if p.symbol is not None:
            assert isinstance(p.symbol, sympy.Symbol)
    assert set(spec.defaults) == set(spec.params)
