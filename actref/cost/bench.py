"""What an activation costs: forward/backward time, percent of the copy roofline, and bytes saved for backward.

Elementwise activations are memory-bound: an ideal fp32 forward reads x and writes y (8 bytes per element), an
ideal backward reads x and the incoming gradient and writes the outgoing one (12 bytes): 20 bytes per element
in all, 10 in bf16. The fastest such kernel runs at the speed of a device copy, which we measure in the same
run, so `pct_roofline` = ideal bytes / copy bandwidth / measured forward+backward time.

On a GPU, times come from CUDA events; on the CPU from time.perf_counter. Each is the median of `repeats`
runs after `warmup` runs (which also absorb torch.compile's compilation).
"""

from __future__ import annotations

import ast
import datetime
import functools
import hashlib
import inspect
import json
import os
import pathlib
import platform
import statistics
import subprocess
import time
from collections.abc import Callable, Iterable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

import torch

from actref import catalog, fast
from actref.jsonfile import write_json_atomic

if TYPE_CHECKING:
    from actref.registry import Activation

DTYPES = ("float32", "bfloat16")
DEFAULT_ELEMENTS = {"cuda": 2**26, "cpu": 2**22}
# The CPU is shared and noisy: the median of 25 repeats damps it (with 5, ReLU and Threshold, one function,
# differed 3.3 vs 2.0 ms).
DEFAULT_REPEATS = {"cuda": 20, "cpu": 25}
DEFAULT_WARMUP = {"cuda": 3, "cpu": 3}
# Forward: read x, write y. Backward: read x, read grad_y, write grad_x. Five element accesses in all.
IDEAL_ACCESSES_PER_ELEMENT = 5
ROW_KEYS = (
    "activation",
    "impl",
    "dtype",
    "device",
    "fwd_ms",
    "bwd_ms",
    "fwd_bwd_ms",
    "pct_roofline",
    "saved_bytes_per_element",
)
PROVENANCE_KEYS = ("device_name", "torch", "cuda", "git_commit", "created")


# --------------------------------------------------------------------------- the arithmetic
def ideal_bytes_per_element(dtype: torch.dtype | str) -> int:
    """Bytes an ideal fused forward+backward moves per element: 20 for fp32, 10 for bf16."""
    dtype = getattr(torch, dtype) if isinstance(dtype, str) else dtype
    return IDEAL_ACCESSES_PER_ELEMENT * torch.empty((), dtype=dtype).element_size()


def pct_roofline(ideal_bytes: float, bandwidth_bytes_per_s: float, seconds: float) -> float:
    """Percent of the copy roofline: the time a copy-speed kernel needs for `ideal_bytes`, over the time taken."""
    if seconds <= 0 or bandwidth_bytes_per_s <= 0:
        raise ValueError(f"need positive time and bandwidth, got {seconds} s and {bandwidth_bytes_per_s} B/s")
    return 100.0 * ideal_bytes / bandwidth_bytes_per_s / seconds


