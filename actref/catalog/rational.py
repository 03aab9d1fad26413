"""Rational units: the Padé activation unit (PAU), a learnable ratio of two polynomials."""

import mpmath
import sympy
import torch

from actref.catalog._checks import finite_real
from actref.registry import REGISTRY, Activation, Init, Kink, Paper, Param, Properties
from actref.symbolic import x

# ------------------------------------------------------------------------------------------------- PAU
# The initial coefficients: "pade_optimized_leakyrelu" in get_constants_for_inits of the authors' code,
# github.com/ml-research/pau, pau/cuda/python_imp/Pade.py, the coefficients that PAU() in pau/utils.py uses: a
# (5, 4) fit of Leaky ReLU (slope 0.01) on [−3, 3]. The official module stores them with torch.FloatTensor, so
# the defaults are those float32 numbers (the printed values rounded to float32), which an nn.Parameter holds
# exactly.
A_INIT = (
    0.03355836123228073,  # 3.35583603e-02
    0.5050003528594971,  # 5.05000375e-01
    1.6534392833709717,  # 1.65343934e+00
    2.0100104808807373,  # 2.01001052e+00
    0.9319019913673401,  # 9.31901999e-01
    0.15242412686347961,  # 1.52424124e-01
)
B_INIT = (
    3.3084747883549426e-06,  # 3.30847488e-06
    3.9802157878875732,  # 3.98021568e+00
    5.124712174620072e-07,  # 5.12471206e-07
    0.30183011293411255,  # 3.01830109e-01
)
A_NAMES = tuple(f"a{j}" for j in range(6))
B_NAMES = tuple(f"b{k}" for k in range(1, 5))
A_SYMS = tuple(sympy.Symbol(f"a_{j}", real=True) for j in range(6))
B_SYMS = tuple(sympy.Symbol(f"b_{k}", real=True) for k in range(1, 5))


def pau(
    x: torch.Tensor,
    a0: float | torch.Tensor = 0.03355836123228073,
    a1: float | torch.Tensor = 0.5050003528594971,
    a2: float | torch.Tensor = 1.6534392833709717,
    a3: float | torch.Tensor = 2.0100104808807373,
    a4: float | torch.Tensor = 0.9319019913673401,
    a5: float | torch.Tensor = 0.15242412686347961,
    b1: float | torch.Tensor = 3.3084747883549426e-06,
    b2: float | torch.Tensor = 3.9802157878875732,
    b3: float | torch.Tensor = 5.124712174620072e-07,
    b4: float | torch.Tensor = 0.30183011293411255,
) -> torch.Tensor:
    # Safe PAU: P(x)/(1 + |b1·x + b2·x² + b3·x³ + b4·x⁴|), P(x) = a0 + a1·x + … + a5·x⁵. Each coefficient is a
    # number or a tensor of 1 or C values (one per channel; the channel dim is dim 1, as for PReLU).
    def coefficient(c):
        if not isinstance(c, torch.Tensor):
            return torch.tensor(c, dtype=x.dtype, device=x.device)  # a tensor: b4 = 0 gives inf, not an error
        c = c.to(x.dtype)
        if c.numel() == 1:
            return c.reshape(())
        channels = x.shape[1] if x.dim() >= 2 else 1
        if c.numel() != channels:
            raise ValueError(
                f"pau: a coefficient has {c.numel()} values but x has {channels} channels (dim 1 of shape "
                f"{tuple(x.shape)}); use 1 value or exactly {channels}."
            )
        return c.reshape(-1, *([1] * (x.dim() - 2)))

    a0, a1, a2, a3, a4, a5, b1, b2, b3, b4 = map(coefficient, (a0, a1, a2, a3, a4, a5, b1, b2, b3, b4))
    big, huge = x.abs() > 1, x.abs() > 2.0**64  # huge includes ±inf
    # |x| ≤ 1 (and nan): Horner in x. |b1·x + … + b4·x⁴| = |x|·|b1 + b2·x + b3·x² + b4·x³|, so the sum under
    # the abs is exactly 0 at x = 0, where torch's abs′(0) = 0 gives the mean of the one-sided slopes.
    xn = torch.where(big, 0.0, x)
    p = ((((a5 * xn + a4) * xn + a3) * xn + a2) * xn + a1) * xn + a0
    c = ((b4 * xn + b3) * xn + b2) * xn + b1
    # Where c is 0 to within its rounding error its sign is unknown: there autograd uses abs′(0) = 0, as at an
    # exact 0, so the other kinks (the real zeros of c) get the mean slope too. The value is unchanged.
    eps = 8 * torch.finfo(x.dtype).eps
    ac = xn.abs()
    c_err = eps * (((abs(b4) * ac + abs(b3)) * ac + abs(b2)) * ac + abs(b1))
    near = p / (1 + ac * torch.where(c.abs() <= c_err, c.abs().detach(), c.abs()))
    # 1 < |x| ≤ 2⁶⁴: P and Q divided by x⁵ and x⁴, Horner in u = 1/x, so x⁵ never overflows.
    xf = torch.where(big & ~huge, x, 2.0)
    u = 1 / xf
    pr = ((((a0 * u + a1) * u + a2) * u + a3) * u + a4) * u + a5
    ar = ((b1 * u + b2) * u + b3) * u + b4
    au = u.abs()
    ar_err = eps * (((abs(b1) * au + abs(b2)) * au + abs(b3)) * au + abs(b4))
    u2 = u * u
    far = xf * (pr / (u2 * u2 + torch.where(ar.abs() <= ar_err, ar.abs().detach(), ar.abs())))
    # |x| > 2⁶⁴: f = (a5/|b4|)·x + (a4·|b4| − a5·b3·sign(b4))/b4² + O(1/x), the O(1/x) far below the last bit.
    # Autograd of x·g(1/x) would meet x·g′ = inf times 1/x² = 0 near the largest floats; this does not.
    xh = torch.where(huge, x, 1.0)
    asymptote = xh * (a5 / abs(b4)) + (a4 * abs(b4) - a5 * b3 * (b4 / abs(b4))) / (b4 * b4)
    return torch.where(huge, asymptote, torch.where(big, far, near))


