"""``PoissonInput``: N independent Poisson sources onto one variable of every target neuron,
without N synapses per neuron (Brian2's ``PoissonInput``).

Every step each target neuron receives ``weight * k`` with ``k ~ Binomial(N, rate*dt)``,
drawn exactly in the compiled step loop (see ``templates/static/distributions.hpp``), in the
``synapses`` slot: the same as N Poisson spike trains through ``on_pre='var += weight'``.
It accumulates into the variable; a current needs its own decay to fade.
"""
from __future__ import annotations

import ast
from typing import Any

import numpy as np

from ..errors import DimensionMismatchError, EquationError
from ..frontend.expressions import parse_expression
from ..frontend.namespace import External
from ..units import Hz, Quantity, get_dimensions
from .base import SimObject
from .subgroup import underlying
from .neurongroup import NeuronGroup
from .validation import whole_number

RATE, WEIGHT = "_rate", "_weight"  # the names numbers go by in the compiled code (runtime values)
MAX_SOURCES = 2**40  # the exact samplers' log-factorial differences stay accurate well beyond


class PoissonInput(SimObject):
    """``PoissonInput(target, target_var, N, rate, weight, when='synapses', order=0)``.

    ``rate`` and ``weight`` may be quantities or string expressions evaluated per target
    neuron (Brian2 takes a scalar rate); an expression's ``rate*dt`` is clipped to [0, 1] with a warning
    (a number outside is an error). Numbers are runtime values: changing ``P.rate``,
    ``P.weight`` or ``P.N`` between runs never recompiles.
    """

    _base_name = "poissoninput"
    _member_prefix = "poissoninput"
    _settable = SimObject._settable | {"rate", "weight", "N"}

    def __init__(self, target: Any, target_var: str, N: int, rate: Any, weight: Any,
                 when: str = "synapses", order: int = 0, name: str = "poissoninput*") -> None:
        group, _, _ = underlying(target)
        super().__init__(name=name, when=when, order=order, clock=group.clock)
        if not isinstance(group, NeuronGroup):
            raise NotImplementedError(f"PoissonInput '{self.name}': a target other than a NeuronGroup "
                                      f"(here {type(group).__name__} '{group.name}')")
        self.target = target
        self._group = group
        object.__setattr__(self, "target_var", self._check_target(target_var))
        self.N = N
        self.rate = rate
        self.weight = weight

    def __setattr__(self, name: str, value: Any) -> None:
        """``rate``, ``weight`` and ``N`` may change between runs (checked); the target may not."""
        if name == "rate":
            value = self._check_value(value, Hz.dim, "rate")
        elif name == "weight":
            value = self._check_value(value, self._group._specs[self.target_var].dim, "weight")
        elif name == "N":
            value = self._check_sources(value)
        super().__setattr__(name, value)  # target and target_var are fixed at construction

    def _check_sources(self, n: Any) -> int:
        return whole_number(n, f"PoissonInput '{self.name}': N, the number of Poisson sources,", 0, MAX_SOURCES)

    def _check_target(self, target_var: str) -> str:
        specs = self._group._specs
        if target_var not in specs or target_var.startswith("_"):
            raise KeyError(f"PoissonInput '{self.name}': '{self._group.name}' has no variable "
                           f"'{target_var}' to add the input to")
        spec = specs[target_var]
        if spec.dtype != "float64" or spec.shared or spec.constant or spec.read_only:
            raise EquationError(f"PoissonInput '{self.name}': '{target_var}' of '{self._group.name}' "
                                "must be a per-neuron floating-point variable that can change")
        return target_var

    def _check_value(self, value: Any, dim: Any, what: str) -> Any:
        """A string stays an expression (checked when lowered); a number must have ``dim``."""
        if isinstance(value, str):
            parse_expression(value, f"PoissonInput '{self.name}', {what}")
            return value
        if get_dimensions(value) != dim:
            raise DimensionMismatchError(
                f"PoissonInput '{self.name}': {what} must be in units of {dim or '1'}"
                + (f" (the units of '{self.target_var}')" if what == "weight" else ""),
                get_dimensions(value))
        array = np.asarray(value, dtype=float)
        if array.ndim != 0:
            raise ValueError(f"PoissonInput '{self.name}': {what} must be a scalar or a string "
                             f"expression, got shape {array.shape}")
        if not np.isfinite(array) or (what == "rate" and array < 0):
            raise ValueError(f"PoissonInput '{self.name}': {what} must be finite"
                             + (" and >= 0" if what == "rate" else "") + f", got {value}")
        return Quantity(float(array), dim=dim)

    # -- what the network and lowering need --------------------------------------------------

    def _expression(self, what: str) -> str:
        """The rate or weight as an expression: a string as given, a number by its runtime name."""
        value = getattr(self, what)
        return value if isinstance(value, str) else {"rate": RATE, "weight": WEIGHT}[what]

    def _structure(self) -> tuple[str, ...]:
        return ("PoissonInput", self.target_var, self._expression("rate"), self._expression("weight"))

    def _dependencies(self) -> tuple[Any, ...]:
        return (self._group,)

    def _variable_dims(self) -> dict[str, Any]:
        dims = {n: d for n, d in self._group._variable_dims().items()}
        dims.update({RATE: Hz.dim, WEIGHT: self._group._specs[self.target_var].dim})
        return dims

    def _expression_sources(self) -> list[tuple[str, ast.expr]]:
        return [(f"{what} '{getattr(self, what)}'",
                 parse_expression(getattr(self, what), f"PoissonInput '{self.name}', {what}"))
                for what in ("rate", "weight") if isinstance(getattr(self, what), str)]

    def _value_externals(self) -> dict[str, External]:
        """Numeric rate and weight: runtime scalars, so a new value needs no new code."""
        found = {}
        for what, name in (("rate", RATE), ("weight", WEIGHT)):
            value = getattr(self, what)
            if not isinstance(value, str):
                found[name] = External(name, get_dimensions(value), float(np.asarray(value)), literal=False)
        return found

    def _before_run(self, dt: float) -> None:
        if not isinstance(self.rate, str):
            p = float(np.asarray(self.rate)) * self.clock.dt_
            if p > 1:
                raise ValueError(f"PoissonInput '{self.name}': rate*dt = {p:g} > 1; a source cannot "
                                 "spike more than once per time step (lower the rate or dt)")

    def _runtime_value(self, name: str) -> Any:
        _, start, stop = underlying(self.target)
        return {"_start": start, "_size": stop - start}.get(name)

    def __repr__(self) -> str:
        return (f"PoissonInput({self.target.name!r}, {self.target_var!r}, N={self.N}, rate={self.rate!r}, "
                f"weight={self.weight!r})")

