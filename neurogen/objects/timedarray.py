"""``TimedArray``: values over time (and optionally over neurons) usable as a function in
model code, ``stim(t)`` or ``stim(t, i)`` (Brian2's ``TimedArray``).

The value at time ``t`` is ``values[k]`` with ``k = int((t + 1e-3*dt_caller)/dt)`` clipped to
``[0, len(values) - 1]``: the sample whose interval ``[k*dt, (k+1)*dt)`` holds ``t`` (Brian2's
rule, observed for aligned and non-aligned time grids), the last value after the end. The
values are data for the compiled code (bound at every run, never part of it): changing them,
or the array's ``dt``, never recompiles; only the number of dimensions and the unit do.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import DimensionMismatchError
from ..units import DIMENSIONLESS, Quantity, get_dimensions, second


class TimedArray:
    """``TimedArray(values, dt)``: 1-D ``values[time]`` or 2-D ``values[time, neuron]``."""

    def __init__(self, values: Any, dt: Quantity, name: str | None = None) -> None:
        self.dim = get_dimensions(values)
        array = np.array(np.asarray(values), dtype=np.float64, order="C")
        if array.ndim not in (1, 2) or array.size == 0:
            raise ValueError(f"TimedArray: values must be a non-empty 1-D (time) or 2-D (time, neuron) "
                             f"array, got shape {array.shape}")
        if not np.all(np.isfinite(array)):
            raise ValueError("TimedArray: values must be finite numbers")
        if get_dimensions(dt) != second.dim:
            raise DimensionMismatchError("TimedArray: dt must be a time", get_dimensions(dt))
        self.dt_ = float(np.asarray(dt))
        if not self.dt_ > 0:
            raise ValueError(f"TimedArray: dt must be positive, got {dt}")
        self.values_ = array
        self.name = name or "timedarray"

    @property
    def values(self) -> Any:
        return Quantity(self.values_, dim=self.dim) if self.dim != DIMENSIONLESS else self.values_

    @property
    def dt(self) -> Quantity:
        return Quantity(self.dt_, dim=second.dim)

    @property
    def ndim(self) -> int:
        return self.values_.ndim

    def __call__(self, t: Any, i: Any = None) -> Any:
        """The values at times ``t`` (and neurons ``i``), as the compiled code computes them."""
        if get_dimensions(t) != second.dim:
            raise DimensionMismatchError("TimedArray: the first argument must be a time", get_dimensions(t))
        if (i is None) != (self.ndim == 1):
            raise TypeError(f"TimedArray: a {self.ndim}-D TimedArray is called as "
                            + ("f(t)" if self.ndim == 1 else "f(t, i)"))
        k = np.clip(np.floor(np.asarray(t, dtype=float) / self.dt_ + 1e-9).astype(np.int64), 0,
                    len(self.values_) - 1)
        if i is None:
            result = self.values_[k]
        else:
            result = self.values_[k, np.clip(np.asarray(i, dtype=np.int64), 0, self.values_.shape[1] - 1)]
        return Quantity(result, dim=self.dim) if self.dim != DIMENSIONLESS else result

    def __repr__(self) -> str:
        return f"TimedArray(shape={self.values_.shape}, dt={self.dt_:g} s, name={self.name!r})"
