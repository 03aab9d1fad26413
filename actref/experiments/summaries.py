"""Pure functions of a results dict: runs grouped by activation, per-layer summaries, p-values as text.

The measurement layer's view of a results file, shared by the command line (`experiments show`), the verdicts
and the site's comparison pages. Nothing here draws or writes markdown.
"""

from __future__ import annotations

import math


def runs_of(result: dict, variant: str | None = None) -> list[dict]:
    """The runs of one variant (every run when `variant` is None)."""
    return [r for r in result["runs"] if variant is None or r.get("variant") == variant]


def by_activation(runs: list[dict], key: str = "test_acc") -> tuple[dict[str, list[float]], dict[str, int]]:
    """activation → values of `key` over seeds (diverged runs as NaN), and activation → divergence count."""
    values: dict[str, list[float]] = {}
    diverged: dict[str, int] = {}
    for r in runs:
        v = r.get(key)
        ok = v is not None and not r.get("diverged")
        values.setdefault(r["activation"], []).append(float(v) if ok else math.nan)
        diverged[r["activation"]] = diverged.get(r["activation"], 0) + int(bool(r.get("diverged")))
    return values, diverged


def dead_values(runs: list[dict]) -> tuple[dict[str, list[float]], dict[str, int]]:
    """activation → dead fraction over seeds, diverged runs included (NaN weights → no unit active)."""
    values: dict[str, list[float]] = {}
    for r in runs:
        v = r.get("dead_fraction")
        values.setdefault(r["activation"], []).append(math.nan if v is None else float(v))
    return values, {}


def epoch1_accuracy(result: dict) -> dict[str, list[float]]:
    """activation → validation accuracy after the first epoch, per seed (diverged runs as NaN)."""
    out: dict[str, list[float]] = {}
    for r in result["runs"]:
        v = r["curve"][0] if r.get("curve") and not r.get("diverged") else None
        out.setdefault(r["activation"], []).append(math.nan if v is None else v)
    return out


def mean_curve(runs: list[dict], key: str = "curve") -> dict[str, list[float]]:
    """activation → the per-epoch (or per-layer) mean of `key` over its non-diverged runs, in percent."""
    out: dict[str, list[list[float]]] = {}
    for r in runs:
        if r.get(key) and not r.get("diverged"):
            out.setdefault(r["activation"], []).append([math.nan if v is None else v for v in r[key]])
    return {a: [100 * sum(col) / len(col) for col in zip(*c, strict=True)] for a, c in out.items()}


def variant_info(result: dict, name: str) -> dict:
    """The `variants` entry called `name` ({} when there is none)."""
    return next((v for v in result.get("variants", []) if v["name"] == name), {})


def signal_label(run: dict) -> str:
    """'selu + lecun (gain 1)': a signal-propagation run's activation and initialisation."""
    scheme, gain = run["init"].split(":")
    return f"{run['activation']} + {scheme} (gain {float(gain):.3g})"


def signal_summary(result: dict) -> dict[str, dict[str, list[float]]]:
    """label → {act_mean, act_var, grad_mean, grad_var}: per-layer means over seeds."""
    grouped: dict[str, dict[str, list[list[float]]]] = {}
    for r in result["runs"]:
        g = grouped.setdefault(signal_label(r), {})
        for key in ("act_mean", "act_var", "grad_mean", "grad_var"):
            g.setdefault(key, []).append([math.nan if v is None else v for v in r[key]])
    return {
        label: {key: [sum(col) / len(col) for col in zip(*rows, strict=True)] for key, rows in g.items()}
        for label, g in grouped.items()
    }


def format_p(p: float | None) -> str:
    """A p-value as a table shows it: 'baseline' for none, '< 0.001', else three decimals."""
    if p is None:
        return "baseline"
    if not math.isfinite(p):
        return "—"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def format_percent(v: float) -> str:
    """A fraction as a percentage with two decimals ('—' when it is not a number)."""
    return f"{100 * v:.2f}%" if math.isfinite(v) else "—"
