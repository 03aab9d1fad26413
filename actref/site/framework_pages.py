"""Framework equivalents on the site: each activation page's "In other libraries" section and the page
`frameworks/` ("Porting between frameworks": the matrix, then the traps ranked by size).

Everything comes from the committed results/frameworks.json through actref.frameworks.results, which imports
none of the measured libraries: a build never imports JAX, TensorFlow or MLX.

Every word is English in the code and the message id of its translation (locale/zh/framework_pages.po); the
results file's English (its notes, criteria and grid, the staleness reasons) is translated by its text there too.
"""

from __future__ import annotations

import functools
import html
import math
from pathlib import Path
from typing import TYPE_CHECKING

from actref import catalog
from actref.experiments.verdicts import Joined
from actref.frameworks import names as libraries
from actref.frameworks import results as fw_results
from actref.site import translated
from actref.site.links import relative

if TYPE_CHECKING:
    from actref.site.context import Context

PAGE = "frameworks/index.md"
# A derivative that differs by less than this (autodiff rounding of another formula: ~1e-14) is shown in the
# tables' f′ column, not listed as a trap.
TRAP_DERIVATIVE = 1e-9
VERDICT_SHORT = {  # English messages
    "same": "same",
    "different default": "different default",
    "approximation": "approximation",
    "different definition": "different definition",
    "error": "error",
    "different": "different",  # an f′ verdict
}


@functools.cache
def _load(path: str, mtime: float) -> dict | None:
    return fw_results.load(path)


def load() -> dict | None:
    path = fw_results.RESULTS_PATH
    return _load(str(path), path.stat().st_mtime) if path.is_file() else None


# ---------------------------------------------------------------------------------------------- text
def _num(v: float | None) -> str:
    if v is None:
        return "—"
    if v == 0:
        return "0"
    if math.isinf(v):
        return "inf" if v > 0 else "−inf"
    if math.isnan(v):
        return "nan"
    return f"{v:.2g}".replace("-", "−")


def _x(ctx: Context, v: float | None) -> str:
    if v is None:
        return ""
    return ctx._(" at x = {x}", x=_num(v) if abs(v) >= 1e4 or abs(v) < 1e-3 else f"{v:.4g}")


