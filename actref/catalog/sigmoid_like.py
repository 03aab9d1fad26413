"""Sigmoid-shaped activations: S-shaped squashing functions (smooth or piecewise-linear) and log σ."""

import sympy
import torch

from actref.catalog._checks import finite_real
from actref.registry import REGISTRY, Activation, Init, Kink, Paper, Param, Properties
from actref.symbolic import sigmoid as sym_sigmoid
from actref.symbolic import x


def sigmoid(x: torch.Tensor) -> torch.Tensor:
    # Each branch only sees its own half-line (the other half is replaced by 0, NaN is kept), so neither
    # exp can overflow and autograd never meets 0·inf.
    xp, xn = torch.where(x < 0, 0.0, x), torch.where(x > 0, 0.0, x)
    pos = 1 / (1 + torch.exp(-xp))
    e = torch.exp(xn)
    neg = e / (1 + e)
    return torch.where(x >= 0, pos, neg)


def sigmoid_derivative(x: torch.Tensor) -> torch.Tensor:
    # σ(x)·σ(−x) equals σ(1 − σ) but keeps full relative accuracy in both tails.
    return torch.sigmoid(x) * torch.sigmoid(-x)


REGISTRY.add(
    Activation(
        name="sigmoid",
        title="Sigmoid (logistic)",
        family="sigmoid-like",
        aliases=("logistic", "sigm"),
        summary="Squashes any real number into (0, 1); today mostly an output or gating function.",
        forward=sigmoid,
        derivative_fn=sigmoid_derivative,
        expr=sym_sigmoid(x),
        derivative_expr=sym_sigmoid(x) * (1 - sym_sigmoid(x)),
        builtin=torch.sigmoid,
        builtin_code="torch.sigmoid(x)",
        properties=Properties(
            range=(sympy.Integer(0), sympy.Integer(1)),
            monotonic=True,
            smoothness="C∞",
            zero_centred=False,
            saturates=("negative", "positive"),
        ),
        paper=Paper(
            authors="Rumelhart, Hinton, Williams",
            year=1986,
            title="Learning representations by back-propagating errors",
            url="https://doi.org/10.1038/323533a0",
            venue="Nature 323",
        ),
        init=Init(
            "xavier",
            1.0,
            "Glorot's scheme assumes a symmetric unit with slope 1 at 0 (σ′(0) = 1/4); gain 1 is torch's "
            "calculate_gain('sigmoid'), a convention rather than a derivation",
        ),
        plot_range=(-8.0, 8.0),
        related=("tanh", "hardsigmoid", "logsigmoid", "softmax"),
    )
)


def tanh(x: torch.Tensor) -> torch.Tensor:
    # Near 0, expm1(2x) / (expm1(2x) + 2) keeps tanh(1e-30) = 1e-30. Further out, (1 − u)/(1 + u) with
    # u = e^(−2|x|) ≤ e^(−1) has no cancellation, never overflows, and keeps autograd accurate in the tails
    # (expm1's backward uses expm1(z) + 1, which rounds to 0 for z ≲ −37, halving the gradient).
    # The small branch sees only |x| < 1/2 (others are replaced by 0), so autograd never meets 0·inf.
    a = x.abs()
    small = torch.where(a < 0.5, x, 0.0)
    e = torch.expm1(2 * small)
    u = torch.exp(-2 * a)
    big = (1 - u) / (1 + u)
    return torch.where(a < 0.5, e / (e + 2), torch.where(x < 0, -big, big))


def tanh_derivative(x: torch.Tensor) -> torch.Tensor:
    # 1 − tanh² cancels to 0 for |x| ≳ 19; 4σ(2x)σ(−2x) is the same number with full relative accuracy.
    return 4 * torch.sigmoid(2 * x) * torch.sigmoid(-2 * x)


