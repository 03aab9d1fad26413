"""The "Claims tested" page: each claim's text, source and experiment, with its verdict computed at build time.

The verdicts are pure functions of the results (actref.experiments.verdicts); this module adds what a reader
sees: the claim in words, its citations, the link to the experiment's page, and the table. Adding a claim is
one verdict function there and one `Claim` entry in CLAIMS here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from actref import catalog
from actref.experiments import verdicts
from actref.experiments.verdicts import Verdict
from actref.site.experiment_pages import PAGES, Shown, activation_link, obtain
from actref.site.links import relative

if TYPE_CHECKING:
    from actref.site.context import Context


@dataclass(frozen=True)
class Claim:
    text: str
    source: str  # markdown link(s)
    experiment: str
    evaluate: Callable[[dict], Verdict]  # results dict of `experiment` → (verdict, evidence)
    criterion: str


def _link(url: str, text: str) -> str:
    return f"[{text}]({url})"


CLAIMS = [
    Claim(
        "ReLU networks converge faster than sigmoid and tanh networks.",
        _link(
            "https://papers.nips.cc/paper/2012/hash/c399862d3b9d6b76c8436e924a68c45b-Abstract.html",
            "Krizhevsky et al. 2012",
        ),
        "fashion_mnist_mlp",
        lambda result: verdicts.converges_faster(result, [("relu", "sigmoid"), ("relu", "tanh")]),
        "validation accuracy after the first epoch, ReLU against each",
    ),
    Claim(
        "tanh trains faster than the logistic sigmoid.",
        _link("http://yann.lecun.com/exdb/publis/pdf/lecun-98b.pdf", "LeCun et al. 1998, Efficient BackProp"),
        "fashion_mnist_mlp",
        lambda result: verdicts.converges_faster(result, [("tanh", "sigmoid")]),
        "validation accuracy after the first epoch",
    ),
    Claim(
        "Swish (SiLU), GELU and Mish beat ReLU by a small margin.",
        ", ".join(
            [
                _link("https://arxiv.org/abs/1710.05941", "Ramachandran et al. 2017"),
                _link("https://arxiv.org/abs/1606.08415", "Hendrycks & Gimpel 2016"),
                _link("https://arxiv.org/abs/1908.08681", "Misra 2019"),
            ]
        ),
        "fashion_mnist_mlp",
        lambda result: verdicts.beats_on_test(result, [("silu", "relu"), ("gelu", "relu"), ("mish", "relu")]),
        "final test accuracy, each against ReLU",
    ),
    Claim(
        "SELU self-normalises: activations keep mean 0 and variance 1 through many layers.",
        _link("https://arxiv.org/abs/1706.02515", "Klambauer et al. 2017"),
        "self_normalisation",
        verdicts.selu_self_normalises,
        "with LeCun init, absolute mean ≤ 0.1 at the last layer and the variance within a factor 2 of 1 at every layer",
    ),
    Claim(
        "In shallow networks (below four layers) the choice of activation matters little.",
        "repeated in popular guides (no primary source)",
        "depth",
        verdicts.shallow_nets_do_not_care,
        "spread (best − worst mean test accuracy, nonlinear activations) at the smallest depth: ≤ 1 point "
        "supported, > 3 points not supported",
    ),
    Claim(
        "Plain ReLU networks deeper than about 30 layers do not converge without normalisation.",
        _link("https://arxiv.org/abs/1502.01852", "He et al. 2015")
        + " (their 30-layer net failed with Xavier init and trained with theirs)",
        "depth",
        verdicts.deep_relu_fails,
        "deepest ReLU net: most runs diverge or test accuracy < 50% → supported; within 5 points of the "
        "shallowest → not supported",
    ),
    Claim(
        "With a large learning rate, as many as 40% of ReLUs can die.",
        _link("https://cs231n.github.io/neural-networks-1/", "CS231n notes"),
        "learning_rate",
        verdicts.large_lr_kills_relus,
        "dead fraction at the largest learning rate ≥ 20% and significantly above lr 1e-3 → supported; "
        "< 5% at every rate → not supported",
    ),
    Claim(
        "GLU variants beat the elementwise activation they build on.",
        _link("https://arxiv.org/abs/2002.05202", "Shazeer 2020"),
        "gated",
        lambda result: verdicts.beats_on_test(
            result, [("glu", "sigmoid"), ("reglu", "relu"), ("geglu", "gelu"), ("swiglu", "silu")]
        ),
        "test accuracy at matched parameter count",
    ),
    Claim(
        "Maxout beats ReLU.",
        _link("https://arxiv.org/abs/1302.4389", "Goodfellow et al. 2013"),
        "gated",
        lambda result: verdicts.beats_on_test(result, [("maxout", "relu")]),
        "test accuracy at matched parameter count",
    ),
]

BADGES = {
    "supported": "✅ supported",
    "not supported": "❌ not supported",
    "inconclusive": "➖ inconclusive",
}


def evaluated(ctx: Context) -> list[tuple[Claim, str, str, Shown]]:
    """Every claim with its computed verdict and evidence (verdict "not yet measured" without results)."""
    out = []
    for claim in CLAIMS:
        shown = obtain(ctx, claim.experiment)
        if shown.result is None:
            out.append((claim, "not yet measured", "no results committed", shown))
        else:
            verdict, evidence = claim.evaluate(shown.result)
            out.append((claim, verdict, evidence, shown))
    return out


def table(ctx: Context) -> str:
    """Directive for docs/comparisons/claims.md: the table of claims, verdicts and evidence."""
    rows = evaluated(ctx)
    lines = ["| Claim | Source | Tested by | Verdict | Evidence |", "|---|---|---|---|---|"]
    notes = set()
    for claim, verdict, evidence, shown in rows:
        page = relative(ctx.page_src, PAGES[claim.experiment])
        badge = BADGES.get(verdict, verdict)
        if shown.smoke:
            badge += " (smoke numbers: meaningless)"
            notes.add("smoke")
        elif shown.stale:
            badge += " (stale)"
        lines.append(
            f"| {claim.text} | {claim.source} | [{claim.experiment}]({page}): {claim.criterion} | {badge} | "
            f"{evidence} |"
        )
    out = []
    if "smoke" in notes:
        out.append(
            '!!! warning "Smoke run on the CPU"\n    ACTREF_EXPERIMENTS=smoke: the verdicts below are computed '
            "from a tiny CPU run (1 seed, 1 epoch, a data subset). They prove the code path, not the claims.\n"
        )
    out.append("\n".join(lines) + "\n")
    out.append(
        "Activations: "
        + ", ".join(
            activation_link(ctx, n)
            for n in ("relu", "sigmoid", "tanh", "silu", "gelu", "mish", "selu")
            if n in catalog.names()
        )
        + ".\n"
    )
    return "\n".join(out)
