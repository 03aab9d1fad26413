"""Shared machinery for the registry-wide tests: spec lists, grids, parameter sets, and mpmath references.

Every test module parametrizes over the specs registered at import time, so a new spec is tested without
new test code. The high-precision references are cached here for the whole session.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Sequence

import mpmath
import sympy
import torch

import actref
from actref import symbolic
from actref.registry import Activation

x = symbolic.x

ALL_SPECS: list[Activation] = actref.all_specs()
ELEMENTWISE: list[Activation] = [s for s in ALL_SPECS if s.elementwise]

EPS64 = torch.finfo(torch.float64).eps
SMALLEST_NORMAL64 = torch.finfo(torch.float64).tiny
MAX64 = torch.finfo(torch.float64).max

# The tail points of issue 2 §4, both signs; points where f overflows are handled by the checker.
TAIL_MAGNITUDES = (1e-30, 1e-10, 0.5, 5.0, 20.0, 40.0, 100.0, 700.0, 1e10, 1e100, 1e300)
TAIL_POINTS: tuple[float, ...] = (0.0, *TAIL_MAGNITUDES, *(-m for m in TAIL_MAGNITUDES))


def spec_id(spec: Activation) -> str:
    return spec.name


def registered(name: str) -> bool:
    return name in actref.names()


# ---------------------------------------------------------------------------------------------- parameters
def is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def valid_params(spec: Activation, params: dict) -> bool:
    try:
        spec.resolve(params)
    except (ValueError, TypeError):
        return False
    return True


def param_sets(spec: Activation) -> list[dict]:
    """The defaults ({}), plus up to two sets that move every numeric, symbolic parameter off its default."""
    numeric = [k for k, p in spec.params.items() if p.symbol is not None and is_number(p.default)]
    if not numeric:
        return [{}]
    sets: list[dict] = [{}]
    for factor, offset in ((0.5, 0.5), (1.75, -0.75)):
        candidate = {}
        for i, k in enumerate(numeric):
            d = spec.params[k].default
            candidate[k] = d * factor if d != 0 else offset * (1 + 0.5 * i)
        if valid_params(spec, candidate):
            sets.append(candidate)
    return sets


def params_id(params: dict) -> str:
    return ",".join(f"{k}={v:g}" for k, v in params.items()) or "defaults"


def spec_param_cases(specs: Iterable[Activation]) -> list:
    """pytest.param(spec, params) for every spec and each of its parameter sets."""
    import pytest

    return [pytest.param(s, p, id=f"{s.name}[{params_id(p)}]") for s in specs for p in param_sets(s)]


def params_key(params: dict) -> tuple:
    return tuple(sorted(params.items()))


# ---------------------------------------------------------------------------------------------- kinks
def kink_points(spec: Activation, params: dict | None = None) -> list[float]:
    """The kinks' x positions as floats, with `params` (or the defaults) substituted."""
    subs = spec.substitutions(**(params or {}))
    return [float(sympy.sympify(k.at).subs(subs)) for k in spec.kinks]


def away_from_kinks(points: Sequence[float], kinks: Sequence[float], gap: float = 1e-3) -> list[float]:
    return [p for p in points if all(abs(p - k) > gap * max(1.0, abs(k)) for k in kinks)]


# ---------------------------------------------------------------------------------------------- grids
def extended_range(spec: Activation) -> tuple[float, float]:
    """plot_range widened by half its width on each side."""
    a, b = spec.plot_range
    w = b - a
    return a - w / 2, b + w / 2


def grid(spec: Activation, n: int = 121, params: dict | None = None) -> list[float]:
    """A dense grid over the extended plot range, plus 0 and the kinks (exactly)."""
    lo, hi = extended_range(spec)
    pts = {lo + (hi - lo) * i / (n - 1) for i in range(n)}
    pts.add(0.0)
    pts.update(kink_points(spec, params))
    return sorted(pts)


# ---------------------------------------------------------------------------------------------- mpmath
PRECISIONS = (50, 100, 200, 400, 800, 1600)


@functools.cache
def mp_callable(expr: sympy.Expr, subs_key: tuple) -> Callable:
    return symbolic.mp_function(expr, dict(subs_key))


def _to_mpf(v) -> mpmath.mpf:
    if isinstance(v, mpmath.mpc):
        if v.imag != 0:
            raise ValueError(f"the expression is complex here: {v}")
        v = v.real
    return mpmath.mpf(v)