def saved_bytes_per_element(fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> float:
    """Bytes autograd keeps for backward after `fn(x)`, per element of x, counted by saved-tensor hooks.

    Tensors sharing storage are counted once (builtin relu saves its output, not a copy). The input counts
    too: keeping x alive for backward is memory, even if the caller holds it anyway.
    """
    x = x.detach().requires_grad_(True)
    storages: dict[int, int] = {}

    def pack(t: torch.Tensor) -> torch.Tensor:
        storage = t.untyped_storage()
        storages[storage.data_ptr()] = max(storages.get(storage.data_ptr(), 0), storage.nbytes())
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        y = fn(x)
    del y
    return sum(storages.values()) / x.numel()


# --------------------------------------------------------------------------- timing
def _synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_forward_backward(
    fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, grad: torch.Tensor, warmup: int, repeats: int
) -> tuple[float, float, float]:
    """Median forward, backward and forward+backward milliseconds of `fn` on `x` with upstream gradient `grad`.

    Each repeat runs a fresh forward (autograd on, as in training) and then its backward through
    torch.autograd.grad, which does not accumulate into x.grad.
    """
    x = x.detach().requires_grad_(True)
    cuda = x.device.type == "cuda"
    marks: list[tuple[Any, Any, Any]] = []
    _synchronize(x.device)
    for i in range(warmup + repeats):
        if cuda:
            e0, e1, e2 = (torch.cuda.Event(enable_timing=True) for _ in range(3))
            e0.record()
            y = fn(x)
            e1.record()
            torch.autograd.grad(y, x, grad)
            e2.record()
            if i >= warmup:
                marks.append((e0, e1, e2))
        else:
            t0 = time.perf_counter()
            y = fn(x)
            t1 = time.perf_counter()
            torch.autograd.grad(y, x, grad)
            t2 = time.perf_counter()
            if i >= warmup:
                marks.append((t0, t1, t2))
        del y
    _synchronize(x.device)
    if cuda:
        fwd = [a.elapsed_time(b) for a, b, _ in marks]
        bwd = [b.elapsed_time(c) for _, b, c in marks]
        both = [a.elapsed_time(c) for a, _, c in marks]
    else:
        fwd = [1e3 * (b - a) for a, b, _ in marks]
        bwd = [1e3 * (c - b) for _, b, c in marks]
        both = [1e3 * (c - a) for a, _, c in marks]
    return statistics.median(fwd), statistics.median(bwd), statistics.median(both)


def copy_bandwidth(device: torch.device | str, elements: int, warmup: int, repeats: int) -> float:
    """Bytes per second of a same-device fp32 copy (reads and writes both counted), from the median time.

    On a GPU this is `dst.copy_(src)`. On the CPU, torch's copy_ of a large tensor can be several times slower
    than an elementwise kernel moving the same bytes (it was here), which would flatter every activation; so
    there the roofline is the faster of copy_ and `torch.mul(src, 1, out=dst)`, a copy by elementwise kernel.
    """
    device = torch.device(device)
    src = torch.randn(elements, device=device)
    dst = torch.empty_like(src)
    copies: list[Callable[[], Any]] = [lambda: dst.copy_(src)]
    if device.type != "cuda":
        copies.append(lambda: torch.mul(src, 1.0, out=dst))
    best = 0.0
    for copy in copies:
        times = []
        _synchronize(device)
        for i in range(warmup + repeats):
            if device.type == "cuda":
                e0, e1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                e0.record()
                copy()
                e1.record()
                e1.synchronize()
                seconds = e0.elapsed_time(e1) / 1e3
            else:
                t0 = time.perf_counter()
                copy()
                seconds = time.perf_counter() - t0
            if i >= warmup:
                times.append(seconds)
        best = max(best, 2 * src.nbytes / statistics.median(times))
    return best


# --------------------------------------------------------------------------- provenance
def _git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=pathlib.Path(__file__).resolve().parents[2],
            capture_output=True,
            text=True,
            timeout=10,
        )
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def source_fingerprint(source: str) -> str:
    """The code in `source` without what cannot change a number: docstrings, comments, imports, layout.

    So moving a module, rewiring its imports or rewording its docs leaves the hash (and the results) current.
    """
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        body[:] = [
            stmt
            for stmt in body
            if not isinstance(stmt, (ast.Import, ast.ImportFrom))
            and not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))
        ] or [ast.Pass()]
    return ast.dump(tree, annotate_fields=False)


def code_hash(modules: Sequence[ModuleType] | None = None) -> str:
    """Hash of the code that makes the numbers (this module and actref.fast), by content, never by path."""
    h = hashlib.sha256()
    for module in modules or (fast, inspect.getmodule(code_hash)):
        h.update(source_fingerprint(inspect.getsource(module)).encode())
    return h.hexdigest()[:16]


def activation_hash(spec: Activation) -> str:
    """Hash of a spec's forward and derivative source and its built-in: a row is stale when it changes."""
    h = hashlib.sha256(spec.forward_source().encode())
    if spec.derivative_fn is not None:
        try:
            h.update(inspect.getsource(spec.derivative_fn).encode())
        except (OSError, TypeError):  # e.g. a functools.partial: fall back to its repr
            h.update(repr(spec.derivative_fn).encode())
    h.update(repr(spec.builtin_code).encode())
    return h.hexdigest()[:16]


def device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    threads = torch.get_num_threads()
    return (
        f"cpu ({platform.processor() or platform.machine()}, {threads} thread{'s' if threads != 1 else ''})"
    )


