"""How long a config will train on this machine: a few timed steps of each variant's real stack, extrapolated.

Every committed experiment must finish in BUDGET_SECONDS of wall time on the 2-core CPU machine this project
runs on (issue 15): `experiments run` prints the estimate first and refuses a longer config unless asked.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

import torch

from actref import data as fashion
from actref.experiments.configs import ExperimentConfig
from actref.experiments.models import build_model
from actref.experiments.stacked import StackedTrainer, configured

BUDGET_SECONDS = 90 * 60


@dataclass(frozen=True)
class VariantEstimate:
    name: str
    n_models: int
    step_seconds: float  # one training step of the whole stack
    eval_seconds: float  # one validation pass of the whole stack
    seconds: float  # the variant's estimated wall time: every epoch's steps and validation, and the test pass


def estimate(
    config: ExperimentConfig, device: str | torch.device = "cpu", steps: int = 5
) -> list[VariantEstimate]:
    """Per variant, the estimated wall time of `config` on `device`, from `steps` timed steps after a warm-up.

    A signal config (statistics at initialisation, no training) costs seconds and is estimated as 0.
    """
    device = torch.device(device)
    with configured(device):
        return _estimate(config, device, steps)


def _estimate(config: ExperimentConfig, device: torch.device, steps: int) -> list[VariantEstimate]:
    if config.kind == "signal" or config.epochs == 0:
        return [VariantEstimate(v.name, len(v.members(config.seeds)), 0.0, 0.0, 0.0) for v in config.variants]
    dataset = fashion.load(device, subset=config.subset)
    out = []
    for variant in config.variants:
        members = variant.members(config.seeds)
        model = build_model(members, variant.arch, variant.hidden).to(device)
        trainer = StackedTrainer(
            model,
            dataset.train_x,
            dataset.train_y,
            batch_size=config.batch_size,
            lr=variant.lr,
            optimizer=variant.optimizer,
            use_graph=False,
        )
        trainer.begin_epoch()
        trainer.step()  # warm-up: first-call allocations are not part of the steady state
        times = []
        for _ in range(steps):
            start = time.perf_counter()
            trainer.step()
            times.append(time.perf_counter() - start)
        step_seconds = statistics.median(times)  # the median resists a step slowed by another process
        n_eval = min(len(dataset.val_y), 2048)
        start = time.perf_counter()
        trainer.accuracy(dataset.val_x[:n_eval], dataset.val_y[:n_eval])
        eval_seconds = (time.perf_counter() - start) * len(dataset.val_y) / n_eval
        seconds = config.epochs * (trainer.steps_per_epoch * step_seconds + eval_seconds)
        seconds += eval_seconds * len(dataset.test_y) / len(dataset.val_y)
        out.append(VariantEstimate(variant.name, len(members), step_seconds, eval_seconds, seconds))
    return out


def total_seconds(estimates: list[VariantEstimate]) -> float:
    return sum(e.seconds for e in estimates)


def describe(config: ExperimentConfig, estimates: list[VariantEstimate]) -> str:
    """One line per variant and a total, in minutes, against the budget."""
    lines = [
        f"  {e.name:14} {e.n_models:4} models  {e.step_seconds * 1000:8.1f} ms/step  ≈ {e.seconds / 60:6.1f} min"
        for e in estimates
    ]
    total = total_seconds(estimates)
    verdict = "within" if total <= BUDGET_SECONDS else "OVER"
    lines.append(
        f"{config.name}: ≈ {total / 60:.1f} min estimated, {verdict} the {BUDGET_SECONDS // 60}-minute budget"
    )
    return "\n".join(lines)
