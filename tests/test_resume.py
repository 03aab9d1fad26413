"""Long runs survive interruption: a resumed run equals an uninterrupted one, bit for bit, and a corrupt or
mismatched checkpoint is refused and its variant restarted."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from actref.experiments import configs, runner
from actref.experiments.checkpoint import CheckpointDir, CheckpointRefused
from actref.experiments.configs import ExperimentConfig, Variant

TIMING = ("seconds", "train_seconds", "epoch_seconds")


class Interrupted(Exception):
    pass


def tiny(lr: float = 1e-3, optimizer: str = "adam") -> ExperimentConfig:
    """Two variants of two activations × two seeds, three epochs on a data subset: a second on the CPU."""
    return ExperimentConfig(
        name="tiny",
        title="tiny",
        description="resume test",
        variants=(
            Variant("a", ("relu", "rrelu"), hidden=(8, 8), lr=lr, optimizer=optimizer),
            Variant("b", ("prelu", "tanh"), hidden=(8,), lr=lr, optimizer=optimizer),
        ),
        seeds=(0, 1),
        epochs=3,
        batch_size=64,
        subset=(512, 128, 128),
        measure=("grad_norms", "dead_units"),
    )


def without_timing(result: dict) -> dict:
    def strip(d: dict) -> dict:
        return {k: v for k, v in d.items() if k not in TIMING}

    return {"runs": [strip(r) for r in result["runs"]], "variants": [strip(v) for v in result["variants"]]}


def run(config, store, resume=False, stop_at=None):
    def on_epoch(variant, epoch):
        if (variant, epoch) == stop_at:
            raise Interrupted

    return runner.run_experiment(
        config, "cpu", checkpoints=store, resume=resume, checkpoint_seconds=0.0, on_epoch=on_epoch
    )


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    return without_timing(run(tiny(), tmp_path_factory.mktemp("straight")))


@pytest.mark.parametrize("stop_at", [("a", 1), ("b", 0), ("b", 1)])
def test_resumed_run_equals_uninterrupted(tmp_path, uninterrupted, stop_at):
    with pytest.raises(Interrupted):
        run(tiny(), tmp_path, stop_at=stop_at)
    saved = sorted(p.name for p in tmp_path.iterdir())
    assert f"{stop_at[0]}.pt" in saved  # the variant in progress was checkpointed mid-way
    assert ("a.done.json" in saved) == (stop_at[0] == "b")
    resumed = run(tiny(), tmp_path, resume=True)
    assert without_timing(resumed) == uninterrupted
    # Training time adds up over the interrupted parts: every variant reports a positive total.
    assert all(v["train_seconds"] > 0 for v in resumed["variants"])


def test_sgd_resumes_too(tmp_path):
    config = tiny(lr=1e-2, optimizer="sgd")
    straight = without_timing(run(config, tmp_path / "s"))
    with pytest.raises(Interrupted):
        run(config, tmp_path / "i", stop_at=("a", 1))
    assert without_timing(run(config, tmp_path / "i", resume=True)) == straight


def test_without_resume_checkpoints_are_ignored(tmp_path, uninterrupted):
    with pytest.raises(Interrupted):
        run(tiny(), tmp_path, stop_at=("b", 0))
    assert without_timing(run(tiny(), tmp_path, resume=False)) == uninterrupted


def test_truncated_checkpoint_is_refused_and_the_variant_restarts(tmp_path, uninterrupted, capsys):
    with pytest.raises(Interrupted):
        run(tiny(), tmp_path, stop_at=("b", 1))
    pt = tmp_path / "b.pt"
    pt.write_bytes(pt.read_bytes()[: pt.stat().st_size // 2])
    with pytest.raises(CheckpointRefused, match=r"b\.pt cannot be read"):
        CheckpointDir(tmp_path).load_progress("b", "any")
    resumed = run(tiny(), tmp_path, resume=True)
    err = capsys.readouterr().err
    assert "checkpoint refused" in err and "b.pt cannot be read" in err and "restarting variant 'b'" in err
    assert without_timing(resumed) == uninterrupted


def test_checkpoint_of_another_config_is_refused(tmp_path, capsys):
    with pytest.raises(Interrupted):
        run(tiny(lr=3e-3), tmp_path, stop_at=("a", 1))
    with pytest.raises(Interrupted):  # the same directory, another learning rate: nothing may be reused
        run(tiny(), tmp_path, resume=True, stop_at=("a", 0))
    err = capsys.readouterr().err
    assert "a.pt was made by other code or settings" in err
    state = CheckpointDir(tmp_path).load_progress("a", runner.variant_key(_hashes(tiny(), "a")))
    assert state["progress"]["epochs_done"] == 1  # the refused state was replaced, not continued


def test_corrupt_done_file_is_refused(tmp_path, uninterrupted, capsys):
    with pytest.raises(Interrupted):
        run(tiny(), tmp_path, stop_at=("b", 0))
    (tmp_path / "a.done.json").write_text('{"format": 1, "key": ')
    assert without_timing(run(tiny(), tmp_path, resume=True)) == uninterrupted
    assert "a.done.json cannot be read" in capsys.readouterr().err


def test_results_file_only_when_complete(tmp_path, monkeypatch):
    from actref.experiments import cli, results

    monkeypatch.setattr(runner, "CHECKPOINT_ROOT", tmp_path / "ckpt")
    monkeypatch.setattr(configs, "CONFIGS", {**configs.CONFIGS, "tiny": tiny})
    out = tmp_path / "out"

    def interrupt(*args, **kwargs):
        kwargs["on_epoch"] = lambda v, e: (_ for _ in ()).throw(Interrupted()) if (v, e) == ("b", 1) else None
        kwargs["checkpoint_seconds"] = 0.0
        return real(*args, **kwargs)

    real = runner.run_experiment
    monkeypatch.setattr(runner, "run_experiment", interrupt)
    with pytest.raises(Interrupted):
        cli.main(["run", "--config", "tiny", "--device", "cpu", "--out", str(out)])
    assert not results.result_path("tiny", out).exists()
    assert (tmp_path / "ckpt" / "tiny" / "b.pt").exists()
    monkeypatch.setattr(runner, "run_experiment", real)
    assert cli.main(["run", "--config", "tiny", "--device", "cpu", "--out", str(out), "--resume"]) == 0
    written = results.read_json(results.result_path("tiny", out))
    assert len(written["runs"]) == 8 and not results.is_stale(written, tiny())
    assert not (tmp_path / "ckpt" / "tiny").exists()  # checkpoints are cleared once the file is written


def _hashes(config, variant_name):
    from actref.experiments import results

    variant = next(v for v in config.variants if v.name == variant_name)
    return [results.run_hash(config, variant, m) for m in variant.members(config.seeds)]


def test_state_dict_needs_a_started_run():
    from actref.experiments.stacked import StackedMLP, StackedTrainer

    members = [configs.Member("relu", 0)]
    trainer = StackedTrainer(
        StackedMLP(members, (4,)), torch.zeros(8, 784), torch.zeros(8, dtype=torch.long), 4
    )
    with pytest.raises(RuntimeError, match="train\\(\\) has not started"):
        trainer.state_dict()


def test_unknown_optimizer_names_the_valid_ones():
    with pytest.raises(ValueError, match="Unknown optimizer 'lbfgs'; valid: adam, sgd"):
        dataclasses.replace(tiny().variants[0], optimizer="lbfgs")
