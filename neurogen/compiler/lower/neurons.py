"""NeuronGroup → kernels: state update, threshold, reset (Brian2's refractoriness rules).

Refractoriness as Brian2 documents it: a spiking neuron stays refractory while
``timestep(t - lastspike) < timestep(refractory)``; variables flagged ``(unless refractory)``
are not integrated then, and the threshold is not tested.
"""
from __future__ import annotations

import ast
from typing import Any, Mapping

import sympy

from ...errors import DimensionMismatchError, EquationError, NotAConditionError
from ...frontend.expressions import infer_dims, is_condition, names_in, parse_expression
from ...frontend.temporaries import local_temporaries
from ..integrators import integrate
from ..ir import Assign, FieldKind, Kernel, ResetOptions, Statement, ThresholdOptions, sym
from ..printer import field_ref
from .common import (Access, ObjectContext, add_external_fields, build_kernel, check_dims, convert, expression_dims,
                    make_resolver, scalar_context)
from .linked import add_link_fields, link_scope
from ...objects.events import SPIKE, EventCode, event_space
from ...objects.neurongroup import NeuronGroup
from ...objects.poissongroup import PoissonGroup
from ..symbolic import and_, ge, not_, or_, select, timestep
from ...units import DIMENSIONLESS, second
from ...objects.protocol import ModelGroup



def integer_names(group: ModelGroup) -> set[str]:
    """Names the printer reads as ``double(...)`` so that ``i / N`` divides as in Python."""
    return {"i", "N"} | {n for n, s in group._specs.items() if s.dtype in ("int32", "int64")}


def frozen_while_refractory(group: ModelGroup, name: str) -> bool:
    """An ``(unless refractory)`` variable of a group with refractoriness: neither its equation
    nor an input (synapse, PoissonInput) changes it while the neuron is refractory."""
    equations = group._equations
    return (group._refractory is not False and equations is not None
            and name in equations and "unless refractory" in equations[name].flags)


def variable_access(group: ModelGroup, struct_ref: str) -> dict[str, Access]:
    """How a kernel reads the stored variables of ``group`` through ``struct_ref``."""
    return {name: Access(spec.ctype, field_ref(struct_ref, name) + ("[0]" if spec.shared else ""),
                         spec.shared) for name, spec in group._specs.items()}


def lower_neurongroup(ctx: ObjectContext) -> list[Kernel]:
    group = ctx.obj
    dims = group._variable_dims()
    dim_of = expression_dims(ctx, dims)
    subexpressions = lower_subexpressions(ctx, dim_of)
    resolve = make_resolver(ctx, subexpressions)
    access = group_access(ctx)
    roles = tuple(link_scope(group, "_grp", ctx.members).roles)  # the groups its linked variables read
    ints = integer_names(group)
    kernels = [_constant_over_dt(ctx, dim_of, resolve, access, ints, roles),
               _state_update(ctx, dim_of, resolve, access, ints, roles)]
    if group.threshold is not None:
        kernels.append(_threshold(ctx, dim_of, resolve, access, ints, roles=roles))
    for event in group._events:
        kernels.append(_threshold(ctx, dim_of, resolve, access, ints, event, roles))
    codes = list(group._event_code.values())
    if group.threshold is not None and group._reset_statements:
        codes.insert(0, EventCode(SPIKE, group.reset, group._reset_statements, "resets", None))
    for code in codes:
        kernels.append(_reset(ctx, dim_of, resolve, access, ints, code, roles))
    ctx.add_field("N", "int64_t", FieldKind.INTEGER, "number of neurons")
    return [k for k in kernels if k is not None]


def group_access(ctx: ObjectContext) -> dict[str, Access]:
    group = ctx.obj
    access = scalar_context(ctx)
    access["N"] = Access("int64_t", field_ref("_grp", "N"), True)
    access.update(variable_access(group, "_grp"))
    access.update(link_scope(group, "_grp", ctx.members).access)
    for name, spec in group._specs.items():
        ctx.add_field(name, spec.ctype, FieldKind.ARRAY, f"{spec.dim or '1'}")
    add_link_fields(ctx)
    add_external_fields(ctx)
    if group._refractory is not False and not isinstance(group._refractory, str):
        ctx.add_field("_refractory", "double", FieldKind.SCALAR, "refractory period, second")
        access["_refractory"] = Access("double", "_grp._refractory", True)
    return access


