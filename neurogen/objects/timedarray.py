"""``TimedArray``: values over time (and optionally over neurons) usable as a function in
model code, ``stim(t)`` or ``stim(t, i)`` (Brian2's ``TimedArray``).

The value at time ``t`` is ``values[k]``: the sample whose interval ``[k*dt, (k+1)*dt)``
holds ``t``, with Brian2's tolerance (``k = int((t*K/dt + 0.5)/K)``, ``K`` the smallest power of
two >= 8*dt/dt_caller; the same values as Brian2 on aligned and non-aligned grids), clipped
to the array (the last value after the end); a 2-D column outside the array gives NaN. The
values are data for the compiled code (bound at every run, never part of it): changing them,
or the array's ``dt``, never recompiles; only the number of dimensions and the unit do.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import DimensionMismatchError
from ..frontend.namespace import TimedFunction
from ..units import DIMENSIONLESS, Quantity, get_dimensions, second
from .validation import check_name
from ..session import session


class TimedArray(TimedFunction):
    """``TimedArray(values, dt)``: 1-D ``values[time]`` or 2-D ``values[time, neuron]``."""

    def __init__(self, values: Any, dt: Quantity, name: str | None = None) -> None:
        if isinstance(values, range):  # Brian2 takes any sequence of numbers
            values = list(values)
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
        self.name = check_name(name, "TimedArray").rstrip("*") if name is not None else "timedarray"

    @property
    def values(self) -> Any:
        return Quantity(self.values_, dim=self.dim) if self.dim != DIMENSIONLESS else self.values_

    @property
    def dt(self) -> Quantity:
        return Quantity(self.dt_, dim=second.dim)

    @property
    def ndim(self) -> int:
        return self.values_.ndim

    def __call__(self, t: Any, i: Any = None, *, dt: Any = None) -> Any:
        """The values at times ``t`` (and neurons ``i``), as compiled code running with time
        step ``dt`` (default: ``defaultclock.dt``) computes them."""
        if get_dimensions(t) != second.dim:
            raise DimensionMismatchError("TimedArray: the first argument must be a time", get_dimensions(t))
        if (i is None) != (self.ndim == 1):
            raise TypeError(f"TimedArray: a {self.ndim}-D TimedArray is called as "
                            + ("f(t)" if self.ndim == 1 else "f(t, i)"))
        dt_caller = session().defaultclock.dt_ if dt is None else float(np.asarray(dt))
        scale = max(2.0 ** np.ceil(np.log2(8 * self.dt_ / dt_caller)), 1.0)
        x = (np.asarray(t, dtype=float) * scale / self.dt_ + 0.5) / scale
        k = np.clip(np.nan_to_num(x, nan=0.0), 0, len(self.values_) - 1).astype(np.int64)
        if i is None:
            result = self.values_[k]
        else:
            column = np.asarray(i, dtype=float)
            inside = (column >= 0) & (column < self.values_.shape[1])
            safe = np.where(inside, column, 0).astype(np.int64)
            result = np.where(inside, self.values_[k, safe], np.nan)
        return Quantity(result, dim=self.dim) if self.dim != DIMENSIONLESS else result

    def __repr__(self) -> str:
        return f"TimedArray(shape={self.values_.shape}, dt={self.dt_:g} s, name={self.name!r})"
