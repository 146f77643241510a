"""``scheduling_summary()`` and ``profiling_summary()``: Brian2's tables of a network's code.

Brian2 runs a network as "code objects" (``neurons_stateupdater``, ``synapses_pre``, ...);
neurogen runs one compiled step loop whose kernels are the same pieces. Each kernel is named
here as Brian2 names its code object, so both tables read as Brian2's do.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from ..units import Quantity, msecond, second

#: kernel template -> (Brian2's name for the code object given the owner's name and the
#: kernel's own suffix, Brian2's class name; None: the owner's name and class)
_KINDS: dict[str, tuple[str, str | None]] = {
    "vector": ("{owner}_stateupdater", "StateUpdater"),
    "threshold": ("{owner}_spike_thresholder", "Thresholder"),
    "reset": ("{owner}_spike_resetter", "Resetter"),
    "summed": ("{owner}_summed_variable_{variable}", "SummedVariableUpdater"),
    "summed_zero": ("{owner}_summed_variable_{variable}", "SummedVariableUpdater"),  # one with it
    "pathway": ("{owner}_{suffix}", "SynapticPathway"),
}

#: kernels named by their suffix rather than their template
_SUFFIXES: dict[str, tuple[str, str | None]] = {
    "subexpression_update": ("{owner}_subexpression_update", "SubexpressionUpdater"),  # (constant over dt)
}


def code_object_name(owner: Any, kernel_name: str, member: str, template: str,
                     sort_name: str = "") -> tuple[str, str]:
    """(Brian2's code object name, its class) of a kernel ``member_suffix`` of ``owner``
    (``sort_name``: the name the kernel carries, a pathway's ``S_up``).
    A summed variable's zeroing and summing are one code object in Brian2 (and here)."""
    if sort_name:
        return sort_name, _KINDS.get(template, ("", None))[1] or type(owner).__name__
    suffix = kernel_name[len(member) + 1:] if kernel_name.startswith(member + "_") else kernel_name
    pattern, kind = _SUFFIXES.get(suffix) or _KINDS.get(template, ("{owner}", None))
    variable = suffix.split("_", 1)[1] if template in ("summed", "summed_zero") else ""
    return pattern.format(owner=owner.name, suffix=suffix, variable=variable), kind or type(owner).__name__


def _part_of(owner: Any, template: str) -> Any:
    """Brian2 counts a PoissonInput and a CodeRunner (``run_regularly``) as part of their group."""
    dependencies = owner._dependencies()
    return dependencies[0] if template in ("poissoninput", "regular", "scalar") and dependencies else owner


@dataclass(frozen=True)
class ScheduleEntry:
    """One row of Brian2's scheduling summary."""

    when: str
    order: int | float
    dt: Quantity
    name: str
    type: str
    active: bool
    owner_name: str
    owner_type: str


def schedule_entries(objects: list[Any], network_ir: Any, operations: list[Any] = ()) -> list[ScheduleEntry]:
    """The rows of a lowered network, in the order its step loop runs them; ``operations``
    (network operations, in schedule order) are rows at their pause points (``network_ir.cuts``)."""
    by_member = {o.member: (obj, o) for obj, o in zip(objects, network_ir.objects)}
    kernels = {k.name: k for o in network_ir.objects for k in o.kernels}
    entries: list[ScheduleEntry] = []
    pending = list(zip(network_ir.cuts, operations))
    for position, (member, kernel_name) in enumerate([*network_ir.schedule, ("", "")]):
        while pending and pending[0][0] == position:
            op = pending.pop(0)[1]
            entries.append(ScheduleEntry(op.when, _plain(op.order), op.clock.dt, op.name, "NetworkOperation",
                                         bool(op.active), "", ""))  # part of nothing (Brian2's "--")
        if not member:
            break
        owner, _ = by_member[member]
        kernel = kernels[kernel_name]
        if kernel.template == "summed_zero":
            continue  # zeroing a summed variable is part of its code object (the summing row)
        if kernel.template == "scalar" and f"{member}_regular" in kernels:
            continue  # run_regularly's shared and per-element code are one code object
        name, kind = code_object_name(owner, kernel_name, member, kernel.template, kernel.sort_name)
        part = _part_of(owner, kernel.template)
        entries.append(ScheduleEntry(kernel.when, _plain(kernel.order), owner.clock.dt, name, kind,
                                     bool(owner.active), part.name, type(part).__name__))
    return entries


def _plain(order: float) -> int | float:
    return int(order) if float(order).is_integer() else order


class SchedulingSummary:
    """Brian2's ``SchedulingSummary``: ``entries`` and a table when printed."""

    HEADER = ("object", "part of", "Clock dt", "when", "order", "active")

    def __init__(self, entries: list[ScheduleEntry]) -> None:
        self.entries = entries
        self.all_dts = sorted({float(e.dt / second) for e in entries})
        self.steps = {dt: int(round(dt / self.all_dts[0])) for dt in self.all_dts}

    def _rows(self) -> list[list[str]]:
        rows = []
        for e in self.entries:
            steps = self.steps[float(e.dt / second)]
            rows.append([f"{e.name} ({e.type})", f"{e.owner_name} ({e.owner_type})" if e.owner_name else "--",
                         f"{e.dt!s} (every {'step' if steps == 1 else f'{steps} steps'})",
                         e.when, str(e.order), "yes" if e.active else "no"])
        return rows

    def __repr__(self) -> str:
        return format_table(self.HEADER, self._rows(), ("<", "<", "<", "<", ">", "^"))

    __str__ = __repr__


def format_table(header: Iterable[str], rows: list[list[str]], align: Iterable[str]) -> str:
    """Brian2's text table: centred header, ``-+-`` rule, cells aligned per column."""
    header, align = list(header), list(align)
    widths = [max([len(h)] + [len(r[k]) for r in rows]) for k, h in enumerate(header)]
    lines = [" | ".join(f"{h:^{w}}" for h, w in zip(header, widths)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(f"{cell:{a}{w}}" for cell, a, w in zip(row, align, widths)) for row in rows]
    return "\n".join(lines)


# -- profiling ---------------------------------------------------------------------------------

class ProfilingSummary:
    """Brian2's ``ProfilingSummary``: the time spent in each code object, longest first."""

    def __init__(self, info: list[tuple[str, Quantity]], show: int | None = None) -> None:
        if show is not None and (isinstance(show, bool) or not isinstance(show, int) or show < 0):
            raise TypeError(f"profiling_summary(show=...): expected a number of rows, got {show!r}")
        names = [n for n, _ in info] or ["no code objects have been run"]
        times = [float(t / second) for _, t in info] or [0.0]
        self.total_time = sum(times) * second
        self.time_unit = second if sum(times) > 1 else msecond
        if show is not None:
            names, times = names[:show], times[:show]
        total = sum(float(t / second) for _, t in info)
        self.names = names
        self.times = [t * second for t in times]
        self.percentages = [100.0 * t / total if total > 0 else 0.0 for t in times]

    def __repr__(self) -> str:
        unit = "s" if self.time_unit is second else "ms"
        scale = 1.0 if unit == "s" else 1e3
        times = [f"{float(t / second) * scale:.2f} {unit}" for t in self.times]
        percentages = [f"{p:.2f} %" for p in self.percentages]
        name_w = max(len(n) for n in self.names)
        time_w = max(len(t) for t in times)
        percent_w = max(len(p) for p in percentages)
        title = "Profiling summary"
        lines = [title, "=" * len(title)]
        lines += [f"{n:<{name_w}}    {t:>{time_w}}    {p:>{percent_w}}"
                  for n, t, p in zip(self.names, times, percentages)]
        return "\n".join(lines) + "\n"

    __str__ = __repr__