def pau_derivative(
    x: torch.Tensor,
    a0: float | torch.Tensor = 0.03355836123228073,
    a1: float | torch.Tensor = 0.5050003528594971,
    a2: float | torch.Tensor = 1.6534392833709717,
    a3: float | torch.Tensor = 2.0100104808807373,
    a4: float | torch.Tensor = 0.9319019913673401,
    a5: float | torch.Tensor = 0.15242412686347961,
    b1: float | torch.Tensor = 3.3084747883549426e-06,
    b2: float | torch.Tensor = 3.9802157878875732,
    b3: float | torch.Tensor = 5.124712174620072e-07,
    b4: float | torch.Tensor = 0.30183011293411255,
) -> torch.Tensor:
    a = [_coefficient(c, x) for c in (a0, a1, a2, a3, a4, a5)]
    b = [_coefficient(c, x) for c in (b1, b2, b3, b4)]
    return _rational_derivative(x, a, b)


# ----------------------------------------------------------------------- any degrees (the module, f′)
def _coefficient(c, x: torch.Tensor):
    """A coefficient as a tensor in x's dtype: 0-d if it has one value, else per channel along dim 1."""
    if not isinstance(c, torch.Tensor):
        return torch.tensor(c, dtype=x.dtype, device=x.device)
    c = c.to(x.dtype)
    if c.numel() == 1:
        return c.reshape(())
    channels = x.shape[1] if x.dim() >= 2 else 1
    if c.numel() != channels:
        raise ValueError(
            f"pau: a coefficient has {c.numel()} values but x has {channels} channels (dim 1 of shape "
            f"{tuple(x.shape)}); use 1 value or exactly {channels}."
        )
    return c.reshape(-1, *([1] * (x.dim() - 2)))


def _abs_rounded(v: torch.Tensor, coefficients, t: torch.Tensor) -> torch.Tensor:
    """|v| for v = Horner(coefficients, t), with abs′ = 0 where v is 0 to within its rounding error (see pau)."""
    err = 8 * torch.finfo(t.dtype).eps * _horner([abs(c) for c in coefficients], t.abs())
    return torch.where(v.abs() <= err, v.abs().detach(), v.abs())


def _sign_rounded(v: torch.Tensor, coefficients, t: torch.Tensor) -> torch.Tensor:
    """sign(v), 0 where v is 0 to within its rounding error: the derivative of _abs_rounded."""
    err = 8 * torch.finfo(t.dtype).eps * _horner([abs(c) for c in coefficients], t.abs())
    return torch.where(v.abs() <= err, 0.0, v.sign())


def _horner(coefficients, t):
    """c[0]·t^(k−1) + c[1]·t^(k−2) + … + c[k−1]: the coefficients from the highest power down."""
    out = coefficients[0] * t + coefficients[1] if len(coefficients) > 1 else coefficients[0] + 0 * t
    for c in coefficients[2:]:
        out = out * t + c
    return out


