"""Markdown generated from the registry: activation pages, the all-activations table, the Code sections.

Every function here returns markdown text; actref.site.hooks decides when it runs. Directive targets
(`<!-- actref:activation_pages.FUNC args -->`) take the build Context first.
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
from actref.site import activation_figures, cost_pages, experiment_pages, explorer_pages, framework_pages
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

# Providers of measured results: each adds a part to an activation's Measured section
# (activation_markdown) and columns to the all-activations table (table_columns).
PROVIDERS = (experiment_pages, cost_pages)


# ---------------------------------------------------------------------------------------------- prose
@dataclass(frozen=True)
class Prose:
    """The hand-written part of a page: a summary, then (heading, body) sections, Pros and Cons among them."""

    summary: str
    sections: tuple[tuple[str, str], ...]

    def section(self, heading: str) -> str:
        return next(body for h, body in self.sections if h == heading)

    @property
    def extra(self) -> list[tuple[str, str]]:
        return [(h, b) for h, b in self.sections if h not in REQUIRED_PROSE]


def parse_prose(text: str, src: str) -> Prose:
    """Split a prose file into summary and `## ` sections, checking it against the page contract."""
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
    problems = []
    if not "\n".join(summary).strip():
        problems.append("it has no summary before the first '## ' heading")
    for required in REQUIRED_PROSE:
        if required not in headings:
            problems.append(f"it has no '## {required}' section")
    if all(h in headings for h in REQUIRED_PROSE) and headings.index("Pros") > headings.index("Cons"):
        problems.append("'## Pros' must come before '## Cons'")
    if generated := [h for h in headings if h in GENERATED_SECTIONS]:
        problems.append(f"section(s) {', '.join(generated)} are generated from the registry; remove them")
    if dupes := sorted({h for h in headings if headings.count(h) > 1}):
        problems.append(f"duplicate section(s) {', '.join(dupes)}")
    if headings and headings[0] != "Pros":
        problems.append("the first section must be '## Pros' (extra sections go after '## Cons')")
    if problems:
        raise PageError(f"{src} does not follow notes/PAGES.md: " + "; ".join(problems) + ".")
    return Prose("\n".join(summary).strip(), tuple((h, "\n".join(body).strip()) for h, body in sections))


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


def smoothness_note(spec: Activation) -> str | None:
    """The note explaining a 'discontinuous' that is an artefact of the computed form (it mentions C∞)."""
    props = spec.properties
    if props is None or props.smoothness != "discontinuous":
        return None
    return next((n for n in props.notes if "C∞" in n), None)


def smoothness_text(spec: Activation, latex: bool) -> str:
    s = spec.properties.smoothness if spec.properties else "—"
    note = smoothness_note(spec)
    if note is not None:
        if latex:  # the Properties table has room for the whole explanation
            return f"{s}: {note}"
        # The all-activations table: the note's clause about C∞, the full note on hover.
        clause = next(c for c in re.split(r"[;:]\s*", note) if "C∞" in c).strip().rstrip(".")
        clause = clause[:1].lower() + clause[1:]
        title = html.escape(note, quote=True)
        return f'{s} (<span class="actref-note" title="{title}">{clause}</span>)'
    if not latex:
        return s
    labels = {"C∞": r"$C^\infty$", "C2": "$C^2$", "C1": "$C^1$", "C0": "$C^0$ (continuous, with kinks)"}
    return labels.get(s, s)


def saturation_text(spec: Activation) -> str:
    sides = spec.properties.saturates if spec.properties else ()
    if sides and not spec.elementwise and any("gate b" in note for note in spec.properties.notes):
        return "as the gate b → −∞"  # GLU family: the gate half saturates, not the input as a whole
    if set(sides) == {"negative", "positive"}:
        return "both sides"
    if sides:
        return {"negative": "x → −∞", "positive": "x → +∞"}[sides[0]]
    return "no"


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


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _defaults_text(spec: Activation) -> str:
    if not spec.params:
        return "none"
    parts = []
    for key, p in spec.params.items():
        symbol = f" (${sympy.latex(p.symbol)}$)" if p.symbol is not None else ""
        doc = f": {p.doc}" if p.doc else ""
        valid = f" (valid: {p.valid})" if p.valid else ""
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


# Named functions of actref.symbolic, the LaTeX they print as, and their definitions for a "where" line.
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


def where_line(names: list[str]) -> str:
    """'where σ(z) = 1/(1+e^{−z}) is the logistic sigmoid' for the named functions a formula uses."""
    defs = {fname: (definition, what) for fname, _, definition, what in NAMED_FUNCTIONS}
    parts = [f"${defs[n][0]}$ is {defs[n][1]}" for n in names]
    if not parts:
        return ""
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"where {joined}."


def definition_section(spec: Activation) -> str:
    latex = spec.latex
    if not has_lhs(latex):
        lhs = "f(x)" if spec.elementwise else r"f(\mathbf{x})_i"
        latex = f"{lhs} = {latex}"
    lines = ["## Definition", "", "$$", latex, "$$", ""]
    if where := where_line(named_functions(spec.expr, spec.latex)):
        lines += [where, ""]
    if spec.params:
        symbols = ", ".join(
            f"${sympy.latex(p.symbol)} = {_latex_value(p.default)}$"
            for p in spec.params.values()
            if p.symbol is not None
        )
        if symbols:
            lines += [f"Default parameters: {symbols}.", ""]
    if spec.conventions:
        lines += [f"Special inputs: {spec.conventions}", ""]
    return "\n".join(lines)


def derivative_section(spec: Activation) -> str:
    lines = ["## Derivative", ""]
    d = spec.derivative_latex
    if d is None:
        lines += [
            f"{spec.title} is vector-valued, so it has a Jacobian rather than a scalar derivative: "
            f"`torch.autograd.functional.jacobian(actref.get({spec.name!r}), x)` computes it.",
            "",
        ]
        return "\n".join(lines)
    if not has_lhs(d):
        d = f"f'(x) = {d}"
    lines += ["$$", d, "$$", ""]
    defined = named_functions(spec.expr, spec.latex)
    new = [n for n in named_functions(spec.derivative_expr, spec.derivative_latex) if n not in defined]
    if where := where_line(new):
        lines += [where, ""]
    if spec.elementwise:
        lines += [
            "This closed form is proven equal to the derivative of the definition by the test suite.",
            "",
        ]
    if spec.kinks:
        lines += [
            "**At the kinks** f is not differentiable; PyTorch's autograd (and `spec.derivative`) returns "
            "this subgradient there:",
            "",
        ]
        subs = spec.substitutions()
        for kink in spec.kinks:
            at, grad = sympy.sympify(kink.at), sympy.sympify(kink.grad)
            at_default, grad_default = at.subs(subs), grad.subs(subs)
            at_note = "" if at_default == at else f" (= {_number(at_default)} by default)"
            grad_note = "" if grad_default == grad else f" (= {_number(grad_default)} by default)"
            lines.append(
                f"- at $x = {sympy.latex(at)}${at_note}: $f'(x) := {sympy.latex(grad)}${grad_note}"
                + kink_note_text(kink.note)
            )
        lines.append("")
    elif spec.elementwise and spec.properties and spec.properties.smoothness in ("C∞", "C2", "C1"):
        lines += ["There are no kinks: f is differentiable everywhere.", ""]
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


def notes_text(notes) -> str:
    """Property notes as separate lines of one table cell (each ends with a full stop)."""
    return "<br>".join(n if n.rstrip().endswith((".", "!", "?")) else n + "." for n in notes)


# What "zero-centred" means, on every page (Properties.zero_centred; tests/test_properties.py checks it).
ZERO_CENTRED = r"Zero-centred ($\mathbb{E}[f(Z)] = 0$ for $Z \sim N(0, 1)$)"
ZERO_CENTRED_VECTOR = r"Zero-centred (mean output 0 for i.i.d. $N(0, 1)$ inputs)"


def properties_section(spec: Activation) -> str:
    props = spec.properties
    rows = [("Range", f"${range_text(spec, latex=True)}$")]
    if props is not None:
        rows += [
            ("Monotonic", yes_no(props.monotonic)),
            ("Smoothness", smoothness_text(spec, latex=True)),
            ("f(0)", f_at_zero(spec)),
            (ZERO_CENTRED if spec.elementwise else ZERO_CENTRED_VECTOR, yes_no(props.zero_centred)),
            ("Saturates", saturation_text(spec)),
            ("Self-gated", yes_no(props.self_gated)),
            (
                "Minimum",
                f"{_number(props.minimum[1])} at x = {_number(props.minimum[0])}"
                if props.minimum
                else "none inside the range (monotonic)"
                if props.monotonic
                else "—",
            ),
        ]
    rows += [
        ("Parameters (defaults)", _defaults_text(spec)),
        (
            "Recommended initialisation",
            spec.init.describe() + (f" — {spec.init.why}" if spec.init.why else ""),
        ),
        ("Element-wise", yes_no(spec.elementwise)),
    ]
    also = [n for n in props.notes if n != smoothness_note(spec)] if props is not None else []
    if also:
        rows.append(("Also", notes_text(also)))
    if spec.builtin_differences:
        rows.append(("Differs from the built-in", spec.builtin_differences))
    table = ["| Property | Value |", "| --- | --- |", *(f"| {k} | {_cell(v)} |" for k, v in rows)]
    return "\n".join(["## Properties", "", *table, ""])


def plot_section(ctx: Context, spec: Activation) -> str:
    name = f"figures/{spec.name}.svg"
    url = ctx.asset(
        name,
        activation_figures.figure_inputs(spec),
        functools.partial(activation_figures.draw, name=spec.name),
        code=[activation_figures],
        specs=[spec],
    )
    caption = activation_figures.caption(spec)
    figure = "\n".join(
        [
            '<figure class="actref-figure" markdown="span">',
            f"  ![{spec.title}: {caption}]({url})",
            f"  <figcaption>{caption}</figcaption>",
            "</figure>",
        ]
    )
    return "\n".join(
        [
            "## Plot",
            "",
            explorer_pages.one_plot(spec, figure),  # the live plot takes the figure's place in a browser
            "",
            f'<p class="actref-provenance">Figure drawn at build time by <code>actref.site.activation_figures</code>; '
            f"{ctx.provenance(name)}.</p>",
            "",
            explorer_pages.live_section(ctx, spec),
        ]
    )


def code_example(spec: Activation) -> str:
    """The Code section's program: the from-scratch forward, and checks against the built-in and actref."""
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


