"""Framework equivalents on the site: each activation page's "In other libraries" section and the page
`frameworks/` ("Porting between frameworks": the matrix, then the traps ranked by size).

Everything comes from the committed results/frameworks.json through actref.frameworks.results, which imports
none of the measured libraries: a build never imports JAX, TensorFlow or MLX.
"""

from __future__ import annotations

import functools
import html
import math
from pathlib import Path
from typing import TYPE_CHECKING

from actref import catalog
from actref.frameworks import names as libraries
from actref.frameworks import results as fw_results
from actref.site.links import relative

if TYPE_CHECKING:
    from actref.site.context import Context

PAGE = "frameworks/index.md"
# A derivative that differs by less than this (autodiff rounding of another formula: ~1e-14) is shown in the
# tables' f′ column, not listed as a trap.
TRAP_DERIVATIVE = 1e-9
VERDICT_SHORT = {
    "same": "same",
    "different default": "different default",
    "approximation": "approximation",
    "different definition": "different definition",
    "error": "error",
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


def _x(v: float | None) -> str:
    return "" if v is None else f" at x = {_num(v) if abs(v) >= 1e4 or abs(v) < 1e-3 else f'{v:.4g}'}"


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


def verdict_text(row: dict) -> str:
    v = row["verdict"]
    dtype = f", in {row['dtype']}" if narrowed(row) else ""
    if v == "different default":
        return f"different default ({', '.join(row['different_defaults'])}){dtype}"
    if v == "approximation":
        return f"approximation (max error {_num(row['forward']['max_err'])}){dtype}"
    return VERDICT_SHORT.get(v, v) + dtype


def trap_sentence(name: str, entry: dict, row: dict, versus: str | None = None) -> str:
    """A trap, stated plainly."""
    ref = torch_call(name, entry)
    call = _code(row["call"])
    if versus and versus != name:
        other = catalog.get(versus)
        f = row["versus"]["forward"]
        return (
            f"{call} is {catalog.get(name).title}, not {other.title}: it differs from "
            f"{_code(catalog.get(versus).builtin_code or versus)} by up to {_num(f['max_abs'])}{_x(f['at'])}."
        )
    f = row["forward"]
    v = row["verdict"]
    if v == "same" and narrowed(row) and not row["dtype"].startswith("float"):
        return f"{call} returns {row['dtype']} for float64 input; its values are {_code(ref)}'s" + (
            f", except {conventions_text(row)}." if row["conventions"]["differ"] else "."
        )
    if v == "same" and narrowed(row):
        return (
            f"{call} returns {row['dtype']} for float64 input: the same function to {row['dtype']} precision "
            f"(max error {_num(f['max_err'])}{_x(f['at'])})."
        )
    if v == "different default":
        fix = ", ".join(f"{k}={row['setting']['kwargs'][k]}" for k in row["different_defaults"])
        have = ", ".join(f"{k}={row['defaults'].get(k, '?')}" for k in row["different_defaults"])
        return (
            f"{call} is not {_code(ref)}: its default is {_code(have)}; pass {_code(fix)}. At the defaults they "
            f"differ by up to {_num(f['max_abs'])}{_x(f['at'])}."
        )
    if v == "approximation":
        return f"{call} approximates {_code(ref)}: max error {_num(f['max_err'])}{_x(f['at'])}."
    if v == "different definition":
        return f"{call} is a different function from {_code(ref)}: they differ by up to {_num(f['max_abs'])}{_x(f['at'])}."
    d = row.get("derivative") or {}
    return (
        f"{call} has actref's values, but its autodiff derivative differs from actref's f′ by up to "
        f"{_num(d.get('max_err'))}{_x(d.get('at'))}."
    )


def conventions_text(row: dict) -> str:
    conv = row.get("conventions") or {}
    parts = []
    for key in conv.get("differ", []):
        lib, ref = conv["values"][key]
        if isinstance(lib, list) or isinstance(ref, list):
            parts.append(f"{key} differs")
        else:
            parts.append(f"{key} = {_num(lib) if not isinstance(lib, str) else lib} (actref {_num(ref)})")
    return "; ".join(parts) or "as actref"


def provenance_line(result: dict) -> str:
    p = result["provenance"]
    versions = ", ".join(
        f"{dist} {p['versions'].get(dist, '?')}"
        for key in p.get("libraries", libraries.LIBRARIES)
        for dist in libraries.LIBRARIES[key].distributions[:1]
    )
    return (
        f"Measured on {p['device']}, {p['created'][:10]}, in float64 ({versions}; Keras 3 on the "
        f"{p['keras_backend']} backend)."
    )


@functools.cache
def _stale_reasons(path: str, mtime: float) -> tuple[str, ...]:
    result = _load(path, mtime)
    return tuple(fw_results.stale_reasons(result)) if result is not None else ()


def stale_line(result: dict) -> str:
    path = fw_results.RESULTS_PATH
    reasons = _stale_reasons(str(path), path.stat().st_mtime)
    if not reasons:
        return ""
    return f"**These results are stale** ({'; '.join(reasons)[:400]}): run `python -m actref frameworks run`."


def derivative_trap(row: dict) -> bool:
    d = row.get("derivative") or {}
    return row.get("derivative_verdict") not in ("same", None) and (
        d.get("max_err", math.inf) > TRAP_DERIVATIVE or bool(d.get("nonfinite"))
    )


def is_trap(row: dict) -> bool:
    return (
        row["verdict"] != "same"
        or derivative_trap(row)
        or bool(row.get("versus"))
        or narrowed(row)
    )


# ---------------------------------------------------------------------------------------------- activation pages
def activation_markdown(ctx: Context, name: str) -> str:
    """The "In other libraries" section of an activation page."""
    lines = ["## In other libraries", ""]
    page = relative(ctx.page_src, PAGE)
    result = load()
    if result is None or name not in result.get("activations", {}):
        lines += [f"Not measured yet: see [Porting between frameworks]({page}).", ""]
        return "\n".join(lines)
    entry = result["activations"][name]
    rows = [r for r in entry["rows"] if r["verdict"] != "error"]
    errors = [r for r in entry["rows"] if r["verdict"] == "error"]
    not_shipped = ", ".join(library_title(k) for k in entry.get("not_shipped", []))
    if not rows:
        lines += [
            f"None of the libraries [we measure]({page}) ships {catalog.get(name).title} ({not_shipped}).",
            "",
        ]
        return "\n".join(lines)
    lines += [
        f"Each library's call, measured against actref's float64 value over this page's range, its tails, "
        f"±1e4, ±inf and nan, with the library's own autodiff for f′. Verdicts as defined in "
        f"[Porting between frameworks]({page}). {provenance_line(result)}",
        "",
    ]
    if stale := stale_line(result):
        lines += [stale, ""]
    traps = [r for r in rows if is_trap(r)]
    for row in traps:
        sentences = []
        if (
            row["verdict"] != "same"
            or narrowed(row)
            or (derivative_trap(row) and not row.get("versus"))
        ):
            sentences.append(trap_sentence(name, entry, row))
        if row.get("versus"):
            sentences.append(trap_sentence(name, entry, row, row["versus"]["activation"]))
        if row.get("note"):
            sentences.append(row["note"])
        lines.append("- " + " ".join(sentences))
    if traps:
        lines.append("")
    lines += [
        "| library | call | defaults | verdict | max abs diff | max rel diff | f′ (autodiff) | special values |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        f = row["forward"]
        defaults = ", ".join(f"{k}={v}" for k, v in row["defaults"].items()) or "—"
        alias = "↳ " if row.get("alias_of") else ""
        d = row.get("derivative") or {}
        dv = row["derivative_verdict"] + (
            "" if row["derivative_verdict"] == "same" else f" ({_num(d.get('max_err'))})"
        )
        lines.append(
            f"| {library_title(row['library'])} | {alias}{_code(_cell(row['call']))} | {_cell(defaults)} | "
            f"{verdict_text(row)} | {_num(f['max_abs'])} | {_num(f['max_rel'])} | {dv} | "
            f"{_cell(conventions_text(row))} |"
        )
    lines.append("")
    extra = []
    if not_shipped:
        extra.append(f"Not shipped by {not_shipped}.")
    if errors:
        extra.append(
            "Could not be measured: " + "; ".join(f"{_code(r['call'])} ({r['error']})" for r in errors) + "."
        )
    extra.append(
        "↳ marks an alias: another name for the library's first call. The max rel diff includes the tails, where a "
        "library that underflows to 0 has relative error 1 (F.gelu(−20) = 0; its true value is −5.5e-88)."
    )
    lines += [" ".join(extra), ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- frameworks page
def summary(ctx: Context) -> str:
    """Directive: the counts of pairs per verdict and the provenance."""
    result = load()
    if result is None:
        return "No results are committed yet: run `python -m actref frameworks run`.\n"
    counts = fw_results.verdict_counts(result)
    pairs = sum(v for k, v in counts.items() if k != "not shipped")
    parts = ", ".join(f"**{v}** {k}" for k, v in counts.items() if k != "not shipped")
    text = (
        f"{pairs} (activation, library) pairs measured over {len(result['activations'])} activations: {parts}; "
        f"{counts.get('not shipped', 0)} pairs where the library does not ship the activation. "
        f"{provenance_line(result)}"
    )
    if stale := stale_line(result):
        text += f"\n\n{stale}"
    return text + "\n"


def criteria(ctx: Context) -> str:
    """Directive: how the verdicts are computed (from the results file's own criteria)."""
    result = load()
    if result is None:
        return ""
    c = result["criteria"]
    return "\n".join(
        [
            f"- **same**: {c['same']};",
            f"- **different default**: {c['different default']} (the parameter is named);",
            f"- **approximation**: {c['approximation']};",
            f"- **different definition**: {c['different definition']}.",
            "",
            f"The grid: {c['grid']}.",
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
        "| activation | " + " | ".join(library_title(k) for k in keys) + " |",
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
                verdict_text(row)
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
        headline = f"max error {_num(size)}" if size > 0 else "special values differ"
        lines += [
            f"### {i}. {_code(row['call'])} ({library_title(row['library'])}) — {headline}",
            "",
            f"[{title}]({prefix}/{name}.md). {trap_sentence(name, entry, row, other)} {row.get('note', '')}".rstrip(),
            "",
        ]
        if row["call"] + name not in shown_demo:
            lines += ["```python", row["demo"].rstrip("\n"), "```", ""]
            shown_demo.add(row["call"] + name)
    rest = [t for t in ranked if not t[2].get("demo")]
    if rest:
        lines += [
            "### Every other difference",
            "",
            "Ranked the same way; each activation's page states them too.",
            "",
            "| max error | activation | library | call | what differs |",
            "| --- | --- | --- | --- | --- |",
        ]
        for size, name, row, versus in rest:
            entry = result["activations"][name]
            other = row["versus"]["activation"] if versus else None
            lines.append(
                f"| {_num(size)} | [{_cell(catalog.get(name).title)}]({prefix}/{name}.md) | "
                f"{library_title(row['library'])} | {_code(_cell(row['call']))} | "
                f"{_cell(trap_sentence(name, entry, row, other))} |"
            )
        lines.append("")
    return "\n".join(lines)


def results_path() -> Path:
    return fw_results.RESULTS_PATH
