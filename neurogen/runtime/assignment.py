"""``G.v = 'expression'``: evaluated by generated C++ right away, never by numpy.

The runtime and a standalone program then compute identical initial values, random ones
included: each assignment draws from its own counter (``step`` = -(assignment number)), so
the numbers do not depend on what else ran before.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..frontend.expressions import parse_expression
from ..nonfinite import INTEGER_ERRORS
from .inputs import Values, value_provider
from ..frontend.namespace import ExpressionScope, External, resolve_externals, user_namespace
from .simulation import load_simulation
from ..objects.schedule import CALLED, call_members
from ..session import session


def run_assignment(group: Any, variable: str, expression: str, index: Any,
                   subgroup: tuple[int, int] | None = None) -> None:
    """``group.variable[index] = expression``. ``subgroup`` (start, size): written through
    ``G[start:start + size]``, so the expression's own ``i`` and ``N`` are the subgroup's (its
    subexpressions keep the group's, as in Brian2)."""
    where = f"{type(group).__name__} '{group.name}', assignment '{variable} = {expression}'"
    sources = [(where, parse_expression(expression, where))] + [
        (eq.describe(), parse_expression(eq.expr, eq.describe()))
        for eq in group._equations.of_kind("subexpression") if "summed" not in eq.flags]
    sources += group._neuron_subexpression_sources(sources)  # F_pre read by a synaptic assignment
    indices = _assigned_indices(group.N, index)
    externals = resolve_externals(ExpressionScope(group, sources), None, user_namespace())
    objects = call_objects(group)
    parts = ["assign", *group._structure(), group._specs_key(), variable, expression,
             ";".join(e.key() for e in externals.values()),
             *(o._specs_key() for o in objects[1:])]
    simulation = load_simulation(parts, lambda: _lower(objects, variable, expression, where, externals))
    group._assignments += 1
    values = call_values(objects, indices, externals, subgroup or (0, group.N))
    spec = group._specs.get(variable)
    before = group._state[variable].copy() if spec is not None and spec.dtype in ("int32", "int64") else None
    state = session()
    _, error = simulation.run(values, dt=group.clock.dt_, t_start=group._clock_time, seed=state.run_seed(),
                              step0=-group._assignments, n_steps=0, interval=1.0, callback=None)
    if error is not None:
        raise error
    errors = simulation.dynamic().get((CALLED, f"{INTEGER_ERRORS}{variable}"))
    if before is not None and errors is not None and len(errors) and errors[0]:
        group._state[variable][...] = before  # as assigning such a number from Python: nothing changes
        value, element = float(errors[1]), int(errors[3])
        raise (ValueError if np.isnan(value) else OverflowError)(
            f"{where}: the integer variable '{variable}' cannot hold {value!r} (element {element}"
            f"{f' and {int(errors[0]) - 1} more' if errors[0] > 1 else ''}); nothing was assigned")


def _assigned_indices(n: int, index: Any) -> np.ndarray:
    """Each assigned element once, as Brian2 (a slice is already unique: skip the costly np.unique)."""
    selected = np.arange(n, dtype=np.int32)[index]
    return np.ascontiguousarray(selected if isinstance(index, slice) else np.unique(selected))


def call_objects(group: Any) -> list[Any]:
    """The assigned group, then the groups its expressions may read (a synapse's pre and post)."""
    objects = [group]
    for dep in group._dependencies():
        if all(dep is not o for o in objects):
            objects.append(dep)
    return objects


def call_values(objects: list[Any], indices: np.ndarray, externals: dict[str, External],
            subgroup: tuple[int, int] = (0, 0)) -> Values:
    """The inputs of a one-off call (assignment, connect) from the one value provider: the
    called object's externals, and the values of this call (its indices, its subgroup)."""
    members = call_members(objects)
    call = {"_indices": indices, "_n_indices": len(indices), "_subgroup_start": subgroup[0],
            "_subgroup_N": subgroup[1]}
    return value_provider(members, {CALLED: externals}, every={m: 1 for m in members}, step0=0,
                          call={CALLED: call})


def _lower(objects: list[Any], variable: str, expression: str, where: str, externals: dict[str, External]) -> Any:
    from ..compiler.lower.assignment import lower_assignment  # the cold path only: sympy

    return lower_assignment(objects, variable, expression, where, externals)
