"""The catalogue: every activation spec, one module per family. Importing this registers them all."""

from actref.catalog import (  # noqa: F401  (imported for their registrations)
    exponential,
    gated,
    identity,
    relu_like,
    shrink,
    sigmoid_like,
    vector,
)
