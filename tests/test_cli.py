"""The command line as a user meets it, run as a subprocess: unknown options are refused, and every bad value
ends in one line on stderr that names the value and the valid choices, with exit status 2, no traceback and
no file left behind. `python -m actref show NAME` is checked against the registry for every spec."""

from __future__ import annotations

import io
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest
import sympy

import actref
from actref import show
from actref.experiments.configs import CONFIGS

REPO_ROOT = Path(__file__).resolve().parents[1]


def actref_cli(*args: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "actref", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def assert_one_line_error(done: subprocess.CompletedProcess, *names: str) -> str:
    """Exit status 2, no traceback, and stderr is one line that contains each of `names`."""
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2, f"exit {done.returncode}\nstdout: {done.stdout}\nstderr: {done.stderr}"
    assert "Traceback" not in done.stderr and len(lines) == 1, done.stderr
    for name in names:
        assert name in lines[0], f"{name!r} is not named in: {lines[0]}"
    return lines[0]


# ---------------------------------------------------------------------------------------------- options
UNKNOWN_OPTIONS = {
    "list": (["list", "--bogus"], "none"),
    "top level": (["--bogus"], "--version"),
    "show": (["show", "relu", "--bogus"], "none"),
    "experiments list": (["experiments", "list", "--bogus"], "none"),
    "experiments run": (["experiments", "run", "--config", "smoke", "--bogus"], "--threads"),
    "experiments show": (["experiments", "show", "smoke", "--bogus"], "--dir"),
    "cost run": (["cost", "run", "--bogus"], "--activations"),
    "cost show": (["cost", "show", "--bogus"], "none"),
}


@pytest.mark.parametrize("args, valid", UNKNOWN_OPTIONS.values(), ids=UNKNOWN_OPTIONS)
def test_every_subcommand_refuses_an_unknown_option(args, valid):
    assert_one_line_error(actref_cli(*args), "--bogus", valid)


def test_list_takes_no_arguments():
    assert_one_line_error(actref_cli("list", "relu"), "relu", "valid options: none")


# ---------------------------------------------------------------------------------------------- bad values
SMOKE = ["experiments", "run", "--config", "smoke"]
# (arguments with {tmp} for a scratch folder, what the one line must name); set-up files: see _scratch.
BAD_VALUES = {
    "negative threads": (
        [*SMOKE, "--threads", "-1", "--out", "{tmp}/out"],
        ["'-1'", "thread count", "from 1"],
    ),
    "zero threads": ([*SMOKE, "--threads", "0", "--out", "{tmp}/out"], ["'0'", "from 1"]),
    "threads not a number": ([*SMOKE, "--threads", "two"], ["'two'", "from 1"]),
    "unknown device": ([*SMOKE, "--device", "tpu", "--out", "{tmp}/out"], ["'tpu'", "cuda", "cpu"]),
    "unknown experiment": (["experiments", "run", "--config", "nope"], ["'nope'", *CONFIGS]),
    "--out is a file": ([*SMOKE, "--out", "{tmp}/a-file"], ["a-file", "is a file", "writable folder"]),
    "--out under a file": ([*SMOKE, "--out", "{tmp}/a-file/out"], ["a-file", "is a file"]),
    "--out unwritable": ([*SMOKE, "--out", "/proc/actref-out"], ["/proc/actref-out", "writable folder"]),
    "--checkpoints is a file": ([*SMOKE, "--checkpoints", "{tmp}/a-file"], ["a-file", "writable folder"]),
    "show an unknown experiment": (["experiments", "show", "nope"], ["'nope'", *CONFIGS]),
    "unknown subcommand": (["experiments", "nope"], ["'nope'", "list", "run", "show"]),
    "unknown command": (["nope"], ["'nope'", "list", "experiments", "cost", "show"]),
    "show an unknown activation": (
        ["show", "sigmod"],
        ["'sigmod'", "Did you mean 'sigmoid'", "relu", "gelu"],
    ),
    "cost of an unknown activation": (
        ["cost", "run", "--activations", "relu", "nope", "--out", "{tmp}/cost.json"],
        ["'nope'", "relu", "gelu"],
    ),
    "cost of a vector activation": (["cost", "run", "--activations", "softmax"], ["'softmax'", "relu"]),
    "cost with zero threads": (["cost", "run", "--threads", "0"], ["'0'", "from 1"]),
    "cost with zero elements": (["cost", "run", "--elements", "0"], ["'0'", "tensor size", "≥ 1"]),
    "cost with negative repeats": (["cost", "run", "--repeats", "-5"], ["'-5'", "≥ 1"]),
    "cost with negative warm-up": (["cost", "run", "--warmup", "-1"], ["'-1'", "≥ 0"]),
    "cost on an unknown device": (["cost", "run", "--device", "tpu"], ["'tpu'", "cuda", "cpu"]),
    "cost of an unknown implementation": (["cost", "run", "--impls", "nope"], ["'nope'", "builtin", "eager"]),
    "cost --out is a folder": (["cost", "run", "--out", "{tmp}"], ["is a folder", "file name"]),
    "cost --out under a file": (["cost", "run", "--out", "{tmp}/a-file/cost.json"], ["a-file", "is a file"]),
    "cost show of a folder": (["cost", "show", "{tmp}"], ["is a folder", "cost results file"]),
    "cost show of another file": (["cost", "show", "{tmp}/a-file"], ["a-file", "is not a cost results file"]),
}


@pytest.mark.parametrize("args, named", BAD_VALUES.values(), ids=BAD_VALUES)
def test_a_bad_value_ends_in_one_line_with_the_valid_choices(tmp_path, args, named):
    (tmp_path / "a-file").write_text("not a folder\n")
    before = sorted(tmp_path.rglob("*"))
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert_one_line_error(actref_cli(*argv), *(n.replace("{tmp}", str(tmp_path)) for n in named))
    assert sorted(tmp_path.rglob("*")) == before, "a refused command left a file behind"
    assert not Path("/proc/actref-out").exists()


def test_showing_an_unknown_experiment_suggests_no_command_for_it():
    done = actref_cli("experiments", "show", "nope")
    assert "experiments run --config nope" not in done.stderr + done.stdout


# ---------------------------------------------------------------------------------------------- show
@pytest.mark.parametrize("name", actref.names())
def test_show_prints_what_the_registry_says(name):
    spec = actref.get(name)
    out = io.StringIO()
    with redirect_stdout(out):
        assert show.main([name]) == 0
    text = out.getvalue()
    assert text.startswith(spec.title)
    assert spec.summary.strip() in text
    assert sympy.sstr(spec.expr) in text and spec.latex in text
    if spec.derivative_expr is not None:
        assert sympy.sstr(spec.derivative_expr) in text
    if spec.derivative_latex:
        assert spec.derivative_latex in text
    for kink in spec.kinks:
        assert f"at x = {sympy.sstr(kink.at)}" in text
    if spec.properties is not None:
        assert f"range           {show.range_text(spec)}\n" in text
        assert spec.properties.smoothness in text
    for key, p in spec.params.items():
        assert f"{key}" in text and repr(p.default) in text
    if spec.paper is not None:
        assert spec.paper.title in text and spec.paper.url in text
    else:
        assert spec.paper_note in text
    assert f"activations/{name}/" in text
    assert spec.init.describe() in text


def test_show_takes_an_alias_and_links_the_page():
    done = actref_cli("show", "Swish")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(actref.get("silu").title)
    assert "activations/silu/" in done.stdout and "x*sigmoid(beta*x)" in done.stdout


def test_show_agrees_with_the_page_on_the_range_and_f0():
    activation_pages = pytest.importorskip("actref.site.activation_pages")
    for spec in actref.all_specs():
        if spec.properties is not None:
            assert show.range_text(spec) == activation_pages.range_text(spec, latex=False), spec.name
        if spec.elementwise:
            page = activation_pages.f_at_zero(spec)
            assert float(show.f_at_zero(spec).replace("−", "-")) == pytest.approx(
                float(page.replace("−", "-")), rel=1e-5, abs=1e-12
            ), spec.name
