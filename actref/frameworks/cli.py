"""`python -m actref frameworks {run,show}`: measure each activation in torch, JAX, Flax, Keras, TensorFlow,
tf-keras, timm, transformers, MLX and entmax against actref, or print the committed results."""

from __future__ import annotations

import argparse
import pathlib
import sys

from actref.frameworks import libraries
from actref.frameworks import results as fw_results


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m actref frameworks", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run", help="measure every activation in every library and write results/frameworks.json"
    )
    run.add_argument(
        "--activations", nargs="+", metavar="NAME", help="default: every activation in the registry"
    )
    run.add_argument(
        "--libraries",
        nargs="+",
        choices=list(libraries.LIBRARIES),
        help="default: every library (all must be installed)",
    )
    run.add_argument("--out", type=pathlib.Path, help="default: results/frameworks.json")
    run.add_argument(
        "--merge",
        action="store_true",
        help="keep the other activations' entries of the existing file (same versions only)",
    )
    show = sub.add_parser("show", help="print one activation's rows (or, without NAME, the verdict counts)")
    show.add_argument("name", nargs="?", metavar="NAME", help="an activation name or alias")
    show.add_argument("--file", type=pathlib.Path, help="default: results/frameworks.json")
    return parser


def _run(args: argparse.Namespace) -> int:
    from actref import catalog
    from actref.frameworks import measure

    names = [catalog.get(n).name for n in args.activations] if args.activations else None
    out = args.out or fw_results.RESULTS_PATH
    result = measure.run(names, args.libraries, log=lambda m: print(m, file=sys.stderr))
    if args.merge and pathlib.Path(out).is_file():
        old = fw_results.load(out)
        if old["provenance"]["versions"] != result["provenance"]["versions"]:
            print(
                "Not merged: the existing file was made with other library versions; run without --merge.",
                file=sys.stderr,
            )
            return 1
        result["activations"] = {**old["activations"], **result["activations"]}
    fw_results.write(result, out)
    counts = fw_results.verdict_counts(result)
    print(", ".join(f"{k}: {v}" for k, v in counts.items()))
    print(f"wrote {out}")
    return 0


def _fmt(v: float) -> str:
    return "0" if v == 0 else f"{v:.3g}"


def format_rows(name: str, entry: dict) -> str:
    if not entry["rows"]:
        return f"{name}: none of the measured libraries ships it ({', '.join(entry['not_shipped'])})."
    lines = [f"{name}: not shipped by {', '.join(entry['not_shipped']) or 'none of them'}", ""]
    header = f"{'library':13} {'call':48} {'verdict':21} {'max abs':>9} {'max rel':>9}  derivative"
    lines += [header, "-" * len(header)]
    for row in entry["rows"]:
        if row["verdict"] == "error":
            lines.append(f"{row['library']:13} {row['call']:48} error: {row['error']}")
            continue
        f = row["forward"]
        verdict = row["verdict"] + (
            f" ({', '.join(row['different_defaults'])})" if row["different_defaults"] else ""
        )
        alias = "  = " if row.get("alias_of") else ""
        lines.append(
            f"{row['library']:13} {alias + row['call']:48} {verdict:21} {_fmt(f['max_abs']):>9} "
            f"{_fmt(f['max_rel']):>9}  {row['derivative_verdict']}"
        )
        differ = row["conventions"]["differ"]
        if differ:
            vals = row["conventions"]["values"]
            lines.append(
                " " * 14
                + "conventions: "
                + "; ".join(f"{k} = {vals[k][0]} (actref {vals[k][1]})" for k in differ)
            )
        if row.get("note"):
            lines.append(" " * 14 + row["note"])
    return "\n".join(lines)


def _show(args: argparse.Namespace) -> int:
    from actref import catalog

    result = fw_results.load(args.file)
    if result is None:
        print(
            f"No results at {args.file or fw_results.RESULTS_PATH}; run `python -m actref frameworks run` first.",
            file=sys.stderr,
        )
        return 1
    prov = result["provenance"]
    print(f"Made {prov['created']} on {prov['device']}, keras backend {prov['keras_backend']}.")
    stale = fw_results.stale_reasons(result)
    if stale:
        print("STALE: " + "; ".join(stale))
    if args.name is None:
        counts = fw_results.verdict_counts(result)
        print(", ".join(f"{k}: {v}" for k, v in counts.items()))
        return 0
    name = catalog.get(args.name).name
    entry = result["activations"].get(name)
    if entry is None:
        print(f"{name} is not in {args.file or fw_results.RESULTS_PATH}.", file=sys.stderr)
        return 1
    print(format_rows(name, entry))
    return 0


def main(argv: list[str] | None = None) -> int:
    from actref.registry import UnknownActivation

    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return _run(args) if args.command == "run" else _show(args)
    except UnknownActivation as e:
        print(f"python -m actref frameworks: {e}", file=sys.stderr)
        return 2
    except libraries.MissingLibrary as e:
        print(f"python -m actref frameworks: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
