"""pytest configuration for the registry-wide tests (shared helpers live in tests/support.py)."""

import torch

# The suite is CPU-bound and runs beside other jobs; one intra-op thread keeps it predictable.
torch.set_num_threads(1)
