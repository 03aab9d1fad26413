"""More squashing functions: sparse sigmoid, step, Laplace, Elliott, ISRU, LeCun's tanh, soft clipping."""

import math

import sympy
import torch

from actref.catalog._checks import finite_real, positive
from actref.registry import REGISTRY, Activation, Init, Kink, Paper, Param, Properties
from actref.symbolic import Phi, phi, x
from actref.symbolic import sigmoid as sym_sigmoid

alpha = sympy.Symbol("alpha", positive=True)

# ---------------------------------------------------------------------------------------------- sparse sigmoid


def sparse_sigmoid(x: torch.Tensor) -> torch.Tensor:
    # clip((x + 1)/2, 0, 1) written as a choice between branches: the flat branches own the kinks at ±1, so
    # autograd gives 0 there (torch's rule for hardtanh and hardsigmoid). x + 1 is exact next to x = −1.
    # NaN fails both tests and falls through to (x + 1)/2 = NaN.
    return torch.where(x <= -1, 0.0, torch.where(x >= 1, 1.0, (x + 1) / 2))


def sparse_sigmoid_derivative(x: torch.Tensor) -> torch.Tensor:
    # PyTorch-style subgradient 0 at both kinks.
    inside = torch.where(x.isnan(), x, 0.5)
    return torch.where((x <= -1) | (x >= 1), 0.0, inside)


REGISTRY.add(
    Activation(
        name="sparse_sigmoid",
        title="Sparse sigmoid",
        family="sigmoid-like",
        summary="clip((x + 1)/2, 0, 1): the two-class sparsemax, reaching exactly 0 and 1 outside [−1, 1].",
        forward=sparse_sigmoid,
        derivative_fn=sparse_sigmoid_derivative,
        expr=sympy.Piecewise(
            (0, x <= -1),
            (1, x >= 1),
            (sympy.Mul(sympy.Rational(1, 2), x + 1, evaluate=False), True),
            evaluate=False,
        ),
        derivative_expr=sympy.Piecewise(
            (0, x <= -1), (0, x >= 1), (sympy.Rational(1, 2), True), evaluate=False
        ),
        properties=Properties(
            range=(sympy.Integer(0), sympy.Integer(1)),
            range_closed=(True, True),
            monotonic=True,
            smoothness="C0",
            zero_centred=False,
            saturates=("negative", "positive"),
            notes=(
                "equals hardsigmoid(3x) and (hardtanh(x) + 1)/2",
                "slope 1/2 on (−1, 1), twice σ′(0) = 1/4",
            ),
        ),
        kinks=(
            Kink(at=sympy.Integer(-1), grad=sympy.Integer(0)),
            Kink(at=sympy.Integer(1), grad=sympy.Integer(0)),
        ),
        paper=Paper(
            authors="Blondel, Martins, Niculae",
            year=2020,
            title="Learning with Fenchel-Young Losses",
            url="https://arxiv.org/abs/1901.02324",
            venue="Journal of Machine Learning Research 21(35)",
        ),
        init=Init("xavier", 1.0, "a sigmoid-like unit (slope 1/2 around 0); Glorot's scheme as for σ"),
        plot_range=(-3.0, 3.0),
        conventions="f(−inf) = 0, f(+inf) = 1; nan in, nan out.",
        related=("sigmoid", "hardsigmoid", "hardtanh", "softmax"),
    )
)

# ---------------------------------------------------------------------------------------------- step
threshold_sym = sympy.Symbol("t", real=True)


def step(x: torch.Tensor, threshold: float = 0.0) -> torch.Tensor:
    # 1 where x > threshold, 0 at and below it (MLX ≥ 0.32 returns 1 at the jump). The output depends on x
    # only through the comparison, so autograd returns 0 everywhere, the jump included; NaN (every comparison False) is passed
    # through by the inner branch, which also keeps the output attached to the graph.
    return torch.where(x > threshold, 1.0, torch.where(x.isnan(), x, 0.0))


