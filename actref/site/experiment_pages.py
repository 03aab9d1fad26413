"""The experiments on the site: providers for the activation pages and the comparison pages' directives.

Where the numbers come from depends on `ctx.experiments_mode` (decided once per build and experiment):
- "run": on a CUDA machine, the committed results/NAME.json is reused when every run in it is current and it
  came from a GPU; otherwise the experiment is re-run on the GPU and the file rewritten atomically. Without a
  GPU, "run" shows the committed results, from whatever device made them, and says which.
- "cached": the committed results/NAME.json, marked stale when runs in it were made by other code or settings.
- "smoke": a seconds-long CPU version of the experiment (data subset, 1 seed, 1 epoch), cached under
  .cache/ by config hash and never written to results/. Its tables are labelled as meaningless smoke numbers.
Every table says which of these happened, with the device, the date and the staleness.
"""

from __future__ import annotations

import contextlib
import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch

from actref import catalog
from actref.experiments import results, stats
from actref.experiments.configs import GATED_COUNTERPARTS, ExperimentConfig, get_config
from actref.experiments.summaries import (
    by_activation,
    dead_values,
    format_p,
    mean_curve,
    runs_of,
    signal_summary,
    variant_info,
)
from actref.site import experiment_figures as figures
from actref.site.links import relative

if TYPE_CHECKING:
    from actref.site.context import Context

COMPARISON_PAGE = "comparisons/fashion_mnist.md"
PAGES = {
    "fashion_mnist_mlp": COMPARISON_PAGE,
    "fashion_mnist_cnn": COMPARISON_PAGE,
    "depth": "comparisons/depth.md",
    "learning_rate": "comparisons/learning_rate.md",
    "self_normalisation": "comparisons/self_normalisation.md",
    "gated": "comparisons/gated.md",
}


@dataclass
class Shown:
    """The result a build shows for one experiment, and where it came from."""

    name: str
    config: ExperimentConfig
    result: dict | None
    origin: str
    stale: bool = False
    smoke: bool = False

    @property
    def tag(self) -> str:
        """The figure-name tag that keeps smoke figures apart from full ones."""
        return "smoke" if self.smoke else "full"

    def intro(self) -> list[str]:
        """The opening every comparison page shares: the provenance note and the config's description."""
        out = [provenance_note(self), f"{self.config.description}\n"]
        if self.config.reductions:
            out.append(f"**Sized for a 2-core CPU.** {self.config.reductions}\n")
        return out


_CACHE: dict[tuple[str, str], Shown] = {}


def clear_cache() -> None:
    """Forget what this process loaded or ran (tests; a long-lived `mkdocs serve`)."""
    _CACHE.clear()


@contextlib.contextmanager
def _one_thread():
    # Smoke tensors are tiny: extra threads only contend with the rest of the build on a small machine.
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def obtain(ctx: Context, name: str) -> Shown:
    """The result to show for experiment `name` in this build (memoised: each experiment runs at most once)."""
    mode = ctx.experiments_mode
    if (name, mode) in _CACHE:
        return _CACHE[(name, mode)]
    if mode == "smoke":
        config = get_config(name, smoke=True)
        path = results.SMOKE_DIR / f"{name}-{results.config_hash(config)}.json"
        result = results.read_json(path)
        if result is None:
            from actref.experiments.runner import run_experiment

            with _one_thread():
                result = run_experiment(config, "cpu", mode="smoke")
            results.write_json_atomic(path, result)
        shown = Shown(name, config, result, "smoke run on the CPU during this build", smoke=True)
    else:
        config = get_config(name)
        path = results.result_path(name)
        result = results.read_json(path)
        # Ask once per build (a regenerated result is current by construction).
        stale = result is not None and results.is_stale(result, config)
        from_gpu = result is not None and result["provenance"].get("device_type") == "cuda"
        if mode == "run" and torch.cuda.is_available():
            if result is not None and not stale and from_gpu:
                origin = "committed GPU results, reused because the config and the code are unchanged"
            else:
                from actref.experiments.runner import run_experiment

                result = run_experiment(config, "cuda", progress=True, mode="gpu")
                results.write_json_atomic(path, result)
                origin = "regenerated on the GPU during this build"
                stale = False
        else:
            why = "this build has no CUDA GPU" if mode == "run" else "ACTREF_EXPERIMENTS=cached"
            origin = f"committed results ({why})"
        shown = Shown(name, config, result, origin, stale=stale)
    _CACHE[(name, mode)] = shown
    return shown


