"""The JavaScript behind the live plots: every elementwise spec's sympy f and f′ printed as JavaScript.

One generated file (`assets/actref/activations.js`) holds every elementwise activation: its f, f′ and kink
positions as JavaScript functions printed by sympy's JavaScript code printer, its parameters with their valid
domains and slider spans, and the notes on the stable forms used. The browser runtime (`live-plot.js`,
bundled with uPlot and stdlib's erf/erfc) evaluates those functions; no formula is typed by hand.

Parameter domains and cross-parameter rules are inferred by probing each spec's own checks (Param.check,
extra["cross_check"]) against a short list of candidate intervals and relations, and a spec whose check fits
none of them is an error here, so the browser never accepts a value that `spec.resolve` rejects.
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sympy
from sympy.codegen.cfunctions import expm1, log1p
from sympy.printing.jscode import JavascriptCodePrinter

from actref import catalog, symbolic
from actref.registry import Activation, Param
from actref.site import i18n
from actref.site.cache import REPO_ROOT

x = symbolic.x
z = sympy.Symbol("z", real=True)


class softplus(sympy.Function):
    """log(1 + e^z), as a named function so the printer can call the stable helper."""

    def _eval_rewrite_as_exp(self, arg, **kwargs):
        return sympy.log(1 + sympy.exp(arg))


# The helpers the generated code calls, each a sympy expression in z printed into the data file. Each is the
# stable form of a definition in actref.symbolic (tests/site/test_explorer_codegen.py checks they agree):
# branches that never overflow exp, and erfc for Φ's left tail (½(1 + erf) cancels there).
HELPERS: dict[str, Any] = {
    "sigmoid": sympy.Piecewise((1 / (1 + sympy.exp(-z)), z >= 0), (sympy.exp(z) / (1 + sympy.exp(z)), True)),
    "softplus": sympy.Piecewise((z + log1p(sympy.exp(-z)), z > 0), (log1p(sympy.exp(z)), True)),
    # evaluate=False: sympy would otherwise turn erfc(−w) into 2 − erfc(w), the cancelling form.
    "Phi": sympy.erfc(-z / sympy.sqrt(2), evaluate=False) / 2,
    "phi": sympy.exp(-(z**2) / 2) / sympy.sqrt(2 * sympy.pi),
}
# sympy function → the JavaScript name it prints as. erf and erfc come from @stdlib (bundled into the runtime).
JS_FUNCTIONS: dict[str, str] = {
    "sigmoid": "sigmoid",
    "softplus": "softplus",
    "Phi": "Phi",
    "phi": "phi",
    "erf": "erf",
    "erfc": "erfc",
    "expm1": "Math.expm1",
    "log1p": "Math.log1p",
}
RUNTIME_FUNCTIONS = ("erf", "erfc")  # provided by live-plot.js (stdlib), not defined in the data file


class CodegenError(ValueError):
    """A spec cannot be turned into JavaScript (an unknown function, symbol or parameter check)."""


# ---------------------------------------------------------------------------------------------- stable forms
@dataclass(frozen=True)
class Rewrite:
    """One rewrite to a numerically stable form: what it replaces, and why (shown on the page)."""

    name: str
    text: str
    apply: Callable[[Any], Any]


def _pairwise_in_add(expr, combine: Callable[[Any, Any], Any | None]):
    """Rewrite every Add in `expr` where combine(term_a, term_b) returns a replacement for the pair."""

    def visit(e):
        if not e.is_Add:
            return e
        terms = list(e.args)
        for i, j in itertools.permutations(range(len(terms)), 2):
            new = combine(terms[i], terms[j])
            if new is not None:
                rest = [t for k, t in enumerate(terms) if k not in (i, j)]
                return visit(sympy.Add(new, *rest))
        return e

    return expr.replace(lambda e: e.is_Add, visit)


def _split_coefficient(term, kind: Callable[[Any], bool]):
    """(c, f) for a term c·f where f satisfies kind(f) and c is free of x and of f; else None."""
    coeff, factors = term.as_coeff_mul()
    matches = [f for f in factors if kind(f)]
    if len(matches) != 1:
        return None
    rest = sympy.Mul(coeff, *[f for f in factors if f is not matches[0]])
    return (rest, matches[0]) if not rest.has(x) else None


def _one_plus_tanh(a, b):
    # c·tanh(w) + c → 2c·σ(2w)
    found = _split_coefficient(a, lambda f: isinstance(f, sympy.tanh))
    if found and sympy.expand(b - found[0]) == 0:
        return 2 * found[0] * symbolic.sigmoid(2 * found[1].args[0])
    return None


def _one_minus_tanh_squared(a, b):
    # c − c·tanh(w)² → 4c·σ(2w)σ(−2w)
    found = _split_coefficient(a, lambda f: f.is_Pow and f.exp == 2 and isinstance(f.base, sympy.tanh))
    if found and sympy.expand(b + found[0]) == 0:
        w = found[1].base.args[0]
        return -4 * found[0] * symbolic.sigmoid(2 * w) * symbolic.sigmoid(-2 * w)
    return None


def _one_minus_sigmoid(a, b):
    # c − c·σ(w) → c·σ(−w)
    found = _split_coefficient(a, lambda f: isinstance(f, symbolic.sigmoid))
    if found and sympy.expand(b + found[0]) == 0:
        return -found[0] * symbolic.sigmoid(-found[1].args[0])
    return None


def _exp_minus_one(a, b):
    # c·e^w − c → c·expm1(w)
    found = _split_coefficient(a, lambda f: isinstance(f, sympy.exp))
    if found and sympy.expand(b + found[0]) == 0:
        return found[0] * expm1(found[1].args[0])
    return None


def _log_one_plus_exp(e):
    # log(1 + e^w) → softplus(w)
    return e.replace(
        lambda t: (
            isinstance(t, sympy.log)
            and t.args[0].is_Add
            and len(t.args[0].args) == 2
            and sympy.S.One in t.args[0].args
            and any(isinstance(u, sympy.exp) for u in t.args[0].args)
        ),
        lambda t: softplus(next(u for u in t.args[0].args if isinstance(u, sympy.exp)).args[0]),
    )


def _log_sigmoid(e):
    # log σ(w) → −softplus(−w)
    return e.replace(
        lambda t: isinstance(t, sympy.log) and isinstance(t.args[0], symbolic.sigmoid),
        lambda t: -softplus(-t.args[0].args[0]),
    )


# The sign of a sum that is 0 to within its rounding error is unknown: there it is taken as 0 (abs′ = 0), as
# actref's torch code does (pau's _sign_rounded), where |sum| ≤ this many ε times the sum of |terms|.
SIGN_ROUNDING = 8 * sys.float_info.epsilon


def _sign_of_sum(total):
    """sign(total) for a sum total = xᵏ·r (r a sum of terms free of a common x): sign(x)ᵏ·sign(r), with
    sign(r) = 0 where |r| ≤ 8ε·Σ|terms of r|. Factoring xᵏ out keeps the sign next to x = 0, where b·x
    underflows to 0 for |x| below the smallest double over |b|."""
    split = [term.as_coeff_exponent(x) for term in total.args]
    k = 0
    if all(e.is_Integer and e >= 0 and not c.has(x) for c, e in split):
        k = min(int(e) for _, e in split)
    rest = sympy.Add(*(c * x ** (e - k) for c, e in split)) if k else total
    sign = sympy.sign(rest)
    if rest.is_Add:
        bound = sympy.Mul(
            sympy.Float(SIGN_ROUNDING), sympy.Add(*(sympy.Abs(a) for a in rest.args)), evaluate=False
        )
        sign = sympy.Piecewise((0, sympy.Abs(rest) <= bound), (sign, True))
    return sympy.sign(x) ** k * sign


def _rounded_sign(e):
    # sign(a₁ + a₂ + …) → sign(x)ᵏ·sign(r) with sign(r) = 0 within r's rounding error (see _sign_of_sum)
    return e.replace(
        lambda t: isinstance(t, sympy.sign) and t.args[0].is_Add, lambda t: _sign_of_sum(t.args[0])
    )


REWRITES: tuple[Rewrite, ...] = (
    Rewrite(
        "one_plus_tanh",
        "1 + tanh z is computed as 2σ(2z), which does not cancel to 0 where tanh z ≈ −1",
        lambda e: _pairwise_in_add(e, _one_plus_tanh),
    ),
    Rewrite(
        "one_minus_tanh_squared",
        "1 − tanh²z is computed as 4σ(2z)σ(−2z), which keeps its relative accuracy where tanh²z ≈ 1",
        lambda e: _pairwise_in_add(e, _one_minus_tanh_squared),
    ),
    Rewrite(
        "one_minus_sigmoid",
        "1 − σ(z) is computed as σ(−z), which keeps its relative accuracy where σ(z) ≈ 1",
        lambda e: _pairwise_in_add(e, _one_minus_sigmoid),
    ),
    Rewrite(
        "log_sigmoid",
        "log σ(z) is computed as −softplus(−z), finite where σ(z) underflows to 0",
        _log_sigmoid,
    ),
    Rewrite(
        "softplus",
        "log(1 + eᶻ) is computed as z + log1p(e⁻ᶻ) for z > 0 and log1p(eᶻ) otherwise, so eᶻ never overflows",
        _log_one_plus_exp,
    ),
    Rewrite(
        "expm1",
        "eᶻ − 1 is computed as expm1(z), which keeps its relative accuracy near z = 0",
        lambda e: _pairwise_in_add(e, _exp_minus_one),
    ),
    Rewrite(
        "rounded_sign",
        "the sign of a sum A = xᵏ·(c₀ + c₁x + …) is computed as sign(x)ᵏ·sign(c₀ + c₁x + …), so it does not "
        "underflow to 0 next to x = 0, and a sum that is 0 to within its rounding error (|sum| ≤ 8ε·Σ|terms|) "
        "has sign 0, as in actref's torch code (abs′ = 0 there): at a kink between two doubles f′ is the mean "
        "of the one-sided slopes, as autograd gives it",
        _rounded_sign,
    ),
)
# Always true of the helpers, so always worth saying on a page that uses them.
HELPER_NOTES = {
    "sigmoid": "σ(z) is computed as 1/(1 + e⁻ᶻ) for z ≥ 0 and eᶻ/(1 + eᶻ) otherwise, so e⁻ᶻ never overflows",
    "Phi": "Φ(z) is computed as ½·erfc(−z/√2), which keeps its relative accuracy in the left tail",
}


def stable_form(expr) -> tuple[Any, list[str]]:
    """`expr` with every applicable REWRITE applied, and the names of the rewrites that changed it."""
    used = []
    for rewrite in REWRITES:
        new = rewrite.apply(expr)
        if new != expr:
            used.append(rewrite.name)
            expr = new
    return expr, used


# ---------------------------------------------------------------------------------------------- printing
class _Printer(JavascriptCodePrinter):
    """sympy's JavaScript printer with x, parameters as p.<name>, one-line Piecewise and round-trip floats."""

    def __init__(self, symbols: dict[sympy.Symbol, str], where: str):
        super().__init__({"user_functions": JS_FUNCTIONS, "strict": True})
        self._names = symbols
        self._where = where

    def _print_Symbol(self, expr):
        if expr in self._names:
            return self._names[expr]
        raise CodegenError(
            f"{self._where}: symbol {expr.name!r} is neither x nor a parameter's symbol; "
            f"known: {', '.join(sorted(s.name for s in self._names))}."
        )

    def _print_Float(self, expr):
        return repr(float(expr))  # 17 significant digits at most: the same double as the spec's constant

    def _print_Piecewise(self, expr):
        if expr.args[-1].cond != sympy.true:
            # Without a catch-all branch the expression is undefined somewhere: NaN, as in sympy.
            expr = sympy.Piecewise(*expr.args, (sympy.nan, True))
        out = self._print(expr.args[-1].expr)
        for piece in reversed(expr.args[:-1]):
            out = f"({self._print(piece.cond)} ? {self._print(piece.expr)} : {out})"
        return out

    def _print_NaN(self, expr):
        return "NaN"

    def _print_BooleanTrue(self, expr):
        return "true"

    def _print_BooleanFalse(self, expr):
        return "false"


