"""``G.v = 'expression'``: evaluated by generated C++ right away, never by numpy.

The runtime and a standalone program then compute identical initial values, random ones
included: each assignment draws from its own counter (``step`` = -(assignment number)), so
the numbers do not depend on what else ran before.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .errors import EquationError
from .expressions import Statement, parse_expression
from .namespace import ExpressionScope, External, resolve_externals, user_namespace
from .runtime import load_simulation
from .session import session


def run_assignment(group: Any, variable: str, expression: str, index: Any) -> None:
    where = f"{type(group).__name__} '{group.name}', assignment '{variable} = {expression}'"
    sources = [(where, parse_expression(expression, where))] + [
        (eq.describe(), parse_expression(eq.expr, eq.describe()))
        for eq in group._equations.of_kind("subexpression")]
    indices = np.unique(np.arange(group.N)[index]).astype(np.int32)  # each element once, as Brian2
    externals = resolve_externals(ExpressionScope(group, sources), None, user_namespace())
    parts = ["assign", *group._structure(), group._specs_key(), variable, expression,
             ";".join(e.key() for e in externals.values())]
    simulation = load_simulation(parts, lambda: _lower(group, variable, expression, where, externals))
    group._assignments += 1
    values = _values(group, indices, externals)
    state = session()
    _, error = simulation.run(values, dt=group.clock.dt_, t_start=group._time or 0.0, seed=state.run_seed(),
                              step0=-group._assignments, n_steps=0, interval=1.0, callback=None)
    if error is not None:
        raise error


def _values(group: Any, indices: np.ndarray, externals: dict[str, External]) -> Any:
    from .schedule import stream_id

    def value(member: str, name: str, kind: str) -> Any:
        if name == "_indices":
            return indices
        if kind == "array":
            return group._state[name]
        return {"_n_indices": len(indices), "N": group.N, "_every": 1, "_dt": group.clock.dt_,
                "_stream": stream_id(group)}.get(name, externals.get(name, External(name, None, 0.0, False)).value)  # type: ignore[arg-type]
    return value


def _lower(group: Any, variable: str, expression: str, where: str,
           externals: dict[str, External]) -> Any:
    from .ir import FieldKind, NetworkIR, ObjectIR
    from .lower import ObjectContext, build_kernel, expression_dims, make_resolver, struct_name
    from .lower_neurons import _group_access, _subexpressions, integer_names, lower_statements

    ctx = ObjectContext(group, "group0", externals, {id(group): "group0"})
    dims = group._variable_dims()
    if variable not in group._specs:
        raise EquationError(f"{where}: '{variable}' is not a stored variable")
    dim_of = expression_dims(ctx, dims)
    resolve = make_resolver(ctx, _subexpressions(ctx, dim_of))
    access = _group_access(ctx)
    ctx.add_field("N", "int64_t", FieldKind.INTEGER, "number of elements")
    ctx.add_field("_every", "int64_t", FieldKind.INTEGER, "unused by assignments")
    ctx.add_field("_indices", "int32_t", FieldKind.ARRAY, "the assigned indices")
    ctx.add_field("_n_indices", "int64_t", FieldKind.INTEGER, "number of assigned indices")
    statement = Statement(variable, "=", expression, f"{variable} = {expression}", 1)
    statements, writes = lower_statements(ctx, [statement], dim_of, resolve, "assignment")

    kernel = build_kernel(ctx, name="assign", template="assign", when="start", order=0,
                          statements=statements, access=access, writes=writes,
                          integer_names=integer_names(group), comment=[f"assignment: {statement.line}"],
                          extra=[("call", True)])
    obj = ObjectIR("group0", struct_name("group0"), type(group).__name__,
                   (type(group).__name__, *(eq.line for eq in group._equations)), tuple(ctx.fields), (kernel,))
    return NetworkIR((obj,), (), (("group0", kernel.name),))
