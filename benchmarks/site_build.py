"""Time a cold site build (empty cache) and a warm rebuild; prints both.

Usage: .venv/bin/python benchmarks/site_build.py [--keep]
The cold build uses a fresh temporary cache (ACTREF_CACHE_DIR), so the project's .cache/ is left alone;
both builds go to a temporary site directory. Goal: warm rebuild ≤ 30 s on the 2-core development machine.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def build(site_dir: Path, cache_dir: Path) -> tuple[float, str]:
    env = {**os.environ, "ACTREF_CACHE_DIR": str(cache_dir), "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    log = done.stdout + done.stderr
    if done.returncode != 0:
        raise SystemExit(f"mkdocs build failed:\n{log[-4000:]}")
    return seconds, log


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="print the temporary directories and keep them")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="actref-site-bench-"))
    cache = tmp / "cache"
    cold, cold_log = build(tmp / "site-cold", cache)
    warm, warm_log = build(tmp / "site-warm", cache)
    for label, seconds, log in (("cold", cold, cold_log), ("warm", warm, warm_log)):
        m = re.search(r"actref: (\d+) generated files drawn, (\d+) reused", log)
        drawn = f" ({m.group(1)} generated files drawn, {m.group(2)} reused)" if m else ""
        print(f"{label} build: {seconds:6.1f} s{drawn}")
    pages = len(list((tmp / "site-warm").rglob("index.html")))
    print(
        f"pages: {pages}; cpu cores: {os.cpu_count()}; warm goal ≤ 30 s: {'met' if warm <= 30 else 'NOT met'}"
    )
    if args.keep:
        print(f"kept {tmp}")
    else:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
