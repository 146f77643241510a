"""A string assignment (``G.v = 'expr'``, ``S.w = 'expr'``) as one kernel, called once.

The runtime side (:mod:`neurogen.runtime.assignment`) resolves the names and runs it; this
module lowers it. Also the groups another object's expression reads, as structs without
kernels (``fields_only``), used by generated ``connect()`` too.
"""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from ...errors import EquationError
from ...frontend.expressions import Statement
from ...frontend.namespace import External
from ...objects.schedule import CALLED, call_members
from ...objects.synapses import Synapses
from ..ir import Field, FieldKind, NetworkIR, ObjectIR, sym
from ..printer import field_ref
from .common import Access, ObjectContext, build_kernel, expression_dims, make_resolver, struct_name
from .neurons import group_access, lower_subexpressions, integer_names, lower_statements
from .synapses import SYNAPSE_LOOP, SynapseNames, add_synapse_fields
from .linked import link_fields, link_scope
from ...objects.protocol import ModelGroup


def member_ids(objects: list[Any]) -> dict[int, str]:
    """The struct members of a one-off call's objects: the called one first (``group0``)."""
    return {id(o): member for member, o in call_members(objects).items()}


def lower_assignment(objects: list[Any], variable: str, expression: str, where: str,
                     externals: dict[str, External]) -> NetworkIR:
    """The network of one assignment: the assigned object (``group0``) with its one kernel,
    and the groups the expression reads (a synapse's pre and post) as plain structs."""
    group = objects[0]
    members = member_ids(objects)
    ctx = ObjectContext(group, CALLED, externals, members)
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
    obj = ObjectIR(CALLED, struct_name(CALLED), type(group).__name__,
                   (type(group).__name__, *(eq.line for eq in group._equations)), tuple(ctx.fields), (kernel,))
    others = tuple(fields_only(o, members[id(o)]) for o in objects[1:])
    return NetworkIR((obj, *others), (), ((CALLED, kernel.name),))


def _scope(ctx: Any) -> Any:
    """Access, dimensions and names for the assigned object's expressions."""
    group = ctx.obj
    if isinstance(group, Synapses):
        add_synapse_fields(ctx)
        names = SynapseNames(ctx)
        return SimpleNamespace(access=names.access, dim_of=names.dim_of, resolve=names.resolve,
                               integer_names=names.integer_names, roles=names.roles, loop=SYNAPSE_LOOP)
    dim_of = expression_dims(ctx, group._variable_dims())
    resolve = make_resolver(ctx, lower_subexpressions(ctx, dim_of), subgroup_names)
    access = group_access(ctx)
    ctx.add_field("N", "int64_t", FieldKind.INTEGER, "number of elements")
    for name, comment in (("_subgroup_start", "first assigned element's subgroup start (0: the whole group)"),
                          ("_subgroup_N", "size of the subgroup assigned through (N: the whole group)")):
        ctx.add_field(name, "int64_t", FieldKind.INTEGER, comment)
        access[name] = Access("int64_t", field_ref("_grp", name), True)
    return SimpleNamespace(access=access, dim_of=dim_of, resolve=resolve, integer_names=integer_names(group),
                           roles=tuple(link_scope(group, "_grp", ctx.members).roles), loop={})


def subgroup_names(name: str) -> Any:
    """The expression's own ``i`` and ``N``: those of the subgroup it was written through
    (Brian2's subgroup variables; also a subgroup's ``run_regularly``); subexpressions are
    substituted before this, so theirs stay the group's."""
    if name == "i":
        return sym("i") - sym("_subgroup_start")
    if name == "N":
        return sym("_subgroup_N")
    return None


def fields_only(group: ModelGroup, member: str) -> ObjectIR:
    """A group another object's expression reads: its struct, with no kernels."""
    fields = [Field(name, spec.ctype, FieldKind.ARRAY, "") for name, spec in group._specs.items()]
    fields += [Field(name, ctype, kind, "") for name, ctype, kind in link_fields(group)]
    fields += [Field("N", "int64_t", FieldKind.INTEGER, "number of neurons"),
               Field("_every", "int64_t", FieldKind.INTEGER, "unused by assignments")]
    return ObjectIR(member, struct_name(member), type(group).__name__, (type(group).__name__,),
                    tuple(fields), ())