def _rational(x: torch.Tensor, a: list, b: list) -> torch.Tensor:
    """The safe PAU of degrees (m, n) = (len(a) − 1, len(b)) by the steps of pau(), for any degrees."""
    m, n = len(a) - 1, len(b)
    big, huge = x.abs() > 1, x.abs() > 2.0**64
    xn = torch.where(big, 0.0, x)
    p = _horner(a[::-1], xn)
    c = _horner(b[::-1], xn)
    near = p / (1 + xn.abs() * _abs_rounded(c, b[::-1], xn))
    # P = x^m·pr(u), Q = |x|^n·(|u|^n + |ar(u)|) with u = 1/x, so f = sign(x)^m·|x|^(m−n)·pr/(|u|^n + |ar|).
    xf = torch.where(big & ~huge, x, 2.0)
    u = 1 / xf
    pr, ar = _horner(a, u), _horner(b, u)
    far = xf.sign() ** m * xf.abs() ** (m - n) * (pr / (u.abs() ** n + _abs_rounded(ar, b, u)))
    # |x| > 2⁶⁴: the leading term sign(x)^m·|x|^(m−n)·a_m/|b_n| (relative error O(1/x)).
    xh = torch.where(huge, x, 1.0)
    asymptote = xh.sign() ** m * xh.abs() ** (m - n) * (a[-1] / abs(b[-1]))
    return torch.where(huge, asymptote, torch.where(big, far, near))


def _rational_derivative(x: torch.Tensor, a: list, b: list) -> torch.Tensor:
    """f′ = (P′·Q − P·sign(A)·A′)/Q² with A = b1·x + … + bn·x^n, sign(A) = sign(x)·sign(A/x), abs′(0) = 0."""
    m, n = len(a) - 1, len(b)
    da = [j * a[j] for j in range(1, m + 1)] or [0.0]  # P′ = Σ j·a_j·x^(j−1)
    db = [k * b[k - 1] for k in range(1, n + 1)]  # A′ = Σ k·b_k·x^(k−1)
    far = x.abs() > 1
    xn = torch.where(far, 0.0, x)
    p, dp = _horner(a[::-1], xn), _horner(da[::-1], xn)
    c, dA = _horner(b[::-1], xn), _horner(db[::-1], xn)
    q = 1 + xn.abs() * c.abs()
    near = (dp * q - p * (xn.sign() * _sign_rounded(c, b[::-1], xn)) * dA) / (q * q)
    # Divided by x^(m+n−1)·|x|^n: f′ = sign(x)^(m−1)·|x|^(m−1−n)·(pd·D − pr·sign(ar)·ad)/D², D = |u|^n + |ar|.
    xf = torch.where(far, x, 2.0)
    # Beyond 2⁶⁴ (and at ±inf) the terms in u are below the last bit: u = 0 gives the limit a_m/|b_n|·….
    u = torch.where(xf.abs() > 2.0**64, 0.0, 1 / xf)
    pr, pd = _horner(a, u), _horner([j * a[j] for j in range(m + 1)], u)
    ar, ad = _horner(b, u), _horner(db, u)
    d = u.abs() ** n + ar.abs()
    ratio = (pd * d - pr * _sign_rounded(ar, b, u) * ad) / (d * d)
    scale = xf.sign() ** (m - 1) * xf.abs() ** (m - 1 - n)  # 1 for (5, 4), at ±inf too
    return torch.where(far, scale * ratio, near)


# ----------------------------------------------------------------------------------------- the module
def _coefficient_ok(v) -> bool:
    # A tensor's values are not read here (that would sync the device and cannot run under vmap); the module
    # checks its initial values.
    if isinstance(v, torch.Tensor):
        return v.is_floating_point() and v.dim() <= 1 and v.numel() >= 1
    return finite_real(v)


def _check_degrees(degrees) -> tuple[int, int]:
    ok = (
        isinstance(degrees, (tuple, list))
        and len(degrees) == 2
        and all(isinstance(d, int) and not isinstance(d, bool) for d in degrees)
    )
    if not ok or degrees[0] < 0 or degrees[1] < 1:
        raise ValueError(
            f"pau: invalid degrees={degrees!r}; degrees must be a pair (m, n) of ints with numerator degree "
            f"m ≥ 0 and denominator degree n ≥ 1 (the paper's default is (5, 4))."
        )
    return int(degrees[0]), int(degrees[1])


