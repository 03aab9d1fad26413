"""The site navigation: Home, Activations (the gallery, then one section per family), Guides, Comparisons.

Built from the registry and the docs/ folders, so a new activation or page needs no edit to mkdocs.yml. Each
language's build gets its own nav, with the same entries (the English file names: in the zh build,
mkdocs-static-i18n resolves `guides/selu.md` to `guides/selu.zh.md`) and the titles in its language (the
section titles from locale/LANG/nav.po; a page's title from the page itself).
"""

from __future__ import annotations

import re
from pathlib import Path

from actref import catalog
from actref.site.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate

FAMILY_TITLES = {
    "linear": "Linear",
    "sigmoid-like": "Sigmoid-like",
    "relu-like": "ReLU-like",
    "exponential": "Exponential (ELU family)",
    "gated": "Self-gated",
    "shrink": "Shrinkage",
    "vector": "Vector-valued",
    "glu": "Gated linear units",
    "periodic": "Periodic and radial",
    "rational": "Rational (learnable)",
}


# Folders of docs/ other than the four above, by name (their nav section's title).
FOLDER_TITLES = {"frameworks": "Frameworks"}
# A translated page's file name: NAME.LANG.md beside NAME.md (the zh page of docs/guides/selu.md is selu.zh.md).
TRANSLATION = re.compile(rf"\.(?:{'|'.join(LANGUAGES)})\.[a-z]+$")


def family_title(family: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A family's title in `lang` ("relu-like" → "ReLU-like"; in zh, its translation from nav.po)."""
    return translate(lang, FAMILY_TITLES.get(family, family.replace("-", " ").replace("_", " ").capitalize()))


def folder_title(folder: str, lang: str = DEFAULT_LANGUAGE) -> str:
    return translate(lang, FOLDER_TITLES.get(folder, folder.replace("_", " ").capitalize()))


def family_order() -> list[str]:
    """The registry's families in reading order: FAMILY_TITLES' order (the simplest shapes first), then any
    family it does not name, by name. The nav and the gallery both list families in this order."""
    present = catalog.families()
    return [f for f in FAMILY_TITLES if f in present] + sorted(f for f in present if f not in FAMILY_TITLES)


NAV_ORDER = re.compile(r"\A---\s*\n(?:.*\n)*?nav_order:\s*(\d+)\s*\n(?:.*\n)*?---\s*\n")


def nav_order(path: Path) -> int:
    """A page's `nav_order:` from its YAML front matter (pages without one come after, by file name)."""
    if path.suffix != ".md":
        return 1_000_000
    m = NAV_ORDER.match(path.read_text())
    return int(m.group(1)) if m else 1_000_000


def _section(docs_dir: Path, folder: str, patterns: tuple[str, ...] = ("*.md",)) -> list:
    entries: list = []
    base = docs_dir / folder
    for pattern in patterns:
        pages = [p for p in base.glob(pattern) if not TRANSLATION.search(p.name)]  # twins share the entry
        for path in sorted(pages, key=lambda p: (nav_order(p), p.name)):
            rel = path.relative_to(docs_dir).as_posix()
            if path.name == "index.md":
                entries.insert(0, rel)
            else:
                entries.append(rel)
    return entries


def build_nav(docs_dir: Path, lang: str = DEFAULT_LANGUAGE) -> list:
    """The site nav in `lang`: Home, Activations (gallery + one section per family), Guides, Comparisons, other
    folders. Section titles are translated; an activation's entry has its registry title in English and, in
    another language, the title its page renders (the activation page's heading in that language)."""

    def _(message: str) -> str:
        return translate(lang, message)

    activations: list = []
    if (docs_dir / "activations" / "index.md").exists():
        activations.append({_("All activations"): "activations/index.md"})
    # One collapsible section per family (mkdocs.yml: navigation.sections without navigation.expand), so the
    # sidebar opens only the family of the page being read, never all 67 entries at once.
    families = catalog.families()
    for family in family_order():
        names = families[family]
        entries = [
            {catalog.get(n).title: f"activations/{n}.md"}
            if lang == DEFAULT_LANGUAGE
            else f"activations/{n}.md"
            for n in names
        ]
        activations.append({family_title(family, lang): entries})
    nav: list = [{_("Home"): "index.md"}, {_("Activations"): activations}]
    guides = _section(docs_dir, "guides") + _section(docs_dir, "notebooks", ("*.ipynb",))
    if guides:
        nav.append({_("Guides"): guides})
    if comparisons := _section(docs_dir, "comparisons"):
        nav.append({_("Comparisons"): comparisons})
    known = {"activations", "guides", "notebooks", "comparisons", "javascripts", "stylesheets"}
    for folder in sorted(p for p in docs_dir.iterdir() if p.is_dir() and p.name not in known):
        if entries := _section(docs_dir, folder.name):
            nav.append({folder_title(folder.name, lang): entries})
    nav.extend(
        p.name
        for p in sorted(docs_dir.glob("*.md"))
        if p.name != "index.md" and not TRANSLATION.search(p.name)
    )
    return nav
