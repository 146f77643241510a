"""``G[a:b]``: a contiguous slice of a group, usable as the source or target of Synapses.

A subgroup owns no state: it reads and writes its parent's arrays in ``[start, stop)``, and
the compiled code indexes the parent's arrays directly (synapses store parent indices).
"""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from .states import ExportedNames, get_states, set_states
from .attributes import refuse_read_only, refuse_unknown
from .variables import (IndexView, LinkedSliceView, LinkedVariableView, SliceView, SubexpressionSliceView,
                        SubexpressionView, VariableView)


class Subgroup:
    """A contiguous range of a NeuronGroup (Brian2's ``Subgroup``)."""

    def __init__(self, parent: Any, start: int, stop: int) -> None:
        object.__setattr__(self, "parent", parent)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "stop", stop)
        object.__setattr__(self, "name", f"{parent.name}_subgroup_{start}_{stop}")

    @property
    def N(self) -> int:
        return self.stop - self.start

    def __len__(self) -> int:
        return self.N

    def __getattr__(self, name: str) -> Any:
        if name == "i":
            return np.arange(self.N)
        if name == "indices":
            return IndexView(self.parent, self.start, self.stop)
        view = getattr(self.parent, name)
        if isinstance(view, SubexpressionView):
            # computed for the parent (its i and N are the parent's, as in Brian2)
            return SubexpressionSliceView(self.parent, view.spec, self.start, self.stop)
        if isinstance(view, LinkedVariableView):
            return LinkedSliceView(self.parent, view.spec, self.start, self.stop, view.plain)
        if isinstance(view, VariableView) and not view.spec.shared:
            return SliceView(self.parent, view.spec, self.start, self.stop, view.plain)
        return view

    def run_regularly(self, code: str, dt: Any = None, clock: Any = None, when: str = "start", order: int = 0,
                      name: str | None = None, codeobj_class: Any = None) -> Any:
        """Brian2's ``run_regularly`` on this range of the parent: the code sees the subgroup's
        ``i`` (from 0) and ``N``; the runner runs where the parent runs."""
        return self.parent._add_runner(code, dt=dt, clock=clock, when=when, order=order, name=name,
                                       element_range=(self.start, self.stop), subgroup_name=self.name)

    def run_at(self, code: str, times: Any, when: str = "start", order: int = 0, name: str | None = None,
               codeobj_class: Any = None) -> Any:
        """Brian2 2.10's ``run_at`` on this range of the parent (see ``run_regularly``)."""
        return self.parent._add_runner_at(code, times, when=when, order=order, name=name,
                                          element_range=(self.start, self.stop), subgroup_name=self.name)

    def __setattr__(self, name: str, value: Any) -> None:
        """Variables of the parent over this range; any other name is refused (as in Brian2)."""
        parent = self.parent
        if parent._assign(name, value, slice(self.start, self.stop), (self.start, self.N)):
            return
        owner = f"Subgroup '{self.name}'"
        if name.removesuffix("_") in parent._read_only_names() | {"start", "stop", "parent", "name"}:
            refuse_read_only(owner, name.removesuffix("_"))
        refuse_unknown(owner, name, parent._writable_variables(), can_add=False)

    def get_states(self, vars: Iterable[str] | None = None, units: bool = True, format: str = "dict",
                   subexpressions: bool = False, read_only_variables: bool = True, level: int = 0) -> Any:
        """As ``Group.get_states``, over this range (``i`` and ``N`` the subgroup's)."""
        return get_states(self, vars, units, format, subexpressions, read_only_variables)

    def set_states(self, values: Any, units: bool = True, format: str = "dict", level: int = 0) -> None:
        """As ``Group.set_states``, over this range."""
        set_states(self, values, units, format)

    def _exported_names(self) -> ExportedNames:
        return self.parent._exported_names()

    def __getitem__(self, item: Any) -> "Subgroup":
        start, stop = slice_bounds(item, self.N, self.name)
        return Subgroup(self.parent, self.start + start, self.start + stop)

    def __repr__(self) -> str:
        return f"<Subgroup {self.parent.name}[{self.start}:{self.stop}]>"


def slice_bounds(item: Any, n: int, name: str) -> tuple[int, int]:
    """``[start, stop)`` of a contiguous, non-empty slice (the only kind Brian2 allows too)."""
    if isinstance(item, (int, np.integer)) and not isinstance(item, bool):
        index = int(item) + (n if item < 0 else 0)
        item = slice(index, index + 1)
    if not isinstance(item, slice):
        raise TypeError(f"{name}[...]: subgroups need a slice such as G[10:20], got {item!r}")
    start, stop, step = item.indices(n)
    if step != 1:
        raise NotImplementedError(f"{name}[{item}]: subgroups with a step; use a contiguous slice")
    if stop <= start:
        raise ValueError(f"{name}[{item.start}:{item.stop}]: the subgroup is empty")
    return start, stop


def underlying(group: Any) -> tuple[Any, int, int]:
    """(the group that owns the arrays, start, stop) of a group or subgroup."""
    if isinstance(group, Subgroup):
        return group.parent, group.start, group.stop
    return group, 0, group.N
