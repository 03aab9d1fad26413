"""Markdown generated from the registry: activation pages, the all-activations table, the Code sections.

Every function here returns markdown text; actref.site.hooks decides when it runs. Directive targets
(`<!-- actref:activation_pages.FUNC args -->`) take the build Context first. Every word they write is in the
page's language: `ctx._("English")` (Chinese in actref/site/locale/zh/activation_pages.po) and the spec's own
text through `ctx.spec_text` (Chinese in the zh page's front matter); formulas and code are the same in both.
"""

from __future__ import annotations

import functools
import html
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sympy
import torch

from actref import catalog, symbolic
from actref.registry import UnknownActivation
from actref.site import (
    activation_figures,
    cost_pages,
    experiment_pages,
    explorer_pages,
    framework_pages,
    i18n,
)
from actref.site.errors import PageError
from actref.site.links import relative_prefix
from actref.site.nav import family_title
from actref.symbolic import x as sym_x

if TYPE_CHECKING:
    from actref.registry import Activation
    from actref.site.context import Context

REQUIRED_PROSE = ("Pros", "Cons")
GENERATED_SECTIONS = (
    "Definition",
    "Derivative",
    "Properties",
    "Plot",
    "Code",
    "Measured",
    "In other libraries",
    "References",
)
SECTION_ORDER = (
    "Definition",
    "Derivative",
    "Properties",
    "Plot",
    "Pros",
    "Cons",
    "Code",
    "Measured",
    "In other libraries",
    "References",
)
# The hand-written sections' headings as a prose page in each language writes them (the English heading is the
# key). Pros and Cons are required; the others are the usual extra sections, so a zh page names them the same
# way everywhere. The generated sections' headings come from the message catalogue instead (ctx._).
PROSE_HEADINGS: dict[str, dict[str, str]] = {
    "zh": {
        "Pros": "优点",
        "Cons": "缺点",
        "Notes": "说明",
        "Where it is used": "应用",
        "Learnable parameters": "可学习参数",
        "Numerics": "数值计算",
    },
}

# Providers of measured results: each adds a part to an activation's Measured section
# (activation_markdown) and columns to the all-activations table (table_columns).
PROVIDERS = (experiment_pages, cost_pages)


# ---------------------------------------------------------------------------------------------- prose
def prose_heading(english: str, lang: str) -> str:
    """A hand-written section's heading as a page in `lang` writes it ('Pros' → '优点' in zh)."""
    return PROSE_HEADINGS.get(i18n.check_language(lang), {}).get(english, english)


def english_heading(heading: str, lang: str) -> str:
    """The English key of a prose heading written in `lang` ('优点' → 'Pros'); other headings unchanged."""
    for english, written in PROSE_HEADINGS.get(i18n.check_language(lang), {}).items():
        if written == heading:
            return english
    return heading


@dataclass(frozen=True)
class Prose:
    """The hand-written part of a page: a summary, then (heading, body) sections, Pros and Cons among them.

    Headings are kept as the page writes them (in its language); `section` and `extra` go by the English key.
    """

    summary: str
    sections: tuple[tuple[str, str], ...]
    lang: str = i18n.DEFAULT_LANGUAGE

    def section(self, heading: str) -> str:
        return next(body for h, body in self.sections if english_heading(h, self.lang) == heading)

    @property
    def extra(self) -> list[tuple[str, str]]:
        return [(h, b) for h, b in self.sections if english_heading(h, self.lang) not in REQUIRED_PROSE]


