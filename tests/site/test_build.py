"""The site build: strict with zero warnings, offline-complete, and its content-hash cache."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from actref.site import activation_pages, cache, context, directives, errors, nav, vendor

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_build_has_zero_warnings(built_site):
    warnings = [ln for ln in built_site.log.splitlines() if re.match(r"^(WARNING|ERROR)\b", ln)]
    assert warnings == []


def test_build_code_is_not_published(built_site):
    # docs/hooks.py lives in docs/ but is build code; nothing Python belongs in the built site.
    assert (
        sorted(p.relative_to(built_site.site_dir).as_posix() for p in built_site.site_dir.rglob("*.py")) == []
    )


def test_vendor_assets_are_copied_not_committed(built_site):
    vendor = built_site.site_dir / "assets" / "vendor"
    for rel in (
        "katex/katex.min.js",
        "katex/katex.min.css",
        "katex/contrib/auto-render.min.js",
        "tablesort/tablesort.min.js",
        "tablesort/sorts/tablesort.number.min.js",
    ):
        assert (vendor / rel).is_file(), rel
    assert list((vendor / "katex" / "fonts").glob("*.woff2"))
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True
    ).stdout.split()
    assert not [t for t in tracked if t.startswith(("node_modules/", "site/", ".cache/", "docs/generated"))]


def test_no_page_loads_anything_from_outside_the_site(built_site):
    offenders = {}
    for page in built_site.site_dir.rglob("*.html"):
        if remote := vendor.find_remote_loads(page.read_text(encoding="utf-8")):
            offenders[str(page.relative_to(built_site.site_dir))] = remote
    assert offenders == {}
    css = "\n".join(p.read_text(encoding="utf-8") for p in built_site.site_dir.rglob("*.css"))
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", css), "a stylesheet loads a remote url()"


def test_notebook_is_rendered_and_executed(built_site):
    html = (built_site.site_dir / "notebooks" / "plot_any_activation" / "index.html").read_text()
    assert "max |autograd - closed form|" in html  # the printed output of an executed cell
    assert "data:image/png;base64" in html  # the figure the notebook drew


def test_remote_loads_are_detected():
    assert vendor.find_remote_loads('<script src="https://cdn.example/x.js"></script>')
    assert vendor.find_remote_loads('<link rel="stylesheet" href="//fonts.example/a.css">')
    assert not vendor.find_remote_loads(
        '<a href="https://arxiv.org/abs/1">paper</a><script src="a.js"></script>'
    )
    stripped = vendor.strip_remote_loads('<script src="https://cdnjs.cloudflare.com/m.js"> </script><p>x</p>')
    assert stripped == "<p>x</p>"


# ---------------------------------------------------------------------------------------------- the cache
def test_asset_key_changes_with_each_thing_it_covers():
    args = ("figures/relu.svg", {"range": [-5, 5]}, {"actref.site.x": "code-a"}, ["spec-a"], "torch=1")
    base = cache.asset_key(*args)
    assert base == cache.asset_key(*args)
    assert base != cache.asset_key("figures/gelu.svg", *args[1:])
    assert base != cache.asset_key(args[0], {"range": [-5, 6]}, *args[2:])
    assert base != cache.asset_key(*args[:2], {"actref.site.x": "code-b"}, *args[3:])
    assert base != cache.asset_key(*args[:3], ["spec-b"], args[4])
    assert base != cache.asset_key(*args[:4], "torch=2")
    # Dict and set ordering do not matter; tuple keys are allowed.
    assert cache.asset_key("a", {(1, 2): {"b", "a"}, "x": 1}, {}, [], "v") == cache.asset_key(
        "a", {"x": 1, (1, 2): {"a", "b"}}, {}, [], "v"
    )


def test_source_digest_covers_the_package_below_the_site(tmp_path):
    package = tmp_path / "pkg"
    (package / "catalog").mkdir(parents=True)
    (package / "site").mkdir()
    impl = package / "catalog" / "relu_like.py"
    impl.write_text("def relu(x):\n    return x.clamp(min=0)\n")
    (package / "site" / "pages.py").write_text("TITLE = 'a'\n")
    before = cache.source_digest(package)
    assert cache.source_digest(package) == before
    (package / "site" / "pages.py").write_text("TITLE = 'b'\n")  # the site does not run in a notebook
    assert cache.source_digest(package) == before
    impl.write_text("def relu(x):\n    return torch.where(x <= 0, 0.0, x)\n")  # an implementation change
    assert cache.source_digest(package) != before


def test_warm_asset_is_not_redrawn_and_a_library_change_redraws(tmp_path):
    build = context.SiteBuild(None, cache_dir=tmp_path, mode="cached")
    calls = []

    def make(path: Path) -> None:
        calls.append(path)
        path.write_text("<svg/>")

    ctx = build.context("activations/relu.md")
    code = [vendor]  # any module stands for the drawing code here
    assert ctx.asset("figures/relu.svg", {"n": 1}, make, code=code) == "../generated/figures/relu.svg"
    assert ctx.asset("figures/relu.svg", {"n": 1}, make, code=code) == "../generated/figures/relu.svg"
    assert len(calls) == 1 and build.drawn == ["figures/relu.svg"] and build.reused == ["figures/relu.svg"]
    build.versions = "a newer matplotlib"
    ctx.asset("figures/relu.svg", {"n": 1}, make, code=code)
    assert len(calls) == 2
    assert (
        context.Context(build, "index.md").asset("figures/relu.svg", {"n": 1}, make, code=code)
        == "generated/figures/relu.svg"
    )
    assert len(calls) == 2
    computed = []
    table = {"a": [1.5]}
    assert ctx.cached("table", {"k": 1}, lambda: computed.append(1) or table, code=code) == table
    assert ctx.cached("table", {"k": 1}, lambda: computed.append(1) or table, code=code) == table
    assert computed == [1]


def test_warm_build_redraws_nothing(built_site, mkdocs_env):
    # The session build ran with a warm or cold cache; a second build must draw nothing at all.
    import sys

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--site-dir",
            str(built_site.site_dir) + "-warm",
        ],
        cwd=REPO_ROOT,
        env=mkdocs_env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    m = re.search(r"actref: (\d+) generated files drawn, (\d+) reused", done.stdout + done.stderr)
    assert m is not None and m.group(1) == "0" and int(m.group(2)) > 0


# ---------------------------------------------------------------------------------------------- contract
def _docs(tmp_path: Path, names: list[str], zh: list[str] | None = None) -> Path:
    """docs/activations with an English page for each of `names` and a Chinese twin for each of `zh`."""
    (tmp_path / "activations").mkdir(parents=True)
    for n in names:
        (tmp_path / "activations" / f"{n}.md").write_text("Summary.\n\n## Pros\n\n- a\n\n## Cons\n\n- b\n")
    for n in names if zh is None else zh:
        (tmp_path / "activations" / f"{n}.zh.md").write_text("摘要。\n\n## 优点\n\n- 甲\n\n## 缺点\n\n- 乙\n")
    return tmp_path


def test_a_missing_or_orphan_page_fails_the_build(tmp_path):
    import actref

    names = actref.names()
    activation_pages.check_pages(_docs(tmp_path / "ok", names))
    with pytest.raises(errors.PageError, match=f"no page for registry activation.*{names[0]}"):
        activation_pages.check_pages(_docs(tmp_path / "missing", names[1:]))
    with pytest.raises(errors.PageError, match=r"activations/not_an_activation\.md"):
        activation_pages.check_pages(_docs(tmp_path / "orphan", [*names, "not_an_activation"]))
    # Every activation has a Chinese twin too; a missing one is named, with the file to write.
    with pytest.raises(errors.PageError, match=rf"no zh page for .*docs/activations/{names[0]}\.zh\.md"):
        activation_pages.check_pages(_docs(tmp_path / "no_zh", names, zh=names[1:]))
    activation_pages.check_pages(tmp_path / "no_zh", languages=("en",))  # an English-only build
    with pytest.raises(errors.PageError, match=r"activations/not_an_activation\.zh\.md"):
        activation_pages.check_pages(_docs(tmp_path / "zh_orphan", names, zh=[*names, "not_an_activation"]))


@pytest.mark.parametrize(
    ("prose", "message"),
    [
        ("Summary.\n\n## Pros\n\n- a\n", "no '## Cons'"),
        ("## Pros\n\n- a\n\n## Cons\n\n- b\n", "no summary"),
        ("Summary.\n\n## Cons\n\n- b\n\n## Pros\n\n- a\n", "Pros' must come before"),
        (
            "Summary.\n\n## Pros\n\n- a\n\n## Cons\n\n- b\n\n## Definition\n\nf = x\n",
            "generated from the registry",
        ),
        ("# Title\n\nSummary.\n\n## Pros\n\n- a\n\n## Cons\n\n- b\n", "remove the '# ' title"),
    ],
)
def test_prose_that_breaks_the_contract_fails(prose, message):
    with pytest.raises(errors.PageError, match=message):
        activation_pages.parse_prose(prose, "activations/relu.md")


def test_directives_expand_outside_code_fences_only():
    build = context.SiteBuild(None, draw=False, mode="cached")
    ctx = build.context("index.md")
    text = "a\n<!-- actref:activation_pages.activation_count -->\n```\n<!-- actref:activation_pages.activation_count -->\n```\n"
    import actref

    assert directives.expand_directives(text, ctx).split("\n")[1] == str(len(actref.names()))
    assert "<!-- actref:activation_pages.activation_count -->" in directives.expand_directives(text, ctx)
    with pytest.raises(AttributeError, match="no function 'nope'"):
        directives.expand_directives("<!-- actref:activation_pages.nope -->", ctx)


def test_inline_directive_expands_inside_a_sentence():
    import actref

    build = context.SiteBuild(None, draw=False, mode="cached")
    ctx = build.context("index.md")
    out = directives.expand_directives(
        "It covers <!-- actref:activation_pages.activation_count --> activations.", ctx
    )
    assert out == f"It covers {len(actref.names())} activations."


def test_home_page_states_the_activation_count(built_site):
    import actref

    html = (built_site.site_dir / "index.html").read_text()
    assert (
        f"It covers\n{len(actref.names())} activations" in html
        or f"It covers {len(actref.names())} activations" in html
    )


def test_nav_follows_front_matter_order(tmp_path):
    docs = tmp_path / "docs"
    (docs / "guides").mkdir(parents=True)
    (docs / "guides" / "a.md").write_text("# A\n")
    (docs / "guides" / "b.md").write_text("---\nnav_order: 1\n---\n\n# B\n")
    (docs / "guides" / "c.md").write_text("---\ntitle: C\nnav_order: 2\n---\n# C\n")
    guides = next(e["Guides"] for e in nav.build_nav(docs) if isinstance(e, dict) and "Guides" in e)
    assert guides == ["guides/b.md", "guides/c.md", "guides/a.md"]
    real = nav.build_nav(REPO_ROOT / "docs")
    comparisons = next(e["Comparisons"] for e in real if isinstance(e, dict) and "Comparisons" in e)
    assert comparisons[0] == "comparisons/fashion_mnist.md"
