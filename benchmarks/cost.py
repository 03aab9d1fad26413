"""Benchmark: what each elementwise activation costs, per implementation; prints the table.

Usage (same options as `python -m actref cost run`):
    python benchmarks/cost.py                       # cuda if available (2^26 elements), else cpu (2^22)
    python benchmarks/cost.py --device cpu --activations relu silu gelu
It writes results/cost.json (cuda) or results/cost_cpu.json unless --out says otherwise. Not a test: it
asserts nothing about timings.
"""

import sys

from actref.cost import cli as cost_cli

if __name__ == "__main__":
    raise SystemExit(cost_cli.main(["run", *sys.argv[1:]]))
