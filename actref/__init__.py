"""actref: the activation-function reference. One registry of activations with proven math.

>>> import actref
>>> actref.get("swish").name
'silu'
"""

from actref import catalog as _catalog  # noqa: F401  (registers every spec)
from actref.registry import (
    REGISTRY,
    Activation,
    Init,
    Kink,
    Paper,
    Param,
    Properties,
    UnknownActivation,
)

__version__ = "0.1.0"


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


__all__ = [
    "Activation",
    "Init",
    "Kink",
    "Paper",
    "Param",
    "Properties",
    "UnknownActivation",
    "aliases",
    "all_specs",
    "families",
    "get",
    "names",
]
