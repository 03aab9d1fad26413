"""The site navigation: Home, Activations (the gallery, then one section per family), Guides, Comparisons.

Built from the registry and the docs/ folders, so a new activation or page needs no edit to mkdocs.yml.
"""

from __future__ import annotations

import re
from pathlib import Path

from actref import catalog

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


def family_title(family: str) -> str:
    return FAMILY_TITLES.get(family, family.replace("-", " ").replace("_", " ").capitalize())


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
        for path in sorted(base.glob(pattern), key=lambda p: (nav_order(p), p.name)):
            rel = path.relative_to(docs_dir).as_posix()
            if path.name == "index.md":
                entries.insert(0, rel)
            else:
                entries.append(rel)
    return entries


def build_nav(docs_dir: Path) -> list:
    """The site nav: Home, Activations (gallery + one section per family), Guides, Comparisons, other folders."""
    activations: list = []
    if (docs_dir / "activations" / "index.md").exists():
        activations.append({"All activations": "activations/index.md"})
    # One collapsible section per family (mkdocs.yml: navigation.sections without navigation.expand), so the
    # sidebar opens only the family of the page being read, never all 67 entries at once.
    families = catalog.families()
    for family in family_order():
        names = families[family]
        activations.append(
            {family_title(family): [{catalog.get(n).title: f"activations/{n}.md"} for n in names]}
        )
    nav: list = [{"Home": "index.md"}, {"Activations": activations}]
    guides = _section(docs_dir, "guides") + _section(docs_dir, "notebooks", ("*.ipynb",))
    if guides:
        nav.append({"Guides": guides})
    if comparisons := _section(docs_dir, "comparisons"):
        nav.append({"Comparisons": comparisons})
    known = {"activations", "guides", "notebooks", "comparisons", "javascripts", "stylesheets"}
    for folder in sorted(p for p in docs_dir.iterdir() if p.is_dir() and p.name not in known):
        if entries := _section(docs_dir, folder.name):
            nav.append({folder.name.replace("_", " ").capitalize(): entries})
    nav.extend(p.name for p in sorted(docs_dir.glob("*.md")) if p.name != "index.md")
    return nav
