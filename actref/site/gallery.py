"""The All activations gallery: a card per activation with its thumbnail, family, range and key properties.

The cards are plain HTML in the page (every card shows without JavaScript); docs/javascripts/gallery.js adds
the filters (by family and by property) and the sort control, reading each card's data attributes. The
thumbnails are drawn by actref.site.thumbnails and cached like every other generated file (once, for every
language). The words on the cards and in the filters are in the page's language (ctx._; Chinese in
actref/site/locale/zh/gallery.po, gallery.js's own in the same file).
"""

from __future__ import annotations

import functools
import html
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sympy

from actref import catalog
from actref.site import thumbnails
from actref.site.activation_pages import family_text, range_text
from actref.site.links import relative_prefix
from actref.site.nav import family_order

if TYPE_CHECKING:
    from actref.registry import Activation
    from actref.site.context import Context


@dataclass(frozen=True)
class Property:
    """A yes/no property a card shows as a tag and the gallery filters by."""

    key: str  # the token in a card's data-properties
    label: str  # the tag's text and the filter's label (English: the message id; ctx._ translates it)
    meaning: str  # one line for the key under the gallery (likewise)
    holds: Callable[[Activation], bool]


def _declared(attribute: str, value=True) -> Callable[[Activation], bool]:
    """A predicate: the spec declares Properties.<attribute> == value (the tests check every declaration)."""
    return lambda spec: spec.properties is not None and getattr(spec.properties, attribute) == value


def _bounded(spec: Activation) -> bool:
    props = spec.properties
    return props is not None and props.range[0] != -sympy.oo and props.range[1] != sympy.oo


PROPERTIES = (
    Property("monotonic", "monotonic", "f never decreases", _declared("monotonic")),
    Property("smooth", "smooth (C∞)", "every derivative exists everywhere", _declared("smoothness", "C∞")),
    Property("bounded", "bounded", "the range is finite on both sides", _bounded),
    Property(
        "zero-centred", "zero-centred", "mean output 0 for a standard-normal input", _declared("zero_centred")
    ),
    Property(
        "self-gated", "self-gated", "x times a gate from 0 to 1 computed from x", _declared("self_gated")
    ),
    Property(
        "learnable",
        "learnable",
        "its module trains parameters of its own",
        lambda s: bool(s.extra.get("learnable")),
    ),
    Property(
        "builtin",
        "torch built-in",
        "PyTorch ships it; the page compares ours with it",
        lambda s: s.builtin is not None,
    ),
    Property(
        "vector",
        "vector-valued",
        "maps a vector to a vector, not one number at a time",
        lambda s: not s.elementwise,
    ),
)
# Smoothest first, for the "smoothness" sort.
SMOOTHNESS_ORDER = ("C∞", "C2", "C1", "C0", "discontinuous")


def card_properties(spec: Activation) -> list[str]:
    """The keys of the PROPERTIES that hold for `spec`, in PROPERTIES order."""
    return [p.key for p in PROPERTIES if p.holds(spec)]


def short_family(ctx: Context, family: str) -> str:
    """'Exponential', not 'Exponential (ELU family)': the family's title without its parenthesis."""
    return family_text(ctx, family, short=True)


def ordered_specs() -> list[Activation]:
    """Every spec, grouped by family (in family_order), by title inside a family: the gallery's own order."""
    rank = {f: i for i, f in enumerate(family_order())}
    return sorted(catalog.all_specs(), key=lambda s: (rank[s.family], s.title.lower()))


def thumbnail(ctx: Context, spec: Activation) -> str:
    """The URL of `spec`'s thumbnail, drawn (in the build's pool) when its cache key is new."""
    return ctx.asset(
        f"thumbnails/{spec.name}.svg",
        thumbnails.thumbnail_inputs(spec),
        functools.partial(thumbnails.draw, name=spec.name),
        code=[thumbnails],
        specs=[spec],
    )


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _short(v: float) -> str:
    return f"{v:.3g}".replace("-", "−")