def code_section(spec: Activation) -> str:
    builtin = (
        f"The built-in one-liner is `{spec.builtin_code}`; "
        if spec.builtin_code
        else "PyTorch has no built-in for it; "
    )
    return "\n".join(
        [
            "## Code",
            "",
            f"{builtin}the from-scratch version below is actref's own implementation, verbatim, with checks "
            "that they agree. The test suite runs this block exactly as shown.",
            "",
            "```python",
            code_example(spec).rstrip("\n"),
            "```",
            "",
        ]
    )


def measured_section(ctx: Context, spec: Activation) -> str:
    lines = ["## Measured", ""]
    for provider in PROVIDERS:
        lines += [provider.activation_markdown(ctx, spec.name).strip("\n"), ""]
    return "\n".join(lines)


def references_section(spec: Activation) -> str:
    lines = ["## References", ""]
    if spec.paper is not None:
        p = spec.paper
        venue = f", {p.venue}" if p.venue else ""
        lines.append(f"- {p.authors} ({p.year}). [*{p.title}*]({p.url}){venue}.")
    else:
        lines.append(f"- No paper to cite: {spec.paper_note or 'no single paper introduced it.'}")
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
        lines.append("- Related: " + ", ".join(f"[{r.title}]({r.name}.md)" for r in related) + ".")
    lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- pages
