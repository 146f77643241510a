"""Schedule order and stable names for objects (no sympy: used on the warm path too)."""
from __future__ import annotations

import zlib
from typing import Any, Iterable

from .objects.validation import SLOTS

_PREFIXES = {"NeuronGroup": "group", "SpikeMonitor": "spikemonitor", "StateMonitor": "statemonitor",
             "PopulationRateMonitor": "ratemonitor"}


def member_name(obj: Any, index: int) -> str:
    """The C++ member of an object: its kind and position, never its name (keys stay shared)."""
    return f"{_PREFIXES.get(type(obj).__name__, 'object')}{index}"


def schedule_order(objects: Iterable[Any]) -> list[Any]:
    """Brian2's order: by slot, then ``order``, then name."""
    return sorted(objects, key=lambda o: (SLOTS.index(o.when), o.order, o.name))


def stream_id(name: str) -> int:
    """A stable 32-bit random-number stream for an object, from its name (not its address)."""
    return zlib.crc32(name.encode())
