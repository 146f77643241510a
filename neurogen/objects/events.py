"""Custom events of a NeuronGroup (Brian2's ``events={'name': 'condition'}``).

Brian2 generalises the spike: a group has events, each a condition tested once per step by a
thresholder (``spike``: the threshold, in the ``thresholds`` slot; the others in
``after_thresholds`` unless ``set_event_schedule`` moves them), each with a list of the neurons
that had it in this step (its *space*), which code (``run_on_event``; ``reset`` is the code of
``spike``), monitors (``EventMonitor``) and synaptic pathways (``on_event``) read. Only the
spike makes a neuron refractory, and only the spike's test is blocked while it is.

This module holds the checks and the names; the kernels are made in
:mod:`neurogen.compiler.lower.neurons`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ..frontend.expressions import Statement

SPIKE = "spike"


@dataclass(frozen=True)
class EventCode:
    """Code run for the neurons that had an event (``run_on_event``), in its own slot."""

    event: str
    code: str
    statements: tuple[Statement, ...]
    when: str
    order: int | float | None  # None: the group's order


def check_events(events: Any, where: str) -> dict[str, str]:
    """``events=``: a dict of event names and conditions (text), in the given order."""
    if events is None:
        return {}
    if not isinstance(events, Mapping):
        raise TypeError(f"{where}: events= has to be a dict of event names and conditions, got "
                        f"{type(events).__name__}")
    checked = {}
    for name, condition in events.items():
        if not isinstance(name, str):
            raise TypeError(f"{where}: keys in the 'events' dictionary have to be strings, not {name!r}")
        if not name.isidentifier() or name.startswith("_"):
            raise TypeError(f"{where}: the name '{name}' cannot be used as an event name")
        if not isinstance(condition, str):
            raise TypeError(f"{where}: the condition of event '{name}' has to be a string, got {condition!r}")
        checked[name] = condition
    return checked


def event_space(group: Any, event: str) -> str:
    """The variable (and C++ member) listing this step's neurons with ``event``: ``_spikespace``
    for spikes, ``_event<k>_space`` for the k-th custom event (no user name reaches C++)."""
    if event == SPIKE:
        return "_spikespace"
    events = list(getattr(group, "_events", {}))
    if event not in events:
        raise ValueError(f"'{group.name}' does not define an event '{event}'")
    return f"_event{events.index(event)}_space"


def defined_events(group: Any) -> list[str]:
    """The events a group defines: ``spike`` if it has a threshold (or is a spike source), then
    its custom events."""
    spikes = [SPIKE] if getattr(group, "_spikes", False) else []
    return spikes + list(getattr(group, "_events", {}))
