"""Command line: `python -m actref {list,show,experiments,cost,frameworks} ...` and `python -m actref --version`."""

from __future__ import annotations

import sys

from actref.arguments import Parser
from actref.version import __version__


def _list(argv: list[str]) -> int:
    Parser(prog="python -m actref list", description="list every activation in the registry").parse_args(argv)
    from actref import catalog

    for spec in catalog.all_specs():
        aliases = f"  (aliases: {', '.join(spec.aliases)})" if spec.aliases else ""
        print(f"{spec.name:16} {spec.family:14} {spec.title}{aliases}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = {
        "list": ("list every activation in the registry", _list),
        "experiments": ("Fashion-MNIST experiments: list, run, show", "actref.experiments.cli"),
        "cost": ("speed and memory benchmarks: run, show", "actref.cost.cli"),
        "show": ("one activation: formula, derivative, properties, defaults, paper, page", "actref.show"),
        "frameworks": (
            "the same activation in torch, JAX, Keras, TF, timm, transformers, MLX: run, show",
            "actref.frameworks.cli",
        ),
    }
    if not argv or argv[0] not in commands:
        parser = Parser(prog="python -m actref")
        parser.add_argument("--version", action="version", version=f"actref {__version__}")
        parser.add_argument(
            "command",
            nargs="?",  # so that an unknown option is named before a missing command
            choices=list(commands),
            help="; ".join(f"{k}: {v[0]}" for k, v in commands.items()),
        )
        parser.parse_args(argv[:1])
        parser.error(f"a command is required; valid: {', '.join(commands)}")
    _, target = commands[argv[0]]
    if callable(target):
        return target(argv[1:])
    import importlib

    return importlib.import_module(target).main(argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
