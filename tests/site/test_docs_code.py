"""Every code block of the site runs: docs/ fences (pytest-codeblocks' extractor), every page as the site
renders it (hook assembly + `--8<--` snippet expansion), and every file in snippets/."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import markdown
import pytest
from pytest_codeblocks import extract_from_file

REPO_ROOT = Path(__file__).resolve().parents[2]

DOCS = REPO_ROOT / "docs"
SNIPPETS = REPO_ROOT / "snippets"
# English pages only: a zh twin carries the same code blocks byte for byte (tests/site/test_i18n.py), so each
# block is executed once.
MD_FILES = sorted(p for p in DOCS.rglob("*.md") if not re.search(r"\.[a-z]{2}\.md$", p.name))
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*)$")


def snippet_expander():
    """pymdownx.snippets' preprocessor configured exactly as mkdocs.yml configures it."""
    import yaml

    config = yaml.load((REPO_ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    options = {}
    for ext in config["markdown_extensions"]:
        if isinstance(ext, dict) and "pymdownx.snippets" in ext:
            options = dict(ext["pymdownx.snippets"])
    options["base_path"] = [str(REPO_ROOT / p) for p in options.get("base_path", ["."])]
    options["check_paths"] = True
    md = markdown.Markdown(extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": options})
    processor = md.preprocessors["snippet"]
    return lambda text: "\n".join(processor.run(text.split("\n")))


def python_fences(text: str) -> list[tuple[int, str]]:
    """(line number, code) of every ```python fence, at any indentation (tabs, admonitions)."""
    out, lines, i = [], text.split("\n"), 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m:
            indent, fence, info = m.group("indent"), m.group("fence"), m.group("info").strip()
            body, j = [], i + 1
            while j < len(lines) and not re.match(
                rf"^{re.escape(indent)}{fence[0]}{{{len(fence)},}}\s*$", lines[j]
            ):
                body.append(lines[j][len(indent) :] if lines[j].startswith(indent) else lines[j].lstrip())
                j += 1
            if info.split(" ")[0].split("{")[0] in ("python", "py", "python3"):
                out.append((i + 1, "\n".join(body) + "\n"))
            i = j + 1
        else:
            i += 1
    return out


def _run(code: str, where: str) -> None:
    try:
        exec(compile(code, where, "exec"), {"__name__": "__main__"})
    except Exception as e:
        raise AssertionError(f"{where} failed: {type(e).__name__}: {e}\n---\n{code}") from e


# ---------------------------------------------------------------------------------------------- docs/ source
def _codeblocks():
    for path in MD_FILES:
        for block in extract_from_file(path):
            if block.syntax == "python":
                yield pytest.param(path, block, id=f"{path.relative_to(DOCS)}:{block.lineno}")


@pytest.mark.parametrize(("path", "block"), list(_codeblocks()))
def test_docs_python_fence_runs(path, block):
    assert not block.marks and block.importorskip is None, "no code block on the site may skip its test"
    _run(snippet_expander()(block.code), f"{path.relative_to(REPO_ROOT)}:{block.lineno}")


def test_fences_are_written_as_python_exactly():
    # pytest-codeblocks only sees fences whose info word is exactly `python`.
    bad = []
    for path in MD_FILES:
        for lineno, line in enumerate(path.read_text().split("\n"), 1):
            m = FENCE.match(line)
            if m and m.group("info").strip().lower() in ("py", "python3", "pycon", "{.python}"):
                bad.append(f"{path.relative_to(REPO_ROOT)}:{lineno}")
    assert bad == []


# ---------------------------------------------------------------------------------------------- as rendered
@pytest.fixture(scope="module")
def rendered_pages(built_site):
    """Every docs page's markdown as the site renders it (after the session build, so the cache is warm)."""
    from actref.site import context, directives

    build = context.SiteBuild(None, draw=False, mode="smoke")
    expand = snippet_expander()
    return {
        p.relative_to(DOCS).as_posix(): expand(
            directives.render_markdown(build, p.relative_to(DOCS).as_posix(), p.read_text())
        )
        for p in MD_FILES
    }


@pytest.mark.parametrize("src", [p.relative_to(DOCS).as_posix() for p in MD_FILES])
def test_rendered_python_blocks_run(rendered_pages, src):
    text = rendered_pages[src]
    assert "--8<--" not in text, "an unexpanded snippet include"
    for lineno, code in python_fences(text):
        _run(code, f"{src} (rendered) line {lineno}")


def test_every_activation_page_has_an_executed_code_section(rendered_pages):
    import actref

    for name in actref.names():
        blocks = python_fences(rendered_pages[f"activations/{name}.md"])
        assert any(actref.get(name).forward_source().strip() in code for _, code in blocks), name


def test_snippet_include_is_exercised(rendered_pages):
    assert "def fashion_mnist_mlp" in rendered_pages["index.md"]


# ---------------------------------------------------------------------------------------------- snippets/
SNIPPET_FILES = sorted(p for p in SNIPPETS.iterdir() if p.is_file() and p.suffix == ".py")


def test_snippets_exist():
    assert SNIPPET_FILES


@pytest.mark.parametrize("path", SNIPPET_FILES, ids=lambda p: p.name)
def test_snippet_runs_and_asserts(path):
    assert re.search(r"^\s*assert\b", path.read_text(), flags=re.M), f"{path.name} asserts nothing"
    done = subprocess.run(
        [sys.executable, str(path)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]


# ---------------------------------------------------------------------------------------------- README
@pytest.mark.parametrize(
    "block",
    [b for b in extract_from_file(REPO_ROOT / "README.md") if b.syntax == "python"],
    ids=lambda b: f"README.md:{b.lineno}",
)
def test_readme_python_fence_runs(block):
    _run(block.code, f"README.md:{block.lineno}")
