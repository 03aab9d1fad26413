"""`python -m actref cost {run,show}`: measure what each activation costs, or print committed results."""

from __future__ import annotations

import argparse
import pathlib
import sys

from actref import catalog, fast
from actref.arguments import Parser, thread_count, whole_number, writable_file
from actref.registry import UnknownActivation


def _parser() -> argparse.ArgumentParser:
    parser = Parser(prog="python -m actref cost", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the microbenchmarks and write a results file")
    run.add_argument("--device", choices=("cuda", "cpu"), help="default: cuda when available, else cpu")
    run.set_defaults(parser=run)
    run.add_argument(
        "--out", type=writable_file, help="default: results/cost.json (cuda), results/cost_cpu.json"
    )
    run.add_argument("--activations", nargs="+", metavar="NAME", help="default: every elementwise activation")
    run.add_argument("--impls", nargs="+", choices=fast.IMPLS, help="default: every one available")
    run.add_argument("--dtypes", nargs="+", choices=("float32", "bfloat16"), default=["float32", "bfloat16"])
    run.add_argument(
        "--elements",
        type=whole_number(1, "tensor size"),
        help="tensor size (default 2^26 on cuda, 2^22 on cpu)",
    )
    run.add_argument(
        "--repeats",
        type=whole_number(1, "number of timed runs"),
        help="timed runs per measurement (default 20 cuda, 5 cpu)",
    )
    run.add_argument(
        "--warmup",
        type=whole_number(0, "number of untimed runs"),
        help="untimed runs first (default 3 cuda, 1 cpu)",
    )
    run.add_argument(
        "--compile",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="measure the torch.compile'd implementations (default: on cuda only; on cpu it is slow)",
    )
    run.add_argument(
        "--threads",
        type=thread_count,
        help="CPU intra-op threads (default: torch's). On a shared machine use 1: a parallel op waits for its "
        "slowest thread, and a descheduled thread costs a whole scheduler slice",
    )
    run.add_argument("--merge", action="store_true", help="keep rows of other activations from the old file")
    show = sub.add_parser("show", help="print a results file as a table")
    show.set_defaults(parser=show)
    show.add_argument(
        "file", nargs="?", type=pathlib.Path, help="default: results/cost.json, else cost_cpu.json"
    )
    return parser


def _activations_error(args: argparse.Namespace) -> str | None:
    """Why --activations cannot be measured (an unknown or vector-valued name), or None."""
    for name in args.activations or ():
        try:
            spec = catalog.get(name)
        except UnknownActivation as exc:
            return f"argument --activations: {exc}"
        if not spec.elementwise:
            valid = ", ".join(s.name for s in catalog.all_specs() if s.elementwise)
            return (
                f"argument --activations: {name!r} is not elementwise; cost is measured for elementwise "
                f"activations only: {valid}"
            )
    return None


def _run(args: argparse.Namespace) -> int:
    import torch
    from tqdm import tqdm

    from actref.cost import bench as cost

    why = _activations_error(args)
    if why:
        return args.parser.fail(why)
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        return args.parser.fail(
            "argument --device: 'cuda', but torch.cuda.is_available() is False here; valid here: cpu"
        )
    if args.threads:
        torch.set_num_threads(args.threads)
    out = args.out or fast.results_path(device)
    results = cost.run(
        activations=args.activations,
        device=device,
        elements=args.elements,
        warmup=args.warmup,
        repeats=args.repeats,
        impls=args.impls,
        dtypes=args.dtypes,
        include_compiled=args.compile,
        progress=lambda work: tqdm(work, desc=f"cost on {device}", unit="measurement"),
        log=lambda message: tqdm.write(f"skipped {message}"),
    )
    if args.merge and out.is_file():
        results = cost.merge(cost.load(out), results)
    cost.write_atomic(results, out)
    print(cost.format_table(results))
    print(f"\nwrote {out}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from actref.cost import bench as cost

    path = args.file
    if path is not None and path.is_dir():
        return args.parser.fail(
            f"argument file: {str(path)!r} is a folder; give a cost results file such as results/cost_cpu.json"
        )
    if path is None:
        path = next((p for p in (fast.results_path("cuda"), fast.results_path("cpu")) if p.is_file()), None)
    if path is None or not pathlib.Path(path).is_file():
        print(
            f"No cost results at {path or 'results/cost.json or results/cost_cpu.json'}; "
            f"run `python -m actref cost run` first.",
            file=sys.stderr,
        )
        return 1
    try:
        results = cost.load(path)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return args.parser.fail(f"argument file: {str(path)!r} is not a cost results file ({exc})")
    print(cost.format_table(results))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    return _run(args) if args.command == "run" else _show(args)


if __name__ == "__main__":
    raise SystemExit(main())
