"""Results files: one JSON per experiment, written atomically, stamped with provenance and per-run hashes.

Staleness is per run and follows what shapes that run's numbers, by content, never by path:
- `code_hash(arch)`: the source of the data loader, the trainer and the runner, the architecture's model (the CNN
  has a module of its own), and of the config functions that decide layer widths;
- `config_hash(config)`: that plus the config's training settings (not its title or description);
- `run_hash(config, variant, member)`: that plus the variant's settings, the member (activation, seed, init) and
  its activation's fingerprint (forward, built-in, initialisation, module, parameter defaults).
Editing one spec's forward makes that activation's runs stale, and only those; editing a summary, a paper title,
the site code or moving a file makes nothing stale.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import importlib.util
import json
import os
from pathlib import Path

import torch

from actref import catalog, version
from actref.experiments import configs
from actref.experiments.configs import ExperimentConfig, Member, Variant
from actref.jsonfile import write_json_atomic  # noqa: F401  (results.write_json_atomic is the API here)
from actref.provenance import cpu_model, git_commit
from actref.provenance import digest as _digest
from actref.provenance import source_of as _source
from actref.registry import Activation

PACKAGE = Path(__file__).resolve().parents[1]
REPO = PACKAGE.parent
RESULTS_DIR = REPO / "results"
SMOKE_DIR = REPO / ".cache" / "experiments-smoke"
# Prose fields of a config: editing them changes no number.
PROSE_FIELDS = ("title", "description", "reductions")


# The modules whose whole source shapes the numbers, by module name (their content is hashed, not their path):
# those every run uses, and those of one architecture only (a CNN change stales no MLP run).
TRAINING_MODULES = (
    "actref.data",
    "actref.experiments.stacked",
    "actref.experiments.models",
    "actref.experiments.runner",
)
ARCH_MODULES = {"mlp": (), "cnn": ("actref.experiments.cnn",)}


@functools.cache
def code_hash(arch: str = "mlp") -> str:
    """Hash of the source that turns a config into numbers for an architecture: data loading, the stacked
    trainer, the runner, the architecture's own model."""
    if arch not in ARCH_MODULES:
        raise ValueError(f"Unknown architecture {arch!r}; valid: {', '.join(ARCH_MODULES)}.")
    names = TRAINING_MODULES + ARCH_MODULES[arch]
    sources = [Path(importlib.util.find_spec(name).origin).read_bytes() for name in names]
    functions = (configs.layer_widths, configs.output_ratio, configs.parameter_count, configs.Variant.members)
    return _digest(*sources, *(_source(f) for f in functions))


def config_code_hash(config: ExperimentConfig) -> str:
    """The code hash of every architecture a config trains."""
    return _digest(*(code_hash(arch) for arch in sorted({v.arch for v in config.variants})))


def activation_fingerprint(spec: Activation) -> str:
    """Hash of what an activation contributes to a training run: forward, built-in, init, module, defaults."""
    return _digest(
        spec.forward_source(),
        _source(spec.builtin) if spec.builtin is not None else "",
        repr(spec.builtin_code),
        _source(spec.module_factory) if spec.module_factory is not None else "",
        json.dumps([spec.init.scheme, spec.init.gain]),
        json.dumps(spec.defaults, sort_keys=True, default=repr),
        repr(spec.elementwise),
    )


def training_settings(config: ExperimentConfig | dict) -> dict:
    """The config as a dict without its prose fields and without the variants' activation lists."""
    data_ = config.to_dict() if isinstance(config, ExperimentConfig) else dict(config)
    settings = {k: v for k, v in data_.items() if k not in (*PROSE_FIELDS, "variants", "seeds")}
    return settings


def config_hash(config: ExperimentConfig | dict) -> str:
    """sha256 (16 hex digits) of the config's training settings, all its variants and the trainer's code."""
    data_ = config.to_dict() if isinstance(config, ExperimentConfig) else dict(config)
    shaping = {k: v for k, v in data_.items() if k not in PROSE_FIELDS}
    return _digest(json.dumps(shaping, sort_keys=True, default=str), config_code_hash(config))