def to_js(expr, symbols: dict[sympy.Symbol, str], where: str) -> str:
    """One JavaScript expression for a sympy expression (raises CodegenError for anything unprintable)."""
    printer = _Printer(symbols, where)
    try:
        return printer.doprint(sympy.sympify(expr))
    except CodegenError:
        raise
    except Exception as e:  # sympy's PrintMethodNotImplementedError names the function
        unknown = sorted(
            {type(f).__name__ for f in sympy.sympify(expr).atoms(sympy.Function)}
            - {*JS_FUNCTIONS, *printer.known_functions}
        )
        name = ", ".join(unknown) or str(e)
        raise CodegenError(
            f"{where}: no JavaScript for sympy function {name}; give it a stable form in HELPERS and an "
            f"entry in JS_FUNCTIONS (actref/site/explorer.py), or rewrite the expression. ({e})"
        ) from e


# ---------------------------------------------------------------------------------------------- domains
@dataclass(frozen=True)
class Domain:
    """The values a numeric parameter may take: an interval (an infinite end is closed when ±inf itself is
    accepted) minus some points."""

    low: float = -math.inf
    high: float = math.inf
    low_closed: bool = False
    high_closed: bool = False
    excluded: tuple[float, ...] = ()

    def contains(self, v: float) -> bool:
        if not isinstance(v, (int, float)) or isinstance(v, bool) or math.isnan(v) or v in self.excluded:
            return False
        above = v >= self.low if self.low_closed else v > self.low
        below = v <= self.high if self.high_closed else v < self.high
        return above and below

    def as_json(self) -> dict:
        return {
            "low": None if math.isinf(self.low) else self.low,
            "high": None if math.isinf(self.high) else self.high,
            "lowClosed": self.low_closed,
            "highClosed": self.high_closed,
            "excluded": list(self.excluded),
        }