def step_derivative(x: torch.Tensor, threshold: float = 0.0) -> torch.Tensor:
    # 0 everywhere, including at the jump (there is no derivative there; 0 is what autograd returns).
    return torch.where(x.isnan(), x, 0.0)


REGISTRY.add(
    Activation(
        name="step",
        title="Step (Heaviside)",
        family="sigmoid-like",
        aliases=("heaviside", "binary_step"),
        summary="1 above the threshold, 0 at and below it: the all-or-nothing unit of the first neuron models.",
        forward=step,
        derivative_fn=step_derivative,
        params={
            "threshold": Param(
                0.0, finite_real, "a finite real", threshold_sym, "the output is 1 for x > t, else 0 (t)"
            ),
        },
        expr=sympy.Piecewise((1, x > threshold_sym), (0, True), evaluate=False),
        derivative_expr=sympy.Integer(0),
        properties=Properties(
            range=(sympy.Integer(0), sympy.Integer(1)),
            range_closed=(True, True),
            monotonic=True,
            smoothness="discontinuous",
            zero_centred=False,
            saturates=("negative", "positive"),
            notes=(
                "takes only the two values 0 and 1",
                "f(threshold) = 0: the value at the jump belongs to the lower side",
                "f′ = 0 wherever it exists, so no gradient passes through it",
            ),
        ),
        kinks=(
            Kink(
                at=threshold_sym,
                grad=sympy.Integer(0),
                note="A jump, not a kink: f has no derivative or subgradient there; autograd returns 0.",
            ),
        ),
        paper=Paper(
            authors="McCulloch, Pitts",
            year=1943,
            title="A logical calculus of the ideas immanent in nervous activity",
            url="https://doi.org/10.1007/BF02478259",
            venue="Bulletin of Mathematical Biophysics 5",
        ),
        init=Init(
            "xavier",
            1.0,
            "no gradient passes through a step, so no gain preserves gradient variance; Glorot's gain 1 is a "
            "neutral default",
        ),
        plot_range=(-2.0, 2.0),
        conventions="f(+inf) = 1, f(−inf) = 0, f(threshold) = 0; nan in, nan out. mlx.nn.step (MLX 0.32.4) "
        "gives 1 at the threshold and 0 for nan.",
        related=("sigmoid", "hardsigmoid", "threshold", "relu"),
    )
)

# ---------------------------------------------------------------------------------------------- laplace
mu_sym, sigma_sym = sympy.Symbol("mu", real=True), sympy.Symbol("sigma", positive=True)


def laplace(
    x: torch.Tensor, mu: float = 0.7071067811865476, sigma: float = 0.28209479177387814
) -> torch.Tensor:
    # Φ((x − μ)/σ) = ½·erfc(−(x − μ)/(σ√2)). The textbook ½(1 + erf(·)) cancels to 0 in the left tail
    # (x ≲ 0.5 − 0.28·5.5 ≈ −1 in float32); erfc keeps its relative accuracy there. An argument that
    # overflows to ±inf gives erfc's limits 2 and 0, and autograd meets exp(−inf) = 0, not inf·0.
    z = (x - mu) / (sigma * math.sqrt(2.0))
    return 0.5 * torch.erfc(-z)


def laplace_derivative(
    x: torch.Tensor, mu: float = 0.7071067811865476, sigma: float = 0.28209479177387814
) -> torch.Tensor:
    z = (x - mu) / (sigma * math.sqrt(2.0))
    return torch.exp(-z * z) / (sigma * math.sqrt(2 * math.pi))


