"""The GitHub Actions workflows: valid against GitHub's workflow schema (checked offline with the schema that
check-jsonschema vendors), running the README's own commands, with the least permissions each job needs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO_ROOT / ".github" / "workflows"
WORKFLOW_FILES = sorted(WORKFLOWS.glob("*.yml"))


def check_jsonschema(*paths: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("check-jsonschema")
    if not exe.exists():
        exe = shutil.which("check-jsonschema")
    assert exe, "check-jsonschema is missing: it is in the test extra (make setup installs it)"
    return subprocess.run(
        [str(exe), "--builtin-schema", "vendor.github-workflows", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def load(name: str) -> dict:
    # PyYAML reads the key `on:` as the boolean True (YAML 1.1); BaseLoader keeps every key a string.
    return yaml.load((WORKFLOWS / name).read_text(), Loader=yaml.BaseLoader)


def run_lines(workflow: dict) -> list[str]:
    return [
        step["run"].strip() for job in workflow["jobs"].values() for step in job["steps"] if "run" in step
    ]


def readme_commands() -> set[str]:
    readme = (REPO_ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^(make \w+)", quick_start, flags=re.M))


def test_there_are_the_two_workflows():
    assert [p.name for p in WORKFLOW_FILES] == ["site.yml", "test.yml"]


def test_every_workflow_is_schema_valid():
    done = check_jsonschema(*WORKFLOW_FILES)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_schema_check_rejects_a_broken_workflow(tmp_path):
    # The validator must be able to fail: a job without runs-on is not a workflow GitHub would run.
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  test:\n    steps:\n      - run: make test\n")
    done = check_jsonschema(broken)
    assert done.returncode != 0
    assert "runs-on" in done.stdout


def test_the_readme_commands_are_the_ones_ci_runs():
    assert readme_commands() == {"make site", "make test"}
    assert "make test" in run_lines(load("test.yml"))
    assert "make site" in run_lines(load("site.yml"))


def test_run_steps_only_call_the_makefile_or_configure_git():
    # No build logic only in YAML: each run step is a make target, or git's safe.directory for the container.
    for path in WORKFLOW_FILES:
        for line in run_lines(load(path.name)):
            assert re.fullmatch(r"make [\w-]+", line) or line.startswith(
                "git config --global --add safe.directory"
            ), f"{path.name}: {line!r} is logic that belongs in the Makefile"


def test_makefile_has_the_targets_workflows_call():
    makefile = (REPO_ROOT / "Makefile").read_text()
    for path in WORKFLOW_FILES:
        for line in run_lines(load(path.name)):
            if line.startswith("make "):
                target = line.split()[1]
                assert re.search(rf"^{target}:", makefile, flags=re.M), (
                    f"{path.name} calls missing {target!r}"
                )


def test_test_workflow_runs_on_push_and_pull_request_with_caches():
    workflow = load("test.yml")
    assert set(workflow["on"]) == {"push", "pull_request"}
    assert workflow["permissions"] == {"contents": "read"}
    job = workflow["jobs"]["test"]
    assert job["runs-on"] == "ubuntu-latest"
    assert job["container"] == "python:3.11-bookworm"  # the README's fresh Debian machine with Python 3.11
    cached = [
        step["with"]["path"] for step in job["steps"] if step.get("uses", "").startswith("actions/cache@")
    ]
    assert "~/.cache/pip" in cached and ".cache" in cached
    node = next(step for step in job["steps"] if step.get("uses", "").startswith("actions/setup-node@"))
    assert node["with"]["cache"] == "npm"


def test_site_workflow_triggers_runners_and_least_permissions():
    workflow = load("site.yml")
    assert set(workflow["on"]) == {"push", "schedule", "workflow_dispatch"}
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {}  # nothing by default; each job asks for what it needs
    jobs = workflow["jobs"]
    build, deploy, propose = jobs["build"], jobs["deploy"], jobs["propose-results"]

    assert "vars.GPU_RUNNER == 'true'" in build["runs-on"]
    assert '["self-hosted", "linux", "x64", "gpu"]' in build["runs-on"]
    assert "'ubuntu-latest'" in build["runs-on"]
    assert build["permissions"] == {"contents": "read"}
    # Hosted: the same Debian container as test.yml; on the GPU runner the image evaluates to '' (no container).
    assert build["container"]["image"] == "${{ vars.GPU_RUNNER != 'true' && 'python:3.11-bookworm' || '' }}"
    uses = [step.get("uses", "") for step in build["steps"]]
    pages_upload = next(
        s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@")
    )
    assert pages_upload["with"]["path"].rstrip("/") == "site"
    results_upload = next(
        s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")
    )
    assert results_upload["with"]["path"].rstrip("/") == "results"
    assert results_upload["if"] == "vars.GPU_RUNNER == 'true'"
    assert uses.index(pages_upload["uses"]) > [s.get("run") for s in build["steps"]].index("make site")

    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]

    assert propose["if"] == "vars.GPU_RUNNER == 'true'"
    assert propose["permissions"] == {"contents": "write", "pull-requests": "write"}
    pr = next(s for s in propose["steps"] if s.get("uses", "").startswith("peter-evans/create-pull-request@"))
    assert pr["with"]["add-paths"].strip() == "results/"  # the pull request can change nothing else


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_actions_are_pinned_to_a_major_version(path):
    for job in load(path.name)["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", step["uses"]), step["uses"]
