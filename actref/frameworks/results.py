"""results/frameworks.json: written atomically with its provenance, read by the site, checked for staleness.

This module imports none of the measured libraries (versions come from package metadata), so the site can read
the file without importing JAX, TensorFlow or MLX.

A file is stale when:
- a library's installed version differs from the one that made it (or a library is missing);
- an activation in the registry has no entry, or its fingerprint changed: its forward, derivative, defaults
  or kinks, its calls (actref/frameworks/calls.py), or the measuring code (measure.py, libraries.py).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from actref import catalog
from actref.frameworks import calls as calls_data
from actref.frameworks import names
from actref.jsonfile import write_json_atomic
from actref.provenance import digest as _digest
from actref.provenance import source_of as _source
from actref.registry import Activation

PACKAGE = Path(__file__).resolve().parent
REPO = PACKAGE.parents[1]
RESULTS_PATH = REPO / "results" / "frameworks.json"
MEASURING_CODE = ("measure.py", "libraries.py", "names.py")
FORMAT = 1


def code_hash() -> str:
    return _digest(*((PACKAGE / name).read_bytes() for name in MEASURING_CODE))


def fingerprint(spec: Activation) -> str:
    """What an activation's rows depend on: its math and code, its calls, the measuring code."""
    return _digest(
        spec.forward_source(),
        _source(spec.derivative_fn) if spec.derivative_fn is not None else "",
        json.dumps(spec.defaults, sort_keys=True, default=repr),
        repr([(str(k.at), str(k.grad)) for k in spec.kinks]),
        repr(spec.plot_range),
        repr(spec.elementwise),
        repr(calls_data.calls_for(spec.name)),
        code_hash(),
    )


# ---------------------------------------------------------------------------------------------- files
def load(path: str | os.PathLike | None = None) -> dict | None:
    path = Path(path or RESULTS_PATH)
    if not path.is_file():
        return None
    return json.loads(path.read_text())


def write(result: dict, path: str | os.PathLike | None = None) -> Path:
    return write_json_atomic(Path(path or RESULTS_PATH), result)


def stale_reasons(result: dict, installed: dict[str, str | None] | None = None) -> list[str]:
    """Why `result` no longer describes this checkout and environment; empty when it is current."""
    installed = names.installed_versions() if installed is None else installed
    made = result.get("provenance", {}).get("versions", {})
    out = []
    for dist, have in installed.items():
        if made.get(dist) != have:
            out.append(f"{dist}: made with {made.get(dist) or 'none'}, installed {have or 'none'}")
    entries = result.get("activations", {})
    missing = [n for n in catalog.names() if n not in entries]
    if missing:
        out.append(f"not measured: {', '.join(missing)}")
    changed = [
        n
        for n in catalog.names()
        if n in entries and entries[n].get("fingerprint") != fingerprint(catalog.get(n))
    ]
    if changed:
        out.append(f"changed since measured: {', '.join(changed)}")
    return out


# ---------------------------------------------------------------------------------------------- summaries
def primary_rows(result: dict) -> list[tuple[str, dict]]:
    """(activation, row) of every measured pair: the first call of each library per activation."""
    return [
        (name, row)
        for name, entry in result.get("activations", {}).items()
        for row in entry["rows"]
        if not row.get("alias_of")
    ]


def verdict_counts(result: dict) -> dict[str, int]:
    counts: dict[str, int] = {}
    for _, row in primary_rows(result):
        counts[row["verdict"]] = counts.get(row["verdict"], 0) + 1
    counts["not shipped"] = sum(len(e.get("not_shipped", [])) for e in result.get("activations", {}).values())
    return counts


def traps(result: dict) -> list[dict]:
    """Every call that is not the same function as its torch counterpart at its defaults, or whose name suggests
    another activation; largest difference first."""
    out = []
    for name, entry in result.get("activations", {}).items():
        for row in entry["rows"]:
            if row["verdict"] in ("different default", "approximation", "different definition"):
                out.append(
                    {"activation": name, "row": row, "versus": name, "size": row["forward"]["max_err"]}
                )
            if "versus" in row and row["versus"]["activation"] != name:
                out.append(
                    {
                        "activation": name,
                        "row": row,
                        "versus": row["versus"]["activation"],
                        "size": row["versus"]["forward"]["max_err"],
                    }
                )
    return sorted(out, key=lambda t: -t["size"])
