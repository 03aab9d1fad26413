"""Verdicts on claims from the literature: pure functions of a results dict, never typed by hand.

Each returns (verdict, evidence): verdict is "supported", "not supported" or "inconclusive"; evidence says
which numbers decided it, in English, as an `Evidence` string that also keeps its message template and fields
(the site renders it in the page's language: actref.site.claims_page). Rules: a comparison "a beats b" is
*supported* when a's mean is higher and Welch's two-sided p < 0.05, *not supported* when it is significantly
lower, and *inconclusive* otherwise; a claim with several parts is supported only when every part is, and not
supported when any part is contradicted.
The claims themselves (their text, sources and links) are on the site: actref.site.claims_page.
"""

from __future__ import annotations

import math
import re

from actref.experiments import stats
from actref.experiments.summaries import (
    by_activation,
    dead_values,
    epoch1_accuracy,
    format_p,
    format_percent,
    runs_of,
    signal_summary,
)


class Evidence(str):
    """An English sentence that remembers how it was made: `template.format(**fields)`.

    It is the English text everywhere a string is expected; `template` (the message, an English msgid) and
    `fields` (numbers already formatted; a field that is itself an Evidence is a message of its own) let the
    site translate it without parsing it.
    """

    template: str
    fields: dict[str, object]

    def __new__(cls, template: str, **fields: object) -> Evidence:
        self = super().__new__(cls, template.format(**fields) if fields else template)
        self.template, self.fields = template, fields
        return self


class Joined(Evidence):
    """Evidence parts joined by `sep` ("; ", ", ", " "); each part is an Evidence or a plain string."""

    parts: tuple[str, ...]
    sep: str

    def __new__(cls, parts: list[str], sep: str = "; ") -> Joined:
        self = str.__new__(cls, sep.join(parts))
        self.template, self.fields, self.parts, self.sep = sep, {}, tuple(parts), sep
        return self


Verdict = tuple[str, str]  # (verdict, evidence): the evidence is an Evidence


def _beats(values: dict[str, list[float]], pairs: list[tuple[str, str]], what: str) -> Verdict:
    verdicts, evidence = [], []
    for a, b in pairs:
        if a not in values or b not in values:
            evidence.append(Evidence("{a} or {b} was not measured", a=a, b=b))
            verdicts.append("inconclusive")
            continue
        verdict, diff, p = stats.compare(values[a], values[b])
        verdicts.append(verdict)
        evidence.append(
            Evidence(
                "{a} − {b}: {diff} points of {what} (p = {p})",
                a=a,
                b=b,
                diff=f"{100 * diff:+.2f}",
                what=Evidence(what),
                p=format_p(p),
            )
        )
    return stats.combine(verdicts), Joined(evidence)


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
        return "inconclusive", Evidence("SELU with LeCun init was not measured")
    s = summary[label]
    mean, var = s["act_mean"][-1], s["act_var"][-1]
    worst = max(abs(math.log(v)) for v in s["act_var"] if v > 0)
    ok = abs(mean) <= 0.1 and 0.5 <= var <= 2.0 and math.exp(worst) <= 2.0
    # The gradients: the backpropagated variance at the first layer against the last (1 = neither vanishing nor
    # exploding); within a factor GRADIENT_FACTOR counts as kept.
    grad_ratio = _first_over_last(s["grad_var"])
    grads_ok = math.isfinite(grad_ratio) and 1 / GRADIENT_FACTOR <= grad_ratio <= GRADIENT_FACTOR
    others = [
        Evidence(
            "{label}: var {var}, gradient variance first/last layer {ratio}",
            label=_signal_label(k),
            var=f"{v['act_var'][-1]:.3g}",
            ratio=f"{_first_over_last(v['grad_var']):.3g}",
        )
        for k, v in summary.items()
        if not k.startswith("selu") and v["act_var"]
    ]
    evidence = Evidence(
        "SELU + LeCun at layer {layer}: mean {mean}, variance {var} (every layer within a factor {factor} of 1); "
        "gradient variance at the first layer / at the last {ratio}. Others at the last layer: {others}",
        layer=len(s["act_var"]),
        mean=f"{mean:.3f}",
        var=f"{var:.3f}",
        factor=f"{math.exp(worst):.2f}",
        ratio=f"{grad_ratio:.3g}",
        others=Joined(others),
    )
    return ("supported" if ok and grads_ok else "not supported"), evidence


