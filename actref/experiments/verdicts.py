"""Verdicts on claims from the literature: pure functions of a results dict, never typed by hand.

Each returns (verdict, evidence): verdict is "supported", "not supported" or "inconclusive"; evidence says
which numbers decided it. Rules: a comparison "a beats b" is *supported* when a's mean is higher and Welch's
two-sided p < 0.05, *not supported* when it is significantly lower, and *inconclusive* otherwise; a claim with
several parts is supported only when every part is, and not supported when any part is contradicted.
The claims themselves (their text, sources and links) are on the site: actref.site.claims_page.
"""

from __future__ import annotations

import math

from actref.experiments import stats
from actref.experiments.summaries import (
    by_activation,
    epoch1_accuracy,
    format_p,
    format_percent,
    runs_of,
    signal_summary,
)

Verdict = tuple[str, str]  # (verdict, evidence)


def _beats(values: dict[str, list[float]], pairs: list[tuple[str, str]], what: str) -> Verdict:
    verdicts, evidence = [], []
    for a, b in pairs:
        if a not in values or b not in values:
            evidence.append(f"{a} or {b} was not measured")
            verdicts.append("inconclusive")
            continue
        verdict, diff, p = stats.compare(values[a], values[b])
        verdicts.append(verdict)
        evidence.append(f"{a} − {b}: {100 * diff:+.2f} points of {what} (p = {format_p(p)})")
    return stats.combine(verdicts), "; ".join(evidence)


def converges_faster(result: dict, pairs: list[tuple[str, str]]) -> Verdict:
    """Each a of (a, b) has a higher validation accuracy than b after the first epoch."""
    return _beats(epoch1_accuracy(result), pairs, "validation accuracy after epoch 1")


def beats_on_test(result: dict, pairs: list[tuple[str, str]]) -> Verdict:
    """Each a of (a, b) has a higher final test accuracy than b."""
    return _beats(by_activation(result["runs"])[0], pairs, "test accuracy")


def selu_self_normalises(result: dict) -> Verdict:
    """SELU with LeCun init keeps |mean| ≤ 0.1 at the last layer and the variance within a factor 2 of 1."""
    summary = signal_summary(result)
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


def _spread(result: dict, variant: dict) -> tuple[float, str, str]:
    """Best − worst mean test accuracy of the nonlinear activations in `variant`, and which they are."""
    values, _ = by_activation(runs_of(result, variant["name"]))
    means = {a: stats.mean_std_ci(v)[0] for a, v in values.items() if a != "identity"}
    means = {a: m for a, m in means.items() if math.isfinite(m)}
    if len(means) < 2:
        return math.nan, "", ""
    best, worst = max(means, key=means.get), min(means, key=means.get)
    return means[best] - means[worst], best, worst


def shallow_nets_do_not_care(result: dict) -> Verdict:
    """At the smallest depth the spread is ≤ 1 point (supported) or > 3 points (not supported)."""
    shallow = min(result["variants"], key=lambda v: len(v["hidden"]))
    deep = max(result["variants"], key=lambda v: len(v["hidden"]))
    s_shallow, best, worst = _spread(result, shallow)
    s_deep, _, _ = _spread(result, deep)
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


def deep_relu_fails(result: dict) -> Verdict:
    """The deepest ReLU net mostly diverges or stays below 50% (supported), or is within 5 points of the shallowest."""
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
        f"{format_percent(deep_mean)}, {deep_div['relu']}/{n} runs diverged; {len(shallow['hidden'])} layers: "
        f"{format_percent(shallow_mean)}"
    )
    if deep_div["relu"] > n / 2 or (math.isfinite(deep_mean) and deep_mean < 0.5):
        return "supported", evidence
    if math.isfinite(deep_mean) and deep_mean >= shallow_mean - 0.05:
        return "not supported", evidence
    return "inconclusive", evidence


def large_lr_kills_relus(result: dict) -> Verdict:
    """At the largest learning rate ≥ 20% of ReLUs are dead and significantly more than at lr 1e-3."""
    variants = sorted(result["variants"], key=lambda v: v["lr"])
    fractions = {}
    for v in variants:
        vals = [r["dead_fraction"] for r in runs_of(result, v["name"]) if r["activation"] == "relu"]
        if vals:
            fractions[v["lr"]] = [math.nan if x is None else x for x in vals]
    if not fractions:
        return "inconclusive", "ReLU was not measured"
    top = max(fractions)
    reference = min(fractions, key=lambda lr: abs(math.log(lr / 1e-3)))
    means = {lr: stats.mean_std_ci(v)[0] for lr, v in fractions.items()}
    evidence = "dead ReLUs: " + ", ".join(f"lr {lr:g}: {format_percent(m)}" for lr, m in means.items())
    verdict, _, _ = stats.compare(fractions[top], fractions[reference])
    if means[top] >= 0.2 and verdict == "supported":
        return "supported", evidence
    if all(m < 0.05 for m in means.values() if math.isfinite(m)):
        return "not supported", evidence
    return "inconclusive", evidence
