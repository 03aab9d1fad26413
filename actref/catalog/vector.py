"""Vector-valued activations: each output depends on several inputs along `dim`.

Their formulas use an index (x_i over a vector x); they have no scalar derivative, so the tests check
Jacobians and shapes instead.
"""

import sympy
import torch

from actref.registry import REGISTRY, Activation, Init, Paper, Param, Properties

xs = sympy.IndexedBase("x")
i, j, n = sympy.symbols("i j n", integer=True, positive=True)


def _is_dim(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


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
        params={"dim": Param(-1, _is_dim, "an int naming a dimension of x", None, "the axis that sums to 1")},
        expr=sympy.exp(xs[i]) / sympy.Sum(sympy.exp(xs[j]), (j, 1, n)),
        # ∂s_i/∂x_j = s_i(δ_ij − s_j)
        derivative_latex_override=r"\frac{\partial s_i}{\partial x_j} = s_i\left(\delta_{ij} - s_j\right)",
        builtin=torch.softmax,
        builtin_code="torch.softmax(x, dim=-1)",
        builtin_differences="A row that is all −inf gives nan in both (0/0); there is no distribution to return.",
        properties=Properties(
            range=(sympy.Integer(0), sympy.Integer(1)),
            monotonic=True,
            smoothness="C∞",
            zero_centred=False,
            saturates=("negative", "positive"),
            notes=("outputs along dim sum to 1", "invariant to adding a constant to every logit"),
        ),
        paper=Paper(
            authors="Bridle",
            year=1990,
            title="Probabilistic Interpretation of Feedforward Classification Network Outputs",
            url="https://doi.org/10.1007/978-3-642-76153-9_28",
            venue="Neurocomputing (NATO ASI Series F68)",
        ),
        init=Init("xavier", 1.0, "an output layer: Glorot's scheme keeps the logits near unit scale"),
        elementwise=False,
        plot_range=(-4.0, 4.0),
        related=("log_softmax", "sigmoid"),
    )
)
