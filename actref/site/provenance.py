"""What made a generated file: actref's version, the git commit (and whether it had local changes), the date."""

from __future__ import annotations

import datetime
import subprocess
from collections.abc import Callable
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

    def describe(self, translate: Callable[..., str] | None = None) -> str:
        """ "actref 0.1.0, git 0123456789, 2026-12-06"; `translate` (a Context's `_`) puts it in a page's
        language (its messages are in locale/zh/provenance.po)."""
        _ = translate or (lambda message, **fields: message.format(**fields) if fields else message)
        if self.dirty:
            return _(
                "actref {version}, git {commit} with local changes, {date}",
                version=self.version,
                commit=self.commit,
                date=self.date,
            )
        return _(
            "actref {version}, git {commit}, {date}", version=self.version, commit=self.commit, date=self.date
        )

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
