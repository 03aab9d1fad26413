"""Cost results on the site: each activation's Cost table and chart, the all-activations columns, the cost page.

Where the numbers come from (decided once per build, see `site_results`): on a CUDA machine in "run" mode the
GPU results in results/cost.json are re-measured for every activation whose code changed (or all of them when
the benchmark code changed) and written back; otherwise the committed files are shown as they are. Until a GPU
run is committed, pages say so plainly and show the CPU file's numbers, labelled as CPU.
"""

from __future__ import annotations

import functools
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from actref import catalog, fast
from actref.cost import bench as cost
from actref.site import cost_figures
from actref.site.links import relative, relative_prefix

if TYPE_CHECKING:
    from actref.site.context import Context

IMPL_LABELS = {
    "builtin": "torch built-in",
    "eager": "from scratch (eager)",
    "compiled": "from scratch, torch.compile",
    "lean": "lean autograd.Function",
    "lean_compiled": "lean Function, compiled",
}
COST_PAGE = "comparisons/cost.md"
# How a no-work implementation is named in "n/a (no work: the built-in returns its input)".
NO_WORK_LABELS = {"builtin": "built-in", "eager": "from-scratch version"}


def no_work(row: dict[str, Any] | None) -> bool:
    """Whether a row's implementation does no work: faster than copying its data (> 100% of the roofline).

    Only an implementation that returns its input (identity) can beat a copy; its % of roofline and any time
    ratio against it measure launch overhead, not cost, so they are shown as n/a.
    """
    return row is not None and row["pct_roofline"] > 100.0


def no_work_text(impl: str) -> str:
    return f"n/a (no work: the {NO_WORK_LABELS.get(impl, IMPL_LABELS.get(impl, impl))} returns its input)"


def _pct(row: dict[str, Any] | None, impl: str | None = None) -> str:
    """A row's % of roofline, or why there is none."""
    if row is None:
        return "—"
    if no_work(row):
        return no_work_text(impl or row["impl"])
    return f"{row['pct_roofline']:.1f}"


@dataclass
class SiteResults:
    """The cost results a build shows: GPU (if any), CPU (if any), and a sentence on where they came from."""

    gpu: dict[str, Any] | None
    cpu: dict[str, Any] | None
    origin: str
    stale: list[str] = field(default_factory=list)  # activations whose code changed since the shown rows

    @property
    def shown(self) -> dict[str, Any] | None:
        return self.gpu if self.gpu is not None else self.cpu


_CACHE: dict[str, SiteResults] = {}


def _load(path: Path) -> dict[str, Any] | None:
    return cost.load(path) if path.is_file() else None


def site_results(ctx: Context) -> SiteResults:
    """The results for this build (memoised per mode: the benchmark runs at most once per build)."""
    import torch

    mode = ctx.experiments_mode
    if mode in _CACHE:
        return _CACHE[mode]
    gpu_path = fast.results_path("cuda")
    gpu = _load(gpu_path)
    if mode == "run" and torch.cuda.is_available():
        stale = cost.stale_activations(gpu)
        if gpu is not None and gpu["provenance"].get("device_name") != cost.device_name(torch.device("cuda")):
            stale = [s.name for s in cost.elementwise_specs()]
        if stale:
            fresh = cost.run(activations=stale, device="cuda")
            gpu = cost.merge(gpu, fresh)
            cost.write_atomic(gpu, gpu_path)
            origin = (
                f"measured during this build on {gpu['provenance']['device_name']} ({len(stale)} activations)"
            )
        else:
            origin = "committed GPU results, reused because no measured code changed since"
    elif gpu is not None:
        why = "this build has no CUDA GPU" if not torch.cuda.is_available() else f"ACTREF_EXPERIMENTS={mode}"
        origin = f"committed GPU results ({why}, so they were not re-measured)"
    else:
        origin = "no GPU cost results committed yet"
    cpu = _load(fast.results_path("cpu"))
    shown = gpu if gpu is not None else cpu
    stale: list[str] = []
    if shown is not None:
        measured = {r["activation"] for r in shown["rows"]}
        hashes = shown["provenance"].get("activation_hashes", {})
        specs = {s.name: s for s in cost.elementwise_specs()}
        stale = sorted(n for n in measured & set(specs) if hashes.get(n) != cost.activation_hash(specs[n]))
    _CACHE[mode] = SiteResults(gpu, cpu, origin, stale)
    return _CACHE[mode]


