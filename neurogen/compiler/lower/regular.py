"""``CodeRunner`` (``run_regularly``) → kernels on its group's arrays, in the runner's own slot.

Brian2 runs a code block as *scalar* statements (those writing shared variables, once per
call) and then *vector* statements (once per element); every scalar write must come before
the first vector write, and a scalar write may not read a per-element value (Brian2's
``SyntaxError``s, here ``SharedWriteError``). So a runner becomes up to two kernels of its own
object: ``scalar`` (one element, index 0 of the shared arrays) and ``regular`` (a loop over the
group's elements: neurons, or synapses with their pre- and postsynaptic names). Both reach the
group through the ``_src`` parameter; ``_grp`` is the runner (its clock ``_every``, ``_dt``, its
random stream and the external constants of its code).
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from ...errors import EquationError, SharedWriteError
from ...frontend.expressions import Statement as CodeLine, parse_expression
from ...objects.protocol import CodeRunnerModel, ModelGroup
from ...objects.runner import CodeRunner
from ...objects.synapses import Synapses
from ...units import DIMENSIONLESS
from ..analysis import free_names
from ..ir import Assign, FieldKind, Kernel, RunnerOptions, Statement, sym
from ..printer import field_ref
from .common import (Access, ObjectContext, add_external_fields, build_kernel, check_dims, convert, expression_dims,
                     make_resolver, scalar_context)
from .assignment import subgroup_names
from .linked import link_scope
from .neurons import integer_names, lower_statements, lower_subexpressions, variable_access
from .synapses import SYNAPSE_LOOP, SynapseNames

SCALAR_ELEMENT = "_e"  # the scalar kernel's one element: index 0 of every shared array


class _Names:
    """How the runner's code reaches its group's names (neurons or synapses)."""

    def __init__(self, ctx: ObjectContext, gctx: ObjectContext) -> None:
        group = gctx.obj
        self.roles: tuple[tuple[str, str], ...] = ()
        self.loop: dict[str, Any] = {}
        if isinstance(group, Synapses):  # Synapses: i, j, v_pre, v_post, as in on_pre code
            names = SynapseNames(gctx, "_src")
            self.access, self.dim_of, self.resolve = names.access, names.dim_of, names.resolve
            self.canonical: Callable[[str], str] = names.canonical
            self.integer_names: set[str] = names.integer_names
            self.roles, self.loop = names.roles, SYNAPSE_LOOP
        else:  # a neuron group, or a subgroup: its range [_subgroup_start, +_subgroup_N) of the parent
            self.dim_of = expression_dims(gctx, group._variable_dims())
            self.resolve = make_resolver(gctx, lower_subexpressions(gctx, self.dim_of), subgroup_names)
            self.access = scalar_context(ctx)
            self.access["N"] = Access("int64_t", field_ref("_src", "N"), True)
            for name, comment in (("_subgroup_start", "first element it runs on (0, or a subgroup's start)"),
                                  ("_subgroup_N", "number of elements it runs on (N, or a subgroup's size)")):
                ctx.add_field(name, "int64_t", FieldKind.INTEGER, comment)
                self.access[name] = Access("int64_t", field_ref("_grp", name), True)
            self.access.update(variable_access(group, "_src"))
            links = link_scope(group, "_src", ctx.members)  # linked variables: the other group's arrays
            self.access.update(links.access)
            self.roles = tuple(links.roles)
            self.canonical = lambda name: name
            self.integer_names = integer_names(group)


def lower_runner(ctx: ObjectContext) -> list[Kernel]:
    runner: CodeRunnerModel = ctx.obj  # type: ignore[assignment]
    group: ModelGroup = runner.group
    gctx = ObjectContext(group, ctx.members[id(group)], ctx.externals, ctx.members)
    add_external_fields(ctx)
    names = _Names(ctx, gctx)
    code = [CodeLine(names.canonical(s.target), s.op, s.expr, s.line, s.lineno) for s in runner._statements]
    where = runner._where()
    _refuse_temporaries(code, group, where)
    shared = [c for c in code if _is_shared(group, c.target)]
    first_vector = next((k for k, c in enumerate(code) if not _is_shared(group, c.target)), len(code))
    late = [c for c in code[first_vector:] if _is_shared(group, c.target)]
    if late:
        raise SharedWriteError(f"{where}, line '{late[0].line}': all writes to shared variables have to come "
                               f"before writes to per-element variables (as in Brian2); move '{late[0].target}' up")
    kernels = []
    source = ctx.members[id(group)]
    events = runner._on_events
    if events:  # run_at: the steps of its event clock, bound at every run
        ctx.add_field("_event_steps", "int64_t", FieldKind.ARRAY, "steps it runs in (sorted)")
        ctx.add_field("_n_events", "int64_t", FieldKind.INTEGER, "number of those steps")
    common = dict(when=runner.when, order=runner.order, source=source, roles=names.roles,
                  integer_names=names.integer_names,
                  options=RunnerOptions(events, ranged=not isinstance(group, Synapses)))
    if shared:
        statements, writes = _scalar_statements(gctx, shared, names, where)
        kernels.append(build_kernel(ctx, name="scalar", template="scalar", statements=statements,
                                    access=_one_element(names.access), writes=writes, element=SCALAR_ELEMENT,
                                    comment=[f"run_regularly, shared variables: {c.line}" for c in shared],
                                    **common))
    vector = code[first_vector:]
    if vector:
        statements, writes = lower_statements(gctx, vector, names.dim_of, names.resolve, "run_regularly")
        kernels.append(build_kernel(ctx, name="regular", template="regular", statements=statements,
                                    access=names.access, writes=writes,
                                    comment=[f"run_regularly: {c.line}" for c in vector], **common, **names.loop))
    return kernels


def _is_shared(group: ModelGroup, name: str) -> bool:
    spec = group._specs.get(name)
    return spec is not None and spec.shared


def _refuse_temporaries(code: Iterable[CodeLine], group: ModelGroup, where: str) -> None:
    """Names the code assigns that are not variables would be local temporaries in Brian2;
    not supported here yet (statement lowering does not declare them)."""
    for c in code:
        if c.target not in group._specs and not c.target.endswith(("_pre", "_post")):
            raise NotImplementedError(
                f"{where}, line '{c.line}': '{c.target}' is not a variable of '{group.name}'; local "
                "temporaries in run_regularly code are not supported by neurogen yet (write the expression "
                "into the statements that use it)")


def _one_element(access: dict[str, Access]) -> dict[str, Access]:
    """The scalar kernel reaches each shared variable as element 0 of its array, so the
    passes treat it as a value that changes within the call (never hoisted above a write)."""
    found = dict(access)
    for name, a in access.items():
        if a.scalar and a.source.startswith(("_src.", "_pre.", "_post.")) and a.source.endswith("[0]"):
            found[name] = Access(a.ctype, a.source[:-3], False)
    return found


def _scalar_statements(gctx: ObjectContext, code: list[CodeLine], names: _Names,
                       where: str) -> tuple[list[Statement], list[str]]:
    """Writes to shared variables, each checked like a reset line and refused (Brian2's
    ``SyntaxError``) when it reads a per-element value."""
    statements: list[Statement] = []
    writes: list[str] = []
    for c in code:
        here = f"{where}, line '{c.line}'"
        tree = parse_expression(c.expr, here)
        target_dim = names.dim_of(c.target)
        check_dims(tree, DIMENSIONLESS if c.op in ("*=", "/=") else target_dim, names.dim_of, here, f"'{c.expr}'")
        value = convert(tree, names.resolve, here)
        per_element = sorted(n for n in free_names([Assign(c.target, value)])
                             if n == "i" or (n in names.access and not names.access[n].scalar))
        if per_element:
            raise SharedWriteError(f"{here}: cannot write to the shared variable '{c.target}' with an expression "
                                   f"referring to the per-element variable '{per_element[0]}' (as in Brian2)")
        if c.op == "/=" and value.is_number and value.is_zero:
            raise EquationError(f"{here}: division by zero")
        old = sym(c.target)
        value = {"=": value, "+=": old + value, "-=": old - value, "*=": old * value, "/=": old / value}[c.op]
        statements.append(Assign(c.target, value, comment=c.line))
        if c.target not in writes:
            writes.append(c.target)
    return statements, writes


LOWERERS = {CodeRunner: lower_runner}
