"""Cost results on the site: each activation's Cost table and chart, the all-activations columns, the cost page.

Where the numbers come from (decided once per build, see `site_results`): on a CUDA machine in "run" mode the
GPU results in results/cost.json are re-measured for every activation whose code changed (or all of them when
the benchmark code changed) and written back; otherwise the committed files are shown as they are. Until a GPU
run is committed, pages say so plainly and show the CPU file's numbers, labelled as CPU.

Every word is English in the code and the message id of its translation (locale/zh/cost_pages.po); the chart
gets the implementations' names in the page's language and draws its own words in it (cost_figures).
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
from actref.experiments.verdicts import Evidence, Joined
from actref.site import cost_figures, translated
from actref.site.links import relative, relative_prefix

if TYPE_CHECKING:
    from actref.site.context import Context

IMPL_LABELS = {  # English messages
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


def impl_label(ctx: Context, impl: str) -> str:
    """An implementation's name in the page's language ("torch built-in")."""
    return ctx._(IMPL_LABELS[impl]) if impl in IMPL_LABELS else impl


def no_work_reason(ctx: Context, impl: str) -> str:
    """ "no work: the built-in returns its input"."""
    name = ctx._(NO_WORK_LABELS[impl]) if impl in NO_WORK_LABELS else impl_label(ctx, impl)
    return ctx._("no work: the {implementation} returns its input", implementation=name)


def no_work_text(ctx: Context, impl: str) -> str:
    return ctx._("n/a ({reason})", reason=no_work_reason(ctx, impl))


def _pct(ctx: Context, row: dict[str, Any] | None, impl: str | None = None) -> str:
    """A row's % of roofline, or why there is none."""
    if row is None:
        return "—"
    if no_work(row):
        return no_work_text(ctx, impl or row["impl"])
    return f"{row['pct_roofline']:.1f}"


@dataclass
class SiteResults:
    """The cost results a build shows: GPU (if any), CPU (if any), and a sentence on where they came from."""

    gpu: dict[str, Any] | None
    cpu: dict[str, Any] | None
    origin: str  # an Evidence: English, with its message and fields for the page's language
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
            origin = Evidence(
                "measured during this build on {device} ({n} activations)",
                device=gpu["provenance"]["device_name"],
                n=len(stale),
            )
        else:
            origin = Evidence("committed GPU results, reused because no measured code changed since")
    elif gpu is not None:
        why = (
            Evidence("this build has no CUDA GPU")
            if not torch.cuda.is_available()
            else Evidence("ACTREF_EXPERIMENTS={mode}", mode=mode)
        )
        origin = Evidence("committed GPU results ({why}, so they were not re-measured)", why=why)
    else:
        origin = Evidence("no GPU cost results committed yet")
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


def _describe(ctx: Context, results: dict[str, Any]) -> str:
    p = results["provenance"]
    kind = _device_kind(results)
    elements = p.get("elements")
    size = f"2^{elements.bit_length() - 1}" if elements and elements & (elements - 1) == 0 else str(elements)
    device = re.sub(r"\b1 threads\b", "1 thread", str(p["device_name"]))
    return ctx._(
        "{kind}: {device}, torch {torch}{cuda}, git {commit}, {date}; {size}-element tensors, median of {repeats} "
        "runs, copy bandwidth {bandwidth} GB/s",
        kind=kind,
        device=device,
        torch=p["torch"],
        cuda=ctx._(", CUDA {version}", version=p["cuda"]) if p.get("cuda") else "",
        commit=str(p["git_commit"])[:10],
        date=str(p["created"])[:10],
        size=size,
        repeats=p.get("repeats"),
        bandwidth=f"{p.get('copy_bandwidth_gb_per_s', float('nan')):.0f}",
    )


def _link(ctx: Context, target: str) -> str:
    return relative(ctx.page_src, target)


