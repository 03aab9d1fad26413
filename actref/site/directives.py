"""Directives: `<!-- actref:MODULE.FUNC args -->` in a page's markdown becomes the markdown FUNC returns.

MODULE is a module of actref.site (e.g. `activation_pages.activation_table`); FUNC takes the page's Context
first. `render_markdown` is what the build does to every page: activation pages are assembled around their
prose, then directives are expanded.
"""

from __future__ import annotations

import importlib
import re
from typing import TYPE_CHECKING

from actref.site import activation_pages

if TYPE_CHECKING:
    from actref.site.context import Context, SiteBuild

DIRECTIVE = re.compile(
    r"^[ \t]*<!--\s*actref:(?P<target>[A-Za-z_][\w.]*)(?P<args>(?:\s+[^\s>]+)*)\s*-->[ \t]*$"
)
INLINE_DIRECTIVE = re.compile(r"<!--\s*actref:(?P<target>[A-Za-z_][\w.]*)(?P<args>(?:\s+[^\s>]+)*)\s*-->")
FENCE = re.compile(r"^[ \t]*(```|~~~)")


def call_directive(ctx: Context, target: str, args: list[str]) -> str:
    """Run `actref.site.<module>.<func>(ctx, *args)` for a directive target 'module.func'."""
    module_name, _, func_name = target.rpartition(".")
    if not module_name:
        raise ValueError(
            f"Directive target {target!r} in {ctx.page_src} must be MODULE.FUNC (e.g. activation_pages.activation_table)."
        )
    module = importlib.import_module(f"actref.site.{module_name}")
    func = getattr(module, func_name, None)
    if func is None:
        raise AttributeError(
            f"Directive in {ctx.page_src}: actref.site.{module_name} has no function {func_name!r}."
        )
    out = func(ctx, *args)
    if not isinstance(out, str):
        raise TypeError(f"Directive actref.site.{target} returned {type(out).__name__}, not markdown text.")
    return out


def expand_directives(markdown: str, ctx: Context) -> str:
    """Replace every `<!-- actref:MODULE.FUNC args -->` (outside code fences) with its markdown.

    A directive alone on its line may return blocks; one inside a sentence must return a single line.
    """
    out: list[str] = []
    fence: str | None = None
    for line in markdown.split("\n"):
        m = FENCE.match(line)
        if m:
            fence = None if fence == m.group(1) else (fence or m.group(1))
        d = DIRECTIVE.match(line) if fence is None else None
        if d:
            out.append(call_directive(ctx, d.group("target"), d.group("args").split()))
        elif fence is None and INLINE_DIRECTIVE.search(line):
            out.append(INLINE_DIRECTIVE.sub(lambda m: _inline(ctx, m), line))
        else:
            out.append(line)
    return "\n".join(out)


def _inline(ctx: Context, m: re.Match) -> str:
    text = call_directive(ctx, m.group("target"), m.group("args").split()).strip()
    if "\n" in text:
        raise ValueError(
            f"{ctx.page_src}: inline directive actref:{m.group('target')} returned several lines."
        )
    return text


def activation_name(src_uri: str) -> str | None:
    """The activation a docs page belongs to, in any language ('activations/relu.md' and its Chinese twin
    'activations/relu.zh.md' → 'relu'), or None."""
    m = re.fullmatch(r"activations/([a-z0-9_]+)(?:\.[a-z]{2})?\.md", src_uri)
    return m.group(1) if m and m.group(1) != "index" else None


def render_markdown(build: SiteBuild, src_uri: str, markdown: str) -> str:
    """A page's markdown as the site renders it: activation pages assembled, directives expanded."""
    ctx = build.context(src_uri)
    name = activation_name(src_uri)
    if name is not None:
        markdown = activation_pages.activation_page(ctx, name, markdown)
    return expand_directives(markdown, ctx)
