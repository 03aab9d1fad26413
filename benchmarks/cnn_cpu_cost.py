"""What the fashion_mnist_cnn experiment would cost on this machine: a few timed steps of a stack of its CNNs.

Builds the experiment's stacked CNN for the first N activations (one seed each), times `--steps` training steps
after one warm-up step, and extrapolates to the full config (every activation × 5 seeds × 20 epochs of 390 steps).
The CNN's per-model cost does not shrink with a bigger stack on the CPU (its grouped convolutions run model by
model), so a small stack gives a fair estimate.

    python benchmarks/cnn_cpu_cost.py [--threads 2] [--models 7] [--steps 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from actref import data as fashion
from actref.experiments.cnn import StackedCNN
from actref.experiments.configs import Member, get_config
from actref.experiments.results import device_name
from actref.experiments.stacked import StackedTrainer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--models", type=int, default=7)
    parser.add_argument("--steps", type=int, default=3)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    config = get_config("fashion_mnist_cnn")
    variant = config.variants[0]
    members = [Member(a, 0) for a in variant.activations[: args.models]]
    d = fashion.load("cpu")
    trainer = StackedTrainer(StackedCNN(members, tuple(variant.hidden)), d.train_x, d.train_y)
    trainer.begin_epoch()
    trainer.step()
    start = time.perf_counter()
    for _ in range(args.steps):
        trainer.step()
    step = (time.perf_counter() - start) / args.steps
    per_model_epoch = step * trainer.steps_per_epoch / len(members)
    total = per_model_epoch * config.n_models * config.epochs
    print(f"device: {device_name(torch.device('cpu'))}, {args.threads} thread(s), torch {torch.__version__}")
    print(
        f"{len(members)} stacked CNNs: {step:.2f} s per step → {per_model_epoch:.0f} s per model-epoch; "
        f"fashion_mnist_cnn ({config.n_models} models × {config.epochs} epochs) ≈ {total / 3600:.0f} h here"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