# ---------------------------------------------------------------------------------------------- formatting
def _rel(ctx: Context, target: str) -> str:
    return relative(ctx.page_src, target)


def activation_link(ctx: Context, name: str) -> str:
    """A markdown link to activation `name`'s page, titled with its name (the bare name if unknown)."""
    try:
        spec = catalog.get(name)
    except KeyError:
        return name
    return f"[{spec.title}]({_rel(ctx, f'activations/{spec.name}.md')})"


def _pm(mean: float, std: float) -> str:
    if not math.isfinite(mean):
        return "—"
    return f"{100 * mean:.2f} ± {100 * std:.2f}" if math.isfinite(std) else f"{100 * mean:.2f}"


def no_results(name: str) -> str:
    """The plain statement a page shows when no results are committed."""
    return (
        f'!!! warning "No results committed yet for `{name}`"\n'
        f"    `results/{name}.json` does not exist, so there are no numbers to show. Produce them with\n"
        f"    `python -m actref experiments run --config {name} --resume` (on a CUDA GPU when there is one; a CPU "
        "run is resumable across sessions) and commit the file; a `make site` on a CUDA machine regenerates "
        "every experiment.\n"
    )


def device_phrase(result: dict) -> str:
    """Which machine made a result, in words: "the CPU (AMD EPYC, 2 cores), fp32 matmuls"."""
    p = result["provenance"]
    kind = "GPU" if p.get("device_type") == "cuda" else "CPU"
    precision = p.get("matmul_precision") or ("tf32" if p.get("tf32") else "fp32")
    return f"the {kind} ({p.get('device_name', 'unknown device')}), {precision} matmuls"


def provenance_note(shown: Shown) -> str:
    """One admonition saying where the numbers come from: device, date, mode, staleness."""
    p = shown.result["provenance"]
    device = p.get("device_name", "unknown device")
    cuda = f", CUDA {p['cuda']}" if p.get("cuda") else ""
    precision = p.get("matmul_precision") or ("tf32" if p.get("tf32") else "fp32")
    threads = f", {p['threads']} threads" if p.get("threads") else ""
    tf32 = f"{threads}, {precision} matmuls"
    commit = str(p.get("git_commit") or "unknown")[:12]
    when = str(p.get("created", ""))[:16].replace("T", " ")
    line = (
        f"{device}, torch {p.get('torch')}{cuda}{tf32}; git {commit}; {when} UTC; training "
        f"{p.get('train_seconds', float('nan')):.1f} s; config hash `{p.get('config_hash')}`."
    )
    if shown.smoke:
        return (
            f'!!! warning "Smoke run on the CPU: these numbers mean nothing"\n'
            "    ACTREF_EXPERIMENTS=smoke: a tiny CPU run of the experiment below. Its numbers only prove that "
            f"the pipeline works, end to end; they are not the experiment's results.\n    {line}\n"
        )
    kind = "GPU" if p.get("device_type") == "cuda" else "CPU"
    if shown.stale:
        stale = results.stale_runs(shown.result, shown.config)
        listed = ", ".join(stale[:8]) + (f" and {len(stale) - 8} more" if len(stale) > 8 else "")
        return (
            f'!!! warning "Stale {kind} results"\n'
            f"    Shown: {shown.origin}. {len(stale)} of the config's runs are missing or were made by other "
            f"code or settings ({listed}): re-run `python -m actref experiments run --config {shown.name} "
            f"--resume` to refresh them.\n    {line}\n"
        )
    return f'!!! info "{kind} results: {shown.origin}"\n    {line}\n'


def _figure(ctx: Context, name: str, draw, **arguments) -> str:
    """generated/experiments/<name>, drawn by experiment_figures.<draw>(path, **arguments).

    Its cache key covers every argument (the numbers it shows, the labels) and the drawing code.
    """
    return ctx.asset(
        f"experiments/{name}",
        {"draw": draw.__name__, **arguments},
        functools.partial(draw, **arguments),
        code=[figures],
    )


