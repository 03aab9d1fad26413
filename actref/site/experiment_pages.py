"""The experiments on the site: providers for the activation pages and the comparison pages' directives.

Where the numbers come from depends on `ctx.experiments_mode` (decided once per build and experiment):
- "run": on a CUDA machine, the committed results/NAME.json is reused when every run in it is current and it
  came from a GPU; otherwise the experiment is re-run on the GPU and the file rewritten atomically. Without a
  GPU, "run" shows the committed results, from whatever device made them, and says which.
- "cached": the committed results/NAME.json, marked stale when runs in it were made by other code or settings.
- "smoke": a seconds-long CPU version of the experiment (data subset, 1 seed, 1 epoch), cached under
  .cache/ by config hash and never written to results/. Its tables are labelled as meaningless smoke numbers.
Every table says which of these happened, with the device, the date and the staleness.

Every word is English in the code and the message id of its translation (locale/zh/experiment_pages.po); an
experiment's title, description and reductions (English in actref.experiments.configs) are translated here by
their text (locale/zh/experiments.po). The figures get their words from here, in the page's language (a zh
figure is its own file); their series are named by activation, the same in every language.
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
from actref.experiments.verdicts import Evidence, Joined
from actref.site import experiment_figures as figures
from actref.site import translated
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
    origin: str  # an Evidence: English, with its message and fields for the page's language
    stale: bool = False
    smoke: bool = False

    @property
    def tag(self) -> str:
        """The figure-name tag that keeps smoke figures apart from full ones."""
        return "smoke" if self.smoke else "full"

    def intro(self, ctx: Context) -> list[str]:
        """The opening every comparison page shares: the provenance note and the config's description."""
        out = [provenance_note(ctx, self), f"{description(ctx, self)}\n"]
        if self.config.reductions:
            out.append(
                ctx._("**Sized for a 2-core CPU.** {reductions}", reductions=ctx._(self.config.reductions))
                + "\n"
            )
        return out


# The smoke configs' descriptions (configs.shrink_for_smoke): a prefix before the full config's description.
SMOKE_DESCRIPTIONS = (
    "Smoke version ({n} seeds, 16 layers of width 64, batch 256) of: {description}",
    "Smoke version ({n} seed, 1 epoch, 2000/1000/1000 train/val/test images, layers a quarter as wide) of: "
    "{description}",
)


def description(ctx: Context, shown: Shown) -> str:
    """The config's description in the page's language (a smoke config's prefix translated as a message)."""
    text = shown.config.description
    found = translated.untemplate(text, SMOKE_DESCRIPTIONS) if shown.smoke else None
    if found is None:
        return ctx._(text)
    template, fields = found
    return ctx._(template, n=fields["n"], description=ctx._(fields["description"]))


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
        shown = Shown(name, config, result, Evidence("smoke run on the CPU during this build"), smoke=True)
    else:
        config = get_config(name)
        path = results.result_path(name)
        result = results.read_json(path)
        # Ask once per build (a regenerated result is current by construction).
        stale = result is not None and results.is_stale(result, config)
        from_gpu = result is not None and result["provenance"].get("device_type") == "cuda"
        if mode == "run" and torch.cuda.is_available():
            if result is not None and not stale and from_gpu:
                origin = Evidence(
                    "committed GPU results, reused because the config and the code are unchanged"
                )
            else:
                from actref.experiments.runner import run_experiment

                result = run_experiment(config, "cuda", progress=True, mode="gpu")
                results.write_json_atomic(path, result)
                origin = Evidence("regenerated on the GPU during this build")
                stale = False
        else:
            why = Evidence("this build has no CUDA GPU" if mode == "run" else "ACTREF_EXPERIMENTS=cached")
            origin = Evidence("committed results ({why})", why=why)
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


def _admonition(kind: str, title: str, *paragraphs: str) -> str:
    lines = [line for paragraph in paragraphs for line in paragraph.split("\n")]
    return f'!!! {kind} "{title}"\n' + "".join(f"    {line}\n" for line in lines)


