"""The catalogue: every activation spec, one module per family, and the look-ups over them.

Importing this package registers every spec. Code inside actref looks activations up here
(`catalog.get("gelu")`); `import actref` re-exports the same functions for users.
"""

from __future__ import annotations

from actref.catalog import (  # noqa: F401  (imported for their registrations)
    exponential,
    exponential_variants,
    gated,
    gated_variants,
    glu,
    identity,
    periodic,
    rational,
    relu_like,
    relu_variants,
    shrink,
    sigmoid_like,
    sparse_vector,
    squashing,
    vector,
)
from actref.registry import REGISTRY, Activation


def get(name: str | Activation) -> Activation:
    """The Activation for a canonical name or alias; raises UnknownActivation with suggestions."""
    return REGISTRY.get(name)


def names() -> list[str]:
    """Canonical activation names, sorted."""
    return REGISTRY.names()


def aliases() -> dict[str, str]:
    """Every accepted name (aliases and canonical names) → canonical name."""
    return REGISTRY.aliases()


def families() -> dict[str, list[str]]:
    """Family → canonical names in it."""
    out: dict[str, list[str]] = {}
    for spec in REGISTRY:
        out.setdefault(spec.family, []).append(spec.name)
    return dict(sorted(out.items()))


def all_specs() -> list[Activation]:
    """Every spec, sorted by name."""
    return list(REGISTRY)
