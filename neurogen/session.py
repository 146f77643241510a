"""The Brian2-style process state a script relies on: the default clock, the seed, and scope.

Brian2's API needs these (``defaultclock.dt = ...``, ``seed(1)``, ``start_scope()``); they
live in this one clearly named object rather than scattered module globals.
"""
from __future__ import annotations

import os
import weakref
from typing import Any, Protocol
import numbers

import numpy as np

from .objects.clock import Clock


class Backend(Protocol):
    """What user objects ask of the code that compiles and runs models.

    Objects never import the compiler or the runtime (they sit below them); the session holds
    the backend, installed by ``neurogen/__init__.py`` (``neurogen.runtime.backend``), and objects
    reach it through ``session().backend``.
    """

    def assign(self, group: Any, variable: str, expression: str, index: Any,
               subgroup: tuple[int, int] | None) -> None:
        """``G.v = 'expression'`` (over ``index``; ``subgroup`` = (start, size) of a slice)."""

    def connect(self, synapses: Any, *, condition: Any, i: Any, j: Any, p: Any, n: Any,
                skip_if_invalid: bool, namespace: Any) -> None:
        """``S.connect(...)``."""


class Device(Protocol):
    """What user objects and ``run()`` ask of Brian2's ``cpp_standalone`` device, when one is
    set (``set_device``; ``neurogen.standalone.device.StandaloneDevice``): runs and the
    assignments between them are recorded into a plan instead of simulated."""

    build_on_run: bool

    @property
    def recording(self) -> bool:
        """Runs were recorded and not simulated yet: Python's copies of the state are stale."""

    def record_run(self, objects: list[Any], externals: Any, members: dict[str, Any], values: Any, *,
                   step0: int, n_steps: int, dt: float, seed: int, make_ir: Any) -> None:
        """A run, into the plan."""

    def record_event(self, kind: str, name: str) -> None:
        """``store``/``restore``, into the plan."""

    def record_assignment(self, group: Any, name: str, index: Any, value: Any) -> None:
        """``G.v[...] = values`` between runs, into the plan."""

    def build(self, directory: Any = None, compile: bool = True, run: bool = True, run_args: Any = None,
              clean: bool = False, debug: bool = False, with_output: bool = True) -> None:
        """Write the project, build it and run it."""


class Session:
    """Default clock, seed, and a weak registry of created objects (for ``run()``'s warnings)."""

    def __init__(self) -> None:
        self.defaultclock = Clock(name="defaultclock")
        self.seed_value: int | None = None
        self.scope_id = 0
        self.seed_epoch = 0  # creation index at the last seed(): random streams count from here
        self.random_epoch = 0  # restores since seed(): each restore() draws fresh numbers
        self._next_index = 0
        self._objects: "weakref.WeakValueDictionary[int, Any]" = weakref.WeakValueDictionary()
        self._names: dict[str, int] = {}
        self.magic_network: Any = None  # the network run() uses, made by neurogen.runtime.network on first use
        self.device: Device | None = None  # after set_device('cpp_standalone'); None: the runtime
        self.previous_device: Device | None = None  # the device before the last set_device (reset_device)
        self.runtime_device: Any = None  # get_device()'s object for the runtime (made on first use)
        self.compile_notice_given = False  # "compiling..." is said once per process
        self.stop_requested = False  # stop() from a network operation: the run ends after this step
        self.backend: Backend | None = None  # installed on import of neurogen (see Backend)
        self.warned_findings: set[tuple[Any, ...]] = set()  # model checks: each warned once per structure

    def compiled(self) -> Backend:
        """The backend; an error if ``neurogen`` itself was never imported (it installs one)."""
        if self.backend is None:
            raise RuntimeError("neurogen's backend is not installed: import neurogen first")
        return self.backend

    def register(self, obj: Any) -> int:
        index = self._next_index
        self._next_index += 1
        self._objects[index] = obj
        return index

    def peek_creation_index(self) -> int:
        return self._next_index

    def unique_name(self, base: str) -> str:
        """``neurongroup``, ``neurongroup_1``, ... as Brian2 names objects."""
        count = self._names.get(base, 0)
        self._names[base] = count + 1
        return base if count == 0 else f"{base}_{count}"

    def objects_in_scope(self) -> list[Any]:
        return [o for o in list(self._objects.values()) if o._scope_id == self.scope_id]

    def run_seed(self) -> int:
        """The seed for the next run: the user's, or fresh entropy (runs differ without seed())."""
        if self.seed_value is None:
            return int.from_bytes(os.urandom(8), "little")
        if self.random_epoch == 0:
            return self.seed_value
        return _mix64(self.seed_value ^ (self.random_epoch * 0x9E3779B97F4A7C15 % 2**64))


def _mix64(value: int) -> int:
    """splitmix64's finalizer: a well-spread 64-bit seed from (seed, restore count)."""
    value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9 % 2**64
    value = (value ^ (value >> 27)) * 0x94D049BB133111EB % 2**64
    return value ^ (value >> 31)


_session: Session | None = None


def session() -> Session:
    global _session
    if _session is None:
        _session = Session()
    return _session


def start_scope() -> None:
    """Forget objects created so far: a following ``run()`` collects only newer ones (Brian2)."""
    session().scope_id += 1


def seed(value: int | None = None) -> None:
    """Fix the random numbers of later runs (``None`` returns to fresh entropy per run).

    As Brian2's ``seed``, it also seeds numpy's global generator, so ``rand()`` and
    ``np.random.*`` in a script repeat after ``seed(n)`` (numpy's sequence for ``n`` is the one
    Brian2 gives; a seed of 2**32 or more, which numpy's legacy seeding refuses, is given to it
    as two 32-bit words).
    """
    if value is not None and not isinstance(value, numbers.Integral):  # seed(1.5) was seed(1)
        raise TypeError(f"seed has to be None or an integer (as in Brian2), got {type(value).__name__} {value!r}")
    if value is not None and not (0 <= int(value) < 2**64):
        raise ValueError(f"seed must be an integer in [0, 2**64), got {value!r}")
    if value is None or int(value) < 2**32:
        np.random.seed(value if value is None else int(value))
    else:
        np.random.seed([int(value) % 2**32, int(value) >> 32])
    state = session()
    state.seed_value = None if value is None else int(value)
    state.seed_epoch = state.peek_creation_index()
    state.random_epoch = 0
