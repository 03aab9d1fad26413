"""Time a cold site build (nothing cached) and a warm rebuild of both languages, in one run; prints both, per page.

Usage: .venv/bin/python benchmarks/site_build.py [--in-place] [--keep]
By default both builds run in a fresh copy of the working tree (tracked and untracked files, no .cache/), as CI
builds: the cold build draws every figure, computes the guides' numbers and executes the notebooks. With
--in-place they run in this checkout with a temporary ACTREF_CACHE_DIR. ACTREF_EXPERIMENTS is passed through:
unset, the build is the one `make site` runs (experiments from results/ on a CPU); `ACTREF_EXPERIMENTS=smoke`
measures the tests' build, which also trains the smoke experiments.
One `mkdocs build` makes both languages (mkdocs-static-i18n: English at the site root, then a second MkDocs
build for zh/). Goals (issue 18), per page of both languages together: warm ≤ 0.12 s, cold ≤ 0.6 s. Wall times
depend on what else runs, so the load average is printed with them, and the CPU time (this build's processes
only) beside.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
GOALS = {"cold": 0.6, "warm": 0.12}  # seconds per page, both languages together
LANGUAGES = ("en", "zh")  # mkdocs.yml's; the first is at the site root, the others in LANG/


def copy_tree(dest: Path) -> Path:
    """The working tree's files (tracked and untracked, not ignored) copied to `dest`; node_modules linked."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for rel in filter(None, listed):
        src = REPO_ROOT / os.fsdecode(rel)
        if src.is_file():
            target = dest / os.fsdecode(rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
    (dest / "node_modules").symlink_to(REPO_ROOT / "node_modules")
    return dest


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(root: Path, site_dir: Path, cache_dir: Path) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, log) of one `mkdocs build --strict` of `root`."""
    env = {
        **os.environ,
        "ACTREF_CACHE_DIR": str(cache_dir),
        "NO_MKDOCS_2_WARNING": "1",
    }
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    log = done.stdout + done.stderr
    if done.returncode != 0:
        raise SystemExit(f"mkdocs build failed:\n{log[-4000:]}")
    return seconds, _children_cpu() - cpu, log


def _load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def page_counts(site_dir: Path) -> dict[str, int]:
    """Pages (index.html files) per language: LANG/ for the others, the rest of the site for the first."""
    pages = [p.relative_to(site_dir).parts for p in site_dir.rglob("index.html")]
    others = LANGUAGES[1:]
    counts = {lang: sum(1 for parts in pages if parts[0] == lang) for lang in others}
    counts[LANGUAGES[0]] = sum(1 for parts in pages if parts[0] not in others)
    return {lang: counts[lang] for lang in LANGUAGES}


def generated_counts(log: str) -> str:
    """'en 235 drawn, 0 reused; zh 96 drawn, 139 reused' from the hook's log lines (one per language build)."""
    found = re.findall(r"actref: (\d+) generated files drawn, (\d+) reused from \S+ \((\w+) build\)", log)
    return "; ".join(f"{lang} {drawn} drawn, {reused} reused" for drawn, reused, lang in found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--in-place", action="store_true", help="build this checkout, not a fresh copy")
    parser.add_argument("--keep", action="store_true", help="print the temporary directory and keep it")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="actref-site-bench-"))
    root = REPO_ROOT if args.in_place else copy_tree(tmp / "tree")
    cache = tmp / "cache"
    print(
        f"building {'this checkout' if args.in_place else 'a fresh copy of the working tree'}; "
        f"cpu cores: {os.cpu_count()}; ACTREF_EXPERIMENTS={os.environ.get('ACTREF_EXPERIMENTS', '(unset)')}"
    )
    results = {}
    for label in ("cold", "warm"):
        before = _load()
        wall, cpu, log = build(root, tmp / f"site-{label}", cache)
        counts = page_counts(tmp / f"site-{label}")
        pages = sum(counts.values())
        results[label] = wall / pages
        print(
            f"{label} build: {wall:6.1f} s wall, {cpu:6.1f} s CPU, {wall / pages:.3f} s per page "
            f"({', '.join(f'{n} {lang}' for lang, n in counts.items())} pages); generated files: "
            f"{generated_counts(log)}; load average {before} → {_load()}"
        )
    goals = ", ".join(
        f"{label} ≤ {goal:g} s per page {'met' if results[label] <= goal else 'NOT met'}"
        for label, goal in GOALS.items()
    )
    print(f"goals: {goals}")
    if args.keep:
        print(f"kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
