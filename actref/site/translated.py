"""Text made outside the site, in the page's language: the measurement layer's evidence and formatted strings.

The measurement layer writes English (results files, verdicts, configs). Two ways to put its text on a zh page
without parsing prose:
- `evidence(ctx, e)`: a verdict's `Evidence` (actref.experiments.verdicts) keeps its message template and its
  fields, so it is translated as a message whose fields are filled in after translation;
- `untemplate(text, templates)`: a string some other code formatted from one of a few known English templates
  (an f-string in a config, a staleness reason) gives back the template and its fields, to translate the same
  way. A text that matches none of them is returned as None: the caller translates it whole, as a message.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from actref.experiments.verdicts import Evidence, Joined

if TYPE_CHECKING:
    from actref.site.context import Context


def evidence(ctx: Context, text: str) -> str:
    """`text` in the page's language: an Evidence as its translated template, a plain string unchanged."""
    if isinstance(text, Joined):
        parts = [evidence(ctx, p) for p in text.parts]
        if not parts:
            return ""
        out = parts[0]
        for part in parts[1:]:  # "{a}; {b}" folded pair by pair: the separator is translated as a message
            out = ctx._("{a}" + text.sep + "{b}", a=out, b=part)
        return out
    if isinstance(text, Evidence):
        fields = {k: evidence(ctx, v) if isinstance(v, Evidence) else v for k, v in text.fields.items()}
        return ctx._(text.template, **fields)
    return str(text)


@functools.cache
def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
    return re.compile(regex, re.S)


def untemplate(text: str, templates: tuple[str, ...]) -> tuple[str, dict[str, str]] | None:
    """(template, fields) of the first of `templates` that formats to `text` ({name} fields, no format specs)."""
    for template in templates:
        m = _pattern(template).fullmatch(text)
        if m and template.format(**m.groupdict()) == text:
            return template, m.groupdict()
    return None
