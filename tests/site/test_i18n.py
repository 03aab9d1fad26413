"""The Chinese edition (issue 18): every English page has a zh twin with the same sections in the same order, the
same generated formulas and code, Chinese prose (a CJK-ratio check that allows code and names), the glossary's
terms, a complete message catalogue, and translated spec text for every activation.

Source-level checks read docs/; render-level checks render each page's markdown with the site code in both
languages (no MkDocs); the built-site checks (links, <html lang>) use the session's `mkdocs build`.
"""

from __future__ import annotations

import ast
import functools
import json
import re
from pathlib import Path

import pytest
import yaml

import actref
from actref.site import directives, i18n
from actref.site.context import SiteBuild

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCS = REPO_ROOT / "docs"
SITE_CODE = REPO_ROOT / "actref" / "site"
GLOSSARY = yaml.safe_load((SITE_CODE / "locale" / "glossary.zh.yml").read_text(encoding="utf-8"))

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# An English word: lower case or capitalised, not part of an identifier or a call (float32, gelu(x), torch.relu),
# and not one of the math words that a Chinese formula-in-prose keeps (inf, nan, exp, ...).
LATIN_WORD = re.compile(r"(?<![\w.])[A-Za-z][a-z]+(?![\w(])")
MATH_WORDS = frozenset(
    "inf nan exp log ln sin cos tan tanh erf erfc max min sign sgn abs var std sup".split()
)


def english_pages() -> list[str]:
    """Every English source page (markdown and notebooks), relative to docs/."""
    pages = [p for p in DOCS.rglob("*.md") if not re.search(r"\.[a-z]{2}\.md$", p.name)]
    pages += [p for p in DOCS.rglob("*.ipynb") if not re.search(r"\.[a-z]{2}\.ipynb$", p.name)]
    return sorted(p.relative_to(DOCS).as_posix() for p in pages)


def twin(page: str, lang: str = "zh") -> str:
    stem, _, suffix = page.rpartition(".")
    return f"{stem}.{lang}.{suffix}"


ENGLISH = english_pages()
MARKDOWN = [p for p in ENGLISH if p.endswith(".md")]


def test_the_site_has_pages_to_check():
    assert len(ENGLISH) >= 86 and any(p.endswith(".ipynb") for p in ENGLISH)


@pytest.mark.parametrize("page", ENGLISH)
def test_every_english_page_has_a_zh_twin(page):
    assert (DOCS / twin(page)).is_file(), f"docs/{page} has no Chinese twin docs/{twin(page)}"


def test_every_zh_page_has_an_english_original():
    orphans = [
        p.relative_to(DOCS).as_posix()
        for p in DOCS.rglob("*.zh.*")
        if not (DOCS / p.relative_to(DOCS).as_posix().replace(".zh.", ".")).exists()
    ]
    assert orphans == []


# --- source level -------------------------------------------------------------------------------------------

FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>```+|~~~+)[^\n]*\n.*?^(?P=indent)(?P=fence)[ \t]*$", re.M | re.S
)
FRONT = re.compile(r"\A---\s*\n.*?\n---\s*\n", re.S)


def read(page: str) -> str:
    return (DOCS / page).read_text(encoding="utf-8")


def body(text: str) -> str:
    return FRONT.sub("", text, count=1)


def headings(text: str) -> list[int]:
    """The levels of the markdown headings outside code fences, in order."""
    return [len(m.group(1)) for m in re.finditer(r"^(#{1,6}) ", FENCE.sub("", body(text)), re.M)]


def invariant_parts(text: str) -> dict[str, list[str]]:
    """What a twin carries unchanged: code fences, directives, snippet includes and the non-text front matter."""
    fm = FRONT.match(text)
    meta = yaml.safe_load(fm.group(0).strip("-\n")) if fm else {}
    meta = {k: v for k, v in (meta or {}).items() if k not in ("spec", "title", "description")}
    b = body(text)
    return {
        "code": [m.group(0) for m in FENCE.finditer(b)],
        "directives": re.findall(r"<!--\s*actref:[^>]*-->", FENCE.sub("", b)),
        "snippets": re.findall(r"--8<--[^\n]*", b),
        "front matter": [json.dumps(meta, sort_keys=True)],
    }


@pytest.mark.parametrize("page", MARKDOWN)
def test_zh_twin_has_the_same_sections_code_and_directives(page):
    zh = DOCS / twin(page)
    if not zh.exists():
        pytest.fail(f"docs/{twin(page)} is missing")
    en_text, zh_text = read(page), zh.read_text(encoding="utf-8")
    assert headings(zh_text) == headings(en_text), f"{twin(page)}: heading levels differ from {page}"
    en_parts, zh_parts = invariant_parts(en_text), invariant_parts(zh_text)
    for kind in en_parts:
        assert zh_parts[kind] == en_parts[kind], f"{twin(page)}: its {kind} differ from {page}'s"


@pytest.mark.parametrize("name", actref.names())
def test_zh_front_matter_translates_every_spec_text_field(name):
    spec = actref.get(name)
    path = i18n.page_path(DOCS, name, "zh")
    if not path.exists():
        pytest.fail(f"{path.relative_to(REPO_ROOT)} is missing")
    translated = i18n.front_matter(path).get("spec") or {}
    english = i18n.english_spec_text(spec)
    assert set(translated) == set(english), (
        f"{path.name}: keys missing {sorted(set(english) - set(translated))}, "
        f"unknown {sorted(set(translated) - set(english))}"
    )
    for key, text in translated.items():
        assert isinstance(text, str) and text.strip(), f"{path.name}: spec.{key} is empty"
        problem = english_prose(text)
        assert problem is None, f"{path.name}: spec.{key} reads as English: {problem}"


# --- Chinese prose -----------------------------------------------------------------------------------------

STRIP = [
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"\$\$.*?\$\$", re.S),
    re.compile(r"(?<!\\)\$[^$\n]+\$"),
    re.compile(r"`[^`\n]*`"),
    re.compile(r"\]\([^)\s]*\)"),  # link targets
    re.compile(r"https?://\S+"),
    re.compile(r"<[^>\n]+>"),  # HTML tags
    re.compile(r"\{[:#.][^}\n]*\}"),  # attr_list
]
# Citations: a link text of authors and a year, "et al.", an author list before "(year)", a paper title (an
# italic span without Chinese, as the References lines and the prose write them).
CITATION = re.compile(
    r"\[[^\]]*?(?:19|20)\d\d[a-z]?[^\]]*\]|\bet al\.?"
    r"|(?:[A-Z][\w'’-]+(?:,| &| and)?\s*)+\((?:19|20)\d\d[a-z]?\)"
    r"|\*[^*\u3400-\u9fff\n]+\*"
    r"|^[-*] .*\((?:19|20)\d\d[a-z]?\)\..*$",  # a reference line: authors (year). title, venue
    re.M,
)
# Names: every activation's title and aliases, and the libraries and tools the site names; identifiers with a
# slash (run keys, paths) and an admonition's type word.
LIBRARIES = (
    "PyTorch torch JAX Flax Keras TensorFlow tf-keras timm transformers MLX entmax NumPy SciPy sympy SymPy "
    "mpmath Python Fashion-MNIST Material MkDocs Chromium KaTeX Adam Xavier Kaiming Glorot LeCun He"
).split()
NAMES = sorted(
    {s.title for s in actref.all_specs()}
    | {a for s in actref.all_specs() for a in (s.name, *s.aliases)}
    | set(LIBRARIES),
    key=len,
    reverse=True,
)
NAME = re.compile("|".join(rf"(?<![\w-]){re.escape(n)}(?![\w-])" for n in NAMES))
EXTERNAL_LINK = re.compile(r"\[[^\]\u3400-\u9fff]*\]\(https?://[^)]*\)")  # its text: a title or a name
IDENTIFIER = re.compile(r"\S*/\S*|^[!?]{3}\+? *[\w-]+", re.M)