REGISTRY.add(
    Activation(
        name="tanh",
        title="Tanh",
        family="sigmoid-like",
        aliases=("hyperbolic_tangent",),
        summary="A zero-centred sigmoid with range (−1, 1); the classic choice for RNN cells.",
        forward=tanh,
        derivative_fn=tanh_derivative,
        expr=sympy.tanh(x),
        derivative_expr=1 - sympy.tanh(x) ** 2,
        builtin=torch.tanh,
        builtin_code="torch.tanh(x)",
        properties=Properties(
            range=(sympy.Integer(-1), sympy.Integer(1)),
            monotonic=True,
            smoothness="C∞",
            zero_centred=True,
            saturates=("negative", "positive"),
        ),
        paper=Paper(
            authors="LeCun, Bottou, Orr, Müller",
            year=1998,
            title="Efficient BackProp",
            url="https://doi.org/10.1007/3-540-49430-8_2",
            venue="Neural Networks: Tricks of the Trade",
        ),
        init=Init("xavier", 5 / 3, "Glorot's scheme with torch's tanh gain 5/3"),
        plot_range=(-5.0, 5.0),
        related=("sigmoid", "hardtanh", "softsign", "tanhshrink"),
    )
)


def logsigmoid(x: torch.Tensor) -> torch.Tensor:
    # log σ(x) = −log(1 + e^(−x)), written per half-line so exp never overflows: −log1p(e^(−x)) for x ≥ 0
    # keeps logsigmoid(700) = −1e-304 exact, and x − log1p(e^x) for x < 0 gives logsigmoid(−1000) = −1000
    # where log(σ(x)) would be log(0) = −inf. Each branch sees only its own half-line (NaN is kept), so
    # autograd never meets 0·inf.
    xp, xn = torch.where(x < 0, 0.0, x), torch.where(x > 0, 0.0, x)
    pos = -torch.log1p(torch.exp(-xp))
    neg = xn - torch.log1p(torch.exp(xn))
    return torch.where(x >= 0, pos, neg)


def logsigmoid_derivative(x: torch.Tensor) -> torch.Tensor:
    # d/dx log σ(x) = 1 − σ(x) = σ(−x); the second form keeps full relative accuracy for large x.
    return torch.sigmoid(-x)


REGISTRY.add(
    Activation(
        name="logsigmoid",
        paper_note=(
            "No paper introduced it: log σ(x) is the log-likelihood term of logistic regression, and the function is in torch because losses such as BCE-with-logits need it in a stable form."
        ),
        title="LogSigmoid",
        family="sigmoid-like",
        aliases=("log_sigmoid", "log-sigmoid"),
        summary="log σ(x) = −softplus(−x): a smooth, monotone unit that is linear for x → −∞ and tends to 0.",
        forward=logsigmoid,
        derivative_fn=logsigmoid_derivative,
        expr=sympy.log(sym_sigmoid(x)),
        derivative_expr=sym_sigmoid(-x),
        builtin=torch.nn.functional.logsigmoid,
        builtin_code="torch.nn.functional.logsigmoid(x)",
        properties=Properties(
            range=(-sympy.oo, sympy.Integer(0)),
            monotonic=True,
            smoothness="C∞",
            zero_centred=False,
            saturates=("positive",),
            notes=("f(0) = −log 2", "f(x) − x → 0 as x → −∞ (slope 1 there)"),
        ),
        init=Init(
            "kaiming",
            2**0.5,
            "the mirror image of softplus (log σ(x) = −softplus(−x)): rectifier-like away from 0, so it gets "
            "softplus's He initialisation; the two must not differ by their initialisation alone",
        ),
        plot_range=(-6.0, 6.0),
        conventions="f(+inf) = 0 (returned as −0.0), f(−inf) = −inf; nan in, nan out.",
        related=("sigmoid", "softplus", "log_softmax"),
    )
)


def softsign(x: torch.Tensor) -> torch.Tensor:
    # x / (1 + |x|) is accurate for |x| ≤ 1, but its autograd subtracts two numbers of size 1/|x| to get
    # 1/(1 + |x|)², losing relative accuracy as |x| grows (and inf/inf = nan at ±inf). For |x| > 1 write
    # ±(1 − r) with r = 1/(1 + |x|) ≤ 1/2: no cancellation, autograd gives r², and ±inf gives ±1.
    small = torch.where(x.abs() <= 1, x, 0.0)
    r = 1 / (1 + x.abs())
    return torch.where(x.abs() <= 1, small / (1 + small.abs()), torch.where(x > 0, 1 - r, r - 1))


