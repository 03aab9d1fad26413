"""One site build per test session, shared by the page, docs-code and browser tests; for the browser tests,
one local HTTP server over that build, one headless Chromium, a watched page per test and an axe-core check."""

from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
# The impacts the accessibility goal forbids; "moderate" and "minor" findings are not failures.
AXE_FAILING_IMPACTS = ("critical", "serious")


@dataclass(frozen=True)
class BuiltSite:
    site_dir: Path
    log: str
    seconds: float


def _mkdocs_env() -> dict[str, str]:
    env = dict(os.environ)
    env["ACTREF_EXPERIMENTS"] = "smoke"
    env["NO_MKDOCS_2_WARNING"] = "1"
    return env


@pytest.fixture(scope="session")
def mkdocs_env() -> dict[str, str]:
    """The environment of a test build: experiments in smoke mode, no advertising banner."""
    return _mkdocs_env()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> BuiltSite:
    """`mkdocs build --strict` of the real docs into a temporary directory (fails the tests that use it)."""
    import time

    site_dir = tmp_path_factory.mktemp("site")
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=REPO_ROOT,
        env=_mkdocs_env(),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    seconds = time.perf_counter() - start
    log = done.stdout + done.stderr
    if done.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed (exit {done.returncode}):\n{log[-6000:]}")
    return BuiltSite(site_dir, log, seconds)


def read_site_url(site_dir: Path) -> str:
    """The site_url the site was built with (mkdocs.yml may take it from $ACTREF_SITE_URL), read back from the
    sitemap, whose first entry is the home page."""
    found = re.search(r"<loc>([^<]*)</loc>", (site_dir / "sitemap.xml").read_text())
    assert found and found.group(1).endswith("/"), f"{site_dir}/sitemap.xml does not start with the home page"
    return found.group(1)


@pytest.fixture(scope="session")
def site_url(built_site) -> str:
    """The address the built site will be published at (https://actref.github.io/actref/ by default)."""
    return read_site_url(built_site.site_dir)


class _PagesHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site the way GitHub Pages does: under the path of its site_url, with 404.html (and
    status 404) for a missing page. The 404 page's links are absolute, so only this shows that it works."""

    prefix = "/"

    def log_message(self, *args):
        pass

    def translate_path(self, path):
        url_path = urlsplit(path).path
        if not url_path.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_the_site__")
        return super().translate_path("/" + url_path[len(self.prefix) :])

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.exists():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="session")
def server(built_site):
    """Base URL of the built site on a local HTTP server, under site_url's path (http://127.0.0.1:PORT/actref);
    a file:// URL would not run the search worker."""
    prefix = urlsplit(read_site_url(built_site.site_dir)).path
    handler = functools.partial(
        type("Handler", (_PagesHandler,), {"prefix": prefix}), directory=str(built_site.site_dir)
    )
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}{prefix.rstrip('/')}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole session (Playwright's own browser download is not used)."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing (apt-get install chromium)")
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

    def __init__(self, browser, color_scheme: str = "light"):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=color_scheme)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.expected_missing: set[str] = set()  # addresses a test visits to see the 404 page
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("console", self._console)
        self.context.route("**/*", self._route)

    def expect_missing(self, url: str) -> str:
        """Mark an address as missing on purpose: Chromium's console error for its 404 is then not an error."""
        self.expected_missing.add(url)
        return url

    def _console(self, message):
        if message.type != "error":
            return
        if (
            message.text.startswith("Failed to load resource")
            and message.location.get("url") in self.expected_missing
        ):
            return
        self.errors.append(f"console: {message.text}")

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


@pytest.fixture
def watch(browser):
    """A factory for watched pages in a given palette: `watch(color_scheme="dark")`; all closed afterwards."""
    opened: list[Watched] = []

    def open_watched(color_scheme: str = "light") -> Watched:
        opened.append(Watched(browser, color_scheme=color_scheme))
        return opened[-1]

    yield open_watched
    for w in opened:
        w.close()


class Axe:
    """axe-core (installed from npm) run inside a Playwright page; only critical and serious findings count.

    `violations(page, allow=...)` returns axe's own records (`id`, `impact`, `help`, `nodes`, each node with
    its `target` selectors and `failureSummary`), without the nodes named in `allow`: a set of
    (rule id, CSS selector) pairs for findings a test accepts explicitly, each with a comment saying why."""

    def __init__(self, impacts=AXE_FAILING_IMPACTS):
        self.impacts = impacts

    def violations(self, page, allow: frozenset[tuple[str, str]] = frozenset()) -> list[dict]:
        if not AXE_JS.exists():
            pytest.fail(f"{AXE_JS} is missing: run `npm ci` (make npm-assets)")
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate("async () => await axe.run(document)")
        found = []
        for v in result["violations"]:
            if v["impact"] not in self.impacts:
                continue
            nodes = [n for n in v["nodes"] if (v["id"], " ".join(map(str, n["target"]))) not in allow]
            if nodes:
                found.append({**v, "nodes": nodes})
        return found

    @staticmethod
    def describe(violations: list[dict]) -> str:
        """One line per failing node: rule id, impact, selector and axe's summary (for assertion messages)."""
        lines = []
        for v in violations:
            for node in v["nodes"]:
                summary = " ".join(node.get("failureSummary", "").split())
                target = " ".join(map(str, node["target"]))
                lines.append(f"{v['id']} ({v['impact']}) at {target}: {summary}")
        return "\n".join(lines)


@pytest.fixture(scope="session")
def axe():
    """The axe-core helper: `axe.violations(page)` and `axe.describe(violations)`."""
    return Axe()
