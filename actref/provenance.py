"""What every results file records about where and by what code it was made: content hashes of source, the git
commit, the CPU model. Shared by the measurements (experiments, frameworks), which may not import each other."""

from __future__ import annotations

import hashlib
import inspect
import platform
import subprocess
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def digest(*parts: str | bytes) -> str:
    """sha256 of the parts (each followed by a NUL), as 16 hex digits."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


def source_of(obj: Any) -> str:
    """The source of a Python function, or a stable name for one without source (a torch C function)."""
    try:
        return inspect.getsource(obj)
    except (OSError, TypeError):  # no repr: it may carry a memory address, different in every process
        name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or type(obj).__qualname__
        return f"{getattr(obj, '__module__', None) or ''}.{name}"


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


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (else what platform knows)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
