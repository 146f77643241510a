"""``EventMonitor`` and ``SpikeMonitor``: the index and time of every event (a spike, or a
custom event of a NeuronGroup) of a group or subgroup, the count per neuron, and
(``variables=``) the values of variables at each event, with Brian2's names.

The compiled code counts into ``count`` and appends to C++ vectors (``i``, ``t``,
``_rec_<var>``); after each run the monitor appends them to its records. Of a subgroup, it
keeps the spikes in the subgroup's range, with indices relative to it (as Brian2).
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

import numpy as np

from ..units import Quantity, second
from .base import SimObject, require_results
from .group import Group
from .monitor_common import (RecordsVariables, WatchesRange, by_index, joined, monitored_range, recordable, subexpression_sources,
                             with_type)
from .events import SPIKE, defined_events
from .validation import require_spike_source
from .binning import binned_spike_rate, steps_run
from .states import ExportedNames, get_states


class EventMonitor(WatchesRange, RecordsVariables, SimObject):
    """Records the events of a group (``i``, ``t``, ``count``; ``values``, ``all_values``,
    ``event_trains``), and with ``variables=`` the values of variables at each event.

    By default it records just after the event's test (its slot, the test's order + 1), as
    Brian2; ``when=`` moves it (then ``order`` defaults to 0).
    """

    _base_name = "eventmonitor"
    _member_prefix = "eventmonitor"

    def __init__(self, source: Group, event: str, variables: str | Iterable[str] | None = None,
                 record: bool = True, when: str | None = None, order: int | None = None,
                 name: str = "eventmonitor*", codeobj_class: Any = None) -> None:
        kind = type(self).__name__
        monitored = monitored_range(source)
        if not isinstance(event, str):
            raise TypeError(f"{kind}: the event has to be the name of an event, got {event!r}")
        defined = event == SPIKE or event in defined_events(monitored.group)
        if when is None:
            if order is not None:
                raise ValueError(f"{kind}: cannot specify order if when is not specified")
            when, order = _event_slot(monitored.group, event) if defined else ("thresholds", 0)
            order += 1
        elif order is None:
            order = 0
        # subexpressions it records resolve their names where the group's do
        super().__init__(name=name, when=when, order=order,
                         clock=monitored.group.clock if monitored.group._clock else None,
                         namespace=monitored.group.namespace)
        if codeobj_class is not None:
            raise NotImplementedError(f"{kind}: codeobj_class= (neurogen generates its own code)")
        if record not in (True, False):
            raise NotImplementedError(f"{kind}: record= must be True or False (Brian2 records all "
                                      "neurons or none; select indices from M.i afterwards)")
        # i and t are always recorded (with record=True); Brian2 accepts them in variables= too
        if not isinstance(variables, (str, list, tuple, type(None))):
            raise TypeError(f"{kind} '{self.name}': variables= must be a name or a list of names, "
                            f"got {variables!r}")
        names = [variables] if isinstance(variables, str) else list(variables or ())
        names = recordable(monitored.group, [v for v in names if v not in ("i", "t")], f"{kind} '{self.name}'")
        if event == SPIKE:
            require_spike_source(monitored.group, kind)
        elif not defined:
            raise ValueError(f"{kind}: recorded group '{monitored.group.name}' does not define an event '{event}'")
        self.event = event
        self.source = source
        self.record = bool(record)
        self.record_variables = tuple(dict.fromkeys(names))
        # the group, not the range tuple: snapshots (store/restore) leave referenced objects alone
        self._source_group, self._start, self._size = monitored
        self.count_ = np.zeros(monitored.size, dtype=np.int32)
        self._i: list[np.ndarray] = []
        self._t: list[np.ndarray] = []
        self._values: dict[str, list[np.ndarray]] = {v: [] for v in self.record_variables}

    # -- what the compiler and the runtime read -------------------------------------------

    def _structure(self) -> tuple[str, ...]:
        event = () if self.event == SPIKE else (f"event:{self.event}",)
        return ("SpikeMonitor", str(self.record), f"part:{self._watches_part}", ",".join(self.record_variables),
                *event)

    def _variable_dims(self) -> dict[str, Any]:
        return self._source_group._variable_dims() if self.record_variables else {}

    def _expression_sources(self) -> list[tuple[str, Any]]:
        """The source's subexpressions, when one of them is recorded (they are evaluated here)."""
        return subexpression_sources(self._source_group, self.record_variables)

    def _runtime_value(self, name: str) -> Any:
        """The spike counts the compiled code adds to; the monitored range of a subgroup."""
        if name == "count":
            return self.count_
        if name == "_start":
            return self._start
        if name == "_size":
            return self._size
        return None

    def _collect_results(self, outputs: Mapping[str, np.ndarray], rows: int) -> None:
        """The spikes of a call (``i``, ``t`` with ``record=True``; ``_rec_<var>``)."""
        if self.record and len(outputs["i"]):
            self._i.append(outputs["i"].astype(np.int32))
            self._t.append(outputs["t"].astype(float))
        for var in self.record_variables:
            if len(outputs[f"_rec_{var}"]):
                self._values[var].append(outputs[f"_rec_{var}"].astype(float))

    # -- results -------------------------------------------------------------------------

    def _require_record(self) -> None:
        if not self.record:
            raise AttributeError(f"{type(self).__name__} '{self.name}': indices and times have not been recorded. "
                                 "Set the record argument to True to record them.")

    @property
    def i(self) -> np.ndarray:
        self._require_record()
        require_results(self)
        return joined(self._i, (0,), np.int32)

    @property
    def t_(self) -> np.ndarray:
        self._require_record()
        require_results(self)
        return joined(self._t, (0,))

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
    def num_events(self) -> int:
        require_results(self)
        return int(self.count_.sum())

    def binned_rate(self, bin_size: Quantity) -> tuple[Quantity, Quantity]:
        """Brian2 2.10's ``binned_rate``: (bin starts from t = 0, rates per neuron and complete
        bin, in Hz; all zero without ``record=True``)."""
        require_results(self)
        dt = self.clock.dt_
        i, t = (self.i, self.t_) if self.record else (np.zeros(0, np.int32), np.zeros(0))
        return binned_spike_rate(t, i, len(self.count_), steps_run(self._clock_time, dt), dt, bin_size,
                                 f"SpikeMonitor '{self.name}'.binned_rate")

    @property
    def N(self) -> int:
        """The number of recorded events (Brian2's ``N`` of an Event- or SpikeMonitor)."""
        if self.record:
            return len(self.i)
        return len(self._recorded(self.record_variables[0])) if self.record_variables else 0

    def _recorded(self, var: str) -> Any:
        require_results(self)
        return with_type(self._source_group, var, joined(self._values[var], (0,)))

    def values(self, var: str) -> dict[int, Any]:
        """``{neuron index: values of var at its spikes}`` for every neuron (``'t'``: the spike
        times), as Brian2's ``values``; indices relative to a monitored subgroup."""
        self._require_record()
        if var == "t":
            recorded: Any = self.t
        elif var in self.record_variables:
            recorded = self._recorded(var)
        else:
            raise KeyError(f"{type(self).__name__} '{self.name}' did not record '{var}' (it records t and "
                           f"{', '.join(self.record_variables) or 'no variables'})")
        return by_index(self.i, recorded, self._size)

    def all_values(self) -> dict[str, dict[int, Any]]:
        """``{'t': values('t'), var: values(var), ...}`` for every recorded variable."""
        return {var: self.values(var) for var in ("t", *self.record_variables)}

    def event_trains(self) -> dict[int, Quantity]:
        """Event times of each neuron, ``{index: times}`` (Brian2's ``event_trains()``)."""
        return self.values("t")

    def get_states(self, vars: Iterable[str] | None = None, units: bool = True, format: str = "dict",
                   subexpressions: bool = False, read_only_variables: bool = True, level: int = 0) -> Any:
        """Its records as ``{name: values}`` (``N``, ``count``, ``i``, ``t``, the variables), as
        Brian2's ``get_states`` of an Event- or SpikeMonitor."""
        return get_states(self, vars, units, format, subexpressions, read_only_variables)

    def _exported_names(self) -> ExportedNames:
        recorded = ["i", "t"] if self.record else []
        return ExportedNames(["N", "count", *recorded, *self.record_variables], [], [])

    def _not_recorded(self, name: str) -> Any:
        if "_values" in self.__dict__ and name in ("i", "t", "i_", "t_", "it", "it_"):
            self._require_record()  # a property that refused: record=False
        return super()._not_recorded(name)


class SpikeMonitor(EventMonitor):
    """Records the spikes of a group: an ``EventMonitor`` of the ``spike`` event (Brian2 2.9's
    SpikeMonitor has no ``event=``), with ``num_spikes`` and ``spike_trains()``."""

    _base_name = "spikemonitor"
    _member_prefix = "spikemonitor"

    def __init__(self, source: Group, variables: str | Iterable[str] | None = None, record: bool = True,
                 when: str | None = None, order: int | None = None, name: str = "spikemonitor*",
                 codeobj_class: Any = None) -> None:
        super().__init__(source, SPIKE, variables, record, when, order, name, codeobj_class)

    @property
    def num_spikes(self) -> int:
        return self.num_events

    def spike_trains(self) -> dict[int, Quantity]:
        """Spike times of each neuron, ``{index: times}`` (Brian2's ``spike_trains()``)."""
        return self.values("t")


def _event_slot(group: Any, event: str) -> tuple[str, int | float]:
    """Where the event is tested (a NeuronGroup's events may be moved); other spike sources
    make their spikes in the ``thresholds`` slot, at their order."""
    if hasattr(type(group), "_event_slot"):
        return group._event_slot(event)
    return "thresholds", group.order
