"""Results files: one JSON per experiment, written atomically, stamped with provenance and a config hash.

The config hash covers the config and the source of every file that shapes the numbers (the data loader, the
trainer and configs, the registry and the catalogue). A committed result whose hash no longer matches is shown
as stale. Presentation code (report.py, cli.py, stats.py) is left out: re-styling a table does not make
numbers stale.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import platform
import subprocess
from pathlib import Path

import torch

import actref
from actref.experiments.configs import ExperimentConfig
from actref.jsonfile import write_json_atomic  # noqa: F401  (results.write_json_atomic is the API here)

PACKAGE = Path(actref.__file__).resolve().parent
REPO = PACKAGE.parent
RESULTS_DIR = REPO / "results"
SMOKE_DIR = REPO / ".cache" / "experiments-smoke"
HASHED_SOURCES = (
    "data.py",
    "registry.py",
    "nn.py",
    "experiments/configs.py",
    "experiments/stacked.py",
    "experiments/runner.py",
    "catalog/*.py",
)


def source_files() -> list[Path]:
    """The files whose source is part of the config hash, in a stable order."""
    files: list[Path] = []
    for pattern in HASHED_SOURCES:
        files.extend(sorted(PACKAGE.glob(pattern)))
    return files


def config_hash(config: ExperimentConfig | dict) -> str:
    """sha256 (first 16 hex digits) of the config and the source of the code that produces its numbers."""
    data = config.to_dict() if isinstance(config, ExperimentConfig) else config
    h = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode())
    for path in source_files():
        h.update(path.relative_to(PACKAGE).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def git_commit() -> str | None:
    """HEAD's commit, with "-dirty" when tracked files differ from it; None outside a git checkout."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("-dirty" if dirty else "")


def device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return f"CPU ({platform.processor() or platform.machine()}, {os.cpu_count()} cores)"


def provenance(config: ExperimentConfig, device: torch.device, train_seconds: float, mode: str) -> dict:
    """Where, when and by what code the numbers were produced."""
    return {
        "device_name": device_name(device),
        "device_type": device.type,
        "torch": torch.__version__,
        "cuda": torch.version.cuda if device.type == "cuda" else None,
        "tf32": bool(device.type == "cuda" and torch.backends.cuda.matmul.allow_tf32),
        "actref": actref.__version__,
        "git_commit": git_commit(),
        "config_hash": config_hash(config),
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


def is_stale(result: dict, config: ExperimentConfig) -> bool:
    """True when the result was produced by another config or other code than the current one."""
    return result.get("provenance", {}).get("config_hash") != config_hash(config)
