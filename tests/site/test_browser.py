"""Drive headless Chromium over the built site: no JS errors, rendered math, loaded images, working search,
and no request leaving 127.0.0.1. The server, browser and watched-page fixtures live in conftest.py."""

from __future__ import annotations

import pytest

import actref

# The `browser` fixture (tests/site/conftest.py) skips with a reason when /usr/bin/chromium is missing.
pytestmark = pytest.mark.browser


@pytest.mark.parametrize("name", actref.names())
def test_activation_page_renders_cleanly(server, watched, name):
    page = watched.page
    page.goto(f"{server}/activations/{name}/", wait_until="networkidle")
    page.wait_for_function("document.querySelectorAll('.arithmatex .katex').length > 0", timeout=15000)
    assert page.locator(".katex-error").count() == 0
    text = page.locator("article").inner_text()
    for raw in ("$$", "\\(", "\\[", "\\begin{"):
        assert raw not in text, f"unrendered TeX {raw!r} on the {name} page"
    images = page.eval_on_selector_all(
        "article img", "imgs => imgs.map(i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0])"
    )
    assert images, "no images on the page"
    assert [src for src, ok in images if not ok] == []
    assert watched.errors == []
    assert watched.outside == []


def test_all_activations_table_sorts(server, watched):
    page = watched.page
    page.goto(f"{server}/activations/", wait_until="networkidle")
    first_column = "Array.from(document.querySelectorAll('article table tbody tr td:first-child')).map(td => td.innerText)"
    header = page.locator("article table th", has_text="Activation").first
    header.click()
    ascending = page.evaluate(first_column)
    assert ascending == sorted(ascending, key=str.lower)
    header.click()
    assert page.evaluate(first_column) == ascending[::-1]
    assert watched.errors == [] and watched.outside == []


def test_numeric_columns_sort_as_numbers_with_missing_last(server, watched):
    page = watched.page
    page.goto(f"{server}/activations/", wait_until="networkidle")
    column = "f(0)"
    index = page.evaluate(
        "(name) => Array.from(document.querySelectorAll('article table thead th'))"
        ".findIndex(th => th.textContent.trim() === name)",
        column,
    )
    assert index >= 0
    read = f"Array.from(document.querySelectorAll('article table tbody tr')).map(tr => tr.cells[{index}].innerText.trim())"
    header = page.locator("article table thead th").nth(index)

    def split(cells):
        values = [c for c in cells if c not in ("—", "") and not c.startswith("n/a")]
        missing = cells[len(values) :]
        assert all(c in ("—", "") or c.startswith("n/a") for c in missing), cells  # missing ones last
        return [float(v.replace("\u2212", "-")) for v in values]

    header.click()
    ascending = split(page.evaluate(read))
    assert ascending == sorted(ascending) and ascending[0] < 0 < ascending[-1]
    header.click()
    descending = split(page.evaluate(read))
    assert descending == sorted(descending, reverse=True)
    assert watched.errors == [] and watched.outside == []


def test_search_for_swish_finds_silu(server, watched):
    page = watched.page
    page.goto(f"{server}/", wait_until="networkidle")
    query = page.locator("input[data-md-component='search-query']")
    query.click()
    query.type("swish", delay=30)
    results = page.locator(".md-search-result__list a[href*='activations/silu/']")
    results.first.wait_for(state="attached", timeout=20000)
    assert results.count() >= 1
    assert watched.errors == [] and watched.outside == []


def test_home_and_notebook_pages_load_offline(server, watched):
    for path in ("/", "/notebooks/plot_any_activation/"):
        watched.page.goto(server + path, wait_until="networkidle")
    assert watched.errors == []
    assert watched.outside == []
