"""The libraries: how each is loaded in its highest precision, its arrays, and its own autodiff.

Each library computes in float64 here: JAX (and so Flax and Keras, whose backend is JAX) with `jax_enable_x64`,
TensorFlow, MLX (float64 runs on its CPU device) and the torch-based libraries natively. A call's derivative
is the library's own reverse mode: `jax.vjp`, `tf.GradientTape`, `mlx.core.vjp`, `torch.autograd`.

Two import-order rules, both from crashes seen here:
- Keras reads its backend once, at import, and importing tensorflow or tf_keras imports keras too:
  KERAS_BACKEND is set to "jax" before any library is imported.
- TensorFlow 2.21 and triton 3.8 (torch's compiler, imported by torch.compile, torchvision and timm) load
  conflicting native symbols: importing triton *after* tensorflow segfaults the process, so triton is
  imported first.
"""

from __future__ import annotations

import functools
import importlib
import os
from collections.abc import Callable
from typing import Any

import numpy as np

from actref.frameworks.names import KERAS_BACKEND, LIBRARIES, Library, installed_versions  # noqa: F401


class MissingLibrary(RuntimeError):
    """A library the measurements need is not installed (install the `peers` extra)."""


@functools.cache
def load(key: str) -> Any:
    """Import a library the right way (see the module docstring) and return its module."""
    lib = LIBRARIES[key]
    # Before any of them: tensorflow and tf_keras import keras (Keras 3) too, which then fixes its backend.
    os.environ["KERAS_BACKEND"] = KERAS_BACKEND
    if lib.family == "tf":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        try:
            importlib.import_module("triton")  # before tensorflow, never after (see the module docstring)
        except ImportError:
            pass
    try:
        module = importlib.import_module(lib.module)
    except ImportError as e:
        raise MissingLibrary(
            f"{lib.title} ({', '.join(lib.distributions)}) is not installed: {e}. "
            f"Install the peers extra: pip install -c constraints.txt -e '.[peers]'"
        ) from e
    if lib.family == "jax":
        import jax

        jax.config.update("jax_enable_x64", True)
        if key == "keras":
            backend = module.backend.backend()
            if backend != KERAS_BACKEND:
                raise RuntimeError(
                    f"keras was imported with the {backend!r} backend before actref could set KERAS_BACKEND="
                    f"{KERAS_BACKEND!r}; run in a fresh process."
                )
    return module


def keras_backend() -> str:
    return load("keras").backend.backend()


# ---------------------------------------------------------------------------------------------- arrays
def to_library(family: str, values: np.ndarray) -> Any:
    """A float64 numpy array as the family's array."""
    if family == "torch":
        import torch

        return torch.tensor(values, dtype=torch.float64)
    if family == "jax":
        import jax.numpy as jnp

        return jnp.asarray(values, dtype=jnp.float64)
    if family == "tf":
        import tensorflow as tf

        return tf.constant(values, dtype=tf.float64)
    if family == "mlx":
        import mlx.core as mx

        return mx.array(values, dtype=mx.float64)
    raise ValueError(family)


def to_numpy(value: Any) -> np.ndarray:
    if hasattr(value, "detach"):
        return value.detach().cpu().numpy()
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        return np.asarray(value.numpy())
    return np.asarray(value)


def dtype_name(value: Any) -> str:
    return str(to_numpy(value).dtype)


def forward_and_vjp(
    family: str, fn: Callable[[Any], Any], x: np.ndarray, cotangent: np.ndarray
) -> tuple[np.ndarray, np.ndarray | None, str]:
    """fn(x) and the vector-Jacobian product cotangent·∂fn/∂x by the library's autodiff, as numpy arrays.

    Returns (y, x̄, output dtype); x̄ is None where the library's autodiff fails (its error is raised for the
    forward only).
    """
    if family == "torch":
        import torch

        xt = to_library(family, x).requires_grad_(True)
        y = fn(xt)
        out = to_numpy(y)
        try:
            (grad,) = torch.autograd.grad(y, xt, torch.as_tensor(cotangent, dtype=y.dtype), allow_unused=True)
            g = np.zeros_like(x) if grad is None else to_numpy(grad)
        except RuntimeError:
            g = None
        return out, g, str(out.dtype)
    if family == "jax":
        import jax

        y, pullback = jax.vjp(fn, to_library(family, x))
        out = to_numpy(y)
        (grad,) = pullback(jax.numpy.asarray(cotangent, dtype=y.dtype))
        return out, to_numpy(grad), str(out.dtype)
    if family == "tf":
        import tensorflow as tf

        xt = to_library(family, x)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            y = fn(xt)
        out = to_numpy(y)
        grad = tape.gradient(y, xt, output_gradients=tf.constant(cotangent, dtype=y.dtype))
        return out, (np.zeros_like(x) if grad is None else to_numpy(grad)), str(out.dtype)
    if family == "mlx":
        import mlx.core as mx

        xm = to_library(family, x)
        y = fn(xm)
        out = to_numpy(y)
        try:
            _, (grad,) = mx.vjp(lambda t: fn(t), [xm], [mx.array(cotangent, dtype=y.dtype)])
            g = to_numpy(grad)
        except (ValueError, RuntimeError):
            g = None
        return out, g, str(out.dtype)
    raise ValueError(family)
