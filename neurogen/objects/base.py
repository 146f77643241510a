"""``SimObject``: what every object in a network shares (name, clock, schedule slot, scope)."""
from __future__ import annotations

from typing import Any, Mapping

from ..session import session
from .clock import Clock


class SimObject:
    """Base class: a named object that runs in a schedule slot (``when``, ``order``) on a clock."""

    _base_name = "object"

    def __init__(self, *, name: str | None, when: str, order: int, dt: Any = None,
                 clock: Clock | None = None, namespace: Mapping[str, Any] | None = None) -> None:
        from .validation import check_name, check_when

        state = session()
        if name is not None:
            check_name(name, type(self).__name__)
        if name is None or name.endswith("*"):
            name = state.unique_name(name[:-1] if name else self._base_name)
        self.name = name
        self.when = check_when(when, name)
        self.order = int(order)
        if clock is not None and dt is not None:
            raise ValueError(f"{name}: give either dt= or clock=, not both")
        self._clock = clock if clock is not None else (Clock(dt, name=f"{name}_clock") if dt is not None else None)
        self.namespace = dict(namespace) if namespace is not None else None
        self.active = True
        self._scope_id = state.scope_id
        self._time: float | None = None  # simulated time reached by its last run, second
        self._creation_index = state.register(self)

    @property
    def clock(self) -> Clock:
        return self._clock if self._clock is not None else session().defaultclock

    def _dependencies(self) -> tuple["SimObject", ...]:
        """Objects this one reads from (a monitor's source); they must run in the same network."""
        return ()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"
