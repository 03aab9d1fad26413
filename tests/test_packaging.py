"""The package people install: `import actref` stays light, the version lives in one place, the dependencies
are lower bounds (exact versions only in constraints.txt), and the wheel works on its own in a clean venv."""

from __future__ import annotations

import email
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
# What the reference layer must never pull in: the site builder and the libraries only the site or the data
# fallback need.
HEAVY = ("mkdocs", "matplotlib", "torchvision", "pymdownx", "markdown", "actref.site")


def python(*args: str, cwd: Path | None = None, executable: str = sys.executable, **kwargs):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run(
        [executable, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
        **kwargs,
    )


def test_import_actref_loads_no_site_code_or_drawing_library(tmp_path):
    done = python("-c", "import sys, actref; print('\\n'.join(sorted(sys.modules)))", cwd=tmp_path)
    loaded = done.stdout.split()
    assert "actref.registry" in loaded  # the import really happened
    heavy = [m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY)]
    assert heavy == []


def test_version_has_one_source():
    import actref
    from actref.version import __version__

    assert PYPROJECT["project"]["dynamic"] == ["version"] and "version" not in PYPROJECT["project"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "actref.version.__version__"}
    assert actref.__version__ == __version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    done = python("-m", "actref", "--version")
    assert done.stdout.strip() == f"actref {__version__}"


def requirement_name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_dependencies_are_lower_bounds_and_constraints_pin_them():
    project = PYPROJECT["project"]
    everything = project["dependencies"] + [
        r for extra in project["optional-dependencies"].values() for r in extra
    ]
    assert [r for r in everything if "==" in r] == [], "exact pins belong in constraints.txt"
    assert any(r.replace(" ", "") == "torch>=2.11" for r in project["dependencies"])
    runtime = {requirement_name(r) for r in project["dependencies"]}
    assert not runtime & {"torchvision", "matplotlib", "mkdocs", "scipy"}, "only extras may need these"

    pins = {}
    for line in (REPO_ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower().replace("_", "-")] = version
    own = {requirement_name(r) for r in everything} - {"actref"}
    assert sorted(own - pins.keys()) == [], "constraints.txt must pin every dependency we name"
    assert pins["torch"] == "2.14.1" and pins["torchvision"] == "0.29.1"
    assert pins["mkdocs"] == "1.6.1" and pins["mkdocs-jupyter"] == "0.26.3"
    makefile = (REPO_ROOT / "Makefile").read_text()
    assert "-c constraints.txt -e '.[test,docs,peers]'" in makefile
    assert re.search(r"^\$\(STAMP\):.*\bconstraints\.txt\b", makefile, flags=re.M), "the venv must follow it"


def test_metadata_license_urls_classifiers():
    project = PYPROJECT["project"]
    assert project["license"] == "MIT" and (REPO_ROOT / "LICENSE").read_text().startswith("MIT License")
    assert {"Homepage", "Source", "Issues"} <= project["urls"].keys()
    assert "Programming Language :: Python :: 3.11" in project["classifiers"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # Build from a copy of what a source distribution holds, so the build writes nothing into the checkout
    # (setuptools leaves build/ and *.egg-info beside pyproject.toml) and needs nothing else from it.
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO_ROOT / name, source / name)
    shutil.copytree(REPO_ROOT / "actref", source / "actref", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("wheel")
    python("-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(source))
    (built,) = out.glob("actref-*.whl")
    return built


@pytest.mark.slow
def test_wheel_metadata_and_contents(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (metadata_name,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        metadata = email.message_from_bytes(archive.read(metadata_name))
    from actref.version import __version__

    assert metadata["Version"] == __version__
    assert metadata["License-Expression"] == "MIT"
    requires = metadata.get_all("Requires-Dist")
    assert "torch>=2.11" in requires
    assert not any("==" in r.split(";")[0] for r in requires)  # markers say extra == "..."
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    top = {n.split("/")[0] for n in names}
    assert top == {"actref", metadata_name.split("/")[0]}, "only the package goes into the wheel"
    assert (
        "actref/site/__init__.py" in names
    )  # the site builder ships too, but `import actref` never loads it


@pytest.mark.slow
def test_wheel_installs_and_runs_in_a_clean_venv(wheel, tmp_path):
    # A clean venv without torch would need a multi-GB download to test. Instead it sees the project venv's
    # third-party packages through a .pth file, which appends that site-packages *after* its own. A .pth line
    # only adds a path: the project venv's own .pth files (the editable install's import hook for the source
    # tree) are not run, so actref can only come from the wheel. (--system-site-packages would not do: it
    # exposes the base interpreter's packages, not this venv's.)
    clean = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(clean)
    clean_python = str(clean / "bin" / "python")
    clean_site = Path(
        python(
            "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", executable=clean_python
        ).stdout.strip()
    )
    (clean_site / "project-venv-packages.pth").write_text(sysconfig.get_path("purelib") + "\n")
    python("-m", "pip", "--python", clean_python, "install", "--no-deps", "--no-index", "--quiet", str(wheel))

    check = f"""
import importlib.metadata, pathlib, torch, actref
assert pathlib.Path(actref.__file__).is_relative_to({str(clean_site)!r}), actref.__file__
assert importlib.metadata.version("actref") == actref.__version__
spec = actref.get("gelu")
x = torch.linspace(-4, 4, 33, dtype=torch.float64)
assert torch.allclose(spec(x), torch.nn.functional.gelu(x))
assert torch.allclose(spec.module()(x), torch.nn.functional.gelu(x))
soft = actref.get("softmax").module()
assert torch.allclose(soft(x.reshape(3, 11)).sum(-1), torch.ones(3, dtype=torch.float64))
print(actref.__file__)
"""
    done = python("-c", check, cwd=tmp_path, executable=clean_python)
    assert done.stdout.strip().startswith(str(clean_site))
    version = python("-m", "actref", "--version", cwd=tmp_path, executable=clean_python)
    assert version.stdout.strip() == f"actref {importlib_version(clean_python)}"


def importlib_version(executable: str) -> str:
    return python(
        "-c", "import importlib.metadata as m; print(m.version('actref'))", executable=executable
    ).stdout.strip()
