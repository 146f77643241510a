"""``neurogen.explain(synapses)``: what one spike of weight 1 does to the target, exactly.

For each neuron variable a pathway writes (``v += w``, ``g += w``, ``I = w``), the response of
that variable and of the variables its equations drive (a current or conductance into ``v``;
``h`` into ``g`` into ``v`` for an alpha synapse), from the target group's linear system at the
current parameter values (``linear.LinearSystem``; the linearisation at the current state when
the equations are not linear, e.g. a conductance times ``E - v``): ``x(t) = expm(A t) x0``,
computed on a grid refined around the peak, the area ``-A^-1 x0`` in closed form. A variable
without a differential equation is a constant the others see: set or added to, it stays.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from ..frontend.expressions import names_in, parse_expression
from ..frontend.namespace import External, resolve_externals, user_namespace
from ..objects.reading import evaluate_numbers
from ..objects.synapses import Synapses
from ..objects.writers import ODE, Write, network_writes
from ..units import UNITS, Quantity, second
from ..units.quantity import get_dimensions
from ..units.dimensions import DIMENSIONLESS
from .linear import LinearSystem, expm, linear_system

#: the kinds of response a pathway's write gives
JUMP, SET, DECAYING, ACCUMULATES, SCALES = "jump", "set", "decaying current", "accumulates", "scales"

_GRID = 2000        # steps over the response's duration
_REFINE = 3         # times the grid around the peak is made 100 times finer


@dataclass(frozen=True)
class Response:
    """One variable's response to one spike of weight 1: ``peak`` (the largest deviation, with
    its sign), ``time_to_peak`` (``inf``: approached for good), ``area`` (its integral over time;
    ``inf`` when it does not decay), ``times``/``values`` (SI) for a plot."""

    variable: str
    peak: Quantity
    time_to_peak: Quantity
    area: Quantity
    times: np.ndarray = field(repr=False)
    values: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class Effect:
    """What one write of a pathway (``on_pre: 'g += w'``) does: its ``kind`` (``'jump'``,
    ``'set'``, ``'decaying current'``, ``'accumulates'``, ``'scales'``), the written variable's
    response and those of the variables it drives (``responses``, written variable first)."""

    pathway: str
    line: str
    group: str
    variable: str
    kind: str
    responses: Mapping[str, Response]
    note: str = ""

    @property
    def peak(self) -> Quantity:
        return self.responses[self.variable].peak

    @property
    def time_to_peak(self) -> Quantity:
        return self.responses[self.variable].time_to_peak

    @property
    def area(self) -> Quantity:
        return self.responses[self.variable].area

    def text(self) -> str:
        lines = [f"{self.pathway} '{self.line}': {self.kind} ({_KIND_TEXT[self.kind](self)})"]
        for name, r in self.responses.items():
            lines.append(f"  {self.group}.{name}: peak {_show(r.peak)} at {_show_time(r.time_to_peak)}, "
                         f"area {_show_area(r)}")
        if self.note:
            lines.append(f"  ({self.note})")
        return "\n".join(lines)


_KIND_TEXT = {
    JUMP: lambda e: f"'{e.variable}' jumps by the weight and decays by its own equation: a delta synapse",
    SET: lambda e: f"'{e.variable}' is set to the weight and has no equation: it stays there, a clamp",
    DECAYING: lambda e: f"'{e.variable}' jumps by the weight and decays, driving "
                        f"{', '.join(repr(v) for v in list(e.responses)[1:])}",
    ACCUMULATES: lambda e: f"'{e.variable}' has no equation: each spike adds to it and nothing brings it back",
    SCALES: lambda e: f"'{e.variable}' is multiplied or divided: no response to a weight",
}


@dataclass(frozen=True)
class Explanation:
    """``explain(S)``: one :class:`Effect` per neuron variable each pathway writes; ``str()`` is
    the text; ``peak``/``time_to_peak``/``area``/``kind`` are the first effect's (``S[...]``
    or ``effects`` for the others); ``plot()`` draws the responses (matplotlib)."""

    synapses: str
    effects: tuple[Effect, ...]

    def __str__(self) -> str:
        head = f"Synapses '{self.synapses}': the response to one spike of weight 1 (every synaptic variable 1)"
        return "\n".join([head, *(e.text() for e in self.effects)] if self.effects else
                         [head, "  (no pathway writes a neuron variable)"])

    def __getitem__(self, key: str) -> Effect:
        """The effect of a pathway (``'on_pre'``) or on a variable (``'g'``)."""
        for effect in self.effects:
            if key in (effect.pathway, effect.variable):
                return effect
        raise KeyError(f"Synapses '{self.synapses}': no pathway or written variable '{key}'")

    def _first(self) -> Effect:
        if not self.effects:
            raise AttributeError(f"Synapses '{self.synapses}': no pathway writes a neuron variable")
        return self.effects[0]

    @property
    def kind(self) -> str:
        return self._first().kind

    @property
    def peak(self) -> Quantity:
        return self._first().peak

    @property
    def time_to_peak(self) -> Quantity:
        return self._first().time_to_peak

    @property
    def area(self) -> Quantity:
        return self._first().area

    def plot(self, axes: Any = None) -> Any:
        """Each effect's responses over time, one panel per effect; returns the axes."""
        import matplotlib.pyplot as plt

        if axes is None:
            _, axes = plt.subplots(max(1, len(self.effects)), 1, squeeze=False)
            axes = list(axes[:, 0])
        for ax, effect in zip(np.atleast_1d(axes), self.effects):
            for name, r in effect.responses.items():
                ax.plot(r.times * 1e3, r.values, label=f"{effect.group}.{name}")
            ax.set_title(f"{self.synapses}: {effect.pathway} '{effect.line}' ({effect.kind})")
            ax.set_xlabel("time after the spike (ms)")
            ax.set_ylabel("deviation (SI units)")
            ax.legend()
        return axes

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))