GRADIENT_FACTOR = 4.0


def _signal_label(label: str) -> str:
    """signal_summary's "relu + kaiming (gain 1.41)" as an Evidence (its words translatable), else as it is."""
    m = re.fullmatch(r"(.+) \+ (.+) \(gain (.+)\)", label)
    return (
        Evidence("{activation} + {init} (gain {gain})", activation=m[1], init=m[2], gain=m[3]) if m else label
    )


def _first_over_last(values: list[float]) -> float:
    first, last = values[0], values[-1]
    if not (math.isfinite(first) and math.isfinite(last)) or last <= 0:
        return math.nan
    return first / last


def _spread(result: dict, variant: dict) -> tuple[float, str, str]:
    """Best − worst mean test accuracy of the nonlinear activations in `variant`, and which they are."""
    values, _ = by_activation(runs_of(result, variant["name"]))
    means = {a: stats.mean_std_ci(v)[0] for a, v in values.items() if a != "identity"}
    means = {a: m for a, m in means.items() if math.isfinite(m)}
    if len(means) < 2:
        return math.nan, "", ""
    best, worst = max(means, key=means.get), min(means, key=means.get)
    return means[best] - means[worst], best, worst


def depth_variants(result: dict, optimizer: str = "adam") -> list[dict]:
    """The depth sweep's variants trained with `optimizer` (results before the SGD arm count as Adam)."""
    return [v for v in result["variants"] if v.get("optimizer", "adam") == optimizer]


def shallow_nets_do_not_care(result: dict, optimizer: str = "adam") -> Verdict:
    """At the smallest depth the spread is ≤ 1 point (supported) or > 3 points (not supported)."""
    variants = depth_variants(result, optimizer)
    if not variants:
        return "inconclusive", Evidence("no {optimizer} runs", optimizer=optimizer)
    shallow = min(variants, key=lambda v: len(v["hidden"]))
    deep = max(variants, key=lambda v: len(v["hidden"]))
    s_shallow, best, worst = _spread(result, shallow)
    s_deep, _, _ = _spread(result, deep)
    if not math.isfinite(s_shallow):
        return "inconclusive", Evidence("too few activations measured")
    evidence = Evidence(
        "{shallow} hidden layers: best ({best}) − worst ({worst}) = {spread} points (nonlinear activations "
        "only); {deep} layers: {deep_spread} points",
        shallow=len(shallow["hidden"]),
        best=best,
        worst=worst,
        spread=f"{100 * s_shallow:.2f}",
        deep=len(deep["hidden"]),
        deep_spread=f"{100 * s_deep:.2f}",
    )
    if s_shallow <= 0.01:
        return "supported", evidence
    if s_shallow > 0.03:
        return "not supported", evidence
    return "inconclusive", evidence