def check_pages(docs_dir: Path) -> None:
    """Raise unless every registry activation has exactly one prose page and every page an activation."""
    pages_dir = docs_dir / "activations"
    have = {p.stem for p in pages_dir.glob("*.md") if p.stem != "index"}
    want = set(catalog.names())
    problems = []
    if missing := sorted(want - have):
        problems.append(
            "no page for registry activation(s) "
            + ", ".join(missing)
            + ": write docs/activations/<name>.md (prose only, see notes/PAGES.md)"
        )
    if orphans := sorted(have - want):
        problems.append(
            "page(s) without a registry activation: "
            + ", ".join(f"activations/{o}.md" for o in orphans)
            + " (rename to the canonical name, or add the spec to actref/catalog/)"
        )
    if problems:
        raise PageError("; ".join(problems))


def activation_page(ctx: Context, name: str, prose_text: str) -> str:
    """The full markdown of docs/activations/<name>.md: generated sections around the hand-written prose."""
    spec = catalog.get(name)
    prose = parse_prose(prose_text, ctx.page_src)
    aliases = ", ".join(f"`{a}`" for a in spec.aliases)
    meta = f"*Family:* {family_title(spec.family)}" + (f" · *also known as* {aliases}" if aliases else "")
    parts = [
        f"# {spec.title}",
        "",
        prose.summary,
        "",
        meta + f' · `actref.get("{spec.name}")`',
        "",
        definition_section(spec),
        derivative_section(spec),
        properties_section(spec),
        plot_section(ctx, spec),
        "## Pros",
        "",
        prose.section("Pros"),
        "",
        "## Cons",
        "",
        prose.section("Cons"),
        "",
    ]
    for heading, body in prose.extra:
        parts += [f"## {heading}", "", body, ""]
    parts += [
        code_section(spec),
        measured_section(ctx, spec),
        framework_pages.activation_markdown(ctx, spec.name),
        references_section(spec),
    ]
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------------- directives
def activation_table(ctx: Context) -> str:
    """Directive: the sortable table of every activation (properties + providers' extra columns)."""
    headers = [
        "Activation",
        "Family",
        "Range",
        "Monotonic",
        "Smoothness",
        "Zero-centred",
        "Saturates",
        "f(0)",
        "Init",
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
            re.sub(r"\s*\(.*\)$", "", family_title(spec.family)),  # "Exponential", not "(ELU family)"
            range_text(spec, latex=False),
            yes_no(props.monotonic) if props else "—",
            smoothness_text(spec, latex=False),
            yes_no(props.zero_centred) if props else "—",
            saturation_text(spec),
            f_at_zero(spec),
            f'<span title="{html.escape(spec.init.describe())}">{init_short(spec)}</span>',
            *extra_cells.get(spec.name, [""] * len(extra_headers)),
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines += [
        "",
        "</div>",
        "",
        f'<p class="actref-provenance">{len(catalog.names())} activations. Table generated from the registry at '
        f"build time ({ctx.provenance()}). Click a column header to sort.</p>",
    ]
    return "\n".join(lines)


def activation_count(ctx: Context) -> str:
    """Directive: the number of activations in the registry (as text)."""
    return str(len(catalog.names()))


def page_list(ctx: Context, folder: str) -> str:
    """Directive: a bullet list linking every page in docs/<folder>/ (except index.md), with its title."""
    docs = ctx.build.docs_dir
    rel = relative_prefix(ctx.page_src, folder)
    items = []
    for path in sorted((docs / folder).glob("*.md")):
        if path.name == "index.md":
            continue
        title = next(
            (ln[2:].strip() for ln in path.read_text().splitlines() if ln.startswith("# ")), path.stem
        )
        items.append(f"- [{title}]({rel}{path.name})")
    return "\n".join(items) if items else "*No pages here yet.*"