class PAU(torch.nn.Module):
    """Safe Padé activation unit P(x)/(1 + |b1·x + … + bn·x^n|) with learnable coefficients a0…am, b1…bn.

    One set of coefficients per layer, as in the paper (a 1-D tensor gives one value per channel, dim 1).
    `degrees` other than (5, 4) take the given coefficients up to their degree and 0 above it, so a larger
    unit starts as the same function.
    """

    def __init__(self, degrees=(5, 4), **coefficients):
        super().__init__()
        m, n = _check_degrees(degrees)
        init = {**dict(zip(A_NAMES, A_INIT, strict=True)), **dict(zip(B_NAMES, B_INIT, strict=True))}
        unknown = sorted(set(coefficients) - set(init))
        if unknown:
            raise TypeError(f"PAU got unknown coefficient(s) {', '.join(unknown)}; valid: {', '.join(init)}.")
        init.update(coefficients)
        self.degrees = (m, n)
        self.a_names = tuple(f"a{j}" for j in range(m + 1))
        self.b_names = tuple(f"b{k}" for k in range(1, n + 1))
        values = {}
        for name in self.a_names + self.b_names:
            v = init.get(name, 0.0)
            ok = _coefficient_ok(v) and (not isinstance(v, torch.Tensor) or bool(torch.isfinite(v).all()))
            if not ok:
                raise ValueError(
                    f"PAU: invalid {name}={v!r}; each coefficient must be a finite real number or a float "
                    f"tensor of 1 or C finite values."
                )
            t = torch.as_tensor(v.detach() if isinstance(v, torch.Tensor) else float(v))
            t = t.to(torch.get_default_dtype()).clone()
            values[name] = t.reshape(()) if t.numel() == 1 else t.reshape(-1)
        for name, t in values.items():  # only once every value has passed its check
            self.register_parameter(name, torch.nn.Parameter(t))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        coefficients = {name: getattr(self, name) for name in self.a_names + self.b_names}
        if self.degrees == (5, 4):
            return REGISTRY.get("pau")(x, **coefficients)
        dtype = x.dtype if x.dtype in (torch.float16, torch.bfloat16) else None
        xc = x.float() if dtype is not None else x
        a = [_coefficient(coefficients[k], xc) for k in self.a_names]
        b = [_coefficient(coefficients[k], xc) for k in self.b_names]
        out = _rational(xc, a, b)
        return out.to(dtype) if dtype is not None else out

    def extra_repr(self) -> str:
        return f"pau, degrees={self.degrees}"


