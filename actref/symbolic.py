"""sympy helpers: the symbol x, named functions (σ, Φ, φ) that print as readers expect, LaTeX, and mpmath.

The named functions know their own derivatives, so a derivative written with them (σ′ = σ(1 − σ)) can be
proven equal to `sympy.diff(f)`, and they rewrite to exp/erf for high-precision evaluation with mpmath.
"""

from __future__ import annotations

from collections.abc import Callable

import mpmath
import sympy
from sympy import Function, exp, pi, sqrt

x = sympy.Symbol("x", real=True)


class sigmoid(Function):
    """The logistic function σ(z) = 1 / (1 + e^(−z))."""

    def fdiff(self, argindex=1):
        z = self.args[0]
        return sigmoid(z) * (1 - sigmoid(z))

    @classmethod
    def eval(cls, z):
        if z == 0:
            return sympy.Rational(1, 2)
        if z is sympy.oo:
            return sympy.Integer(1)
        if z is -sympy.oo:
            return sympy.Integer(0)
        return None

    def _eval_rewrite_as_exp(self, z, **kwargs):
        return 1 / (1 + exp(-z))

    def _latex(self, printer, exp=None):
        arg = printer._print(self.args[0])
        base = rf"\sigma\left({arg}\right)"
        return base if exp is None else rf"\sigma^{{{exp}}}\left({arg}\right)"


class Phi(Function):
    """The standard normal CDF Φ(z) = (1 + erf(z/√2)) / 2."""

    def fdiff(self, argindex=1):
        return phi(self.args[0])

    @classmethod
    def eval(cls, z):
        if z == 0:
            return sympy.Rational(1, 2)
        return None

    def _eval_rewrite_as_exp(self, z, **kwargs):
        # expand: sympy 1.14's limit of erf(√2/2·(a·x − b)) at −∞ is 1 instead of −1 (laplace's Φ((x − μ)/σ)).
        return (1 + sympy.erf(sympy.expand(z / sqrt(2)))) / 2

    def _eval_evalf(self, prec):  # float(Φ(c)) for a number c
        return self.rewrite(exp)._eval_evalf(prec) if self.args[0].is_number else None

    def _latex(self, printer, exp=None):
        arg = printer._print(self.args[0])
        base = rf"\Phi\left({arg}\right)"
        return base if exp is None else rf"\Phi^{{{exp}}}\left({arg}\right)"


class phi(Function):
    """The standard normal density φ(z) = e^(−z²/2) / √(2π)."""

    def fdiff(self, argindex=1):
        z = self.args[0]
        return -z * phi(z)

    def _eval_rewrite_as_exp(self, z, **kwargs):
        return exp(-(z**2) / 2) / sqrt(2 * pi)

    def _latex(self, printer, exp=None):
        arg = printer._print(self.args[0])
        base = rf"\varphi\left({arg}\right)"
        return base if exp is None else rf"\varphi^{{{exp}}}\left({arg}\right)"


NAMED = (sigmoid, Phi, phi)


def expand_named(expr):
    """Rewrite σ, Φ, φ in terms of exp and erf (for diff checks and numeric evaluation)."""
    for f in NAMED:
        expr = expr.replace(f, lambda z, f=f: f(z).rewrite(exp))
    return expr


def to_latex(expr) -> str:
    """LaTeX for an expression, with readable Piecewise and symbol names."""
    return sympy.latex(expr)


def mp_function(expr, subs: dict | None = None) -> Callable[[mpmath.mpf], mpmath.mpf]:
    """An mpmath function of x for `expr` with parameters substituted (works at any mp.dps)."""
    e = expand_named(expr.subs(subs or {}))
    return sympy.lambdify(x, e, modules=["mpmath"])


def derivatives_agree(expr, derivative, subs: dict | None = None, points=None, dps: int = 50) -> float:
    """Max relative difference between diff(expr) and `derivative`, at `points`, with mpmath at `dps` digits.

    A symbolic proof is tried first (returns 0.0 when sympy simplifies the difference to zero).
    """
    subs = subs or {}
    f = expand_named(expr.subs(subs))
    d = expand_named(derivative.subs(subs))
    diff = sympy.diff(f, x)
    if not f.has(sympy.Piecewise):
        try:
            if sympy.simplify(diff - d) == 0:
                return 0.0
        except Exception:  # simplify can fail on special functions; fall back to numbers
            pass
    fd = sympy.lambdify(x, diff, modules=["mpmath"])
    fe = sympy.lambdify(x, d, modules=["mpmath"])
    worst = 0.0
    with mpmath.workdps(dps):
        for p in points or []:
            a, b = fd(mpmath.mpf(p)), fe(mpmath.mpf(p))
            scale = max(abs(a), abs(b), mpmath.mpf(10) ** (-dps // 2))
            worst = max(worst, float(abs(a - b) / scale))
    return worst
