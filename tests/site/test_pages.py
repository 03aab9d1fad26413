"""Every registry activation has its built page, with every section in order and its figure."""

from __future__ import annotations

import html
import re

import pytest

import actref
from actref.site import activation_pages as pages
from actref.site.context import SiteBuild

NAMES = actref.names()
EN = SiteBuild(None, draw=False, mode="cached").context("activations/relu.md")


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
    # What made the figure: its content hash (inputs + actref source) and the date drawn, not a git commit
    # that a cache hit may not have been drawn at.
    assert "actref-provenance" in article and "cached under content hash" in article and "drawn 20" in article


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


# ---------------------------------------------------------------------------------------------- QA details
def test_parameter_defaults_read_as_typed():
    assert pages.param_value(1 / 3) == "1/3"
    assert pages.param_value(0.125) == "1/8"
    assert pages.param_value(0.01) == "0.01"
    assert pages.param_value(0.25) == "0.25"
    assert pages.param_value(20.0) == "20.0"
    assert pages.param_value(1.6732632423543772) == "1.67326"
    assert pages.param_value(False) == "False" and pages.param_value(-1) == "-1"
    assert "`upper=1/3`" in pages.properties_section(EN, actref.get("rrelu"))


def test_short_init_labels():
    assert pages.init_short(actref.get("relu")) == "Kaiming √2"
    assert pages.init_short(actref.get("tanh")) == "Xavier 5/3"
    assert pages.init_short(actref.get("selu")) == "LeCun"
    assert pages.init_short(actref.get("sigmoid")) == "Xavier"


def test_kink_notes_read_as_one_sentence():
    assert pages.kink_note_text(None) == "."
    assert pages.kink_note_text("In evaluation mode; in training mode, the sampled slope.") == (
        " in evaluation mode; in training mode, the sampled slope."
    )
    assert (
        pages.kink_note_text("torch returns negative_slope at 0.") == " (torch returns negative_slope at 0)."
    )
    assert pages.kink_note_text("Left derivative 0, right −1/2.") == ". Left derivative 0, right −1/2."
    section = pages.derivative_section(EN, actref.get("rrelu"))
    assert "(= 0.229167 by default) in evaluation mode; in training mode" in section
    assert ". In evaluation" not in section


def test_named_functions_are_defined_where_used():
    sigmoid = pages.definition_section(EN, actref.get("sigmoid"))
    assert r"where $\sigma(z) = \frac{1}{1 + e^{-z}}$ is the logistic sigmoid." in sigmoid
    gelu_def = pages.definition_section(EN, actref.get("gelu"))
    assert r"\Phi(z) =" in gelu_def and r"\varphi(z)" not in gelu_def
    gelu_der = pages.derivative_section(EN, actref.get("gelu"))
    assert r"\varphi(z) =" in gelu_der and r"\Phi(z) =" not in gelu_der  # Φ was defined above
    softplus = actref.get("softplus")
    assert "where" not in pages.definition_section(EN, softplus)
    assert r"\sigma(z) =" in pages.derivative_section(EN, softplus)
    geglu = actref.get("geglu")
    assert r"\varphi(z) =" in pages.derivative_section(EN, geglu)  # from LaTeX: no sympy derivative
    assert "where" not in pages.definition_section(EN, actref.get("relu"))


def test_property_notes_are_separate_lines_and_smoothness_is_explained():
    softplus = pages.properties_section(EN, actref.get("softplus"))
    smooth = next(line for line in softplus.splitlines() if line.startswith("| Smoothness"))
    assert "C^\\infty" in smooth and "discontinuous" not in smooth  # the exact function, not torch's cut-off
    also = next(line for line in softplus.splitlines() if line.startswith("| Also"))
    assert "C∞" not in also and "log(2)" in also
    tanhshrink = pages.properties_section(EN, actref.get("tanhshrink"))
    also = next(line for line in tanhshrink.splitlines() if line.startswith("| Also"))
    assert "<br>" in also and ".; " not in also and "; f(x)" not in also
    assert pages.smoothness_text(EN, actref.get("softplus"), latex=False) == "C∞"
    assert pages.smoothness_text(EN, actref.get("hardshrink"), latex=False) == "discontinuous"


def test_all_activations_table_is_compact(built_site):
    article = _article((built_site.site_dir / "activations" / "index.html").read_text(encoding="utf-8"))
    table = article[article.index("<table") : article.index("</table>")]
    headers = re.findall(r"<th[^>]*>(.*?)</th>", table)
    assert len(headers) <= 13 and sum("roofline" in h or "saved" in h for h in headers) <= 2
    assert "Kaiming √2" in table and "normal, gain" not in re.sub(r'title="[^"]*"', "", table)
    assert 'class="actref-all-table"' in article
    page = (built_site.site_dir / "activations" / "index.html").read_text(encoding="utf-8")
    assert 'data-md-component="toc"' not in page  # hide: [toc] gives the table the page's width