def parse_prose(text: str, src: str, lang: str = i18n.DEFAULT_LANGUAGE) -> Prose:
    """Split a prose file into summary and `## ` sections, checking it against the page contract.

    A page in `lang` names its sections in that language (PROSE_HEADINGS): a zh page has '## 优点' and
    '## 缺点', and none of the generated sections' headings in either language.
    """
    summary: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    in_fence = False
    for line in text.strip("\n").split("\n"):
        if re.match(r"^\s*(```|~~~)", line):
            in_fence = not in_fence
        if not in_fence and re.match(r"^# ", line):
            raise PageError(f"{src}: remove the '# ' title; the page title is generated from the registry.")
        if not in_fence and line.startswith("## "):
            sections.append((line[3:].strip(), []))
        elif sections:
            sections[-1][1].append(line)
        else:
            summary.append(line)
    headings = [h for h, _ in sections]
    keys = [english_heading(h, lang) for h in headings]
    pros, cons = prose_heading("Pros", lang), prose_heading("Cons", lang)
    problems = []
    if not "\n".join(summary).strip():
        problems.append("it has no summary before the first '## ' heading")
    for required in REQUIRED_PROSE:
        if required not in keys:
            problems.append(f"it has no '## {prose_heading(required, lang)}' section")
    if all(h in keys for h in REQUIRED_PROSE) and keys.index("Pros") > keys.index("Cons"):
        problems.append(f"'## {pros}' must come before '## {cons}'")
    translated = i18n.catalogue(lang)  # (English needs none)
    generated_names = {h for g in GENERATED_SECTIONS for h in (g, translated.get(g, g))}
    if generated := [h for h in headings if h in generated_names]:
        problems.append(f"section(s) {', '.join(generated)} are generated from the registry; remove them")
    if dupes := sorted({h for h in headings if headings.count(h) > 1}):
        problems.append(f"duplicate section(s) {', '.join(dupes)}")
    if keys and keys[0] != "Pros":
        problems.append(f"the first section must be '## {pros}' (extra sections go after '## {cons}')")
    if english := [h for h in headings if h in PROSE_HEADINGS.get(lang, {})]:
        problems.append(
            "a page in this language names its sections in it: "
            + ", ".join(f"'## {prose_heading(h, lang)}', not '## {h}'" for h in english)
        )
    if problems:
        raise PageError(f"{src} does not follow notes/PAGES.md: " + "; ".join(problems) + ".")
    return Prose(
        "\n".join(summary).strip(), tuple((h, "\n".join(body).strip()) for h, body in sections), lang
    )


# ---------------------------------------------------------------------------------------------- formatting
def _number(v) -> str:
    """A short plain-text number: exact small rationals as is, others to 6 significant digits."""
    v = float(v)
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if v == int(v) and abs(v) < 1e6:
        return str(int(v)).replace("-", "−")
    return f"{v:.6g}".replace("-", "−")


def param_value(v) -> str:
    """A parameter default as a reader types it: `1/3` rather than 0.3333333333333333, `0.01` as is."""
    if isinstance(v, bool) or not isinstance(v, float) or not math.isfinite(v) or v == int(v):
        return repr(v)
    r = sympy.Rational(v).limit_denominator(1000)
    if float(r) == v and 100 % r.q != 0:  # a simple fraction whose decimal is not short (1/3, 1/8)
        return f"{r.p}/{r.q}"
    if len(repr(v)) <= 8:
        return repr(v)
    return f"{v:.6g}"


def _latex_value(v) -> str:
    v = sympy.sympify(v)
    if v.has(sympy.Float) or (v.is_number and not v.is_Rational and len(sympy.latex(v)) > 24):
        return _number(v).replace("−", "-")
    return sympy.latex(v)


def range_text(spec: Activation, latex: bool) -> str:
    """The range as an interval, e.g. '[0, ∞)' (plain) or '[0, \\infty)' (LaTeX)."""
    props = spec.properties
    if props is None:
        return "—"
    lo, hi = props.range
    closed_lo, closed_hi = props.range_closed
    left = "[" if closed_lo and lo != -sympy.oo else "("
    right = "]" if closed_hi and hi != sympy.oo else ")"
    if latex:
        return f"{left}{_latex_value(lo)}, {_latex_value(hi)}{right}"
    return f"{left}{_number(lo)}, {_number(hi)}{right}"


def _smoothness_note_index(spec: Activation) -> int | None:
    """The index in properties.notes of the note explaining a 'discontinuous' that is an artefact of the
    computed form (the English note mentions C∞), or None."""
    props = spec.properties
    if props is None or props.smoothness != "discontinuous":
        return None
    return next((i for i, n in enumerate(props.notes) if "C∞" in n), None)


def smoothness_note(spec: Activation) -> str | None:
    """The note explaining a 'discontinuous' that is an artefact of the computed form (it mentions C∞)."""
    i = _smoothness_note_index(spec)
    return None if i is None else spec.properties.notes[i]


def _smoothness_word(ctx: Context, s: str) -> str:
    """A smoothness class as the table shows it: C∞, C2, ... unchanged; 'discontinuous' translated."""
    return ctx._("discontinuous") if s == "discontinuous" else s