def lower_subexpressions(ctx: ObjectContext, dim_of: Any) -> dict[str, sympy.Expr]:
    """Each subexpression as sympy, with the subexpressions it uses substituted (checked for cycles)."""
    group = ctx.obj
    pending = {eq.name: eq for eq in group._equations.of_kind("subexpression")}
    done: dict[str, sympy.Expr] = {}
    links = link_scope(group, "_grp", ctx.members)
    for name, tree in links.subexpressions.items():  # a link to another group's subexpression
        where = f"{ctx.where()}, linked variable '{name}'"
        check_dims(tree, group._equations[name].dim, dim_of, where, "the linked subexpression")
        done[name] = convert(tree, make_resolver(ctx, {}), where)
    while pending:
        progressed = False
        for name, eq in list(pending.items()):
            tree = parse_expression(eq.expr, f"{ctx.where()}, {eq.describe()}")
            if names_in(tree)[0] & set(pending) - {name}:
                continue
            if name in names_in(tree)[0]:
                raise EquationError(f"{ctx.where()}, {eq.describe()}: subexpression refers to itself")
            check_dims(tree, eq.dim, dim_of, f"{ctx.where()}, {eq.describe()}", f"'{eq.expr}'")
            done[name] = convert(tree, make_resolver(ctx, done), eq.describe())
            del pending[name]
            progressed = True
        if not progressed:
            raise EquationError(f"{ctx.where()}: subexpressions {sorted(pending)} depend on each other in a cycle")
    return done


def _not_refractory(ctx: ObjectContext, dim_of: Any, resolve: Any) -> tuple[list[Statement], list[str]]:
    """Statements computing ``not_refractory`` at the start of the state update."""
    group = ctx.obj
    if group._refractory is False:
        return [], []
    t, lastspike = sym("t"), sym("lastspike")
    if isinstance(group._refractory, str):
        where = f"{ctx.where()}, refractory"
        tree = parse_expression(group._refractory, where)
        dim = check_refractory_dims(tree, dim_of, where, _boolean_variables(group))
        value = convert(tree, resolve, where)
        if dim == DIMENSIONLESS:  # a condition: refractoriness (set by a spike) ends once it fails
            value = or_(sym("not_refractory"), not_(value))
            return [Assign("not_refractory", value, comment=f"refractory: {group._refractory}")], ["not_refractory"]
    else:
        value = sym("_refractory")
    margin = (timestep(value, sym("dt")) - sympy.Rational(1, 2)) * sym("dt")
    return [
        Assign("_refractory_until", margin, declare=True, comment="refractory period, in whole steps"),
        Assign("not_refractory", ge(t - lastspike, sym("_refractory_until")),
               comment="timestep(t - lastspike) >= timestep(refractory)"),
    ], ["not_refractory"]


def _boolean_variables(group: ModelGroup) -> set[str]:
    """Boolean variables and subexpressions (``refractory='b'`` may name either)."""
    return ({name for name, spec in group._specs.items() if spec.dtype == "bool"}
            | {eq.name for eq in group._equations.of_kind("subexpression") if eq.dtype == "boolean"})


def check_refractory_dims(tree: Any, dim_of: Any, where: str, booleans: set[str] = frozenset()) -> Any:
    """A time, or a condition (a comparison, logic, or a boolean variable: refractory='b')."""
    dim = infer_dims(tree, dim_of, where)
    if is_condition(tree, booleans):
        return DIMENSIONLESS
    if dim == DIMENSIONLESS:
        raise NotAConditionError(f"{where}: '{ast.unparse(tree)}' is dimensionless but not a boolean expression; "
                                 "refractory must be a time or a condition (Brian2 refuses it too)")
    if dim != second.dim:
        raise DimensionMismatchError(f"{where}: expected a time or a condition", dim)
    return dim


def _constant_over_dt(ctx: ObjectContext, dim_of: Any, resolve: Any, access: Mapping[str, Access],
                      integer_names: set[str], roles: tuple[tuple[str, str], ...] = ()) -> Kernel | None:
    """Brian2's subexpression update: each ``(constant over dt)`` subexpression stored once per
    step, in model order, before everything else of the step (``before_start``), also while refractory."""
    group = ctx.obj
    flagged = [eq for eq in group._equations.of_kind("parameter") if "constant over dt" in eq.flags]
    if not flagged:
        return None
    statements = []
    for eq in flagged:
        where = f"{ctx.where()}, {eq.describe()}"
        tree = parse_expression(eq.expr, where)
        check_dims(tree, eq.dim, dim_of, where, f"'{eq.expr}'")
        statements.append(Assign(eq.name, convert(tree, resolve, where), comment=eq.line))
    return build_kernel(ctx, name="subexpression_update", template="vector", when="before_start",
                        order=group.order, statements=statements, access=access,
                        writes=[eq.name for eq in flagged], integer_names=integer_names, roles=roles,
                        draws="subexpression_update", comment=["(constant over dt) subexpressions"])