def _load_average() -> list[float] | None:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def provenance(device: torch.device, **extra: Any) -> dict[str, Any]:
    if device.type == "cpu":
        # CPU timings depend on what else runs on the machine; record how busy it was (1, 5, 15 min).
        extra = {"load_average": _load_average(), **extra}
    return {
        "device_name": device_name(device),
        "device_type": device.type,
        "torch": torch.__version__,
        "cuda": torch.version.cuda if device.type == "cuda" else None,
        "git_commit": _git_commit(),
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "code_hash": code_hash(),
        **extra,
    }


# --------------------------------------------------------------------------- the benchmark
def elementwise_specs(names: Iterable[str] | None = None) -> list[Activation]:
    """The specs to measure: every elementwise spec with a derivative, or the named ones."""
    if names:
        specs = [catalog.get(n) for n in names]
        bad = [s.name for s in specs if not s.elementwise]
        if bad:
            raise ValueError(
                f"{', '.join(bad)}: not elementwise; cost is measured for elementwise specs only."
            )
        return specs
    return [s for s in catalog.all_specs() if s.elementwise and s.derivative_fn is not None]


def measure(
    spec: Activation,
    impl: str,
    fn: Callable[[torch.Tensor], torch.Tensor],
    x: torch.Tensor,
    grad: torch.Tensor,
    bandwidth: float,
    warmup: int,
    repeats: int,
) -> dict[str, Any]:
    """One result row for `fn` (an implementation of `spec`) on `x`."""
    fwd_ms, bwd_ms, fwd_bwd_ms = time_forward_backward(fn, x, grad, warmup, repeats)
    dtype = str(x.dtype).removeprefix("torch.")
    ideal = ideal_bytes_per_element(x.dtype) * x.numel()
    return {
        "activation": spec.name,
        "impl": impl,
        "dtype": dtype,
        "device": x.device.type,
        "fwd_ms": fwd_ms,
        "bwd_ms": bwd_ms,
        "fwd_bwd_ms": fwd_bwd_ms,
        "pct_roofline": pct_roofline(ideal, bandwidth, fwd_bwd_ms / 1e3),
        "saved_bytes_per_element": saved_bytes_per_element(fn, x),
    }


