"""`python -m actref show NAME`: one activation in the terminal, from its registry spec.

Title, summary, the formula and its derivative (sympy's plain-text drawing, one-line text and LaTeX), the kinks,
the properties, the parameters with their defaults, the recommended initialisation, the paper and the path of
its page on the site. An unknown name ends in one line with suggestions, as `actref.get` gives them.
"""

from __future__ import annotations

import math
import sys
from importlib import metadata

import sympy

from actref import catalog
from actref.arguments import Parser
from actref.registry import Activation, UnknownActivation

LABEL = 16  # width of the labels in the Properties block


def page_path(spec: Activation) -> str:
    """The URL path of the activation's page, relative to the site root: 'activations/relu/'."""
    return f"activations/{spec.name}/"


def site_url() -> str | None:
    """The published site's address from the installed package's metadata (Documentation URL), if any."""
    try:
        urls = metadata.metadata("actref").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "documentation" and url.strip():
            return url.strip().rstrip("/") + "/"
    return None


def number(v) -> str:
    """A short plain-text number: ±∞, whole numbers as such, others to 6 significant digits."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return sympy.sstr(v)
    if math.isinf(f):
        return "∞" if f > 0 else "−∞"
    if f == int(f) and abs(f) < 1e6:
        return str(int(f)).replace("-", "−")
    return f"{f:.6g}".replace("-", "−")


def range_text(spec: Activation) -> str:
    """The range as an interval, e.g. '[0, ∞)'."""
    lo, hi = spec.properties.range
    closed_lo, closed_hi = spec.properties.range_closed
    left = "[" if closed_lo and lo != -sympy.oo else "("
    right = "]" if closed_hi and hi != sympy.oo else ")"
    return f"{left}{number(lo)}, {number(hi)}{right}"


def _unicode() -> bool:
    """Whether stdout can print sympy's Unicode drawings (box characters, ⋅, σ)."""
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    return encoding.startswith("utf")


def formula_block(label: str, expr, latex: str | None, unicode: bool) -> list[str]:
    """`label =`, sympy's drawing of `expr`, then the one-line text and the LaTeX."""
    lines = [f"{label} ="]
    if expr is not None:
        lines += [f"    {row}".rstrip() for row in sympy.pretty(expr, use_unicode=unicode).splitlines()]
        lines.append(f"  as text:  {sympy.sstr(expr)}")
    if latex:
        lines.append(f"  as LaTeX: {latex}")
    return lines


def kink_lines(spec: Activation) -> list[str]:
    out = []
    for kink in spec.kinks:
        note = f" ({kink.note})" if kink.note else ""
        out.append(
            f"  kink:     at x = {sympy.sstr(kink.at)}, autograd gives f′ = {sympy.sstr(kink.grad)}{note}"
        )
    return out


def f_at_zero(spec: Activation) -> str:
    """f(0) at the default parameters, from the spec's own forward ('—' for vector-valued activations)."""
    if not spec.elementwise:
        return "—"
    import torch

    return number(spec(torch.zeros(1, dtype=torch.float64)).item())


def property_lines(spec: Activation) -> list[str]:
    props = spec.properties
    if props is None:
        return []
    sides = {"negative": "x → −∞", "positive": "x → +∞"}
    rows = [
        ("range", range_text(spec)),
        ("monotonic", "yes" if props.monotonic else "no"),
        ("smoothness", props.smoothness),
        ("f(0)", f_at_zero(spec)),
        ("zero-centred", "yes" if props.zero_centred else "no"),
        ("saturates", " and ".join(sides[s] for s in props.saturates) or "no"),
        ("self-gated", "yes" if props.self_gated else "no"),
    ]
    if props.minimum:
        rows.append(("minimum", f"{number(props.minimum[1])} at x = {number(props.minimum[0])}"))
    rows.append(("elementwise", "yes" if spec.elementwise else "no"))
    rows += [("note", note) for note in props.notes]
    return ["Properties", *(f"  {label:{LABEL}}{value}" for label, value in rows)]


def parameter_lines(spec: Activation) -> list[str]:
    if not spec.params:
        return ["Parameters       none"]
    lines = ["Parameters (defaults)"]
    for key, p in spec.params.items():
        symbol = f" ({sympy.pretty(p.symbol, use_unicode=_unicode())})" if p.symbol is not None else ""
        doc = f" — {p.doc}" if p.doc else ""
        valid = f"; valid: {p.valid}" if p.valid else ""
        lines.append(f"  {key}{symbol} = {p.default!r}{doc}{valid}")
    return lines


def paper_lines(spec: Activation) -> list[str]:
    paper = spec.paper
    if paper is None:
        return [f"Paper            none: {spec.paper_note}" if spec.paper_note else "Paper            none"]
    venue = f" {paper.venue}." if paper.venue else ""
    return [
        f"Paper            {paper.authors} ({paper.year}). {paper.title}.{venue}",
        f"                 {paper.url}",
    ]


def describe(spec: Activation) -> str:
    """The whole text `python -m actref show NAME` prints for `spec`."""
    unicode = _unicode()
    aliases = f"; aliases: {', '.join(spec.aliases)}" if spec.aliases else ""
    lines = [f"{spec.title} ({spec.name}; family {spec.family}{aliases})", spec.summary.strip(), ""]
    lines += formula_block("f(x)", spec.expr, spec.latex, unicode)
    derivative_latex = spec.derivative_latex
    if spec.derivative_expr is not None or derivative_latex:
        lines += formula_block("f′(x)", spec.derivative_expr, derivative_latex, unicode)
    else:
        lines.append("f′(x): vector-valued; its Jacobian is on its page")
    lines += kink_lines(spec)
    lines += ["", *property_lines(spec), *parameter_lines(spec)]
    lines.append(
        f"Initialisation   {spec.init.describe()}" + (f" — {spec.init.why}" if spec.init.why else "")
    )
    lines += paper_lines(spec)
    base = site_url()
    lines.append(f"Page             {page_path(spec)}" + (f"  ({base}{page_path(spec)})" if base else ""))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = Parser(prog="python -m actref show", description=__doc__.splitlines()[0])
    parser.add_argument("name", help="an activation's name or alias (see `python -m actref list`)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        spec = catalog.get(args.name)
    except UnknownActivation as exc:
        return parser.fail(f"argument name: {exc}")
    print(describe(spec))
    return 0