def _variant_settings(variant: Variant) -> dict:
    return {k: v for k, v in dataclasses.asdict(variant).items() if k not in ("activations", "inits")}


def run_hash(config: ExperimentConfig, variant: Variant, member: Member) -> str:
    """The hash a run must carry to be current: everything that shapes its numbers, and nothing else."""
    return _digest(
        code_hash(variant.arch),
        json.dumps(training_settings(config), sort_keys=True, default=str),
        json.dumps(_variant_settings(variant), sort_keys=True, default=str),
        json.dumps([member.activation, member.seed, member.init]),
        activation_fingerprint(catalog.get(member.activation)),
    )


def init_text(member: Member) -> str:
    """The initialisation a member uses, as written in its run: "scheme:gain"."""
    scheme, gain = member.init or (
        catalog.get(member.activation).init.scheme,
        catalog.get(member.activation).init.gain,
    )
    return f"{scheme}:{gain:.6g}"


def run_key(run: dict) -> tuple[str, str, int, str]:
    """(variant, activation, seed, init) of a run dict: how runs are matched with a config's members."""
    return (run.get("variant"), run["activation"], run["seed"], run.get("init", ""))


def expected_runs(config: ExperimentConfig) -> dict[tuple, str]:
    """Every run the config asks for, keyed like run_key(), → the run hash it must carry."""
    out = {}
    for variant in config.variants:
        for member in variant.members(config.seeds):
            key = (variant.name, member.activation, member.seed, init_text(member))
            out[key] = run_hash(config, variant, member)
    return out


def stale_runs(result: dict, config: ExperimentConfig) -> list[str]:
    """Labels ("variant/activation/seed") of the config's runs that are missing from `result` or were made by
    other code or settings. Empty when the result is current."""
    have = {run_key(r): r.get("run_hash") for r in result.get("runs", [])}
    out = []
    for key, want in expected_runs(config).items():
        if have.get(key) != want:
            variant, activation, seed, init = key
            out.append(f"{variant}/{activation}/seed {seed} ({init})")
    return out


def is_stale(result: dict, config: ExperimentConfig) -> bool:
    """True when any run of `config` is missing from the result or was produced by other code or settings."""
    return bool(stale_runs(result, config))


def device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return f"CPU ({cpu_model()}, {os.cpu_count()} cores)"


def matmul_precision(device: torch.device) -> str:
    """How the trainer's matmuls are computed: "tf32" (CUDA with TF32 allowed) or "fp32"."""
    if device.type == "cuda" and torch.backends.cuda.matmul.allow_tf32:
        return "tf32"
    return "fp32"


def provenance(config: ExperimentConfig, device: torch.device, train_seconds: float, mode: str) -> dict:
    """Where, when and by what code the numbers were produced."""
    return {
        "device_name": device_name(device),
        "device_type": device.type,
        "threads": torch.get_num_threads() if device.type == "cpu" else None,
        "torch": torch.__version__,
        "cuda": torch.version.cuda if device.type == "cuda" else None,
        "matmul_precision": matmul_precision(device),
        "tf32": matmul_precision(device) == "tf32",
        "actref": version.__version__,
        "git_commit": git_commit(),
        "config_hash": config_hash(config),
        "code_hash": config_code_hash(config),
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "train_seconds": round(train_seconds, 3),
        "mode": mode,
    }


def read_json(path: str | os.PathLike) -> dict | None:
    """The JSON at `path`, or None if there is none."""
    path = Path(path)
    if not path.is_file():
        return None
    return json.loads(path.read_text())


def result_path(name: str, directory: str | os.PathLike | None = None) -> Path:
    return Path(directory or RESULTS_DIR) / f"{name}.json"