def smoothness_text(ctx: Context, spec: Activation, latex: bool) -> str:
    s = _smoothness_word(ctx, spec.properties.smoothness if spec.properties else "—")
    i = _smoothness_note_index(spec)
    if i is not None:
        note = ctx.spec_text(spec, f"properties.notes.{i}")
        if latex:  # the Properties table has room for the whole explanation
            return ctx._("{smoothness}: {note}", smoothness=s, note=note)
        # The all-activations table: the note's clause about C∞, the full note on hover.
        clauses = [c for c in re.split(r"[;:；：]\s*", note) if "C∞" in c] or [note]
        clause = clauses[0].strip().rstrip(".。")
        if ctx.lang == i18n.DEFAULT_LANGUAGE:
            clause = clause[:1].lower() + clause[1:]
        title = html.escape(note, quote=True)
        return ctx._(
            "{smoothness} ({clause})",
            smoothness=s,
            clause=f'<span class="actref-note" title="{title}">{clause}</span>',
        )
    if not latex:
        return s
    labels = {
        "C∞": r"$C^\infty$",
        "C2": "$C^2$",
        "C1": "$C^1$",
        "C0": ctx._("$C^0$ (continuous, with kinks)"),
    }
    return labels.get(s, s)


def saturation_text(ctx: Context, spec: Activation) -> str:
    sides = spec.properties.saturates if spec.properties else ()
    if sides and not spec.elementwise and any("gate b" in note for note in spec.properties.notes):
        return ctx._("as the gate b → −∞")  # GLU family: the gate half saturates, not the input as a whole
    if set(sides) == {"negative", "positive"}:
        return ctx._("both sides")
    if sides:
        return {"negative": "x → −∞", "positive": "x → +∞"}[sides[0]]
    return ctx._("no")


def f_at_zero(spec: Activation) -> str:
    """f(0) at the default parameters, exact where sympy finds a closed form ('—' for vector activations)."""
    if not spec.elementwise:
        return "—"
    try:
        value = sympy.simplify(spec.expr.subs(spec.substitutions()).subs(sym_x, 0))
    except Exception:  # sympy cannot always evaluate a Piecewise at a point symbolically
        value = None
    if value is not None and value.is_number and value.is_finite:
        return _number(value)
    return _number(spec(torch.zeros(1, dtype=torch.float64)).item())


def init_short(spec: Activation) -> str:
    """The recommended initialisation in a few characters: 'Kaiming √2', 'Xavier 5/3', 'LeCun'."""
    init = spec.init
    name = {"kaiming": "Kaiming", "xavier": "Xavier", "lecun": "LeCun"}.get(init.scheme, init.scheme)
    g = float(init.gain)
    if g == 1.0:
        return name
    if math.isclose(g, math.sqrt(2), rel_tol=1e-12):
        return f"{name} √2"
    r = sympy.Rational(g).limit_denominator(12)
    gain = f"{r.p}/{r.q}" if math.isclose(float(r), g, rel_tol=1e-12) else f"{g:.4g}"
    return f"{name} {gain}"


def init_text(ctx: Context, spec: Activation) -> str:
    """The recommended initialisation in words, in the page's language (in English, `spec.init.describe()`)."""
    init = spec.init
    schemes = {
        "kaiming": ctx._("Kaiming (He) normal"),
        "xavier": ctx._("Xavier (Glorot) normal"),
        "lecun": ctx._("LeCun normal"),
    }
    if init.gain == 1.0:
        return schemes[init.scheme]
    return ctx._("{scheme}, gain {gain}", scheme=schemes[init.scheme], gain=f"{init.gain:.4g}")


def yes_no(ctx: Context, flag: bool) -> str:
    return ctx._("yes") if flag else ctx._("no")


def join_names(ctx: Context, items: list[str]) -> str:
    """Items of a list in a sentence: 'a, b, c' in English, 'a、b、c' in Chinese."""
    return ctx._(", ").join(items)


def _defaults_text(ctx: Context, spec: Activation) -> str:
    if not spec.params:
        return ctx._("none")
    parts = []
    for key, p in spec.params.items():
        symbol = ctx._(" ({symbol})", symbol=f"${sympy.latex(p.symbol)}$") if p.symbol is not None else ""
        doc = ctx._(": {doc}", doc=ctx.spec_text(spec, f"params.{key}.doc")) if p.doc else ""
        valid = (
            ctx._(" (valid: {valid})", valid=ctx.spec_text(spec, f"params.{key}.valid")) if p.valid else ""
        )
        parts.append(f"`{key}={param_value(p.default)}`{symbol}{doc}{valid}")
    return "<br>".join(parts)


def _cell(text: str) -> str:
    return text.replace("|", r"\|").replace("\n", " ")


