"""Run an experiment config: train each variant's stack, and turn the outcome into a results dict."""

from __future__ import annotations

import dataclasses
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
from actref.experiments.configs import ExperimentConfig, Variant
from actref.experiments.models import build_model
from actref.experiments.stacked import (
    StackedTrainer,
    configured,
    member_init,
    signal_statistics,
)

SIGNIFICANT_DIGITS = 9  # enough to round-trip every float32 exactly; a variance of 1e-9 keeps its digits


def _clean(values) -> list:
    """Floats to 9 significant digits for the file; non-finite values become None (JSON has no NaN)."""
    out = []
    for v in values:
        v = float(v)
        out.append(float(f"{v:.{SIGNIFICANT_DIGITS}g}") if math.isfinite(v) else None)
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
    previous: dict | None = None,
) -> dict:
    """Run every variant of `config` on `device`; returns the results dict (experiment, config, provenance,
    variants, runs). `progress=True` shows a tqdm bar over model-epochs with an ETA.

    With `checkpoints` (a directory), each finished variant is saved there, and a variant in progress every
    `checkpoint_seconds`; `resume=True` continues from what is there (otherwise it is ignored and replaced).
    `on_epoch(variant, epoch)` is called after every epoch (after any checkpoint of it).

    With `previous` (an earlier results dict of this config, made on the same kind of device with the same
    matmul precision), its current runs are kept and only the missing or stale ones train: a new activation
    trains alone, and joins the file beside the others.
    """
    device = torch.device(device) if device is not None else default_device()
    if device.type == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(
            "--device cuda was asked for, but torch.cuda.is_available() is False on this machine."
        )
    with configured(device) as device_settings:
        return _run_configured(
            config,
            device,
            progress,
            mode,
            checkpoints,
            resume,
            checkpoint_seconds,
            on_epoch,
            previous,
            device_settings,
        )


def _run_configured(
    config,
    device,
    progress,
    mode,
    checkpoints,
    resume,
    checkpoint_seconds,
    on_epoch,
    previous,
    device_settings,
) -> dict:
    kept = current_runs(previous, config, device)
    todo = still_to_train(config, kept)
    to_run = dataclasses.replace(config, variants=tuple(todo.values()))
    if config.kind == "signal":
        total = sum(len(v.members(config.seeds)) for v in to_run.variants)
    else:
        total = to_run.n_models * config.epochs
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
            _run_signal(to_run, device, runs, variants, advance)
        else:
            _run_training(
                to_run, device, runs, variants, advance, store, resume, checkpoint_seconds, on_epoch
            )
    finally:
        if bar is not None:
            bar.close()
    train_seconds = sum(v["train_seconds"] for v in variants)
    if mode is None:
        mode = "smoke" if config.smoke else ("gpu" if device.type == "cuda" else "cpu")
    provenance = {
        **results.provenance(config, device, train_seconds, mode),
        **device_settings,
        "total_seconds": round(time.perf_counter() - start, 3),
    }
    if kept:
        runs, variants, provenance = _merge(config, previous, kept, runs, variants, provenance)
    return {
        "experiment": config.name,
        "config": config.to_dict(),
        "provenance": provenance,
        "variants": variants,
        "runs": runs,
    }


def current_runs(previous: dict | None, config: ExperimentConfig, device: torch.device) -> dict[tuple, dict]:
    """The runs of `previous` that `config` still wants as they are (same hash), keyed like results.run_key.

    Nothing is kept from a file made on another kind of device or at another matmul precision: one table mixes
    no GPU and CPU numbers.
    """
    if not previous or previous.get("experiment") != config.name:
        return {}
    p = previous.get("provenance", {})
    if p.get("device_type") != device.type or p.get("matmul_precision") != results.matmul_precision(device):
        return {}
    wanted = results.expected_runs(config)
    return {
        results.run_key(r): r
        for r in previous.get("runs", [])
        if wanted.get(results.run_key(r)) == r.get("run_hash")
    }


def still_to_train(config: ExperimentConfig, kept: dict[tuple, dict]) -> dict[str, Variant]:
    """Variant name → the variant restricted to the activations with a run not in `kept` (all its seeds)."""
    todo = {}
    for variant in config.variants:
        inits = variant.inits or (None,) * len(variant.activations)
        missing = [
            (activation, init)
            for activation, init in zip(variant.activations, inits, strict=True)
            if any(
                (variant.name, m.activation, m.seed, results.init_text(m)) not in kept
                for m in dataclasses.replace(variant, activations=(activation,), inits=(init,)).members(
                    config.seeds
                )
            )
        ]
        if missing:
            todo[variant.name] = dataclasses.replace(
                variant,
                activations=tuple(a for a, _ in missing),
                inits=tuple(i for _, i in missing) if variant.inits else None,
            )
    return todo


def _merge(config, previous, kept, runs, variants, provenance) -> tuple[list, list, dict]:
    """The kept runs and the new ones in the config's order; one summary per variant; both provenances."""
    new = {results.run_key(r): r for r in runs}
    order = list(results.expected_runs(config))
    merged_runs = [new.get(k) or kept[k] for k in order if k in new or k in kept]
    old_variants = {v["name"]: v for v in previous.get("variants", [])}
    new_variants = {v["name"]: v for v in variants}
    merged_variants = []
    for variant in config.variants:
        old, fresh = old_variants.get(variant.name), new_variants.get(variant.name)
        if old is None or fresh is None:
            merged_variants.append(fresh or old)
            continue
        part = {
            "activations": list(dict.fromkeys(r["activation"] for r in runs if r["variant"] == variant.name))
        }
        part["train_seconds"] = fresh["train_seconds"]
        part["created"] = provenance["created"]
        merged_variants.append(
            {
                **old,
                "n_models": sum(r["variant"] == variant.name for r in merged_runs),
                "train_seconds": round(old["train_seconds"] + fresh["train_seconds"], 3),
                "added": [*old.get("added", []), part],
            }
        )
    earlier = dict(previous["provenance"])
    merged_provenance = {
        **provenance,
        "train_seconds": round(sum(v["train_seconds"] for v in merged_variants), 3),
        "earlier": [*earlier.pop("earlier", []), earlier],
        "trained_now": len(runs),
    }
    return merged_runs, merged_variants, merged_provenance


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
    trainable = [p for p in model.parameters() if p.requires_grad]  # a unit's own copy is frozen
    n_params = sum(p[0].numel() for p in trainable) if variant.arch == "mlp" else None
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
            run["grad_norms_final"] = _clean(outcome.grad_norms_final[m])
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