def softsign_derivative(x: torch.Tensor) -> torch.Tensor:
    r = 1 / (1 + x.abs())
    return r * r


REGISTRY.add(
    Activation(
        name="softsign",
        title="Softsign",
        family="sigmoid-like",
        aliases=("soft_sign",),
        summary="x / (1 + |x|): a tanh-shaped squashing function whose tails approach ±1 polynomially.",
        forward=softsign,
        derivative_fn=softsign_derivative,
        expr=x / (1 + sympy.Abs(x)),
        derivative_expr=1 / (1 + sympy.Abs(x)) ** 2,
        builtin=torch.nn.functional.softsign,
        builtin_code="torch.nn.functional.softsign(x)",
        builtin_differences="F.softsign(±inf) is nan (inf/inf); ours returns the limits ±1.",
        properties=Properties(
            range=(sympy.Integer(-1), sympy.Integer(1)),
            monotonic=True,
            smoothness="C1",
            zero_centred=True,
            saturates=("negative", "positive"),
            notes=(
                "C¹ but not C²: f″ jumps from +2 to −2 at x = 0 (f″ = −2·sign(x)/(1 + |x|)³)",
                "f′ decays like 1/x², not exponentially as tanh′ does",
            ),
        ),
        paper=Paper(
            authors="Glorot, Bengio",
            year=2010,
            title="Understanding the difficulty of training deep feedforward neural networks",
            url="https://proceedings.mlr.press/v9/glorot10a.html",
            venue="AISTATS (PMLR 9)",
        ),
        init=Init(
            "xavier", 1.0, "Glorot & Bengio (2010) studied softsign with their normalised initialisation"
        ),
        plot_range=(-8.0, 8.0),
        conventions="f(±inf) = ±1; nan in, nan out.",
        extra={"smoothness_break": (sympy.Integer(0),)},
        related=("tanh", "hardtanh", "sigmoid"),
    )
)


def hardsigmoid(x: torch.Tensor) -> torch.Tensor:
    # relu6(x + 3) / 6, written as a choice between branches: (x + 3)/6 is exact near x = −3 (x + 3 has no
    # rounding error there) where x/6 + 1/2 would cancel, and the flat branches give gradient 0 at ±3 as
    # torch does, by construction rather than by relying on clamp's boundary rule. NaN fails both tests
    # and stays NaN.
    return torch.where(x <= -3, 0.0, torch.where(x >= 3, 1.0, (x + 3) / 6))


def hardsigmoid_derivative(x: torch.Tensor) -> torch.Tensor:
    # PyTorch's subgradient at the kinks ±3 is 0.
    inside = torch.where(x.isnan(), x, 1 / 6)
    return torch.where((x <= -3) | (x >= 3), 0.0, inside)


REGISTRY.add(
    Activation(
        name="hardsigmoid",
        title="Hard sigmoid",
        family="sigmoid-like",
        aliases=("hard_sigmoid", "h_sigmoid", "hsigmoid"),
        summary="relu6(x + 3)/6: a piecewise-linear stand-in for σ, used to gate hard-swish and SE blocks.",
        forward=hardsigmoid,
        derivative_fn=hardsigmoid_derivative,
        expr=sympy.Piecewise(
            (0, x <= -3),
            (1, x >= 3),
            (sympy.Mul(sympy.Rational(1, 6), x + 3, evaluate=False), True),
            evaluate=False,
        ),
        derivative_expr=sympy.Piecewise(
            (0, x <= -3), (0, x >= 3), (sympy.Rational(1, 6), True), evaluate=False
        ),
        builtin=torch.nn.functional.hardsigmoid,
        builtin_code="torch.nn.functional.hardsigmoid(x)",
        properties=Properties(
            range=(sympy.Integer(0), sympy.Integer(1)),
            range_closed=(True, True),
            monotonic=True,
            smoothness="C0",
            zero_centred=False,
            saturates=("negative", "positive"),
            notes=("slope 1/6 at 0, while σ′(0) = 1/4: it is not a fit of σ near 0",),
        ),
        kinks=(
            Kink(at=sympy.Integer(-3), grad=sympy.Integer(0)),
            Kink(at=sympy.Integer(3), grad=sympy.Integer(0)),
        ),
        paper=Paper(
            authors="Howard, Sandler, Chu, Chen, Chen, Tan, Wang, Zhu, Pang, Vasudevan, Le, Adam",
            year=2019,
            title="Searching for MobileNetV3",
            url="https://arxiv.org/abs/1905.02244",
            venue="ICCV",
        ),
        init=Init("xavier", 1.0, "a sigmoid-like unit; Glorot's scheme as for σ"),
        plot_range=(-5.0, 5.0),
        conventions="f(−inf) = 0, f(+inf) = 1; nan in, nan out.",
        related=("sigmoid", "hardswish", "hardtanh", "relu6"),
    )
)

