"""Brian2's model functions that scripts also call from Python on numbers and arrays.

Brian2's star import gives ``exprel`` (and the integrators' names) as Python objects; a script
uses ``exprel(x)`` to plot a rate function or to set initial values, so it must give the same
numbers as the generated code: ``(exp(x) - 1) / x``, and 1 at 0, without cancellation near 0.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import DimensionMismatchError
from ..units import get_dimensions, is_dimensionless


def exprel(x: Any) -> Any:
    """``(exp(x) - 1) / x``, accurate near 0 (``expm1(x) / x``) and exactly 1 at 0."""
    if not is_dimensionless(x):
        raise DimensionMismatchError("exprel: the argument must be dimensionless", get_dimensions(x))
    values = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(values == 0, 1.0, np.expm1(values) / np.where(values == 0, 1.0, values))
    return float(result) if result.ndim == 0 else result


#: Brian2's integration methods as names: ``method=euler`` works as ``method='euler'``.
METHOD_NAMES = ("exact", "linear", "euler", "rk2", "rk4", "heun", "milstein", "exponential_euler")
