"""Vector activations that sparsify or reweight: softmin, sparsemax, 1.5-entmax and SoLU.

The formulas follow the convention of actref/catalog/vector.py: output i as a function of the IndexedBase
`xs` (x_1..x_n along `dim`). Sparsemax and 1.5-entmax are p_i = max(x_i − τ, 0) and max(x_i/2 − τ, 0)² with a
threshold τ(x) that makes the outputs sum to 1. τ has no closed form in x, so it is a sympy function of the
whole row (`SparsemaxThreshold`, `Entmax15Threshold`): its derivative is the implicit-function one, and
lambdify evaluates it by the exact sort-based rule in mpmath. tests/test_vector.py and
tests/test_sparse_vector.py check the torch code against them and against the `entmax` package.
"""

import mpmath
import sympy
import torch

from actref.catalog.vector import _OUTPUT_LAYER_INIT, _dim_param, i, j, n, xs
from actref.registry import REGISTRY, Activation, Init, Paper, Properties

_PROBABILITY_NOTES = (
    "outputs along dim sum to 1",
    "invariant to adding a constant to every input",
)

# ---------------------------------------------------------------------------------------------- softmin


def softmin(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    if x.shape[dim] == 0:
        raise ValueError(f"softmin: dim {dim} has size 0; a distribution needs at least one element.")
    # softmax(−x) with the row minimum subtracted: min(x) − x ≤ 0, so exp never overflows (shift invariance).
    z = x.amin(dim=dim, keepdim=True).detach() - x
    e = torch.exp(z)
    return e / e.sum(dim=dim, keepdim=True)


REGISTRY.add(
    Activation(
        name="softmin",
        title="Softmin",
        family="vector",
        summary="Softmax of −x: a probability distribution that gives the largest share to the smallest input.",
        forward=softmin,
        params={"dim": _dim_param("the axis that sums to 1")},
        expr=sympy.exp(-xs[i]) / sympy.Sum(sympy.exp(-xs[j]), (j, 1, n)),
        # ∂s_i/∂x_j = −s_i(δ_ij − s_j)
        derivative_latex_override=r"\frac{\partial s_i}{\partial x_j} = -s_i\left(\delta_{ij} - s_j\right)",
        builtin=torch.nn.functional.softmin,
        builtin_code="torch.nn.functional.softmin(x, dim=-1)",
        builtin_differences="F.softmin's dim defaults to None, which warns and picks dim 0 for 0-, 1- and 3-D "
        "inputs and dim 1 otherwise (a (batch, seq, features) tensor is normalised over the batch); ours defaults "
        "to the last dim. A row holding −inf, or all +inf, gives nan in both. A zero-size dim raises ValueError "
        "in ours; torch returns an empty tensor.",
        conventions="nan anywhere in a row makes the row nan; a +inf input among finite ones gets probability 0; "
        "a row holding −inf, or all +inf, is nan (no distribution to return, as torch). A zero-size dim raises "
        "ValueError.",
        properties=Properties(
            range=(sympy.Integer(0), sympy.Integer(1)),
            monotonic=False,
            smoothness="C∞",
            zero_centred=False,
            saturates=("negative", "positive"),
            notes=(
                *_PROBABILITY_NOTES,
                "each output falls as its own input rises (∂s_i/∂x_i = −s_i(1 − s_i) ≤ 0) and rises with the others",
            ),
        ),
        paper=None,
        paper_note="softmin has no paper of its own: it is softmax (Bridle 1990) applied to −x, shipped as "
        "torch.nn.functional.softmin / torch.nn.Softmin and mlx.nn.softmin.",
        init=_OUTPUT_LAYER_INIT,
        elementwise=False,
        plot_range=(-4.0, 4.0),
        related=("softmax", "log_softmax"),
    )
)


# ---------------------------------------------------------------------------------------------- thresholds


def _as_mpf(values) -> list:
    return [v if isinstance(v, mpmath.mpf) else mpmath.mpf(float(v)) for v in values]


# τ is computed with 2200 extra bits (the exponent range of float64), so that x_i − τ, which the formula forms
# afterwards at the caller's precision, does not cancel: for x = (1e300, 0) it is 1, not 0.
_EXTRA_BITS = 2200


def _sparsemax_tau_mp(*values):
    """τ of sparsemax in mpmath: the largest (z_(1) + … + z_(k) − 1)/k over the prefixes of the sorted row."""
    with mpmath.workprec(mpmath.mp.prec + _EXTRA_BITS):
        total, best = 0, None
        for k, z in enumerate(sorted(_as_mpf(values), reverse=True), start=1):
            total += z
            tau = (total - 1) / k
            best = tau if best is None or tau > best else best
        return best


def _entmax15_tau_mp(*values):
    """τ of 1.5-entmax in mpmath: the largest root τ_k ≤ z_(k) of Σ_{j≤k} (z_(j) − τ)² = 1, with z = x/2."""
    with mpmath.workprec(mpmath.mp.prec + _EXTRA_BITS):
        s1 = s2 = 0
        best = None
        for k, z in enumerate(sorted((v / 2 for v in _as_mpf(values)), reverse=True), start=1):
            s1, s2 = s1 + z, s2 + z * z
            mean = s1 / k
            delta = mpmath.mpf(1) / k - (s2 / k - mean * mean)
            if delta < 0:
                continue
            tau = mean - mpmath.sqrt(delta)
            if tau <= z and (best is None or tau > best):
                best = tau
        return best


class _RowFunction(sympy.Function):
    """A real function of a whole row x_1..x_n (n arguments); lambdify evaluates it through `_imp_`."""

    def _eval_is_extended_real(self):
        return True

    def _latex(self, printer, exp=None):
        tau = r"\tau"
        return tau if exp is None else f"{tau}^{{{printer._print(exp)}}}"


class SparsemaxTau(_RowFunction):
    """The t with Σ_j max(x_j − t, 0) = 1. ∂t/∂x_j = [x_j > t] / |{k : x_k > t}|."""

    _imp_ = staticmethod(_sparsemax_tau_mp)

    def fdiff(self, argindex=1):
        support = [sympy.Heaviside(a - self, 0) for a in self.args]
        return support[argindex - 1] / sympy.Add(*support)


class Entmax15Tau(_RowFunction):
    """The t with Σ_j max(x_j/2 − t, 0)² = 1. ∂t/∂x_j = s_j / (2 Σ_k s_k), s_k = max(x_k/2 − t, 0)."""

    _imp_ = staticmethod(_entmax15_tau_mp)

    def fdiff(self, argindex=1):
        s = [sympy.Max(a / 2 - self, 0) for a in self.args]
        return s[argindex - 1] / (2 * sympy.Add(*s))


class RowThreshold(sympy.Expr):
    """τ(x) in the indexed form of the specs; doit() with an integer n gives `function(x_1, …, x_n)`."""

    function: type[_RowFunction]

    def __new__(cls, base, size):
        return sympy.Expr.__new__(cls, base, sympy.sympify(size))

    def doit(self, **hints):
        base, size = self.args
        if not size.is_Integer:
            return self
        return self.function(*[base[k] for k in range(1, int(size) + 1)])

    def _eval_is_extended_real(self):
        return True

    def _latex(self, printer, exp=None):
        return r"\tau(\mathbf{x})"


class SparsemaxThreshold(RowThreshold):
    function = SparsemaxTau


class Entmax15Threshold(RowThreshold):
    function = Entmax15Tau


def _max0_latex(value, tau) -> str:
    """max(value − τ, 0) in reading order (sympy would print the 0 and the −τ first)."""
    return rf"\max\left({sympy.latex(value)} - {sympy.latex(tau)}, 0\right)"


_STRICT_SUPPORT = (
    "An input exactly at the threshold (x_i = τ) gets 0 and counts as outside the support: its gradient is 0, "
    "as torch.relu's at 0, and the entmax package's."
)


# ---------------------------------------------------------------------------------------------- sparsemax


def sparsemax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    size = x.shape[dim]
    if size == 0:
        raise ValueError(f"sparsemax: dim {dim} has size 0; a distribution needs at least one element.")
    # Shift invariance: subtract the row maximum, so z ≤ 0 and the threshold τ lies in [−1, 0). An input at or
    # below −1 is never in the support; clamping it there leaves τ unchanged and keeps the sums finite.
    z = x - x.amax(dim=dim, keepdim=True).detach()
    zs = z.clamp(min=-1.0).sort(dim=dim, descending=True).values
    shape = [1] * x.ndim
    shape[dim] = size
    k = torch.arange(1, size + 1, dtype=x.dtype, device=x.device).view(shape)
    # τ_k = (z_(1) + … + z_(k) − 1)/k for each prefix of the sorted row. Each τ_k ≤ τ, with equality when k is
    # the support size, so τ is their maximum; argmax takes the first one, so an input at τ stays outside.
    taus = (zs.cumsum(dim) - 1) / k
    tau = taus.gather(dim, taus.argmax(dim=dim, keepdim=True))
    p = z - tau
    return torch.where(p <= 0, 0.0, p)


_sparsemax_expr = sympy.Max(xs[i] - SparsemaxThreshold(xs, n), 0)
_sparsemax_tau_rule = r"\quad \tau(\mathbf{x}):\ \sum_{j=1}^{n} \max\left(x_j - \tau, 0\right) = 1"

REGISTRY.add(
    Activation(
        name="sparsemax",
        title="Sparsemax",
        family="vector",
        summary="The Euclidean projection of the logits onto the probability simplex: like softmax, but "
        "inputs more than a threshold below the top get exactly 0.",
        forward=sparsemax,
        params={"dim": _dim_param("the axis that sums to 1")},
        expr=_sparsemax_expr,
        latex_override=_max0_latex(xs[i], SparsemaxThreshold(xs, n)) + "," + _sparsemax_tau_rule,
        derivative_latex_override=r"\frac{\partial p_i}{\partial x_j} = s_i\left(\delta_{ij} - "
        r"\frac{s_j}{|S|}\right),\quad s_i = [p_i > 0],\ |S| = \textstyle\sum_k s_k",
        conventions="nan anywhere in a row makes the row nan (τ depends on every input); a −inf input among "
        "finite ones gets 0; a row holding +inf, or all −inf, is nan (as softmax). " + _STRICT_SUPPORT + " A "
        "zero-size dim raises ValueError.",
        properties=Properties(
            range=(sympy.Integer(0), sympy.Integer(1)),
            range_closed=(True, True),
            monotonic=True,
            smoothness="C0",
            zero_centred=False,
            saturates=("negative", "positive"),
            notes=(
                *_PROBABILITY_NOTES,
                "sparse: an input at or below max(x) − 1 always gets exactly 0",
                "piecewise linear; its Jacobian jumps where an input crosses τ",
                "monotonic here means each output is non-decreasing in its own input (∂p_i/∂x_i = 1 − 1/|S| or 0)",
            ),
        ),
        paper=Paper(
            authors="Martins, Astudillo",
            year=2016,
            title="From Softmax to Sparsemax: A Sparse Model of Attention and Multi-Label Classification",
            url="https://arxiv.org/abs/1602.02068",
            venue="ICML",
        ),
        init=_OUTPUT_LAYER_INIT,
        elementwise=False,
        plot_range=(-4.0, 4.0),
        related=("softmax", "entmax15"),
    )
)


# ---------------------------------------------------------------------------------------------- 1.5-entmax


def entmax15(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    size = x.shape[dim]
    if size == 0:
        raise ValueError(f"entmax15: dim {dim} has size 0; a distribution needs at least one element.")
    # p_i = max(z_i − τ, 0)² with z = x/2, shifted by the row maximum so z ≤ 0 and τ lies in [−1, 0). An input
    # with z ≤ −1 is never in the support; clamping it there leaves τ unchanged and keeps the squares finite.
    z = (x - x.amax(dim=dim, keepdim=True).detach()) / 2
    zs = z.clamp(min=-1.0).sort(dim=dim, descending=True).values
    shape = [1] * x.ndim
    shape[dim] = size
    k = torch.arange(1, size + 1, dtype=x.dtype, device=x.device).view(shape)
    # For the k largest inputs alone, τ_k solves Σ_{j≤k} (z_(j) − τ)² = 1: τ_k = mean_k − √(1/k − var_k).
    mean = zs.cumsum(dim) / k
    delta = 1 / k - ((zs * zs).cumsum(dim) / k - mean * mean)
    real = delta > 0
    root = torch.where(real, torch.where(real, delta, 1.0).sqrt(), 0.0)  # no sqrt′(0) = inf in backward
    taus = mean - root
    # Every admissible τ_k (a real root with τ_k ≤ z_(k)) is ≤ τ, with equality at the support size, so τ is
    # their maximum; argmax takes the first one, so an input exactly at τ stays outside the support.
    admissible = (delta >= 0) & (taus <= zs)
    best = torch.where(admissible, taus, -torch.inf).argmax(dim=dim, keepdim=True)
    tau = taus.gather(dim, best)
    p = z - tau
    return torch.where(p <= 0, 0.0, p) ** 2


_entmax15_expr = sympy.Max(xs[i] / 2 - Entmax15Threshold(xs, n), 0) ** 2
_entmax15_tau_rule = (
    r"\quad \tau(\mathbf{x}):\ \sum_{j=1}^{n} \max\left(\frac{x_j}{2} - \tau, 0\right)^{2} = 1"
)

REGISTRY.add(
    Activation(
        name="entmax15",
        title="1.5-entmax",
        family="vector",
        aliases=("entmax_15", "entmax_1_5"),
        summary="The α = 1.5 member of the entmax family between softmax (α = 1) and sparsemax (α = 2): a "
        "probability distribution that is smooth like softmax near its support yet gives exact zeros.",
        forward=entmax15,
        params={"dim": _dim_param("the axis that sums to 1")},
        expr=_entmax15_expr,
        latex_override=_max0_latex(xs[i] / 2, Entmax15Threshold(xs, n)) + "^{2}," + _entmax15_tau_rule,
        derivative_latex_override=r"\frac{\partial p_i}{\partial x_j} = s_i\,\delta_{ij} - "
        r"\frac{s_i\,s_j}{\sum_k s_k},\quad s_i = \sqrt{p_i}",
        conventions="nan anywhere in a row makes the row nan (τ depends on every input); a −inf input among "
        "finite ones gets 0; a row holding +inf, or all −inf, is nan (as softmax). " + _STRICT_SUPPORT + " A "
        "zero-size dim raises ValueError.",
        properties=Properties(
            range=(sympy.Integer(0), sympy.Integer(1)),
            range_closed=(True, True),
            monotonic=True,
            smoothness="C1",
            zero_centred=False,
            saturates=("negative", "positive"),
            notes=(
                *_PROBABILITY_NOTES,
                "sparse: an input at or below max(x) − 2 always gets exactly 0",
                "C1: the Jacobian is continuous (s_i → 0 at the support's edge) but its derivative jumps there",
                "monotonic here means each output is non-decreasing in its own input (∂p_i/∂x_i = s_i(1 − s_i/Σs))",
            ),
        ),
        paper=Paper(
            authors="Peters, Niculae, Martins",
            year=2019,
            title="Sparse Sequence-to-Sequence Models",
            url="https://arxiv.org/abs/1905.05702",
            venue="ACL",
        ),
        init=_OUTPUT_LAYER_INIT,
        elementwise=False,
        plot_range=(-4.0, 4.0),
        related=("sparsemax", "softmax"),
    )
)


# ---------------------------------------------------------------------------------------------- SoLU


def solu(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    if x.shape[dim] == 0:
        raise ValueError(f"solu: dim {dim} has size 0; softmax needs at least one element.")
    z = x - x.amax(dim=dim, keepdim=True).detach()
    e = torch.exp(z)
    s = e / e.sum(dim=dim, keepdim=True)
    # Where s is 0 (underflowed, or x = −inf) its derivative is 0 too: keep s constant there, so backward never
    # forms x·0 with an infinite x (nan). The output there is 0, also at x = −inf (the limit of x·e^x).
    s = torch.where(s == 0, s.detach(), s)
    return torch.where(s == 0, 0.0, x * s)


_softmax_i = sympy.exp(xs[i]) / sympy.Sum(sympy.exp(xs[j]), (j, 1, n))

REGISTRY.add(
    Activation(
        name="solu",
        title="SoLU",
        family="vector",
        aliases=("softmax_linear_unit",),
        summary="x times softmax(x) along the feature axis: the Softmax Linear Unit, meant to make MLP neurons "
        "easier to interpret; the paper follows it with a LayerNorm.",
        forward=solu,
        params={"dim": _dim_param("the axis the softmax runs over")},
        expr=xs[i] * _softmax_i,
        latex_override=f"{sympy.latex(xs[i])} \\cdot {sympy.latex(_softmax_i)}",
        derivative_latex_override=r"\frac{\partial y_i}{\partial x_j} = s_i\,\delta_{ij} + x_i\,s_i\left("
        r"\delta_{ij} - s_j\right),\quad s = \operatorname{softmax}(x)",
        conventions="nan anywhere in a row makes the row nan; a −inf input among finite ones gives 0 (the limit "
        "of x·e^x); a row holding +inf, or all −inf, is nan (as softmax). A zero-size dim raises ValueError.",
        properties=Properties(
            range=(-sympy.oo, sympy.oo),
            monotonic=False,
            smoothness="C∞",
            zero_centred=False,
            saturates=("negative",),
            notes=(
                "each |y_i| ≤ |x_i|; the largest input passes almost unchanged when it dominates, the others "
                "are pushed towards 0",
                "not shift invariant: y(x + c) = y(x) + c·softmax(x)",
                "the paper applies a LayerNorm after it (SoLU_LN)",
            ),
        ),
        paper=Paper(
            authors="Elhage, Hume, Olsson, Nanda, Henighan, Johnston, El Showk, Joseph, DasSarma, Mann, "
            "Hernandez, Askell, Ndousse, Jones, Drain, Chen, Bai, Ganguli, Lovitt, Hatfield-Dodds, Kernion, "
            "Conerly, Kravec, Fort, Kadavath, Jacobson, Tran-Johnson, Kaplan, Clark, Brown, McCandlish, Amodei, "
            "Olah",
            year=2022,
            title="Softmax Linear Units",
            url="https://transformer-circuits.pub/2022/solu/index.html",
            venue="Transformer Circuits Thread (Anthropic)",
        ),
        init=Init(
            "lecun",
            1.0,
            "the paper follows SoLU with a LayerNorm, which rescales its output to unit variance whatever the "
            "gain, and E[y²] of SoLU itself shrinks with the width n; LeCun's 1/√fan_in keeps the "
            "pre-activations at unit variance",
        ),
        elementwise=False,
        plot_range=(-4.0, 4.0),
        related=("softmax", "silu", "swiglu"),
    )
)
