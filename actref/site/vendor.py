"""The site loads nothing from outside itself: npm files copied into it, and the check for remote loads."""

from __future__ import annotations

import re
from pathlib import Path

from actref.site.errors import PageError

# Files copied from node_modules into the built site (the mkdocs.yml extra_javascript/extra_css entries).
VENDOR_FILES = {
    "katex": ("katex/dist", ["katex.min.js", "katex.min.css", "contrib/auto-render.min.js", "fonts/*"]),
    "tablesort": ("tablesort/dist", ["tablesort.min.js", "sorts/tablesort.number.min.js"]),
}


def vendor_files(node_modules: Path) -> list[tuple[str, Path]]:
    """(site path under assets/vendor/, source file) for every KaTeX/tablesort file the site loads."""
    out = []
    for package, (subdir, patterns) in VENDOR_FILES.items():
        root = node_modules / subdir
        if not root.is_dir():
            raise PageError(
                f"{root} is missing: the site needs {package} from npm. Run `npm ci` (or `make setup`) first."
            )
        for pattern in patterns:
            matches = sorted(root.glob(pattern))
            if not matches:
                raise PageError(f"{root}/{pattern} is missing; reinstall with `npm ci`.")
            out.extend((f"assets/vendor/{package}/{m.relative_to(root).as_posix()}", m) for m in matches)
    return out


REMOTE_LOAD = re.compile(
    r"""<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc\s*=\s*["']?(?:https?:)?//"""
    r"""|<link\b[^>]*\bhref\s*=\s*["']?(?:https?:)?//[^>]*>""",
    re.IGNORECASE,
)
REMOTE_SCRIPT = re.compile(r"""<script\b[^>]*\bsrc\s*=\s*["']https?://[^"']*["'][^>]*>\s*</script>""", re.I)
MERMAID_LOADER = re.compile(
    r"""<script type="module">(?:(?!</script>).)*?cdnjs(?:(?!</script>).)*</script>""", re.S
)


def strip_remote_loads(html: str) -> str:
    """Remove the CDN scripts nbconvert puts into notebook pages (MathJax, a lazy Mermaid loader)."""
    return MERMAID_LOADER.sub("", REMOTE_SCRIPT.sub("", html))


def find_remote_loads(html: str) -> list[str]:
    """Tags in `html` that would load a file from outside the site (the site must be offline-complete)."""
    out = []
    for m in REMOTE_LOAD.finditer(html):
        tag = html[m.start() : html.find(">", m.start()) + 1]
        if tag.lower().startswith("<link") and not re.search(
            r"rel\s*=\s*[\"']?(stylesheet|preload|icon)", tag
        ):
            continue
        out.append(tag)
    return out