def _real_root_mp(b1, b2, b3, b4):
    """The real zero of b1 + b2·t + b3·t² + b4·t³ nearest 0 (nan if none), at mpmath's working precision."""
    coefficients = [mpmath.mpf(c) for c in (b4, b3, b2, b1)]
    while coefficients and coefficients[0] == 0:
        coefficients.pop(0)
    if len(coefficients) < 2:
        return mpmath.nan
    roots = mpmath.polyroots(coefficients, maxsteps=200, extraprec=2 * mpmath.mp.prec)
    tol = mpmath.mpf(2) ** (-mpmath.mp.prec // 2)
    real = [mpmath.re(r) for r in roots if abs(mpmath.im(r)) <= tol * max(1, abs(r))]
    return min(real, key=abs) if real else mpmath.nan


class cubic_root(sympy.Function):
    """The real zero nearest 0 of b1 + b2·t + b3·t² + b4·t³, where PAU's |b1·x + … + b4·x⁴| has its second kink."""

    is_real = True

    @classmethod
    def eval(cls, *args):
        return None  # kept symbolic; evaluated numerically (evalf, lambdify) only

    def _eval_evalf(self, prec):
        if not all(a.is_number for a in self.args):
            return None
        with mpmath.workprec(prec + 20):
            root = _real_root_mp(*(a._to_mpmath(prec + 20) for a in self.args))
        return sympy.Float(root, precision=prec)

    _imp_ = staticmethod(_real_root_mp)  # what sympy.lambdify(..., "mpmath") calls

    def _latex(self, printer, exp=None):
        t = sympy.Symbol("t")
        poly = sympy.Add(*(b * t**k for k, b in enumerate(self.args)), evaluate=False)
        base = rf"\operatorname{{root}}_t\left({printer._print(poly)}\right)"
        return base if exp is None else rf"{base}^{{{exp}}}"

    def _javascript(self, printer):
        # The live plots (actref.site.explorer): Newton's method from t = 0.
        b1, b2, b3, b4 = (printer._print(a) for a in self.args)
        return (
            "((b1, b2, b3, b4) => { let t = 0; for (let i = 0; i < 100; i++) { const s = (((b4 * t + b3) * t + b2) "
            "* t + b1) / ((3 * b4 * t + 2 * b3) * t + b2); t -= s; if (!(Math.abs(s) > 1e-16 * Math.abs(t))) "
            f"break; }} return t; }})({b1}, {b2}, {b3}, {b4})"
        )


_P = sum(a * x**j for j, a in enumerate(A_SYMS))
_A = sum(b * x**k for k, b in enumerate(B_SYMS, start=1))
_Q = 1 + sympy.Abs(_A)
_dP, _dA = sympy.diff(_P, x), sympy.diff(_A, x)
_x_star = cubic_root(*B_SYMS)

REGISTRY.add(
    Activation(
        name="pau",
        title="PAU (Padé activation unit)",
        family="rational",
        summary="A learnable rational function P(x)/(1 + |A(x)|) of degrees (5, 4), initialised to fit Leaky "
        "ReLU on [−3, 3].",
        forward=pau,
        derivative_fn=pau_derivative,
        params={
            **{
                name: Param(
                    value,
                    _coefficient_ok,
                    "a finite real number, or a float tensor of 1 or C (channels, dim 1) values",
                    sym,
                    f"numerator coefficient of x^{j} (learnable)",
                )
                for j, (name, value, sym) in enumerate(zip(A_NAMES, A_INIT, A_SYMS, strict=True))
            },
            **{
                name: Param(
                    value,
                    _coefficient_ok,
                    "a finite real number, or a float tensor of 1 or C (channels, dim 1) values",
                    sym,
                    f"denominator coefficient of x^{k} (learnable)",
                )
                for k, (name, value, sym) in enumerate(zip(B_NAMES, B_INIT, B_SYMS, strict=True), start=1)
            },
        },
        expr=_P / _Q,
        derivative_expr=(_dP * _Q - _P * sympy.sign(_A) * _dA) / _Q**2,
        properties=Properties(
            range=(-sympy.oo, sympy.oo),
            monotonic=False,
            smoothness="C0",
            zero_centred=False,
            saturates=(),
            notes=(
                "properties at the initial coefficients (the Leaky ReLU fit); training changes them",
                "the fit holds on [−3, 3] only: for |x| ≫ 3, f ≈ (a5/|b4|)·x ≈ 0.505·x on both sides",
            ),
        ),
        kinks=(
            Kink(
                at=sympy.Integer(0),
                grad=A_SYMS[1],
                note="The sum under the abs is computed as x·(b1 + b2·x + b3·x² + b4·x³), exactly 0 at x = 0, and "
                "torch's abs′(0) = 0, so autograd returns P′(0) = a1, the mean of the one-sided slopes "
                "a1 ± a0·|b1|.",
            ),
            Kink(
                at=_x_star,
                grad=_dP.subs(x, _x_star),
                note="The real zero x* of b1 + b2·x + b3·x² + b4·x³ nearest 0 (−8.31e−7 at the initial "
                "coefficients, where f′ jumps by 2.2e−7; if training gives it three real zeros, the other two "
                "are kinks too). Where that factor is 0 to within its rounding error autograd takes abs′ = 0, "
                "so it returns the mean slope P′(x*), as at x = 0.",
            ),
        ),
        paper=Paper(
            authors="Molina, Schramowski, Kersting",
            year=2020,
            title="Padé Activation Units: End-to-end Learning of Flexible Activation Functions in Deep "
            "Networks",
            url="https://arxiv.org/abs/1907.06732",
            venue="ICLR",
        ),
        init=Init(
            "kaiming",
            (2 / (1 + 0.01**2)) ** 0.5,
            "it starts as a fit of Leaky ReLU (slope 0.01) on [−3, 3], so He's gain √(2/(1+a²)) for a = 0.01",
        ),
        module_factory=PAU,
        extra={
            "learnable": A_NAMES + B_NAMES,
            "module_params": ("degrees",),
        },
        plot_range=(-4.0, 4.0),
        conventions="pau(±inf) = ±inf and pau′(±inf) = a5/|b4| (the limits, for a5, b4 ≠ 0; beyond |x| = 2⁶⁴ "
        "we use the asymptote, which needs b4 ≠ 0); nan in, nan out. At both kinks autograd gives the mean of the "
        "one-sided slopes.",
        related=("leaky_relu", "prelu", "relu"),
    )
)