def explain(synapses: Any) -> Explanation:
    """The response of the target variables of ``synapses`` to one spike of weight 1, per
    pathway: peak, time to peak, area and kind (jump, set, decaying current, accumulates)."""
    if not isinstance(synapses, Synapses):
        raise TypeError(f"explain() takes a Synapses object, got {type(synapses).__name__}")
    frame = user_namespace()
    own = resolve_externals(synapses, None, frame, warn_shadowed=False)
    objects = [synapses]
    writes = [w for w in network_writes(objects) if w.kind == "pathway"]
    systems: dict[int, LinearSystem | None] = {}
    effects = []
    for w in writes:
        if id(w.group) not in systems:
            systems[id(w.group)] = linear_system(w.group, resolve_externals(w.group, None, frame, warn_shadowed=False))
        group_writes = [x for x in network_writes([w.group]) if x.variable == w.variable]
        effects.append(_effect(synapses, w, systems[id(w.group)], own, any(x.op == ODE for x in group_writes)))
    return Explanation(synapses.name, tuple(effects))


def _effect(synapses: Any, w: Write, system: LinearSystem | None, externals: Mapping[str, Any],
            has_ode: bool) -> Effect:
    dims = w.group._variable_dims()
    jump = _weight_one(synapses, w, externals) * (-1.0 if w.op == "-=" else 1.0)
    if w.op in ("*=", "/="):
        return Effect(w.part, w.line, w.group.name, w.variable, SCALES, {})
    element = _element(synapses, w)
    matrix, names = _augmented(system, w.variable, element)
    start = np.zeros(len(names))
    start[names.index(w.variable)] = jump
    reached = _reached(matrix, names.index(w.variable))
    sub = matrix[np.ix_(reached, reached)]
    times, values = _trajectory(sub, start[reached])
    decays = bool(np.all(np.linalg.eigvals(sub).real < 0)) if len(reached) else False
    areas = -np.linalg.solve(sub, start[reached]) if decays else np.full(len(reached), np.inf)
    responses = {}
    for k, index in enumerate(reached):
        name = names[index]
        peak_time, peak = _peak(sub, start[reached], times, values[:, k], k)
        responses[name] = Response(name, Quantity(peak, dim=dims[name]), Quantity(peak_time, dim=second.dim),
                                   Quantity(areas[k], dim=dims[name] * second.dim), times, values[:, k])
    if w.op == "=":
        kind = SET if not has_ode else JUMP
    elif not has_ode:
        kind = ACCUMULATES
    else:
        kind = DECAYING if len(reached) > 1 else JUMP
    note = ""
    if system is not None and not system.linear:
        note = "the equations are not linear: the response is their linearisation at the current state"
    if system is not None and len(np.unique(system.matrix.reshape(len(system.matrix), -1), axis=0)) > 1:
        note = (note + "; " if note else "") + f"parameters differ between neurons: shown for neuron {element}"
    if w.op == "=" and has_ode:
        note = (note + "; " if note else "") + f"'{w.variable}' is set, not added to: the response shown is " \
                                               "that of a jump from 0"
    return Effect(w.part, w.line, w.group.name, w.variable, kind, responses, note)