@functools.cache
def true_value(expr: sympy.Expr, subs_key: tuple, point: float) -> mpmath.mpf:
    """expr at `point` to ≥ 25 correct digits, raising the working precision until two precisions agree.

    50 digits are not enough where the formula cancels (x·Φ(x) at x = −30 is 0 at 50 and 100 digits), so
    a zero is only trusted once it survives 1600 digits; by then the true value is below 1e-1500 relative to
    the terms, far under the double range.
    """
    fn = mp_callable(expr, subs_key)
    previous = None
    for dps in PRECISIONS:
        with mpmath.workdps(dps):
            value = _to_mpf(fn(mpmath.mpf(point)))
        # Two precisions can agree on a wrong value when both round the same small term away (1 + e^−700
        # is 1 at 50 and 100 digits, which drops tanh(softplus(x)) from mish′(−700)); so a value of size
        # 10^−k is only trusted once the working precision carries k + 25 digits.
        enough = dps >= 25 - int(mpmath.log10(abs(value))) if value != 0 else False
        if previous is not None and enough and abs(value - previous) <= abs(value) * mpmath.mpf(1e-25):
            return value
        previous = value
    return previous


def subs_key(spec: Activation, params: dict | None = None) -> tuple:
    return tuple(sorted(spec.substitutions(**(params or {})).items(), key=lambda kv: str(kv[0])))


@functools.cache
def second_derivative_expr(derivative_expr: sympy.Expr) -> sympy.Expr:
    return sympy.diff(derivative_expr, x)


# ---------------------------------------------------------------------------------------------- accuracy
def accuracy_failures(
    impl: Callable[[torch.Tensor], torch.Tensor],
    expr: sympy.Expr,
    slope_expr: sympy.Expr,
    subs: tuple,
    points: Sequence[float],
    rtol: float = 1e-10,
    ulps: float = 16.0,
) -> list[str]:
    """Where `impl` (float64) misses the true value of `expr`; empty when every point passes.

    A point passes when |got − true| ≤ max(rtol·|true|, ulps·eps·|x·g′(x)|, smallest normal), with
    g′ = `slope_expr`. The middle term is the error that rounding x itself by a few ulps would cause: it is
    what makes relative error meaningless near a root of g at an irrational point (silu′ at −1.2785), but it
    stays relative wherever the condition number is modest, so the classic tail bugs still fail: σ(1 − σ)
    is 0 at x = 40 (true 4.2e-18), 1 + erf cancels to 0 for gelu(−30) (true −1.5e-196), x − tanh(x) is 0 at
    1e-30 (true 3.3e-91). True values beyond the double range must come out as ±inf.
    """
    xs = torch.tensor(list(points), dtype=torch.float64)
    with torch.no_grad():
        got = impl(xs)
    if got.dtype != torch.float64:
        return [f"dtype {got.dtype} for float64 input"]
    failures = []
    for p, g in zip(xs.tolist(), got.tolist(), strict=True):
        want = true_value(expr, subs, p)
        if abs(want) > MAX64:
            if not (math.isinf(g) and (g > 0) == (want > 0)):
                failures.append(f"x={p!r}: got {g!r}, true value {mpmath.nstr(want, 8)} overflows to ±inf")
            continue
        if math.isnan(g) or math.isinf(g):
            failures.append(f"x={p!r}: got {g!r}, want {mpmath.nstr(want, 17)}")
            continue
        err = abs(mpmath.mpf(g) - want)
        allowed = max(rtol * abs(want), SMALLEST_NORMAL64)
        if err <= allowed:
            continue
        slope = true_value(slope_expr, subs, p)
        allowed = max(allowed, ulps * EPS64 * abs(p * slope))
        if err > allowed:
            rel = err / abs(want) if want != 0 else mpmath.inf
            failures.append(
                f"x={p!r}: got {g!r}, want {mpmath.nstr(want, 17)} (rel err {mpmath.nstr(rel, 3)}, "
                f"allowed abs {mpmath.nstr(allowed, 3)})"
            )
    return failures


# ---------------------------------------------------------------------------------------------- limits
def _branch_at_infinity(expr, sign: int):
    """expr with every Piecewise replaced by the branch that holds for x → sign·∞."""
    if not isinstance(expr, sympy.Basic) or not expr.args:
        return expr
    if isinstance(expr, sympy.Piecewise):
        far = sympy.Integer(sign) * sympy.Integer(10) ** 60
        for e, c in expr.args:
            if c == sympy.true or bool(c.subs(x, far)):
                return _branch_at_infinity(e, sign)
        raise ValueError(f"no branch of {expr} holds at {sign}·∞")
    return expr.func(*[_branch_at_infinity(a, sign) for a in expr.args])