def _state_update(ctx: ObjectContext, dim_of: Any, resolve: Any, access: Mapping[str, Access],
                  integer_names: set[str], roles: tuple[tuple[str, str], ...] = ()) -> Kernel | None:
    group = ctx.obj
    statements, writes = _not_refractory(ctx, dim_of, resolve)
    diff = group._equations.of_kind("differential")
    equations = []
    for eq in diff:
        where = f"{ctx.where()}, {eq.describe()}"
        tree = parse_expression(eq.expr, where)
        check_dims(tree, eq.dim / second.dim, dim_of, where, f"the right-hand side of d{eq.name}/dt")
        equations.append((eq.name, convert(tree, resolve, where)))
    if not equations and not statements:
        return None
    if equations:
        integration = integrate(equations, group.method)
        statements += list(integration.statements)
        for eq, (name, update) in zip(diff, integration.updates):
            statements.append(Assign(f"_{name}_new", update, declare=True, comment=eq.line))
        for eq in diff:
            new = sym(f"_{eq.name}_new")
            value = select(sym("not_refractory"), new, sym(eq.name)) if frozen_while_refractory(group, eq.name) else new
            statements.append(Assign(eq.name, value))
            writes.append(eq.name)
        method = integration.method
    else:
        method = "none"
    return build_kernel(ctx, name="stateupdate", template="vector", when="groups", order=group.order,
                        statements=statements, access=access, writes=writes, roles=roles,
                        integer_names=integer_names, comment=[f"state update ({method})"],
                        sort_name=f"{group.name}_stateupdater")


def _event_key(group: ModelGroup, event: str) -> str:
    """Names the kernels of an event: ``""`` for the spike, ``event<k>_`` for the k-th custom event."""
    return "" if event == SPIKE else event_space(group, event)[1:-len("space")]


def _threshold(ctx: ObjectContext, dim_of: Any, resolve: Any, access: Mapping[str, Access],
               integer_names: set[str], event: str = SPIKE,
               roles: tuple[tuple[str, str], ...] = ()) -> Kernel:
    """The test of an event's condition; only the spike's is blocked by (and starts) refractoriness."""
    group = ctx.obj
    text = group.threshold if event == SPIKE else group._events[event]
    what = "threshold" if event == SPIKE else f"events['{event}']"
    where = f"{ctx.where()}, {what}"
    tree = parse_expression(text, where)
    check_dims(tree, DIMENSIONLESS, dim_of, where, f"'{text}'")
    condition = convert(tree, resolve, where)
    refractory = group._refractory is not False and event == SPIKE
    if refractory:
        condition = and_(condition, sym("not_refractory"))
    key = _event_key(group, event)
    when, order = group._event_slot(event)
    return build_kernel(ctx, name=f"{key}thresholder", template="threshold", when=when, order=order,
                        statements=(), access=access, condition=condition, integer_names=integer_names,
                        roles=roles, comment=[f"{what}: {text}"], draws=f"{key}threshold" if key else None,
                        options=ThresholdOptions(refractory, event_space(group, event)),
                        sort_name=f"{group.name}_{event}_thresholder")


def _reset(ctx: ObjectContext, dim_of: Any, resolve: Any, access: Mapping[str, Access],
           integer_names: set[str], code: EventCode,
           roles: tuple[tuple[str, str], ...] = ()) -> Kernel:
    """Code run for the neurons that had an event (``reset``: the spike's, in ``resets``)."""
    group = ctx.obj
    what = "reset" if code.when == "resets" and code.event == SPIKE else f"run_on_event({code.event!r})"
    temporaries = local_temporaries(code.statements, group._code_names(), f"{ctx.where()}, {what}")
    statements, writes = lower_statements(ctx, code.statements, dim_of, resolve, what, temporaries)
    key = _event_key(group, code.event)
    return build_kernel(ctx, name=f"{key}resetter", template="reset", when=code.when,
                        order=group.order if code.order is None else code.order,
                        statements=statements, access=access, writes=writes, integer_names=integer_names,
                        roles=roles,
                        comment=[f"{what}: {s.line}" for s in code.statements], draws=f"{key}reset" if key else None,
                        options=ResetOptions(event_space(group, code.event)),
                        sort_name=f"{group.name}_{code.event}_resetter")


