"""Brian2's ``brian2.core.functions`` module path: the model functions scripts call from Python."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..units import Quantity, second
from ..units.quantity import get_dimensions
from ..errors import DimensionMismatchError

__all__ = ["timestep"]


def timestep(t: Any, dt: Any) -> Any:
    """Brian2's ``timestep(t, dt)``: the step a time falls in, ``int((t + 1e-3*dt)/dt)`` (Brian2's
    rounding tolerance), as an integer or an int64 array; ``t`` and ``dt`` are times."""
    for name, value in (("t", t), ("dt", dt)):
        if isinstance(value, Quantity) and get_dimensions(value) != second.dim:
            raise DimensionMismatchError(f"timestep(): {name} must be a time", get_dimensions(value))
    steps = np.array((np.asarray(t, dtype=float) + 1e-3 * np.asarray(dt, dtype=float)) / np.asarray(dt, dtype=float),
                     dtype=np.int64)
    return steps.item() if steps.shape == () else steps
