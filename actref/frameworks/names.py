"""The measured libraries, as data: names, the distributions whose versions define them, their array family.

Imports nothing heavy: the site reads it (through actref.frameworks.results) without importing any library.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata

KERAS_BACKEND = "jax"


@dataclass(frozen=True)
class Library:
    """One library: its display name, the distributions whose versions define it, and its array family."""

    key: str
    title: str
    distributions: tuple[str, ...]  # PyPI names whose versions the results record
    family: str  # "torch", "jax", "tf" or "mlx": how arrays are made and differentiated
    module: str  # the module imported to use it
    doc: str = ""


LIBRARIES: dict[str, Library] = {
    lib.key: lib
    for lib in (
        Library("torch", "PyTorch", ("torch",), "torch", "torch", "torch.nn.functional and torch.nn modules"),
        Library("jax", "JAX", ("jax", "jaxlib"), "jax", "jax.nn", "jax.nn"),
        Library(
            "flax", "Flax", ("flax",), "jax", "flax.linen", "flax.linen (most are jax.nn's own functions)"
        ),
        Library(
            "keras", "Keras 3", ("keras",), "jax", "keras", f"keras.activations, backend {KERAS_BACKEND}"
        ),
        Library("tensorflow", "TensorFlow", ("tensorflow-cpu",), "tf", "tensorflow", "tf.nn and tf.math"),
        Library("tf_keras", "Keras 2 (tf-keras)", ("tf-keras",), "tf", "tf_keras", "tf_keras.activations"),
        Library("timm", "timm", ("timm",), "torch", "timm.layers", "get_act_fn / get_act_layer names"),
        Library(
            "transformers", "transformers", ("transformers",), "torch", "transformers.activations", "ACT2FN"
        ),
        Library("mlx", "MLX", ("mlx", "mlx-cpu"), "mlx", "mlx.nn", "mlx.nn, on its CPU device"),
        Library("entmax", "entmax", ("entmax",), "torch", "entmax", "the entmax package"),
    )
}


def installed_versions() -> dict[str, str | None]:
    """Distribution → installed version (None where it is not installed), without importing anything."""
    out: dict[str, str | None] = {}
    for lib in LIBRARIES.values():
        for dist in lib.distributions:
            try:
                out[dist] = metadata.version(dist)
            except metadata.PackageNotFoundError:
                out[dist] = None
    return out
