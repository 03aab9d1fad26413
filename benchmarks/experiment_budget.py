"""Each experiment config's estimated wall time on this machine, from a cold start, against the 90-minute budget.

For every config (or the ones named), builds each variant's real stack, times a few training steps and one
validation pass (actref.experiments.budget), and extrapolates to the whole schedule. `experiments run` makes
the same estimate before it trains, and refuses a config over the budget unless given --allow-long.

    python benchmarks/experiment_budget.py [--threads 2] [--steps 5] [CONFIG ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from actref.experiments import budget
from actref.experiments.configs import CONFIGS, get_config
from actref.experiments.results import device_name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("configs", nargs="*", choices=[[], *CONFIGS], metavar="CONFIG")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--steps", type=int, default=5)
    args = parser.parse_args(argv)
    if args.threads < 1:
        parser.error(f"--threads must be ≥ 1, got {args.threads}")
    torch.set_num_threads(args.threads)
    print(f"device: {device_name(torch.device('cpu'))}, {args.threads} thread(s), torch {torch.__version__}")
    for name in args.configs or [n for n in CONFIGS if n != "smoke"]:
        config = get_config(name)
        start = time.perf_counter()
        estimates = budget.estimate(config, "cpu", steps=args.steps)
        print(budget.describe(config, estimates), f"(estimated in {time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