min_val, max_val = sympy.Symbol("a", real=True), sympy.Symbol("b", real=True)


def _hardtanh_bounds(params) -> None:
    if params["min_val"] > params["max_val"]:
        raise ValueError(
            f"hardtanh: min_val={params['min_val']!r} is greater than max_val={params['max_val']!r}; "
            f"min_val must be a finite real ≤ max_val and max_val a finite real ≥ min_val."
        )


def hardtanh(x: torch.Tensor, min_val: float = -1.0, max_val: float = 1.0) -> torch.Tensor:
    # Branches instead of clamp: the gradient at x = min_val and x = max_val is 0, as in torch, by
    # construction. NaN fails both tests and falls through to x.
    return torch.where(x <= min_val, min_val, torch.where(x >= max_val, max_val, x))


def hardtanh_derivative(x: torch.Tensor, min_val: float = -1.0, max_val: float = 1.0) -> torch.Tensor:
    # PyTorch's subgradient at both kinks is 0.
    inside = torch.where(x.isnan(), x, 1.0)
    return torch.where((x <= min_val) | (x >= max_val), 0.0, inside)


REGISTRY.add(
    Activation(
        name="hardtanh",
        title="Hardtanh",
        family="sigmoid-like",
        aliases=("hard_tanh", "htanh"),
        summary="clip(x, −1, 1): the identity inside [min_val, max_val] and constant outside; a cheap tanh.",
        forward=hardtanh,
        derivative_fn=hardtanh_derivative,
        params={
            "min_val": Param(-1.0, finite_real, "a finite real ≤ max_val", min_val, "lower clip value a"),
            "max_val": Param(1.0, finite_real, "a finite real ≥ min_val", max_val, "upper clip value b"),
        },
        expr=sympy.Piecewise((min_val, x <= min_val), (max_val, x >= max_val), (x, True), evaluate=False),
        derivative_expr=sympy.Piecewise((0, x <= min_val), (0, x >= max_val), (1, True), evaluate=False),
        builtin=torch.nn.functional.hardtanh,
        builtin_code="torch.nn.functional.hardtanh(x, min_val=-1.0, max_val=1.0)",
        properties=Properties(
            range=(sympy.Integer(-1), sympy.Integer(1)),
            range_closed=(True, True),
            monotonic=True,
            smoothness="C0",
            zero_centred=True,
            saturates=("negative", "positive"),
            notes=("f′ is exactly 0 outside [min_val, max_val]: saturated units get no gradient at all",),
        ),
        kinks=(Kink(at=min_val, grad=sympy.Integer(0)), Kink(at=max_val, grad=sympy.Integer(0))),
        paper=Paper(
            authors="Collobert, Weston, Bottou, Karlen, Kavukcuoglu, Kuksa",
            year=2011,
            title="Natural Language Processing (Almost) from Scratch",
            url="https://www.jmlr.org/papers/v12/collobert11a.html",
            venue="JMLR 12",
        ),
        init=Init(
            "xavier", 1.0, "linear with slope 1 around 0, so Glorot's gain of 1 preserves variance there"
        ),
        plot_range=(-3.0, 3.0),
        conventions="f(−inf) = min_val, f(+inf) = max_val; nan in, nan out.",
        extra={"cross_check": _hardtanh_bounds},
        related=("tanh", "relu6", "hardsigmoid", "softsign"),
    )
)
