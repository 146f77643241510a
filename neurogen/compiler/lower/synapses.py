"""Synapses → kernels: pathways (on_pre/on_post), clock-driven updates, summed variables.

Names resolve as Brian2 documents: a synaptic variable first, then a postsynaptic one
(unsuffixed ``v`` is ``v_post``), ``x_pre``/``x_post`` explicitly; ``i``/``j`` are the pre- and
postsynaptic indices (within a subgroup). Every kernel loops over synapses with the element
``_s`` and reaches neurons through ``_ipre``/``_jpost`` (indices into the parent groups).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable, Iterable, Mapping

import sympy

from ...frontend.equations import is_noise
from ...errors import EquationError
from ...frontend.expressions import Statement as CodeLine, names_in, parse_expression
from ...frontend.temporaries import local_temporaries
from ..integrators import integrate
from ..ir import (Assign, FieldKind, Kernel, MatrixExp, PathwayMode, PathwayOptions, QueueOptions, Statement,
                 SummedOptions, sym)
from .common import (Access, ObjectContext, add_external_fields, build_kernel, check_dims, convert, expression_dims,
                    make_resolver, scalar_context)
from .neurons import frozen_while_refractory, lower_statements
from .linked import add_link_fields, link_scope
from ...objects.events import event_space
from ...objects.pathways import PathwaySpec
from ...objects.synapses import SYNAPSE_NAMES, Synapses
from ..printer import cpp_name, field_ref
from ..symbolic import select
from ...units import second
from ...objects.protocol import SynapsesModel

_SCALAR = Access("double", "", True)
PATHWAY_ORDER = {"pre": -1, "post": 1}  # Brian2's order in the synapses slot
SUMMED_ORDER = -1                       # in the groups slot, before the state updaters
# Every summed target is set to zero before any Synapses adds to it, so several Synapses can
# sum into one variable (Brian2 refuses this; we add the contributions up).
ZERO_ORDER = SUMMED_ORDER - 0.5
# every synapse kernel loops over synapses _s; v_pre and v_post may be one array (no __restrict)
SYNAPSE_LOOP: dict[str, Any] = {"element": "_s", "restrict": False}
PRE, POST = "_pre", "_post"             # kernel parameters: the pre- and postsynaptic groups


class SynapseNames:
    """How synaptic code reaches every name: access paths, dimensions, sympy symbols."""

    def __init__(self, ctx: ObjectContext, struct_ref: str = "_grp") -> None:
        self.ctx = ctx
        syn = self.syn = ctx.obj
        # the pre- and postsynaptic groups, reached through the kernel parameters _pre and _post
        self.roles = ((PRE, ctx.members[id(syn._source_group)]), (POST, ctx.members[id(syn._target_group)]))
        self.access = synapse_access(ctx, syn, struct_ref)
        self.links = [link_scope(syn, struct_ref, ctx.members),  # linked variables, own and the groups'
                      link_scope(syn._source_group, PRE, ctx.members, suffix="_pre", element_index="_ipre"),
                      link_scope(syn._target_group, POST, ctx.members, suffix="_post", element_index="_jpost")]
        for scope in self.links:
            self.access.update(scope.access)
            self.roles += tuple(scope.roles)
        dims = syn._variable_dims()
        dims.update({p.delay_variable: second.dim for p in syn._pathways.values()  # S.up.delay = '...'
                     if p.delay_variable in syn._specs})
        self.dim_of = expression_dims(ctx, dims)
        self.integer_names = {"_ipre", "_jpost", "_source_start", "_target_start", *SYNAPSE_NAMES}
        for suffix, specs in (("", syn._specs), ("_pre", syn._source_group._specs),
                              ("_post", syn._target_group._specs)):
            self.integer_names |= {n + suffix for n, s in specs.items() if s.dtype in ("int32", "int64")}
        self._subexpressions = {eq.name: eq for eq in syn._equations.of_kind("subexpression")
                                if "summed" not in eq.flags}
        self._lowering: set[str] = set()
        self.resolve = make_resolver(ctx, {}, self._base_name)
        self._linked_subexpressions = {**self.links[0].subexpressions, **self.links[1].subexpressions,
                                       **self.links[2].subexpressions}

    def canonical(self, name: str) -> str:
        """The one local name of a variable: ``w``, ``v_pre``, ``v_post`` (unsuffixed ``v``)."""
        syn = self.syn
        if name in syn._specs or name in self._subexpressions or name in SYNAPSE_NAMES or name in syn._links:
            return name
        if name.startswith("_lnk_"):  # what a link to a subexpression reads
            return name
        if name.endswith(("_pre", "_post")):
            return name
        if name in syn._target_group._variable_dims() and name not in ("i", "N"):
            return f"{name}_post"
        return name

    def _base_name(self, name: str) -> sympy.Expr | None:
        if name in self._subexpressions:
            return self._subexpression(name)
        linked = self.canonical(name)
        if linked in self._linked_subexpressions:
            where = f"{self.ctx.where()}, linked variable '{name}'"
            tree = self._linked_subexpressions[linked]
            check_dims(tree, self.dim_of(linked), self.dim_of, where, "the linked subexpression")
            return convert(tree, self.resolve, where)
        canonical = self.canonical(name)
        for scope in self.links:
            if canonical in scope.unavailable:
                raise NotImplementedError(f"{self.ctx.where()}: reading the linked variable '{name}' here is not "
                                          f"supported by neurogen yet ({scope.unavailable[canonical]})")
        if name == "i":
            return sym("_ipre") - sym("_source_start")
        if name == "j":
            return sym("_jpost") - sym("_target_start")
        canonical = self.canonical(name)
        if canonical != name or name.endswith(("_pre", "_post")):
            if canonical not in self.access:
                tree = self.syn._neuron_subexpression(canonical)
                if tree is None:
                    raise NotImplementedError(f"{self.ctx.where()}: reading the name '{name}' of the pre- or "
                                              "postsynaptic group in synaptic code")
                return self._neuron_subexpression(canonical, tree)
            return sym(canonical)
        return None

    def _neuron_subexpression(self, name: str, tree: Any) -> sympy.Expr:
        """A pre-/postsynaptic subexpression (``F_pre``) inlined: evaluated with the synapse's
        pre- or postsynaptic index, as Brian2 does (``u`` of the group read as ``u_pre``)."""
        group, base = self.syn._group_of(name)
        where = f"{self.ctx.where()}, '{name}' ({group.name}, {group._equations[base].describe()})"
        if name in self._lowering:
            raise EquationError(f"{where}: subexpressions refer to each other in a cycle")
        self._lowering.add(name)
        check_dims(tree, group._equations[base].dim, self.dim_of, where, f"'{name}'")
        value = convert(tree, self.resolve, where)
        self._lowering.discard(name)
        return value

    def _subexpression(self, name: str) -> sympy.Expr:
        """A synaptic subexpression as sympy (lowered when first used; cycles are errors)."""
        eq = self._subexpressions[name]
        if name in self._lowering:
            raise EquationError(f"{self.ctx.where()}, {eq.describe()}: subexpressions refer to each other "
                                "in a cycle")
        self._lowering.add(name)
        where = f"{self.ctx.where()}, {eq.describe()}"
        tree = parse_expression(eq.expr, where)
        check_dims(tree, eq.dim, self.dim_of, where, f"'{eq.expr}'")
        value = convert(tree, self.resolve, where)
        self._lowering.discard(name)
        return value


def synapse_access(ctx: ObjectContext, syn: SynapsesModel, struct_ref: str = "_grp") -> dict[str, Access]:
    """Access paths of a synapse kernel (also used by assignments, connect kernels and monitors,
    which reach the synapses through ``struct_ref``); the neuron groups through ``_pre``/``_post``."""
    access = scalar_context(ctx)
    ref = struct_ref
    for name in ("N", "N_pre", "N_post", "_source_start", "_target_start"):
        access[name] = Access("int64_t", field_ref(ref, name), True)
    access["_ipre"] = Access("int32_t", f"{ref}._synaptic_pre", False)
    access["_jpost"] = Access("int32_t", f"{ref}._synaptic_post", False)
    access["N_incoming"] = Access("int64_t", f"{ref}._n_incoming", False, "_jpost")
    access["N_outgoing"] = Access("int64_t", f"{ref}._n_outgoing", False, "_ipre")
    for name, spec in syn._specs.items():
        if not name.startswith("_"):
            access[name] = Access(spec.ctype, field_ref(ref, name) + ("[0]" if spec.shared else ""), spec.shared)
    for pathway in syn._pathways.values():  # hidden delay variables (S.up.delay = '...')
        name = pathway.delay_variable
        if name.startswith("_") and name in syn._specs:
            spec = syn._specs[name]
            access[name] = Access(spec.ctype, field_ref(ref, name) + ("[0]" if spec.shared else ""), spec.shared)
    for suffix, role, index, group in (("_pre", PRE, "_ipre", syn._source_group),
                                       ("_post", POST, "_jpost", syn._target_group)):
        for name, spec in group._specs.items():
            if not name.startswith("_"):
                access[name + suffix] = Access(
                    spec.ctype, field_ref(role, name) + ("[0]" if spec.shared else ""),
                    spec.shared, "" if spec.shared else index)
    return access


def add_synapse_fields(ctx: ObjectContext) -> None:
    """The struct members every synapse kernel may use: variables, sizes, connectivity."""
    syn = ctx.obj
    ctx.add_field("N", "int64_t", FieldKind.INTEGER, "number of synapses")
    ctx.add_field("N_pre", "int64_t", FieldKind.INTEGER, "number of presynaptic neurons")
    ctx.add_field("N_post", "int64_t", FieldKind.INTEGER, "number of postsynaptic neurons")
    ctx.add_field("_source_start", "int64_t", FieldKind.INTEGER, "first presynaptic index in its group")
    ctx.add_field("_target_start", "int64_t", FieldKind.INTEGER, "first postsynaptic index in its group")
    for name, spec in syn._specs.items():
        ctx.add_field(name, spec.ctype, FieldKind.ARRAY, f"{spec.dim or '1'}" if not name.startswith("_")
                      else "index in the parent group, per synapse")
    for name, comment in (("_n_incoming", "synapses per postsynaptic neuron"),
                          ("_n_outgoing", "synapses per presynaptic neuron")):
        ctx.add_field(name, "int64_t", FieldKind.ARRAY, comment)
    add_link_fields(ctx)
    add_external_fields(ctx)


def lower_synapses(ctx: ObjectContext) -> list[Kernel]:
    add_synapse_fields(ctx)
    names = SynapseNames(ctx)
    kernels = []
    clock_driven = _clock_driven(ctx, names)
    if clock_driven is not None:
        kernels.append(clock_driven)
    kernels += _summed(ctx, names)
    for pathway in ctx.obj._pathways.values():
        kernels += _pathway(ctx, names, pathway)
    return kernels


# -- clock-driven equations and summed variables --------------------------------------------

def _differential(ctx: ObjectContext, names: SynapseNames, flag: str) -> list[tuple[Any, sympy.Expr]]:
    equations = []
    for eq in ctx.obj._equations.of_kind("differential"):
        if flag not in eq.flags:
            continue
        where = f"{ctx.where()}, {eq.describe()}"
        tree = parse_expression(eq.expr, where)
        check_dims(tree, eq.dim / second.dim, names.dim_of, where, f"the right-hand side of d{eq.name}/dt")
        equations.append((eq, convert(tree, names.resolve, where)))
    return equations


def _clock_driven(ctx: ObjectContext, names: SynapseNames) -> Kernel | None:
    equations = _differential(ctx, names, "clock-driven")
    if not equations:
        return None
    integration = integrate([(eq.name, rhs) for eq, rhs in equations], ctx.obj.method)
    statements: list[Statement] = list(integration.statements)
    for (eq, _), (name, update) in zip(equations, integration.updates):
        statements.append(Assign(f"_{name}_new", update, declare=True, comment=eq.line))
    statements += [Assign(eq.name, sym(f"_{eq.name}_new")) for eq, _ in equations]
    return build_kernel(ctx, name="stateupdate", template="vector", when="groups", order=ctx.obj.order,
                        statements=statements, access=names.access, writes=[eq.name for eq, _ in equations],
                        integer_names=names.integer_names, roles=names.roles,
                        comment=[f"clock-driven synaptic equations ({integration.method})"],
                        sort_name=f"{ctx.obj.name}_stateupdater", **SYNAPSE_LOOP)


def _summed(ctx: ObjectContext, names: SynapseNames) -> list[Kernel]:
    kernels = []
    for eq in ctx.obj._equations.of_kind("subexpression"):
        if "summed" not in eq.flags:
            continue
        where = f"{ctx.where()}, {eq.describe()}"
        tree = parse_expression(eq.expr, where)
        check_dims(tree, eq.dim, names.dim_of, where, f"'{eq.expr}'")
        post = eq.name.endswith("_post")
        variable = eq.name[:-5] if post else eq.name[:-4]
        group = ctx.obj._target_group if post else ctx.obj._source_group
        spec = group._specs.get(variable)
        if spec is not None and spec.ctype != "double":
            raise NotImplementedError(f"{where}: a (summed) variable of type {spec.dtype} ('{variable}'); "
                                      "only floating-point variables can be summed into yet")
        statement = Assign("_summed", convert(tree, names.resolve, where), declare=True, comment=eq.line)
        target = SummedOptions(field_ref(POST if post else PRE, variable), "_target_start" if post else "_source_start",
                               cpp_name("N_post" if post else "N_pre"))
        index = "_jpost" if post else "_ipre"
        kernels.append(build_kernel(
            ctx, name=f"zero_{eq.name}", template="summed_zero", when="groups", order=ZERO_ORDER,
            statements=(), access={}, roles=names.roles, comment=[f"summed variable {eq.name}: start from zero"],
            options=target))
        kernels.append(build_kernel(
            ctx, name=f"summed_{eq.name}", template="summed", when="groups", order=SUMMED_ORDER,
            statements=[statement], access=names.access, reads=["_jpost" if post else "_ipre"],
            integer_names=names.integer_names, roles=names.roles,
            comment=[f"summed variable: {eq.line}"],
            outputs=("_summed", index), options=replace(target, index=index), **SYNAPSE_LOOP))
    return kernels


# -- pathways -------------------------------------------------------------------------------

def _pathway(ctx: ObjectContext, names: SynapseNames, pathway: PathwaySpec) -> list[Kernel]:
    """One pathway's kernel in the ``synapses`` slot (and, when it is queued, the kernels that
    load and save its spikes in transit). Its events come from the source (``pre`` side) or the
    target (``post``); it is queued when it has a delay (a postsynaptic one only when given)."""
    syn = ctx.obj
    temporaries = local_temporaries(pathway.statements, syn._code_names(), f"{ctx.where()}, {pathway.where}")
    code = [CodeLine(names.canonical(c.target), c.op, c.expr, c.line, c.lineno) for c in pathway.statements]
    statements, writes = _event_driven(ctx, names)
    body, body_writes = lower_statements(ctx, code, names.dim_of, names.resolve, pathway.where, temporaries)
    guards, restores = _refractory_guards(names, body_writes)
    statements += guards + body + restores
    writes += [w for w in body_writes if w not in writes]
    if "lastupdate" in syn._specs:
        statements.append(Assign("lastupdate", sym("t"), comment="event-driven variables are up to date"))
        writes.append("lastupdate")
    delay = syn._specs.get(pathway.delay_variable)
    mode: PathwayMode = ("direct" if delay is None else "homogeneous" if delay.shared else "heterogeneous")
    key, side = pathway.key, pathway.side
    _add_pathway_fields(ctx, key, side, queue=mode != "direct")
    options = PathwayOptions(key, mode, PRE if side == "pre" else POST, _needs_order(code, names, temporaries), side,
                             field_ref("_grp", pathway.delay_variable),
                             event_space(syn._source_group if side == "pre" else syn._target_group, pathway.event))
    kernel = build_kernel(
        ctx, name=key, template="pathway", when="synapses", order=PATHWAY_ORDER[side],
        statements=statements, access=names.access, writes=writes, integer_names=names.integer_names,
        roles=names.roles, comment=[f"{pathway.where}: {c.line}" for c in code],
        draws=f"on_{key}" if key == side else key, options=options, sort_name=f"{syn.name}_{pathway.name}",
        **SYNAPSE_LOOP)
    kernels = [kernel]
    if mode != "direct":
        for phase in ("prepare", "finish"):
            kernels.append(build_kernel(
                ctx, name=f"{key}_{phase}", template=f"queue_{phase}", when="start", order=0,
                statements=(), access={}, comment=[f"{phase} the spikes in transit of {pathway.where}"],
                phase=phase, options=QueueOptions(key, mode, options.delay)))
    return kernels


def _add_pathway_fields(ctx: ObjectContext, key: str, side: str, queue: bool) -> None:
    fields = [
        (f"_{key}_order", "std::vector<int32_t>", FieldKind.INTERNAL, "synapses of one step, sorted"),
        (f"_{side}_offsets", "int64_t", FieldKind.ARRAY, "first synapse of each neuron (CSR)"),
        (f"_{side}_synapses", "int32_t", FieldKind.ARRAY, "synapses ordered by neuron (CSR; empty if in order)"),
        (f"_{side}_in_order", "int64_t", FieldKind.INTEGER, "1: synapses are stored in neuron order"),
    ]
    if queue:
        fields += _queue_fields(key)
    for name, ctype, kind, comment, *carried_from in fields:
        ctx.add_field(name, ctype, kind, comment, *carried_from)


def _queue_fields(pathway: str) -> list[tuple[str, ...]]:
    """The queue, and the spikes in transit it loads before a run (carried from the pending
    spikes of the last run: ``binding.Carry``) and writes out after it."""
    pending_items, pending_steps = f"_{pathway}_pending_items", f"_{pathway}_pending_steps"
    return [
        (f"_{pathway}_queue", "ng::SpikeQueue", FieldKind.INTERNAL, "spikes in transit"),
        (f"_{pathway}_queue_items", "int32_t", FieldKind.ARRAY, "spikes in transit at the start of the run",
         pending_items),
        (f"_{pathway}_queue_steps", "int64_t", FieldKind.ARRAY, "their delivery steps", pending_steps),
        (f"_{pathway}_queue_n", "int64_t", FieldKind.INTEGER, "how many", pending_items),
        (f"_{pathway}_queue_dt", "double", FieldKind.SCALAR, "dt of the synapses' clock their steps were made with"),
        (f"_{pathway}_queue_every", "int64_t", FieldKind.INTEGER, "network steps per step of that clock"),
        (pending_items, "int32_t", FieldKind.DYNAMIC, "spikes in transit at the end of the run"),
        (pending_steps, "int64_t", FieldKind.DYNAMIC, "their delivery steps"),
    ]


def _needs_order(code: list[CodeLine], names: SynapseNames, temporaries: Iterable[str] = ()) -> bool:
    """Whether delivery must follow synapse order: a neuron variable is set (``=``) or read back.

    ``+=``/``-=`` into neuron variables commute, so any fixed order gives the same sums; with
    ``I = w`` the last synapse in index order wins, as Brian2 documents.
    """
    neuron_writes = {c.target for c in code if c.target not in names.syn._specs and c.target not in temporaries}
    if any(c.op not in ("+=", "-=") for c in code if c.target in neuron_writes):
        return True
    read = set()
    for c in code:
        read |= {names.canonical(n) for n in names_in(parse_expression(c.expr, c.line))[0]}
    return bool(read & neuron_writes)


def unless_refractory_suffix(syn: SynapsesModel, name: str) -> str | None:
    """``'_pre'``/``'_post'`` when synaptic code's ``name`` is an ``(unless refractory)`` variable
    of the pre-/postsynaptic group (a write to it is dropped while that neuron is refractory);
    None otherwise (a synaptic variable, or a neuron variable that is not frozen)."""
    group, base = syn._group_of(name)
    if group is None or name in syn._specs or not frozen_while_refractory(group, base):
        return None
    return name[len(base):]


def _refractory_guards(names: SynapseNames, writes: list[str]) -> tuple[list[Statement], list[Statement]]:
    """Writes to an ``(unless refractory)`` neuron variable have no effect while it is refractory
    (Brian2 does the same: ``v += w`` arriving during the refractory period is dropped)."""
    guards, restores = [], []
    for name in writes:
        suffix = unless_refractory_suffix(names.syn, name)
        if suffix is not None:
            base = name[:len(name) - len(suffix)]
            old = f"_{name}_before"
            guards.append(Assign(old, sym(name), declare=True))
            restores.append(Assign(name, select(sym(f"not_refractory{suffix}"), sym(name), sym(old)),
                                   comment=f"{base} is (unless refractory)"))
    return guards, restores


def _event_driven(ctx: ObjectContext, names: SynapseNames) -> tuple[list[Statement], list[str]]:
    """Bring the event-driven variables from ``lastupdate`` to ``t``, solved exactly."""
    equations = _differential(ctx, names, "event-driven")
    if not equations:
        return [], []
    event_names = {eq.name for eq, _ in equations}
    for eq, rhs in equations:
        if any(is_noise(s.name) for s in rhs.free_symbols):  # as Brian2: no exact solution with noise
            raise EquationError(f"{ctx.where()}, {eq.describe()}: an event-driven equation cannot have "
                                "white noise (xi); make it (clock-driven)")
        others = {s.name for s in rhs.free_symbols} - event_names
        bad = sorted(n for n in others if _is_state(ctx.obj, n) or names.access.get(n, _SCALAR).index)
        if bad:
            raise EquationError(f"{ctx.where()}, {eq.describe()}: an event-driven equation may only use "
                                f"event-driven variables and constants, not {', '.join(bad)}")
    try:
        integration = integrate([(eq.name, rhs) for eq, rhs in equations], "exact")
    except EquationError as err:
        raise EquationError(f"{ctx.where()}: event-driven equations must be linear with an exact "
                            f"solution: {err}") from None
    elapsed = {sym("dt"): sym("_elapsed")}
    statements: list[Statement] = [Assign("_elapsed", sym("t") - sym("lastupdate"), declare=True,
                                          comment="time since the last event of this synapse")]
    for stmt in integration.statements:
        statements.append(_substitute(stmt, elapsed))
    for (eq, _), (name, update) in zip(equations, integration.updates):
        statements.append(Assign(f"_{name}_new", update.xreplace(elapsed), declare=True, comment=eq.line))
    statements += [Assign(eq.name, sym(f"_{eq.name}_new")) for eq, _ in equations]
    return statements, [eq.name for eq, _ in equations]


def _is_state(syn: SynapsesModel, name: str) -> bool:
    return name in syn._equations and syn._equations[name].kind == "differential"


def _substitute(stmt: Statement, mapping: Mapping[sympy.Expr, sympy.Expr]) -> Statement:
    if isinstance(stmt, Assign):
        return replace(stmt, expr=stmt.expr.xreplace(mapping))
    return MatrixExp(stmt.target, stmt.size, tuple(e.xreplace(mapping) for e in stmt.matrix), stmt.comment)


LOWERERS: dict[type, Callable[[ObjectContext], list[Kernel]]] = {Synapses: lower_synapses}
