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
from .group import Group
from .validation import check_method, refuse_unsupported_arguments, require_memory, whole_number
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
        refuse_unsupported_arguments(f"NeuronGroup '{self.name}'", events=events, dtype=dtype,
                                     codeobj_class=codeobj_class, method_options=method_options)
        n = _check_size(N, self.name)
        self._equations = parse_equations(model, owner=f"NeuronGroup '{self.name}'")
        self._check_flags()
        self.method = check_method(method, f"NeuronGroup '{self.name}'")
        self.threshold = self._check_threshold(threshold, refractory is not False and refractory is not None)
        self.reset = reset
        self._refractory = self._check_refractory(refractory)
        specs = self._specs_from_equations(self._equations)
        if self._refractory is not False:
            specs += [VariableSpec("lastspike", second.dim, "float64", read_only=False),
                      VariableSpec("not_refractory", DIMENSIONLESS, "bool")]
        specs.append(VariableSpec("_spikespace", DIMENSIONLESS, "int32", read_only=True))
        require_memory(sum((1 if s.shared else n) * s.numpy_dtype().itemsize for s in specs),
                       f"NeuronGroup '{self.name}'", f"the state of {n} neurons")
        self._init_state(n, specs)
        self._state["_spikespace"] = np.zeros(n + 1, dtype=np.int32)
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
            if "linked" in eq.flags:
                raise NotImplementedError(f"NeuronGroup '{self.name}', {eq.describe()}: linked variables")
            bad = eq.flags & {"clock-driven", "event-driven", "summed"}
            if bad:
                raise EquationError(
                    f"NeuronGroup '{self.name}', {eq.describe()}: flag '{sorted(bad)[0]}' "
                    "belongs to Synapses, not to a NeuronGroup"
                )

    def _check_threshold(self, threshold: str | None, refractory: bool) -> str | None:
        if threshold is None:
            return None
        where = f"NeuronGroup '{self.name}', threshold"
        tree = parse_expression(threshold, where)
        booleans = {eq.name for eq in self._equations if eq.dtype == "boolean"}
        if not is_condition(tree, booleans | ({"not_refractory"} if refractory else set())):
            raise NotAConditionError(f"{where}: '{threshold}' is not a boolean expression (expected a condition "
                                     "such as 'v > v_th', or a boolean variable; Brian2 refuses it too)")
        return threshold

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
                str(self.reset), ref_text)

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
        if isinstance(self._refractory, str):
            sources.append((f"refractory '{self._refractory}'",
                            parse_expression(self._refractory, f"{owner}, refractory")))
        return sources

    def _runtime_value(self, name: str) -> Any:
        """The refractory period (a time), bound at every run: changing it never recompiles."""
        return float(np.asarray(self._refractory)) if name == "_refractory" else None

    def _variable_dims(self) -> dict[str, Any]:
        dims = super()._variable_dims()
        dims.pop("_spikespace", None)
        return dims


MAX_NEURONS = 2**31 - 2  # neuron indices (and N + 1 spike-space entries) are int32 in the compiled code


def _check_size(n: Any, name: str) -> int:
    if isinstance(n, (int, float, np.integer, np.floating)) and not isinstance(n, (bool, np.bool_)) \
            and np.isfinite(n) and n > MAX_NEURONS:
        raise ValueError(f"NeuronGroup '{name}': N = {n} is more than the 2**31 - 2 neurons a group can "
                         "hold (indices are 32-bit integers)")
    return whole_number(n, f"NeuronGroup '{name}': N, the number of neurons,", 1, MAX_NEURONS)