def deep_relu_fails(result: dict, optimizer: str = "adam") -> Verdict:
    """The deepest ReLU net mostly diverges or stays below 50% (supported), or is within 5 points of the shallowest."""
    variants = depth_variants(result, optimizer)
    if not variants:
        return "inconclusive", Evidence("no {optimizer} runs", optimizer=optimizer)
    deep = max(variants, key=lambda v: len(v["hidden"]))
    shallow = min(variants, key=lambda v: len(v["hidden"]))
    deep_vals, deep_div = by_activation(runs_of(result, deep["name"]))
    shallow_vals, _ = by_activation(runs_of(result, shallow["name"]))
    if "relu" not in deep_vals:
        return "inconclusive", Evidence("ReLU was not measured")
    n = len(deep_vals["relu"])
    deep_mean = stats.mean_std_ci(deep_vals["relu"])[0]
    shallow_mean = stats.mean_std_ci(shallow_vals["relu"])[0]
    evidence = Evidence(
        "{optimizer}: ReLU (Kaiming init, no normalisation), {deep} hidden layers: test accuracy {deep_acc}, "
        "{diverged}/{n} runs diverged; {shallow} layers: {shallow_acc}",
        optimizer=Evidence(OPTIMIZER_NAMES[optimizer]),
        deep=len(deep["hidden"]),
        deep_acc=format_percent(deep_mean),
        diverged=deep_div["relu"],
        n=n,
        shallow=len(shallow["hidden"]),
        shallow_acc=format_percent(shallow_mean),
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
        return "inconclusive", Evidence("ReLU was not measured")
    top = max(fractions)
    reference = min(fractions, key=lambda lr: abs(math.log(lr / 1e-3)))
    means = {lr: stats.mean_std_ci(v)[0] for lr, v in fractions.items()}
    evidence = Evidence(
        "dead ReLUs: {fractions}",
        fractions=Joined(
            [Evidence("lr {lr}: {dead}", lr=f"{lr:g}", dead=format_percent(m)) for lr, m in means.items()],
            ", ",
        ),
    )
    verdict, _, _ = stats.compare(fractions[top], fractions[reference])
    if means[top] >= 0.2 and verdict == "supported":
        return "supported", evidence
    if all(m < 0.05 for m in means.values() if math.isfinite(m)):
        return "not supported", evidence
    return "inconclusive", evidence


OPTIMIZER_NAMES = {"adam": "Adam", "sgd": "SGD + momentum"}


def deep_relu_fails_by_optimizer(result: dict) -> Verdict:
    """The SGD arm decides (the claim comes from SGD-trained nets); the Adam arm is reported beside it."""
    parts = {opt: deep_relu_fails(result, opt) for opt in OPTIMIZER_NAMES if depth_variants(result, opt)}
    if not parts:
        return "inconclusive", Evidence("no depth runs")
    verdict = parts["sgd"][0] if "sgd" in parts else parts["adam"][0]
    sentences = [Evidence("{evidence}.", evidence=e) for _, e in parts.values()]
    if "sgd" in parts and "adam" in parts and parts["sgd"][0] != parts["adam"][0]:
        sentences.append(
            Evidence(
                "The optimizers disagree: SGD says {sgd}, Adam says {adam}.",
                sgd=Evidence(parts["sgd"][0]),
                adam=Evidence(parts["adam"][0]),
            )
        )
    return verdict, Joined(sentences, " ")


def gradient_ratio(result: dict, activation: str, key: str = "grad_norms_init") -> float:
    """In the deepest Adam net: the first weight matrix's gradient norm over the last one's, geometric mean over
    seeds (≈ 1: gradients reach the input layer; ≪ 1: they vanish on the way down). A first-layer norm of
    exactly 0 (the gradient underflowed in float32 on its way down) makes the ratio 0, the extreme of vanishing;
    a run without a finite last-layer norm says nothing and is left out."""
    deep = max(depth_variants(result, "adam"), key=lambda v: len(v["hidden"]))
    logs = []
    for r in runs_of(result, deep["name"]):
        norms = r.get(key) or []
        if r["activation"] != activation or not norms:
            continue
        first, last = norms[0], norms[-1]
        if not (math.isfinite(first) and math.isfinite(last)) or last <= 0:
            continue
        logs.append(math.log(first / last) if first > 0 else -math.inf)
    return math.exp(sum(logs) / len(logs)) if logs else math.nan


def relu_solved_vanishing_gradients(result: dict) -> Verdict:
    """At init in the deepest net, ReLU's first-layer gradient is within 10× of its last layer's, while the
    sigmoid's is ≥ 10× further below (supported); ReLU's own ratio < 0.01 (not supported)."""
    depth = len(max(depth_variants(result, "adam"), key=lambda v: len(v["hidden"]))["hidden"])
    ratios = {a: gradient_ratio(result, a) for a in ("relu", "tanh", "sigmoid")}
    after = {a: gradient_ratio(result, a, "grad_norms_epoch1") for a in ("relu", "sigmoid")}
    evidence = Evidence(
        "{depth} hidden layers, gradient norm of the first weight matrix / the last, at init: {at_init}; after "
        "the first epoch: {after}",
        depth=depth,
        at_init=Joined([f"{a} {v:.3g}" for a, v in ratios.items()], ", "),
        after=Joined([f"{a} {v:.3g}" for a, v in after.items()], ", "),
    )
    relu, sigmoid = ratios["relu"], ratios["sigmoid"]
    if not (math.isfinite(relu) and math.isfinite(sigmoid)):
        return "inconclusive", evidence
    if relu < 0.01:
        return "not supported", evidence
    if relu >= 0.1 and sigmoid <= relu / 10:
        return "supported", evidence
    return "inconclusive", evidence


def leaky_units_survive_large_learning_rates(result: dict) -> Verdict:
    """At the largest learning rate where ≥ 10% of ReLUs die, Leaky ReLU and PReLU reach a higher test
    accuracy than ReLU (each part by Welch's test)."""
    variants = sorted(result["variants"], key=lambda v: v["lr"])
    chosen = None
    for v in variants:
        runs = runs_of(result, v["name"])
        dead = [
            r["dead_fraction"]
            for r in runs
            if r["activation"] == "relu" and r.get("dead_fraction") is not None
        ]
        if dead and stats.mean_std_ci(dead)[0] >= 0.10:
            chosen = (v, runs)
    if chosen is None:
        return "inconclusive", Evidence("at no learning rate did 10% of ReLUs die")
    v, runs = chosen
    dead, _ = dead_values(runs)
    acc, _ = by_activation(runs)
    verdict, evidence = _beats(acc, [("leaky_relu", "relu"), ("prelu", "relu")], "test accuracy")
    dead_text = Joined(
        [
            f"{a} {format_percent(stats.mean_std_ci(dead[a])[0])}"
            for a in ("relu", "leaky_relu", "prelu")
            if a in dead
        ],
        ", ",
    )
    return verdict, Evidence(
        "Adam lr {lr}: units never active on the validation set: {dead}; {evidence}",
        lr=f"{v['lr']:g}",
        dead=dead_text,
        evidence=evidence,
    )


def beats_with_reported_margins(result: dict, pairs: list[tuple[str, str]], reported: str) -> Verdict:
    """beats_on_test, with the margins the source reported quoted beside ours (`reported`: an English message)."""
    verdict, evidence = beats_on_test(result, pairs)
    return verdict, Evidence(
        "{evidence}. Reported: {reported}", evidence=evidence, reported=Evidence(reported)
    )


def learns_faster_and_generalises_better(result: dict, a: str, b: str) -> Verdict:
    """a beats b after the first epoch and on the final test accuracy."""
    fast, fast_evidence = converges_faster(result, [(a, b)])
    final, final_evidence = beats_on_test(result, [(a, b)])
    return stats.combine([fast, final]), Joined([fast_evidence, final_evidence])


def costs_more_than(cost: dict, activations: tuple[str, ...], baseline: str = "relu") -> Verdict:
    """From a cost results file: each activation's built-in fwd+bwd time (float32) against the baseline's.
    Above 1.05× for every one: supported ("small" if under 2×); below 0.95× for any: not supported."""
    rows = {
        r["activation"]: r["fwd_bwd_ms"]
        for r in cost.get("rows", [])
        if r.get("impl") == "builtin" and r.get("dtype") == "float32" and r.get("fwd_bwd_ms")
    }
    if baseline not in rows or any(a not in rows for a in activations):
        return "inconclusive", Evidence("not all of them were measured")
    ratios = {a: rows[a] / rows[baseline] for a in activations}
    p = cost.get("provenance", {})
    evidence = Evidence(
        "built-in forward + backward, float32, on the {kind} ({device}): {baseline} {time} ms; {others}",
        kind=p.get("device_type", "?").upper(),
        device=p["device_name"] if "device_name" in p else Evidence("unknown device"),
        baseline=baseline,
        time=f"{rows[baseline]:.3g}",
        others=Joined([f"{a} {rows[a]:.3g} ms ({r:.2f}×)" for a, r in ratios.items()], ", "),
    )
    if all(r > 1.05 for r in ratios.values()):
        if all(r < 2 for r in ratios.values()):
            return "supported", Evidence(
                "{evidence}: costlier, and the difference is small", evidence=evidence
            )
        return "supported", Evidence(
            "{evidence}: costlier, and the difference is not small", evidence=evidence
        )
    if any(r < 0.95 for r in ratios.values()):
        return "not supported", evidence
    return "inconclusive", evidence
