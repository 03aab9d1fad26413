"""Vector-valued activations: each output depends on several inputs along `dim`.

Their formulas use an index (x_i over a vector x); they have no scalar derivative, so the tests check
Jacobians and shapes instead.

Convention for every `expr` here: output i (1-based, i = 1..n_out) as a function of the IndexedBase `xs`
(x_1..x_n, n the size along `dim`), using the symbols `i`, `j`, `n` below. With n and the parameters
substituted, `expr.subs(i, <int>).doit()` is an ordinary expression of x_1..x_n (tests/test_vector.py
evaluates it with mpmath). The GLU family (actref/catalog/glu.py) writes the halves as a_i = x_i and
b_i = x_{i+n/2}.
"""

import sympy
import torch

from actref.registry import REGISTRY, Activation, Init, Paper, Param, Properties

xs = sympy.IndexedBase("x")
i, j, n = sympy.symbols("i j n", integer=True, positive=True)


# Shared by softmax and log_softmax.
_BRIDLE = Paper(
    authors="Bridle",
    year=1990,
    title="Probabilistic Interpretation of Feedforward Classification Network Outputs",
    url="https://doi.org/10.1007/978-3-642-76153-9_28",
    venue="Neurocomputing (NATO ASI Series F68)",
)
_OUTPUT_LAYER_INIT = Init("xavier", 1.0, "an output layer: Glorot's scheme keeps the logits near unit scale")


