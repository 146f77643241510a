"""``NeuronGroup``: Brian2's neuron model object (equations, threshold, reset, refractoriness)."""
from __future__ import annotations

import ast
from typing import Any, Mapping

import numpy as np

from ..frontend.equations import Equations, parse_equations
from ..errors import EquationError, NotAConditionError
from ..frontend.expressions import Statement, is_condition, parse_expression, parse_statements
from ..frontend.temporaries import external_trees, local_temporaries
from ..units import DIMENSIONLESS, Quantity, get_dimensions, second
from .clock import Clock
from .events import SPIKE, EventCode, check_events, defined_events, event_space
from .group import Group
from .validation import (check_method, check_order, check_when, refuse_unsupported_arguments, require_memory,
                         whole_number)
from .variables import VariableSpec
from ..errors import DimensionMismatchError

LASTSPIKE_INITIAL = -1e4  # seconds, Brian2's initial value: "long ago"


class NeuronGroup(Group):
    """A group of neurons, as Brian2's ``NeuronGroup``.

    >>> G = NeuronGroup(10, 'dv/dt = -v/tau : volt', threshold='v > 10*mV', reset='v = 0*mV')
    """

    _base_name = "neurongroup"
    _member_prefix = "group"

    def __init__(self, N: int, model: str | Equations, method: str | None = None,
                 method_options: Any = None, threshold: str | None = None, reset: str | None = None,
                 refractory: bool | str | Quantity = False, events: Any = None,
                 namespace: Mapping[str, Any] | None = None, dtype: Any = None,
                 dt: Quantity | None = None, clock: Clock | None = None, order: int = 0,
                 name: str = "neurongroup*", codeobj_class: Any = None) -> None:
        super().__init__(name=name, when="groups", order=order, dt=dt, clock=clock, namespace=namespace)
        refuse_unsupported_arguments(f"NeuronGroup '{self.name}'", dtype=dtype,
                                     codeobj_class=codeobj_class, method_options=method_options)
        n = _check_size(N, self.name)
        self._equations = parse_equations(model, owner=f"NeuronGroup '{self.name}'")
        self._check_flags()
        self.method = check_method(method, f"NeuronGroup '{self.name}'")
        events = check_events(events, f"NeuronGroup '{self.name}'")
        if SPIKE in events:  # Brian2: the 'spike' event is the threshold
            if threshold is not None:
                raise ValueError(f"NeuronGroup '{self.name}' defines both a threshold and a 'spike' event")
            threshold = events.pop(SPIKE)
        has_refractory = refractory is not False and refractory is not None
        self.threshold = self._check_threshold(threshold, has_refractory)
        # custom events (name -> condition), where each is tested, the code run on each
        self._events = {name: self._check_threshold(condition, has_refractory, f"events['{name}']")
                        for name, condition in events.items()}
        self._event_schedule: dict[str, tuple[str, int | float | None]] = {
            SPIKE: ("thresholds", None), **{name: ("after_thresholds", None) for name in self._events}}
        self._event_code: dict[str, EventCode] = {}
        self.reset = reset
        self._refractory = self._check_refractory(refractory)
        specs = self._specs_from_equations(self._equations)
        if self._refractory is not False:
            specs += [VariableSpec("lastspike", second.dim, "float64", read_only=False),
                      VariableSpec("not_refractory", DIMENSIONLESS, "bool")]
        spaces = [event_space(self, event) for event in (SPIKE, *self._events)]
        specs += [VariableSpec(space, DIMENSIONLESS, "int32", read_only=True) for space in spaces]
        require_memory(sum((1 if s.shared else n) * s.numpy_dtype().itemsize for s in specs),
                       f"NeuronGroup '{self.name}'", f"the state of {n} neurons")
        self._init_state(n, specs)
        for space in spaces:  # the neurons with the event in this step, their count at [N]
            self._state[space] = np.zeros(n + 1, dtype=np.int32)
        self._reset_statements = self._check_reset(reset)  # after the state: which names are variables
        if self._refractory is not False:
            self._state["lastspike"][:] = LASTSPIKE_INITIAL
            self._state["not_refractory"][:] = 1

    def _check_flags(self) -> None:
        attributes = {a for a in dir(self) if not a.startswith("_")}
        for eq in self._equations:
            if eq.name in attributes:
                raise EquationError(f"NeuronGroup '{self.name}', {eq.describe()}: '{eq.name}' is an "
                                    "attribute of the group; please rename the variable")
            if "linked" in eq.flags and len(eq.flags) > 1:
                raise EquationError(f"NeuronGroup '{self.name}', {eq.describe()}: the 'linked' flag cannot be "
                                    "combined with other flags")
            bad = eq.flags & {"clock-driven", "event-driven", "summed"}
            if bad:
                raise EquationError(
                    f"NeuronGroup '{self.name}', {eq.describe()}: flag '{sorted(bad)[0]}' "
                    "belongs to Synapses, not to a NeuronGroup"
                )

    def _check_threshold(self, threshold: str | None, refractory: bool, what: str = "threshold") -> str | None:
        if threshold is None:
            return None
        where = f"NeuronGroup '{self.name}', {what}"
        tree = parse_expression(threshold, where)
        booleans = {eq.name for eq in self._equations if eq.dtype == "boolean"}
        if not is_condition(tree, booleans | ({"not_refractory"} if refractory else set())):
            raise NotAConditionError(f"{where}: '{threshold}' is not a boolean expression (expected a condition "
                                     "such as 'v > v_th', or a boolean variable; Brian2 refuses it too)")
        return threshold

    # -- custom events ------------------------------------------------------------------------

    def run_on_event(self, event: str, code: str, when: str = "after_resets", order: int | None = None) -> None:
        """Brian2's ``run_on_event``: run ``code`` for the neurons that had ``event`` in this step,
        in the slot ``when`` (a reset is the code of the ``spike`` event, in ``resets``)."""
        where = f"NeuronGroup '{self.name}'.run_on_event({event!r}, ...)"
        if event not in defined_events(self):
            hint = " Did you forget to define a threshold?" if event == SPIKE else ""
            raise ValueError(f"{where}: unknown event '{event}'.{hint}")
        if event in self._event_code or event == SPIKE and self.reset is not None:
            raise ValueError(f"{where}: cannot add code for event '{event}', code for this event has already "
                             "been added")
        if not isinstance(code, str):
            raise TypeError(f"{where}: the code has to be a string, got {code!r}")
        check_when(when, where)
        if order is not None:
            order = check_order(order, where)
        statements = parse_statements(code, where)
        for stmt in statements:
            self._check_writable(stmt.target, f"run_on_event({event!r}) line '{stmt.line}'")
        self._event_code[event] = EventCode(event, code, tuple(statements), when, order)

    def set_event_schedule(self, event: str, when: str = "after_thresholds", order: int | None = None) -> None:
        """Brian2's ``set_event_schedule``: the slot in which the condition of ``event`` is tested."""
        where = f"NeuronGroup '{self.name}'.set_event_schedule({event!r}, ...)"
        if event not in defined_events(self):
            raise ValueError(f"{where}: unknown event '{event}'")
        check_when(when, where)
        if order is not None:
            order = check_order(order, where)
        self._event_schedule[event] = (when, order)

    @property
    def events(self) -> dict[str, str]:
        """Brian2's ``G.events``: every event's condition (the threshold is the ``spike`` event's)."""
        spike = {SPIKE: self.threshold} if self.threshold is not None else {}
        return {**self._events, **spike}

    @property
    def event_codes(self) -> dict[str, str]:
        """Brian2's ``G.event_codes``: the code run on each event (the reset is the spike's)."""
        reset = {SPIKE: self.reset} if self.threshold is not None and self.reset is not None else {}
        return {**reset, **{event: code.code for event, code in self._event_code.items()}}

    def _event_slot(self, event: str) -> tuple[str, int | float]:
        """(when, order) of the test of ``event`` (an EventMonitor records just after it)."""
        when, order = self._event_schedule[event]
        return when, self.order if order is None else order

    def _check_reset(self, reset: str | None) -> tuple[Statement, ...]:
        if reset is None:
            return ()
        if self.threshold is None:
            raise EquationError(f"NeuronGroup '{self.name}': reset given without a threshold")
        statements = parse_statements(reset, f"NeuronGroup '{self.name}', reset")
        temporaries = local_temporaries(statements, self._code_names(), f"NeuronGroup '{self.name}', reset")
        for stmt in statements:
            if stmt.target not in temporaries:
                self._check_writable(stmt.target, f"reset line '{stmt.line}'")
        return statements

    def _check_writable(self, name: str, where: str) -> None:
        if name not in self._equations:
            raise EquationError(f"NeuronGroup '{self.name}', {where}: '{name}' is not a variable of the model")
        eq = self._equations[name]
        if "linked" in eq.flags:
            raise NotImplementedError(f"NeuronGroup '{self.name}', {where}: writing the linked variable '{name}' "
                                      "from model code is not supported by neurogen yet (Brian2 writes to the "
                                      "variable it is linked to)")
        if eq.kind == "subexpression" or "constant" in eq.flags:
            raise EquationError(
                f"NeuronGroup '{self.name}', {where}: '{name}' is a {eq.kind if eq.kind == 'subexpression' else 'constant'}"
                " and cannot be written"
            )

    def _check_refractory(self, refractory: Any) -> Any:
        if refractory is False or refractory is None:
            return False
        where = f"NeuronGroup '{self.name}', refractory"
        if isinstance(refractory, str):
            parse_expression(refractory, where)
            return refractory
        if get_dimensions(refractory) != second.dim:
            raise DimensionMismatchError(f"{where} must be a time or a string", get_dimensions(refractory))
        value = float(np.asarray(refractory))
        if not np.isfinite(value):  # NaN or infinite: every neuron would stop for good after a spike
            raise ValueError(f"{where} must be a finite time, got {refractory}")
        if value < 0:
            raise ValueError(f"{where} must not be negative, got {refractory}")
        return refractory

    @property
    def _spikes(self) -> bool:
        """Whether it emits spikes (SpikeMonitor and Synapses need a source that does)."""
        return self.threshold is not None

    # -- what lowering and the front-end key need (text only, no sympy) ---------------------

    def _structure(self) -> tuple[str, ...]:
        ref = self._refractory
        ref_text = "none" if ref is False else ("time" if not isinstance(ref, str) else f"expr:{ref}")
        return (type(self).__name__, self._equations.text, str(self.method), str(self.threshold),
                str(self.reset), ref_text, self._links_key(),
                *(f"event:{name}:{condition}" for name, condition in self._events.items()),
                *(f"event_schedule:{name}:{when}:{order}" for name, (when, order) in self._event_schedule.items()),
                *(f"on_event:{c.event}:{c.code}:{c.when}:{c.order}" for c in self._event_code.values()))

    def _expression_sources(self) -> list[tuple[str, ast.expr]]:
        """Every expression of the model, parsed, for name lookup and dimension checks."""
        sources = []
        owner = f"{type(self).__name__} '{self.name}'"  # errors name the group and the line
        for eq in self._equations:
            if eq.expr is not None:
                sources.append((f"{eq.describe()}", parse_expression(eq.expr, f"{owner}, {eq.describe()}")))
        if self.threshold is not None:
            sources.append((f"threshold '{self.threshold}'", parse_expression(self.threshold, f"{owner}, threshold")))
        temporaries = local_temporaries(self._reset_statements, self._code_names(), f"{owner}, reset")
        sources += external_trees(self._reset_statements, temporaries, "reset")
        for name, condition in self._events.items():
            sources.append((f"events['{name}'] '{condition}'", parse_expression(condition, f"{owner}, events")))
        for code in self._event_code.values():
            what = f"run_on_event({code.event!r})"
            temporaries = local_temporaries(code.statements, self._code_names(), f"{owner}, {what}")
            sources += external_trees(code.statements, temporaries, what)
        if isinstance(self._refractory, str):
            sources.append((f"refractory '{self._refractory}'",
                            parse_expression(self._refractory, f"{owner}, refractory")))
        return sources + self._link_sources()

    def _runtime_value(self, name: str) -> Any:
        """The refractory period (a time), bound at every run: changing it never recompiles."""
        if name == "_refractory":
            return float(np.asarray(self._refractory))
        return self._link_value(name)

    def _variable_dims(self) -> dict[str, Any]:
        dims = super()._variable_dims()
        for event in (SPIKE, *self._events):
            dims.pop(event_space(self, event), None)
        return dims


MAX_NEURONS = 2**31 - 2  # neuron indices (and N + 1 spike-space entries) are int32 in the compiled code


def _check_size(n: Any, name: str) -> int:
    if isinstance(n, (int, float, np.integer, np.floating)) and not isinstance(n, (bool, np.bool_)) \
            and np.isfinite(n) and n > MAX_NEURONS:
        raise ValueError(f"NeuronGroup '{name}': N = {n} is more than the 2**31 - 2 neurons a group can "
                         "hold (indices are 32-bit integers)")
    return whole_number(n, f"NeuronGroup '{name}': N, the number of neurons,", 1, MAX_NEURONS)
