"""``SpikeGeneratorGroup``: neurons that spike at given times (Brian2's input group).

The spikes live in Python as arrays sorted by time, then index; at each run they are turned
into steps of the group's clock and bound to the compiled kernel as arrays, so
``set_spikes`` never recompiles (see :mod:`neurogen.compiler.lower.spikegenerator`).
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..frontend.equations import parse_equations
from ..errors import DimensionMismatchError
from ..units import DIMENSIONLESS, Quantity, get_dimensions, second
from .clock import Clock
from .group import Group
from .validation import check_quantity, whole_number
from .variables import VariableSpec


class SpikeGeneratorGroup(Group):
    """N neurons spiking at given times, optionally repeated every ``period`` (as Brian2).

    >>> G = SpikeGeneratorGroup(3, [0, 2, 1], [1, 2, 2]*ms)   # doctest: +SKIP
    """

    _base_name = "spikegeneratorgroup"
    _member_prefix = "spikegenerator"
    _spikes = True  # a spike source: SpikeMonitor and Synapses read its ``_spikespace``

    def __init__(self, N: int, indices: Any, times: Any, dt: Quantity | None = None,
                 clock: Clock | None = None, period: Quantity = 0 * second, when: str = "thresholds",
                 order: int = 0, sorted: bool = False, name: str = "spikegeneratorgroup*",
                 codeobj_class: Any = None) -> None:
        super().__init__(name=name, when=when, order=order, dt=dt, clock=clock)
        if codeobj_class is not None:
            raise NotImplementedError(f"SpikeGeneratorGroup '{self.name}': codeobj_class=")
        n = _check_size(N, f"SpikeGeneratorGroup '{self.name}'")
        self._equations = parse_equations("", owner=f"SpikeGeneratorGroup '{self.name}'")
        self._init_state(n, [VariableSpec("_spikespace", DIMENSIONLESS, "int32", read_only=True)])
        self._state["_spikespace"] = np.zeros(n + 1, dtype=np.int32)
        self.set_spikes(indices, times, period, sorted)

    def set_spikes(self, indices: Any, times: Any, period: Quantity = 0 * second,
                   sorted: bool = False) -> None:
        """Replace the spikes (and the period). Takes effect at the next run; never recompiles."""
        where = f"SpikeGeneratorGroup '{self.name}'"
        if get_dimensions(times) != second.dim:
            raise DimensionMismatchError(f"{where}: times must be in units of second", get_dimensions(times))
        times = np.array(np.asarray(times), dtype=np.float64).reshape(-1)
        indices = _as_indices(indices, where)
        period_ = check_quantity(period, second, f"{where}: period")
        if len(indices) != len(times):
            raise ValueError(f"{where}: Length of the indices and times array must match, "
                             f"but {len(indices)} != {len(times)}")
        if not np.all(np.isfinite(times)) or not np.isfinite(period_):
            raise ValueError(f"{where}: spike times and the period must be finite numbers")
        if period_ < 0:
            raise ValueError(f"{where}: The period cannot be negative")
        if len(times) and period_ != 0:
            _check_period_holds(times, period_, self.clock.dt_, where)
        if len(times) and np.min(times) < 0:
            raise ValueError(f"{where}: Spike times cannot be negative")
        if len(indices) and (np.min(indices) < 0 or np.max(indices) >= self.N):
            raise ValueError(f"{where}: Indices have to lie in the interval [0, {self.N}[")
        if not sorted:
            order = np.lexsort((indices, times))  # by time, then index: Brian2's order in a step
            indices, times = indices[order], times[order]
        elif np.any(np.diff(times) < 0):
            raise ValueError(f"{where}: sorted=True, but the times are not in increasing order")
        self._indices = indices.astype(np.int32)
        self._times = times
        self._period = period_
        self._bins: tuple[float, np.ndarray, int] | None = None  # (dt, steps, period in steps)
        self._warn_past = True

    # -- what users read ------------------------------------------------------------------

    @property
    def neuron_index(self) -> np.ndarray:
        """The neuron of each spike, in the group's order (by time, then index)."""
        return self._indices.copy()

    @property
    def spike_time(self) -> Quantity:
        """The time of each spike, in the group's order (by time, then index)."""
        return Quantity(self._times.copy(), dim=second.dim)

    @property
    def period(self) -> Quantity:
        return Quantity(self._period, dim=second.dim)

    @property
    def spikes(self) -> np.ndarray:
        """The indices that spiked in the last step simulated."""
        spikespace = self._state["_spikespace"]
        return spikespace[: spikespace[self.N]].copy()

    def __repr__(self) -> str:
        n = len(self._indices)
        return f"SpikeGeneratorGroup({self.N}, indices=<length {n} array>, times=<length {n} array>)"

    # -- what a run binds -----------------------------------------------------------------

    def _before_run(self, dt: float) -> None:
        """Spike times → steps of this group's clock, checked as Brian2 checks them."""
        dt = self.clock.dt_
        if self._bins is not None and self._bins[0] == dt:
            return
        where = f"SpikeGeneratorGroup '{self.name}'"
        if len(self._times) and np.max(self._times) / dt >= 2.0**62:
            raise ValueError(f"{where}: the spike time {_seconds(float(np.max(self._times)))} is beyond "
                             f"2**62 steps of dt = {_seconds(dt)}")
        period_steps = _period_steps(self._period, dt, where)
        steps = np.asarray((self._times + 1e-3 * dt) / dt, dtype=np.int64)  # Brian2's timestep()
        if period_steps and len(steps):  # dt may have changed since set_spikes
            _check_period_holds(self._times, self._period, dt, where)
        _check_one_spike_per_step(self._indices, self._times, steps, dt, where)
        now = self._time or 0.0
        if self._warn_past and not period_steps and len(steps) and steps[0] < round(now / dt):
            warnings.warn(f"{where} contains spike times earlier than the start time of the current "
                          f"run (t = {_seconds(now)}); these spikes will be ignored "
                          "(as in Brian2)", UserWarning, stacklevel=4)
        self._warn_past = False
        self._bins = (dt, steps, period_steps)

    def _runtime_value(self, name: str) -> Any:
        if self._bins is None:
            return None
        values = {"_spike_steps": self._bins[1], "_spike_indices": self._indices,
                  "_n_spikes": len(self._indices), "_period_steps": self._bins[2]}
        return values.get(name)

    # -- what lowering and the front-end key need (no spike data: it is bound at run time) --

    def _structure(self) -> tuple[str, ...]:
        return ("SpikeGeneratorGroup",)

    def _expression_sources(self) -> list[Any]:
        return []

    def _variable_dims(self) -> dict[str, Any]:
        dims = super()._variable_dims()
        dims.pop("_spikespace", None)
        return dims