def alt_text(ctx: Context, spec: Activation) -> str:
    """The thumbnail's alt text in the page's language (in English, thumbnails.alt_text: what is drawn, over
    which range)."""
    lo, hi = (_short(v) for v in spec.plot_range)
    return ctx._(
        "{title}: f (solid) and f′ by autograd (dashed) over {slice} from {lo} to {hi}",
        title=spec.title,
        slice=ctx._(thumbnails.slice_text(spec)),
        lo=lo,
        hi=hi,
    )


def card(ctx: Context, spec: Activation, order: int) -> str:
    """One card: the thumbnail and title (one link to the page), family, range, smoothness, property tags."""
    rel = relative_prefix(ctx.page_src, "activations")
    keys = card_properties(spec)
    labels = {p.key: ctx._(p.label) for p in PROPERTIES}
    smoothness = spec.properties.smoothness if spec.properties else "—"
    rank = SMOOTHNESS_ORDER.index(smoothness) if smoothness in SMOOTHNESS_ORDER else len(SMOOTHNESS_ORDER)
    alt = alt_text(ctx, spec).replace("[", "(").replace("]", ")")
    meta = ctx._(
        "{family} · range {range} · {smoothness}",
        family=html.escape(short_family(ctx, spec.family)),
        range=html.escape(range_text(spec, latex=False)),
        smoothness=html.escape(ctx._("discontinuous") if smoothness == "discontinuous" else smoothness),
    )
    tags = "".join(f"<li>{html.escape(labels[k])}</li>" for k in keys)
    data = {
        "name": spec.name,
        "title": spec.title,
        "family": spec.family,
        "properties": " ".join(keys),
        "order": str(order),
        "smoothness": str(rank),
    }
    attributes = " ".join(f'data-{k}="{_attr(v)}"' for k, v in data.items())
    return "\n".join(
        [
            f'<li class="actref-card" {attributes} markdown="1">',
            f"[![{alt}]({thumbnail(ctx, spec)}){{ width={thumbnails.WIDTH} height={thumbnails.HEIGHT} "
            f'loading=lazy }}<span class="actref-card-title">{html.escape(spec.title)}</span>]'
            f"({rel}{spec.name}.md){{ .actref-card-link }}",
            f'<p class="actref-card-meta" markdown="span">{meta}</p>',
            f'<ul class="actref-card-tags" aria-label="{_attr(ctx._("Properties"))}">{tags}</ul>'
            if tags
            else "",
            "</li>",
        ]
    )


def activation_gallery(ctx: Context) -> str:
    """Directive: the gallery of every activation, grouped by family; filters and sorting come with the script."""
    specs = ordered_specs()
    filters = {
        "families": [[f, short_family(ctx, f)] for f in family_order()],
        "properties": [[p.key, ctx._(p.label)] for p in PROPERTIES],
    }
    provenance = ctx._(
        "{count} activations. Thumbnails drawn at build time by <code>actref.site.thumbnails</code> from "
        "actref's implementation, f′ by autograd ({provenance}).",
        count=len(specs),
        provenance=ctx.provenance(),
    )
    tags = ctx._("; ").join(
        ctx._("**{label}**: {meaning}", label=ctx._(p.label), meaning=ctx._(p.meaning)) for p in PROPERTIES
    )
    lines = [
        f"<div class=\"actref-gallery\" data-filters='{_attr(json.dumps(filters, ensure_ascii=False))}' "
        'markdown="1">',
        "",
        '<ul class="actref-cards" markdown="1">',
        *(card(ctx, spec, i) for i, spec in enumerate(specs)),
        "</ul>",
        "",
        "</div>",
        "",
        f'<p class="actref-provenance">{provenance}</p>',
        "",
        ctx._("The tags: {tags}.", tags=tags),
    ]
    return "\n".join(lines)