def no_results(ctx: Context, name: str) -> str:
    """The plain statement a page shows when no results are committed."""
    return _admonition(
        "warning",
        ctx._("No results committed yet for `{name}`", name=name),
        ctx._(
            "`results/{name}.json` does not exist, so there are no numbers to show. Produce them with\n"
            "`python -m actref experiments run --config {name} --resume` (on a CUDA GPU when there is one; a CPU "
            "run is resumable across sessions) and commit the file; a `make site` on a CUDA machine regenerates "
            "every experiment.",
            name=name,
        ),
    )


def _precision(p: dict) -> str:
    return p.get("matmul_precision") or ("tf32" if p.get("tf32") else "fp32")


def _device_name(ctx: Context, p: dict) -> str:
    return p["device_name"] if "device_name" in p else ctx._("unknown device")


def device_phrase(ctx: Context, result: dict) -> str:
    """Which machine made a result, in words: "the CPU (AMD EPYC, 2 cores), fp32 matmuls"."""
    p = result["provenance"]
    kind = "GPU" if p.get("device_type") == "cuda" else "CPU"
    return ctx._(
        "the {kind} ({device}), {precision} matmuls",
        kind=kind,
        device=_device_name(ctx, p),
        precision=_precision(p),
    )


def _list(ctx: Context, items: list[str]) -> str:
    """Items joined by a comma, in the page's language."""
    return translated.evidence(ctx, Joined(items, ", "))


def _sentences(ctx: Context, *sentences: str) -> str:
    """The non-empty sentences one after the other (a space between them in English, none in Chinese)."""
    return translated.evidence(ctx, Joined([s for s in sentences if s], " "))


def provenance_note(ctx: Context, shown: Shown) -> str:
    """One admonition saying where the numbers come from: device, date, mode, staleness."""
    p = shown.result["provenance"]
    line = ctx._(
        "{device}, torch {torch}{cuda}{threads}, {precision} matmuls; git {commit}; {when} UTC; training "
        "{seconds} s; config hash `{hash}`.",
        device=_device_name(ctx, p),
        torch=p.get("torch"),
        cuda=ctx._(", CUDA {version}", version=p["cuda"]) if p.get("cuda") else "",
        threads=ctx._(", {n} threads", n=p["threads"]) if p.get("threads") else "",
        precision=_precision(p),
        commit=str(p.get("git_commit") or ctx._("unknown"))[:12],
        when=str(p.get("created", ""))[:16].replace("T", " "),
        seconds=f"{p.get('train_seconds', float('nan')):.1f}",
        hash=p.get("config_hash"),
    )
    if shown.smoke:
        return _admonition(
            "warning",
            ctx._("Smoke run on the CPU: these numbers mean nothing"),
            ctx._(
                "ACTREF_EXPERIMENTS=smoke: a tiny CPU run of the experiment below. Its numbers only prove that "
                "the pipeline works, end to end; they are not the experiment's results."
            ),
            line,
        )
    kind = "GPU" if p.get("device_type") == "cuda" else "CPU"
    origin = translated.evidence(ctx, shown.origin)
    if shown.stale:
        stale = results.stale_runs(shown.result, shown.config)
        listed = _list(ctx, stale[:8])
        if len(stale) > 8:
            listed = ctx._("{listed} and {n} more", listed=listed, n=len(stale) - 8)
        return _admonition(
            "warning",
            ctx._("Stale {kind} results", kind=kind),
            ctx._(
                "Shown: {origin}. {n} of the config's runs are missing or were made by other code or settings "
                "({listed}): re-run `python -m actref experiments run --config {name} --resume` to refresh them.",
                origin=origin,
                n=len(stale),
                listed=listed,
                name=shown.name,
            ),
            line,
        )
    return _admonition("info", ctx._("{kind} results: {origin}", kind=kind, origin=origin), line)


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
def wall_time_line(ctx: Context, result: dict, variant: str) -> str:
    info = variant_info(result, variant)
    if not info:
        return ""
    n, seconds = info["n_models"], info["train_seconds"]
    epochs = result["config"]["epochs"] or 1
    return ctx._(
        "Wall time: all {n} models of this table were trained together in {seconds} s ({per_model} s per "
        "model-epoch). Stacked training has no per-activation wall time; the [cost page](cost.md) measures each "
        "activation's own speed.",
        n=n,
        seconds=f"{seconds:.1f}",
        per_model=f"{seconds / (n * epochs):.4f}",
    )


