"""Schedule order and stable names for objects (no sympy: used on the warm path too)."""
from __future__ import annotations

import zlib
from typing import Any, Iterable

from .validation import SLOTS
from ..session import session


def member_name(obj: Any, index: int) -> str:
    """The C++ member of an object: its kind and position, never its name (keys stay shared)."""
    return f"{obj._member_prefix}{index}"


#: The struct member of the object a one-off call (a string assignment, ``connect()``) is made on;
#: the groups its expressions read follow as ``group1``, ``group2`` (see ``call_members``).
CALLED = "group0"


def call_members(objects: Iterable[Any]) -> dict[str, Any]:
    """The struct members of a one-off call's objects, the called one first (``CALLED``):
    lowering names the structs and the runtime binds their values by these names."""
    return {f"group{k}": o for k, o in enumerate(objects)}


def schedule_order(objects: Iterable[Any]) -> list[Any]:
    """Brian2's order: by slot, then ``order``, then name."""
    return sorted(objects, key=lambda o: (SLOTS.index(o.when), o.order, o.name))


def stream_id(obj: Any) -> int:
    """A 32-bit random-number stream for an object: its kind and creation order since ``seed()``.

    Not its name (``neurongroup_7`` depends on what was created before) nor its address, so
    building the same network again after ``seed(n)`` draws the same numbers, in any process.
    """
    position = obj._creation_index - session().seed_epoch
    return zlib.crc32(f"{type(obj).__name__}:{position}".encode())
