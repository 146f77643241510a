"""Monitors: SpikeMonitor, StateMonitor, PopulationRateMonitor (Brian2's names and results).

The compiled loop records into per-run buffers (numpy arrays sized before the run, or
C++ vectors for spikes); after each run the monitor appends them to its results.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np

from ..errors import NeurogenError
from ..frontend.expressions import parse_expression
from ..units import DIMENSIONLESS, Hz, Quantity, second
from .base import SimObject, require_results
from .clock import Clock
from .group import Group
from .validation import check_quantity, require_memory, require_spike_source
from .subgroup import Subgroup


class SpikeMonitor(SimObject):
    """Records the index and time of every spike of a group (``t``, ``i``, ``count``)."""

    _base_name = "spikemonitor"
    _member_prefix = "spikemonitor"

    def __init__(self, source: Group, variables: Any = None, record: bool = True,
                 when: str = "thresholds", order: int = 1, name: str = "spikemonitor*",
                 codeobj_class: Any = None) -> None:
        super().__init__(name=name, when=when, order=order, clock=source.clock if source._clock else None)
        if variables not in (None, [], ()) or codeobj_class is not None:
            raise NotImplementedError("SpikeMonitor: recording variables at spike times (variables=)")
        if record not in (True, False):
            raise NotImplementedError("SpikeMonitor: record= must be True or False")
        _require_spikes(source, "SpikeMonitor")
        self.source = source
        self.record = bool(record)
        self.count_ = np.zeros(source.N, dtype=np.int32)
        self._i: list[np.ndarray] = []
        self._t: list[np.ndarray] = []

    def _dependencies(self) -> tuple[SimObject, ...]:
        return (self.source,)

    def _structure(self) -> tuple[str, ...]:
        return ("SpikeMonitor", str(self.record))

    def _variable_dims(self) -> dict[str, Any]:
        return {}

    def _expression_sources(self) -> list[tuple[str, Any]]:
        return []

    def _runtime_value(self, name: str) -> Any:
        """The spike counts the compiled code adds to."""
        return self.count_ if name == "count" else None

    def _collect_results(self, outputs: Mapping[str, np.ndarray], rows: int) -> None:
        """The spikes of a call (``i``, ``t``; recorded only with ``record=True``)."""
        if self.record:
            self._collect(outputs["i"], outputs["t"])

    def _collect(self, i: np.ndarray, t: np.ndarray) -> None:
        if len(i):
            self._i.append(i.astype(np.int32))
            self._t.append(t.astype(float))

    @property
    def i(self) -> np.ndarray:
        require_results(self)
        return np.concatenate(self._i) if self._i else np.zeros(0, dtype=np.int32)

    @property
    def t_(self) -> np.ndarray:
        require_results(self)
        return np.concatenate(self._t) if self._t else np.zeros(0)

    @property
    def t(self) -> Quantity:
        return Quantity(self.t_, dim=second.dim)

    @property
    def i_(self) -> np.ndarray:
        return self.i

    @property
    def it(self) -> tuple[np.ndarray, Quantity]:
        return self.i, self.t

    @property
    def it_(self) -> tuple[np.ndarray, np.ndarray]:
        return self.i, self.t_

    @property
    def count(self) -> np.ndarray:
        require_results(self)
        return self.count_.copy()

    @property
    def num_spikes(self) -> int:
        require_results(self)
        return int(self.count_.sum())

    def spike_trains(self) -> dict[int, Quantity]:
        """Spike times of each neuron, ``{index: times}`` (Brian2's ``spike_trains()``)."""
        if not self.record:
            raise NeurogenError(f"{self.name}: spike_trains() needs record=True")
        i, t = self.i, self.t_
        order = np.argsort(i, kind="stable")
        bounds = np.searchsorted(i[order], np.arange(self.source.N + 1))
        return {k: Quantity(t[order[bounds[k]:bounds[k + 1]]], dim=second.dim) for k in range(self.source.N)}


class StateMonitor(SimObject):
    """Records variables of a group at the start of each (monitor) time step."""

    _base_name = "statemonitor"
    _member_prefix = "statemonitor"

    def __init__(self, source: Group, variables: str | Sequence[str] | bool, record: Any,
                 dt: Quantity | None = None, clock: Clock | None = None, when: str = "start",
                 order: int = 0, name: str = "statemonitor*", codeobj_class: Any = None) -> None:
        # subexpressions it records resolve their names where the group's do
        if dt is None and clock is None:
            clock = source._clock  # Brian2: record on the source's clock unless told otherwise
        _require_group(source, "StateMonitor")
        super().__init__(name=name, when=when, order=order, dt=dt, clock=clock,
                         namespace=source.namespace)
        self.source = source
        self.record_variables = _variable_list(source, variables, self.name)
        self._record = _record_indices(source, record, self.name)
        self.record_all = record is True
        self._t: list[np.ndarray] = []
        self._values: dict[str, list[np.ndarray]] = {v: [] for v in self.record_variables}
        self._buffers: dict[str, np.ndarray] = {}

    @property
    def record(self) -> np.ndarray:
        """The recorded indices (fixed at construction: buffers are sized from them)."""
        return self._record.copy()

    def _dependencies(self) -> tuple[SimObject, ...]:
        return (self.source,)

    def _structure(self) -> tuple[str, ...]:
        return ("StateMonitor", ",".join(self.record_variables))

    def _variable_dims(self) -> dict[str, Any]:
        return self.source._variable_dims()

    def _expression_sources(self) -> list[tuple[str, Any]]:
        """The source's subexpressions, when one of them is recorded (they are evaluated here)."""
        if all(v in self.source._specs for v in self.record_variables):
            return []
        return [(eq.describe(), parse_expression(eq.expr, f"{self.source.name}, {eq.describe()}"))
                for eq in self.source._equations.of_kind("subexpression")]

    def _allocate(self, n_records: int) -> None:
        require_memory(8 * n_records * (1 + len(self.record_variables) * len(self._record)),
                       f"StateMonitor '{self.name}'", f"recording {n_records} steps of "
                       f"{len(self.record_variables)} variable(s) of {len(self._record)} element(s)")
        self._buffers = {"_t": np.zeros(n_records)}
        for var in self.record_variables:
            self._buffers[var] = np.zeros((n_records, len(self.record)))

    def _runtime_value(self, name: str) -> Any:
        """The recorded indices and this run's record buffers (``_t``, ``_rec_<var>``)."""
        if name == "_indices":
            return self._record
        if name == "_n_indices":
            return len(self._record)
        return self._buffers.get(buffer_name(name))

    def _input_dim(self, name: str) -> Any:
        """Record times in seconds; a record buffer ``_rec_<var>`` in the unit of ``var``."""
        if name == "_t":
            return second.dim
        if name.startswith("_rec_"):
            return self.source._variable_dims().get(buffer_name(name), DIMENSIONLESS)
        return DIMENSIONLESS

    def _collect_results(self, outputs: Mapping[str, np.ndarray], rows: int) -> None:
        """A call's records: in the buffers it was given, or (standalone) in ``outputs``."""
        if outputs:
            self._buffers = {buffer_name(name): values for name, values in outputs.items()}
        self._collect(rows)

    def _collect(self, rows: int) -> None:
        self._t.append(_take(self._buffers["_t"], rows))
        for var in self.record_variables:
            self._values[var].append(_take(self._buffers[var], rows))
        self._buffers = {}

    @property
    def t_(self) -> np.ndarray:
        require_results(self)
        return _joined(self._t, (0,))

    @property
    def t(self) -> Quantity:
        return Quantity(self.t_, dim=second.dim)

    def _trace(self, var: str, row: int | None = None) -> Any:
        """All records of ``var`` as (indices, times), or of one recorded index ``row``."""
        require_results(self)
        values = _joined(self._values[var], (0, len(self._record)))
        values = values.T if row is None else values[:, row]
        spec = self.source._specs.get(var)
        if spec is not None and spec.dtype != "float64":  # recorded as doubles, shown in their type
            return values.astype(bool if spec.dtype == "bool" else spec.numpy_dtype())
        dim = self.source._variable_dims()[var]
        return Quantity(values, dim=dim) if dim != Quantity(1).dim else values

    def _read_only_names(self) -> set[str]:
        return super()._read_only_names() | set(self.record_variables)

    def __getattr__(self, name: str) -> Any:
        values = self.__dict__.get("_values")
        if values is not None:
            if name in values:
                return self._trace(name)
            if name.endswith("_") and name[:-1] in values:
                return np.asarray(self._trace(name[:-1]))
        raise AttributeError(f"StateMonitor '{self.__dict__.get('name')}' has no attribute '{name}'")

    def __getitem__(self, index: int) -> "_StateMonitorView":
        matches = np.flatnonzero(self.record == index)
        if not len(matches):
            raise IndexError(f"{self.name} does not record index {index}")
        return _StateMonitorView(self, int(matches[0]))


class _StateMonitorView:
    """``mon[5].v``: the trace of one recorded element by its index in the group."""

    def __init__(self, monitor: StateMonitor, row: int) -> None:
        self._monitor, self._row = monitor, row

    def __getattr__(self, name: str) -> Any:
        if name in ("t", "t_"):
            return getattr(self._monitor, name)
        if name.endswith("_") and name[:-1] in self._monitor.record_variables:
            return np.asarray(self._monitor._trace(name[:-1], self._row))
        if name in self._monitor.record_variables:
            return self._monitor._trace(name, self._row)
        raise AttributeError(f"{self._monitor.name}[...] has no attribute '{name}'")


class PopulationRateMonitor(SimObject):
    """The fraction of a group spiking per time step, as a rate (``rate``, ``t``, ``smooth_rate``)."""

    _base_name = "ratemonitor"
    _member_prefix = "ratemonitor"

    def __init__(self, source: Group, when: str = "end", order: int = 0,
                 name: str = "ratemonitor*", codeobj_class: Any = None, dtype: Any = None) -> None:
        super().__init__(name=name, when=when, order=order, clock=source._clock)
        _require_spikes(source, "PopulationRateMonitor")
        self.source = source
        self._rate: list[np.ndarray] = []
        self._t: list[np.ndarray] = []
        self._buffers: dict[str, np.ndarray] = {}

    def _dependencies(self) -> tuple[SimObject, ...]:
        return (self.source,)

    def _structure(self) -> tuple[str, ...]:
        return ("PopulationRateMonitor",)

    def _variable_dims(self) -> dict[str, Any]:
        return {}

    def _expression_sources(self) -> list[tuple[str, Any]]:
        return []

    def _allocate(self, n_records: int) -> None:
        require_memory(16 * n_records, f"PopulationRateMonitor '{self.name}'", f"recording {n_records} steps")
        self._buffers = {"_t": np.zeros(n_records), "_rate": np.zeros(n_records)}

    def _runtime_value(self, name: str) -> Any:
        """This run's record buffers (``_t``, ``_rate``)."""
        return self._buffers.get(name)

    def _input_dim(self, name: str) -> Any:
        return {"_t": second.dim, "_rate": Hz.dim}.get(name, DIMENSIONLESS)

    def _collect_results(self, outputs: Mapping[str, np.ndarray], rows: int) -> None:
        """A call's records: in the buffers it was given, or (standalone) in ``outputs``."""
        if outputs:
            self._buffers = dict(outputs)
        self._collect(rows)

    def _collect(self, rows: int) -> None:
        self._t.append(_take(self._buffers["_t"], rows))
        self._rate.append(_take(self._buffers["_rate"], rows))
        self._buffers = {}

    @property
    def rate_(self) -> np.ndarray:
        require_results(self)
        return _joined(self._rate, (0,))

    @property
    def rate(self) -> Quantity:
        return Quantity(self.rate_, dim=Hz.dim)

    @property
    def t_(self) -> np.ndarray:
        require_results(self)
        return _joined(self._t, (0,))

    @property
    def t(self) -> Quantity:
        return Quantity(self.t_, dim=second.dim)

    def smooth_rate(self, window: str | np.ndarray = "gaussian", width: Quantity | None = None) -> Quantity:
        """The rate convolved with a window: 'gaussian' (``width`` = its standard deviation),
        'flat' (``width`` = its total duration), or an array of odd length (Brian2's semantics)."""
        dt = self.clock.dt_
        if isinstance(window, str):
            if width is None:
                raise TypeError("smooth_rate: a named window needs width=")
            seconds = check_quantity(width, second, f"PopulationRateMonitor '{self.name}'.smooth_rate: width")
            if not (0 < seconds < np.inf or (seconds == 0 and window == "flat")):
                raise ValueError(f"PopulationRateMonitor '{self.name}'.smooth_rate: width must be a positive, "
                                 f"finite time, got {width!r}")
            window = _window(window, seconds / dt)
        window = np.asarray(window, dtype=float)
        if window.ndim != 1 or len(window) % 2 != 1:
            raise TypeError("smooth_rate: the window must be a 1-d array of odd length")
        smoothed = np.convolve(np.asarray(self.rate), window / window.sum(), mode="same")
        return Quantity(smoothed, dim=Hz.dim)


def buffer_name(field: str) -> str:
    """The record buffer a monitor's struct member ``rec_v`` / ``_t`` / ``_rate`` binds."""
    return field[5:] if field.startswith("_rec_") else field


def _take(buffer: np.ndarray, rows: int) -> np.ndarray:
    """A run's records: the buffer itself when the run completed (no copy), else its rows."""
    return buffer if rows == len(buffer) else buffer[:rows].copy()


def _joined(chunks: list[np.ndarray], empty_shape: tuple[int, ...]) -> np.ndarray:
    """The records of all runs as one array; the chunks are merged in place, so reading a
    monitor twice neither copies again nor keeps two copies."""
    if not chunks:
        return np.zeros(empty_shape)
    if len(chunks) > 1:
        chunks[:] = [np.concatenate(chunks)]
    return chunks[0]


def _require_spikes(source: Group, monitor: str) -> None:
    _require_group(source, monitor)
    require_spike_source(source, monitor)


def _require_group(source: Any, monitor: str) -> None:
    if isinstance(source, Subgroup):
        raise NotImplementedError(f"{monitor} of a subgroup ({source!r}): monitor the whole group "
                                  "and select its indices")


def _window(kind: str, width_steps: float) -> np.ndarray:
    if kind == "gaussian":
        half = int(round(2 * width_steps))
        k = np.arange(-half, half + 1)
        return np.exp(-(k**2) / (2 * width_steps**2))
    if kind == "flat":  # Brian2: the nearest odd number of steps, int(width/2/dt)*2 + 1
        return np.ones(int(width_steps / 2) * 2 + 1)
    raise NotImplementedError(f"smooth_rate: unknown window '{kind}' (use 'gaussian' or 'flat')")


def _variable_list(source: Group, variables: Any, name: str) -> tuple[str, ...]:
    known = [v for v in source._variable_dims() if not v.startswith("_") and v not in ("i", "N")]
    if variables is True:
        names = [v for v in known if v in source._specs and source._specs[v].dtype == "float64"]
    elif isinstance(variables, str):
        names = [variables]
    else:
        names = list(variables)
    for var in names:
        if var not in known:
            raise KeyError(f"StateMonitor '{name}': '{var}' is not a variable of {source.name}")
    return tuple(names)


def _record_indices(source: Group, record: Any, name: str) -> np.ndarray:
    if record is True:
        return np.arange(source.N, dtype=np.int32)
    if record is False or record is None:
        return np.zeros(0, dtype=np.int32)
    indices = np.atleast_1d(np.asarray(record))
    if indices.size == 0:
        return np.zeros(0, dtype=np.int32)
    if indices.dtype.kind not in "iu":
        raise TypeError(f"StateMonitor '{name}': record= must be True, False or integer indices")
    if len(indices) and (indices.min() < 0 or indices.max() >= source.N):
        raise IndexError(f"StateMonitor '{name}': record index out of range 0..{source.N - 1}")
    return indices.astype(np.int32)
