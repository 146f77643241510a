"""``StateMonitor``: variables of a group, subgroup or synapses recorded at the start of each
(monitor) time step, with Brian2's names (``M.v``, ``M[5].v``, ``M.t``, ``M.record``).

The compiled code records into per-run buffers sized before the run; after each run the
monitor appends them to its records. Of a subgroup, ``record`` indices are relative to it
(as Brian2); the compiled code reads the parent's arrays at ``start + index``.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from ..session import session
from ..units import DIMENSIONLESS, Quantity, second
from .base import SimObject, require_results
from .clock import Clock
from .eventclock import EventClock, event_rows
from .group import Group
from .monitor_common import RecordsTimes, RecordsVariables, buffer_name, joined, monitored_range, subexpression_sources, take, with_type
from .states import ExportedNames, get_states, set_states
from .validation import require_memory


class StateMonitor(RecordsTimes, RecordsVariables, SimObject):
    """Records variables of a group at the start of each (monitor) time step."""

    _base_name = "statemonitor"
    _member_prefix = "statemonitor"

    def __init__(self, source: Group, variables: str | Sequence[str] | bool, record: Any,
                 dt: Quantity | None = None, clock: Clock | None = None, when: str = "start",
                 order: int = 0, name: str = "statemonitor*", codeobj_class: Any = None) -> None:
        monitored = monitored_range(source)
        group = monitored.group
        if dt is None and clock is None:
            clock = group._clock  # Brian2: record on the source's clock unless told otherwise
        # subexpressions it records resolve their names where the group's do
        super().__init__(name=name, when=when, order=order, dt=dt, clock=clock, namespace=group.namespace)
        self.source = source
        # the group, not the range tuple: snapshots (store/restore) leave referenced objects alone
        self._source_group, self._start, self._size = monitored
        self.record_variables = _variable_list(group, variables, self.name)
        self._record = _record_indices(source, monitored.size, record, self.name)
        self.record_all = record is True
        self._t: list[np.ndarray] = []
        self._values: dict[str, list[np.ndarray]] = {v: [] for v in self.record_variables}
        self._buffers: dict[str, np.ndarray] = {}

    @property
    def record(self) -> np.ndarray:
        """The recorded indices, relative to the monitored (sub)group (fixed at construction:
        buffers are sized from them)."""
        return self._record.copy()

    # -- what the compiler and the runtime read -------------------------------------------

    def _dependencies(self) -> tuple[SimObject, ...]:
        return (self._source_group,)

    def _structure(self) -> tuple[str, ...]:
        return ("StateMonitor", ",".join(self.record_variables))

    def _variable_dims(self) -> dict[str, Any]:
        return self._source_group._variable_dims()

    def _expression_sources(self) -> list[tuple[str, Any]]:
        """The source's subexpressions, when one of them is recorded (they are evaluated here)."""
        return subexpression_sources(self._source_group, self.record_variables)

    def _allocate(self, n_records: int) -> None:
        require_memory(8 * n_records * (1 + len(self.record_variables) * len(self._record)),
                       f"StateMonitor '{self.name}'", f"recording {n_records} steps of "
                       f"{len(self.record_variables)} variable(s) of {len(self._record)} element(s)")
        self._buffers = {"_t": np.zeros(n_records)}
        for var in self.record_variables:
            self._buffers[var] = np.zeros((n_records, len(self._record)))

    def _runtime_value(self, name: str) -> Any:
        """The recorded indices in the group's arrays and this run's record buffers (``_t``,
        ``_rec_<var>``)."""
        if name == "_indices":
            return self._record + np.int32(self._start)
        if name == "_n_indices":
            return len(self._record)
        return self._buffers.get(buffer_name(name))

    def _input_dim(self, name: str) -> Any:
        """Record times in seconds; a record buffer ``_rec_<var>`` in the unit of ``var``."""
        if name == "_t":
            return second.dim
        if name.startswith("_rec_"):
            return self._source_group._variable_dims().get(buffer_name(name), DIMENSIONLESS)
        return DIMENSIONLESS

    def _before_run(self, dt: float) -> None:
        """On an ``EventClock``: the steps (of the network's ``dt``) whose records it keeps."""
        if isinstance(self.clock, EventClock):
            self._event_steps = (dt, self.clock._events(dt))

    def _collect_results(self, outputs: Mapping[str, np.ndarray], rows: int) -> None:
        """A call's records: in the buffers it was given, or (standalone) in ``outputs``. On an
        ``EventClock`` it recorded every step: only the rows of its event steps are kept."""
        if outputs:
            self._buffers = {buffer_name(name): values for name, values in outputs.items()}
        self._t.append(take(self._buffers["_t"], rows))
        for var in self.record_variables:
            self._values[var].append(take(self._buffers[var], rows))
        self._buffers = {}
        if isinstance(self.clock, EventClock) and "_event_steps" in self.__dict__:
            keep, times = event_rows(self._t[-1], *self._event_steps)
            self._t[-1] = times
            for var in self.record_variables:
                self._values[var][-1] = self._values[var][-1][keep]

    # -- results -------------------------------------------------------------------------

    def record_single_timestep(self) -> None:
        """Record the current values once, at the current time of its clock (Brian2's
        ``record_single_timestep``, e.g. after the last run to include its end time)."""
        device = session().device
        if device is not None and device.recording:
            raise NotImplementedError(f"StateMonitor '{self.name}'.record_single_timestep() in standalone "
                                      "mode (the values exist only after device.build())")
        group, indices = self._source_group, self._record + self._start
        self._t.append(np.array([self._clock_time]))
        for var in self.record_variables:
            values = np.asarray(getattr(group, var), dtype=float).reshape(-1)
            values = np.broadcast_to(values, (group.N,)) if values.size == 1 else values
            self._values[var].append(values[indices].reshape(1, -1))

    def _records(self, var: str) -> np.ndarray:
        """All records of ``var`` as (times, indices), as doubles."""
        require_results(self)
        return joined(self._values[var], (0, len(self._record)))

    def _recorded(self, var: str) -> Any:
        return self._trace(var)

    def _trace(self, var: str, row: int | None = None) -> Any:
        """All records of ``var`` as (indices, times), or of one recorded index ``row``."""
        values = self._records(var)
        return with_type(self._source_group, var, values.T if row is None else values[:, row])

    def get_states(self, vars: Iterable[str] | None = None, units: bool = True, format: str = "dict",
                   subexpressions: bool = False, read_only_variables: bool = True, level: int = 0) -> Any:
        """Its records as ``{name: values}`` (``t``, ``N``, the variables as (times, indices)),
        as Brian2's ``get_states`` of a StateMonitor."""
        def read(name: str) -> Any:
            if name in self._values:
                return with_type(self._source_group, name, self._records(name))
            return getattr(self, name)
        return get_states(self, vars, units, format, subexpressions, read_only_variables, read)

    def set_states(self, values: Any, units: bool = True, format: str = "dict", level: int = 0) -> None:
        """Refused for every name: records are read-only (as in Brian2)."""
        set_states(self, values, units, format)

    def _exported_names(self) -> ExportedNames:
        return ExportedNames(["t", "N", *self.record_variables], [], [])


    def __getitem__(self, index: int) -> "_StateMonitorView":
        matches = np.flatnonzero(self._record == index)
        if not len(matches):
            raise IndexError(f"StateMonitor '{self.name}': index {index} has not been recorded "
                             f"(recorded: {_short(self._record)})")
        return _StateMonitorView(self, int(matches[0]))


