"""``Clock``: a time step. Times are kept as whole steps so that runs never drift."""
from __future__ import annotations

import math

from ..units import Quantity, second
from .validation import check_quantity


def whole_steps(time: float, dt: float) -> int:
    """Brian2's clock rule: the nearest step if within 1e-4 dt of it, else the next one up."""
    nearest = round(time / dt)
    if abs(nearest * dt - time) <= 1e-4 * dt:
        return int(nearest)
    return int(math.ceil(time / dt))


class Clock:
    """A time step ``dt``; objects on a clock run every ``dt`` (a multiple of the network's step)."""

    def __init__(self, dt: Quantity | None = None, name: str = "clock") -> None:
        self.name = name
        self._dt = 1e-4
        self._t = 0.0  # where the last run of objects on this clock ended: a whole step, as in Brian2
        if dt is not None:
            self.dt = dt

    @property
    def dt(self) -> Quantity:
        return Quantity(self._dt, dim=second.dim)

    @dt.setter
    def dt(self, value: Quantity) -> None:
        dt = check_quantity(value, second, f"{self.name}.dt")
        if not 0 < dt < math.inf:  # NaN, zero, negative or infinite: no step could be taken
            raise ValueError(f"{self.name}.dt must be positive and finite, got {value}")
        self._dt = dt

    @property
    def dt_(self) -> float:
        return self._dt

    @property
    def t(self) -> Quantity:
        return Quantity(self._t, dim=second.dim)

    @property
    def t_(self) -> float:
        return self._t

    def __repr__(self) -> str:
        return f"Clock(dt={self.dt!r}, name={self.name!r})"