REGISTRY.add(
    Activation(
        name="laplace",
        title="Laplace (MEGA)",
        family="sigmoid-like",
        summary="Φ((x − μ)/σ): a Gaussian CDF fitted to relu(x)² at x = μ, MEGA's bounded attention function.",
        forward=laplace,
        derivative_fn=laplace_derivative,
        params={
            "mu": Param(
                math.sqrt(0.5),
                finite_real,
                "a finite real",
                mu_sym,
                "the centre μ, where f = 1/2 (the paper's √(1/2); transformers uses 0.707107)",
            ),
            "sigma": Param(
                1 / math.sqrt(4 * math.pi),
                positive,
                "a finite real > 0",
                sigma_sym,
                "the width σ (the paper's √(1/(4π)); transformers uses 0.282095)",
            ),
        },
        expr=Phi((x - mu_sym) / sigma_sym),
        derivative_expr=phi((x - mu_sym) / sigma_sym) / sigma_sym,
        properties=Properties(
            range=(sympy.Integer(0), sympy.Integer(1)),
            monotonic=True,
            smoothness="C∞",
            zero_centred=False,
            saturates=("negative", "positive"),
            notes=(
                "at the defaults f(μ) = μ² = 1/2 and f′(μ) = 2μ = √2, matching relu(x)² at x = μ",
                "f(0) = Φ(−√(2π)) ≈ 0.0061 at the defaults",
            ),
        ),
        paper=Paper(
            authors="Ma, Zhou, Kong, He, Gui, Neubig, May, Zettlemoyer",
            year=2022,
            title="Mega: Moving Average Equipped Gated Attention",
            url="https://arxiv.org/abs/2209.10655",
            venue="ICLR 2023",
        ),
        init=Init(
            "xavier",
            1.0,
            "a sigmoid-shaped unit; no scheme was derived for it (MEGA uses it on attention scores)",
        ),
        plot_range=(-0.5, 2.0),
        conventions="f(−inf) = 0, f(+inf) = 1; nan in, nan out.",
        related=("gelu", "squared_relu", "sigmoid", "softmax"),
    )
)

# ---------------------------------------------------------------------------------------------- elliott


def elliott(x: torch.Tensor) -> torch.Tensor:
    # ½·x/(1 + |x|) + ½, written per half-line: 1/(2(1 − x)) for x < 0 (no cancellation: elliott(−1e300) is
    # 5e-301, where ½ + ½·x/(1 + |x|) gives 0) and 1 − 1/(2(1 + x)) for x ≥ 0. No abs(): its gradient at 0 is
    # 0, which would make autograd return 0 instead of f′(0) = 1/2. ±inf give the limits 0 and 1.
    xn = torch.where(x < 0, x, 0.0)
    xp = torch.where(x < 0, 0.0, x)
    return torch.where(x < 0, 1 / (2 * (1 - xn)), 1 - 1 / (2 * (1 + xp)))


def elliott_derivative(x: torch.Tensor) -> torch.Tensor:
    r = 1 / (1 + x.abs())
    return 0.5 * r * r


REGISTRY.add(
    Activation(
        name="elliott",
        title="Elliott sigmoid",
        family="sigmoid-like",
        summary="½·x/(1 + |x|) + ½: a sigmoid without exponentials, whose tails approach 0 and 1 like 1/|x|.",
        forward=elliott,
        derivative_fn=elliott_derivative,
        expr=x / (2 * (1 + sympy.Abs(x))) + sympy.Rational(1, 2),
        derivative_expr=1 / (2 * (1 + sympy.Abs(x)) ** 2),
        properties=Properties(
            range=(sympy.Integer(0), sympy.Integer(1)),
            monotonic=True,
            smoothness="C1",
            zero_centred=False,
            saturates=("negative", "positive"),
            notes=(
                "C¹ but not C²: f″ jumps from +1 to −1 at x = 0 (f″ = −sign(x)/(1 + |x|)³)",
                "equals (softsign(x) + 1)/2; f′ decays like 1/(2x²), not exponentially",
            ),
        ),
        paper=Paper(
            authors="Elliott",
            year=1993,
            title="A Better Activation Function for Artificial Neural Networks",
            url="https://drum.lib.umd.edu/bitstream/handle/1903/5355/TR_93-8.pdf",
            venue="ISR Technical Report TR 93-8, University of Maryland",
        ),
        init=Init("xavier", 1.0, "a sigmoid-like unit (slope 1/2 at 0); Glorot's scheme as for σ"),
        plot_range=(-8.0, 8.0),
        conventions="f(−inf) = 0, f(+inf) = 1; nan in, nan out.",
        extra={"smoothness_break": (sympy.Integer(0),)},
        related=("softsign", "sigmoid", "tanh"),
    )
)