# ---------------------------------------------------------------------------------------------- sections
def has_lhs(latex: str) -> bool:
    """Whether LaTeX already states its left-hand side (an '=' outside every brace group)."""
    depth = 0
    for ch in latex:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if ch == "=" and depth == 0:
            return True
    return False


# Named functions of actref.symbolic, the LaTeX they print as, and their definitions for a "where" line (what
# each is goes through the catalogue: actref/site/locale/zh/activation_pages.po).
NAMED_FUNCTIONS = (
    ("sigmoid", r"\sigma", r"\sigma(z) = \frac{1}{1 + e^{-z}}", "the logistic sigmoid"),
    (
        "Phi",
        r"\Phi",
        r"\Phi(z) = \tfrac{1}{2}\left(1 + \operatorname{erf}(z/\sqrt{2})\right)",
        "the standard normal CDF",
    ),
    ("phi", r"\varphi", r"\varphi(z) = \frac{e^{-z^2/2}}{\sqrt{2\pi}}", "the standard normal density"),
)


def named_functions(expr, latex: str | None) -> list[str]:
    """Which of σ, Φ, φ a formula uses (from the sympy expression, or its LaTeX for vector activations)."""
    used = []
    # A parameter printed as \sigma (laplace's width σ) is not the sigmoid.
    params = {sympy.latex(s) for s in getattr(expr, "free_symbols", ())}
    for fname, command, _, _ in NAMED_FUNCTIONS:
        in_expr = expr is not None and expr.has(getattr(symbolic, fname))
        in_latex = (
            latex is not None
            and command not in params
            and re.search(re.escape(command) + r"(?![A-Za-z])", latex)
        )
        if in_expr or in_latex:
            used.append(fname)
    return used


def where_line(ctx: Context, names: list[str]) -> str:
    """'where σ(z) = 1/(1+e^{−z}) is the logistic sigmoid' for the named functions a formula uses."""
    defs = {fname: (definition, what) for fname, _, definition, what in NAMED_FUNCTIONS}
    parts = [
        ctx._("{definition} is {what}", definition=f"${defs[n][0]}$", what=ctx._(defs[n][1])) for n in names
    ]
    if not parts:
        return ""
    if len(parts) == 1:
        return ctx._("where {a}.", a=parts[0])
    if len(parts) == 2:
        return ctx._("where {a} and {b}.", a=parts[0], b=parts[1])
    a, b, c = parts  # NAMED_FUNCTIONS has three
    return ctx._("where {a}, {b} and {c}.", a=a, b=b, c=c)


def definition_section(ctx: Context, spec: Activation) -> str:
    latex = spec.latex
    if not has_lhs(latex):
        lhs = "f(x)" if spec.elementwise else r"f(\mathbf{x})_i"
        latex = f"{lhs} = {latex}"
    lines = [f"## {ctx._('Definition')}", "", "$$", latex, "$$", ""]
    if where := where_line(ctx, named_functions(spec.expr, spec.latex)):
        lines += [where, ""]
    if spec.params:
        symbols = [
            f"${sympy.latex(p.symbol)} = {_latex_value(p.default)}$"
            for p in spec.params.values()
            if p.symbol is not None
        ]
        if symbols:
            lines += [ctx._("Default parameters: {symbols}.", symbols=join_names(ctx, symbols)), ""]
    if spec.conventions:
        lines += [ctx._("Special inputs: {conventions}", conventions=ctx.spec_text(spec, "conventions")), ""]
    return "\n".join(lines)


