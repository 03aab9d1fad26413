"""Markdown for the live plots: the section on each elementwise activation page and the Explorer page's parts.

The plots themselves are drawn in the browser by assets/vendor/live-plot/live-plot.js from the generated
assets/actref/activations.js (actref.site.explorer); this module writes the containers they fill (on an
activation page, around the static figure that readers without JavaScript see), and the notes on how the
JavaScript computes each function. Its words are in the page's language (ctx._; Chinese in
actref/site/locale/zh/explorer.po, with the stable-form notes of actref.site.explorer).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from actref import catalog
from actref.registry import Activation
from actref.site import explorer
from actref.site.links import relative

if TYPE_CHECKING:
    from actref.site.context import Context


def _join(ctx: Context, items: list[str]) -> str:
    return ctx._(", ").join(items)


def one_plot(ctx: Context, spec: Activation, figure: str) -> str:
    """The Plot section's one plot: the static figure, followed by the live plot that takes its place.

    Without JavaScript (and in print) the reader sees the figure; when live-plot.js has drawn the live plot,
    docs/stylesheets/one-plot.css hides the figure (docs/javascripts/one-plot.js offers it back with a
    button, for its f′ by autograd and its torch built-in overlay). Vector-valued activations have no live
    plot: the figure alone.
    """
    if not spec.elementwise:
        return figure
    if spec.builtin is not None:
        show = ctx._("Show the static figure (f′ by autograd, the torch built-in dashed)")
    else:
        show = ctx._("Show the static figure (f′ by autograd)")
    if explorer.numeric_params(spec):
        fallback = ctx._("*With JavaScript on, a live plot with sliders takes this figure's place.*")
    else:
        fallback = ctx._("*With JavaScript on, a live plot takes this figure's place.*")
    return "\n".join(
        [
            f'<div class="actref-plot" data-show-label="{html.escape(show, quote=True)}" markdown="1">',
            "",
            figure,
            "",
            # The fallback text is replaced by the plot when the script runs.
            f'<div class="actref-live" data-activation="{html.escape(spec.name)}" markdown="1">',
            "",
            fallback,
            "",
            "</div>",
            "",
            "</div>",
        ]
    )


def live_section(ctx: Context, spec: Activation) -> str:
    """How the live plot is computed, under the Plot section's plot (empty for vector-valued activations).

    Shown only when the live plot is (one-plot.css), since it describes the live plot.
    """
    if not spec.elementwise:
        return ""
    code = explorer.activation_code(spec)
    # The script adds "#name&parameters" to this link as the sliders move (an anchor in the markdown would
    # fail MkDocs' anchor validation: the Explorer's state is not a heading).
    explorer_link = (
        f"[{ctx._('Explorer')}]({relative(ctx.page_src, 'explorer.md')})"
        f'{{ .actref-explorer-link data-activation="{spec.name}" }}'
    )
    params = explorer.numeric_params(spec)
    text = ctx._(
        "The live plot computes f and f′ in your browser by JavaScript that sympy printed from the two formulas "
        "above (`actref.site.explorer`); the browser test checks it against this page's torch code at 201 "
        "points."
    )
    if len(params) == 1:
        text += ctx._(" Move its parameter with the slider; values the spec rejects cannot be set.")
    elif params:
        text += ctx._(" Move its parameters with the sliders; values the spec rejects cannot be set.")
    if spec.builtin is not None:
        text += ctx._(
            " The static figure it replaces (f′ by autograd, the torch built-in overlaid) is what prints."
        )
    else:
        text += ctx._(" The static figure it replaces (f′ by autograd) is what prints.")
    text += ctx._(" Compare it with other activations in the {explorer}.", explorer=explorer_link)
    lines = ['<div class="actref-live-notes" markdown="1">', "", text, ""]
    if code.notes:
        lines += [
            ctx._("Where the formula as written would lose accuracy, the JavaScript uses a stable form:"),
            "",
        ]
        lines += [f"- {ctx._('{note}.', note=ctx._(note))}" for note in code.notes]
        lines += [""]
    lines += ["</div>", ""]
    return "\n".join(lines)


def explorer_widget(ctx: Context) -> str:
    """Directive: the Explorer's container; until the script replaces it, links to every activation page."""
    links = [
        f"[{spec.title}]({relative(ctx.page_src, f'activations/{spec.name}.md')})"
        for spec in catalog.all_specs()
        if spec.elementwise
    ]
    text = ctx._(
        "*The Explorer draws its plots with JavaScript. Without it, each activation page has a static figure of "
        "f and f′:* {links}.",
        links=_join(ctx, links),
    )
    return "\n".join(['<div class="actref-explorer" markdown="1">', "", text, "", "</div>"])


def stable_forms(ctx: Context) -> str:
    """Directive: each stable form the generated JavaScript uses, and the activations that use it."""
    users: dict[str, list[str]] = {}
    for spec in catalog.all_specs():
        if not spec.elementwise:
            continue
        for note in explorer.activation_code(spec).notes:
            url = relative(ctx.page_src, f"activations/{spec.name}.md")
            users.setdefault(note, []).append(f"[{spec.title}]({url})")
    return "\n".join(
        "- " + ctx._("{note}: {names}.", note=ctx._(note), names=_join(ctx, names))
        for note, names in users.items()
    )
