"""Markdown for the live plots: the section on each elementwise activation page and the Explorer page's parts.

The plots themselves are drawn in the browser by assets/vendor/live-plot/live-plot.js from the generated
assets/actref/activations.js (actref.site.explorer); this module writes the containers they fill (on an
activation page, around the static figure that readers without JavaScript see), and the notes on how the
JavaScript computes each function.
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


def _notes_list(notes: list[str]) -> list[str]:
    return [f"- {note}." for note in notes]


def one_plot(spec: Activation, figure: str) -> str:
    """The Plot section's one plot: the static figure, followed by the live plot that takes its place.

    Without JavaScript (and in print) the reader sees the figure; when live-plot.js has drawn the live plot,
    docs/stylesheets/one-plot.css hides the figure (docs/javascripts/one-plot.js offers it back with a
    button, for its f′ by autograd and its torch built-in overlay). Vector-valued activations have no live
    plot: the figure alone.
    """
    if not spec.elementwise:
        return figure
    sliders = " with sliders" if explorer.numeric_params(spec) else ""
    overlay = ", the torch built-in dashed" if spec.builtin is not None else ""
    show = html.escape(f"Show the static figure (f′ by autograd{overlay})", quote=True)
    return "\n".join(
        [
            f'<div class="actref-plot" data-show-label="{show}" markdown="1">',
            "",
            figure,
            "",
            # The fallback text is replaced by the plot when the script runs.
            f'<div class="actref-live" data-activation="{html.escape(spec.name)}" markdown="1">',
            "",
            f"*With JavaScript on, a live plot{sliders} takes this figure's place.*",
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
        f"[Explorer]({relative(ctx.page_src, 'explorer.md')})"
        f'{{ .actref-explorer-link data-activation="{spec.name}" }}'
    )
    params = explorer.numeric_params(spec)
    sliders = (
        f" Move {'its parameter' if len(params) == 1 else 'its parameters'} with the "
        f"{'slider' if len(params) == 1 else 'sliders'}; values the spec rejects cannot be set."
        if params
        else ""
    )
    overlay = ", the torch built-in overlaid" if spec.builtin is not None else ""
    lines = [
        '<div class="actref-live-notes" markdown="1">',
        "",
        f"The live plot computes f and f′ in your browser by JavaScript that sympy printed from the two formulas "
        f"above (`actref.site.explorer`); the browser test checks it against this page's torch code at 201 "
        f"points.{sliders} The static figure it replaces (f′ by autograd{overlay}) is what prints."
        f" Compare it with other activations in the {explorer_link}.",
        "",
    ]
    if code.notes:
        lines += ["Where the formula as written would lose accuracy, the JavaScript uses a stable form:", ""]
        lines += [*_notes_list(code.notes), ""]
    lines += ["</div>", ""]
    return "\n".join(lines)


def explorer_widget(ctx: Context) -> str:
    """Directive: the Explorer's container; until the script replaces it, links to every activation page."""
    links = [
        f"[{spec.title}]({relative(ctx.page_src, f'activations/{spec.name}.md')})"
        for spec in catalog.all_specs()
        if spec.elementwise
    ]
    return "\n".join(
        [
            '<div class="actref-explorer" markdown="1">',
            "",
            "*The Explorer draws its plots with JavaScript. Without it, each activation page has a static "
            f"figure of f and f′:* {', '.join(links)}.",
            "",
            "</div>",
        ]
    )


def stable_forms(ctx: Context) -> str:
    """Directive: each stable form the generated JavaScript uses, and the activations that use it."""
    users: dict[str, list[str]] = {}
    for spec in catalog.all_specs():
        if not spec.elementwise:
            continue
        for note in explorer.activation_code(spec).notes:
            url = relative(ctx.page_src, f"activations/{spec.name}.md")
            users.setdefault(note, []).append(f"[{spec.title}]({url})")
    return "\n".join(f"- {note}: {', '.join(names)}." for note, names in users.items())