PROBES = (-math.inf, -1e300, -2.0, -1.0, -0.5, -1e-300, 0.0, 1e-300, 0.5, 1.0, 2.0, 1e300, math.inf, math.nan)


def _candidate_domains() -> Iterable[Domain]:
    """Simplest first: all finite reals, then half-lines and unit intervals, then with 0 removed."""
    for excluded in ((), (0.0,)):
        yield Domain(excluded=excluded)
        for low, high in ((0.0, math.inf), (-math.inf, 0.0), (0.0, 1.0), (-1.0, 1.0)):
            # A closed infinite end accepts ±inf itself (silu's check is just β > 0, so β = inf passes).
            for low_closed, high_closed in itertools.product((False, True), repeat=2):
                yield Domain(low, high, low_closed, high_closed, excluded)


def _accepts(check: Callable[[Any], bool] | None, v: float) -> bool:
    if check is None:
        return math.isfinite(v)
    try:
        return bool(check(v))
    except Exception:
        return False


def infer_domain(spec: Activation, name: str) -> Domain:
    """The Domain that agrees with the spec's check of parameter `name` on every probe value."""
    check = spec.params[name].check
    truth = [_accepts(check, v) for v in PROBES]
    for domain in _candidate_domains():
        if [domain.contains(v) for v in PROBES] == truth:
            return domain
    accepted = [v for v, ok in zip(PROBES, truth, strict=True) if ok]
    raise CodegenError(
        f"{spec.name}: the check of parameter {name!r} ({spec.params[name].valid}) accepts {accepted} of the "
        f"probes {list(PROBES)}, which no candidate interval describes; add one to _candidate_domains in "
        f"actref/site/explorer.py."
    )


