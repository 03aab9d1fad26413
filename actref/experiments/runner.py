"""Run an experiment config: train each variant's stack, and turn the outcome into a results dict."""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable

import torch

from actref import data as fashion
from actref.experiments import results
from actref.experiments.configs import ExperimentConfig
from actref.experiments.stacked import (
    StackedTrainer,
    build_model,
    configure_device,
    member_init,
    signal_statistics,
)


def _clean(values) -> list:
    """Floats rounded for the file; non-finite values become None (JSON has no NaN)."""
    out = []
    for v in values:
        v = float(v)
        out.append(round(v, 6) if math.isfinite(v) else None)
    return out


def _number(v) -> float | None:
    return _clean([v])[0]


def default_device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def run_experiment(
    config: ExperimentConfig,
    device: str | torch.device | None = None,
    progress: bool | Callable[[int, int], None] = False,
    mode: str | None = None,
) -> dict:
    """Run every variant of `config` on `device`; returns the results dict (experiment, config, provenance,
    variants, runs). `progress=True` shows a tqdm bar over model-epochs with an ETA.
    """
    device = torch.device(device) if device is not None else default_device()
    if device.type == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(
            "--device cuda was asked for, but torch.cuda.is_available() is False on this machine."
        )
    configure_device(device)
    if config.kind == "signal":
        total = sum(len(v.members(config.seeds)) for v in config.variants)
    else:
        total = config.n_models * config.epochs
    bar = None
    if progress is True:
        from tqdm.auto import tqdm

        bar = tqdm(total=total, unit="model-epoch", desc=config.name, smoothing=0.1)

    def advance(n: int) -> None:
        if bar is not None:
            bar.update(n)
        elif callable(progress):
            progress(n, total)

    runs: list[dict] = []
    variants: list[dict] = []
    start = time.perf_counter()
    try:
        if config.kind == "signal":
            _run_signal(config, device, runs, variants, advance)
        else:
            _run_training(config, device, runs, variants, advance)
    finally:
        if bar is not None:
            bar.close()
    train_seconds = sum(v["train_seconds"] for v in variants)
    if mode is None:
        mode = "smoke" if config.smoke else ("gpu" if device.type == "cuda" else "cpu")
    return {
        "experiment": config.name,
        "config": config.to_dict(),
        "provenance": {
            **results.provenance(config, device, train_seconds, mode),
            "total_seconds": round(time.perf_counter() - start, 3),
        },
        "variants": variants,
        "runs": runs,
    }


def _advance_by(advance, n: int, _epoch: int) -> None:
    advance(n)


def _run_training(config, device, runs, variants, advance) -> None:
    dataset = fashion.load(device, subset=config.subset)
    for variant in config.variants:
        members = variant.members(config.seeds)
        n_models = len(members)
        model = build_model(members, variant.arch, variant.hidden).to(device)
        n_params = sum(p[0].numel() for p in model.parameters()) if variant.arch == "mlp" else None
        trainer = StackedTrainer(
            model, dataset.train_x, dataset.train_y, batch_size=config.batch_size, lr=variant.lr
        )
        outcome = trainer.train(
            config.epochs,
            (dataset.val_x, dataset.val_y),
            (dataset.test_x, dataset.test_y),
            measure=config.measure,
            on_epoch=functools.partial(_advance_by, advance, n_models),
        )
        variants.append(
            {
                "name": variant.name,
                "arch": variant.arch,
                "hidden": list(variant.hidden),
                "lr": variant.lr,
                "n_models": len(members),
                "params_per_model": n_params,
                "train_seconds": round(outcome.train_seconds, 3),
                "epoch_seconds": _clean(outcome.epoch_seconds),
                "steps_per_epoch": trainer.steps_per_epoch,
            }
        )
        for m, member in enumerate(members):
            init = member_init(member)
            run = {
                "activation": member.activation,
                "seed": member.seed,
                "variant": variant.name,
                "lr": variant.lr,
                "init": f"{init.scheme}:{init.gain:.6g}",
                "test_acc": _number(outcome.test_acc[m]),
                "val_acc": _number(outcome.val_acc[m, -1]) if config.epochs else None,
                "diverged": bool(outcome.diverged[m]),
                "curve": _clean(outcome.val_acc[m]),
                "train_loss": _clean(outcome.train_loss[m]),
                "seconds": round(outcome.train_seconds / len(members), 5),
            }
            if outcome.grad_norms_init is not None:
                run["grad_norms_init"] = _clean(outcome.grad_norms_init[m])
                run["grad_norms_epoch1"] = _clean(outcome.grad_norms_epoch1[m])
            if outcome.dead_fraction is not None:
                run["dead_fraction"] = _number(outcome.dead_fraction[m])
            runs.append(run)


def _run_signal(config, device, runs, variants, advance) -> None:
    for variant in config.variants:
        members = variant.members(config.seeds)
        t0 = time.perf_counter()
        stats = signal_statistics(
            members, len(variant.hidden), variant.hidden[0], config.signal_batch, device=device
        )
        seconds = time.perf_counter() - t0
        variants.append({"name": variant.name, "n_models": len(members), "train_seconds": round(seconds, 3)})
        for m, member in enumerate(members):
            init = member_init(member)
            runs.append(
                {
                    "activation": member.activation,
                    "seed": member.seed,
                    "variant": variant.name,
                    "init": f"{init.scheme}:{init.gain:.6g}",
                    **{key: _clean(value[m]) for key, value in stats.items()},
                }
            )
        advance(len(members))
