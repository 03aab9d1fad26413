"""Run an experiment config: train each variant's stack, and turn the outcome into a results dict."""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch

from actref import data as fashion
from actref.experiments import results
from actref.experiments.checkpoint import CheckpointDir, CheckpointRefused, variant_key
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


CHECKPOINT_ROOT = results.REPO / ".cache" / "checkpoints"
CHECKPOINT_SECONDS = (
    300.0  # a variant in progress is saved after the first epoch that ends this long after the last save
)


def checkpoint_dir(config: ExperimentConfig) -> Path:
    return CHECKPOINT_ROOT / config.name


def run_experiment(
    config: ExperimentConfig,
    device: str | torch.device | None = None,
    progress: bool | Callable[[int, int], None] = False,
    mode: str | None = None,
    checkpoints: str | os.PathLike | None = None,
    resume: bool = False,
    checkpoint_seconds: float = CHECKPOINT_SECONDS,
    on_epoch: Callable[[str, int], None] | None = None,
) -> dict:
    """Run every variant of `config` on `device`; returns the results dict (experiment, config, provenance,
    variants, runs). `progress=True` shows a tqdm bar over model-epochs with an ETA.

    With `checkpoints` (a directory), each finished variant is saved there, and a variant in progress every
    `checkpoint_seconds`; `resume=True` continues from what is there (otherwise it is ignored and replaced).
    `on_epoch(variant, epoch)` is called after every epoch (after any checkpoint of it).
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
    store = CheckpointDir(checkpoints) if checkpoints is not None else None
    try:
        if config.kind == "signal":
            _run_signal(config, device, runs, variants, advance)
        else:
            _run_training(
                config, device, runs, variants, advance, store, resume, checkpoint_seconds, on_epoch
            )
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


def _refused(exc: CheckpointRefused, variant: str) -> None:
    print(f"checkpoint refused: {exc}; restarting variant {variant!r} from scratch.", file=sys.stderr)


def _run_training(
    config, device, runs, variants, advance, store, resume, checkpoint_seconds, on_epoch
) -> None:
    dataset = fashion.load(device, subset=config.subset)
    for variant in config.variants:
        summary, variant_runs = _train_variant(
            config, variant, dataset, device, advance, store, resume, checkpoint_seconds, on_epoch
        )
        variants.append(summary)
        runs.extend(variant_runs)


def _train_variant(
    config, variant, dataset, device, advance, store, resume, checkpoint_seconds, on_epoch
) -> tuple[dict, list[dict]]:
    """Train one variant's stack (or take it from its finished checkpoint): its summary and its runs."""
    members = variant.members(config.seeds)
    n_models = len(members)
    hashes = [results.run_hash(config, variant, m) for m in members]
    key = variant_key(hashes)
    if store is not None and resume:
        try:
            done = store.load_done(variant.name, key)
        except CheckpointRefused as exc:
            _refused(exc, variant.name)
            store.discard(variant.name)
            done = None
        if done is not None:
            advance(n_models * config.epochs)
            return done
    model = build_model(members, variant.arch, variant.hidden).to(device)
    n_params = sum(p[0].numel() for p in model.parameters()) if variant.arch == "mlp" else None
    trainer = StackedTrainer(
        model,
        dataset.train_x,
        dataset.train_y,
        batch_size=config.batch_size,
        lr=variant.lr,
        optimizer=variant.optimizer,
    )
    state = None
    if store is not None and resume:
        try:
            state = store.load_progress(variant.name, key)
        except CheckpointRefused as exc:
            _refused(exc, variant.name)
            store.discard(variant.name)
    if state is not None:
        advance(n_models * state["progress"]["epochs_done"])
    else:
        # The global RNG feeds RReLU's training noise: seeded per variant, so a run is reproducible (and a
        # resumed one restores its state from the checkpoint).
        torch.manual_seed(int(key, 16))
    last_save = time.perf_counter()

    def after_epoch(epoch: int) -> None:
        nonlocal last_save
        advance(n_models)
        if store is not None and epoch + 1 < config.epochs:
            if time.perf_counter() - last_save >= checkpoint_seconds:
                store.save_progress(variant.name, key, trainer.state_dict())
                last_save = time.perf_counter()
        if on_epoch is not None:
            on_epoch(variant.name, epoch)

    outcome = trainer.train(
        config.epochs,
        (dataset.val_x, dataset.val_y),
        (dataset.test_x, dataset.test_y),
        measure=config.measure,
        on_epoch=after_epoch,
        resume=state,
    )
    summary = {
        "name": variant.name,
        "arch": variant.arch,
        "hidden": list(variant.hidden),
        "lr": variant.lr,
        "optimizer": variant.optimizer,
        "n_models": len(members),
        "params_per_model": n_params,
        "train_seconds": round(outcome.train_seconds, 3),
        "epoch_seconds": _clean(outcome.epoch_seconds),
        "steps_per_epoch": trainer.steps_per_epoch,
    }
    variant_runs = []
    for m, member in enumerate(members):
        init = member_init(member)
        run = {
            "activation": member.activation,
            "seed": member.seed,
            "variant": variant.name,
            "lr": variant.lr,
            "optimizer": variant.optimizer,
            "init": f"{init.scheme}:{init.gain:.6g}",
            "run_hash": hashes[m],
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
        variant_runs.append(run)
    if store is not None:
        store.save_done(variant.name, key, summary, variant_runs)
    return summary, variant_runs


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
                    "run_hash": results.run_hash(config, variant, member),
                    **{key: _clean(value[m]) for key, value in stats.items()},
                }
            )
        advance(len(members))
