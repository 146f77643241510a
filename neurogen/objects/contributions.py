"""``ContributionMonitor``: how much each writer changed a variable in each step.

A neuron variable such as ``v`` changes in one step through several writers: its differential
equation (the state update), each Synapses pathway, each PoissonInput, the reset,
``run_regularly`` code. The compiled step loop copies the recorded elements' values before
each writer's kernel and adds ``after - before`` to that writer's record after it, so a
record is the jump the writer really made: a write dropped while refractory counts as zero,
an ``=`` write as the jump it made. The monitor only reads the variable: spikes and state are
bit-identical with and without it.

Which writers there are comes from the model text (:mod:`neurogen.objects.writers`), before
anything is compiled; lowering checks that the compiled kernels writing the variable are
exactly these. Records are kept per run and per source; a source absent from a run has
zeros there.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

import numpy as np

from ..units import DIMENSIONLESS, Quantity, second
from .base import SimObject, require_results
from .group import Group
from .operation import NetworkOperation
from .monitor_common import RecordsTimes, monitored_range, take
from .neurongroup import NeuronGroup
from .statemonitor import _record_indices
from .validation import require_memory
from .writers import Write, writes_to

#: the record plane of the kernels that set ``(summed)`` targets to zero before the summing
#: kernels add to them: never a source itself (see :meth:`ContributionMonitor._delta_`)
ZEROED = "(summed targets set to zero)"


class ContributionMonitor(RecordsTimes, SimObject):
    """Records, for each recorded element and step, the change of ``variable`` made by each writer.

    >>> C = ContributionMonitor(G, 'v', record=[0, 1])
    >>> run(100*ms)
    >>> C.sources                 # ['neurongroup: state update', 'synapses: on_pre', 'poissoninput', ...]
    >>> C.delta['synapses: on_pre']   # (recorded elements, steps), in v's unit
    >>> C.total                   # their sum: v after step k minus v before step k
    >>> C.cumulative('poissoninput')

    A step runs from the first slot (``before_start``) to the last, so a ``StateMonitor`` that
    records before every writer of a step (``when='before_start'``; its default ``'start'``
    does too unless ``run_regularly`` code runs in ``start`` before it) has
    ``M.v[:, k + 1] - M.v[:, k] == C.total[:, k]`` to rounding. Records are made on the
    group's clock; writers on a clock of a whole multiple of it are recorded in the steps they run.
    """

    _base_name = "contributionmonitor"
    _member_prefix = "contributionmonitor"
    _spans_steps = True  # its kernels run in every part of a step (around writers in all slots)

    def __init__(self, source: Group, variable: str, record: Any = True, when: str = "start", order: int = 0,
                 name: str = "contributionmonitor*") -> None:
        monitored = monitored_range(source)
        group = monitored.group
        super().__init__(name=name, when=when, order=order, clock=group._clock)
        self.source = source
        self._source_group, self._start, self._size = monitored
        self.variable = self._checked_variable(group, variable)
        self._record = _record_indices(source, monitored.size, record, self.name, "ContributionMonitor")
        self._writes: list[Write] = []
        self._operations: list[Any] = []
        self._run_sources: list[str] = []  # the sources of the run being recorded, in buffer order
        self._summed: dict[str, None] = {}  # the (summed) sources of all runs so far, in order
        self._t: list[np.ndarray] = []
        self._records: dict[str, list[tuple[int, np.ndarray]]] = {}  # source -> [(run, records)]
        self._run_rows: list[int] = []  # rows recorded by each run
        self._buffers: dict[str, np.ndarray] = {}

    def _checked_variable(self, group: Any, variable: Any) -> str:
        if not isinstance(variable, str):
            raise TypeError(f"ContributionMonitor '{self.name}': the variable must be a name, got {variable!r}")
        if not isinstance(group, NeuronGroup):
            # the writers are found for neuron variables only (objects.writers): a Synapses'
            # variable would fail at run time with an internal error
            raise NotImplementedError(f"ContributionMonitor '{self.name}': contributions to variables of "
                                      f"{type(group).__name__} '{group.name}' ('{variable}') are not recorded "
                                      "yet; monitor a variable of a NeuronGroup")
        if variable in group._links:
            raise NotImplementedError(f"ContributionMonitor '{self.name}': '{variable}' of '{group.name}' is a "
                                      "linked variable; monitor the variable it is linked to, in its own group")
        spec = group._specs.get(variable)
        if spec is None or variable.startswith("_") or variable in ("i", "N"):
            known = sorted(n for n, s in group._specs.items() if not n.startswith("_") and s.dtype == "float64")
            raise KeyError(f"ContributionMonitor '{self.name}': '{variable}' is not a variable of "
                           f"'{group.name}' that code can change (its variables: {', '.join(known)})")
        if spec.shared:
            raise NotImplementedError(f"ContributionMonitor '{self.name}': '{variable}' of '{group.name}' is a "
                                      "shared variable; contributions to shared variables are not recorded yet")
        if spec.dtype != "float64":
            kind = "a boolean" if spec.dtype == "bool" else "an integer"
            raise TypeError(f"ContributionMonitor '{self.name}': '{variable}' of '{group.name}' is {kind} "
                            "variable; contributions are recorded for floating-point variables")
        return variable

    @property
    def record(self) -> np.ndarray:
        """The recorded indices, relative to the monitored (sub)group."""
        return self._record.copy()

    # -- before a run: the writers -------------------------------------------------------

    def _join_network(self, objects: Iterable[Any]) -> None:
        """The writers of the variable among the network's objects (its sources for this run)."""
        objects = list(objects)
        operations = [o for o in objects if isinstance(o, NetworkOperation)]
        writes = writes_to(objects, self._source_group, self.variable)
        for writer, source in [*((w.writer, w.source) for w in writes), *((o, o.name) for o in operations)]:
            ratio = writer.clock.dt_ / self.clock.dt_
            if abs(ratio - round(ratio)) > 1e-9 * ratio or round(ratio) < 1:
                raise NotImplementedError(
                    f"ContributionMonitor '{self.name}': '{source}' runs with dt={writer.clock.dt}, "
                    f"not a whole multiple of the monitored group's dt={self.clock.dt}; contributions are "
                    "recorded on the group's clock")
        self._writes = writes
        # network operations: Python code between steps; whatever it changes is its contribution
        self._operations = operations
        summed = [w.source for w in writes if w.kind == "summed"]
        self._summed.update(dict.fromkeys(summed))
        self._run_sources = list(dict.fromkeys([*(w.source for w in writes), *(o.name for o in operations),
                                                *([ZEROED] if summed else [])]))

    @property
    def _writers(self) -> tuple[Any, ...]:
        return tuple(dict.fromkeys(w.writer for w in self._writes))

    def _dependencies(self) -> tuple[SimObject, ...]:
        return (self._source_group, *(w for w in self._writers if w is not self._source_group))

    def _variable_dims(self) -> dict[str, Any]:
        return self._source_group._variable_dims()

    def _expression_sources(self) -> list[tuple[str, Any]]:
        return []  # it evaluates no model expression: it copies and subtracts values

    def _structure(self) -> tuple[str, ...]:
        return ("ContributionMonitor", self.variable, f"operations={len(self._operations)}",
                *(f"{w.kind}:{w.part}:{w.op}:{self._run_sources.index(w.source)}" for w in self._writes))

    def _allocate(self, n_records: int) -> None:
        planes = len(self._run_sources)
        require_memory(8 * n_records * (1 + planes * len(self._record)), f"ContributionMonitor '{self.name}'",
                       f"recording {n_records} steps of {planes} source(s) for {len(self._record)} element(s)")
        # a row's time stays NaN where its step was split by a network operation and this part
        # of it did not include the clock kernel (see _collect_results)
        self._buffers = {"_t": np.full(n_records, np.nan), "_delta": np.zeros((n_records, planes, len(self._record))),
                         "_before": np.zeros(len(self._record))}

    def _runtime_value(self, name: str) -> Any:
        if name == "_indices":
            return self._record + np.int32(self._start)
        if name == "_n_indices":
            return len(self._record)
        return self._buffers.get(name)

    def _input_dim(self, name: str) -> Any:
        if name == "_t":
            return second.dim
        if name in ("_delta", "_before"):
            return self._source_group._variable_dims()[self.variable]
        return DIMENSIONLESS

    def _collect_results(self, outputs: Mapping[str, np.ndarray], rows: int) -> None:
        """A call's records. With network operations a run is called in chunks that end where an
        operation is due, inside a step: that step's records come in two parts (the part without
        the clock kernel has no time: NaN), which are added into one record."""
        if outputs:
            self._buffers = {**self._buffers, **outputs}
        t = take(self._buffers["_t"], rows)
        # shaped by the allocated rows, not by -1: with no source (nobody writes the variable) or
        # no recorded element the buffer is empty and its row count cannot be inferred
        allocated = len(self._buffers["_t"])
        delta = self._buffers["_delta"].reshape(allocated, len(self._run_sources), len(self._record))[:rows]
        if rows and self._t and len(self._t[-1]) and (np.isnan(t[0]) or np.isnan(self._t[-1][-1])):
            if np.isnan(self._t[-1][-1]):
                self._t[-1][-1] = t[0]
            for plane, source in enumerate(self._run_sources):
                self._records[source][-1][1][-1, :] += delta[0, plane, :]
            t, delta, rows = t[1:], delta[1:], rows - 1
        run = len(self._run_rows)
        self._t.append(t)
        for plane, source in enumerate(self._run_sources):  # views of the buffer: (rows, elements)
            self._records.setdefault(source, []).append((run, delta[:, plane, :]))
        self._run_rows.append(rows)
        self._buffers = {}

    def _values_now(self) -> np.ndarray:
        """The recorded elements' current values (a network operation is about to run)."""
        return np.array(self._source_group._state[self.variable][self._record + self._start], dtype=float)

    def _operation_ran(self, operation: Any, before: np.ndarray) -> None:
        """What ``operation`` changed, added to its record in the current step (the last record:
        the run paused inside that step, after its records so far were collected)."""
        records = self._records.get(operation.name)
        if not records or not self._run_rows or records[-1][1].shape[0] == 0:
            raise AssertionError(f"internal error: ContributionMonitor '{self.name}' has no record for the step "
                                 f"in which '{operation.name}' ran")
        records[-1][1][-1, :] += self._values_now() - before

    # -- results ---------------------------------------------------------------------------

    @property
    def sources(self) -> list[str]:
        """The writers that changed (or could change) the variable, in schedule order of their
        first run: ``'<group>: state update'``, ``'<synapses>: on_pre'``, ``'<poissoninput>'``,
        ``'<group>: reset'``, ``'<runner>'``, ..."""
        names = [s for s in (self._records or self._run_sources) if s != ZEROED]
        if self._separate_overwrite and names:
            first = min(names.index(s) for s in self._summed if s in names)
            names.insert(first, self._overwrite_source)
        return names

    @property
    def _separate_overwrite(self) -> bool:
        """Several Synapses sum into the variable: what setting it to zero removed beyond their
        sums of the step before (its value before the first step, other writers' changes since)
        is a source of its own, since it belongs to none of them."""
        return len(self._summed) > 1

    @property
    def _overwrite_source(self) -> str:
        return f"{self._source_group.name}: (summed) overwritten"

    def _delta_(self, source: str) -> np.ndarray:
        """A source's records. A ``(summed)`` variable is set to zero each step, then each
        Synapses adds its sum: a Synapses' contribution is its sum minus its sum of the step
        before, and the zeroing's change is given back to the sums it removed."""
        require_results(self)
        if source not in self.sources:
            raise KeyError(f"ContributionMonitor '{self.name}': no source named {source!r}; its sources: "
                           f"{', '.join(repr(s) for s in self.sources) or 'none'}")
        if ZEROED not in self._records or (source not in self._summed and source != self._overwrite_source):
            return self._recorded(source)
        if source == self._overwrite_source:
            return self._overwritten()
        sums = self._recorded(source)
        change = sums - _step_before(sums)
        if not self._separate_overwrite:
            change = change + self._overwritten()
        return change

    def _overwritten(self) -> np.ndarray:
        """What zeroing the (summed) variable removed that the sums of the step before had not put in."""
        return self._recorded(ZEROED) + sum((_step_before(self._recorded(s)) for s in self._summed
                                             if s in self._records), np.zeros(1))

    def _recorded(self, source: str) -> np.ndarray:
        """The records of ``source``'s plane over all runs (zeros in runs it was absent from)."""
        runs = dict(self._records.get(source, []))
        n = len(self._record)
        chunks = [runs.get(run, np.zeros((rows, n))) for run, rows in enumerate(self._run_rows)]
        return (np.concatenate(chunks) if len(chunks) > 1 else chunks[0].copy() if chunks else np.zeros((0, n))).T

    def _with_unit(self, values: np.ndarray) -> Any:
        dim = self._source_group._variable_dims()[self.variable]
        return Quantity(values, dim=dim) if dim != DIMENSIONLESS else values

    @property
    def delta(self) -> Mapping[str, Any]:
        """``C.delta[source]``: the change each step made by ``source``, shape (recorded elements,
        steps), in the variable's unit (a plain array for a dimensionless variable, as Brian2's
        monitors give)."""
        return _Deltas(self)

    @property
    def total(self) -> Any:
        """The sum over the sources: the change of the variable in each step."""
        require_results(self)
        total = np.zeros((len(self._record), len(self.t_)))
        for source in self.sources:
            total = total + self._delta_(source)
        return self._with_unit(total)

    def cumulative(self, source: str | None = None) -> Any:
        """The running sum of ``source``'s changes (all sources: ``None``), shape as ``delta``:
        everything that writer has added since the first recorded step. It is not the part of
        the variable's *current* value still due to that writer: the leak acts on every part and
        is recorded as the state update's, so for a decaying ``v`` an input's cumulative sum
        keeps growing while the state update's falls. For a linear leak, the part still present
        is the jumps passed through the leak: ``u[k+1] = u[k]*exp(-dt/tau) + delta[:, k]``
        (with a threshold and reset no such split exists: the reset sets ``v`` whatever each
        input put in)."""
        values = np.asarray(self.total) if source is None else self._delta_(source)
        return self._with_unit(np.cumsum(values, axis=1))

    def plot(self, index: int = 0, cumulative: bool = True, ax: Any = None) -> Any:
        """Stacked contributions of each source over time for the recorded element ``index``
        (cumulative by default: what each writer has added to the variable); returns the axes."""
        import matplotlib.pyplot as plt  # only when plotting: matplotlib is optional

        row = self._row(index)
        if ax is None:
            ax = plt.gca()
        t = self.t_ * 1e3
        series = [np.asarray(self.cumulative(s) if cumulative else self._delta_(s))[row] for s in self.sources]
        positive = np.zeros_like(t)
        negative = np.zeros_like(t)
        for source, values in zip(self.sources, series):
            base = np.where(values >= 0, positive, negative)
            ax.fill_between(t, base, base + values, step="post" if not cumulative else None, label=source,
                            alpha=0.7, linewidth=0)
            positive = np.where(values >= 0, positive + values, positive)
            negative = np.where(values < 0, negative + values, negative)
        ax.plot(t, np.sum(series, axis=0), color="k", linewidth=1, label="total")
        ax.set_xlabel("t (ms)")
        ax.set_ylabel(f"{'cumulative ' if cumulative else ''}change of {self.variable}")
        ax.legend(loc="best", fontsize="small")
        return ax

    def _row(self, index: int) -> int:
        matches = np.flatnonzero(self._record == index)
        if not len(matches):
            raise IndexError(f"ContributionMonitor '{self.name}': index {index} has not been recorded")
        return int(matches[0])

    def __repr__(self) -> str:
        return f"<ContributionMonitor {self.name!r} of {self._source_group.name}.{self.variable}>"


def _step_before(records: np.ndarray) -> np.ndarray:
    """``records`` (elements, steps) shifted by one step: zero before the first."""
    shifted = np.zeros_like(records)
    shifted[:, 1:] = records[:, :-1]
    return shifted


class _Deltas(Mapping[str, Any]):
    """``C.delta``: a read-only mapping from source name to its records."""

    def __init__(self, monitor: ContributionMonitor) -> None:
        self._monitor = monitor

    def __getitem__(self, source: str) -> Any:
        return self._monitor._with_unit(self._monitor._delta_(source))

    def __iter__(self) -> Any:
        return iter(self._monitor.sources)

    def __len__(self) -> int:
        return len(self._monitor.sources)
