"""``PopulationRateMonitor``: the fraction of a group or subgroup spiking per time step, as a
rate (``rate``, ``t``, ``smooth_rate``), with Brian2's names and smoothing windows.

The compiled code records into per-run buffers sized before the run; of a subgroup, it counts
the spikes in the subgroup's range and divides by the subgroup's size (as Brian2).
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

import numpy as np

from ..units import DIMENSIONLESS, Hz, Quantity, second
from .base import SimObject, require_results
from .group import Group
from .monitor_common import RecordsTimes, WatchesRange, joined, monitored_range, take
from .states import ExportedNames, get_states
from .validation import check_quantity, require_memory, require_spike_source
from .binning import binned_population_rate


class PopulationRateMonitor(WatchesRange, RecordsTimes, SimObject):
    """The fraction of a group spiking per time step, as a rate (``rate``, ``t``, ``smooth_rate``)."""

    _base_name = "ratemonitor"
    _member_prefix = "ratemonitor"

    def __init__(self, source: Group, when: str = "end", order: int = 0,
                 name: str = "ratemonitor*", codeobj_class: Any = None, dtype: Any = None) -> None:
        monitored = monitored_range(source)
        super().__init__(name=name, when=when, order=order, clock=monitored.group._clock)
        require_spike_source(monitored.group, "PopulationRateMonitor")
        self.source = source
        # the group, not the range tuple: snapshots (store/restore) leave referenced objects alone
        self._source_group, self._start, self._size = monitored
        self._rate: list[np.ndarray] = []
        self._t: list[np.ndarray] = []
        self._buffers: dict[str, np.ndarray] = {}

    # -- what the compiler and the runtime read -------------------------------------------

    def _structure(self) -> tuple[str, ...]:
        return ("PopulationRateMonitor", f"part:{self._watches_part}")

    def _variable_dims(self) -> dict[str, Any]:
        return {}

    def _expression_sources(self) -> list[tuple[str, Any]]:
        return []

    def _allocate(self, n_records: int) -> None:
        require_memory(16 * n_records, f"PopulationRateMonitor '{self.name}'", f"recording {n_records} steps")
        self._buffers = {"_t": np.zeros(n_records), "_rate": np.zeros(n_records)}

    def _runtime_value(self, name: str) -> Any:
        """This run's record buffers (``_t``, ``_rate``); the monitored range of a subgroup."""
        if name == "_start":
            return self._start
        if name == "_size":
            return self._size
        return self._buffers.get(name)

    def _input_dim(self, name: str) -> Any:
        return {"_t": second.dim, "_rate": Hz.dim}.get(name, DIMENSIONLESS)

    def _collect_results(self, outputs: Mapping[str, np.ndarray], rows: int) -> None:
        """A call's records: in the buffers it was given, or (standalone) in ``outputs``."""
        if outputs:
            self._buffers = dict(outputs)
        self._t.append(take(self._buffers["_t"], rows))
        self._rate.append(take(self._buffers["_rate"], rows))
        self._buffers = {}

    # -- results -------------------------------------------------------------------------

    @property
    def rate_(self) -> np.ndarray:
        require_results(self)
        return joined(self._rate, (0,))

    @property
    def rate(self) -> Quantity:
        return Quantity(self.rate_, dim=Hz.dim)

    def get_states(self, vars: Iterable[str] | None = None, units: bool = True, format: str = "dict",
                   subexpressions: bool = False, read_only_variables: bool = True, level: int = 0) -> Any:
        """Its records as ``{name: values}`` (``N``, ``rate``, ``t``), as Brian2's."""
        return get_states(self, vars, units, format, subexpressions, read_only_variables)

    def _exported_names(self) -> ExportedNames:
        return ExportedNames(["N", "rate", "t"], [], [])

    def smooth_rate(self, window: str | np.ndarray = "gaussian", width: Quantity | None = None) -> Quantity:
        """The rate convolved with a window normalised to a sum of 1, as Brian2's: 'gaussian'
        (``width`` = its standard deviation; the window spans 2*width on either side, rounded to
        whole steps), 'flat' (``width`` rounded down to an odd number of steps), or an array of
        odd length (then no ``width``)."""
        where = f"PopulationRateMonitor '{self.name}'.smooth_rate"
        dt = self.clock.dt_
        if isinstance(window, str):
            if width is None:
                raise TypeError(f"{where}: a predefined window ('{window}') needs width=")
            seconds = check_quantity(width, second, f"{where}: width")
            if not (0 < seconds < np.inf or (seconds == 0 and window == "flat")):
                raise ValueError(f"{where}: width must be a positive, finite time, got {width!r}")
            window = _window(window, seconds / dt)
        elif width is not None:
            raise TypeError(f"{where}: width= is only for a predefined window ('gaussian' or 'flat'), "
                            "not for an array")
        window = np.asarray(window, dtype=float)
        if window.ndim != 1 or len(window) % 2 != 1:
            raise TypeError(f"{where}: the window must be a 1-d array with an odd number of values")
        smoothed = np.convolve(self.rate_, window / window.sum(), mode="same")
        return Quantity(smoothed, dim=Hz.dim)


    def binned_rate(self, bin_size: Quantity) -> tuple[Quantity, Quantity]:
        """Brian2 2.10's ``binned_rate``: (bin starts, the mean rate of each complete bin)."""
        require_results(self)
        return binned_population_rate(self.t_, self.rate_, self.clock.dt_, bin_size,
                                      f"PopulationRateMonitor '{self.name}'.binned_rate")


def _window(kind: str, width_steps: float) -> np.ndarray:
    if kind == "gaussian":  # Brian2: the size rounded to whole steps, not the standard deviation
        half = int(np.round(2 * width_steps))
        k = np.arange(-half, half + 1)
        return np.exp(-(k**2) / (2 * width_steps**2))
    if kind == "flat":  # Brian2: int(width/2/dt)*2 + 1 steps
        return np.ones(int(width_steps / 2) * 2 + 1)
    raise NotImplementedError(f"smooth_rate: unknown pre-defined window '{kind}' (use 'gaussian' or 'flat')")