class _StateMonitorView:
    """``mon[5].v``: the trace of one recorded element by its index in the (sub)group."""

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


def _short(indices: np.ndarray) -> str:
    shown = ", ".join(str(i) for i in indices[:10])
    return (shown + ", ...") if len(indices) > 10 else (shown or "none")


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


def _record_indices(source: Any, size: int, record: Any, name: str, kind: str = "StateMonitor") -> np.ndarray:
    """``record=`` as indices into the monitored (sub)group of ``size`` elements."""
    if record is True:
        return np.arange(size, dtype=np.int32)
    if record is False or record is None:
        return np.zeros(0, dtype=np.int32)
    indices = np.atleast_1d(np.asarray(record))
    if indices.size == 0:
        return np.zeros(0, dtype=np.int32)
    if indices.dtype.kind == "f" and np.all(np.isfinite(indices)) and np.all(indices == np.round(indices)):
        indices = indices.astype(np.int64)  # record=2.0 or [1.0, 2.0]: Brian2 takes whole floats
    if indices.dtype.kind not in "iu":
        raise TypeError(f"{kind} '{name}': record= must be True, False or integer indices")
    if indices.min() < 0 or indices.max() >= size:
        raise IndexError(f"{kind} '{name}': the indices to record from contain values outside of "
                         f"the range [0, {size - 1}] allowed for '{source.name}'")
    return indices.astype(np.int32)
