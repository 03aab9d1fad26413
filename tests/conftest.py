"""pytest configuration: make tests/support.py importable as `support` under any --import-mode.

The registry-wide helpers (spec lists, grids, parameter sets, cached mpmath references) live there.
"""

import sys
from pathlib import Path

TESTS = str(Path(__file__).parent)
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)
