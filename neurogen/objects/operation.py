"""Network operations: Python functions called at step boundaries of a run (Brian2's
``NetworkOperation``, ``@network_operation``), and ``stop()``.

An operation is an object with a clock, a slot (``when``, default ``'start'``) and an
``order``, but no compiled code: the runtime runs the compiled loop up to the next point where
an operation is due, calls it (it may read and write state and read monitors' records so
far), then continues (``neurogen.runtime.operations``). ``stop()`` from inside ends the run
after the current step, as in Brian2. The standalone device refuses operations (as Brian2).
"""
from __future__ import annotations

import inspect
from typing import Any, Callable

from .base import SimObject
from .clock import Clock
from ..session import session


class NetworkOperation(SimObject):
    """``NetworkOperation(function, dt=None, clock=None, when='start', order=0, name=...)``:
    ``function()`` or ``function(t)`` called every ``dt`` (the default clock's by default)."""

    _base_name = "networkoperation"
    _member_prefix = "operation"

    def __init__(self, function: Callable[..., Any], dt: Any = None, clock: Clock | None = None,
                 when: str = "start", order: int = 0, name: str = "networkoperation*") -> None:
        super().__init__(name=name, when=when, order=order, dt=dt, clock=clock)
        if not callable(function):
            raise TypeError(f"NetworkOperation '{self.name}': expected a function, got {function!r}")
        self.function = function
        self._takes_time = _takes_time(function, self.name)

    def _call(self, t: Any) -> None:
        """Call the function (with the time if it takes an argument)."""
        if self._takes_time:
            self.function(t)
        else:
            self.function()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """The decorated function can still be called directly."""
        return self.function(*args, **kwargs)

    def _structure(self) -> tuple[str, ...]:
        return ("NetworkOperation",)

    def __repr__(self) -> str:
        return f"NetworkOperation({getattr(self.function, '__name__', self.function)!r}, when={self.when!r}, " \
               f"name={self.name!r})"


def _takes_time(function: Callable[..., Any], name: str) -> bool:
    """Brian2 calls an operation with ``t`` if it takes one argument, with nothing if it takes none."""
    try:
        parameters = [p for p in inspect.signature(function).parameters.values()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty]
    except (TypeError, ValueError):  # a builtin without a signature: call it without arguments
        return False
    if len(parameters) > 1:
        raise TypeError(f"NetworkOperation '{name}': the function must take no argument or one (the "
                        f"time t), it takes {len(parameters)}")
    return len(parameters) == 1


def network_operation(*args: Any, **kwargs: Any) -> Any:
    """Brian2's decorator: ``@network_operation`` or ``@network_operation(dt=..., when=..., order=...)``
    turns a function into a ``NetworkOperation`` that ``run()`` finds by its name."""
    if len(args) == 1 and not kwargs and callable(args[0]) and not isinstance(args[0], Clock):
        return NetworkOperation(args[0])
    if args:
        raise TypeError("network_operation: give dt, clock, when, order and name as keywords")

    def decorate(function: Callable[..., Any]) -> NetworkOperation:
        return NetworkOperation(function, **kwargs)
    return decorate


def stop() -> None:
    """Brian2's ``stop()``: the running simulation ends after the current time step."""
    session().stop_requested = True