def summary_table(
    ctx: Context,
    runs: list[dict],
    baseline: str = "relu",
    key: str = "test_acc",
    label: str = "Test accuracy (%)",  # an English message
) -> str:
    values, diverged = by_activation(runs, key)
    has_base = baseline in values
    rows = stats.summarise(values, diverged, baseline=baseline if has_base else None)
    n_seeds = max((len(v) for v in values.values()), default=0)
    base = catalog.get(baseline).title if has_base else baseline
    headers = [
        ctx._("Rank"),
        ctx._("Activation"),
        ctx._("{label}, mean ± std", label=ctx._(label)),
        ctx._("95% CI"),
        ctx._("p vs {baseline} (Welch)", baseline=base),
        ctx._("Holm-adjusted p"),
        ctx._("Diverged"),
    ]
    lines = ["| " + " | ".join(headers) + " |", "|---:|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        ci = "—" if not math.isfinite(r.ci_low) else f"{100 * r.ci_low:.2f} – {100 * r.ci_high:.2f}"
        holm = "" if r.p_value is None else _p(ctx, r.p_holm)
        lines.append(
            f"| {r.rank or '—'} | {activation_link(ctx, r.name)} | {_pm(r.mean, r.std)} | {ci} "
            f"| {_p(ctx, r.p_value) if has_base else ctx._('not measured')} | {holm if has_base else '—'} "
            f"| {r.diverged}/{n_seeds} |"
        )
    tests = sum(r.p_holm is not None for r in rows)
    note = (
        "\n"
        + ctx._(
            "{n} activations are compared with {baseline}, so a raw p < 0.05 is expected about {expected} times "
            "by chance alone. The Holm-adjusted p corrects for that: only an adjusted p < 0.05 is a significant "
            "difference at the 5% level for the table as a whole.",
            n=tests,
            baseline=base,
            expected=f"{0.05 * tests:.1f}",
        )
        + "\n"
        if has_base and tests > 1
        else ""
    )
    return "\n".join(lines) + "\n" + note


def _p(ctx: Context, p: float | None) -> str:
    """A p-value as format_p writes it, its one word ("baseline") in the page's language."""
    return ctx._("baseline") if p is None else format_p(p)


# ---------------------------------------------------------------------------------------------- pages
def comparison(ctx: Context, name: str = "fashion_mnist_mlp") -> str:
    """The full comparison for a training experiment: provenance, table, accuracy, curves, accuracy vs time."""
    shown = obtain(ctx, name)
    if shown.result is None:
        return no_results(ctx, name)
    result = shown.result
    variant = result["variants"][0]["name"] if result.get("variants") else None
    runs = runs_of(result, variant)
    out = [*shown.intro(ctx), summary_table(ctx, runs)]
    out.append(wall_time_line(ctx, result, variant) + "\n")
    values, _ = by_activation(runs)
    summary = stats.summarise(values, baseline=None)
    bars = [(r.name, 100 * r.mean, 100 * r.std) for r in summary]
    url = _figure(
        ctx,
        f"{name}-{shown.tag}-accuracy.svg",
        figures.accuracy_bars,
        rows=bars,
        xlabel=ctx._("test accuracy (%), mean ± std over seeds"),
        title=ctx._(shown.config.title),
    )
    out.append(f"![{ctx._('Test accuracy of every activation, mean ± std over seeds')}]({url})\n")
    curves = mean_curve(runs)
    series = {a: (list(range(1, len(c) + 1)), c) for a, c in curves.items()}
    url = _figure(
        ctx,
        f"{name}-{shown.tag}-curves.svg",
        figures.curves,
        series=series,
        xlabel=ctx._("epoch"),
        ylabel=ctx._("validation accuracy (%), mean over seeds"),
        title=ctx._("Learning curves (others in grey)"),
    )
    out.append(f"![{ctx._('Validation accuracy after each epoch')}]({url})\n")
    seconds = variant_info(result, variant).get("epoch_seconds") or []
    if seconds and all(s is not None for s in seconds):
        timed = {a: (seconds[: len(c)], c) for a, c in curves.items()}
        url = _figure(
            ctx,
            f"{name}-{shown.tag}-time.svg",
            figures.curves,
            series=timed,
            xlabel=ctx._("wall-clock seconds of the stacked run (every model at once)"),
            ylabel=ctx._("validation accuracy (%)"),
            title=ctx._("Accuracy against wall time"),
        )
        out.append(f"![{ctx._('Validation accuracy against the wall time of the stacked run')}]({url})\n")
    return "\n".join(out)


OPTIMIZER_TITLES = {"adam": "Adam (lr 1e-3)", "sgd": "SGD + momentum 0.9"}  # English messages


def rank_carryover(ctx: Context, first: str = "fashion_mnist_mlp", second: str = "fashion_mnist_cnn") -> str:
    """Does one experiment's ranking carry over to another? Spearman's ρ over the shared activations, with CI."""
    a, b = obtain(ctx, first), obtain(ctx, second)
    if a.result is None or b.result is None:
        missing = first if a.result is None else second
        return (
            ctx._("The rank correlation needs both results; `{missing}` has none yet.", missing=missing)
            + "\n"
        )
    a_values, _ = by_activation(a.result["runs"])
    b_values, _ = by_activation(b.result["runs"])
    r = stats.rank_correlation(a_values, b_values)
    if not r.names:
        return ctx._("The two experiments share no activation, so their rankings cannot be compared.") + "\n"
    if not math.isfinite(r.rho):
        return (
            ctx._(
                "The two experiments share only {n} activations: too few for a rank correlation.",
                n=len(r.names),
            )
            + "\n"
        )
    if not math.isfinite(r.ci_low):
        reading = ctx._("with one seed per activation there is no interval, so no conclusion")
    elif r.ci_low > 0:
        reading = ctx._(
            "the rankings agree more than chance would make them: the ranking carries over, in part"
        )
    elif r.ci_high < 0:
        reading = ctx._("the rankings are reversed more than chance would make them")
    else:
        reading = ctx._("the interval includes 0: these numbers do not show that the ranking carries over")
    interval = (
        ctx._(
            "95% bootstrap CI {low} to {high}, resampling each activation's seeds; ",
            low=f"{r.ci_low:.2f}",
            high=f"{r.ci_high:.2f}",
        )
        if math.isfinite(r.ci_low)
        else ""
    )
    return (
        ctx._(
            "Over the {n} activations both experiments trained, Spearman's rank correlation between the two "
            "tables' mean test accuracies is **ρ = {rho}** ({interval}p = {p} against ρ = 0): {reading}. "
            "Activations: {activations}.",
            n=len(r.names),
            rho=f"{r.rho:.2f}",
            interval=interval,
            p=_p(ctx, r.p_value),
            reading=reading,
            activations=_list(ctx, [activation_link(ctx, n) for n in r.names]),
        )
        + "\n"
    )


def _optimizer_title(ctx: Context, optimizer: str, group: list[dict] | None = None) -> str:
    """ "Adam (lr 1e-3)"; with the variants of a group, SGD's heading names its learning rate."""
    if optimizer == "sgd" and group is not None:
        return ctx._("SGD + momentum 0.9 (lr {lr})", lr=f"{group[0]['lr']:g}")
    return ctx._(OPTIMIZER_TITLES[optimizer]) if optimizer in OPTIMIZER_TITLES else optimizer


def depth_page(ctx: Context) -> str:
    shown = obtain(ctx, "depth")
    if shown.result is None:
        return no_results(ctx, "depth")
    result = shown.result
    out = shown.intro(ctx)
    by_optimizer: dict[str, list[dict]] = {}
    for v in result["variants"]:
        by_optimizer.setdefault(v.get("optimizer", "adam"), []).append(v)
    for optimizer, group in by_optimizer.items():
        out.append(f"## {_optimizer_title(ctx, optimizer, group)}\n")
        out += _depth_section(ctx, shown, group, optimizer)
    out.append(f"## {ctx._('Full statistics per depth')}\n")
    for optimizer, group in by_optimizer.items():
        for v in group:
            heading = ctx._(
                "{n} hidden layers, {optimizer}",
                n=len(v["hidden"]),
                optimizer=_optimizer_title(ctx, optimizer),
            )
            out.append(f"#### {heading}\n")
            out.append(summary_table(ctx, runs_of(result, v["name"])))
            out.append(wall_time_line(ctx, result, v["name"]) + "\n")
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
            div = ctx._(" ({n} diverged)", n=diverged[a]) if diverged[a] else ""
            table.setdefault(a, {})[v] = (mean, std, _pm(mean, std) + div)
    header = (
        f"| {ctx._('Activation')} | " + " | ".join(ctx._("{n} layers", n=depths[v]) for v in variants) + " |"
    )
    lines = [header, "|---|" + "---:|" * len(variants)]
    for a, cells in table.items():
        lines.append(f"| {activation_link(ctx, a)} | " + " | ".join(cells[v][2] for v in variants) + " |")
    out += [f"### {ctx._('Test accuracy (%) by depth')}\n", "\n".join(lines) + "\n"]
    series = {
        a: ([depths[v] for v in variants], [100 * cells[v][0] for v in variants])
        for a, cells in table.items()
    }
    errors = {
        a: [100 * (cells[v][1] if math.isfinite(cells[v][1]) else 0) for v in variants]
        for a, cells in table.items()
    }
    shown_name = _optimizer_title(ctx, optimizer)
    url = _figure(
        ctx,
        f"depth-{shown.tag}-{optimizer}-accuracy.svg",
        figures.curves,
        series=series,
        xlabel=ctx._("hidden layers"),
        ylabel=ctx._("test accuracy (%)"),
        title=ctx._("Accuracy against depth, {optimizer}", optimizer=shown_name),
        logx=True,
        errors=errors,
    )
    out.append(f"![{ctx._('Test accuracy against depth, {optimizer}', optimizer=shown_name)}]({url})\n")
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
                panels[ctx._("{n} hidden layers", n=depths[v])] = {
                    a: (list(range(1, len(c) + 1)), [g / 100 for g in c]) for a, c in grads.items()
                }
        if not panels:
            continue
        shown_label = (
            ctx._(when)
            if key == "grad_norms_init"
            else ctx._("{when}, {optimizer}", when=ctx._(when), optimizer=shown_name)
        )
        url = _figure(
            ctx,
            f"depth-{shown.tag}-{optimizer}-{key}.svg",
            figures.curve_grid,
            panels=panels,
            xlabel=ctx._("layer (1 = input side)"),
            ylabel=ctx._("gradient norm"),
            title=ctx._(
                "Per-layer gradient norm of each weight matrix, {when} (mean over seeds)", when=shown_label
            ),
            logy=True,
        )
        out.append(f"![{ctx._('Gradient norm per layer and depth, {when}', when=shown_label)}]({url})\n")
    return out


def learning_rate_page(ctx: Context) -> str:
    shown = obtain(ctx, "learning_rate")
    if shown.result is None:
        return no_results(ctx, "learning_rate")
    result = shown.result
    variants = [(v["name"], v["lr"]) for v in result["variants"]]
    out = shown.intro(ctx)
    acc: dict[str, dict[str, tuple[float, float]]] = {}
    dead: dict[str, dict[str, tuple[float, float]]] = {}
    for v, _ in variants:
        runs = runs_of(result, v)
        for target, key in ((acc, "test_acc"), (dead, "dead_fraction")):
            values, _ = by_activation(runs, key) if key == "test_acc" else dead_values(runs)
            for a, vals in values.items():
                mean, std, _, _ = stats.mean_std_ci(vals)
                target.setdefault(a, {})[v] = (mean, std)
    header = (
        f"| {ctx._('Activation')} | "
        + " | ".join(ctx._("lr {lr}", lr=f"{lr:g}") for _, lr in variants)
        + " |"
    )
    sep = "|---|" + "---:|" * len(variants)
    lines = [header, sep] + [
        f"| {activation_link(ctx, a)} | " + " | ".join(_pm(*cells[v]) for v, _ in variants) + " |"
        for a, cells in acc.items()
    ]
    out += [f"### {ctx._('Test accuracy (%) by learning rate')}\n", "\n".join(lines) + "\n"]
    relu_family = {s.name for s in catalog.all_specs() if s.family == "relu-like"}
    family = ctx._(" (ReLU family)")
    lines = [header, sep] + [
        f"| {activation_link(ctx, a)}{family if a in relu_family else ''} | "
        + " | ".join(_pm(*cells[v]) for v, _ in variants)
        + " |"
        for a, cells in dead.items()
    ]
    out += [
        "### "
        + ctx._("Dead units (%): hidden units whose pre-activation is ≤ 0 on every validation image")
        + "\n",
        ctx._(
            "For the ReLU family such a unit outputs a constant and gets no gradient: it is dead. For the others "
            "the number only says the unit never left its negative regime."
        )
        + "\n",
        "\n".join(lines) + "\n",
    ]
    lrs = [lr for _, lr in variants]
    for what, data, ylabel, title, alt in (
        (
            "accuracy",
            acc,
            "test accuracy (%)",
            "Test accuracy (%) against the learning rate",
            "test accuracy (%) against the learning rate",
        ),
        (
            "dead",
            dead,
            "dead units (%)",
            "Dead units (%) against the learning rate",
            "dead units (%) against the learning rate",
        ),
    ):
        series = {a: (lrs, [100 * cells[v][0] for v, _ in variants]) for a, cells in data.items()}
        url = _figure(
            ctx,
            f"learning_rate-{shown.tag}-{what}.svg",
            figures.curves,
            series=series,
            xlabel=ctx._("Adam learning rate"),
            ylabel=ctx._(ylabel),
            title=ctx._(title),
            logx=True,
        )
        out.append(f"![{ctx._(alt)}]({url})\n")
    out.append(f"### {ctx._('Full statistics per learning rate')}\n")
    for v, lr in variants:
        out.append(f"#### {ctx._('Learning rate {lr}', lr=f'{lr:g}')}\n")
        out.append(summary_table(ctx, runs_of(result, v)))
        out.append(wall_time_line(ctx, result, v) + "\n")
    return "\n".join(out)


# signal_summary's labels: "selu + lecun (gain 1)"
SIGNAL_LABEL = ("{activation} + {init} (gain {gain})",)


def signal_label(ctx: Context, label: str) -> str:
    found = translated.untemplate(label, SIGNAL_LABEL)
    return ctx._(found[0], **found[1]) if found else label


def self_normalisation_page(ctx: Context) -> str:
    shown = obtain(ctx, "self_normalisation")
    if shown.result is None:
        return no_results(ctx, "self_normalisation")
    summary = signal_summary(shown.result)
    depth = len(next(iter(summary.values()))["act_var"])
    marks = sorted({1, max(1, depth // 4), max(1, depth // 2), depth})
    out = shown.intro(ctx)
    headers = [
        ctx._("Activation + init"),
        *(ctx._("var, layer {n}", n=m) for m in marks),
        ctx._("mean, layer {n}", n=depth),
        ctx._("grad var, layer {n}", n=1),
        ctx._("grad var, layer {n}", n=depth),
    ]
    lines = ["| " + " | ".join(headers) + " |", "|---|" + "---:|" * (len(marks) + 3)]
    for label, s in summary.items():
        cells = [f"{s['act_var'][m - 1]:.3g}" for m in marks]
        cells += [f"{s['act_mean'][-1]:.3g}", f"{s['grad_var'][0]:.3g}", f"{s['grad_var'][-1]:.3g}"]
        lines.append(f"| {signal_label(ctx, label)} | " + " | ".join(cells) + " |")
    out.append("\n".join(lines) + "\n")
    layers = list(range(1, depth + 1))
    for key, ylabel, title, logy, alt in (
        (
            "act_var",
            "variance of the activations",
            "Variance of the activations through {n} layers",
            True,
            "variance of the activations per layer",
        ),
        (
            "act_mean",
            "mean of the activations",
            "Mean of the activations through {n} layers",
            False,
            "mean of the activations per layer",
        ),
        (
            "grad_var",
            "variance of the gradient w.r.t. pre-activations",
            "Variance of the gradient w.r.t. pre-activations through {n} layers",
            True,
            "variance of the gradient w.r.t. pre-activations per layer",
        ),
    ):
        series = {signal_label(ctx, label): (layers, s[key]) for label, s in summary.items()}
        url = _figure(
            ctx,
            f"self_normalisation-{shown.tag}-{key}.svg",
            figures.curves,
            series=series,
            xlabel=ctx._("layer"),
            ylabel=ctx._(ylabel),
            title=ctx._(title, n=depth),
            highlight=tuple(series),
            logy=logy,
        )
        out.append(f"![{ctx._(alt)}]({url})\n")
    return "\n".join(out)


def gated_page(ctx: Context) -> str:
    shown = obtain(ctx, "gated")
    if shown.result is None:
        return no_results(ctx, "gated")
    result = shown.result
    out = shown.intro(ctx)
    values, diverged = by_activation(result["runs"])
    info = {r["activation"]: variant_info(result, r["variant"]) for r in result["runs"]}
    ranked = {r.name: r for r in stats.summarise(values, diverged, baseline=None)}
    n_seeds = max((len(v) for v in values.values()), default=0)
    headers = (
        "Rank",
        "Activation",
        "Hidden widths",
        "Parameters",
        "Test accuracy (%)",
        "95% CI",
        "vs counterpart",
        "p (Welch)",
        "Diverged",
    )
    lines = [
        "| " + " | ".join(ctx._(h) for h in headers) + " |",
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
            f"{activation_link(ctx, counterpart) if counterpart else ctx._('elementwise')} | "
            f"{'—' if p is None else _p(ctx, p)} | {r.diverged}/{n_seeds} |"
        )
    out.append("\n".join(lines) + "\n")
    seconds = sum(v["train_seconds"] for v in result["variants"])
    out.append(
        ctx._(
            "Wall time: {n} stacks, {seconds} s of training in all.",
            n=len(result["variants"]),
            seconds=f"{seconds:.1f}",
        )
        + "\n"
    )
    bars = [(r.name, 100 * r.mean, 100 * r.std) for r in ranked.values()]
    url = _figure(
        ctx,
        f"gated-{shown.tag}-accuracy.svg",
        figures.accuracy_bars,
        rows=bars,
        xlabel=ctx._("test accuracy (%), mean ± std"),
        title=ctx._(shown.config.title),
    )
    out.append(f"![{ctx._('Gated units against their elementwise counterparts')}]({url})\n")
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
    if shown.smoke:
        header = ctx._("MLP test acc. (%) (smoke, CPU)")
    elif shown.stale:
        header = ctx._("MLP test acc. (%) ({kind}, stale)", kind=kind)
    else:
        header = ctx._("MLP test acc. (%) ({kind})", kind=kind)
    headers = [header, ctx._("MLP rank")]
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
            ctx._(
                "No results are committed yet for the [Fashion-MNIST comparison]({link}); see that page for how "
                "to produce them.",
                link=link,
            )
            + "\n"
        )
    shown, rows = found
    if name not in rows:
        return (
            ctx._(
                "{activation} is not in the committed [Fashion-MNIST comparison]({link}) yet.",
                activation=spec.title,
                link=link,
            )
            + "\n"
        )
    r = rows[name]
    ci = (
        ""
        if not math.isfinite(r.ci_low)
        else ctx._(" (95% CI {low} – {high})", low=f"{100 * r.ci_low:.2f}", high=f"{100 * r.ci_high:.2f}")
    )
    p = "" if r.p_value is None else ctx._("; Welch's p = {p} against ReLU", p=_p(ctx, r.p_value))
    smoke = ctx._("**Smoke run on the CPU: these numbers mean nothing.**") if shown.smoke else ""
    stale = ctx._("These results are **stale** (the code changed since).") if shown.stale else ""
    measured = ctx._(
        "[Fashion-MNIST, MLP 784-256-128-10]({link}): test accuracy **{accuracy} %**{ci} over {n} seeds, "
        "rank **{rank} of {count}**{p}; diverged in {diverged} runs. Measured on {device}.",
        link=link,
        accuracy=_pm(r.mean, r.std),
        ci=ci,
        n=r.n,
        rank=r.rank,
        count=len(rows),
        p=p,
        diverged=r.diverged,
        device=device_phrase(ctx, shown.result),
    )
    text = _sentences(ctx, measured, smoke, stale) + "\n"
    runs = runs_of(shown.result)
    curves = mean_curve(runs)
    if name in curves:
        series = {n: (list(range(1, len(c) + 1)), c) for n, c in curves.items() if n in (name, "relu")}
        url = _figure(
            ctx,
            f"curve-{shown.tag}-{name}.svg",
            figures.curves,
            series=series,
            xlabel=ctx._("epoch"),
            ylabel=ctx._("validation accuracy (%)"),
            title=ctx._("{activation} against ReLU (mean over seeds)", activation=spec.title),
            highlight=tuple(dict.fromkeys((name, "relu"))),
        )
        text += f"\n![{ctx._('Learning curve of {activation} against ReLU', activation=spec.title)}]({url})\n"
    return text


def _gated_activation_markdown(ctx: Context, name: str) -> str:
    link = _rel(ctx, PAGES["gated"])
    shown = obtain(ctx, "gated")
    if shown.result is None:
        return (
            ctx._("No results are committed yet for the [gated-unit comparison]({link}).", link=link) + "\n"
        )
    values, diverged = by_activation(shown.result["runs"])
    if name not in values:
        return ""
    mean, std, _, _ = stats.mean_std_ci(values[name])
    counterpart = GATED_COUNTERPARTS[name]
    other = ""
    if counterpart in values:
        cm, cs, _, _ = stats.mean_std_ci(values[counterpart])
        other = ctx._(
            " against {accuracy} % for its elementwise counterpart {counterpart} (Welch's p = {p})",
            accuracy=_pm(cm, cs),
            counterpart=catalog.get(counterpart).title,
            p=_p(ctx, stats.welch_p(values[name], values[counterpart])),
        )
    smoke = ctx._("**Smoke run on the CPU: these numbers mean nothing.**") if shown.smoke else ""
    measured = ctx._(
        "[Fashion-MNIST MLP at matched parameter count]({link}): test accuracy **{accuracy} %**{other}; "
        "diverged in {diverged} runs. Measured on {device}.",
        link=link,
        accuracy=_pm(mean, std),
        other=other,
        diverged=diverged[name],
        device=device_phrase(ctx, shown.result),
    )
    return _sentences(ctx, measured, smoke) + "\n"