def _check_size(n: Any, where: str) -> int:
    return whole_number(n, f"{where}: N, the number of neurons,", 1, 2**31 - 2, error=TypeError)


def _as_indices(indices: Any, where: str) -> np.ndarray:
    values = np.array(indices).reshape(-1)
    if values.size == 0:
        return np.zeros(0, dtype=np.int64)
    whole = values.dtype.kind in "iu" or values.dtype.kind == "f" and np.all(values == np.round(values))
    if not whole:
        raise TypeError(f"{where}: indices must be integers, got {indices!r}")
    return values.astype(np.int64)


def _check_period_holds(times: np.ndarray, period: float, dt: float, where: str) -> None:
    """Every spike (binned as the simulation bins it) must fall inside one period."""
    max_step = int((np.max(times) + 1e-3 * dt) / dt)
    if max_step >= np.round(period / dt):
        raise ValueError(f"{where}: The period has to be greater than the maximum of the spike times")


def _period_steps(period: float, dt: float, where: str) -> int:
    """The period in whole steps (0: no repetition); Brian2 refuses one that is not."""
    if period == 0:
        return 0
    if period < dt:
        raise ValueError(f"The period of {where} is {_seconds(period)}, which is smaller "
                         f"than its dt of {_seconds(dt)}")
    steps = int(np.round(period / dt))
    if abs(steps * dt - period) > period * np.finfo(np.float64).eps:
        raise NotImplementedError(f"The period of {where} is {_seconds(period)}, which is not an "
                                  f"integer multiple of its dt of {_seconds(dt)}")
    return steps


def _check_one_spike_per_step(indices: np.ndarray, times: np.ndarray, steps: np.ndarray, dt: float,
                              where: str) -> None:
    """Brian2 refuses two spikes of one neuron in one step (it would emit the neuron twice)."""
    order = np.lexsort((indices, steps))
    same = (np.diff(steps[order]) == 0) & (np.diff(indices[order]) == 0)
    if np.any(same):
        k = int(np.flatnonzero(same)[0])
        first, second_ = times[order[k]], times[order[k + 1]]
        raise ValueError(
            f"Using a dt of {_seconds(dt)}, some neurons of {where} spike more than "
            f"once during a time step: neuron {int(indices[order[k]])} at "
            f"{_seconds(first)} and {_seconds(second_)}")


def _seconds(value: float) -> str:
    return str(Quantity(value, dim=second.dim))
