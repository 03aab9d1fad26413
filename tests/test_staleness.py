"""A result goes stale only when the numbers would change: per run, by content, never by path or prose."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import actref
from actref.experiments import configs, results, runner
from actref.registry import REGISTRY


@pytest.fixture(scope="module")
def smoke_result():
    return runner.run_experiment(configs.get_config("smoke"), "cpu")


@pytest.fixture
def replace_spec():
    """Swap a registered spec for an edited copy for the duration of a test."""
    saved = {}

    def replace(name: str, **changes):
        spec = actref.get(name)
        saved.setdefault(name, spec)
        REGISTRY._specs[name] = dataclasses.replace(spec, **changes)

    yield replace
    REGISTRY._specs.update(saved)


def test_a_fresh_result_is_current(smoke_result):
    config = configs.get_config("smoke")
    assert results.stale_runs(smoke_result, config) == []
    assert all(
        r["run_hash"] == results.run_hash(config, config.variants[0], _member(r))
        for r in smoke_result["runs"]
    )


def _member(run):
    return configs.Member(run["activation"], run["seed"])


def test_prose_edits_leave_every_result_current(smoke_result, replace_spec):
    config = configs.get_config("smoke")
    for spec in actref.all_specs():
        replace_spec(
            spec.name,
            summary=spec.summary + " (edited)",
            paper=dataclasses.replace(spec.paper, title="Another title") if spec.paper else None,
            conventions="edited",
            related=(),
        )
    assert results.stale_runs(smoke_result, config) == []
    # Editing the config's title or description changes nothing either.
    retitled = dataclasses.replace(config, title="New title", description="New words")
    assert results.stale_runs(smoke_result, retitled) == []


def test_editing_one_forward_stales_only_that_activations_runs(smoke_result, replace_spec):
    config = configs.get_config("smoke")

    def edited_tanh(x):
        return torch.tanh(x) * 1.0  # another implementation: its numbers may differ

    replace_spec("tanh", forward=edited_tanh)
    stale = results.stale_runs(smoke_result, config)
    assert stale and all(label.startswith("mlp/tanh/") for label in stale)
    assert len(stale) == len(config.seeds)


@pytest.mark.parametrize(
    "change",
    [
        {"builtin": torch.nn.functional.silu},
        {"init": actref.Init("xavier", 1.0)},
    ],
    ids=["builtin", "init"],
)
def test_builtin_and_init_shape_the_run(smoke_result, replace_spec, change):
    replace_spec("gelu", **change)
    stale = results.stale_runs(smoke_result, configs.get_config("smoke"))
    assert stale and all("/gelu/" in label for label in stale)


def test_settings_that_shape_numbers_stale_everything(smoke_result):
    config = configs.get_config("smoke")
    for change in ({"epochs": 2}, {"batch_size": 64}, {"subset": (1000, 1000, 1000)}):
        other = dataclasses.replace(config, **change)
        assert len(results.stale_runs(smoke_result, other)) == len(smoke_result["runs"]), change


def test_a_missing_activation_is_reported_alone(smoke_result):
    """A newly registered activation has no runs yet: only its runs are listed, the others stay current."""
    config = configs.get_config("smoke")
    smaller = dict(smoke_result, runs=[r for r in smoke_result["runs"] if r["activation"] != "elu"])
    assert results.stale_runs(smaller, config) == [
        f"mlp/elu/seed 0 ({results.init_text(configs.Member('elu', 0))})"
    ]


def test_hashes_depend_on_content_not_paths(tmp_path):
    """A copy of the package somewhere else computes the same hashes: moving files stales nothing."""
    package = Path(actref.__file__).resolve().parent
    shutil.copytree(package, tmp_path / "moved" / "actref", ignore=shutil.ignore_patterns("__pycache__"))
    script = (
        "import json; from actref.experiments import configs, results\n"
        "c = configs.get_config('smoke'); v = c.variants[0]\n"
        "print(json.dumps([results.code_hash(), [results.run_hash(c, v, m) for m in v.members(c.seeds)]]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "moved")}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout
    moved_code, moved_runs = json.loads(out)
    config = configs.get_config("smoke")
    variant = config.variants[0]
    assert moved_code == results.code_hash()
    assert moved_runs == [results.run_hash(config, variant, m) for m in variant.members(config.seeds)]
    # and the copy really was imported from the new place
    where = subprocess.run(
        [sys.executable, "-c", "import actref; print(actref.__file__)"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout
    assert str(tmp_path / "moved") in where


# ---------------------------------------------------------------------------------------------- incremental runs
def test_only_stale_runs_train_and_the_rest_are_kept(smoke_result, replace_spec):
    """Editing one forward retrains only that activation's runs; every other run is kept byte for byte."""
    config = configs.get_config("smoke")
    replace_spec("tanh", forward=lambda x: torch.tanh(x) * 1.0)
    trained = []
    merged = runner.run_experiment(
        config, "cpu", previous=smoke_result, progress=lambda n, total: trained.append(total)
    )
    assert set(trained) == {len(config.seeds) * config.epochs}  # one activation's models, nothing else
    assert results.stale_runs(merged, config) == []
    old = {results.run_key(r): r for r in smoke_result["runs"]}
    for run in merged["runs"]:
        if run["activation"] == "tanh":
            assert run["run_hash"] != old[results.run_key(run)]["run_hash"]
        else:
            assert run == old[results.run_key(run)]
    assert merged["provenance"]["trained_now"] == len(config.seeds)
    assert merged["provenance"]["earlier"][0]["created"] == smoke_result["provenance"]["created"]
    (variant,) = merged["variants"]
    assert variant["n_models"] == len(smoke_result["runs"]) and variant["added"][0]["activations"] == ["tanh"]