def _weight_one(synapses: Any, w: Write, externals: Mapping[str, Any]) -> float:
    """The right-hand side with every synaptic variable 1 (``w*nS``: 1 nS); neuron variables
    at the first synapse's values; 1 if it cannot be evaluated from Python."""
    names: dict[str, Any] = {}
    for name in synapses._specs:
        names[name] = 1.0
    for name, e in externals.items():
        if isinstance(e, External):
            names[name] = e.value
    tree = parse_expression(w.expr, f"Synapses '{synapses.name}', {w.part}")
    for node in sorted(names_in(tree)[0] - set(names)):
        group, base = synapses._group_of(node)
        if group is not None and base in group._state and synapses.N > 0:
            index = synapses._state["_synaptic_pre" if node.endswith("_pre") else "_synaptic_post"][0]
            names[node] = float(np.asarray(group._state[base])[index])
        elif node in UNITS:
            names[node] = float(np.asarray(UNITS[node]))
    try:
        value = float(np.asarray(evaluate_numbers(tree, w.line, names), dtype=float).reshape(-1)[0])
    except Exception:  # noqa: BLE001  (a function numpy cannot evaluate: the response per unit)
        return 1.0
    return value if np.isfinite(value) else 1.0


def _element(synapses: Any, w: Write) -> int:
    if synapses.N == 0:
        return 0
    side = "_synaptic_post" if w.group is synapses._target_group else "_synaptic_pre"
    return int(synapses._state[side][0])


def _augmented(system: LinearSystem | None, variable: str, element: int) -> tuple[np.ndarray, list[str]]:
    """``A`` of the group's state variables and, when the written variable has no equation, that
    variable as one more state that never changes (its column: how the others depend on it)."""
    if system is None:
        return np.zeros((1, 1)), [variable]
    names = list(system.variables)
    matrix = system.at(element)
    if variable in names:
        return matrix, names
    column = system.inputs.get(variable)
    n = len(names)
    augmented = np.zeros((n + 1, n + 1))
    augmented[:n, :n] = matrix
    if column is not None:
        augmented[:n, n] = column[element]
    return augmented, names + [variable]


def _reached(matrix: np.ndarray, start: int) -> list[int]:
    """The written variable and every variable its change reaches through the equations."""
    size = float(np.max(np.abs(matrix))) if matrix.size else 0.0
    found, pending = [start], [start]
    while pending:
        j = pending.pop()
        for k in range(len(matrix)):
            if k not in found and abs(matrix[k, j]) > 1e-12 * size:
                found.append(k)
                pending.append(k)
    return found


def _duration(matrix: np.ndarray) -> float:
    rates = [-value.real for value in np.linalg.eigvals(matrix) if value.real < 0]
    return 30.0 / min(rates) if rates else 0.1


def _trajectory(matrix: np.ndarray, start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    duration = _duration(matrix)
    step = expm(matrix * (duration / _GRID))
    values = np.zeros((_GRID + 1, len(start)))
    values[0] = start
    for k in range(_GRID):
        values[k + 1] = step @ values[k]
    return np.linspace(0.0, duration, _GRID + 1), values


def _peak(matrix: np.ndarray, start: np.ndarray, times: np.ndarray, values: np.ndarray,
          k: int) -> tuple[float, float]:
    """(time, value) of the largest deviation of component ``k``: the grid's, refined by exact
    propagation on finer grids around it; ``inf`` time when it is still growing at the end."""
    best = int(np.argmax(np.abs(values)))
    if best == len(times) - 1 and len(times) > 1 and abs(values[-1]) > abs(values[-2]) * (1 - 1e-12) \
            and not np.isclose(values[-1], values[0], rtol=1e-12, atol=0):
        return np.inf, float(values[-1])  # still approaching: its value for good (a step response)
    if best == 0 or abs(values[best]) == abs(values[0]):
        return 0.0, float(values[0])
    low, width = times[best - 1], times[1] - times[0]
    state = expm(matrix * low) @ start
    t_best, v_best = float(times[best]), float(values[best])
    for _ in range(_REFINE):
        fine = width * 2 / 100
        step = expm(matrix * fine)
        current = state.copy()
        best_k = 0
        states = [current]
        for j in range(1, 101):
            current = step @ current
            states.append(current)
            if abs(current[k]) > abs(states[best_k][k]):
                best_k = j
        t_best, v_best = low + best_k * fine, float(states[best_k][k])
        low = low + max(best_k - 1, 0) * fine
        state = states[max(best_k - 1, 0)]
        width = fine
    return t_best, v_best


def _show(value: Quantity) -> str:
    number = float(np.asarray(value))
    if not np.isfinite(number):
        return "infinite (does not decay)"
    return f"{number:.6g}" if get_dimensions(value) is DIMENSIONLESS else str(value)


def _show_area(r: Response) -> str:
    """The area as (the variable's unit) x ms: '3. mV * ms' rather than '3. uWb'."""
    number = float(np.asarray(r.area))
    if not np.isfinite(number):
        return "infinite (does not decay)"
    return f"{_show(Quantity(number * 1e3, dim=get_dimensions(r.peak)))} * ms"


def _show_time(value: Quantity) -> str:
    number = float(np.asarray(value))
    return "t -> infinity (approached for good)" if np.isinf(number) else f"t = {number * 1e3:.6g} ms"
