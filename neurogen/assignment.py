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
from .nonfinite import INTEGER_ERRORS
from .objects.synapses import Synapses
from .inputs import Values, value_provider
from .namespace import ExpressionScope, External, resolve_externals, user_namespace
from .runtime import load_simulation
from .session import session


def run_assignment(group: Any, variable: str, expression: str, index: Any,
                   subgroup: tuple[int, int] | None = None) -> None:
    """``group.variable[index] = expression``. ``subgroup`` (start, size): written through
    ``G[start:start + size]``, so the expression's own ``i`` and ``N`` are the subgroup's (its
    subexpressions keep the group's, as in Brian2)."""
    where = f"{type(group).__name__} '{group.name}', assignment '{variable} = {expression}'"
    sources = [(where, parse_expression(expression, where))] + [
        (eq.describe(), parse_expression(eq.expr, eq.describe()))
        for eq in group._equations.of_kind("subexpression") if "summed" not in eq.flags]
    indices = _assigned_indices(group.N, index)
    externals = resolve_externals(ExpressionScope(group, sources), None, user_namespace())
    objects = _objects(group)
    parts = ["assign", *group._structure(), group._specs_key(), variable, expression,
             ";".join(e.key() for e in externals.values()),
             *(o._specs_key() for o in objects[1:])]
    simulation = load_simulation(parts, lambda: _lower(objects, variable, expression, where, externals))
    group._assignments += 1
    values = _values(objects, indices, externals, subgroup or (0, group.N))
    spec = group._specs.get(variable)
    before = group._state[variable].copy() if spec is not None and spec.dtype in ("int32", "int64") else None
    state = session()
    _, error = simulation.run(values, dt=group.clock.dt_, t_start=group._clock_time, seed=state.run_seed(),
                              step0=-group._assignments, n_steps=0, interval=1.0, callback=None)
    if error is not None:
        raise error
    errors = simulation.dynamic().get(("group0", f"{INTEGER_ERRORS}{variable}"))
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


def _objects(group: Any) -> list[Any]:
    """The assigned group, then the groups its expressions may read (a synapse's pre and post)."""
    objects = [group]
    for dep in group._dependencies():
        if all(dep is not o for o in objects):
            objects.append(dep)
    return objects


def _members(objects: list[Any]) -> dict[int, str]:
    return {id(o): f"group{k}" for k, o in enumerate(objects)}


def _values(objects: list[Any], indices: np.ndarray, externals: dict[str, External],
            subgroup: tuple[int, int] = (0, 0)) -> Values:
    """The inputs of a one-off call (assignment, connect) from the one value provider: the
    called object's externals, and the values of this call (its indices, its subgroup)."""
    members = {f"group{k}": o for k, o in enumerate(objects)}
    call = {"_indices": indices, "_n_indices": len(indices), "_subgroup_start": subgroup[0],
            "_subgroup_N": subgroup[1]}
    return value_provider(members, {"group0": externals}, every={m: 1 for m in members}, step0=0,
                          call={"group0": call})


def _lower(objects: list[Any], variable: str, expression: str, where: str,
           externals: dict[str, External]) -> Any:
    from .ir import FieldKind, NetworkIR, ObjectIR
    from .lower import ObjectContext, build_kernel, struct_name
    from .lower_neurons import lower_statements

    group = objects[0]
    members = _members(objects)
    ctx = ObjectContext(group, "group0", externals, members)
    if variable not in group._specs:
        raise EquationError(f"{where}: '{variable}' is not a stored variable")
    scope = _scope(ctx)
    ctx.add_field("_every", "int64_t", FieldKind.INTEGER, "unused by assignments")
    ctx.add_field("_dt", "double", FieldKind.SCALAR, "time step of its clock, second (dt in the expression)")
    ctx.add_field("_indices", "int32_t", FieldKind.ARRAY, "the assigned indices")
    ctx.add_field("_n_indices", "int64_t", FieldKind.INTEGER, "number of assigned indices")
    statement = Statement(variable, "=", expression, f"{variable} = {expression}", 1)
    statements, writes = lower_statements(ctx, [statement], scope.dim_of, scope.resolve, "assignment")

    kernel = build_kernel(ctx, name="assign", template="assign", when="start", order=0,
                          statements=statements, access=scope.access, writes=writes,
                          integer_names=scope.integer_names, roles=scope.roles,
                          comment=[f"assignment: {statement.line}"],
                          phase="call", **scope.loop)
    obj = ObjectIR("group0", struct_name("group0"), type(group).__name__,
                   (type(group).__name__, *(eq.line for eq in group._equations)), tuple(ctx.fields), (kernel,))
    others = tuple(_fields_only(o, members[id(o)]) for o in objects[1:])
    return NetworkIR((obj, *others), (), (("group0", kernel.name),))


def _scope(ctx: Any) -> Any:
    """Access, dimensions and names for the assigned object's expressions."""
    from types import SimpleNamespace

    from .ir import FieldKind
    from .lower import Access, expression_dims, make_resolver
    from .printer import field_ref
    from .lower_neurons import _group_access, _subexpressions, integer_names
    from .lower_synapses import SYNAPSE_LOOP, SynapseNames, add_synapse_fields

    group = ctx.obj
    if isinstance(group, Synapses):
        add_synapse_fields(ctx)
        names = SynapseNames(ctx)
        return SimpleNamespace(access=names.access, dim_of=names.dim_of, resolve=names.resolve,
                               integer_names=names.integer_names, roles=names.roles, loop=SYNAPSE_LOOP)
    dim_of = expression_dims(ctx, group._variable_dims())
    resolve = make_resolver(ctx, _subexpressions(ctx, dim_of), _subgroup_names)
    access = _group_access(ctx)
    ctx.add_field("N", "int64_t", FieldKind.INTEGER, "number of elements")
    for name, comment in (("_subgroup_start", "first assigned element's subgroup start (0: the whole group)"),
                          ("_subgroup_N", "size of the subgroup assigned through (N: the whole group)")):
        ctx.add_field(name, "int64_t", FieldKind.INTEGER, comment)
        access[name] = Access("int64_t", field_ref("_grp", name), True)
    return SimpleNamespace(access=access, dim_of=dim_of, resolve=resolve,
                           integer_names=integer_names(group), roles=(), loop={})


def _subgroup_names(name: str) -> Any:
    """The assigned expression's own ``i`` and ``N``: those of the subgroup it was written
    through (Brian2's subgroup variables); subexpressions are substituted before this, so
    theirs stay the group's."""
    from .ir import sym

    if name == "i":
        return sym("i") - sym("_subgroup_start")
    if name == "N":
        return sym("_subgroup_N")
    return None


def _fields_only(group: Any, member: str) -> Any:
    """A group another object's expression reads: its struct, with no kernels."""
    from .ir import Field, FieldKind, ObjectIR
    from .lower import struct_name

    fields = [Field(name, spec.ctype, FieldKind.ARRAY, "") for name, spec in group._specs.items()]
    fields += [Field("N", "int64_t", FieldKind.INTEGER, "number of neurons"),
               Field("_every", "int64_t", FieldKind.INTEGER, "unused by assignments")]
    return ObjectIR(member, struct_name(member), type(group).__name__, (type(group).__name__,),
                    tuple(fields), ())
