"""What the three monitors share: the monitored range of a group or subgroup, and records
kept per run (joined when read).

A monitor of a subgroup ``G[a:b]`` runs on ``G`` (the compiled code indexes ``G``'s arrays)
and reports indices relative to the subgroup, as Brian2 does.
"""
from __future__ import annotations

from typing import Any, Iterable, NamedTuple

import numpy as np

from ..frontend.expressions import parse_expression
from ..units import DIMENSIONLESS, Quantity, second
from .base import require_results
from .subgroup import Subgroup


class MonitoredRange(NamedTuple):
    """The group whose arrays a monitor reads, and the range ``[start, start + size)`` of it
    that the monitored (sub)group covers."""

    group: Any
    start: int
    size: int


def monitored_range(source: Any) -> MonitoredRange:
    """The range a monitor of ``source`` (a group, a subgroup or synapses) watches."""
    if isinstance(source, Subgroup):
        return MonitoredRange(source.parent, source.start, source.N)
    return MonitoredRange(source, 0, source.N)


def take(buffer: np.ndarray, rows: int) -> np.ndarray:
    """A run's records: the buffer itself when the run completed (no copy), else its rows."""
    return buffer if rows == len(buffer) else buffer[:rows].copy()


def joined(chunks: list[np.ndarray], empty_shape: tuple[int, ...], dtype: Any = float) -> np.ndarray:
    """The records of all runs as one array; the chunks are merged in place, so reading a
    monitor twice neither copies again nor keeps two copies."""
    if not chunks:
        return np.zeros(empty_shape, dtype=dtype)
    if len(chunks) > 1:
        chunks[:] = [np.concatenate(chunks)]
    return chunks[0]


def by_index(indices: np.ndarray, values: Any, n: int) -> dict[int, Any]:
    """``{k: values of the records of element k, in record order}`` for every k in [0, n)
    (Brian2's ``values()`` and ``spike_trains()``: elements without records get empty arrays)."""
    order = np.argsort(indices, kind="stable")
    bounds = np.searchsorted(indices[order], np.arange(n + 1))
    return {k: values[order[bounds[k]:bounds[k + 1]]] for k in range(n)}


def buffer_name(field: str) -> str:
    """The record buffer a monitor's struct member ``_rec_v`` / ``_t`` / ``_rate`` binds."""
    return field[5:] if field.startswith("_rec_") else field


def with_type(group: Any, var: str, values: np.ndarray) -> Any:
    """Records of ``var`` (kept as doubles) in the variable's own type: integers and booleans
    as such, floats with their unit."""
    spec = group._specs.get(var)
    if spec is not None and spec.dtype != "float64":
        return values.astype(bool if spec.dtype == "bool" else spec.numpy_dtype())
    dim = group._variable_dims()[var]
    return Quantity(values, dim=dim) if dim != DIMENSIONLESS else values


def recordable(group: Any, variables: Any, monitor: str) -> list[str]:
    """The names of ``variables`` (a name or names) checked against what ``group`` can record:
    its variables and subexpressions (``ValueError`` otherwise, as Brian2)."""
    names = [variables] if isinstance(variables, str) else list(variables)
    known = [v for v in group._variable_dims() if not v.startswith("_") and v not in ("i", "N")]
    for var in names:
        if not isinstance(var, str) or var not in known:
            raise ValueError(f"{monitor}: {var!r} is not a variable of the recorded group '{group.name}' "
                             f"(its variables: {', '.join(known)})")
    return names


def subexpression_sources(group: Any, variables: Iterable[str]) -> list[tuple[str, Any]]:
    """The group's subexpressions, parsed, when a monitor records one of them (the monitor
    evaluates them, so it resolves the names they use, where the group's resolve)."""
    if all(v in group._specs for v in variables):
        return []
    return [(eq.describe(), parse_expression(eq.expr, f"{group.name}, {eq.describe()}"))
            for eq in group._equations.of_kind("subexpression")] + group._link_sources()


class WatchesRange:
    """For monitors of spikes (SpikeMonitor, PopulationRateMonitor): the part of the source
    group they watch, ``_start`` and ``_size`` within ``_source_group``."""

    _start: int
    _size: int
    _source_group: Any

    @property
    def _watches_part(self) -> bool:
        """Whether it watches only part of its group (a subgroup): the compiled code filters."""
        return (self._start, self._size) != (0, self._source_group.N)

    def _dependencies(self) -> tuple[Any, ...]:
        return (self._source_group,)


class RecordsTimes:
    """For monitors that record at every step of their clock (StateMonitor,
    PopulationRateMonitor): ``t``, ``t_`` and ``N``, the number of recorded steps (Brian2's)."""

    _t: list[np.ndarray]

    @property
    def t_(self) -> np.ndarray:
        require_results(self)
        return joined(self._t, (0,))

    @property
    def t(self) -> Quantity:
        return Quantity(self.t_, dim=second.dim)

    @property
    def N(self) -> int:
        """The number of recorded time steps."""
        return len(self.t_)


class RecordsVariables:
    """For monitors that record variables (StateMonitor, SpikeMonitor with ``variables=``):
    ``M.v`` and ``M.v_`` read the records (``_recorded``), which are read-only."""

    record_variables: tuple[str, ...]

    def _recorded(self, var: str) -> Any:
        raise NotImplementedError  # each monitor knows the shape of its records

    def _read_only_names(self) -> set[str]:
        return super()._read_only_names() | set(self.record_variables)  # type: ignore[misc]

    def __getattr__(self, name: str) -> Any:
        values = self.__dict__.get("_values")
        if values is not None:
            if name in values:
                return self._recorded(name)
            if name.endswith("_") and name[:-1] in values:
                return np.asarray(self._recorded(name[:-1]))
        return self._not_recorded(name)

    def _not_recorded(self, name: str) -> Any:
        raise AttributeError(f"{type(self).__name__} '{self.__dict__.get('name')}' has no attribute '{name}'")
