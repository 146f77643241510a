"""``Clock``: a time step. Times are kept as whole steps so that runs never drift."""
from __future__ import annotations

from ..units import Quantity, second
from .validation import check_quantity


class Clock:
    """A time step ``dt``; objects on a clock run every ``dt`` (a multiple of the network's step)."""

    def __init__(self, dt: Quantity | None = None, name: str = "clock") -> None:
        self.name = name
        self._dt = 1e-4
        self._t = 0.0  # where the last run of objects on this clock ended
        if dt is not None:
            self.dt = dt

    @property
    def dt(self) -> Quantity:
        return Quantity(self._dt, dim=second.dim)

    @dt.setter
    def dt(self, value: Quantity) -> None:
        dt = check_quantity(value, second, f"{self.name}.dt")
        if not dt > 0:
            raise ValueError(f"{self.name}.dt must be positive, got {value}")
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
