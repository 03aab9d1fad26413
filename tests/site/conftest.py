"""One site build per test session, shared by the page, docs-code and browser tests."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class BuiltSite:
    site_dir: Path
    log: str
    seconds: float


def _mkdocs_env() -> dict[str, str]:
    env = dict(os.environ)
    env["ACTREF_EXPERIMENTS"] = "smoke"
    env["NO_MKDOCS_2_WARNING"] = "1"
    return env


@pytest.fixture(scope="session")
def mkdocs_env() -> dict[str, str]:
    """The environment of a test build: experiments in smoke mode, no advertising banner."""
    return _mkdocs_env()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> BuiltSite:
    """`mkdocs build --strict` of the real docs into a temporary directory (fails the tests that use it)."""
    import time

    site_dir = tmp_path_factory.mktemp("site")
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=REPO_ROOT,
        env=_mkdocs_env(),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    seconds = time.perf_counter() - start
    log = done.stdout + done.stderr
    if done.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed (exit {done.returncode}):\n{log[-6000:]}")
    return BuiltSite(site_dir, log, seconds)
