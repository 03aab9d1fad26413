"""The catalogue: every activation spec, one module per family. Importing this registers them all."""

from actref.catalog import (  # noqa: F401  (imported for their registrations)
    gated,
    identity,
    relu_like,
    sigmoid_like,
    vector,
)