# ---------------------------------------------------------------------------------------------- isru


def isru(x: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    # x/√(1 + αx²). With z = √α·x the formula is used as written where |z| ≤ 1 (z² ≤ 1). Elsewhere it is
    # divided through by |z|: ±1/(√α·√(1 + t²)) with t = 1/|z| < 1, so x² never overflows (it would for
    # |x| > 1.3e154 in float64 and 1.8e19 in float32, giving x/inf = 0) and ±inf give ±1/√α. Each branch sees
    # only its own inputs (the others are replaced by 1), so autograd never meets inf·0; NaN takes the
    # second branch and stays NaN.
    r = math.sqrt(alpha)
    z = r * x
    small = z.abs() <= 1
    xs = torch.where(small, x, 1.0)
    zs = torch.where(small, z, 1.0)
    t = 1 / torch.where(small, 1.0, z.abs())
    # (1/√α)/√(1 + t²), not 1/(√α·√(1 + t²)): autograd of the latter squares √α·√(1 + t²), which underflows
    # for tiny α (float32, α = 1e-45: the gradient would be inf).
    big = (1 / r) / torch.sqrt(1 + t * t)
    return torch.where(small, xs / torch.sqrt(1 + zs * zs), torch.where(x < 0, -big, big))


def isru_derivative(x: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    # (1 + z²)^(−3/2) = t³/(1 + t²)^(3/2) with t = 1/|z|, the second form where |z| > 1 (no overflow).
    z = math.sqrt(alpha) * x
    small = z.abs() <= 1
    zs = torch.where(small, z, 1.0)
    t = 1 / torch.where(small, 1.0, z.abs())
    return torch.where(small, (1 + zs * zs) ** -1.5, t**3 / (1 + t * t) ** 1.5)


REGISTRY.add(
    Activation(
        name="isru",
        title="ISRU (inverse square root unit)",
        family="sigmoid-like",
        summary="x/√(1 + αx²): a tanh-like squashing function with range (−1/√α, 1/√α) and no exponentials.",
        forward=isru,
        derivative_fn=isru_derivative,
        params={
            "alpha": Param(1.0, positive, "a finite real > 0", alpha, "α sets the range ±1/√α"),
        },
        expr=x / sympy.sqrt(1 + alpha * x**2),
        derivative_expr=(1 + alpha * x**2) ** sympy.Rational(-3, 2),
        properties=Properties(
            range=(sympy.Integer(-1), sympy.Integer(1)),
            monotonic=True,
            smoothness="C∞",
            zero_centred=True,
            saturates=("negative", "positive"),
            notes=(
                "the range is (−1/√α, 1/√α); (−1, 1) at the default α = 1",
                "slope 1 at 0 for every α; f′ decays like 1/(α^{3/2}|x|³)",
            ),
        ),
        paper=Paper(
            authors="Carlile, Delamarter, Kinney, Marti, Whitney",
            year=2017,
            title="Improving Deep Learning by Inverse Square Root Linear Units (ISRLUs)",
            url="https://arxiv.org/abs/1710.09967",
            venue="arXiv:1710.09967",
        ),
        init=Init("xavier", 1.0, "odd with slope 1 at 0, like tanh without its 5/3 gain; Glorot's gain 1"),
        plot_range=(-5.0, 5.0),
        conventions="f(±inf) = ±1/√α; nan in, nan out.",
        related=("tanh", "softsign", "elliott"),
    )
)

# ---------------------------------------------------------------------------------------------- lecun_tanh


def lecun_tanh(x: torch.Tensor) -> torch.Tensor:
    # 1.7159·tanh(2x/3), with tanh computed as actref's tanh is: expm1(2z)/(expm1(2z) + 2) for |z| < 1/2
    # (keeps tiny inputs), (1 − u)/(1 + u) with u = e^(−2|z|) ≤ e^(−1) elsewhere (no cancellation, no
    # overflow, accurate autograd in the tails, where torch.tanh's backward 1 − y² rounds to 0).
    z = x * (2 / 3)
    a = z.abs()
    small = torch.where(a < 0.5, z, 0.0)
    e = torch.expm1(2 * small)
    u = torch.exp(-2 * a)
    big = (1 - u) / (1 + u)
    return 1.7159 * torch.where(a < 0.5, e / (e + 2), torch.where(z < 0, -big, big))


def lecun_tanh_derivative(x: torch.Tensor) -> torch.Tensor:
    # 1.7159·(2/3)·(1 − tanh²(2x/3)), with 1 − tanh²(z) = 4σ(2z)σ(−2z) (full relative accuracy in the tails).
    w = x * (4 / 3)
    return 1.7159 * (2 / 3) * 4 * torch.sigmoid(w) * torch.sigmoid(-w)


LECUN_A = sympy.Rational(17159, 10000)

REGISTRY.add(
    Activation(
        name="lecun_tanh",
        title="LeCun's scaled tanh",
        family="sigmoid-like",
        summary="1.7159·tanh(2x/3): tanh scaled so that f(±1) ≈ ±1, LeCun's recommended sigmoid (1998).",
        forward=lecun_tanh,
        derivative_fn=lecun_tanh_derivative,
        expr=LECUN_A * sympy.tanh(2 * x / 3),
        derivative_expr=LECUN_A * sympy.Rational(2, 3) * (1 - sympy.tanh(2 * x / 3) ** 2),
        properties=Properties(
            range=(-LECUN_A, LECUN_A),
            monotonic=True,
            smoothness="C∞",
            zero_centred=True,
            saturates=("negative", "positive"),
            notes=(
                "f(1) = 0.9999973: 1.7159 is 1/tanh(2/3) = 1.7159047… rounded to 4 decimals",
                "slope 1.1439 at 0; f″ is extreme at x = ±0.99, close to ±1 by design",
            ),
        ),
        paper=Paper(
            authors="LeCun, Bottou, Orr, Müller",
            year=1998,
            title="Efficient BackProp",
            url="https://doi.org/10.1007/3-540-49430-8_2",
            venue="Neural Networks: Tricks of the Trade",
        ),
        init=Init(
            "lecun",
            1.0,
            "Efficient BackProp pairs this sigmoid with weights of std 1/√fan_in, so that normalised inputs "
            "give pre-activations of unit variance, where f is near its linear range",
        ),
        plot_range=(-5.0, 5.0),
        conventions="f(±inf) = ±1.7159; nan in, nan out.",
        related=("tanh", "sigmoid", "selu"),
    )
)

# ---------------------------------------------------------------------------------------------- soft_clipping


def soft_clipping(x: torch.Tensor, alpha: float = 0.5) -> torch.Tensor:
    # (softplus(αx) − softplus(α(x − 1)))/α computed without its two cancellations: the difference of two
    # numbers near αx (it is 0 instead of 1 for large x) and, for small α, of two numbers near log 2.
    # The ratio inside the log is 1 + c·g with c = 1 − e^(−α) and g = e^u/(1 + e^(u − α)), u = αx, so
    # f = log1p(e^L)/α with L = log c + log g. log g is u − log1p(e^(u − α)) below u = α and
    # α − log1p(e^(α − u)) above (both exponents ≤ 0: nothing overflows, u = ±inf included).
    u = alpha * x
    below = u < alpha
    ua = torch.where(below, u, alpha)  # each branch sees only its own inputs; NaN takes the second one
    ub = torch.where(below, alpha, u)
    log_g = torch.where(
        below, ua - torch.log1p(torch.exp(ua - alpha)), alpha - torch.log1p(torch.exp(alpha - ub))
    )
    L = math.log(-math.expm1(-alpha)) + log_g
    # f = log1p(e^L)/α: as L + log1p(e^(−L)) for L > 0, as written for −20 ≤ L ≤ 0, and below as
    # e^(L − log α)·(1 − e^L/2) (equal to 1e-18), which stays exact where e^L underflows but e^L/α does not
    # (tiny α, very negative x). Unused branches get inputs that keep them finite.
    pos, tiny = L > 0, L < -20
    lp = torch.where(pos, L, 0.0)
    lm = torch.where(pos, 0.0, L)
    lt = torch.where(tiny, L, math.log(alpha))
    big = (lp + torch.log1p(torch.exp(-lp))) / alpha
    small = torch.exp(lt - math.log(alpha)) * (1 - torch.exp(lt) / 2)
    return torch.where(pos, big, torch.where(tiny, small, torch.log1p(torch.exp(lm)) / alpha))


def soft_clipping_derivative(x: torch.Tensor, alpha: float = 0.5) -> torch.Tensor:
    # σ(u) − σ(u − α) = (1 − e^(−α))·e^E/((1 + e^(−|u|))(1 + e^(−|u − α|))) with E = min(0, u, α − u) ≤ 0:
    # a product of accurate factors (the difference of sigmoids cancels for small α and in both tails),
    # with no overflow for any u.
    u = alpha * x
    e = torch.minimum(u, alpha - u).clamp(max=0.0)
    return (
        -math.expm1(-alpha) * torch.exp(e) / ((1 + torch.exp(-u.abs())) * (1 + torch.exp(-(u - alpha).abs())))
    )


REGISTRY.add(
    Activation(
        name="soft_clipping",
        title="Soft clipping",
        family="sigmoid-like",
        summary="(softplus(αx) − softplus(α(x − 1)))/α: a smooth clip to [0, 1], the identity inside for large α.",
        forward=soft_clipping,
        derivative_fn=soft_clipping_derivative,
        params={
            "alpha": Param(
                0.5, positive, "a finite real > 0", alpha, "sharpness α; α → ∞ gives clip(x, 0, 1)"
            ),
        },
        expr=(sympy.log(1 + sympy.exp(alpha * x)) - sympy.log(1 + sympy.exp(alpha * (x - 1)))) / alpha,
        derivative_expr=sym_sigmoid(alpha * x) - sym_sigmoid(alpha * (x - 1)),
        properties=Properties(
            range=(sympy.Integer(0), sympy.Integer(1)),
            monotonic=True,
            smoothness="C∞",
            zero_centred=False,
            saturates=("negative", "positive"),
            notes=(
                "point-symmetric about (1/2, 1/2): f(1 − x) = 1 − f(x)",
                "f(0) = (log 2 − softplus(−α))/α ≈ 0.4381 at α = 1/2; α → 0 flattens it towards 1/2",
            ),
        ),
        paper=Paper(
            authors="Klimek, Perelstein",
            year=2018,
            title="Neural Network-Based Approach to Phase Space Integration",
            url="https://arxiv.org/abs/1810.11509",
            venue="SciPost Physics (2020)",
        ),
        init=Init(
            "xavier",
            1.0,
            "a bounded sigmoid-like unit; no scheme was derived for it, Glorot's gain 1 is a neutral choice",
        ),
        plot_range=(-6.0, 7.0),
        conventions="f(−inf) = 0, f(+inf) = 1; nan in, nan out.",
        related=("hardtanh", "softplus", "sigmoid", "sparse_sigmoid"),
    )
)