def _is_dim(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _dim_param(doc: str) -> Param:
    return Param(-1, _is_dim, "an int naming a dimension of x", None, doc)


def softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    # Subtracting the row maximum leaves the result unchanged (shift invariance) and keeps exp ≤ 1.
    z = x - x.amax(dim=dim, keepdim=True).detach()
    e = torch.exp(z)
    return e / e.sum(dim=dim, keepdim=True)


REGISTRY.add(
    Activation(
        name="softmax",
        title="Softmax",
        family="vector",
        aliases=("softargmax", "normalized_exponential"),
        summary="Turns a vector of logits into a probability distribution; the standard multi-class output.",
        forward=softmax,
        params={"dim": _dim_param("the axis that sums to 1")},
        expr=sympy.exp(xs[i]) / sympy.Sum(sympy.exp(xs[j]), (j, 1, n)),
        # ∂s_i/∂x_j = s_i(δ_ij − s_j)
        derivative_latex_override=r"\frac{\partial s_i}{\partial x_j} = s_i\left(\delta_{ij} - s_j\right)",
        builtin=torch.softmax,
        builtin_code="torch.softmax(x, dim=-1)",
        builtin_differences="A row that is all −inf gives nan in both (0/0); there is no distribution to return.",
        conventions="nan anywhere in a row makes the row nan; a −inf logit among finite ones gets probability 0. "
        "A zero-size dim raises IndexError (amax has no identity); torch returns an empty tensor.",
        properties=Properties(
            range=(sympy.Integer(0), sympy.Integer(1)),
            monotonic=True,
            smoothness="C∞",
            zero_centred=False,
            saturates=("negative", "positive"),
            notes=(
                "outputs along dim sum to 1",
                "invariant to adding a constant to every logit",
                "monotonic here means each output rises with its own logit; it falls as any other logit rises",
            ),
        ),
        paper=_BRIDLE,
        init=_OUTPUT_LAYER_INIT,
        elementwise=False,
        plot_range=(-4.0, 4.0),
        related=("log_softmax", "sigmoid"),
    )
)


# ---------------------------------------------------------------------------------------------- log_softmax


_log_sum_exp = sympy.log(sympy.Sum(sympy.exp(xs[j]), (j, 1, n)))


def log_softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    # log Σ exp(x) = M + log1p(rest) with M the maximum and rest the sum of the other terms (each ≤ 1), so
    # exp never overflows and an output near 0 (one dominant logit) keeps its relative accuracy, which
    # log(sum) would round away. M is not detached: its gradient carries the dominant term's share.
    z = x - x.amax(dim=dim, keepdim=True)
    is_max = z == 0
    ties = is_max.sum(dim=dim, keepdim=True) - 1  # further copies of the maximum each add exp(0) = 1
    rest = torch.where(is_max, 0.0, torch.exp(z)).sum(dim=dim, keepdim=True) + ties
    return z - torch.log1p(rest)


REGISTRY.add(
    Activation(
        name="log_softmax",
        title="Log-softmax",
        family="vector",
        aliases=("logsoftmax", "log_softargmax"),
        summary="The logarithm of softmax, computed without forming softmax: the input that cross-entropy and "
        "negative log-likelihood losses want.",
        forward=log_softmax,
        params={"dim": _dim_param("the axis whose exponentials sum to 1")},
        expr=xs[i] - _log_sum_exp,
        # sympy would print the log term first; the same pieces in reading order:
        latex_override=f"{sympy.latex(xs[i])} - {sympy.latex(_log_sum_exp)}",
        # ∂y_i/∂x_j = δ_ij − s_j
        derivative_latex_override=r"\frac{\partial y_i}{\partial x_j} = \delta_{ij} - s_j,"
        r"\quad s = \operatorname{softmax}(x)",
        builtin=torch.log_softmax,
        builtin_code="torch.log_softmax(x, dim=-1)",
        builtin_differences="Near 0 (one logit dominating the rest by more than ≈37) torch rounds the output "
        "to 0; ours keeps its relative accuracy through log1p, e.g. [0, −50] → −1.9e−22 (torch: 0). A row that "
        "is all −inf, or that holds +inf, gives nan in both.",
        conventions="nan anywhere in a row makes the row nan; an all −inf row and a row holding +inf are nan "
        "(no distribution to take the log of); a −inf logit among finite ones gives −inf. A zero-size dim "
        "raises IndexError (amax has no identity); torch returns an empty tensor.",
        properties=Properties(
            range=(-sympy.oo, sympy.Integer(0)),
            monotonic=True,
            smoothness="C∞",
            zero_centred=False,
            saturates=("positive",),
            notes=(
                "exp of the outputs along dim sums to 1",
                "invariant to adding a constant to every logit",
                "each output increases with its own logit; its slope 1 − s_i vanishes as that logit dominates",
            ),
        ),
        paper=_BRIDLE,
        init=_OUTPUT_LAYER_INIT,
        elementwise=False,
        plot_range=(-4.0, 4.0),
        related=("softmax", "logsigmoid"),
    )
)


# ---------------------------------------------------------------------------------------------- maxout


class GroupMax(sympy.Expr):
    """max over m = lo..hi of `body`: the Max counterpart of sympy.Sum (sympy has no such construct)."""

    def __new__(cls, body, limits):
        return sympy.Expr.__new__(cls, sympy.sympify(body), sympy.Tuple(*limits))

    @property
    def body(self):
        return self.args[0]

    @property
    def limits(self):
        return self.args[1]

    def doit(self, **hints):
        m, lo, hi = self.limits
        if not (lo.is_Integer and hi.is_Integer):
            return self
        return sympy.Max(*[self.body.subs(m, v).doit(**hints) for v in range(int(lo), int(hi) + 1)])

    def _latex(self, printer, exp=None):
        m, lo, hi = (printer._print(a) for a in self.limits)
        return rf"\max_{{{m}={lo}}}^{{{hi}}} {printer._print(self.body)}"


k_sym, m_sym = sympy.symbols("k m", integer=True, positive=True)


def maxout(x: torch.Tensor, k: int = 2, dim: int = -1) -> torch.Tensor:
    size = x.shape[dim]
    if size % k:
        raise ValueError(
            f"maxout: size {size} of dim {dim} is not divisible by k={k}; "
            f"give dim a multiple of k features (k per output unit)."
        )
    # amax, not max(...).values: at a tie amax splits the gradient evenly between the tied inputs instead of
    # sending all of it to one of them.
    return x.unflatten(dim, (size // k, k)).amax(dim=dim % x.ndim + 1)


def _maxout_builtin(x: torch.Tensor, k: int = 2, dim: int = -1) -> torch.Tensor:
    # torch has no maxout; this is the usual one-liner (the k-axis sits right after `dim`).
    return x.unflatten(dim, (-1, k)).amax(dim % x.ndim + 1)


def _is_piece_count(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 1


REGISTRY.add(
    Activation(
        name="maxout",
        title="Maxout",
        family="vector",
        aliases=("max_out",),
        summary="The maximum over each group of k consecutive features: a learned piecewise-linear convex "
        "activation that returns one output per k inputs.",
        forward=maxout,
        params={
            "k": Param(2, _is_piece_count, "an int ≥ 1", k_sym, "pieces per output unit (k = 1 is identity)"),
            "dim": _dim_param("the axis split into groups of k"),
        },
        expr=GroupMax(xs[k_sym * (i - 1) + m_sym], (m_sym, 1, k_sym)),
        derivative_latex_override=r"\frac{\partial y_i}{\partial x_j} = \begin{cases} 1/t_i & x_j "
        r"\text{ is one of the } t_i \text{ inputs of group } i \text{ equal to } y_i \\ 0 & "
        r"\text{otherwise} \end{cases}",
        builtin=_maxout_builtin,
        builtin_code="x.unflatten(-1, (-1, 2)).amax(-1)",
        builtin_differences="torch has no maxout: the built-in column is the unflatten/amax one-liner, the same "
        "computation as ours. x.unflatten(...).max(-1).values (or F.max_pool1d) gives the same values but, at "
        "a tie, sends the whole gradient to one input; amax (ours) gives each of t tied inputs 1/t. A size "
        "not divisible by k raises ValueError in ours, RuntimeError in unflatten.",
        conventions="nan in a group makes that output nan; ±inf follow max. At a tie the gradient is shared "
        "equally between the tied inputs (amax's rule).",
        properties=Properties(
            range=(-sympy.oo, sympy.oo),
            monotonic=True,
            smoothness="C0",
            zero_centred=False,
            notes=(
                "output size along dim is size / k",
                "non-decreasing in every input; kinks where two inputs of a group tie",
            ),
        ),
        paper=Paper(
            authors="Goodfellow, Warde-Farley, Mirza, Courville, Bengio",
            year=2013,
            title="Maxout Networks",
            url="https://arxiv.org/abs/1302.4389",
            venue="ICML",
        ),
        init=Init(
            "kaiming",
            1.0,
            "for k = 2 i.i.d. N(0, 1) pieces E[max(a, b)²] = 1, so no gain is needed (ReLU's √2 makes up for "
            "E[relu(z)²] = 1/2)",
        ),
        elementwise=False,
        plot_range=(-4.0, 4.0),
        related=("relu", "leaky_relu", "crelu"),
    )
)


# ---------------------------------------------------------------------------------------------- CReLU


def crelu(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    # Both halves are written with torch.where so that nan stays nan and the gradient at 0 is 0 (torch.relu's).
    positive = torch.where(x <= 0, 0.0, x)
    negative = torch.where(x >= 0, 0.0, -x)
    return torch.cat([positive, negative], dim=dim)


def _crelu_builtin(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    return torch.relu(torch.cat([x, -x], dim=dim))


REGISTRY.add(
    Activation(
        name="crelu",
        title="CReLU",
        family="vector",
        aliases=("concatenated_relu",),
        summary="Concatenates relu(x) and relu(−x) along dim: keeps both signs of every input, at the cost "
        "of doubling the width.",
        forward=crelu,
        params={"dim": _dim_param("the axis along which [relu(x), relu(−x)] are concatenated")},
        expr=sympy.Piecewise((sympy.Max(0, xs[i]), i <= n), (sympy.Max(0, -xs[i - n]), True)),
        derivative_latex_override=r"\frac{\partial y_i}{\partial x_j} = \delta_{ij}\,[x_j > 0],\quad"
        r"\frac{\partial y_{n+i}}{\partial x_j} = -\delta_{ij}\,[x_j < 0],\quad i = 1..n",
        builtin=_crelu_builtin,
        builtin_code="torch.relu(torch.cat([x, -x], dim=-1))",
        builtin_differences="torch has no CReLU: compared with torch.relu of the concatenation.",
        conventions="At x = 0 both halves have gradient 0 (torch.relu's subgradient); nan gives nan in both "
        "halves.",
        properties=Properties(
            range=(sympy.Integer(0), sympy.oo),
            range_closed=(True, False),
            monotonic=False,
            smoothness="C0",
            zero_centred=False,
            notes=(
                "output size along dim is twice the input size",
                "exactly one of the two copies of each input is active (both are 0 at 0), so no input is lost: "
                "x = y_i − y_{n+i}",
            ),
        ),
        paper=Paper(
            authors="Shang, Sohn, Almeida, Lee",
            year=2016,
            title="Understanding and Improving Convolutional Neural Networks via Concatenated Rectified "
            "Linear Units",
            url="https://arxiv.org/abs/1603.05201",
            venue="ICML",
        ),
        init=Init(
            "kaiming",
            2**0.5,
            "each output is a ReLU, E[relu(z)²] = 1/2, so He's gain √2 applies to the next (twice as wide) layer",
        ),
        elementwise=False,
        plot_range=(-4.0, 4.0),
        related=("relu", "maxout"),
    )
)
