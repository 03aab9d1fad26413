"""Drive headless Chromium over the built site: no JS errors, rendered math, loaded images, working search,
and no request leaving 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import actref

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (apt-get install chromium)"
    ),
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(built_site):
    handler = functools.partial(_QuietHandler, directory=str(built_site.site_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield b
        b.close()


class Watched:
    """A page whose JS errors, console errors and request hosts are recorded; off-site requests are blocked."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text}"))
        self.context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        host = urlsplit(url).hostname
        if url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def close(self):
        self.context.close()


@pytest.fixture
def watched(browser):
    w = Watched(browser)
    yield w
    w.close()


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
