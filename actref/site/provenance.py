"""What made a generated file: actref's version, the git commit (and whether it had local changes), the date."""

from __future__ import annotations

import datetime
import subprocess
from dataclasses import dataclass
from pathlib import Path

from actref.version import __version__

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Provenance:
    """What made a generated file: actref's version, the git commit (and whether it had local changes), when."""

    version: str
    commit: str
    dirty: bool
    date: str

    def describe(self) -> str:
        changes = " with local changes" if self.dirty else ""
        return f"actref {self.version}, git {self.commit}{changes}, {self.date}"

    @classmethod
    def current(cls) -> Provenance:
        def git(*args: str) -> str:
            try:
                done = subprocess.run(
                    ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=20, check=True
                )
            except (OSError, subprocess.SubprocessError):
                return ""
            return done.stdout.strip()

        commit = git("rev-parse", "--short=10", "HEAD") or "unknown commit"
        dirty = bool(git("status", "--porcelain", "--untracked-files=no", "--", "actref"))
        date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
        return cls(__version__, commit, dirty, date)