def lower_statements(ctx: ObjectContext, source: Any, dim_of: Any, resolve: Any, what: str,
                     temporaries: Mapping[str, bool] | None = None) -> tuple[list[Statement], list[str]]:
    """``x op= expr`` lines → assignments, each checked against the target's units.

    ``temporaries`` (from :func:`neurogen.frontend.temporaries.local_temporaries`): the block's
    local names, each with whether it is assigned more than once. A local is a C++ local
    (``const double``, or a plain ``double`` when assigned again) whose units are those of its
    first right-hand side; from its first assignment on, its name means the local, not any
    outside value of that name. Locals are not among the returned writes."""
    temporaries = temporaries or {}
    local_dims: dict[str, Any] = {}

    def local_dim_of(name: str) -> Any:
        return local_dims[name] if name in local_dims else dim_of(name)

    def local_resolve(name: str) -> Any:
        return sym(name) if name in local_dims else resolve(name)

    statements: list[Statement] = []
    writes: list[str] = []
    for stmt in source:
        where = f"{ctx.where()}, {what} line '{stmt.line}'"
        tree = parse_expression(stmt.expr, where)
        if stmt.target in temporaries:
            statements.append(_local_assignment(stmt, tree, where, local_dims, local_dim_of, local_resolve,
                                                temporaries[stmt.target]))
            continue
        spec = ctx.obj._specs.get(stmt.target)
        if spec is not None and spec.shared and what == "assignment":
            raise NotImplementedError(
                f"{where}: a string expression for the shared variable '{stmt.target}' is not supported "
                "yet (Brian2 accepts one that uses only shared values, such as 'rand()' or 'N + 1'); "
                f"assign a number instead ({ctx.obj.name}.{stmt.target} = value)")
        if spec is not None and spec.shared:
            raise NotImplementedError(
                f"{where}: writing the shared variable '{stmt.target}' from per-neuron code "
                "(Brian2 refuses this too; use a per-neuron variable)")
        target_dim = dim_of(stmt.target)
        expected = DIMENSIONLESS if stmt.op in ("*=", "/=") else target_dim
        check_dims(tree, expected, local_dim_of, where, f"'{stmt.expr}'")
        value = _combined(stmt, convert(tree, local_resolve, where), where)
        statements.append(Assign(stmt.target, value, comment=stmt.line))
        if stmt.target not in writes:
            writes.append(stmt.target)
    return statements, writes


def _local_assignment(stmt: Any, tree: Any, where: str, local_dims: dict[str, Any], dim_of: Any,
                      resolve: Any, reassigned: bool) -> Assign:
    """One assignment to a local temporary: its first declares it (its units: the right-hand
    side's), later ones must keep its units (Brian2's DimensionMismatchError otherwise)."""
    if stmt.target not in local_dims:
        local_dims[stmt.target] = infer_dims(tree, dim_of, where)
        value = convert(tree, resolve, where)
        return Assign(stmt.target, value, declare=True, comment=stmt.line, mutable=reassigned)
    expected = DIMENSIONLESS if stmt.op in ("*=", "/=") else local_dims[stmt.target]
    check_dims(tree, expected, dim_of, where, f"'{stmt.expr}'")
    return Assign(stmt.target, _combined(stmt, convert(tree, resolve, where), where), comment=stmt.line)


def _combined(stmt: Any, value: sympy.Expr, where: str) -> sympy.Expr:
    """The value stored by ``target op= value``."""
    return combined(stmt.op, sym(stmt.target), value, where)


def combined(op: str, old: sympy.Expr, value: sympy.Expr, where: str) -> sympy.Expr:
    """``old op= value`` as the value it stores (``old`` the target, or an expression for it)."""
    if op == "/=" and value.is_number and value.is_zero:
        raise EquationError(f"{where}: division by zero")
    return {"=": value, "+=": old + value, "-=": old - value, "*=": old * value, "/=": old / value}[op]


LOWERERS = {NeuronGroup: lower_neurongroup, PoissonGroup: lower_neurongroup}