def derivative_section(ctx: Context, spec: Activation) -> str:
    lines = [f"## {ctx._('Derivative')}", ""]
    d = spec.derivative_latex
    if d is None:
        lines += [
            ctx._(
                "{title} is vector-valued, so it has a Jacobian rather than a scalar derivative: {code} computes it.",
                title=spec.title,
                code=f"`torch.autograd.functional.jacobian(actref.get({spec.name!r}), x)`",
            ),
            "",
        ]
        return "\n".join(lines)
    if not has_lhs(d):
        d = f"f'(x) = {d}"
    lines += ["$$", d, "$$", ""]
    defined = named_functions(spec.expr, spec.latex)
    new = [n for n in named_functions(spec.derivative_expr, spec.derivative_latex) if n not in defined]
    if where := where_line(ctx, new):
        lines += [where, ""]
    if spec.elementwise:
        lines += [
            ctx._("This closed form is proven equal to the derivative of the definition by the test suite."),
            "",
        ]
    if spec.kinks:
        lines += [
            ctx._(
                "**At the kinks** f is not differentiable; PyTorch's autograd (and `spec.derivative`) returns "
                "this subgradient there:"
            ),
            "",
        ]
        subs = spec.substitutions()
        for i, kink in enumerate(spec.kinks):
            at, grad = sympy.sympify(kink.at), sympy.sympify(kink.grad)
            at_default, grad_default = at.subs(subs), grad.subs(subs)
            at_note = "" if at_default == at else ctx._(" (= {value} by default)", value=_number(at_default))
            grad_note = (
                "" if grad_default == grad else ctx._(" (= {value} by default)", value=_number(grad_default))
            )
            bullet = ctx._(
                "at $x = {at}${at_note}: $f'(x) := {grad}${grad_note}",
                at=sympy.latex(at),
                at_note=at_note,
                grad=sympy.latex(grad),
                grad_note=grad_note,
            )
            note = ctx.spec_text(spec, f"kinks.{i}.note") if kink.note else None
            lines.append(f"- {kink_line(ctx, bullet, note)}")
        lines.append("")
    elif spec.elementwise and spec.properties and spec.properties.smoothness in ("C∞", "C2", "C1"):
        lines += [ctx._("There are no kinks: f is differentiable everywhere."), ""]
    return "\n".join(lines)


# A kink note that starts with one of these qualifies the subgradient ("in evaluation mode; ...") and
# continues the sentence instead of starting a new one.
QUALIFIERS = ("in", "at", "for", "when", "during", "with", "under", "only")


def kink_note_text(note: str | None) -> str:
    """The end of a kink bullet: '.', or the note as a qualifier, a parenthesis or a second sentence."""
    if not note:
        return "."
    note = note.strip()
    body = note.rstrip(".")
    first = body.split(" ", 1)[0].lower()
    if first in QUALIFIERS:
        return f" {body[:1].lower()}{body[1:]}."
    if body[:1].islower() and ". " not in body:  # a fragment ("jump: ...") or a lower-case name ("torch ...")
        return f" ({body})."
    return f". {body}."


def kink_line(ctx: Context, bullet: str, note: str | None) -> str:
    """A kink bullet and its note: in English, the note joins the sentence (kink_note_text); in another
    language, where that grammar does not carry over, the note is the sentence after it."""
    if ctx.lang == i18n.DEFAULT_LANGUAGE:
        return bullet + kink_note_text(note)
    if not note:
        return ctx._("{kink}.", kink=bullet)
    return ctx._("{kink}. {note}.", kink=bullet, note=note.strip().rstrip(".。"))


def notes_text(ctx: Context, notes) -> str:
    """Property notes as separate lines of one table cell (each ends with a full stop)."""
    full_stops = (".", "!", "?", "。", "！", "？")
    return "<br>".join(n if n.rstrip().endswith(full_stops) else ctx._("{note}.", note=n) for n in notes)


# What "zero-centred" means, on every page (Properties.zero_centred; tests/test_properties.py checks it).
ZERO_CENTRED = r"Zero-centred ($\mathbb{E}[f(Z)] = 0$ for $Z \sim N(0, 1)$)"
ZERO_CENTRED_VECTOR = r"Zero-centred (mean output 0 for i.i.d. $N(0, 1)$ inputs)"


def properties_section(ctx: Context, spec: Activation) -> str:
    props = spec.properties
    rows = [(ctx._("Range"), f"${range_text(spec, latex=True)}$")]
    if props is not None:
        if props.minimum:
            minimum = ctx._(
                "{value} at x = {x}", value=_number(props.minimum[1]), x=_number(props.minimum[0])
            )
        elif props.monotonic:
            minimum = ctx._("none inside the range (monotonic)")
        else:
            minimum = "—"
        rows += [
            (ctx._("Monotonic"), yes_no(ctx, props.monotonic)),
            (ctx._("Smoothness"), smoothness_text(ctx, spec, latex=True)),
            ("f(0)", f_at_zero(spec)),
            (
                ctx._(ZERO_CENTRED if spec.elementwise else ZERO_CENTRED_VECTOR),
                yes_no(ctx, props.zero_centred),
            ),
            (ctx._("Saturates"), saturation_text(ctx, spec)),
            (ctx._("Self-gated"), yes_no(ctx, props.self_gated)),
            (ctx._("Minimum"), minimum),
        ]
    init = init_text(ctx, spec)
    if spec.init.why:
        init = ctx._("{init} — {why}", init=init, why=ctx.spec_text(spec, "init.why"))
    rows += [
        (ctx._("Parameters (defaults)"), _defaults_text(ctx, spec)),
        (ctx._("Recommended initialisation"), init),
        (ctx._("Element-wise"), yes_no(ctx, spec.elementwise)),
    ]
    if props is not None:
        skip = _smoothness_note_index(spec)
        also = [ctx.spec_text(spec, f"properties.notes.{i}") for i in range(len(props.notes)) if i != skip]
        if also:
            rows.append((ctx._("Also"), notes_text(ctx, also)))
    if spec.builtin_differences:
        rows.append((ctx._("Differs from the built-in"), ctx.spec_text(spec, "builtin_differences")))
    header = f"| {ctx._('Property')} | {ctx._('Value')} |"
    table = [header, "| --- | --- |", *(f"| {k} | {_cell(v)} |" for k, v in rows)]
    return "\n".join([f"## {ctx._('Properties')}", "", *table, ""])


