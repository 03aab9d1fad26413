"""What the fashion_mnist_cnn experiment costs on this machine, and which form of the stacked CNN is fastest here.

Part 1 times one forward + backward of the CNN's two convolution layers (with ReLU and max-pooling) for a
stack of M models (default: one per activation of the config), in four forms, interleaved round by round so that a busy machine slows them alike:
- grouped: one grouped convolution over the models (groups = M), NCHW;
- grouped, channels_last: the same with NHWC tensors — what actref.experiments.cnn does (the fastest here);
- grouped, no oneDNN: the same with torch.backends.mkldnn disabled (ATen's own kernels);
- loop: one ordinary convolution per model.
Part 2 times whole training steps of the experiment's real stack (actref.experiments.cnn.StackedCNN) and
extrapolates to the config's schedule.

    python benchmarks/cnn_cpu_cost.py [--threads 2] [--rounds 5] [--steps 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from actref.experiments import budget
from actref.experiments.configs import get_config
from actref.experiments.results import device_name


def conv_forms(models: int, channels: tuple[int, int], batch: int):
    """name → a function running forward + backward of the two conv layers for the stack."""
    c1, c2 = channels
    x = torch.randn(batch, models, 28, 28)
    w1 = torch.randn(models * c1, 1, 3, 3, requires_grad=True)
    w2 = torch.randn(models * c2, c1, 3, 3, requires_grad=True)

    def grouped(memory_format=torch.contiguous_format):
        h = x.contiguous(memory_format=memory_format)
        h = F.max_pool2d(F.relu(F.conv2d(h, w1, padding=1, groups=models)), 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, w2, padding=1, groups=models)), 2)
        h.sum().backward()

    def no_onednn():
        with torch.backends.mkldnn.flags(enabled=False):
            grouped()

    def loop():
        out = []
        for m in range(models):
            h = x[:, m : m + 1]
            h = F.max_pool2d(F.relu(F.conv2d(h, w1[m * c1 : (m + 1) * c1], padding=1)), 2)
            h = F.max_pool2d(F.relu(F.conv2d(h, w2[m * c2 : (m + 1) * c2], padding=1)), 2)
            out.append(h)
        torch.cat(out, 1).sum().backward()

    return {
        "grouped (NCHW)": grouped,
        "grouped, channels_last": lambda: grouped(torch.channels_last),
        "grouped, no oneDNN": no_onednn,
        "loop over models": loop,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument(
        "--models", type=int, help="stack size for part 1 (default: one model per activation)"
    )
    args = parser.parse_args(argv)
    if args.threads < 1 or args.rounds < 1 or args.steps < 1 or (args.models is not None and args.models < 1):
        parser.error("--threads, --rounds, --steps and --models must each be ≥ 1")
    torch.set_num_threads(args.threads)
    config = get_config("fashion_mnist_cnn")
    variant = config.variants[0]
    models = args.models or len(variant.activations)
    print(f"device: {device_name(torch.device('cpu'))}, {args.threads} thread(s), torch {torch.__version__}")
    forms = conv_forms(models, tuple(variant.hidden), config.batch_size)
    times: dict[str, list[float]] = {name: [] for name in forms}
    for fn in forms.values():  # warm-up
        fn()
    for _ in range(args.rounds):
        for name, fn in forms.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    base = statistics.median(times["grouped (NCHW)"])
    print(
        f"conv layers, forward + backward, {models} models × channels {tuple(variant.hidden)}, batch {config.batch_size}:"
    )
    for name, t in times.items():
        med = statistics.median(t)
        print(f"  {name:24} {1000 * med:8.1f} ms (median of {args.rounds})  {med / base:5.2f}× grouped")
    estimates = budget.estimate(config, "cpu", steps=args.steps)
    print(budget.describe(config, estimates))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
