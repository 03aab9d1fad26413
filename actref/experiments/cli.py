"""`python -m actref experiments list | run --config NAME [--resume] [--device cuda|cpu] [--out DIR] | show NAME`."""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path

from actref.arguments import Parser, thread_count, writable_folder


def _list(_args) -> int:
    from actref.experiments.configs import CONFIGS

    for name, factory in CONFIGS.items():
        config = factory()
        size = f"{config.n_models} models" + (f" × {config.epochs} epochs" if config.epochs else "")
        print(f"{name:20} {size:24} {config.title}")
    return 0


def _run(args, parser: Parser) -> int:
    import torch

    from actref.experiments import budget, results
    from actref.experiments.checkpoint import CheckpointDir
    from actref.experiments.configs import CONFIGS, get_config
    from actref.experiments.runner import checkpoint_dir, current_runs, run_experiment, still_to_train

    if args.config not in CONFIGS:
        return parser.fail(
            f"argument --config: unknown experiment {args.config!r}; valid: {', '.join(CONFIGS)}"
        )
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        return parser.fail(
            "argument --device: 'cuda', but torch.cuda.is_available() is False here; valid here: cpu"
        )
    config = get_config(args.config, smoke=args.smoke)
    out = args.out or (results.SMOKE_DIR if config.smoke else results.RESULTS_DIR)
    if args.threads:
        torch.set_num_threads(args.threads)
    # Results from any device are real results: the provenance names the device, and the pages show it.
    # ACTREF_CHECKPOINTS moves them out of the work tree, e.g. to a home directory that outlives a checkout.
    root = args.checkpoints or os.environ.get("ACTREF_CHECKPOINTS")
    store = Path(root) / config.name if root else checkpoint_dir(config)
    if args.resume and store.is_dir():
        print(f"resuming from {store}", file=sys.stderr)
    previous = None if args.all else results.read_json(results.result_path(config.name, out))
    kept = current_runs(previous, config, torch.device(device))
    todo = still_to_train(config, kept)
    if kept:
        print(f"keeping {len(kept)} current runs of {results.result_path(config.name, out)}", file=sys.stderr)
    if not todo:
        print(f"{config.name}: every run is current; nothing to train (--all retrains everything).")
        return 0
    if device == "cpu" and not config.smoke and not args.allow_long:  # --allow-long: no need to time it first
        estimates = budget.estimate(dataclasses.replace(config, variants=tuple(todo.values())), device)
        print(budget.describe(config, estimates), file=sys.stderr)
        if budget.total_seconds(estimates) > budget.BUDGET_SECONDS and not args.allow_long:
            print(
                f"error: {config.name} would take about {budget.total_seconds(estimates) / 60:.0f} minutes here, "
                f"over the {budget.BUDGET_SECONDS // 60}-minute budget; shrink the config, or pass --allow-long.",
                file=sys.stderr,
            )
            return 2
    result = run_experiment(
        config, device, progress=True, checkpoints=store, resume=args.resume, previous=previous
    )
    path = results.write_json_atomic(results.result_path(config.name, out), result)
    CheckpointDir(store).clear()
    p = result["provenance"]
    print(
        f"wrote {path} ({len(result['runs'])} runs, {p['train_seconds']:.1f} s of training on {p['device_name']})"
    )
    return 0


def _show(args, parser: Parser) -> int:
    from actref.experiments import results, stats, summaries
    from actref.experiments.configs import CONFIGS, get_config

    path = results.result_path(args.name, args.dir)
    result = results.read_json(path)
    if result is None and args.name not in CONFIGS:
        return parser.fail(
            f"argument name: unknown experiment {args.name!r} (no {path} either); valid: {', '.join(CONFIGS)}"
        )
    if result is None:
        print(
            f"No results at {path}. Run: python -m actref experiments run --config {args.name}",
            file=sys.stderr,
        )
        return 1
    p = result["provenance"]
    stale, stale_list = "", []
    try:
        stale_list = results.stale_runs(result, get_config(args.name))
        stale = f" STALE: {len(stale_list)} runs missing or made by other code" if stale_list else " current"
    except KeyError:
        pass
    print(
        f"{result['experiment']}: {p['device_name']}, torch {p['torch']}, matmuls "
        f"{p.get('matmul_precision', 'fp32')}, {p['created']}, mode {p.get('mode')},{stale}"
    )
    for label in stale_list[:10]:
        print(f"  stale: {label}")
    if len(stale_list) > 10:
        print(f"  … and {len(stale_list) - 10} more")
    variants = [v["name"] for v in result.get("variants", [])] or [None]
    for variant in variants:
        runs = summaries.runs_of(result, variant)
        if not runs or "test_acc" not in runs[0]:
            print(f"[{variant}] {len(runs)} runs (no accuracy to tabulate)")
            continue
        values, diverged = summaries.by_activation(runs)
        rows = stats.summarise(values, diverged, baseline="relu" if "relu" in values else None)
        print(f"\n[{variant}]")
        print(
            f"{'rank':>4}  {'activation':16} {'test acc %':>16} {'95% CI':>17} {'p vs relu':>10} {'div':>4}"
        )
        for r in rows:
            ci = f"{100 * r.ci_low:6.2f} – {100 * r.ci_high:6.2f}" if r.ci_low == r.ci_low else "—"
            pm = f"{100 * r.mean:6.2f} ± {100 * r.std:5.2f}" if r.std == r.std else f"{100 * r.mean:6.2f}"
            print(
                f"{r.rank or '—':>4}  {r.name:16} {pm:>16} {ci:>17} {summaries.format_p(r.p_value):>10} {r.diverged:>4}"
            )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m actref experiments", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the experiment configs")
    run = sub.add_parser("run", help="run one config and write its results JSON")
    run.add_argument("--config", required=True, help="config name (see `list`)")
    run.add_argument("--device", choices=("cuda", "cpu"), help="default: cuda when available, else cpu")
    run.add_argument(
        "--out",
        type=writable_folder,
        help="directory for NAME.json (default: results/, or .cache/ for smoke runs)",
    )
    run.add_argument("--smoke", action="store_true", help="shrink the config to run in seconds on the CPU")
    run.add_argument(
        "--resume",
        action="store_true",
        help="continue from the checkpoints of an interrupted run (.cache/checkpoints/NAME/)",
    )
    run.add_argument(
        "--checkpoints",
        type=writable_folder,
        help="directory for checkpoints (default: $ACTREF_CHECKPOINTS, else .cache/checkpoints/)",
    )
    run.add_argument("--threads", type=thread_count, help="CPU threads for torch (default: torch's choice)")
    run.add_argument(
        "--all",
        action="store_true",
        help="retrain every run (default: keep the current runs of the results file, train the rest)",
    )
    run.add_argument(
        "--allow-long",
        action="store_true",
        help="run a config whose estimated CPU time is over the 90-minute budget",
    )
    show = sub.add_parser("show", help="print the table of a results file")
    show.add_argument("name")
    show.add_argument("--dir", help="directory holding NAME.json (default: results/)")
    args = parser.parse_args(argv)
    if args.command == "list":
        return _list(args)
    return {"run": _run, "show": _show}[args.command](args, sub.choices[args.command])