def english_prose(text: str) -> str | None:
    """None if `text` reads as Chinese; otherwise the English words that make it read as English.

    Code, math, links' targets, HTML and citations are removed first. What remains fails when it has three or
    more Latin words and fewer than two CJK characters per Latin word (names such as "Leaky ReLU" and "PyTorch"
    pass inside a Chinese sentence; a forgotten English sentence does not)."""
    text = EXTERNAL_LINK.sub(" ", text)
    for pattern in STRIP:
        text = pattern.sub(" ", text)
    text = CITATION.sub(" ", text)
    text = IDENTIFIER.sub(" ", NAME.sub(" ", text))
    words = [w for w in LATIN_WORD.findall(text) if w.lower() not in MATH_WORDS]
    cjk = len(CJK.findall(text))
    if len(words) >= 3 and cjk < 2 * len(words):
        return " ".join(words[:12])
    return None


def paragraphs(markdown: str) -> list[str]:
    """Prose blocks of a page: code fences and front matter removed, split at blank lines."""
    text = FENCE.sub("\n\n", body(markdown))
    return [p.strip() for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


def english_paragraphs(markdown: str) -> list[str]:
    return [f"{problem!r} in: {p[:160]!r}" for p in paragraphs(markdown) if (problem := english_prose(p))]


@pytest.mark.parametrize("page", MARKDOWN)
def test_every_zh_prose_paragraph_is_chinese(page):
    zh = DOCS / twin(page)
    if not zh.exists():
        pytest.fail(f"docs/{twin(page)} is missing")
    found = english_paragraphs(zh.read_text(encoding="utf-8"))
    assert found == [], f"{twin(page)} has English paragraphs:\n" + "\n".join(found)


def test_the_cjk_check_catches_a_forgotten_english_paragraph():
    assert english_prose("ReLU passes positive inputs unchanged and sets negative ones to zero.")
    assert (
        english_prose("ReLU 对正输入原样输出，把负输入置零；Leaky ReLU 与 PReLU 在负半轴保留一个小斜率。")
        is None
    )
    assert english_prose("见 [He et al. 2015](https://arxiv.org/abs/1502.01852) 的推导。") is None
    assert english_prose("`torch.nn.functional.relu(x)` 与 $\\max(0, x)$ 相同。") is None


def test_zh_notebook_prose_cells_are_chinese_and_code_cells_identical():
    for page in (p for p in ENGLISH if p.endswith(".ipynb")):
        zh = DOCS / twin(page)
        assert zh.exists(), f"docs/{twin(page)} is missing"
        en_nb, zh_nb = json.loads(read(page)), json.loads(zh.read_text(encoding="utf-8"))
        assert [c["cell_type"] for c in zh_nb["cells"]] == [c["cell_type"] for c in en_nb["cells"]]
        for en_cell, zh_cell in zip(en_nb["cells"], zh_nb["cells"], strict=True):
            source = "".join(zh_cell["source"])
            if zh_cell["cell_type"] == "code":
                assert source == "".join(en_cell["source"]), f"{twin(page)}: a code cell differs"
            else:
                assert english_paragraphs(source) == [], f"{twin(page)}: English in {source[:120]!r}"


# --- glossary ----------------------------------------------------------------------------------------------


def test_glossary_entries_are_well_formed():
    seen = set()
    for entry in GLOSSARY:
        assert set(entry) <= {"en", "zh", "also", "avoid", "required"} and entry["zh"], entry
        re.compile(entry["en"])
        assert entry["zh"] not in seen, f"{entry['zh']} is in the glossary twice"
        seen.add(entry["zh"])
        for bad in entry.get("avoid", []):
            assert bad not in (entry["zh"], *entry.get("also", [])), entry


def prose_only(markdown: str) -> str:
    text = FENCE.sub(" ", body(markdown))
    for pattern in STRIP:
        text = pattern.sub(" ", text)
    return text


@pytest.mark.parametrize("page", MARKDOWN)
def test_zh_twin_uses_the_glossary_terms(page):
    zh = DOCS / twin(page)
    if not zh.exists():
        pytest.fail(f"docs/{twin(page)} is missing")
    en_text, zh_text = prose_only(read(page)), prose_only(zh.read_text(encoding="utf-8"))
    problems = []
    for entry in GLOSSARY:
        for bad in entry.get("avoid", []):
            if bad in zh_text:
                problems.append(f"uses {bad!r}; the glossary's term for {entry['en']!r} is {entry['zh']!r}")
        if entry.get("required", True) and re.search(rf"\b(?:{entry['en']})\b", en_text, re.I):
            accepted = (entry["zh"], *entry.get("also", []))
            if not any(term in zh_text for term in accepted):
                problems.append(f"the English uses {entry['en']!r} but the zh twin has none of {accepted}")
    assert problems == [], f"{twin(page)}:\n" + "\n".join(problems)


# --- the message catalogue ---------------------------------------------------------------------------------

TRANSLATING_CALLS = {"_", "translate"}


def literal_messages() -> dict[str, str]:
    """Every string literal the site code passes as a message (ctx._("..."), translate(lang, "...")) → file."""
    found: dict[str, str] = {}
    for path in sorted(SITE_CODE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in TRANSLATING_CALLS:
                continue
            args = node.args[1:] if name == "translate" else node.args
            if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                found[args[0].value] = path.relative_to(REPO_ROOT).as_posix()
    return found


def test_every_message_in_the_site_code_has_a_zh_translation():
    catalogue = i18n.catalogue("zh")
    missing = {m: where for m, where in literal_messages().items() if m not in catalogue}
    assert missing == {}, "untranslated messages:\n" + "\n".join(f"{w}: {m!r}" for m, w in missing.items())


def test_zh_translations_keep_the_placeholders():
    catalogue = i18n.catalogue("zh")
    field = re.compile(r"\{(\w*)[^}]*\}")
    wrong = [m for m, zh in catalogue.items() if sorted(field.findall(m)) != sorted(field.findall(zh))]
    assert wrong == [], f"placeholders differ in the zh translation of: {wrong[:10]}"


def test_a_missing_translation_fails_with_a_message_naming_it():
    with pytest.raises(i18n.MissingTranslation, match="no such message"):
        i18n.translate("zh", "no such message, surely")
    with pytest.raises(ValueError, match="en, zh"):
        i18n.translate("fr", "Derivative")


# --- render level ------------------------------------------------------------------------------------------


@functools.cache
def renderer(lang: str) -> SiteBuild:
    return SiteBuild(draw=False, lang=lang, mode="cached")


def render(page: str, lang: str) -> str:
    src = page if lang == "en" else twin(page, lang)
    return directives.render_markdown(renderer(lang), src, body((DOCS / src).read_text(encoding="utf-8")))


DISPLAY_MATH = re.compile(r"\$\$.*?\$\$|\\\[.*?\\\]", re.S)


@pytest.mark.parametrize("page", MARKDOWN)
def test_twins_carry_the_same_generated_formulas_and_code(page):
    if not (DOCS / twin(page)).exists():
        pytest.fail(f"docs/{twin(page)} is missing")
    en, zh = render(page, "en"), render(page, "zh")
    en_code = [m.group(0) for m in FENCE.finditer(en)]
    zh_code = [m.group(0) for m in FENCE.finditer(zh)]
    assert zh_code == en_code, f"{twin(page)}: its code blocks differ from {page}'s"
    assert DISPLAY_MATH.findall(zh) == DISPLAY_MATH.findall(en), f"{twin(page)}: its formulas differ"
    assert headings(zh) == headings(en), f"{twin(page)}: its rendered sections differ from {page}'s"


@pytest.mark.parametrize("page", MARKDOWN)
def test_rendered_zh_page_has_no_english_sentence(page):
    if not (DOCS / twin(page)).exists():
        pytest.fail(f"docs/{twin(page)} is missing")
    found = english_paragraphs(render(page, "zh"))
    assert found == [], f"{twin(page)} renders English:\n" + "\n".join(found[:20])
