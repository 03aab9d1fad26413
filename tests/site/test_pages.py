"""Every registry activation has its built page, with every section in order and its figure."""

from __future__ import annotations

import html
import re

import pytest

import actref
from actref import pages

NAMES = actref.names()


def _headings(page_html: str, level: int) -> list[str]:
    found = re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", page_html, flags=re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", h)).replace("¶", "").strip() for h in found]


def _article(page_html: str) -> str:
    return page_html[page_html.index("<article") : page_html.index("</article>")]


@pytest.mark.parametrize("name", NAMES)
def test_activation_page_has_every_section_in_order(built_site, name):
    spec = actref.get(name)
    page = built_site.site_dir / "activations" / name / "index.html"
    assert page.is_file(), f"no built page for {name}"
    article = _article(page.read_text(encoding="utf-8"))
    assert _headings(article, 1) == [spec.title]
    h2 = _headings(article, 2)
    fixed = [h for h in h2 if h in pages.SECTION_ORDER]
    assert fixed == list(pages.SECTION_ORDER), h2
    extra = h2[h2.index("Cons") + 1 : h2.index("Code")]
    assert all(h not in pages.SECTION_ORDER for h in extra)
    # The summary (prose before Definition) is not empty.
    summary = article[article.index("</h1>") : article.index('id="definition"')]
    assert len(re.sub(r"<[^>]+>", "", summary).strip()) > 40


@pytest.mark.parametrize("name", NAMES)
def test_activation_figure_is_in_the_built_site(built_site, name):
    figure = built_site.site_dir / "generated" / "figures" / f"{name}.svg"
    assert figure.is_file() and figure.stat().st_size > 1000
    assert figure.read_text(encoding="utf-8").lstrip().startswith(("<?xml", "<svg"))
    article = _article(
        (built_site.site_dir / "activations" / name / "index.html").read_text(encoding="utf-8")
    )
    assert f'src="../../generated/figures/{name}.svg"' in article
    assert "actref-provenance" in article and "actref 0." in article  # what made the figure, and when


@pytest.mark.parametrize("name", NAMES)
def test_formulas_come_from_the_registry(built_site, name):
    spec = actref.get(name)
    article = _article(
        (built_site.site_dir / "activations" / name / "index.html").read_text(encoding="utf-8")
    )
    math = [html.unescape(m) for m in re.findall(r'<div class="arithmatex">(.*?)</div>', article, flags=re.S)]
    assert any(spec.latex in m for m in math)
    if spec.derivative_latex is not None:
        assert any(spec.derivative_latex in m for m in math)


def test_all_activations_table_lists_every_activation(built_site):
    article = _article((built_site.site_dir / "activations" / "index.html").read_text(encoding="utf-8"))
    header = _headings(article, 1)
    assert header == ["All activations"]
    table = article[article.index("<table") : article.index("</table>")]
    for name in NAMES:
        assert f'href="{name}/"' in table, name
    for column in ("Family", "Range", "Monotonic", "Smoothness", "Zero-centred", "Saturates", "f(0)", "Init"):
        assert f">{column}</th>" in table


def test_nav_lists_every_activation_and_the_guides(built_site):
    home = (built_site.site_dir / "index.html").read_text(encoding="utf-8")
    for name in NAMES:
        assert f'href="activations/{name}/"' in home, name
    assert 'href="notebooks/plot_any_activation/"' in home


def test_code_section_is_the_registry_source():
    for spec in actref.all_specs():
        code = pages.code_example(spec)
        assert spec.forward_source().strip() in code
        assert "assert " in code
        if spec.builtin_code:
            assert spec.builtin_code in code