def _device_kind(results: dict[str, Any]) -> str:
    """ "GPU" or "CPU": where `results` were measured."""
    return "GPU" if results["provenance"].get("device_type") == "cuda" else "CPU"


def _describe(results: dict[str, Any]) -> str:
    p = results["provenance"]
    kind = _device_kind(results)
    cuda = f", CUDA {p['cuda']}" if p.get("cuda") else ""
    elements = p.get("elements")
    size = f"2^{elements.bit_length() - 1}" if elements and elements & (elements - 1) == 0 else str(elements)
    device = re.sub(r"\b1 threads\b", "1 thread", str(p["device_name"]))
    return (
        f"{kind}: {device}, torch {p['torch']}{cuda}, git {str(p['git_commit'])[:10]}, "
        f"{str(p['created'])[:10]}; {size}-element tensors, median of {p.get('repeats')} runs, copy bandwidth "
        f"{p.get('copy_bandwidth_gb_per_s', float('nan')):.0f} GB/s"
    )


def _link(ctx: Context, target: str) -> str:
    return relative(ctx.page_src, target)


def _source_line(ctx: Context, site: SiteResults, results: dict[str, Any]) -> str:
    if site.gpu is None:
        why = (
            "below"  # this is the cost page itself: no link to it
            if ctx.page_src == COST_PAGE
            else f"[the cost of an activation]({_link(ctx, COST_PAGE)})"
        )
        return (
            f"Measured on the **CPU** ({_describe(results)}); no GPU cost results are committed. CPU timings "
            f"are not what a GPU shows: see {why}."
        )
    return f"Source: {site.origin}; {_describe(results)}."


def _fmt(value: float | None) -> str:
    """Milliseconds and byte counts, with as many digits as a reader needs."""
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.2f}" if value >= 1 else f"{value:.3g}"


def _bytes(value: float | None) -> str:
    return "—" if value is None else f"{value:.3g}"


# --------------------------------------------------------------------------- one activation
def _rows_for(results: dict[str, Any], name: str) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["impl"], r["dtype"]): r for r in results["rows"] if r["activation"] == name}


def _chart_values(rows: dict[tuple[str, str], dict[str, Any]], impls: list[str]) -> dict[str, list]:
    """dtype → % of roofline per implementation, as cost_figures.roofline_chart takes them."""
    out: dict[str, list] = {}
    for dtype, _ in cost_figures.DTYPE_COLOURS:
        shown = [rows.get((impl, dtype)) for impl in impls]
        out[dtype] = [None if no_work(r) else (0.0 if r is None else r["pct_roofline"]) for r in shown]
    return out


