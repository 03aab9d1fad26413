"""The package's import structure: no import cycles, and no module inside actref imports the facade.

The layers themselves (site above measurements above reference) are import-linter contracts in
pyproject.toml, checked by `lint-imports` in `make test`. grimp, which import-linter uses, sees every import,
including those inside functions; imports under `if TYPE_CHECKING:` are left out, since they never run.
"""

from __future__ import annotations

import grimp
import pytest


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("actref", exclude_type_checking_imports=True)


def import_cycles(graph) -> list[list[str]]:
    """Every set of modules that import each other in a circle (strongly connected, Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1 or graph.direct_import_exists(importer=module, imported=module):
                cycles.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return cycles


def _example_chain(graph, cycle: list[str]) -> str:
    a, b = cycle[0], cycle[1]
    there = graph.find_shortest_chain(importer=a, imported=b) or ()
    back = graph.find_shortest_chain(importer=b, imported=a) or ()
    return " → ".join([*there, *back[1:]])


def test_the_cycle_finder_finds_a_cycle():
    # The finder itself, on a made-up graph: a → b → c → a is one cycle, d imports into it from outside.
    fake = grimp.ImportGraph()
    for importer, imported in (("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.d", "p.a")):
        fake.add_import(importer=importer, imported=imported)
    assert import_cycles(fake) == [["p.a", "p.b", "p.c"]]


def test_no_import_cycles(graph):
    cycles = import_cycles(graph)
    assert cycles == [], "import cycles: " + "; ".join(_example_chain(graph, c) for c in cycles)


def test_no_module_inside_actref_imports_the_facade(graph):
    # `actref/__init__.py` is the public API; code inside the package looks activations up in actref.catalog.
    importers = sorted(graph.find_modules_that_directly_import("actref"))
    details = {
        m: sorted({d["line_number"] for d in graph.get_import_details(importer=m, imported="actref")})
        for m in importers
    }
    assert details == {}, f"modules importing the actref facade (module: line numbers): {details}"
