"""Checkpoints of a long run, under .cache/checkpoints/<experiment>/: nothing is lost when a session stops.

Two kinds of file per variant, each written atomically (a temporary file renamed over the old one):
- `<variant>.done.json`: a finished variant's summary and runs, so a resumed run skips it;
- `<variant>.pt`: a variant in progress, saved every few minutes between epochs: the trainer's state_dict()
  (weights, optimizer state, data-order generators, metrics so far).
Each file carries the key of what made it (the variant's run hashes). A checkpoint with another key, or one
that cannot be read (truncated, corrupt), is refused with a message naming the file and the reason, and that
variant restarts from scratch: states are never mixed.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import torch

from actref.jsonfile import write_json_atomic

FORMAT = 1


class CheckpointRefused(Exception):
    """A checkpoint exists but cannot be used; the message says which file and why."""


def variant_key(run_hashes: list[str]) -> str:
    """The key of one variant's checkpoints: a hash of its runs' hashes (config, code, activations)."""
    return hashlib.sha256("\n".join(run_hashes).encode()).hexdigest()[:16]


class CheckpointDir:
    """The checkpoint directory of one experiment."""

    def __init__(self, directory: str | os.PathLike):
        self.directory = Path(directory)

    def _path(self, variant: str, suffix: str) -> Path:
        return self.directory / f"{variant}{suffix}"

    # ------------------------------------------------------------------ finished variants
    def save_done(self, variant: str, key: str, summary: dict, runs: list[dict]) -> Path:
        path = write_json_atomic(
            self._path(variant, ".done.json"),
            {"format": FORMAT, "key": key, "variant": summary, "runs": runs},
        )
        self._path(variant, ".pt").unlink(missing_ok=True)  # superseded
        return path

    def load_done(self, variant: str, key: str) -> tuple[dict, list[dict]] | None:
        """(summary, runs) of a finished variant, None if there is none; CheckpointRefused if unusable."""
        path = self._path(variant, ".done.json")
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text())
            found, summary, runs = data["key"], data["variant"], data["runs"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CheckpointRefused(f"{path} cannot be read ({type(exc).__name__}: {exc})") from exc
        if found != key:
            raise CheckpointRefused(f"{path} was made by other code or settings (key {found}, now {key})")
        return summary, runs

    # ------------------------------------------------------------------ variants in progress
    def save_progress(self, variant: str, key: str, state: dict) -> Path:
        path = self._path(variant, ".pt")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        try:
            torch.save({"format": FORMAT, "key": key, "state": state}, tmp)
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
        return path

    def load_progress(self, variant: str, key: str) -> dict | None:
        """The trainer state of a variant in progress, None if there is none; CheckpointRefused if unusable."""
        path = self._path(variant, ".pt")
        if not path.exists():
            return None
        try:
            data = torch.load(path, map_location="cpu", weights_only=True)
            found, state = data["key"], data["state"]
        except Exception as exc:  # torch.load raises many types on a truncated or foreign file
            raise CheckpointRefused(f"{path} cannot be read ({type(exc).__name__}: {exc})") from exc
        if found != key:
            raise CheckpointRefused(f"{path} was made by other code or settings (key {found}, now {key})")
        return state

    def discard(self, variant: str) -> None:
        for suffix in (".pt", ".done.json"):
            self._path(variant, suffix).unlink(missing_ok=True)

    def clear(self) -> None:
        """Remove every checkpoint of this experiment (after its results file is written)."""
        if self.directory.is_dir():
            for path in self.directory.iterdir():
                if path.suffix in (".pt", ".json", ".tmp"):
                    path.unlink(missing_ok=True)
            try:
                self.directory.rmdir()
            except OSError:
                pass