def activation_markdown(ctx: Context, name: str) -> str:
    """The Cost part of an activation's Measured section: source, table, chart, and what the numbers mean."""
    spec = catalog.get(name)
    if not spec.elementwise or spec.derivative_fn is None:
        return (
            f"**Cost.** Not measured: {spec.title} is not elementwise, so the copy roofline (one read and one "
            f"write per element each way) does not describe it, and `module(fast=True)` uses the from-scratch "
            f"forward."
        )
    site = site_results(ctx)
    results = site.shown
    if results is None:
        return "**Cost.** No cost results committed yet; run `python -m actref cost run`."
    rows = _rows_for(results, spec.name)
    if not rows:
        return (
            f"**Cost.** {_source_line(ctx, site, results)} {spec.title} has no row there yet; run "
            f"`python -m actref cost run --activations {spec.name} --merge`."
        )
    impls = [i for i in fast.IMPLS if any(k[0] == i for k in rows)]
    best = cost.best_rows(results).get(spec.name)
    eager = rows.get(("eager", "float32"))
    p = results["provenance"]
    device = _device_kind(results)
    lines = ["**Cost.** " + _source_line(ctx, site, results)]
    if spec.name in site.stale:
        lines[0] += " *These numbers predate the latest change to this activation's code.*"
    lines += [
        "",
        "| Implementation | fwd (ms) | bwd (ms) | fwd+bwd (ms) | % of roofline | saved bytes/element "
        "| bf16 fwd+bwd (ms) | bf16 % of roofline |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for impl in impls:
        r32, r16 = rows.get((impl, "float32")), rows.get((impl, "bfloat16"))
        label = IMPL_LABELS[impl] + (" ← `fast=True`" if best is not None and best["impl"] == impl else "")
        cells = [label]
        cells += [_fmt(r32[k]) if r32 else "—" for k in ("fwd_ms", "bwd_ms", "fwd_bwd_ms")]
        cells += [_pct(r32), _bytes(r32["saved_bytes_per_element"]) if r32 else "—"]
        cells += [_fmt(r16["fwd_bwd_ms"]) if r16 else "—", _pct(r16)]
        lines.append("| " + " | ".join(cells) + " |")
    # The chart's key covers exactly what it draws: the labels and the numbers, and the drawing code.
    chart = {"labels": [IMPL_LABELS[i] for i in impls], "pct": _chart_values(rows, impls), "device": device}
    url = ctx.asset(
        f"cost/{spec.name}-{p.get('device_type', 'cpu')}.svg",
        chart,
        functools.partial(cost_figures.roofline_chart, **chart),
        code=[cost_figures],
    )
    lines += ["", f"![{spec.title}: percent of the copy roofline per implementation, {device}]({url})", ""]
    meaning = (
        f"Times are fp32 unless marked, medians on {device}. *% of roofline* is the time a kernel running at "
        f"copy speed needs to move the ideal {cost.ideal_bytes_per_element('float32')} bytes per element "
        f"(forward: read x, write y; backward: read x and the gradient, write the gradient), divided by the "
        f"measured forward+backward time; 100% is as fast as a memory copy. *Saved bytes/element* is what "
        f"autograd keeps for the backward pass: the memory cost in training. The bf16 columns: the "
        f"from-scratch version computes 16-bit inputs in fp32, so its saved bytes are fp32's."
    )
    if no_work(best):
        meaning += (
            f" `module(fast=True)` uses the {IMPL_LABELS[best['impl']]}, which does no work (it returns its "
            f"input), so its % of roofline and the from-scratch time ratio are n/a."
        )
    elif best is not None and best["impl"] == "eager":
        meaning += (
            " `module(fast=True)` uses the from-scratch version itself: on this device no exact alternative "
            "was faster (a built-in that differs at ±inf or NaN is not taken)."
        )
    elif best is not None and eager is not None:
        penalty = eager["fwd_bwd_ms"] / best["fwd_bwd_ms"]
        meaning += (
            f" `module(fast=True)` uses the {IMPL_LABELS[best['impl']]}; the from-scratch eager version takes "
            f"{penalty:.1f}× its time and stores {_bytes(eager['saved_bytes_per_element'])} bytes per element "
            f"for the backward pass (the {IMPL_LABELS[best['impl']]}: "
            f"{_bytes(best['saved_bytes_per_element'])})."
        )
    return "\n".join([*lines, meaning])


# --------------------------------------------------------------------------- the all-activations table
def table_columns(ctx: Context) -> tuple[list[str], dict[str, list[str]]]:
    """Cost columns for the all-activations table: fast=True's % of roofline and its saved bytes."""
    site = site_results(ctx)
    results = site.shown
    if results is None:
        return [], {}
    device = _device_kind(results)
    headers = [f"fwd+bwd % roofline ({device})", "saved B/el"]
    cells: dict[str, list[str]] = {}
    for s in cost.summary_rows(results):
        pct = (
            f'<span title="{no_work_text(s["best_impl"])[5:-1]}">n/a (no work)</span>'
            if s["pct_roofline"] > 100.0
            else f"{s['pct_roofline']:.1f}"
        )
        cells[s["activation"]] = [pct, _bytes(s["saved_bytes_per_element"])]
    for spec in catalog.all_specs():
        if spec.name not in cells:
            cells[spec.name] = ["—"] * len(headers)
    return headers, cells


# --------------------------------------------------------------------------- the cost page
def _summary_table(results: dict[str, Any], dtype: str, link_prefix: str) -> list[str]:
    chosen = "fast=True uses" if dtype == "float32" else "fastest exact"
    lines = [
        f"| Activation | {chosen} | fwd+bwd (ms) | % of roofline | saved B/element | from scratch: "
        "% of roofline | from scratch: saved B/element | from-scratch time × |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in cost.summary_rows(results, dtype):
        spec = catalog.get(s["activation"])
        best_no_work = s["pct_roofline"] > 100.0
        penalty = s["from_scratch_penalty"]
        eager_pct = s["eager_pct_roofline"]
        if eager_pct is None:
            eager_pct_text = "—"
        else:
            eager_pct_text = no_work_text("eager") if eager_pct > 100.0 else f"{eager_pct:.1f}"
        pct_text = no_work_text(s["best_impl"]) if best_no_work else f"{s['pct_roofline']:.1f}"
        if best_no_work:
            penalty_text = "n/a (no work)"
        else:
            penalty_text = "—" if penalty is None else f"{penalty:.1f}"
        lines.append(
            f"| [{spec.title}]({link_prefix}{spec.name}.md) | {IMPL_LABELS[s['best_impl']]} | "
            f"{_fmt(s['fwd_bwd_ms'])} | "
            f"{pct_text} | "
            f"{_bytes(s['saved_bytes_per_element'])} | {eager_pct_text} | "
            f"{_bytes(s['eager_saved_bytes_per_element'])} | {penalty_text} |"
        )
    return lines


def page(ctx: Context) -> str:
    """Directive for docs/comparisons/cost.md: where the numbers come from, and the per-activation tables."""
    site = site_results(ctx)
    results = site.shown
    if results is None:
        return "*No cost results committed yet: run `python -m actref cost run`.*"
    link_prefix = relative_prefix(ctx.page_src, "activations")
    summary = cost.summary_rows(results)
    working = [s for s in summary if s["pct_roofline"] <= 100.0]  # identity's built-in does no work
    idle = [catalog.get(s["activation"]).title for s in summary if s["pct_roofline"] > 100.0]
    pct = [s["pct_roofline"] for s in working]
    penalties = [s["from_scratch_penalty"] for s in working if s["from_scratch_penalty"] is not None]
    worst = working[pct.index(min(pct))]["activation"] if pct else "—"
    lines = [_source_line(ctx, site, results), ""]
    if pct:
        excluded = f" ({', '.join(idle)} left out: it does no work)" if idle else ""
        penalty = (
            f" The from-scratch eager version takes a median **{statistics.median(penalties):.1f}×** its time "
            f"(at most {max(penalties):.1f}×)."
            if penalties
            else ""
        )
        lines += [
            f"Across {len(working)} elementwise activations{excluded}, the implementation `module(fast=True)` "
            f"picks reaches a median of **{statistics.median(pct):.1f}%** of the copy roofline in fp32 "
            f"forward+backward (worst: {min(pct):.1f}%, {worst}).{penalty}",
            "",
        ]
    if site.stale:
        lines += [f"Measured before the latest change to their code: {', '.join(site.stale)}.", ""]
    unmeasured = sorted({s.name for s in cost.elementwise_specs()} - {s["activation"] for s in summary})
    if unmeasured:
        lines += [f"Not measured yet: {', '.join(unmeasured)}.", ""]
    lines += ["### fp32", "", *_summary_table(results, "float32", link_prefix), ""]
    lines += ["### bf16", "", *_summary_table(results, "bfloat16", link_prefix), ""]
    lines += [
        "The from-scratch versions compute 16-bit inputs in fp32 (and cast the result back), so their saved "
        "bytes per element equal fp32's.",
        "",
    ]
    if site.gpu is not None and site.cpu is not None:
        lines += [
            "### CPU",
            "",
            _describe(site.cpu),
            "",
            *_summary_table(site.cpu, "float32", link_prefix),
            "",
        ]
    skipped = results["provenance"].get("skipped") or []
    if skipped:
        lines += ["Not measured (the implementation failed on this device):", ""]
        lines += [f"- `{s}`" for s in skipped] + [""]
    return "\n".join(lines)