def plot_section(ctx: Context, spec: Activation) -> str:
    name = f"figures/{spec.name}.svg"
    url = ctx.asset(
        name,
        activation_figures.figure_inputs(spec),
        functools.partial(activation_figures.draw, name=spec.name),
        code=[activation_figures],
        specs=[spec],
    )
    # The caption is a fixed English sentence per kind of figure (activation_figures.caption): its translation
    # is in the catalogue as a whole.
    caption = ctx._(activation_figures.caption(spec))
    figure = "\n".join(
        [
            '<figure class="actref-figure" markdown="span">',
            f"  ![{ctx._('{title}: {caption}', title=spec.title, caption=caption)}]({url})",
            f"  <figcaption>{caption}</figcaption>",
            "</figure>",
        ]
    )
    provenance = ctx._(
        "Figure drawn at build time by <code>actref.site.activation_figures</code>; {provenance}.",
        provenance=ctx.provenance(name),
    )
    return "\n".join(
        [
            f"## {ctx._('Plot')}",
            "",
            explorer_pages.one_plot(ctx, spec, figure),  # the live plot takes the figure's place in a browser
            "",
            f'<p class="actref-provenance">{provenance}</p>',
            "",
            explorer_pages.live_section(ctx, spec),
        ]
    )


def code_example(spec: Activation) -> str:
    """The Code section's program: the from-scratch forward, and checks against the built-in and actref.

    The same in every language (its comments stay English): a code block is executed once, for both pages.
    """
    fn = spec.forward.__name__
    source = spec.forward_source().rstrip()
    header = ["import math", "", "import torch"]
    if spec.builtin_code and re.search(r"\bF\.", spec.builtin_code):
        header.append("import torch.nn.functional as F")
    lines = [*header, "", "", source, "", ""]
    if spec.elementwise:
        lo, hi = spec.plot_range
        lines.append(f"x = torch.linspace({lo!r}, {hi!r}, 1001, dtype=torch.float64)")
    else:
        lines.append(
            "x = torch.randn(4, 12, dtype=torch.float64, generator=torch.Generator().manual_seed(0))"
        )
    lines.append(f"y = {fn}(x)")
    if spec.builtin_code:
        lines += [
            "",
            "# The PyTorch built-in computes the same function:",
            f"assert torch.allclose(y, {spec.builtin_code})",
        ]
    lines += [
        "",
        "# ... and so does actref's registry entry (the code above is its source):",
        "import actref",
        "",
        f'assert torch.equal(y, actref.get("{spec.name}")(x))',
    ]
    return "\n".join(lines) + "\n"


def code_section(ctx: Context, spec: Activation) -> str:
    if spec.builtin_code:
        intro = ctx._(
            "The built-in one-liner is {code}; the from-scratch version below is actref's own implementation, "
            "verbatim, with checks that they agree. The test suite runs this block exactly as shown.",
            code=f"`{spec.builtin_code}`",
        )
    else:
        intro = ctx._(
            "PyTorch has no built-in for it; the from-scratch version below is actref's own implementation, "
            "verbatim, with checks that they agree. The test suite runs this block exactly as shown."
        )
    return "\n".join(
        [f"## {ctx._('Code')}", "", intro, "", "```python", code_example(spec).rstrip("\n"), "```", ""]
    )


def measured_section(ctx: Context, spec: Activation) -> str:
    lines = [f"## {ctx._('Measured')}", ""]
    for provider in PROVIDERS:
        lines += [provider.activation_markdown(ctx, spec.name).strip("\n"), ""]
    return "\n".join(lines)


