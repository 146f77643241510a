"""``EventClock(times)``: a clock that ticks at given times (Brian2 2.10+), for ``run_at``.

An object on an event clock runs in the steps of the network whose times are its event times
by Brian2's clock rule (the nearest step within 1e-4 dt, else the next one up: an event at
0.25 ms with dt = 0.1 ms runs in the step of 0.3 ms, as Brian2 2.11 does), in its own slot.
It does not take part in choosing the network's ``dt``; its ``dt`` is the default clock's.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import DimensionMismatchError
from ..session import session
from ..units import Quantity, get_dimensions, second
from .clock import Clock, whole_steps


class EventClock(Clock):
    """``EventClock(times, name='eventclock*')``: times (an array of times, no duplicates)."""

    def __init__(self, times: Any, name: str = "eventclock*") -> None:
        super().__init__(name=name[:-1] if name.endswith("*") else name)
        if get_dimensions(times) != second.dim:
            raise DimensionMismatchError("'times' must have dimensions of time", get_dimensions(times))
        values = np.asarray(times, dtype=float).ravel()
        if len(np.unique(values)) != len(values):
            raise ValueError("The times provided to EventClock must not contain duplicates.")
        if not np.all(np.isfinite(values)) or np.any(values < 0):
            raise ValueError(f"EventClock '{self.name}': times must be finite and not negative")
        self._times = np.sort(values)

    @property
    def times(self) -> Quantity:
        return Quantity(self._times.copy(), dim=second.dim)

    @property
    def dt_(self) -> float:
        """The default clock's: an event clock has no step of its own."""
        return session().defaultclock.dt_

    @property
    def dt(self) -> Quantity:
        return Quantity(self.dt_, dim=second.dim)

    @dt.setter
    def dt(self, value: Any) -> None:
        raise AttributeError(f"EventClock '{self.name}' has no dt to set (it ticks at its times)")

    def _steps(self, dt: float) -> np.ndarray:
        """The network steps (of ``dt``) it ticks in, sorted, each once."""
        return np.unique(np.array([whole_steps(t, dt) for t in self._times], dtype=np.int64))

    def _events(self, dt: float) -> dict[int, float]:
        """{network step: the (first) event time in it} for steps of ``dt``."""
        found: dict[int, float] = {}
        for t in self._times:
            found.setdefault(whole_steps(t, dt), float(t))
        return found

    def __repr__(self) -> str:
        return f"EventClock(times={self.times!r}, name={self.name!r})"


def event_rows(times: np.ndarray, dt: float, events: dict[int, float]) -> tuple[np.ndarray, np.ndarray]:
    """Of records made every step of ``dt`` at ``times``: which rows are event steps, and the
    event times to report for them (a monitor on an event clock records its times, as Brian2)."""
    steps = np.round(np.asarray(times) / dt).astype(np.int64)
    keep = np.array([s in events for s in steps.tolist()], dtype=bool)
    return keep, np.array([events[s] for s in steps[keep].tolist()], dtype=float)