# ---------------------------------------------------------------------------------------------- tables
def wall_time_line(result: dict, variant: str) -> str:
    info = variant_info(result, variant)
    if not info:
        return ""
    n, seconds = info["n_models"], info["train_seconds"]
    epochs = result["config"]["epochs"] or 1
    return (
        f"Wall time: all {n} models of this table were trained together in {seconds:.1f} s "
        f"({seconds / (n * epochs):.4f} s per model-epoch). Stacked training has no per-activation wall time; "
        "the [cost page](cost.md) measures each activation's own speed."
    )


def summary_table(
    ctx: Context,
    runs: list[dict],
    baseline: str = "relu",
    key: str = "test_acc",
    label: str = "Test accuracy (%)",
) -> str:
    values, diverged = by_activation(runs, key)
    has_base = baseline in values
    rows = stats.summarise(values, diverged, baseline=baseline if has_base else None)
    n_seeds = max((len(v) for v in values.values()), default=0)
    base = catalog.get(baseline).title if has_base else baseline
    lines = [
        f"| Rank | Activation | {label}, mean ± std | 95% CI | p vs {base} (Welch) | Holm-adjusted p | Diverged |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ci = "—" if not math.isfinite(r.ci_low) else f"{100 * r.ci_low:.2f} – {100 * r.ci_high:.2f}"
        holm = "" if r.p_value is None else format_p(r.p_holm)
        lines.append(
            f"| {r.rank or '—'} | {activation_link(ctx, r.name)} | {_pm(r.mean, r.std)} | {ci} "
            f"| {format_p(r.p_value) if has_base else 'not measured'} | {holm if has_base else '—'} "
            f"| {r.diverged}/{n_seeds} |"
        )
    tests = sum(r.p_holm is not None for r in rows)
    note = (
        f"\n{tests} activations are compared with {base}, so a raw p < 0.05 is expected about "
        f"{0.05 * tests:.1f} times by chance alone. The Holm-adjusted p corrects for that: only an adjusted "
        "p < 0.05 is a significant difference at the 5% level for the table as a whole.\n"
        if has_base and tests > 1
        else ""
    )
    return "\n".join(lines) + "\n" + note


# ---------------------------------------------------------------------------------------------- pages
def comparison(ctx: Context, name: str = "fashion_mnist_mlp") -> str:
    """The full comparison for a training experiment: provenance, table, accuracy, curves, accuracy vs time."""
    shown = obtain(ctx, name)
    if shown.result is None:
        return no_results(name)
    result = shown.result
    variant = result["variants"][0]["name"] if result.get("variants") else None
    runs = runs_of(result, variant)
    out = [*shown.intro(), summary_table(ctx, runs)]
    out.append(wall_time_line(result, variant) + "\n")
    values, _ = by_activation(runs)
    summary = stats.summarise(values, baseline=None)
    bars = [(r.name, 100 * r.mean, 100 * r.std) for r in summary]
    url = _figure(
        ctx,
        f"{name}-{shown.tag}-accuracy.svg",
        figures.accuracy_bars,
        rows=bars,
        xlabel="test accuracy (%), mean ± std over seeds",
        title=shown.config.title,
    )
    out.append(f"![Test accuracy of every activation, mean ± std over seeds]({url})\n")
    curves = mean_curve(runs)
    series = {a: (list(range(1, len(c) + 1)), c) for a, c in curves.items()}
    url = _figure(
        ctx,
        f"{name}-{shown.tag}-curves.svg",
        figures.curves,
        series=series,
        xlabel="epoch",
        ylabel="validation accuracy (%), mean over seeds",
        title="Learning curves (others in grey)",
    )
    out.append(f"![Validation accuracy after each epoch]({url})\n")
    seconds = variant_info(result, variant).get("epoch_seconds") or []
    if seconds and all(s is not None for s in seconds):
        timed = {a: (seconds[: len(c)], c) for a, c in curves.items()}
        url = _figure(
            ctx,
            f"{name}-{shown.tag}-time.svg",
            figures.curves,
            series=timed,
            xlabel="wall-clock seconds of the stacked run (every model at once)",
            ylabel="validation accuracy (%)",
            title="Accuracy against wall time",
        )
        out.append(f"![Validation accuracy against the wall time of the stacked run]({url})\n")
    return "\n".join(out)


OPTIMIZER_TITLES = {"adam": "Adam (lr 1e-3)", "sgd": "SGD + momentum 0.9"}


def rank_carryover(ctx: Context, first: str = "fashion_mnist_mlp", second: str = "fashion_mnist_cnn") -> str:
    """Does one experiment's ranking carry over to another? Spearman's ρ over the shared activations, with CI."""
    a, b = obtain(ctx, first), obtain(ctx, second)
    if a.result is None or b.result is None:
        missing = first if a.result is None else second
        return f"The rank correlation needs both results; `{missing}` has none yet.\n"
    a_values, _ = by_activation(a.result["runs"])
    b_values, _ = by_activation(b.result["runs"])
    r = stats.rank_correlation(a_values, b_values)
    if not r.names:
        return "The two experiments share no activation, so their rankings cannot be compared.\n"
    if not math.isfinite(r.rho):
        return f"The two experiments share only {len(r.names)} activations: too few for a rank correlation.\n"
    if not math.isfinite(r.ci_low):
        reading = "with one seed per activation there is no interval, so no conclusion"
    elif r.ci_low > 0:
        reading = "the rankings agree more than chance would make them: the ranking carries over, in part"
    elif r.ci_high < 0:
        reading = "the rankings are reversed more than chance would make them"
    else:
        reading = "the interval includes 0: these numbers do not show that the ranking carries over"
    interval = (
        f"95% bootstrap CI {r.ci_low:.2f} to {r.ci_high:.2f}, resampling each activation's seeds; "
        if math.isfinite(r.ci_low)
        else ""
    )
    return (
        f"Over the {len(r.names)} activations both experiments trained, Spearman's rank correlation between "
        f"the two tables' mean test accuracies is **ρ = {r.rho:.2f}** ({interval}p = {format_p(r.p_value)} "
        "against ρ = 0): "
        f"{reading}. Activations: {', '.join(activation_link(ctx, n) for n in r.names)}.\n"
    )


def depth_page(ctx: Context) -> str:
    shown = obtain(ctx, "depth")
    if shown.result is None:
        return no_results("depth")
    result = shown.result
    out = shown.intro()
    by_optimizer: dict[str, list[dict]] = {}
    for v in result["variants"]:
        by_optimizer.setdefault(v.get("optimizer", "adam"), []).append(v)
    for optimizer, group in by_optimizer.items():
        title = OPTIMIZER_TITLES.get(optimizer, optimizer)
        if optimizer == "sgd":
            title = f"SGD + momentum 0.9 (lr {group[0]['lr']:g})"
        out.append(f"## {title}\n")
        out += _depth_section(ctx, shown, group, optimizer)
    out.append("## Full statistics per depth\n")
    for optimizer, group in by_optimizer.items():
        for v in group:
            out.append(
                f"#### {len(v['hidden'])} hidden layers, {OPTIMIZER_TITLES.get(optimizer, optimizer)}\n"
            )
            out.append(summary_table(ctx, runs_of(result, v["name"])))
            out.append(wall_time_line(result, v["name"]) + "\n")
    return "\n".join(out)


def _depth_section(ctx: Context, shown: Shown, group: list[dict], optimizer: str) -> list[str]:
    """Accuracy by depth and per-layer gradient norms for the variants trained with one optimizer."""
    result = shown.result
    variants = [v["name"] for v in group]
    depths = {v["name"]: len(v["hidden"]) for v in group}
    out = []
    table = {}
    for v in variants:
        values, diverged = by_activation(runs_of(result, v))
        for a, vals in values.items():
            mean, std, _, _ = stats.mean_std_ci(vals)
            div = f" ({diverged[a]} diverged)" if diverged[a] else ""
            table.setdefault(a, {})[v] = (mean, std, _pm(mean, std) + div)
    header = "| Activation | " + " | ".join(f"{depths[v]} layers" for v in variants) + " |"
    lines = [header, "|---|" + "---:|" * len(variants)]
    for a, cells in table.items():
        lines.append(f"| {activation_link(ctx, a)} | " + " | ".join(cells[v][2] for v in variants) + " |")
    out += ["### Test accuracy (%) by depth\n", "\n".join(lines) + "\n"]
    series = {
        a: ([depths[v] for v in variants], [100 * cells[v][0] for v in variants])
        for a, cells in table.items()
    }
    errors = {
        a: [100 * (cells[v][1] if math.isfinite(cells[v][1]) else 0) for v in variants]
        for a, cells in table.items()
    }
    name = OPTIMIZER_TITLES.get(optimizer, optimizer)
    url = _figure(
        ctx,
        f"depth-{shown.tag}-{optimizer}-accuracy.svg",
        figures.curves,
        series=series,
        xlabel="hidden layers",
        ylabel="test accuracy (%)",
        title=f"Accuracy against depth, {name}",
        logx=True,
        errors=errors,
    )
    out.append(f"![Test accuracy against depth, {name}]({url})\n")
    # The initial weights are the same for both optimizers (each model's init depends on its activation and
    # seed only), so the gradient norms at initialisation are drawn once, with the first optimizer.
    moments = [("after the first epoch", "grad_norms_epoch1"), ("after training", "grad_norms_final")]
    if optimizer == "adam" or "adam" not in {v.get("optimizer", "adam") for v in result["variants"]}:
        moments.insert(0, ("at initialisation", "grad_norms_init"))
    for when, key in moments:
        panels = {}
        for v in variants:
            grads = mean_curve(runs_of(result, v), key)
            if grads:
                panels[f"{depths[v]} hidden layers"] = {
                    a: (list(range(1, len(c) + 1)), [g / 100 for g in c]) for a, c in grads.items()
                }
        if not panels:
            continue
        label = when if key == "grad_norms_init" else f"{when}, {name}"
        url = _figure(
            ctx,
            f"depth-{shown.tag}-{optimizer}-{key}.svg",
            figures.curve_grid,
            panels=panels,
            xlabel="layer (1 = input side)",
            ylabel="gradient norm",
            title=f"Per-layer gradient norm of each weight matrix, {label} (mean over seeds)",
            logy=True,
        )
        out.append(f"![Gradient norm per layer and depth, {label}]({url})\n")
    return out


def learning_rate_page(ctx: Context) -> str:
    shown = obtain(ctx, "learning_rate")
    if shown.result is None:
        return no_results("learning_rate")
    result = shown.result
    variants = [(v["name"], v["lr"]) for v in result["variants"]]
    out = shown.intro()
    acc: dict[str, dict[str, tuple[float, float]]] = {}
    dead: dict[str, dict[str, tuple[float, float]]] = {}
    for v, _ in variants:
        runs = runs_of(result, v)
        for target, key in ((acc, "test_acc"), (dead, "dead_fraction")):
            values, _ = by_activation(runs, key) if key == "test_acc" else dead_values(runs)
            for a, vals in values.items():
                mean, std, _, _ = stats.mean_std_ci(vals)
                target.setdefault(a, {})[v] = (mean, std)
    header = "| Activation | " + " | ".join(f"lr {lr:g}" for _, lr in variants) + " |"
    sep = "|---|" + "---:|" * len(variants)
    lines = [header, sep] + [
        f"| {activation_link(ctx, a)} | " + " | ".join(_pm(*cells[v]) for v, _ in variants) + " |"
        for a, cells in acc.items()
    ]
    out += ["### Test accuracy (%) by learning rate\n", "\n".join(lines) + "\n"]
    relu_family = {s.name for s in catalog.all_specs() if s.family == "relu-like"}
    lines = [header, sep] + [
        f"| {activation_link(ctx, a)}{' (ReLU family)' if a in relu_family else ''} | "
        + " | ".join(_pm(*cells[v]) for v, _ in variants)
        + " |"
        for a, cells in dead.items()
    ]
    out += [
        "### Dead units (%): hidden units whose pre-activation is ≤ 0 on every validation image\n",
        "For the ReLU family such a unit outputs a constant and gets no gradient: it is dead. For the others the "
        "number only says the unit never left its negative regime.\n",
        "\n".join(lines) + "\n",
    ]
    lrs = [lr for _, lr in variants]
    for what, data, ylabel in (("accuracy", acc, "test accuracy (%)"), ("dead", dead, "dead units (%)")):
        series = {a: (lrs, [100 * cells[v][0] for v, _ in variants]) for a, cells in data.items()}
        url = _figure(
            ctx,
            f"learning_rate-{shown.tag}-{what}.svg",
            figures.curves,
            series=series,
            xlabel="Adam learning rate",
            ylabel=ylabel,
            title=f"{ylabel.capitalize()} against the learning rate",
            logx=True,
        )
        out.append(f"![{ylabel} against the learning rate]({url})\n")
    out.append("### Full statistics per learning rate\n")
    for v, lr in variants:
        out.append(f"#### Learning rate {lr:g}\n")
        out.append(summary_table(ctx, runs_of(result, v)))
        out.append(wall_time_line(result, v) + "\n")
    return "\n".join(out)


def self_normalisation_page(ctx: Context) -> str:
    shown = obtain(ctx, "self_normalisation")
    if shown.result is None:
        return no_results("self_normalisation")
    summary = signal_summary(shown.result)
    depth = len(next(iter(summary.values()))["act_var"])
    marks = sorted({1, max(1, depth // 4), max(1, depth // 2), depth})
    out = shown.intro()
    header = (
        "| Activation + init | "
        + " | ".join(f"var, layer {m}" for m in marks)
        + f" | mean, layer {depth} | grad var, layer 1 | grad var, layer {depth} |"
    )
    lines = [header, "|---|" + "---:|" * (len(marks) + 3)]
    for label, s in summary.items():
        cells = [f"{s['act_var'][m - 1]:.3g}" for m in marks]
        cells += [f"{s['act_mean'][-1]:.3g}", f"{s['grad_var'][0]:.3g}", f"{s['grad_var'][-1]:.3g}"]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    out.append("\n".join(lines) + "\n")
    layers = list(range(1, depth + 1))
    for key, ylabel, logy in (
        ("act_var", "variance of the activations", True),
        ("act_mean", "mean of the activations", False),
        ("grad_var", "variance of the gradient w.r.t. pre-activations", True),
    ):
        series = {label: (layers, s[key]) for label, s in summary.items()}
        url = _figure(
            ctx,
            f"self_normalisation-{shown.tag}-{key}.svg",
            figures.curves,
            series=series,
            xlabel="layer",
            ylabel=ylabel,
            title=f"{ylabel.capitalize()} through {depth} layers",
            highlight=tuple(series),
            logy=logy,
        )
        out.append(f"![{ylabel} per layer]({url})\n")
    return "\n".join(out)


def gated_page(ctx: Context) -> str:
    shown = obtain(ctx, "gated")
    if shown.result is None:
        return no_results("gated")
    result = shown.result
    out = shown.intro()
    values, diverged = by_activation(result["runs"])
    info = {r["activation"]: variant_info(result, r["variant"]) for r in result["runs"]}
    ranked = {r.name: r for r in stats.summarise(values, diverged, baseline=None)}
    n_seeds = max((len(v) for v in values.values()), default=0)
    lines = [
        "| Rank | Activation | Hidden widths | Parameters | Test accuracy (%) | 95% CI | vs counterpart | "
        "p (Welch) | Diverged |",
        "|---:|---|---|---:|---:|---:|---|---:|---:|",
    ]
    for name, r in ranked.items():
        counterpart = GATED_COUNTERPARTS.get(name)
        p = stats.welch_p(values[name], values[counterpart]) if counterpart in values else None
        ci = "—" if not math.isfinite(r.ci_low) else f"{100 * r.ci_low:.2f} – {100 * r.ci_high:.2f}"
        v = info[name]
        lines.append(
            f"| {r.rank or '—'} | {activation_link(ctx, name)} | {'-'.join(map(str, v.get('hidden', [])))} | "
            f"{v.get('params_per_model') or '—'} | {_pm(r.mean, r.std)} | {ci} | "
            f"{activation_link(ctx, counterpart) if counterpart else 'elementwise'} | "
            f"{'—' if p is None else format_p(p)} | {r.diverged}/{n_seeds} |"
        )
    out.append("\n".join(lines) + "\n")
    seconds = sum(v["train_seconds"] for v in result["variants"])
    out.append(f"Wall time: {len(result['variants'])} stacks, {seconds:.1f} s of training in all.\n")
    bars = [(r.name, 100 * r.mean, 100 * r.std) for r in ranked.values()]
    url = _figure(
        ctx,
        f"gated-{shown.tag}-accuracy.svg",
        figures.accuracy_bars,
        rows=bars,
        xlabel="test accuracy (%), mean ± std",
        title=shown.config.title,
    )
    out.append(f"![Gated units against their elementwise counterparts]({url})\n")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------- providers
def _mlp_summary(ctx: Context) -> tuple[Shown, dict[str, stats.Summary]] | None:
    shown = obtain(ctx, "fashion_mnist_mlp")
    if shown.result is None:
        return None
    values, diverged = by_activation(shown.result["runs"])
    return shown, {r.name: r for r in stats.summarise(values, diverged)}


def table_columns(ctx: Context) -> tuple[list[str], dict[str, list[str]]]:
    """Columns for the all-activations table: Fashion-MNIST MLP test accuracy and rank."""
    found = _mlp_summary(ctx)
    if found is None:
        return [], {}
    shown, rows = found
    kind = "GPU" if shown.result["provenance"].get("device_type") == "cuda" else "CPU"
    suffix = " (smoke, CPU)" if shown.smoke else (f" ({kind}, stale)" if shown.stale else f" ({kind})")
    headers = [f"MLP test acc. (%){suffix}", "MLP rank"]
    return headers, {name: [_pm(r.mean, r.std), str(r.rank or "—")] for name, r in rows.items()}


def activation_markdown(ctx: Context, name: str) -> str:
    """This activation's Fashion-MNIST numbers (MLP, or the gated experiment for gated units) and its curve."""
    spec = catalog.get(name)
    link = _rel(ctx, COMPARISON_PAGE)
    if not spec.elementwise:
        if name not in GATED_COUNTERPARTS:
            return ""
        return _gated_activation_markdown(ctx, name)
    found = _mlp_summary(ctx)
    if found is None:
        return (
            f"No results are committed yet for the [Fashion-MNIST comparison]({link}); "
            "see that page for how to produce them.\n"
        )
    shown, rows = found
    if name not in rows:
        return f"{spec.title} is not in the committed [Fashion-MNIST comparison]({link}) yet.\n"
    r = rows[name]
    ci = "" if not math.isfinite(r.ci_low) else f" (95% CI {100 * r.ci_low:.2f} – {100 * r.ci_high:.2f})"
    p = "" if r.p_value is None else f"; Welch's p = {format_p(r.p_value)} against ReLU"
    smoke = " **Smoke run on the CPU: these numbers mean nothing.**" if shown.smoke else ""
    stale = " These results are **stale** (the code changed since)." if shown.stale else ""
    text = (
        f"[Fashion-MNIST, MLP 784-256-128-10]({link}): test accuracy **{_pm(r.mean, r.std)} %**{ci} over "
        f"{r.n} seeds, rank **{r.rank} of {len(rows)}**{p}; diverged in {r.diverged} runs. Measured on "
        f"{device_phrase(shown.result)}.{smoke}{stale}\n"
    )
    runs = runs_of(shown.result)
    curves = mean_curve(runs)
    if name in curves:
        series = {n: (list(range(1, len(c) + 1)), c) for n, c in curves.items() if n in (name, "relu")}
        url = _figure(
            ctx,
            f"curve-{shown.tag}-{name}.svg",
            figures.curves,
            series=series,
            xlabel="epoch",
            ylabel="validation accuracy (%)",
            title=f"{spec.title} against ReLU (mean over seeds)",
            highlight=tuple(dict.fromkeys((name, "relu"))),
        )
        text += f"\n![Learning curve of {spec.title} against ReLU]({url})\n"
    return text


def _gated_activation_markdown(ctx: Context, name: str) -> str:
    link = _rel(ctx, PAGES["gated"])
    shown = obtain(ctx, "gated")
    if shown.result is None:
        return f"No results are committed yet for the [gated-unit comparison]({link}).\n"
    values, diverged = by_activation(shown.result["runs"])
    if name not in values:
        return ""
    mean, std, _, _ = stats.mean_std_ci(values[name])
    counterpart = GATED_COUNTERPARTS[name]
    other = ""
    if counterpart in values:
        cm, cs, _, _ = stats.mean_std_ci(values[counterpart])
        other = (
            f" against {_pm(cm, cs)} % for its elementwise counterpart {catalog.get(counterpart).title} "
            f"(Welch's p = {format_p(stats.welch_p(values[name], values[counterpart]))})"
        )
    smoke = " **Smoke run on the CPU: these numbers mean nothing.**" if shown.smoke else ""
    return (
        f"[Fashion-MNIST MLP at matched parameter count]({link}): test accuracy **{_pm(mean, std)} %**{other}; "
        f"diverged in {diverged[name]} runs. Measured on {device_phrase(shown.result)}.{smoke}\n"
    )
