"""The content-hash cache of generated files: a file is redrawn only when the hash of its inputs changes."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

ACTREF_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = ACTREF_DIR.parent


def cache_root_dir(project_root: Path) -> Path:
    """Where generated files are cached: $ACTREF_CACHE_DIR, or <project>/.cache (gitignored)."""
    return Path(os.environ.get("ACTREF_CACHE_DIR") or project_root / ".cache")


def source_files(package_dir: Path = ACTREF_DIR) -> list[Path]:
    """Every Python source file of the actref package (figures, catalogue, everything that makes output)."""
    return sorted(p for p in package_dir.rglob("*.py") if "__pycache__" not in p.parts)


def source_digest(package_dir: Path = ACTREF_DIR) -> str:
    """A hash of actref's source files and of the library versions that draw and compute with them."""
    import matplotlib
    import torch

    h = hashlib.sha256()
    h.update(f"torch={torch.__version__};matplotlib={matplotlib.__version__}\n".encode())
    for path in source_files(package_dir):
        h.update(path.relative_to(package_dir).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def _canonical(obj: Any) -> Any:
    """A JSON-ready form of `obj` that does not depend on dict or set ordering."""
    if isinstance(obj, dict):
        return ["dict", sorted(([_canonical(k), _canonical(v)] for k, v in obj.items()), key=repr)]
    if isinstance(obj, (list, tuple)):
        return [type(obj).__name__, [_canonical(v) for v in obj]]
    if isinstance(obj, (set, frozenset)):
        return ["set", sorted((_canonical(v) for v in obj), key=repr)]
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, Path):
        return ["path", obj.as_posix()]
    return ["repr", repr(obj)]


def asset_key(name: str, inputs: Any, digest: str) -> str:
    """The cache key of a generated file: a hash of its name, its inputs and the actref source digest.

    `inputs` may nest dicts, lists, tuples, sets and scalars; anything else enters by its repr, which must
    then be deterministic.
    """
    payload = json.dumps([name, _canonical(inputs), digest])
    return hashlib.sha256(payload.encode()).hexdigest()