def _oscillates(e: sympy.Expr, sign: int) -> bool:
    """Whether e keeps swinging far out (sin x): its values at x = sign·1e12·(1 + k/10) spread by more than 1e-3."""
    far = [true_value(e, (), sign * 1e12 * (1 + k / 10)) for k in range(6)]
    return max(far) - min(far) > 1e-3 * max(1, *(abs(v) for v in far))


def _agrees_with_numbers(e: sympy.Expr, value: sympy.Expr, sign: int) -> bool:
    if isinstance(value, sympy.AccumBounds):  # sympy's answer for sin x: no limit, only bounds
        return _oscillates(e, sign)
    far = true_value(e, (), sign * 1e12)
    if value in (sympy.oo, -sympy.oo):
        return abs(far) > 1e4 and (far > 0) == (value > 0)
    if not (value.is_real and value.is_finite):
        return False
    return abs(far - float(value)) <= 1e-6 * max(1, abs(float(value)))


@functools.cache
def limit_at_infinity(expr: sympy.Expr, subs: tuple, sign: int) -> float:
    """lim_{x → sign·∞} expr (parameters substituted), by sympy, confirmed numerically at x = sign·1e12.

    sympy.limit is not infallible (it gives 0 for σ(x) + xσ(x)(1 − σ(x)) at +∞, whose limit is 1), so a
    limit that disagrees with the numbers is recomputed from the simplified expression before it is trusted.
    Where there is no limit (sin x oscillates; sympy returns AccumBounds, and the numbers keep swinging) the
    answer is nan, which is also what f(±inf) must then be (sine, snake′).
    """
    e = symbolic.expand_named(_branch_at_infinity(sympy.sympify(expr).subs(dict(subs)), sign))
    tried = []
    for form in (lambda: e, lambda: sympy.simplify(e)):
        value = sympy.limit(form(), x, sign * sympy.oo)
        tried.append(value)
        if _agrees_with_numbers(e, value, sign):
            return math.nan if isinstance(value, sympy.AccumBounds) else float(value)
    raise ValueError(f"sympy's limits {tried} of {e} at {sign}·∞ disagree with its value at {sign}·1e12")


# ---------------------------------------------------------------------------------------------- one-sided values
def one_sided(expr: sympy.Expr, subs: tuple, at: float, h: float = 1e-30) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(expr(at − h), expr(at + h)) at 60 digits: the one-sided limits, to ~1e-30."""
    fn = mp_callable(expr, subs)
    with mpmath.workdps(60):
        a = mpmath.mpf(at)
        step = mpmath.mpf(h) * max(1, abs(a))
        return _to_mpf(fn(a - step)), _to_mpf(fn(a + step))


def jumps(expr: sympy.Expr, subs: tuple, at: float) -> bool:
    left, right = one_sided(expr, subs, at)
    return abs(left - right) > mpmath.mpf(1e-12) * (1 + abs(left) + abs(right))


NON_SMOOTH = (sympy.Piecewise, sympy.Abs, sympy.sign, sympy.Heaviside, sympy.Max, sympy.Min, sympy.floor)


def breakpoints(spec: Activation, params: dict | None = None) -> list[float]:
    """Every x where expr may be non-smooth: kinks, Piecewise boundaries, zeros of Abs/sign/Max/Min."""
    subs = spec.substitutions(**(params or {}))
    points = set(kink_points(spec, params))
    e = sympy.sympify(spec.expr).subs(subs)
    candidates = []
    for pw in e.atoms(sympy.Piecewise):
        for _, cond in pw.args:
            for rel in cond.atoms(sympy.core.relational.Relational):
                candidates.append(rel.lhs - rel.rhs)
    for fn in (sympy.Abs, sympy.sign, sympy.Heaviside):
        candidates += [a.args[0] for a in e.atoms(fn)]
    for fn in (sympy.Max, sympy.Min):
        for m in e.atoms(fn):
            candidates += [m.args[0] - m.args[1]]
    for c in candidates:
        for root in sympy.solve(c, x):
            if root.is_real:
                # An irrational root keeps 50 digits: clipped GELU's kink GELU⁻¹(10) = 10 + 7.6e-23 is 10.0 as
                # a float, and one_sided() would look at both sides of the wrong point.
                points.add(float(root) if root.is_rational else sympy.N(root, 50))
    return sorted(points)