def _cell(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def library_title(key: str) -> str:
    lib = libraries.LIBRARIES.get(key)
    return lib.title if lib else key


def torch_call(name: str, entry: dict) -> str:
    """What a porter from torch writes for this activation: torch's first call, else actref's built-in code."""
    for row in entry["rows"]:
        if row["library"] == "torch" and not row.get("alias_of"):
            return row["call"]
    spec = catalog.get(name)
    return spec.builtin_code or f'actref.get("{name}")(x)'


def narrowed(row: dict) -> bool:
    """The library returned a narrower dtype than the float64 it was given."""
    return row.get("dtype", "float64") != "float64"


def _list(ctx: Context, items: list[str]) -> str:
    """Items joined by a comma, in the page's language."""
    return translated.evidence(ctx, Joined(items, ", "))


def _sentences(ctx: Context, *sentences: str) -> str:
    """The non-empty sentences one after the other (a space between them in English, none in Chinese)."""
    return translated.evidence(ctx, Joined([s for s in sentences if s], " "))


def verdict_word(ctx: Context, verdict: str) -> str:
    """ "same", "approximation", ...: a verdict (or an f′ verdict) in the page's language."""
    return ctx._(VERDICT_SHORT[verdict]) if verdict in VERDICT_SHORT else verdict


def verdict_text(ctx: Context, row: dict) -> str:
    v = row["verdict"]
    dtype = ctx._(", in {dtype}", dtype=row["dtype"]) if narrowed(row) else ""
    if v == "different default":
        return (
            ctx._("different default ({parameters})", parameters=_list(ctx, row["different_defaults"]))
            + dtype
        )
    if v == "approximation":
        return ctx._("approximation (max error {error})", error=_num(row["forward"]["max_err"])) + dtype
    return verdict_word(ctx, v) + dtype


def trap_sentence(ctx: Context, name: str, entry: dict, row: dict, versus: str | None = None) -> str:
    """A trap, stated plainly."""
    ref = torch_call(name, entry)
    call = _code(row["call"])
    if versus and versus != name:
        other = catalog.get(versus)
        f = row["versus"]["forward"]
        return ctx._(
            "{call} is {activation}, not {other}: it differs from {other_call} by up to {diff}{at}.",
            call=call,
            activation=catalog.get(name).title,
            other=other.title,
            other_call=_code(catalog.get(versus).builtin_code or versus),
            diff=_num(f["max_abs"]),
            at=_x(ctx, f["at"]),
        )
    f = row["forward"]
    v = row["verdict"]
    if v == "same" and narrowed(row) and not row["dtype"].startswith("float"):
        if row["conventions"]["differ"]:
            return ctx._(
                "{call} returns {dtype} for float64 input; its values are {reference}'s, except {conventions}.",
                call=call,
                dtype=row["dtype"],
                reference=_code(ref),
                conventions=conventions_text(ctx, row),
            )
        return ctx._(
            "{call} returns {dtype} for float64 input; its values are {reference}'s.",
            call=call,
            dtype=row["dtype"],
            reference=_code(ref),
        )
    if v == "same" and narrowed(row):
        return ctx._(
            "{call} returns {dtype} for float64 input: the same function to {dtype} precision (max error "
            "{error}{at}).",
            call=call,
            dtype=row["dtype"],
            error=_num(f["max_err"]),
            at=_x(ctx, f["at"]),
        )
    if v == "different default":
        fix = ", ".join(f"{k}={row['setting']['kwargs'][k]}" for k in row["different_defaults"])
        have = ", ".join(f"{k}={row['defaults'].get(k, '?')}" for k in row["different_defaults"])
        return ctx._(
            "{call} is not {reference}: its default is {have}; pass {fix}. At the defaults they differ by up to "
            "{diff}{at}.",
            call=call,
            reference=_code(ref),
            have=_code(have),
            fix=_code(fix),
            diff=_num(f["max_abs"]),
            at=_x(ctx, f["at"]),
        )
    if v == "approximation":
        return ctx._(
            "{call} approximates {reference}: max error {error}{at}.",
            call=call,
            reference=_code(ref),
            error=_num(f["max_err"]),
            at=_x(ctx, f["at"]),
        )
    if v == "different definition":
        return ctx._(
            "{call} is a different function from {reference}: they differ by up to {diff}{at}.",
            call=call,
            reference=_code(ref),
            diff=_num(f["max_abs"]),
            at=_x(ctx, f["at"]),
        )
    d = row.get("derivative") or {}
    return ctx._(
        "{call} has actref's values, but its autodiff derivative differs from actref's f′ by up to {error}{at}.",
        call=call,
        error=_num(d.get("max_err")),
        at=_x(ctx, d.get("at")),
    )


# The special points' names in the results file ("f(+inf)", "f'(0)", "row with nan"): only "row with" is words.
CONVENTION_KEYS = ("row with {value}",)


def _convention_key(ctx: Context, key: str) -> str:
    found = translated.untemplate(key, CONVENTION_KEYS)
    return ctx._(found[0], **found[1]) if found else key


def conventions_text(ctx: Context, row: dict) -> str:
    conv = row.get("conventions") or {}
    parts = []
    for key in conv.get("differ", []):
        lib, ref = conv["values"][key]
        point = _convention_key(ctx, key)
        if isinstance(lib, list) or isinstance(ref, list):
            parts.append(ctx._("{point} differs", point=point))
        else:
            parts.append(
                ctx._(
                    "{point} = {value} (actref {reference})",
                    point=point,
                    value=_num(lib) if not isinstance(lib, str) else lib,
                    reference=_num(ref),
                )
            )
    return translated.evidence(ctx, Joined(parts)) or ctx._("as actref")


def provenance_line(ctx: Context, result: dict) -> str:
    p = result["provenance"]
    versions = _list(
        ctx,
        [
            f"{dist} {p['versions'].get(dist, '?')}"
            for key in p.get("libraries", libraries.LIBRARIES)
            for dist in libraries.LIBRARIES[key].distributions[:1]
        ],
    )
    return ctx._(
        "Measured on {device}, {date}, in float64 ({versions}; Keras 3 on the {backend} backend).",
        device=_device(ctx, p["device"]),
        date=p["created"][:10],
        versions=versions,
        backend=p["keras_backend"],
    )


# The results file's device: the machine, and where MLX ran ("CPU (AMD EPYC, 2 cores); MLX on its CPU device").
DEVICES = ("{device}; MLX on its CPU device",)


def _device(ctx: Context, device: str) -> str:
    found = translated.untemplate(device, DEVICES)
    return ctx._(found[0], **found[1]) if found else device


@functools.cache
def _stale_reasons(path: str, mtime: float) -> tuple[str, ...]:
    result = _load(path, mtime)
    return tuple(fw_results.stale_reasons(result)) if result is not None else ()


# actref.frameworks.results.stale_reasons' sentences
STALE_REASONS = (
    "{dist}: made with {made}, installed {installed}",
    "not measured: {activations}",
    "changed since measured: {activations}",
)


def _stale_reason(ctx: Context, reason: str) -> str:
    found = translated.untemplate(reason, STALE_REASONS)
    if found is None:
        return ctx._(reason)
    template, fields = found
    for key in ("made", "installed"):
        if fields.get(key) == "none":
            fields[key] = ctx._("none")
    return ctx._(template, **fields)


def stale_line(ctx: Context, result: dict) -> str:
    path = fw_results.RESULTS_PATH
    reasons = _stale_reasons(str(path), path.stat().st_mtime)
    if not reasons:
        return ""
    text = translated.evidence(ctx, Joined([_stale_reason(ctx, r) for r in reasons]))
    return ctx._(
        "**These results are stale** ({reasons}): run `python -m actref frameworks run`.", reasons=text[:400]
    )


def derivative_trap(row: dict) -> bool:
    d = row.get("derivative") or {}
    return row.get("derivative_verdict") not in ("same", None) and (
        d.get("max_err", math.inf) > TRAP_DERIVATIVE or bool(d.get("nonfinite"))
    )


def is_trap(row: dict) -> bool:
    return row["verdict"] != "same" or derivative_trap(row) or bool(row.get("versus")) or narrowed(row)


# ---------------------------------------------------------------------------------------------- activation pages
def activation_markdown(ctx: Context, name: str) -> str:
    """The "In other libraries" section of an activation page."""
    lines = [f"## {ctx._('In other libraries')}", ""]
    page = relative(ctx.page_src, PAGE)
    result = load()
    if result is None or name not in result.get("activations", {}):
        lines += [ctx._("Not measured yet: see [Porting between frameworks]({link}).", link=page), ""]
        return "\n".join(lines)
    entry = result["activations"][name]
    rows = [r for r in entry["rows"] if r["verdict"] != "error"]
    errors = [r for r in entry["rows"] if r["verdict"] == "error"]
    not_shipped = _list(ctx, [library_title(k) for k in entry.get("not_shipped", [])])
    if not rows:
        lines += [
            ctx._(
                "None of the libraries [we measure]({link}) ships {activation} ({libraries}).",
                link=page,
                activation=catalog.get(name).title,
                libraries=not_shipped,
            ),
            "",
        ]
        return "\n".join(lines)
    lines += [
        _sentences(
            ctx,
            ctx._(
                "Each library's call, measured against actref's float64 value over this page's range, its tails, "
                "±1e4, ±inf and nan, with the library's own autodiff for f′. Verdicts as defined in [Porting "
                "between frameworks]({link}).",
                link=page,
            ),
            provenance_line(ctx, result),
        ),
        "",
    ]
    if stale := stale_line(ctx, result):
        lines += [stale, ""]
    traps = [r for r in rows if is_trap(r)]
    for row in traps:
        sentences = []
        if row["verdict"] != "same" or narrowed(row) or (derivative_trap(row) and not row.get("versus")):
            sentences.append(trap_sentence(ctx, name, entry, row))
        if row.get("versus"):
            sentences.append(trap_sentence(ctx, name, entry, row, row["versus"]["activation"]))
        if row.get("note"):
            sentences.append(ctx._(row["note"]))
        lines.append("- " + _sentences(ctx, *sentences))
    if traps:
        lines.append("")
    headers = (
        "library",
        "call",
        "defaults",
        "verdict",
        "max abs diff",
        "max rel diff",
        "f′ (autodiff)",
        "special values",
    )
    lines += [
        "| " + " | ".join(ctx._(h) for h in headers) + " |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        f = row["forward"]
        defaults = ", ".join(f"{k}={v}" for k, v in row["defaults"].items()) or "—"
        alias = "↳ " if row.get("alias_of") else ""
        d = row.get("derivative") or {}
        dv = verdict_word(ctx, row["derivative_verdict"]) + (
            "" if row["derivative_verdict"] == "same" else f" ({_num(d.get('max_err'))})"
        )
        lines.append(
            f"| {library_title(row['library'])} | {alias}{_code(_cell(row['call']))} | {_cell(defaults)} | "
            f"{verdict_text(ctx, row)} | {_num(f['max_abs'])} | {_num(f['max_rel'])} | {dv} | "
            f"{_cell(conventions_text(ctx, row))} |"
        )
    lines.append("")
    extra = []
    if not_shipped:
        extra.append(ctx._("Not shipped by {libraries}.", libraries=not_shipped))
    if errors:
        failures = Joined([f"{_code(r['call'])} ({r['error']})" for r in errors])  # the library's own words
        extra.append(ctx._("Could not be measured: {failures}.", failures=translated.evidence(ctx, failures)))
    extra.append(
        ctx._(
            "↳ marks an alias: another name for the library's first call. The max rel diff includes the tails, "
            "where a library that underflows to 0 has relative error 1 (F.gelu(−20) = 0; its true value is "
            "−5.5e-88)."
        )
    )
    lines += [_sentences(ctx, *extra), ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- frameworks page
def summary(ctx: Context) -> str:
    """Directive: the counts of pairs per verdict and the provenance."""
    result = load()
    if result is None:
        return ctx._("No results are committed yet: run `python -m actref frameworks run`.") + "\n"
    counts = fw_results.verdict_counts(result)
    pairs = sum(v for k, v in counts.items() if k != "not shipped")
    parts = _list(
        ctx,
        [
            ctx._("**{n}** {verdict}", n=v, verdict=verdict_word(ctx, k))
            for k, v in counts.items()
            if k != "not shipped"
        ],
    )
    text = _sentences(
        ctx,
        ctx._(
            "{pairs} (activation, library) pairs measured over {n} activations: {counts}; {not_shipped} pairs "
            "where the library does not ship the activation.",
            pairs=pairs,
            n=len(result["activations"]),
            counts=parts,
            not_shipped=counts.get("not shipped", 0),
        ),
        provenance_line(ctx, result),
    )
    if stale := stale_line(ctx, result):
        text += f"\n\n{stale}"
    return text + "\n"


def criteria(ctx: Context) -> str:
    """Directive: how the verdicts are computed (from the results file's own criteria)."""
    result = load()
    if result is None:
        return ""
    c = result["criteria"]  # English sentences of the results file: translated by their text
    return "\n".join(
        [
            ctx._("- **same**: {criterion};", criterion=ctx._(c["same"])),
            ctx._(
                "- **different default**: {criterion} (the parameter is named);",
                criterion=ctx._(c["different default"]),
            ),
            ctx._("- **approximation**: {criterion};", criterion=ctx._(c["approximation"])),
            ctx._("- **different definition**: {criterion}.", criterion=ctx._(c["different definition"])),
            "",
            ctx._("The grid: {grid}.", grid=ctx._(c["grid"])),
            "",
        ]
    )


def matrix(ctx: Context) -> str:
    """Directive: activation × library, each cell the verdict of the library's first call."""
    result = load()
    if result is None:
        return ""
    keys = result["provenance"].get("libraries", list(libraries.LIBRARIES))
    lines = [
        f"| {ctx._('activation')} | " + " | ".join(library_title(k) for k in keys) + " |",
        "| --- | " + " | ".join("---" for _ in keys) + " |",
    ]
    prefix = relative(ctx.page_src, "activations")
    for name in sorted(result["activations"]):
        if name not in catalog.names():
            continue
        entry = result["activations"][name]
        firsts = {}
        for row in entry["rows"]:
            firsts.setdefault(row["library"], row)
        cells = []
        for k in keys:
            row = firsts.get(k)
            if row is None:
                cells.append("—")
                continue
            text = (
                verdict_text(ctx, row)
                if row["verdict"] != "approximation"
                else f"≈ ({_num(row['forward']['max_err'])})"
            )
            cells.append(_cell(text))
        title = catalog.get(name).title
        lines.append(f"| [{_cell(title)}]({prefix}/{name}.md) | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def trap_size(row: dict, versus: bool) -> float:
    if versus:
        return row["versus"]["forward"]["max_err"]
    if row["verdict"] != "same" or narrowed(row):
        return row["forward"]["max_err"]
    return (row.get("derivative") or {}).get("max_err", 0.0)


def all_traps(result: dict) -> list[tuple[float, str, dict, bool]]:
    out = []
    for name, entry in result["activations"].items():
        if name not in catalog.names():
            continue
        for row in entry["rows"]:
            if row["verdict"] == "error":
                continue
            if row["verdict"] != "same" or derivative_trap(row) or narrowed(row):
                out.append((trap_size(row, False), name, row, False))
            if row.get("versus"):
                out.append((trap_size(row, True), name, row, True))
    return sorted(out, key=lambda t: (-t[0], t[1], t[2]["call"]))


def traps(ctx: Context) -> str:
    """Directive: the traps with code first, ranked by the size of the difference, then every other one."""
    result = load()
    if result is None:
        return ""
    prefix = relative(ctx.page_src, "activations")
    ranked = all_traps(result)
    lines: list[str] = []
    shown_demo: set[str] = set()
    for i, (size, name, row, versus) in enumerate([t for t in ranked if t[2].get("demo")], 1):
        entry = result["activations"][name]
        other = row["versus"]["activation"] if versus else None
        title = catalog.get(name).title
        headline = (
            ctx._("max error {error}", error=_num(size)) if size > 0 else ctx._("special values differ")
        )
        note = ctx._(row["note"]) if row.get("note") else ""
        lines += [
            "### "
            + ctx._(
                "{i}. {call} ({library}) — {headline}",
                i=i,
                call=_code(row["call"]),
                library=library_title(row["library"]),
                headline=headline,
            ),
            "",
            _sentences(
                ctx,
                ctx._("[{activation}]({link}).", activation=title, link=f"{prefix}/{name}.md"),
                trap_sentence(ctx, name, entry, row, other),
                note,
            ),
            "",
        ]
        if row["call"] + name not in shown_demo:
            lines += ["```python", row["demo"].rstrip("\n"), "```", ""]
            shown_demo.add(row["call"] + name)
    rest = [t for t in ranked if not t[2].get("demo")]
    if rest:
        headers = ("max error", "activation", "library", "call", "what differs")
        lines += [
            f"### {ctx._('Every other difference')}",
            "",
            ctx._("Ranked the same way; each activation's page states them too."),
            "",
            "| " + " | ".join(ctx._(h) for h in headers) + " |",
            "| --- | --- | --- | --- | --- |",
        ]
        for size, name, row, versus in rest:
            entry = result["activations"][name]
            other = row["versus"]["activation"] if versus else None
            lines.append(
                f"| {_num(size)} | [{_cell(catalog.get(name).title)}]({prefix}/{name}.md) | "
                f"{library_title(row['library'])} | {_code(_cell(row['call']))} | "
                f"{_cell(trap_sentence(ctx, name, entry, row, other))} |"
            )
        lines.append("")
    return "\n".join(lines)


def results_path() -> Path:
    return fw_results.RESULTS_PATH
