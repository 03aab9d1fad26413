"""actref: the activation-function reference. One registry of activations with proven math.

>>> import actref
>>> actref.get("swish").name
'silu'
"""

from actref import nn  # noqa: F401  (gives Activation.module() its default module class)
from actref.catalog import aliases, all_specs, families, get, names
from actref.registry import (
    REGISTRY as REGISTRY,
)
from actref.registry import (
    Activation,
    Init,
    Kink,
    Paper,
    Param,
    Properties,
    UnknownActivation,
)
from actref.version import __version__ as __version__

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
