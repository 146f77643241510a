"""The objects ``run()`` simulates: those reachable from the caller's frame by name."""
from __future__ import annotations

import warnings
from types import FrameType
from typing import Any, Iterable

import numpy as np

from ..objects.base import SimObject
from ..session import session


def collect_objects(frame: FrameType, warn: bool = True) -> list[Any]:
    """Objects reachable from the caller's frame by name, also inside lists, tuples, dicts and sets.

    Brian2 looks only at plain names and silently drops objects kept in containers; neurogen
    includes those, and warns about objects created since ``start_scope()`` still left out.
    """
    found: dict[int, SimObject] = {}
    for namespace in (frame.f_locals, frame.f_globals):
        for value in list(namespace.values()):
            for obj in _walk(value, depth=2):
                if isinstance(obj, SimObject) and obj._scope_id == session().scope_id:
                    found[id(obj)] = obj
                    for contained in obj._contained_objects():  # a group's runners run with it
                        found[id(contained)] = contained
    if warn:
        _warn_left_out(found.values())
    return sorted(found.values(), key=lambda o: o._creation_index)


def _walk(value: Any, depth: int) -> Iterable[Any]:
    yield value
    if depth == 0 or isinstance(value, (str, bytes, np.ndarray)):
        return
    if isinstance(value, dict):
        items: Iterable[Any] = value.values()
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = value
    else:
        return
    for item in items:
        yield from _walk(item, depth - 1)


def _warn_left_out(found: Iterable[Any]) -> None:
    included = {id(o) for o in found}
    left_out = [o for o in session().objects_in_scope() if id(o) not in included]
    if left_out:
        names = ", ".join(f"{type(o).__name__} '{o.name}'" for o in left_out)
        warnings.warn(
            f"run(): {len(left_out)} object(s) created since start_scope() are not reachable from "
            f"this scope and will not be simulated: {names}",
            RuntimeWarning,
            stacklevel=4,
        )
