"""The site's two languages: English (the default, at the site root) and Chinese (under zh/).

Two kinds of translated text, each kept beside what it translates:

- **Generated words** (section headings, table headers, property values, captions, verdict words, provenance
  sentences, UI strings, error texts shown on a page) are written in English in the site code, as
  `ctx._("Derivative")` or `ctx._("Measured on {device}.", device=name)`. The English text is the message id
  (gettext's convention), so English needs no catalogue; the Chinese is in `actref/site/locale/zh/*.po`, one
  PO file per site module, read with Babel. A message without a translation fails the build: nothing shows up
  half in English.
- **An activation's spec text** (its summary, parameter docs, kink notes, property notes, the reason for its
  initialisation, conventions, differences from the built-in, paper note) comes from the registry in English;
  its Chinese is in the front matter of the activation's Chinese page, `docs/activations/NAME.zh.md`, under
  `spec:`, one dotted key per field (`summary`, `init.why`, `params.negative_slope.doc`, `kinks.0.note`, ...).
  So the Chinese of activation X is in one file, beside its English prose.

    python -m actref.site.i18n NAME   # prints the `spec:` front matter to translate for activation NAME
"""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from actref.registry import Activation

LANGUAGES = ("en", "zh")
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).parent / "locale"
FRONT_MATTER = re.compile(r"\A---\s*\n(.*?\n)---\s*(?:\n|\Z)", re.S)


class MissingTranslation(LookupError):
    """A generated message or a spec field has no translation in the page's language (fails the build)."""


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"Unknown site language {lang!r}; the site's languages are {', '.join(LANGUAGES)}.")
    return lang


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """English message → its `lang` translation, from every PO file in locale/LANG/ (fuzzy entries ignored)."""
    check_language(lang)
    if lang == DEFAULT_LANGUAGE:
        return {}
    from babel.messages.pofile import read_po

    out: dict[str, str] = {}
    for path in sorted((LOCALE_DIR / lang).glob("*.po")):
        with path.open("rb") as f:
            for message in read_po(f, locale="zh_Hans" if lang == "zh" else lang):
                if message.id and isinstance(message.id, str) and message.string and not message.fuzzy:
                    if out.get(message.id, message.string) != message.string:
                        raise ValueError(
                            f"{path.name}: {message.id!r} is translated twice, differently, in locale/{lang}/."
                        )
                    out[message.id] = message.string
    return out


def translate(lang: str, message: str, **fields: object) -> str:
    """`message` in `lang`, with `{field}` placeholders filled in (after translation, so numbers stay as given)."""
    if lang == DEFAULT_LANGUAGE:
        text = message
    else:
        text = catalogue(lang).get(message)
        if text is None:
            raise MissingTranslation(
                f"No {lang} translation of the message {message!r}: add it to a PO file in "
                f"actref/site/locale/{lang}/."
            )
    return text.format(**fields) if fields else text


def english_spec_text(spec: Activation) -> dict[str, str]:
    """Every non-empty English text field of a spec, by its dotted key (the keys of the zh front matter)."""
    fields = {
        "summary": spec.summary,
        "paper_note": spec.paper_note,
        "conventions": spec.conventions,
        "builtin_differences": spec.builtin_differences,
        "init.why": spec.init.why,
    }
    for name, param in spec.params.items():
        fields[f"params.{name}.doc"] = param.doc
        fields[f"params.{name}.valid"] = param.valid
    for i, kink in enumerate(spec.kinks):
        fields[f"kinks.{i}.note"] = kink.note
    if spec.properties is not None:
        for i, note in enumerate(spec.properties.notes):
            fields[f"properties.notes.{i}"] = note
    return {k: v for k, v in fields.items() if v}


def page_path(docs_dir: Path, name: str, lang: str) -> Path:
    """docs/activations/NAME.md (English) or docs/activations/NAME.LANG.md."""
    suffix = "" if check_language(lang) == DEFAULT_LANGUAGE else f".{lang}"
    return Path(docs_dir) / "activations" / f"{name}{suffix}.md"


def front_matter(path: Path) -> dict:
    """The YAML front matter of a markdown file ({} if it has none)."""
    return _front_matter(Path(path), Path(path).stat().st_mtime_ns)


@functools.lru_cache(maxsize=512)
def _front_matter(path: Path, mtime_ns: int) -> dict:  # mtime in the key: `make serve` sees edits
    import yaml

    m = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    data = yaml.safe_load(m.group(1)) if m else None
    if data is not None and not isinstance(data, dict):
        raise ValueError(f"{path}: the front matter is not a mapping.")
    return data or {}


def spec_text(spec: Activation, key: str, lang: str, docs_dir: Path) -> str:
    """Spec field `key` (a key of english_spec_text) in `lang`; a missing translation fails the build."""
    english = english_spec_text(spec)
    if key not in english:
        raise KeyError(
            f"{spec.name} has no text field {key!r}; its fields are {', '.join(english) or 'none'}."
        )
    if check_language(lang) == DEFAULT_LANGUAGE:
        return english[key]
    path = page_path(docs_dir, spec.name, lang)
    translated = (front_matter(path).get("spec") or {}) if path.exists() else {}
    text = translated.get(key)
    if not isinstance(text, str) or not text.strip():
        raise MissingTranslation(
            f"{path.relative_to(Path(docs_dir).parent) if path.is_absolute() else path}: no `spec: {key}:` "
            f"in its front matter (the {lang} of {english[key]!r})."
        )
    return text


def skeleton(spec: Activation) -> str:
    """The `spec:` front matter a translator fills in for `spec`, with the English as the placeholder values."""
    import yaml

    body = yaml.safe_dump({"spec": english_spec_text(spec)}, allow_unicode=True, sort_keys=False, width=110)
    return f"---\n{body}---\n"


def main(argv: list[str]) -> int:
    from actref import catalog

    if len(argv) != 1 or argv[0] not in catalog.names():
        print(f"usage: python -m actref.site.i18n NAME  (NAME one of: {', '.join(catalog.names())})")
        return 2
    print(skeleton(catalog.get(argv[0])), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