def test_a_result_from_another_device_kind_is_not_merged(smoke_result):
    config = configs.get_config("smoke")
    gpu_made = {**smoke_result, "provenance": {**smoke_result["provenance"], "device_type": "cuda"}}
    assert runner.current_runs(gpu_made, config, torch.device("cpu")) == {}
    assert len(runner.current_runs(smoke_result, config, torch.device("cpu"))) == len(smoke_result["runs"])
    assert runner.still_to_train(config, runner.current_runs(smoke_result, config, torch.device("cpu"))) == {}


def test_a_cnn_change_stales_no_mlp_run(tmp_path):
    """The CNN has its own module and its own code hash: editing it leaves MLP runs current."""
    package = Path(actref.__file__).resolve().parent
    moved = tmp_path / "moved" / "actref"
    shutil.copytree(package, moved, ignore=shutil.ignore_patterns("__pycache__"))
    cnn = moved / "experiments" / "cnn.py"
    cnn.write_text(cnn.read_text() + "\n# an edit\n")
    script = (
        "import json; from actref.experiments import results\n"
        "print(json.dumps([results.code_hash('mlp'), results.code_hash('cnn')]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "moved")}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout
    mlp, cnn_hash = json.loads(out)
    assert mlp == results.code_hash("mlp")
    assert cnn_hash != results.code_hash("cnn")
    with pytest.raises(ValueError, match="valid: mlp, cnn"):
        results.code_hash("rnn")


def test_small_numbers_keep_their_digits():
    """Variances far below 1e-6 are stored with 9 significant digits, not rounded to 0."""
    values = [3.14159265e-9, 1.23456789e-12, 0.1 + 0.2, float("nan"), float("inf")]
    cleaned = runner._clean(values)
    assert cleaned[:3] == [pytest.approx(v, rel=1e-8) for v in values[:3]]
    assert cleaned[0] != 0 and cleaned[1] != 0 and cleaned[3:] == [None, None]


def test_a_run_leaves_ieee_arithmetic_behind(smoke_result):
    """Training flushes subnormals (faster on x86), but only while it runs: the process gets them back."""
    assert smoke_result["provenance"]["flush_denormal"] is True
    tiny = torch.tensor([1e-310], dtype=torch.float64)  # subnormal: below 2.2e-308
    assert (tiny * 2).item() == 2e-310
