"""Parameter checks shared by the catalogue modules (Param.check); each says its rule in Param.valid."""

import math


def finite_real(v) -> bool:
    """An int or float (not a bool) that is neither ±inf nor nan."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def positive(v) -> bool:
    """A finite real number > 0."""
    return finite_real(v) and v > 0