def numeric_params(spec: Activation) -> list[str]:
    """The parameters that appear in the expression (they get sliders); the others are fixed at defaults."""
    return [k for k, p in spec.params.items() if p.symbol is not None]


def infer_relations(spec: Activation) -> list[tuple[str, str, str]]:
    """(p, op, q) with op in ('<=', '<'): the cross-parameter rules of extra["cross_check"], found by probing."""
    cross = spec.extra.get("cross_check")
    if cross is None:
        return []
    names = numeric_params(spec)
    values = (-1.0, 0.0, 1.0)
    probes, truth = [], []
    for combo in itertools.product(values, repeat=len(names)):
        merged = {**spec.defaults, **dict(zip(names, combo, strict=True))}
        probes.append(merged)
        try:
            cross(merged)
            truth.append(True)
        except ValueError:
            truth.append(False)
    ops = {"<=": lambda a, b: a <= b, "<": lambda a, b: a < b}
    implied = [
        (p, op, q)
        for p, q in itertools.permutations(names, 2)
        for op in ops
        if all(ops[op](m[p], m[q]) for m, ok in zip(probes, truth, strict=True) if ok)
    ]
    implied = [r for r in implied if not (r[1] == "<=" and (r[0], "<", r[2]) in implied)]
    predicted = [all(ops[op](m[p], m[q]) for p, op, q in implied) for m in probes]
    if predicted != truth:
        raise CodegenError(
            f"{spec.name}: its cross_check is not a conjunction of p ≤ q / p < q rules between parameters; "
            f"extend infer_relations in actref/site/explorer.py."
        )
    return implied


