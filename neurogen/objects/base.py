"""``SimObject``: what every object in a network shares (name, clock, schedule slot, scope)."""
from __future__ import annotations

from types import MappingProxyType
from typing import Any, Mapping

import numpy as np

from ..session import session
from ..units import DIMENSIONLESS
from .attributes import check_new_attribute, refuse_read_only, refuse_unknown
from .clock import Clock, whole_steps
from .validation import check_name, check_namespace, check_order, check_when


class _Checked(type):
    """Marks an object complete when its outermost ``__init__`` returns; from then on,
    assignments to public names are checked (``SimObject.__setattr__``)."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        obj = super().__call__(*args, **kwargs)
        obj.__dict__["_constructed"] = True
        return obj


class SimObject(metaclass=_Checked):
    """Base class: a named object that runs in a schedule slot (``when``, ``order``) on a clock.

    After construction only variables, the attributes in ``_settable`` (as Brian2 allows
    them) and those made with ``add_attribute`` can be assigned: ``G.V = 1`` for ``G.v``
    raises ``AttributeError`` with Brian2's "did you mean", ``G.t = ...`` a read-only error.
    """

    _base_name = "object"
    # What objects without state answer to the protocol (neurogen.objects.protocol): no stored
    # variables, no equations, never refractory; error messages count elements as neurons.
    _specs: Mapping[str, Any] = MappingProxyType({})
    _equations: Any = None
    _refractory: Any = False
    _element_noun = "neuron"
    _described_as: str | None = None  # what error messages call it (default: its class name)
    _nonfinite: frozenset[str] | set[str] = frozenset()  # variables NaN or infinite after its last run
    _member_prefix = "object"  # its C++ struct member: this prefix and its position (``group3``)
    _settable: frozenset[str] = frozenset({"active", "namespace", "order", "when"})
    _spans_steps = False  # its kernels run in several slots of a step (a ContributionMonitor's around writers)

    def __init__(self, *, name: str | None, when: str, order: int, dt: Any = None,
                 clock: Clock | None = None, namespace: Mapping[str, Any] | None = None) -> None:
        state = session()
        if name is not None:
            check_name(name, type(self).__name__)
        if name is None or name.endswith("*"):
            name = state.unique_name(name[:-1] if name else self._base_name)
        self.name = name
        self.when = check_when(when, name)
        self.order = check_order(order, f"{type(self).__name__} '{name}'")
        if clock is not None and dt is not None:
            raise ValueError(f"{name}: give either dt= or clock=, not both")
        self._clock = clock if clock is not None else (Clock(dt, name=f"{name}_clock") if dt is not None else None)
        self.namespace = check_namespace(namespace, f"{type(self).__name__} '{name}'")
        self.active = True
        self._scope_id = state.scope_id
        self._time: float | None = None  # simulated time reached by its last run, second
        self._creation_index = state.register(self)

    @property
    def clock(self) -> Clock:
        return self._clock if self._clock is not None else session().defaultclock

    @property
    def _clock_time(self) -> float:
        """The time of its clock after its last run, in whole steps of its own ``dt`` (Brian2's
        ``G.t``: a run ending between steps ends at the next one, by Brian2's clock rule)."""
        if self._time is None:
            return 0.0
        return whole_steps(self._time, self.clock.dt_) * self.clock.dt_

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_") or "_constructed" not in self.__dict__:
            object.__setattr__(self, name, value)
            return
        if name in self._settable or name in self.__dict__.get("_added_attributes", ()):
            owner = f"{type(self).__name__} '{self.name}'"
            if name == "when":
                value = check_when(value, self.name)
            elif name == "order":
                value = check_order(value, owner)
            elif name == "namespace":
                value = check_namespace(value, owner)
            object.__setattr__(self, name, value)
            return
        found = getattr(type(self), name, None)
        if isinstance(found, property) and found.fset is not None:
            object.__setattr__(self, name, value)
            return
        self._refuse_assignment(name)

    def _refuse_assignment(self, name: str) -> None:
        owner = f"{type(self).__name__} '{self.name}'"
        base = name[:-1] if name.endswith("_") else name
        if name in self._read_only_names() or base in self._read_only_names():
            refuse_read_only(owner, base)
        fixed = {n for n in self.__dict__ if not n.startswith("_")}
        fixed |= {n for n in dir(type(self)) if not n.startswith("_")}
        refuse_unknown(owner, name, self._writable_names(), fixed)

    def _read_only_names(self) -> set[str]:
        """Names that read values users cannot assign (``t``, ``i``, a monitor's records)."""
        return {n for klass in type(self).__mro__ for n, v in vars(klass).items()
                if isinstance(v, property) and v.fset is None and not n.startswith("_")} - {"clock"}

    def _writable_names(self) -> set[str]:
        """What a misspelt assignment may have meant (variables, settable attributes)."""
        return set(self._settable) | set(self.__dict__.get("_added_attributes", ()))

    def add_attribute(self, name: str) -> None:
        """Brian2's ``add_attribute``: allow assigning a new attribute ``name`` (set to None)."""
        check_new_attribute(self, name, self._writable_names() | self._read_only_names())
        self.__dict__[name] = None
        self.__dict__.setdefault("_added_attributes", set()).add(name)

    # -- what the compiler and the runtime read (declared in neurogen.objects.protocol) ------

    def _dependencies(self) -> tuple["SimObject", ...]:
        """Objects this one reads from (a monitor's source); they must run in the same network."""
        return ()

    def _contained_objects(self) -> tuple["SimObject", ...]:
        """Objects that run wherever this one runs (a group's ``run_regularly`` runners)."""
        return ()

    def _value_externals(self) -> dict[str, Any]:
        """Numbers it passes to its code as runtime values, by name (``External``; none by default)."""
        return {}

    def _runtime_value(self, name: str) -> Any:
        """The value of the compiled input ``name`` that this object holds outside its state
        arrays (sizes, connectivity, spikes in transit, record buffers), bound at every call;
        None if ``name`` is not one of those. ``neurogen.runtime.inputs`` asks this first."""
        return None

    def _collect_results(self, outputs: Mapping[str, np.ndarray], rows: int) -> None:
        """After a call (``neurogen.runtime.collect``): what the compiled code recorded for this object
        (dynamic outputs by field name; a standalone run also gives its fresh record buffers),
        and how many records (rows) the call made. Objects that record override this."""
        if outputs:
            raise AssertionError(f"internal error: {type(self).__name__} '{self.name}' has no use for "
                                 f"the outputs {sorted(outputs)}")

    def _collect_carried(self, outputs: Mapping[str, np.ndarray]) -> None:
        """The outputs the binding declares carried into the next run (spikes in transit)."""
        raise AssertionError(f"internal error: {type(self).__name__} '{self.name}' carries nothing")

    def _input_dim(self, name: str) -> Any:
        """The unit of its compiled input ``name`` (a standalone plan and its result files carry
        it): a floating-point state variable's, else dimensionless."""
        spec = self._specs.get(name)
        return spec.dim if spec is not None and spec.dtype == "float64" else DIMENSIONLESS

    def _allocate(self, n_records: int) -> None:
        """Buffers for the ``n_records`` records a run will make (monitors; nothing by default)."""

    def _specs_key(self) -> str:
        """The types of its stored variables, for the front-end key (none by default)."""
        return ""

    def _before_run(self, dt: float) -> None:
        """Check and prepare for a run whose smallest time step is ``dt`` (nothing by default)."""

    def _join_network(self, objects: Any) -> None:
        """Before a run: the (active) objects it runs with, for an object whose work depends on
        the others (a ContributionMonitor finds the writers of its variable; nothing by default)."""

    def _ran_with(self, dt: float, every: int) -> None:
        """A run ended; it ran every ``every`` steps of ``dt`` (nothing to remember by default)."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


def require_results(obj: Any) -> None:
    """Between a standalone run() and the build that simulates it, Python's copies are stale:
    reading them is an error (as in Brian2), never an old value."""
    device = session().device
    if device is not None and device.recording:
        raise NotImplementedError(f"'{obj.name}': values cannot be read before device.build() has run "
                                  "the standalone simulation (as in Brian2)")


def of_class(table: Mapping[type, Any], obj: Any) -> Any:
    """``table``'s entry for ``obj``'s class, or for its nearest base class that has one (so a
    subclass of NeuronGroup is treated as a NeuronGroup); None if no class of it has one."""
    return next((table[klass] for klass in type(obj).__mro__ if klass in table), None)