def run(
    activations: Iterable[str] | None = None,
    device: str | None = None,
    elements: int | None = None,
    warmup: int | None = None,
    repeats: int | None = None,
    impls: Sequence[str] | None = None,
    dtypes: Sequence[str] = DTYPES,
    include_compiled: bool | None = None,
    progress: Callable[[Iterable], Iterable] | None = None,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Measure every (activation, implementation, dtype) and return the results document (not yet written).

    `progress` wraps the work list (e.g. tqdm); `log` receives one line per failure, which is recorded as a
    row-less note in provenance["skipped"] rather than aborting the run.
    """
    device_t = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    if device_t.type == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("--device cuda was asked for, but torch.cuda.is_available() is False.")
    kind = device_t.type
    elements = elements or DEFAULT_ELEMENTS.get(kind, DEFAULT_ELEMENTS["cpu"])
    warmup = DEFAULT_WARMUP.get(kind, 1) if warmup is None else warmup
    repeats = repeats or DEFAULT_REPEATS.get(kind, 5)
    if include_compiled is None:
        include_compiled = kind == "cuda"
    unknown = sorted(set(impls or ()) - set(fast.IMPLS))
    if unknown:
        raise ValueError(f"unknown implementation(s) {unknown}; valid: {', '.join(fast.IMPLS)}.")
    specs = elementwise_specs(activations)

    # Measured before and after the activations; the higher one is the roofline (on a shared machine a
    # busy moment can only make a copy slower).
    bandwidths = [copy_bandwidth(device_t, elements, warmup=max(warmup, 2), repeats=max(repeats, 5))]
    generator = torch.Generator(device=device_t).manual_seed(0)
    base = torch.randn(elements, device=device_t, generator=generator)
    upstream = torch.randn(elements, device=device_t, generator=generator)

    work = []
    for spec in specs:
        available = fast.implementations(spec, include_compiled=include_compiled)
        work += [
            (spec, impl, dtype) for impl in available if impl in (impls or fast.IMPLS) for dtype in dtypes
        ]
    rows, skipped = [], []
    fns: dict[str, dict[str, Callable]] = {}
    for spec, impl, dtype in progress(work) if progress else work:
        if spec.name not in fns:
            fns = {spec.name: fast.implementations(spec, include_compiled=include_compiled)}
        torch_dtype = getattr(torch, dtype)
        try:
            row = measure(
                spec,
                impl,
                fns[spec.name][impl],
                base.to(torch_dtype),
                upstream.to(torch_dtype),
                bandwidths[0],
                warmup,
                repeats,
            )
        except Exception as exc:  # one broken implementation must not lose the whole run
            message = f"{spec.name}/{impl}/{dtype}: {type(exc).__name__}: {str(exc)[:200]}"
            skipped.append(message)
            if log:
                log(message)
            continue
        rows.append(row)
    bandwidths.append(copy_bandwidth(device_t, elements, warmup=max(warmup, 2), repeats=max(repeats, 5)))
    if bandwidths[1] > bandwidths[0]:  # the rows were computed with the first; rescale to the roofline
        for row in rows:
            row["pct_roofline"] *= bandwidths[0] / bandwidths[1]
    bandwidth = max(bandwidths)
    return {
        "provenance": provenance(
            device_t,
            elements=elements,
            warmup=warmup,
            repeats=repeats,
            copy_bandwidth_gb_per_s=bandwidth / 1e9,
            copy_bandwidths_gb_per_s=[b / 1e9 for b in bandwidths],
            activation_hashes={s.name: activation_hash(s) for s in specs},
            skipped=skipped,
        ),
        "rows": rows,
    }


# --------------------------------------------------------------------------- results files
def validate(results: Any) -> dict[str, Any]:
    """Check the shape of a results document; raise ValueError naming the first problem."""
    if not isinstance(results, dict) or not isinstance(results.get("provenance"), dict):
        raise ValueError("cost results must be a dict with a 'provenance' dict and a 'rows' list.")
    missing = [k for k in PROVENANCE_KEYS if k not in results["provenance"]]
    if missing:
        raise ValueError(f"cost results provenance lacks {', '.join(missing)}.")
    rows = results.get("rows")
    if not isinstance(rows, list):
        raise ValueError("cost results 'rows' must be a list.")
    for i, row in enumerate(rows):
        missing = [k for k in ROW_KEYS if k not in row]
        if missing:
            raise ValueError(f"cost results row {i} ({row.get('activation')}) lacks {', '.join(missing)}.")
        if row["impl"] not in fast.IMPLS:
            raise ValueError(f"row {i}: impl {row['impl']!r} is not one of {', '.join(fast.IMPLS)}.")
        for key in ("fwd_ms", "bwd_ms", "fwd_bwd_ms", "pct_roofline", "saved_bytes_per_element"):
            if not isinstance(row[key], int | float) or row[key] < 0:
                raise ValueError(
                    f"row {i} ({row['activation']}/{row['impl']}): {key}={row[key]!r} is not ≥ 0."
                )
    return results


def write_atomic(results: dict[str, Any], path: str | os.PathLike) -> pathlib.Path:
    """Validate and write `results` as JSON; an interrupted write never replaces a good file."""
    validate(results)
    return write_json_atomic(path, results)


def load(path: str | os.PathLike) -> dict[str, Any]:
    """Read and validate a results file."""
    with open(path, encoding="utf-8") as f:
        return validate(json.load(f))


def merge(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """`new` with the rows of activations it did not measure carried over from `old` (same device type)."""
    if not old or old["provenance"].get("device_type") != new["provenance"].get("device_type"):
        return new
    measured = {r["activation"] for r in new["rows"]}
    kept = [r for r in old["rows"] if r["activation"] not in measured]
    hashes = {
        **old["provenance"].get("activation_hashes", {}),
        **new["provenance"].get("activation_hashes", {}),
    }
    return {"provenance": {**new["provenance"], "activation_hashes": hashes}, "rows": kept + new["rows"]}


def stale_activations(results: dict[str, Any] | None) -> list[str]:
    """Elementwise activations with no row in `results`, or whose code changed since they were measured."""
    specs = elementwise_specs()
    if results is None or results["provenance"].get("code_hash") != code_hash():
        return [s.name for s in specs]
    hashes = results["provenance"].get("activation_hashes", {})
    return [s.name for s in specs if hashes.get(s.name) != activation_hash(s)]


# --------------------------------------------------------------------------- summaries
def best_rows(results: dict[str, Any], dtype: str = "float32") -> dict[str, dict[str, Any]]:
    """Per activation, the row of the implementation best() would pick: fastest fwd+bwd among exact ones."""
    by_activation: dict[str, list[dict]] = {}
    for row in results["rows"]:
        if row["dtype"] == dtype:
            by_activation.setdefault(row["activation"], []).append(row)
    out = {}
    for name, rows in by_activation.items():
        exact = [r for r in rows if r["impl"] != "builtin" or builtin_is_exact(name)]
        out[name] = min(exact or rows, key=lambda r: r["fwd_bwd_ms"])
    return out


@functools.cache
def builtin_is_exact(name: str) -> bool:
    """Whether the spec's built-in matches our reference on best()'s probe (so best() may choose it)."""
    try:
        spec = catalog.get(name)
    except KeyError:
        return False
    if spec.builtin is None:
        return False
    merged = fast.bind(spec, {})
    return fast.agrees_with_reference(
        spec, fast.implementations(spec, include_compiled=False)["builtin"], merged
    )


def summary_rows(results: dict[str, Any], dtype: str = "float32") -> list[dict[str, Any]]:
    """One row per activation: the best implementation, its % of roofline, and the from-scratch penalty."""
    eager = {r["activation"]: r for r in results["rows"] if r["dtype"] == dtype and r["impl"] == "eager"}
    out = []
    for name, row in sorted(best_rows(results, dtype).items()):
        scratch = eager.get(name)
        out.append(
            {
                "activation": name,
                "best_impl": row["impl"],
                "fwd_bwd_ms": row["fwd_bwd_ms"],
                "pct_roofline": row["pct_roofline"],
                "saved_bytes_per_element": row["saved_bytes_per_element"],
                "eager_pct_roofline": scratch["pct_roofline"] if scratch else None,
                "eager_saved_bytes_per_element": scratch["saved_bytes_per_element"] if scratch else None,
                "from_scratch_penalty": scratch["fwd_bwd_ms"] / row["fwd_bwd_ms"] if scratch else None,
            }
        )
    return out


def format_table(results: dict[str, Any]) -> str:
    """A plain-text table of every row, then the per-activation summary with worst and median % of roofline."""
    p = results["provenance"]
    lines = [
        f"device: {p['device_name']}  torch {p['torch']}  cuda {p.get('cuda')}  commit {p['git_commit'][:10]}"
        f"  created {p['created']}",
        f"elements: {p.get('elements')}  repeats: {p.get('repeats')}  copy bandwidth: "
        f"{p.get('copy_bandwidth_gb_per_s', float('nan')):.1f} GB/s",
        "",
        f"{'activation':16} {'impl':14} {'dtype':9} {'fwd ms':>9} {'bwd ms':>9} {'fwd+bwd':>9} {'%roof':>7} "
        f"{'saved B/el':>10}",
    ]
    for r in sorted(
        results["rows"], key=lambda r: (r["activation"], r["dtype"], fast.IMPLS.index(r["impl"]))
    ):
        lines.append(
            f"{r['activation']:16} {r['impl']:14} {r['dtype']:9} {r['fwd_ms']:9.3f} {r['bwd_ms']:9.3f} "
            f"{r['fwd_bwd_ms']:9.3f} {r['pct_roofline']:7.1f} {r['saved_bytes_per_element']:10.2f}"
        )
    summary = summary_rows(results)
    if summary:
        lines += ["", "best exact implementation per activation (fp32 fwd+bwd):"]
        lines.append(f"{'activation':16} {'best':14} {'%roof':>7} {'eager %roof':>11} {'penalty':>8}")
        for s in summary:
            eager = "" if s["eager_pct_roofline"] is None else f"{s['eager_pct_roofline']:11.1f}"
            penalty = "" if s["from_scratch_penalty"] is None else f"{s['from_scratch_penalty']:7.2f}×"
            lines.append(
                f"{s['activation']:16} {s['best_impl']:14} {s['pct_roofline']:7.1f} {eager:>11} {penalty:>8}"
            )
        pct = [s["pct_roofline"] for s in summary]
        penalties = [s["from_scratch_penalty"] for s in summary if s["from_scratch_penalty"] is not None]
        lines.append(
            f"best impl % of roofline: worst {min(pct):.1f} ({summary[pct.index(min(pct))]['activation']}), "
            f"median {statistics.median(pct):.1f}"
        )
        if penalties:
            lines.append(
                f"from-scratch eager penalty (time ratio): median {statistics.median(penalties):.2f}×, "
                f"max {max(penalties):.2f}×"
            )
    return "\n".join(lines)
