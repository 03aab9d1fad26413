"""What publishing needs from the built site: a sitemap that lists every page once under site_url, canonical
links that agree with it, and a 404 page that loads nothing from outside the site."""

from __future__ import annotations

import gzip
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest


@pytest.fixture(scope="module")
def site(built_site) -> Path:
    return built_site.site_dir


def page_url(site_dir: Path, html: Path, root: str) -> str:
    """The published address of a built page: site_url plus its directory (use_directory_urls)."""
    relative = html.relative_to(site_dir).parent.as_posix()
    return root if relative == "." else f"{root}{relative}/"


def sitemap_urls(site_dir: Path) -> list[str]:
    return re.findall(r"<loc>([^<]*)</loc>", (site_dir / "sitemap.xml").read_text())


def test_site_url_is_the_pages_address_or_the_workflows_override(site_url):
    # mkdocs.yml: site_url: !ENV [ACTREF_SITE_URL, "https://actref.github.io/actref/"]
    assert site_url == (os.environ.get("ACTREF_SITE_URL") or "https://actref.github.io/actref/")
    parts = urlsplit(site_url)
    assert parts.scheme == "https" and parts.netloc and parts.path.endswith("/"), site_url


def test_sitemap_lists_every_page_once_and_nothing_else(site, site_url):
    root = site_url
    pages = {page_url(site, html, root) for html in site.rglob("index.html")}
    listed = sitemap_urls(site)
    assert len(listed) == len(set(listed)), "a page is listed twice"
    assert set(listed) == pages
    assert not any("404" in url for url in listed)
    assert (
        gzip.decompress((site / "sitemap.xml.gz").read_bytes()).decode() == (site / "sitemap.xml").read_text()
    )


def test_every_page_names_its_own_canonical_url(site, site_url):
    root = site_url
    wrong = {}
    for html in site.rglob("index.html"):
        found = re.findall(r'<link rel="canonical" href="([^"]*)"', html.read_text())
        if found != [page_url(site, html, root)]:
            wrong[html.relative_to(site).as_posix()] = found
    assert wrong == {}


def test_404_page_loads_only_from_inside_the_site(site, site_url):
    # GitHub Pages serves 404.html for a missing address at any depth, so its links must be absolute paths
    # under site_url (MkDocs writes them so when site_url is set), and nothing it loads may come from outside.
    root_path = urlsplit(site_url).path
    text = (site / "404.html").read_text()
    loads = re.findall(r'<(?:script|img)[^>]* src="([^"]+)"', text) + re.findall(
        r'<link[^>]* href="([^"]+)"', text
    )
    assert any(t.endswith(".css") for t in loads) and any(t.endswith(".js") for t in loads)
    assert [t for t in loads if urlsplit(t).netloc] == []
    links = [t for t in re.findall(r'<a[^>]* href="([^"#]+)"', text) if not urlsplit(t).netloc]
    assert links
    assert [t for t in loads + links if not t.startswith(root_path)] == [], "links that break below the root"
