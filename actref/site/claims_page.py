"""The "Claims tested" page: each claim's text, source and experiment, with its verdict computed at build time.

The verdicts are pure functions of the results (actref.experiments.verdicts); this module adds what a reader
sees: the claim in words, its citations, the link to the experiment's page, and the table. Adding a claim is
one verdict function there and one `Claim` entry in CLAIMS here.

Every text here is English and is the message id of its translation (locale/zh/claims_page.po): a claim's
text, source and criterion; the verdict's evidence comes as a message template with its fields
(actref.site.translated.evidence). On the Chinese page a claim is quoted as Chinese readers know it, where
Chinese sources state it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from actref import catalog
from actref.experiments import verdicts
from actref.experiments.verdicts import Verdict
from actref.site import cost_pages, translated
from actref.site.experiment_pages import PAGES, activation_link, obtain
from actref.site.links import relative

if TYPE_CHECKING:
    from actref.site.context import Context


@dataclass(frozen=True)
class Claim:
    text: str
    source: str  # markdown link(s)
    experiment: str | None  # an experiment name, "cost" (the cost results), or None: not testable here
    evaluate: Callable[[dict], Verdict] | None  # results dict of `experiment` → (verdict, evidence)
    criterion: str  # how the verdict is decided; for an untestable claim, why it cannot be tested here


def _link(url: str, text: str) -> str:
    return f"[{text}]({url})"


def _relu_vs(other: str):
    return lambda result: verdicts.converges_faster(result, [("relu", other)])


CLAIMS = [
    Claim(
        "ReLU networks converge much faster than sigmoid or tanh networks.",
        _link(
            "https://papers.nips.cc/paper/2012/hash/c399862d3b9d6b76c8436e924a68c45b-Abstract.html",
            "Krizhevsky et al. 2012",
        ),
        "fashion_mnist_mlp",
        lambda result: verdicts.converges_faster(result, [("relu", "sigmoid"), ("relu", "tanh")]),
        "validation accuracy after the first epoch, ReLU against each",
    ),
    Claim(
        "tanh converges faster than the logistic sigmoid, because its output is zero-centred.",
        _link("http://yann.lecun.com/exdb/publis/pdf/lecun-98b.pdf", "LeCun et al. 1998, Efficient BackProp"),
        "fashion_mnist_mlp",
        lambda result: verdicts.converges_faster(result, [("tanh", "sigmoid")]),
        "validation accuracy after the first epoch (this tests the speed, not the reason)",
    ),
    Claim(
        "Sigmoid and tanh cost more than ReLU because of the exponential, though the difference is small.",
        _link("https://cs231n.github.io/neural-networks-1/", "CS231n notes"),
        "cost",
        lambda cost: verdicts.costs_more_than(cost, ("sigmoid", "tanh")),
        "built-in forward + backward time in float32: above 1.05× ReLU's for both → supported (small if under "
        "2×); below 0.95× for either → not supported",
    ),
    Claim(
        "Leaky ReLU and PReLU avoid dead units: their units can recover where ReLUs die.",
        ", ".join(
            [
                _link(
                    "https://ai.stanford.edu/~amaas/papers/relu_hybrid_icml2013_final.pdf", "Maas et al. 2013"
                ),
                _link("https://arxiv.org/abs/1502.01852", "He et al. 2015"),
            ]
        ),
        "learning_rate",
        verdicts.leaky_units_survive_large_learning_rates,
        "at the largest learning rate where ≥ 10% of ReLUs never fire, Leaky ReLU and PReLU each reach a higher "
        "test accuracy than ReLU",
    ),
    Claim(
        "PReLU beats ReLU.",
        _link("https://arxiv.org/abs/1502.01852", "He et al. 2015"),
        "fashion_mnist_mlp",
        lambda result: verdicts.beats_on_test(result, [("prelu", "relu")]),
        "final test accuracy",
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
        "Mish beats Swish by 0.494 points and ReLU by 1.671 points.",
        _link("https://arxiv.org/abs/1908.08681v1", "Misra 2019 (v1 abstract)")
        + "; a practitioner's report of COCO 0.5214 (Mish) against 0.4976 (ReLU6) on a private detection task",
        "fashion_mnist_mlp",
        lambda result: verdicts.beats_with_reported_margins(
            result,
            [("mish", "silu"), ("mish", "relu")],
            "Misra 2019: Mish − Swish +0.494, Mish − ReLU +1.671 points (CIFAR-100, Squeeze-Excite Net-18, "
            "top-1); "
            "COCO 0.5214 − 0.4976 = +2.38 points against ReLU6 (private detection task, one run)",
        ),
        "final test accuracy, our differences beside theirs",
    ),
    Claim(
        "ELU learns faster and generalises better than ReLU.",
        _link("https://arxiv.org/abs/1511.07289", "Clevert et al. 2015"),
        "fashion_mnist_mlp",
        lambda result: verdicts.learns_faster_and_generalises_better(result, "elu", "relu"),
        "validation accuracy after the first epoch and final test accuracy, both higher",
    ),
    Claim(
        "SELU with LeCun initialisation self-normalises (mean 0, variance 1 through many layers), and so avoids "
        "vanishing and exploding gradients.",
        _link("https://arxiv.org/abs/1706.02515", "Klambauer et al. 2017"),
        "self_normalisation",
        verdicts.selu_self_normalises,
        "absolute mean ≤ 0.1 at the last layer, variance within a factor 2 of 1 at every layer, and the "
        f"gradient variance at the first layer within a factor {verdicts.GRADIENT_FACTOR:g} of the last layer's",
    ),
    Claim(
        "In shallow networks (below four layers) the choice of activation matters little.",
        "repeated in popular guides (no primary source)",
        "depth",
        verdicts.shallow_nets_do_not_care,
        "spread (best − worst mean test accuracy, nonlinear activations, Adam) at the smallest depth: ≤ 1 point "
        "supported, > 3 points not supported",
    ),
    Claim(
        "Plain ReLU networks deeper than about 30 layers do not converge without normalisation.",
        _link("https://arxiv.org/abs/1502.01852", "He et al. 2015")
        + " (SGD-trained; their 30-layer net failed with Xavier init and trained with theirs)",
        "depth",
        verdicts.deep_relu_fails_by_optimizer,
        "deepest ReLU net, SGD + momentum (as in the source), Adam beside it: most runs diverge or test "
        "accuracy < 50% → supported; within 5 points of the shallowest → not supported",
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
        "ReLU solved the vanishing-gradient problem.",
        _link(
            "https://papers.nips.cc/paper/2012/hash/c399862d3b9d6b76c8436e924a68c45b-Abstract.html",
            "the AlexNet story (Krizhevsky et al. 2012)",
        )
        + ", "
        + _link("https://proceedings.mlr.press/v15/glorot11a.html", "Glorot et al. 2011"),
        "depth",
        verdicts.relu_solved_vanishing_gradients,
        "deepest net at init: ReLU's first-layer gradient within 10× of its last layer's, and the sigmoid's "
        "ratio at least 10× smaller → supported; ReLU's own ratio < 0.01 → not supported",
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
        "Maxout beats ReLU (at k times the parameters of a layer).",
        _link("https://arxiv.org/abs/1302.4389", "Goodfellow et al. 2013"),
        "gated",
        lambda result: verdicts.beats_on_test(result, [("maxout", "relu")]),
        "test accuracy at matched parameter count (we take the k× parameters away: a fairer test)",
    ),
    Claim(
        "GELU is the best choice for Transformers and NLP.",
        _link("https://arxiv.org/abs/1810.04805", "Devlin et al. 2018 (BERT)")
        + ", "
        + _link(
            "https://cdn.openai.com/better-language-models/language_models_are_unsupervised_multitask_learners.pdf",
            "Radford et al. 2019 (GPT-2)",
        ),
        None,
        None,
        "It needs Transformers trained on language data, and our experiments train MLPs on "
        "Fashion-MNIST. Both models use GELU; neither paper compares it with other activations. Shazeer 2020 "
        "does, and finds GLU variants (GEGLU, SwiGLU) ahead of GELU in Transformer feed-forward layers.",
    ),
    Claim(
        "ReLU6's bounded range suits low-precision inference.",
        _link("https://arxiv.org/abs/1801.04381", "Sandler et al. 2018 (MobileNetV2)")
        + ", citing "
        + _link("https://arxiv.org/abs/1704.04861", "Howard et al. 2017 (MobileNets)"),
        None,
        None,
        "It needs quantised (8-bit) inference, and every measurement of ours is in float32 "
        "(or bfloat16 for the cost tables). Sandler et al. (MobileNetV2, §4) state the robustness as their "
        "reason for ReLU6, citing MobileNetV1, whose paper says its layers use batchnorm and ReLU; neither "
        "paper compares ReLU6 with ReLU.",
    ),
]

BADGES = {
    "supported": "✅ supported",
    "not supported": "❌ not supported",
    "inconclusive": "➖ inconclusive",
    "not testable here": "⚪ not testable here",
}


@dataclass(frozen=True)
class Row:
    """One claim as the table shows it."""

    claim: Claim
    verdict: str
    evidence: str  # an Evidence (a message and its fields) or an English message
    page: str | None  # the page of the experiment that tested it (site path), None when untestable
    flag: str = ""  # "smoke" or "stale" when the numbers behind the verdict are not the full, current ones
    where: str = ""  # which machine made the numbers (device_of), "" when none or several did


def _cost_row(ctx: Context, claim: Claim) -> Row:
    """Cost claims are evaluated on every device with committed cost results (GPU first), each named."""
    site = cost_pages.site_results(ctx)
    parts = [claim.evaluate(r) for r in (site.gpu, site.cpu) if r is not None]
    if not parts:
        return Row(claim, "not yet measured", "no cost results committed", cost_pages.COST_PAGE)
    verdict = parts[0][0]  # the GPU decides when it was measured; the CPU is reported beside it
    return Row(claim, verdict, verdicts.Joined([e for _, e in parts], " — "), cost_pages.COST_PAGE)


def evaluated(ctx: Context) -> list[Row]:
    """Every claim with its computed verdict and evidence ("not yet measured" without results)."""
    out = []
    for claim in CLAIMS:
        if claim.experiment is None:
            out.append(Row(claim, "not testable here", claim.criterion, None))
            continue
        if claim.experiment == "cost":
            out.append(_cost_row(ctx, claim))
            continue
        shown = obtain(ctx, claim.experiment)
        page = PAGES[claim.experiment]
        flag = "smoke" if shown.smoke else ("stale" if shown.stale else "")
        if shown.result is None:
            out.append(Row(claim, "not yet measured", "no results committed", page))
        else:
            verdict, evidence = claim.evaluate(shown.result)
            out.append(Row(claim, verdict, evidence, page, flag, device_of(ctx, shown.result)))
    return out


def device_of(ctx: Context, result: dict) -> str:
    """ "measured on CPU (AMD EPYC, 2 cores)": which machine made the numbers behind a verdict."""
    p = result.get("provenance", {})
    name = p["device_name"] if "device_name" in p else ctx._("an unknown device")
    if p.get("device_type") == "cuda":
        return ctx._("measured on the GPU {device}", device=name)
    return ctx._("measured on {device}", device=name)


def evidence_text(ctx: Context, row: Row) -> str:
    """A row's evidence in the page's language, with the machine that made its numbers."""
    text = translated.evidence(ctx, row.evidence) if isinstance(row.evidence, verdicts.Evidence) else None
    if text is None:
        text = ctx._(row.evidence)  # an English message: "no results committed", an untestable claim's reason
    return ctx._("{evidence} ({where})", evidence=text, where=row.where) if row.where else text


def table(ctx: Context) -> str:
    """Directive for docs/comparisons/claims.md: the table of claims, verdicts and evidence."""
    rows = evaluated(ctx)
    lines = [
        "| " + " | ".join(ctx._(h) for h in ("Claim", "Source", "Tested by", "Verdict", "Evidence")) + " |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        badge = ctx._(BADGES.get(row.verdict, row.verdict))
        if row.flag == "smoke":
            badge = ctx._("{verdict} (smoke numbers: meaningless)", verdict=badge)
        elif row.flag == "stale":
            badge = ctx._("{verdict} (stale)", verdict=badge)
        evidence = evidence_text(ctx, row)
        if row.page is None:
            tested = "—"
        else:
            name = row.claim.experiment
            tested = ctx._(
                "[{experiment}]({url}): {criterion}",
                experiment=name,
                url=relative(ctx.page_src, row.page),
                criterion=ctx._(row.claim.criterion),
            )
        claim, source = ctx._(row.claim.text), ctx._(row.claim.source)
        lines.append(f"| {claim} | {source} | {tested} | {badge} | {evidence} |")
    out = []
    if any(row.flag == "smoke" for row in rows):
        out.append(
            '!!! warning "'
            + ctx._("Smoke run on the CPU")
            + '"\n    '
            + ctx._(
                "ACTREF_EXPERIMENTS=smoke: the verdicts below are computed from a tiny CPU run (1 seed, 1 epoch, a "
                "data subset). They prove the code path, not the claims."
            )
            + "\n"
        )
    out.append("\n".join(lines) + "\n")
    links = [
        activation_link(ctx, n)
        for n in ("relu", "sigmoid", "tanh", "silu", "gelu", "mish", "selu")
        if n in catalog.names()
    ]
    out.append(
        ctx._("Activations: {links}.", links=translated.evidence(ctx, verdicts.Joined(links, ", "))) + "\n"
    )
    return "\n".join(out)