# ---------------------------------------------------------------------------------------------- sliders
def _nice_ceiling(v: float) -> float:
    """The smallest of 1, 2, 5 × 10^k that is ≥ v."""
    k = math.floor(math.log10(v))
    for m in (1, 2, 5, 10):
        if m * 10**k >= v * (1 - 1e-12):
            return float(m * 10**k)
    raise AssertionError(v)


@dataclass(frozen=True)
class Slider:
    minimum: float
    maximum: float
    step: float


def slider(spec: Activation, name: str, domain: Domain | None = None) -> Slider:
    """The slider span of a numeric parameter: the domain ∩ [−R, R], with R the plot's reach or 2·|default|.

    An open end that the domain excludes (β > 0) starts one step inside it.
    """
    domain = domain or infer_domain(spec, name)
    default = float(spec.params[name].default)
    reach = _nice_ceiling(max(*(abs(v) for v in spec.plot_range), 2 * abs(default), 1.0))
    low, high = max(domain.low, -reach), min(domain.high, reach)
    step = 10.0 ** math.floor(math.log10((high - low) / 500))
    if low == domain.low and not domain.low_closed:
        low += step
    if high == domain.high and not domain.high_closed:
        high -= step
    return Slider(round(low, 12), round(high, 12), step)


def alternative_value(spec: Activation, name: str) -> float:
    """A valid value of parameter `name` other than its default (the others at defaults): for tests."""
    s = slider(spec, name)
    default = float(spec.params[name].default)
    for fraction in (0.7, 0.3, 0.9, 0.1, 0.55, 0.45):
        v = round(s.minimum + fraction * (s.maximum - s.minimum), 6)
        if v == default:
            continue
        try:
            spec.resolve({name: v})
        except ValueError:
            continue
        return v
    raise CodegenError(f"{spec.name}: no valid value of {name!r} besides its default on the slider {s}.")


# ---------------------------------------------------------------------------------------------- the data file
def _symbol_names(spec: Activation) -> dict[sympy.Symbol, str]:
    out: dict[sympy.Symbol, str] = {x: "x"}
    for key, p in spec.params.items():
        if p.symbol is not None:
            out[p.symbol] = f"p.{key}"
    return out


def _param_json(spec: Activation, key: str, p: Param) -> dict:
    domain = infer_domain(spec, key)
    s = slider(spec, key, domain)
    return {
        "name": key,
        "symbol": sympy.pretty(p.symbol, use_unicode=True),
        "doc": p.doc,
        "valid": p.valid,
        "default": float(p.default),
        "domain": domain.as_json(),
        "slider": {"min": s.minimum, "max": s.maximum, "step": s.step},
    }


@dataclass(frozen=True)
class ActivationCode:
    """The JavaScript pieces of one spec, and the data the runtime needs around them."""

    name: str
    f: str
    df: str
    kinks: list[str]
    data: dict
    notes: list[str]