def _source_line(ctx: Context, site: SiteResults, results: dict[str, Any]) -> str:
    if site.gpu is None:
        if _is_cost_page(ctx):  # no link to the page itself
            see = ctx._("CPU timings are not what a GPU shows: see below.")
        else:
            see = ctx._(
                "CPU timings are not what a GPU shows: see [the cost of an activation]({link}).",
                link=_link(ctx, COST_PAGE),
            )
        return _sentences(
            ctx,
            ctx._(
                "Measured on the **CPU** ({description}); no GPU cost results are committed.",
                description=_describe(ctx, results),
            ),
            see,
        )
    return ctx._(
        "Source: {origin}; {description}.",
        origin=translated.evidence(ctx, site.origin),
        description=_describe(ctx, results),
    )


def _is_cost_page(ctx: Context) -> bool:
    """Whether ctx's page is the cost page, in any language (comparisons/cost.md, comparisons/cost.zh.md)."""
    return re.sub(r"\.[a-z]{2}\.md$", ".md", ctx.page_src) == COST_PAGE


def _sentences(ctx: Context, *sentences: str) -> str:
    """The non-empty sentences one after the other (a space between them in English, none in Chinese)."""
    return translated.evidence(ctx, Joined([s for s in sentences if s], " "))


def _list(ctx: Context, items: list[str]) -> str:
    """Items joined by a comma, in the page's language."""
    return translated.evidence(ctx, Joined(items, ", "))


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
    cost_label = ctx._("**Cost.**")
    if not spec.elementwise or spec.derivative_fn is None:
        return _sentences(
            ctx,
            cost_label,
            ctx._(
                "Not measured: {activation} is not elementwise, so the copy roofline (one read and one write per "
                "element each way) does not describe it, and `module(fast=True)` uses the from-scratch forward.",
                activation=spec.title,
            ),
        )
    site = site_results(ctx)
    results = site.shown
    if results is None:
        return _sentences(
            ctx, cost_label, ctx._("No cost results committed yet; run `python -m actref cost run`.")
        )
    rows = _rows_for(results, spec.name)
    if not rows:
        return _sentences(
            ctx,
            cost_label,
            _source_line(ctx, site, results),
            ctx._(
                "{activation} has no row there yet; run `python -m actref cost run --activations {name} --merge`.",
                activation=spec.title,
                name=spec.name,
            ),
        )
    impls = [i for i in fast.IMPLS if any(k[0] == i for k in rows)]
    best = cost.best_rows(results).get(spec.name)
    eager = rows.get(("eager", "float32"))
    p = results["provenance"]
    device = _device_kind(results)
    stale = (
        ctx._("*These numbers predate the latest change to this activation's code.*")
        if spec.name in site.stale
        else ""
    )
    lines = [_sentences(ctx, cost_label, _source_line(ctx, site, results), stale)]
    headers = (
        "Implementation",
        "fwd (ms)",
        "bwd (ms)",
        "fwd+bwd (ms)",
        "% of roofline",
        "saved bytes/element",
        "bf16 fwd+bwd (ms)",
        "bf16 % of roofline",
    )
    lines += [
        "",
        "| " + " | ".join(ctx._(h) for h in headers) + " |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for impl in impls:
        r32, r16 = rows.get((impl, "float32")), rows.get((impl, "bfloat16"))
        label = impl_label(ctx, impl) + (
            " ← `fast=True`" if best is not None and best["impl"] == impl else ""
        )
        cells = [label]
        cells += [_fmt(r32[k]) if r32 else "—" for k in ("fwd_ms", "bwd_ms", "fwd_bwd_ms")]
        cells += [_pct(ctx, r32), _bytes(r32["saved_bytes_per_element"]) if r32 else "—"]
        cells += [_fmt(r16["fwd_bwd_ms"]) if r16 else "—", _pct(ctx, r16)]
        lines.append("| " + " | ".join(cells) + " |")
    # The chart's key covers exactly what it draws: the labels and the numbers, and the drawing code.
    chart = {
        "labels": [impl_label(ctx, i) for i in impls],
        "pct": _chart_values(rows, impls),
        "device": device,
    }
    if ctx.lang != "en":  # the chart's own words in the page's language (an English chart's key is unchanged)
        chart["lang"] = ctx.lang
    url = ctx.asset(
        f"cost/{spec.name}-{p.get('device_type', 'cpu')}.svg",
        chart,
        functools.partial(cost_figures.roofline_chart, **chart),
        code=[cost_figures],
    )
    alt = ctx._(
        "{activation}: percent of the copy roofline per implementation, {device}",
        activation=spec.title,
        device=device,
    )
    lines += ["", f"![{alt}]({url})", ""]
    meaning = ctx._(
        "Times are fp32 unless marked, medians on {device}. *% of roofline* is the time a kernel running at copy "
        "speed needs to move the ideal {ideal} bytes per element (forward: read x, write y; backward: read x and "
        "the gradient, write the gradient), divided by the measured forward+backward time; 100% is as fast as a "
        "memory copy. *Saved bytes/element* is what autograd keeps for the backward pass: the memory cost in "
        "training. The bf16 columns: the from-scratch version computes 16-bit inputs in fp32, so its saved bytes "
        "are fp32's.",
        device=device,
        ideal=cost.ideal_bytes_per_element("float32"),
    )
    fast_note = ""
    if no_work(best):
        fast_note = ctx._(
            "`module(fast=True)` uses the {implementation}, which does no work (it returns its input), so its % "
            "of roofline and the from-scratch time ratio are n/a.",
            implementation=impl_label(ctx, best["impl"]),
        )
    elif best is not None and best["impl"] == "eager":
        fast_note = ctx._(
            "`module(fast=True)` uses the from-scratch version itself: on this device no exact alternative was "
            "faster (a built-in that differs at ±inf or NaN is not taken)."
        )
    elif best is not None and eager is not None:
        penalty = eager["fwd_bwd_ms"] / best["fwd_bwd_ms"]
        fast_note = ctx._(
            "`module(fast=True)` uses the {implementation}; the from-scratch eager version takes {penalty}× its "
            "time and stores {eager_bytes} bytes per element for the backward pass (the {implementation}: "
            "{best_bytes}).",
            implementation=impl_label(ctx, best["impl"]),
            penalty=f"{penalty:.1f}",
            eager_bytes=_bytes(eager["saved_bytes_per_element"]),
            best_bytes=_bytes(best["saved_bytes_per_element"]),
        )
    return "\n".join([*lines, _sentences(ctx, meaning, fast_note)])


# --------------------------------------------------------------------------- the all-activations table
def table_columns(ctx: Context) -> tuple[list[str], dict[str, list[str]]]:
    """Cost columns for the all-activations table: fast=True's % of roofline and its saved bytes."""
    site = site_results(ctx)
    results = site.shown
    if results is None:
        return [], {}
    device = _device_kind(results)
    headers = [ctx._("fwd+bwd % roofline ({device})", device=device), ctx._("saved B/el")]
    cells: dict[str, list[str]] = {}
    for s in cost.summary_rows(results):
        pct = (
            f'<span title="{no_work_reason(ctx, s["best_impl"])}">{ctx._("n/a (no work)")}</span>'
            if s["pct_roofline"] > 100.0
            else f"{s['pct_roofline']:.1f}"
        )
        cells[s["activation"]] = [pct, _bytes(s["saved_bytes_per_element"])]
    for spec in catalog.all_specs():
        if spec.name not in cells:
            cells[spec.name] = ["—"] * len(headers)
    return headers, cells


# --------------------------------------------------------------------------- the cost page
def _summary_table(ctx: Context, results: dict[str, Any], dtype: str, link_prefix: str) -> list[str]:
    headers = (
        "Activation",
        "fast=True uses" if dtype == "float32" else "fastest exact",
        "fwd+bwd (ms)",
        "% of roofline",
        "saved B/element",
        "from scratch: % of roofline",
        "from scratch: saved B/element",
        "from-scratch time ×",
    )
    lines = ["| " + " | ".join(ctx._(h) for h in headers) + " |", "|---|---|---|---|---|---|---|---|"]
    for s in cost.summary_rows(results, dtype):
        spec = catalog.get(s["activation"])
        best_no_work = s["pct_roofline"] > 100.0
        penalty = s["from_scratch_penalty"]
        eager_pct = s["eager_pct_roofline"]
        if eager_pct is None:
            eager_pct_text = "—"
        else:
            eager_pct_text = no_work_text(ctx, "eager") if eager_pct > 100.0 else f"{eager_pct:.1f}"
        pct_text = no_work_text(ctx, s["best_impl"]) if best_no_work else f"{s['pct_roofline']:.1f}"
        if best_no_work:
            penalty_text = ctx._("n/a (no work)")
        else:
            penalty_text = "—" if penalty is None else f"{penalty:.1f}"
        lines.append(
            f"| [{spec.title}]({link_prefix}{spec.name}.md) | {impl_label(ctx, s['best_impl'])} | "
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
        return ctx._("*No cost results committed yet: run `python -m actref cost run`.*")
    link_prefix = relative_prefix(ctx.page_src, "activations")
    summary = cost.summary_rows(results)
    working = [s for s in summary if s["pct_roofline"] <= 100.0]  # identity's built-in does no work
    idle = [catalog.get(s["activation"]).title for s in summary if s["pct_roofline"] > 100.0]
    pct = [s["pct_roofline"] for s in working]
    penalties = [s["from_scratch_penalty"] for s in working if s["from_scratch_penalty"] is not None]
    worst = working[pct.index(min(pct))]["activation"] if pct else "—"
    lines = [_source_line(ctx, site, results), ""]
    if pct:
        excluded = (
            ctx._(" ({activations} left out: it does no work)", activations=_list(ctx, idle)) if idle else ""
        )
        penalty = (
            ctx._(
                "The from-scratch eager version takes a median **{median}×** its time (at most {most}×).",
                median=f"{statistics.median(penalties):.1f}",
                most=f"{max(penalties):.1f}",
            )
            if penalties
            else ""
        )
        across = ctx._(
            "Across {n} elementwise activations{excluded}, the implementation `module(fast=True)` picks reaches a "
            "median of **{median}%** of the copy roofline in fp32 forward+backward (worst: {worst_pct}%, {worst}).",
            n=len(working),
            excluded=excluded,
            median=f"{statistics.median(pct):.1f}",
            worst_pct=f"{min(pct):.1f}",
            worst=worst,
        )
        lines += [_sentences(ctx, across, penalty), ""]
    if site.stale:
        lines += [
            ctx._(
                "Measured before the latest change to their code: {activations}.",
                activations=_list(ctx, site.stale),
            ),
            "",
        ]
    unmeasured = sorted({s.name for s in cost.elementwise_specs()} - {s["activation"] for s in summary})
    if unmeasured:
        lines += [ctx._("Not measured yet: {activations}.", activations=_list(ctx, unmeasured)), ""]
    lines += ["### fp32", "", *_summary_table(ctx, results, "float32", link_prefix), ""]
    lines += ["### bf16", "", *_summary_table(ctx, results, "bfloat16", link_prefix), ""]
    lines += [
        ctx._(
            "The from-scratch versions compute 16-bit inputs in fp32 (and cast the result back), so their saved "
            "bytes per element equal fp32's."
        ),
        "",
    ]
    if site.gpu is not None and site.cpu is not None:
        lines += [
            "### CPU",
            "",
            _describe(ctx, site.cpu),
            "",
            *_summary_table(ctx, site.cpu, "float32", link_prefix),
            "",
        ]
    skipped = results["provenance"].get("skipped") or []
    if skipped:
        lines += [ctx._("Not measured (the implementation failed on this device):"), ""]
        lines += [f"- `{s}`" for s in skipped] + [""]
    return "\n".join(lines)
