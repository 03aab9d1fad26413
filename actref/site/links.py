"""Relative links between pages of the site (MkDocs resolves .md links relative to the linking page)."""

from __future__ import annotations

import posixpath


def relative(page_src: str, target: str) -> str:
    """The link from page `page_src` to the docs file (or folder) `target`, both relative to docs/."""
    return posixpath.relpath(target, posixpath.dirname(page_src) or ".")


def relative_prefix(page_src: str, folder: str) -> str:
    """The link prefix from page_src's folder to docs/<folder>/ ('' when the page is inside it)."""
    rel = relative(page_src, folder)
    return "" if rel == "." else rel + "/"
