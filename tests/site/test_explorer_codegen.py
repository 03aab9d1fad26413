"""The JavaScript generator of the live plots (actref.site.explorer), without a browser or a site build.

The browser test (test_explorer.py) checks the generated code's numbers against torch; these tests check the
pieces it is made of: every elementwise spec prints, the stable-form rewrites and helpers equal the
expressions they replace, and the inferred parameter domains and rules agree with the specs' own checks.
"""

from __future__ import annotations

import math
import shutil
import subprocess

import mpmath
import pytest
import sympy

import actref
from actref import symbolic
from actref.site import explorer

ELEMENTWISE = [s for s in actref.REGISTRY if s.elementwise]
NUMERIC = [(s.name, k) for s in ELEMENTWISE for k in explorer.numeric_params(s)]
x = symbolic.x


@pytest.mark.parametrize("spec", ELEMENTWISE, ids=lambda s: s.name)
def test_every_elementwise_spec_prints(spec):
    code = explorer.activation_code(spec)
    assert code.f and code.df
    assert len(code.kinks) == len(spec.kinks)
    assert "x" in code.f or spec.expr.is_number


def test_the_data_file_is_valid_javascript(tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (make setup installs it with npm)")
    path = tmp_path / "activations.js"
    path.write_text(explorer.activations_js())
    done = subprocess.run([node, "--check", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_vector_valued_specs_are_refused_by_name():
    with pytest.raises(explorer.CodegenError, match="softmax is not elementwise"):
        explorer.activation_code(actref.get("softmax"))


def test_an_unknown_sympy_function_is_an_error_naming_it():
    mystery = sympy.Function("mystery")
    with pytest.raises(
        explorer.CodegenError, match=r"no JavaScript for sympy function mystery.*JS_FUNCTIONS"
    ):
        explorer.to_js(mystery(x) + 1, {x: "x"}, "test.expr")


def test_an_unknown_symbol_is_an_error_naming_it():
    with pytest.raises(explorer.CodegenError, match=r"symbol 'gamma' is neither x nor a parameter"):
        explorer.to_js(x * sympy.Symbol("gamma"), {x: "x"}, "test.expr")


def test_floats_print_as_the_same_double():
    value = 0.1 + 0.2  # 0.30000000000000004: needs 17 digits
    js = explorer.to_js(sympy.Float(value) * x, {x: "x"}, "test")
    assert repr(value) in js


def test_piecewise_prints_as_nested_ternaries_with_nan_when_no_branch_applies():
    expr = sympy.Piecewise((0, x < 0), (x, x < 1))
    assert explorer.to_js(expr, {x: "x"}, "test") == "(x < 0 ? 0 : (x < 1 ? x : NaN))"


def _mp(expr, subs=None):
    """An mpmath function of x for a sympy expression that may contain the generator's helpers."""
    e = expr.subs(subs or {})
    e = e.replace(explorer.softplus, lambda w: sympy.log(1 + sympy.exp(w)))
    e = symbolic.expand_named(e)
    return sympy.lambdify(x, e, modules=[{"expm1": mpmath.expm1, "log1p": mpmath.log1p}, "mpmath"])


def _points(spec):
    lo, hi = spec.plot_range
    return [lo + (hi - lo) * i / 36 for i in range(37)] + [lo * 3, hi * 3]


@pytest.mark.parametrize("spec", ELEMENTWISE, ids=lambda s: s.name)
def test_stable_forms_equal_the_registry_expressions(spec):
    subs = spec.substitutions()
    for expr in (spec.expr, spec.derivative_expr):
        stable, _ = explorer.stable_form(expr)
        original, rewritten = _mp(expr, subs), _mp(stable, subs)
        with mpmath.workdps(40):
            for p in _points(spec):
                a, b = original(mpmath.mpf(p)), rewritten(mpmath.mpf(p))
                assert abs(a - b) <= mpmath.mpf(10) ** -30 * max(1, abs(a)), (spec.name, p, a, b)


def test_the_rewrites_fire_where_the_forward_uses_a_stable_form():
    assert "one_plus_tanh" in explorer.stable_form(actref.get("gelu_tanh").expr)[1]
    assert "expm1" in explorer.stable_form(actref.get("elu").expr)[1]
    assert "log_sigmoid" in explorer.stable_form(actref.get("logsigmoid").expr)[1]
    assert "one_minus_tanh_squared" in explorer.stable_form(actref.get("tanh").derivative_expr)[1]
    assert "rounded_sign" in explorer.stable_form(actref.get("pau").derivative_expr)[1]


def test_the_sign_of_a_sum_survives_underflow_and_is_0_within_rounding_error():
    # As pau's torch code: sign(b·x + x³) = sign(x)·sign(b + x²), which b·x underflowing to 0 does not change,
    # and the sign of a sum within its rounding error of 0 (x² − 2 at the double nearest √2) is 0.
    stable, used = explorer.stable_form(sympy.sign(sympy.Float(3e-6) * x + x**3))
    assert used == ["rounded_sign"]
    sign = sympy.lambdify(x, stable, "math")
    assert (sign(-5e-324), sign(0.0), sign(5e-324), sign(-1.0)) == (-1, 0, 1, -1)
    near_root = sympy.lambdify(x, explorer.stable_form(sympy.sign(x**2 - 2))[0], "math")
    assert (near_root(math.sqrt(2)), near_root(1.5), near_root(1.0)) == (0, 1, -1)


@pytest.mark.parametrize("name", sorted(explorer.HELPERS))
def test_helpers_equal_their_definitions(name):
    z = explorer.z
    definitions = {
        "sigmoid": symbolic.sigmoid(z),
        "softplus": sympy.log(1 + sympy.exp(z)),
        "Phi": symbolic.Phi(z),
        "phi": symbolic.phi(z),
    }
    helper = explorer.HELPERS[name]
    # Every branch of a Piecewise helper must equal the definition on the whole line, not only on its side.
    branches = [piece.expr for piece in helper.args] if isinstance(helper, sympy.Piecewise) else [helper]
    want = sympy.lambdify(z, symbolic.expand_named(definitions[name]), modules="mpmath")
    with mpmath.workdps(40):
        for branch in branches:
            got = sympy.lambdify(z, branch, modules=[{"log1p": mpmath.log1p}, "mpmath"])
            for p in (-30, -5, -1, -0.25, 0, 0.25, 1, 5, 30):
                a, b = want(mpmath.mpf(p)), got(mpmath.mpf(p))
                assert abs(a - b) <= mpmath.mpf(10) ** -30 * max(1, abs(a)), (name, p)


EXTRA_PROBES = (-1e6, -3.5, -0.75, -1e-9, 1e-9, 0.25, 0.75, 3.5, 1e6, -0.0)


@pytest.mark.parametrize("name, param", NUMERIC)
def test_inferred_domains_agree_with_the_specs_checks(name, param):
    spec = actref.get(name)
    domain = explorer.infer_domain(spec, param)
    check = spec.params[param].check
    for v in (*explorer.PROBES, *EXTRA_PROBES):
        assert domain.contains(v) == explorer._accepts(check, v), (name, param, v)


@pytest.mark.parametrize("name, param", NUMERIC)
def test_sliders_span_valid_values_around_the_default(name, param):
    spec = actref.get(name)
    domain = explorer.infer_domain(spec, param)
    s = explorer.slider(spec, param)
    assert s.minimum < s.maximum and s.step > 0
    assert s.minimum <= spec.params[param].default <= s.maximum
    assert domain.contains(s.minimum) and domain.contains(s.maximum)
    assert (s.maximum - s.minimum) / s.step <= 5000  # keyboard steps stay usable


@pytest.mark.parametrize("name, param", NUMERIC)
def test_alternative_values_are_valid_and_not_the_default(name, param):
    spec = actref.get(name)
    v = explorer.alternative_value(spec, param)
    assert v != spec.params[param].default
    spec.resolve({param: v})  # raises if invalid


@pytest.mark.parametrize("spec", [s for s in ELEMENTWISE if s.extra.get("cross_check")], ids=lambda s: s.name)
def test_inferred_relations_agree_with_the_cross_check(spec):
    relations = explorer.infer_relations(spec)
    assert relations, f"{spec.name} has a cross_check but no relation was found"
    names = explorer.numeric_params(spec)
    ops = {"<=": lambda a, b: a <= b, "<": lambda a, b: a < b}
    for combo in [(-2.5, 0.3), (0.3, -2.5), (0.7, 0.7), (1e-3, 2e-3), (5.0, -5.0)]:
        values = dict(zip(names, combo, strict=False))
        merged = {**spec.defaults, **values}
        predicted = all(ops[op](merged[a], merged[b]) for a, op, b in relations)
        try:
            spec.extra["cross_check"](merged)
            ok = True
        except ValueError:
            ok = False
        assert predicted == ok, (spec.name, merged)


def test_an_unfamiliar_check_is_an_error_naming_the_parameter():
    spec = actref.get("elu")
    odd = {
        "alpha": actref.registry.Param(1.0, lambda v: v in (1.0, 2.0), "1 or 2", spec.params["alpha"].symbol)
    }
    strange = actref.registry.Activation(**{**spec.__dict__, "params": odd})
    with pytest.raises(explorer.CodegenError, match=r"elu: the check of parameter 'alpha' \(1 or 2\)"):
        explorer.infer_domain(strange, "alpha")


def test_domains_report_infinite_ends_as_null():
    d = explorer.Domain(0.0, math.inf, True, False)
    assert d.as_json() == {"low": 0.0, "high": None, "lowClosed": True, "highClosed": False, "excluded": []}
