"""pytest configuration: make tests/support.py importable as `support` under any --import-mode.

The registry-wide helpers (spec lists, grids, parameter sets, cached mpmath references) live there.
"""

import os
import sys
from pathlib import Path

TESTS = str(Path(__file__).parent)
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

# TensorFlow 2.21 and triton 3.8 (torch's compiler, imported by torch.compile and torchvision) load conflicting
# native symbols: importing triton after tensorflow segfaults the process. Tests and the site's code blocks
# import tensorflow in this process (tests/test_frameworks.py, docs/frameworks/), so triton comes first.
try:
    import triton  # noqa: F401
except ImportError:
    pass
# Keras 3 fixes its backend at its first import, and importing tensorflow or tf_keras imports it: the tests
# (and the site's code blocks run here) use it on JAX, as actref.frameworks measures it.
os.environ.setdefault("KERAS_BACKEND", "jax")