def references_section(ctx: Context, spec: Activation) -> str:
    lines = [f"## {ctx._('References')}", ""]
    if spec.paper is not None:
        p = spec.paper  # a citation is the same in every language
        venue = f", {p.venue}" if p.venue else ""
        lines.append(f"- {p.authors} ({p.year}). [*{p.title}*]({p.url}){venue}.")
    else:
        note = (
            ctx.spec_text(spec, "paper_note") if spec.paper_note else ctx._("no single paper introduced it.")
        )
        lines.append("- " + ctx._("No paper to cite: {note}", note=note))
    related = []
    for other in spec.related:
        try:
            target = catalog.get(other)
        except UnknownActivation as e:
            raise ValueError(
                f"{spec.name}: related activation {other!r} is not in the registry ({e})."
            ) from e
        if target.name != spec.name and target.name not in [r.name for r in related]:
            related.append(target)
    if related:
        links = join_names(ctx, [f"[{r.title}]({r.name}.md)" for r in related])
        lines.append("- " + ctx._("Related: {links}.", links=links))
    lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- pages
PAGE_FILE = re.compile(r"(?P<name>[a-z0-9_]+)(?:\.(?P<lang>[a-z]{2}))?\.md")


def check_pages(docs_dir: Path, languages: tuple[str, ...] = i18n.LANGUAGES) -> None:
    """Raise unless every registry activation has exactly one prose page per language (NAME.md in English,
    NAME.zh.md in Chinese) and every page an activation."""
    pages_dir = docs_dir / "activations"
    have: dict[str, set[str]] = {lang: set() for lang in languages}
    strays = []
    for path in sorted(pages_dir.glob("*.md")):
        m = PAGE_FILE.fullmatch(path.name)
        lang = (m.group("lang") or i18n.DEFAULT_LANGUAGE) if m else None
        if m is None or lang not in i18n.LANGUAGES:
            strays.append(path.name)
        elif m.group("name") != "index" and lang in have:
            have[lang].add(m.group("name"))
    want = set(catalog.names())
    problems = []
    if missing := sorted(want - have.get(i18n.DEFAULT_LANGUAGE, want)):
        problems.append(
            "no page for registry activation(s) "
            + ", ".join(missing)
            + ": write docs/activations/<name>.md (prose only, see notes/PAGES.md)"
        )
    for lang in languages:
        if lang == i18n.DEFAULT_LANGUAGE:
            continue
        if missing := sorted(want - have[lang]):
            problems.append(
                f"no {lang} page for registry activation(s) {', '.join(missing)}: write "
                + ", ".join(f"docs/activations/{n}.{lang}.md" for n in missing)
                + f" (the prose in {lang}, with '## {prose_heading('Pros', lang)}' and "
                f"'## {prose_heading('Cons', lang)}', and the `spec:` front matter that "
                "`python -m actref.site.i18n NAME` prints, translated)"
            )
    orphans = sorted(
        f"activations/{n}.md" if lang == i18n.DEFAULT_LANGUAGE else f"activations/{n}.{lang}.md"
        for lang, names in have.items()
        for n in names - want
    )
    if orphans:
        problems.append(
            "page(s) without a registry activation: "
            + ", ".join(orphans)
            + " (rename to the canonical name, or add the spec to actref/catalog/)"
        )
    if strays:
        problems.append(
            f"page(s) named neither NAME.md nor NAME.LANG.md with LANG one of {', '.join(i18n.LANGUAGES[1:])}: "
            + ", ".join(f"activations/{s}" for s in strays)
        )
    if problems:
        raise PageError("; ".join(problems))


def family_text(ctx: Context, family: str, short: bool = False) -> str:
    """A family's title in the page's language (the nav's, translated in nav.po); `short` drops its
    parenthesis ('Exponential', not 'Exponential (ELU family)')."""
    title = ctx._(family_title(family))
    return re.sub(r"\s*[(（].*[)）]$", "", title) if short else title


