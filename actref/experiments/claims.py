"""Claims from the literature and the guides, each with the experiment that tests it and a computed verdict.

A verdict is computed from the numbers every time the page is built, never typed. Rules (stated on the page):
a comparison "a beats b" is *supported* when a's mean is higher and Welch's two-sided p < 0.05, *not
supported* when it is significantly lower, and *inconclusive* otherwise; a claim with several parts is
supported only when every part is, and not supported when any part is contradicted.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import actref
from actref.experiments import stats
from actref.experiments.report import (
    PAGES,
    Shown,
    _activation_link,
    _rel,
    by_activation,
    obtain,
    runs_of,
    signal_summary,
)

if TYPE_CHECKING:
    from actref.site import Context

Verdict = tuple[str, str]  # (verdict, evidence in markdown)


@dataclass(frozen=True)
class Claim:
    text: str
    source: str  # markdown link(s)
    experiment: str
    evaluate: Callable[[Shown], Verdict]
    criterion: str


def _pct(v: float) -> str:
    return f"{100 * v:.2f}%" if math.isfinite(v) else "—"


def _epoch1(result: dict) -> dict[str, list[float]]:
    """activation → validation accuracy after the first epoch, per seed (diverged runs as NaN)."""
    out: dict[str, list[float]] = {}
    for r in result["runs"]:
        v = r["curve"][0] if r.get("curve") and not r.get("diverged") else None
        out.setdefault(r["activation"], []).append(math.nan if v is None else v)
    return out


def _beats(values: dict[str, list[float]], pairs: list[tuple[str, str]], what: str) -> Verdict:
    verdicts, evidence = [], []
    for a, b in pairs:
        if a not in values or b not in values:
            evidence.append(f"{a} or {b} was not measured")
            verdicts.append("inconclusive")
            continue
        verdict, diff, p = stats.compare(values[a], values[b])
        verdicts.append(verdict)
        p_text = "—" if not math.isfinite(p) else ("< 0.001" if p < 0.001 else f"{p:.3f}")
        evidence.append(f"{a} − {b}: {100 * diff:+.2f} points of {what} (p = {p_text})")
    return stats.combine(verdicts), "; ".join(evidence)


def converges_faster(pairs: list[tuple[str, str]]) -> Callable[[Shown], Verdict]:
    return lambda shown: _beats(_epoch1(shown.result), pairs, "validation accuracy after epoch 1")


def beats_on_test(pairs: list[tuple[str, str]]) -> Callable[[Shown], Verdict]:
    return lambda shown: _beats(by_activation(shown.result["runs"])[0], pairs, "test accuracy")


def selu_self_normalises(shown: Shown) -> Verdict:
    summary = signal_summary(shown.result)
    label = next((k for k in summary if k.startswith("selu + lecun")), None)
    if label is None:
        return "inconclusive", "SELU with LeCun init was not measured"
    s = summary[label]
    mean, var = s["act_mean"][-1], s["act_var"][-1]
    worst = max(abs(math.log(v)) for v in s["act_var"] if v > 0)
    ok = abs(mean) <= 0.1 and 0.5 <= var <= 2.0 and math.exp(worst) <= 2.0
    others = [
        f"{k}: var {v['act_var'][-1]:.3g}"
        for k, v in summary.items()
        if not k.startswith("selu") and v["act_var"]
    ]
    evidence = (
        f"SELU + LeCun at layer {len(s['act_var'])}: mean {mean:.3f}, variance {var:.3f} (every layer within a "
        f"factor {math.exp(worst):.2f} of 1). Others at the last layer: {'; '.join(others)}"
    )
    return ("supported" if ok else "not supported"), evidence


def shallow_nets_do_not_care(shown: Shown) -> Verdict:
    result = shown.result
    shallow = min(result["variants"], key=lambda v: len(v["hidden"]))
    deep = max(result["variants"], key=lambda v: len(v["hidden"]))

    def spread(variant: dict) -> tuple[float, str, str]:
        values, _ = by_activation(runs_of(result, variant["name"]))
        means = {a: stats.mean_std_ci(v)[0] for a, v in values.items() if a != "identity"}
        means = {a: m for a, m in means.items() if math.isfinite(m)}
        if len(means) < 2:
            return math.nan, "", ""
        best, worst = max(means, key=means.get), min(means, key=means.get)
        return means[best] - means[worst], best, worst

    s_shallow, best, worst = spread(shallow)
    s_deep, _, _ = spread(deep)
    if not math.isfinite(s_shallow):
        return "inconclusive", "too few activations measured"
    evidence = (
        f"{len(shallow['hidden'])} hidden layers: best ({best}) − worst ({worst}) = {100 * s_shallow:.2f} points "
        f"(nonlinear activations only); {len(deep['hidden'])} layers: {100 * s_deep:.2f} points"
    )
    if s_shallow <= 0.01:
        return "supported", evidence
    if s_shallow > 0.03:
        return "not supported", evidence
    return "inconclusive", evidence


def deep_relu_fails(shown: Shown) -> Verdict:
    result = shown.result
    deep = max(result["variants"], key=lambda v: len(v["hidden"]))
    shallow = min(result["variants"], key=lambda v: len(v["hidden"]))
    deep_vals, deep_div = by_activation(runs_of(result, deep["name"]))
    shallow_vals, _ = by_activation(runs_of(result, shallow["name"]))
    if "relu" not in deep_vals:
        return "inconclusive", "ReLU was not measured"
    n = len(deep_vals["relu"])
    deep_mean = stats.mean_std_ci(deep_vals["relu"])[0]
    shallow_mean = stats.mean_std_ci(shallow_vals["relu"])[0]
    evidence = (
        f"ReLU (Kaiming init, no normalisation), {len(deep['hidden'])} hidden layers: test accuracy "
        f"{_pct(deep_mean)}, {deep_div['relu']}/{n} runs diverged; {len(shallow['hidden'])} layers: "
        f"{_pct(shallow_mean)}"
    )
    if deep_div["relu"] > n / 2 or (math.isfinite(deep_mean) and deep_mean < 0.5):
        return "supported", evidence
    if math.isfinite(deep_mean) and deep_mean >= shallow_mean - 0.05:
        return "not supported", evidence
    return "inconclusive", evidence


def large_lr_kills_relus(shown: Shown) -> Verdict:
    result = shown.result
    variants = sorted(result["variants"], key=lambda v: v["lr"])
    fractions = {}
    for v in variants:
        vals = [r["dead_fraction"] for r in runs_of(result, v["name"]) if r["activation"] == "relu"]
        fractions[v["lr"]] = [math.nan if x is None else x for x in vals]
    if not fractions:
        return "inconclusive", "ReLU was not measured"
    top = variants[-1]["lr"]
    reference = min(fractions, key=lambda lr: abs(math.log(lr / 1e-3)))
    means = {lr: stats.mean_std_ci(v)[0] for lr, v in fractions.items()}
    evidence = "dead ReLUs: " + ", ".join(f"lr {lr:g}: {_pct(m)}" for lr, m in means.items())
    verdict, _, _ = stats.compare(fractions[top], fractions[reference])
    if means[top] >= 0.2 and verdict == "supported":
        return "supported", evidence
    if all(m < 0.05 for m in means.values() if math.isfinite(m)):
        return "not supported", evidence
    return "inconclusive", evidence


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
        converges_faster([("relu", "sigmoid"), ("relu", "tanh")]),
        "validation accuracy after the first epoch, ReLU against each",
    ),
    Claim(
        "tanh trains faster than the logistic sigmoid.",
        _link("http://yann.lecun.com/exdb/publis/pdf/lecun-98b.pdf", "LeCun et al. 1998, Efficient BackProp"),
        "fashion_mnist_mlp",
        converges_faster([("tanh", "sigmoid")]),
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
        beats_on_test([("silu", "relu"), ("gelu", "relu"), ("mish", "relu")]),
        "final test accuracy, each against ReLU",
    ),
    Claim(
        "SELU self-normalises: activations keep mean 0 and variance 1 through many layers.",
        _link("https://arxiv.org/abs/1706.02515", "Klambauer et al. 2017"),
        "self_normalisation",
        selu_self_normalises,
        "with LeCun init, absolute mean ≤ 0.1 at the last layer and the variance within a factor 2 of 1 at every layer",
    ),
    Claim(
        "In shallow networks (below four layers) the choice of activation matters little.",
        "repeated in popular guides (no primary source)",
        "depth",
        shallow_nets_do_not_care,
        "spread (best − worst mean test accuracy, nonlinear activations) at the smallest depth: ≤ 1 point "
        "supported, > 3 points not supported",
    ),
    Claim(
        "Plain ReLU networks deeper than about 30 layers do not converge without normalisation.",
        _link("https://arxiv.org/abs/1502.01852", "He et al. 2015")
        + " (their 30-layer net failed with Xavier init and trained with theirs)",
        "depth",
        deep_relu_fails,
        "deepest ReLU net: most runs diverge or test accuracy < 50% → supported; within 5 points of the "
        "shallowest → not supported",
    ),
    Claim(
        "With a large learning rate, as many as 40% of ReLUs can die.",
        _link("https://cs231n.github.io/neural-networks-1/", "CS231n notes"),
        "learning_rate",
        large_lr_kills_relus,
        "dead fraction at the largest learning rate ≥ 20% and significantly above lr 1e-3 → supported; "
        "< 5% at every rate → not supported",
    ),
    Claim(
        "GLU variants beat the elementwise activation they build on.",
        _link("https://arxiv.org/abs/2002.05202", "Shazeer 2020"),
        "gated",
        beats_on_test([("glu", "sigmoid"), ("reglu", "relu"), ("geglu", "gelu"), ("swiglu", "silu")]),
        "test accuracy at matched parameter count",
    ),
    Claim(
        "Maxout beats ReLU.",
        _link("https://arxiv.org/abs/1302.4389", "Goodfellow et al. 2013"),
        "gated",
        beats_on_test([("maxout", "relu")]),
        "test accuracy at matched parameter count",
    ),
]

BADGES = {
    "supported": "✅ supported",
    "not supported": "❌ not supported",
    "inconclusive": "➖ inconclusive",
}


def verdicts(ctx: Context) -> list[tuple[Claim, str, str, Shown]]:
    """Every claim with its computed verdict and evidence (verdict "not yet measured on GPU" without results)."""
    out = []
    for claim in CLAIMS:
        shown = obtain(ctx, claim.experiment)
        if shown.result is None:
            out.append((claim, "not yet measured on GPU", "no results committed", shown))
        else:
            verdict, evidence = claim.evaluate(shown)
            out.append((claim, verdict, evidence, shown))
    return out


def render(ctx: Context) -> str:
    rows = verdicts(ctx)
    lines = ["| Claim | Source | Tested by | Verdict | Evidence |", "|---|---|---|---|---|"]
    notes = set()
    for claim, verdict, evidence, shown in rows:
        page = _rel(ctx, PAGES[claim.experiment])
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
            _activation_link(ctx, n)
            for n in ("relu", "sigmoid", "tanh", "silu", "gelu", "mish", "selu")
            if n in actref.names()
        )
        + ".\n"
    )
    return "\n".join(out)
