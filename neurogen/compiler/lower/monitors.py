"""Monitors → kernels that record into per-run buffers (or C++ vectors, for spikes)."""
from __future__ import annotations

import sympy

from ..ir import (Assign, FieldKind, Kernel, RateMonitorOptions, SpikeMonitorOptions, StateMonitorOptions,
                  sym)
from .common import (Access, ObjectContext, add_external_fields, build_kernel, expression_dims,
                    make_resolver, scalar_context)
from .neurons import lower_subexpressions, integer_names, variable_access
from ...objects.events import event_space
from ...objects.monitors import EventMonitor, PopulationRateMonitor, StateMonitor
from ...objects.synapses import Synapses
from ..printer import field_ref
from ..symbolic import int_, ne
from .synapses import SYNAPSE_LOOP, SynapseNames
from .linked import link_scope
from ...objects.protocol import ModelObject


def lower_spikemonitor(ctx: ObjectContext) -> list[Kernel]:
    mon = ctx.obj
    source = mon._source_group
    part = _add_range_fields(ctx, mon)
    ctx.add_field("count", "int32_t", FieldKind.ARRAY, "spikes per neuron")
    if mon.record:
        ctx.add_field("i", "int32_t", FieldKind.DYNAMIC, "index of each recorded spike")
        ctx.add_field("t", "double", FieldKind.DYNAMIC, "time of each recorded spike, second")
    for var in mon.record_variables:
        ctx.add_field(f"_rec_{var}", "double", FieldKind.DYNAMIC, f"{var} at each spike")
    statements, access, ints, loop, roles = _recorded_values(ctx, source, mon.record_variables)
    return [build_kernel(ctx, name="record", template="spikemonitor", when=mon.when, order=mon.order,
                         statements=statements, access=access, source=ctx.members[id(source)],
                         integer_names=ints, roles=roles,
                         comment=[f"record the spikes of its source (a {type(mon.source).__name__})"],
                         options=SpikeMonitorOptions(mon.record, part, tuple(mon.record_variables),
                                                     event_space(source, mon.event)),
                         outputs=tuple(f"_value_{v}" for v in mon.record_variables), **loop)]


def lower_statemonitor(ctx: ObjectContext) -> list[Kernel]:
    mon = ctx.obj
    source = mon._source_group
    statements, access, ints, loop, roles = _recorded_values(ctx, source, mon.record_variables)
    ctx.add_fields((
        ("_indices", "int32_t", FieldKind.ARRAY, "recorded indices"),
        ("_n_indices", "int64_t", FieldKind.INTEGER, "number of recorded indices"),
        ("_first_step", "int64_t", FieldKind.INTEGER, "step of the first record of this run"),
        ("_t", "double", FieldKind.ARRAY, "record times of this run, second"),
    ))
    for var in mon.record_variables:
        ctx.add_field(f"_rec_{var}", "double", FieldKind.ARRAY, f"records of {var} (rows: times)")
    return [build_kernel(ctx, name="record", template="statemonitor", when=mon.when, order=mon.order,
                         statements=statements, access=access, source=ctx.members[id(source)],
                         integer_names=ints, roles=roles, comment=[f"record {', '.join(mon.record_variables)}"],
                         options=StateMonitorOptions(tuple(mon.record_variables)),
                         outputs=tuple(f"_value_{v}" for v in mon.record_variables), **loop)]


def _recorded_values(ctx: ObjectContext, source: ModelObject, variables: tuple[str, ...]) -> tuple:
    """The statements computing ``_value_<var>`` of each recorded variable for one element of
    ``source`` (reached as ``_src``), and what the kernel needs to run them: (statements,
    access, integer names, loop arguments, roles)."""
    source_ctx = ObjectContext(source, ctx.member, ctx.externals, ctx.members)
    if isinstance(source, Synapses):  # element = synapse; v_post, i, j as in synaptic code
        names = SynapseNames(source_ctx, struct_ref="_src")
        access, resolve, ints, loop = names.access, names.resolve, names.integer_names, SYNAPSE_LOOP
        roles = names.roles
        subexpressions: dict = {}
    else:
        # only when a subexpression is recorded: the monitor resolves the names they use (units,
        # constants) only then (a HH model recording v failed on its subexpressions' 'mV')
        recorded = set(variables) - set(source._specs)
        subexpressions = (lower_subexpressions(source_ctx, expression_dims(ctx, source._variable_dims()))
                          if recorded else {})
        resolve = make_resolver(ctx, subexpressions)
        access = scalar_context(ctx)
        access["N"] = Access("int64_t", field_ref("_src", "N"), True)
        access.update(variable_access(source, "_src"))
        links = link_scope(source, "_src", ctx.members)  # linked variables: read through the link
        access.update(links.access)
        ints, loop, roles = integer_names(source), {}, tuple(links.roles)
    if variables:
        add_external_fields(ctx)
    statements = []
    for var in variables:
        value = resolve(var) if var in subexpressions or isinstance(source, Synapses) else sym(var)
        value = _of_declared_type(source, var, value)
        statements.append(Assign(f"_value_{var}", sympy.Float(1) * value if value.is_Number else value,
                                 declare=True, comment=f"record {var}"))
    return statements, access, ints, loop, roles


def _add_range_fields(ctx: ObjectContext, mon: ModelObject) -> bool:
    """A monitor of part of a group (a subgroup) gets the range it watches; whether it does."""
    part = mon._watches_part
    if part:
        ctx.add_field("_start", "int64_t", FieldKind.INTEGER, "first monitored neuron, index in its group")
        ctx.add_field("_size", "int64_t", FieldKind.INTEGER, "number of monitored neurons")
    return part


def _of_declared_type(source: ModelObject, var: str, value: sympy.Expr) -> sympy.Expr:
    """A subexpression declared ``: integer`` or ``: boolean`` is recorded as a value of that
    type (truncated; 0 or 1), as Brian2 records it; inside other expressions it stays as it is."""
    equations = source._equations
    if equations is None or var not in equations or equations[var].kind != "subexpression":
        return value
    if equations[var].dtype == "integer":
        return int_(value)
    if equations[var].dtype == "boolean":
        return ne(value, sympy.Integer(0))
    return value


def lower_ratemonitor(ctx: ObjectContext) -> list[Kernel]:
    mon = ctx.obj
    part = _add_range_fields(ctx, mon)
    ctx.add_field("_first_step", "int64_t", FieldKind.INTEGER, "step of the first record of this run")
    ctx.add_field("_t", "double", FieldKind.ARRAY, "record times of this run, second")
    ctx.add_field("_rate", "double", FieldKind.ARRAY, "population rate of this run, Hz")
    return [build_kernel(ctx, name="record", template="ratemonitor", when=mon.when, order=mon.order,
                         statements=(), access={}, source=ctx.members[id(mon._source_group)],
                         comment=["population rate: spikes / (N * dt)"], options=RateMonitorOptions(part))]


LOWERERS = {EventMonitor: lower_spikemonitor, StateMonitor: lower_statemonitor,
            PopulationRateMonitor: lower_ratemonitor}