def activation_page(ctx: Context, name: str, prose_text: str) -> str:
    """The full markdown of docs/activations/<name>.md (or its twin in another language, NAME.LANG.md):
    generated sections around the hand-written prose."""
    spec = catalog.get(name)
    prose = parse_prose(prose_text, ctx.page_src, ctx.lang)
    family = family_text(ctx, spec.family)
    if spec.aliases:
        aliases = join_names(ctx, [f"`{a}`" for a in spec.aliases])
        meta = ctx._("*Family:* {family} · *also known as* {aliases}", family=family, aliases=aliases)
    else:
        meta = ctx._("*Family:* {family}", family=family)
    parts = [
        f"# {spec.title}",
        "",
        prose.summary,
        "",
        meta + f' · `actref.get("{spec.name}")`',
        "",
        definition_section(ctx, spec),
        derivative_section(ctx, spec),
        properties_section(ctx, spec),
        plot_section(ctx, spec),
    ]
    for key in REQUIRED_PROSE:
        parts += [f"## {prose_heading(key, ctx.lang)}", "", prose.section(key), ""]
    for heading, body in prose.extra:
        parts += [f"## {heading}", "", body, ""]
    parts += [
        code_section(ctx, spec),
        measured_section(ctx, spec),
        framework_pages.activation_markdown(ctx, spec.name),
        references_section(ctx, spec),
    ]
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------------- directives
def activation_table(ctx: Context) -> str:
    """Directive: the sortable table of every activation (properties + providers' extra columns)."""
    headers = [
        ctx._("Activation"),
        ctx._("Family"),
        ctx._("Range"),
        ctx._("Monotonic"),
        ctx._("Smoothness"),
        ctx._("Zero-centred"),
        ctx._("Saturates"),
        "f(0)",
        ctx._("Init"),
    ]
    extra_headers: list[str] = []
    extra_cells: dict[str, list[str]] = {}
    for provider in PROVIDERS:
        h, cells = provider.table_columns(ctx)
        for name, row in cells.items():
            extra_cells.setdefault(name, [""] * len(extra_headers)).extend(row)
        extra_headers += list(h)
        for row in extra_cells.values():
            row.extend([""] * (len(extra_headers) - len(row)))
    rel = relative_prefix(ctx.page_src, "activations")
    lines = [
        '<div class="actref-all-table" markdown>',
        "",
        "| " + " | ".join(headers + extra_headers) + " |",
        "|" + "---|" * (len(headers) + len(extra_headers)),
    ]
    for spec in catalog.all_specs():
        props = spec.properties
        cells = [
            f"[{spec.title}]({rel}{spec.name}.md)",
            family_text(ctx, spec.family, short=True),
            range_text(spec, latex=False),
            yes_no(ctx, props.monotonic) if props else "—",
            smoothness_text(ctx, spec, latex=False),
            yes_no(ctx, props.zero_centred) if props else "—",
            saturation_text(ctx, spec),
            f_at_zero(spec),
            f'<span title="{html.escape(init_text(ctx, spec))}">{init_short(spec)}</span>',
            *extra_cells.get(spec.name, [""] * len(extra_headers)),
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    provenance = ctx._(
        "{count} activations. Table generated from the registry at build time ({provenance}). Click a column "
        "header to sort.",
        count=len(catalog.names()),
        provenance=ctx.provenance(),
    )
    lines += ["", "</div>", "", f'<p class="actref-provenance">{provenance}</p>']
    return "\n".join(lines)


def activation_count(ctx: Context) -> str:
    """Directive: the number of activations in the registry (as text)."""
    return str(len(catalog.names()))


def page_list(ctx: Context, folder: str) -> str:
    """Directive: a bullet list linking every page in docs/<folder>/ (except index.md), with its title.

    A page in another language lists the twins in its language (their titles), linking to the English file
    names as every page does (the i18n plugin resolves them to the twin).
    """
    docs = ctx.build.docs_dir
    rel = relative_prefix(ctx.page_src, folder)
    items = []
    for path in sorted((docs / folder).glob("*.md")):
        m = re.fullmatch(r"(?P<stem>.+?)(?:\.(?P<lang>[a-z]{2}))?\.md", path.name)
        if m.group("stem") == "index" or (m.group("lang") or i18n.DEFAULT_LANGUAGE) != i18n.DEFAULT_LANGUAGE:
            continue
        shown = _twin(path, ctx.lang)
        if not shown.exists():
            shown = path
        title = next(
            (ln[2:].strip() for ln in shown.read_text(encoding="utf-8").splitlines() if ln.startswith("# ")),
            path.stem,
        )
        items.append(f"- [{title}]({rel}{path.name})")
    return "\n".join(items) if items else ctx._("*No pages here yet.*")


def _twin(path: Path, lang: str) -> Path:
    """docs/x/page.md's twin in `lang` (docs/x/page.zh.md; the page itself in English)."""
    return path if lang == i18n.DEFAULT_LANGUAGE else path.with_name(f"{path.stem}.{lang}.md")