@functools.cache  # the data file and the activation page's notes print the same spec: once per build
def activation_code(spec: Activation) -> ActivationCode:
    """f, f′ and the kink positions of `spec` as JavaScript, with its parameter data and stable-form notes."""
    if not spec.elementwise or spec.derivative_expr is None:
        raise CodegenError(
            f"{spec.name} is not elementwise; the live plots cover elementwise activations only."
        )
    symbols = _symbol_names(spec)
    f_expr, f_used = stable_form(spec.expr)
    df_expr, df_used = stable_form(spec.derivative_expr)
    f = to_js(f_expr, symbols, f"{spec.name}.expr")
    df = to_js(df_expr, symbols, f"{spec.name}.derivative_expr")
    kinks = [to_js(k.at, symbols, f"{spec.name}.kinks") for k in spec.kinks]
    used = list(dict.fromkeys(f_used + df_used))
    notes = [r.text for r in REWRITES if r.name in used]
    called = {type(fn).__name__ for e in (f_expr, df_expr) for fn in e.atoms(sympy.Function)}
    notes += [text for helper, text in HELPER_NOTES.items() if helper in called]
    numeric = numeric_params(spec)
    data = {
        "title": spec.title,
        "family": spec.family,
        "aliases": list(spec.aliases),
        "range": list(spec.plot_range),
        "params": [_param_json(spec, k, spec.params[k]) for k in numeric],
        "fixed": {k: p.default for k, p in spec.params.items() if k not in numeric},
        "relations": [list(r) for r in infer_relations(spec)],
        "notes": notes,
    }
    return ActivationCode(spec.name, f, df, kinks, data, notes)


def helper_code() -> str:
    """`const name = (z) => …;` for every helper, printed from HELPERS."""
    lines = []
    for name, expr in HELPERS.items():
        lines.append(f"  const {name} = (z) => {to_js(expr, {z: 'z'}, f'helper {name}')};")
    return "\n".join(lines)


def localised_data(spec: Activation, lang: str, docs_dir: Path | None = None) -> dict:
    """activation_code(spec).data with its words in `lang`: the parameters' doc and valid from the spec's
    translation (docs/activations/NAME.LANG.md), the stable-form notes from the message catalogue."""
    data = activation_code(spec).data
    if i18n.check_language(lang) == i18n.DEFAULT_LANGUAGE:
        return data
    docs = Path(docs_dir) if docs_dir is not None else REPO_ROOT / "docs"

    def text(key: str, english: str) -> str:
        return i18n.spec_text(spec, key, lang, docs) if english else english

    params = [
        {
            **q,
            "doc": text(f"params.{q['name']}.doc", q["doc"]),
            "valid": text(f"params.{q['name']}.valid", q["valid"]),
        }
        for q in data["params"]
    ]
    return {**data, "params": params, "notes": [i18n.translate(lang, n) for n in data["notes"]]}


def activations_js(
    specs: Iterable[Activation] | None = None,
    meta: dict | None = None,
    lang: str = i18n.DEFAULT_LANGUAGE,
    docs_dir: Path | None = None,
) -> str:
    """The whole data file: `window.actrefDefine = (M) => ({...})`, called once by the runtime.

    Its words (parameter docs, valid ranges, stable-form notes) are in `lang`; the functions are the same in
    every language.
    """
    specs = [s for s in (specs if specs is not None else catalog.all_specs()) if s.elementwise]
    entries = []
    for spec in specs:
        code = activation_code(spec)
        data = json.dumps(localised_data(spec, lang, docs_dir), ensure_ascii=False, separators=(",", ":"))
        kinks = ", ".join(code.kinks)
        entries.append(
            f"    {json.dumps(spec.name)}: Object.assign({data}, {{\n"
            f"      f: (x, p) => {code.f},\n"
            f"      df: (x, p) => {code.df},\n"
            f"      kinks: (p) => [{kinks}],\n"
            f"    }}),"
        )
    runtime = ", ".join(RUNTIME_FUNCTIONS)
    meta_json = json.dumps(meta or {}, ensure_ascii=False, separators=(",", ":"))
    return (
        "// Generated by actref.site.explorer from the registry's sympy expressions (do not edit): f, f′ and\n"
        "// the kinks of every elementwise activation, printed by sympy's JavaScript code printer.\n"
        "window.actrefDefine = function (M) {\n"
        '  "use strict";\n'
        f"  const {{ {runtime} }} = M;\n"
        f"{helper_code()}\n"
        f"  return {{\n    meta: {meta_json},\n    activations: {{\n"
        + "\n".join(entries)
        + "\n    },\n  };\n};\n"
    )
