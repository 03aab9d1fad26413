"""The Explorer's link parser and window.actref.evaluate's checks, fuzzed in Node's test runner.

tests/js/link.test.mjs imports actref/site/js/link.mjs and registry.mjs as the bundle does and feeds them
thousands of links from fast-check (random text, links built from hostile, HTML, long and percent-encoded
words, valid links mutated) over the registry's real generated data file. This test writes that file, runs
`node --test` and fails with Node's report when any link throws, pollutes a prototype, gives an invalid state or
refuses a part without naming it. The browser check of the same link is in test_explorer.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from actref.site import explorer, live_assets

REPO_ROOT = Path(__file__).resolve().parents[2]
JS_TESTS = sorted((REPO_ROOT / "tests" / "js").glob("*.test.mjs"))
MIN_LINKS = 1000


def test_the_link_parser_survives_fuzzed_links_in_node(tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: the live plots' tests need Node.js (make setup installs it)")
    if not (REPO_ROOT / "node_modules" / "fast-check").is_dir():
        pytest.fail("node_modules/fast-check is missing: run `npm ci` (make npm-assets)")
    assert JS_TESTS, "tests/js/*.test.mjs are missing"
    data = tmp_path / "activations.js"
    data.write_text(explorer.activations_js(meta=live_assets.data_meta()), encoding="utf-8")
    done = subprocess.run(
        [node, "--test", *map(str, JS_TESTS)],
        cwd=REPO_ROOT,
        env={**os.environ, "ACTREF_ACTIVATIONS_JS": str(data)},
        capture_output=True,
        text=True,
        timeout=900,
    )
    report = done.stdout + done.stderr
    assert done.returncode == 0, f"node --test failed (exit {done.returncode}):\n{report[-12000:]}"
    counted = re.search(r"actref-fuzz: (\d+) links", report)
    assert counted, f"the fuzz test did not report its count:\n{report[-3000:]}"
    assert int(counted.group(1)) >= MIN_LINKS, f"only {counted.group(1)} links were fuzzed"
