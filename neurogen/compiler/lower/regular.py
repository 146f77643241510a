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

from ...errors import SharedWriteError
from ...frontend.expressions import Statement as CodeLine, infer_dims, names_in, parse_expression
from ...frontend.temporaries import local_temporaries
from ...objects.protocol import CodeRunnerModel, ModelGroup
from ...objects.runner import CodeRunner
from ...objects.synapses import Synapses
from ...units import DIMENSIONLESS
from ..analysis import free_names
from ..ir import Assign, FieldKind, Kernel, RunnerOptions, Statement, sym
from ..printer import field_ref
from ..symbolic import select
from .common import (Access, ObjectContext, add_external_fields, build_kernel, check_dims, convert, expression_dims,
                     make_resolver, scalar_context)
from .assignment import subgroup_names
from .linked import link_scope
from .neurons import (combined, frozen_while_refractory, integer_names, lower_statements, lower_subexpressions,
                      variable_access)
from .synapses import SYNAPSE_LOOP, SynapseNames, unless_refractory_suffix

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
    where = runner._where()
    temporaries = local_temporaries(runner._statements, group._code_names(), where)
    code = [CodeLine(s.target if s.target in temporaries else names.canonical(s.target), s.op, s.expr, s.line,
                     s.lineno) for s in runner._statements]
    scalar_locals = _scalar_locals(code, temporaries, group, names)
    is_scalar = [_is_shared(group, c.target) or c.target in scalar_locals for c in code]
    first_vector = next((k for k, scalar in enumerate(is_scalar) if not scalar), len(code))
    late = [c for c in code[first_vector:] if _is_shared(group, c.target)]
    if late:
        raise SharedWriteError(f"{where}, line '{late[0].line}': all writes to shared variables have to come "
                               f"before writes to per-element variables (as in Brian2); move '{late[0].target}' up")
    _refuse_stale_locals(code, scalar_locals, group, where)
    kernels = []
    source = ctx.members[id(group)]
    events = runner._on_events
    if events:  # run_at: the steps of its event clock, bound at every run
        ctx.add_field("_event_steps", "int64_t", FieldKind.ARRAY, "steps it runs in (sorted)")
        ctx.add_field("_n_events", "int64_t", FieldKind.INTEGER, "number of those steps")
    common = dict(when=runner.when, order=runner.order, source=source, roles=names.roles,
                  integer_names=names.integer_names,
                  options=RunnerOptions(events, ranged=not isinstance(group, Synapses)))
    scalar_code = [c for c, scalar in zip(code, is_scalar) if scalar]
    # scalar locals, as values: written into the scalar code and into the per-element code that reads them
    values: dict[str, Any] = {}
    local_dims: dict[str, Any] = {}
    dim_of = lambda name: local_dims[name] if name in local_dims else names.dim_of(name)  # noqa: E731
    resolve = lambda name: values[name] if name in values else names.resolve(name)  # noqa: E731
    if scalar_code:
        reassigned = {name for name, again in temporaries.items() if again}
        statements, writes = _scalar_statements(scalar_code, names, where, scalar_locals, reassigned, values,
                                                local_dims)
        if statements:
            kernels.append(build_kernel(ctx, name="scalar", template="scalar", statements=statements,
                                        access=_one_element(names.access), writes=writes, element=SCALAR_ELEMENT,
                                        comment=[f"run_regularly, shared code: {c.line}" for c in scalar_code],
                                        **common))
    vector = [c for c, scalar in zip(code, is_scalar) if not scalar]
    if vector:
        vector_locals = {name: again for name, again in temporaries.items() if name not in scalar_locals}
        statements, writes = lower_statements(gctx, vector, dim_of, resolve, "run_regularly", vector_locals)
        statements = _masked_while_refractory(statements, group)
        kernels.append(build_kernel(ctx, name="regular", template="regular", statements=statements,
                                    access=names.access, writes=writes,
                                    comment=[f"run_regularly: {c.line}" for c in vector], **common, **names.loop))
    return kernels


def _masked_while_refractory(statements: list[Statement], group: ModelGroup) -> list[Statement]:
    """As Brian2 (``v[not_refractory] += ...``): a write to an ``(unless refractory)`` variable
    changes only the neurons that are not refractory, each write at once (a later line reads
    the masked value); also a Synapses runner's write to ``v_post``/``v_pre``."""
    masked: list[Statement] = []
    for k, statement in enumerate(statements):
        suffix = (_refractory_suffix(group, statement.target)
                  if isinstance(statement, Assign) and not statement.declare else None)
        if suffix is None:
            masked.append(statement)
            continue
        old = f"_{statement.target}_before{k}"
        masked += [Assign(old, sym(statement.target), declare=True), statement,
                   Assign(statement.target, select(sym(f"not_refractory{suffix}"), sym(statement.target), sym(old)),
                          comment=f"{statement.target} is (unless refractory)")]
    return masked


def _refractory_suffix(group: ModelGroup, name: str) -> str | None:
    """'' (or '_pre'/'_post' from Synapses) when ``name`` is an (unless refractory) variable of a
    neuron group with refractoriness; None otherwise."""
    if isinstance(group, Synapses):
        return unless_refractory_suffix(group, name)
    return "" if frozen_while_refractory(group, name) else None


def _is_shared(group: ModelGroup, name: str) -> bool:
    spec = group._specs.get(name)
    return spec is not None and spec.shared


#: functions whose every call is a new value per element (Brian2 draws them per element)
PER_ELEMENT_FUNCTIONS = frozenset({"rand", "randn", "poisson"})


def _scalar_locals(code: Iterable[CodeLine], temporaries: Iterable[str], group: ModelGroup,
                   names: _Names) -> set[str]:
    """The local temporaries Brian2 computes once per call (its *scalar* statements): those whose
    right-hand sides read only shared values, constants and other such locals, and draw no random
    number (``rand()`` is one draw per element, so a local that calls it is per element)."""
    subexpressions = {eq.name for eq in group._equations.of_kind("subexpression")}
    locals_ = set(temporaries)
    scalar: set[str] = set()
    vector: set[str] = set()
    for c in code:
        if c.target not in locals_:
            continue
        read, called = names_in(parse_expression(c.expr, c.line))
        per_element = (called & PER_ELEMENT_FUNCTIONS or "i" in read or read & subexpressions or read & vector
                       or any(_per_element_name(names.canonical(n), names) for n in read if n not in locals_))
        if per_element or c.target in vector:  # once per element, it stays so when assigned again
            vector.add(c.target)
            scalar.discard(c.target)
        else:
            scalar.add(c.target)
    return scalar


def _per_element_name(name: str, names: _Names) -> bool:
    return name.endswith(("_pre", "_post")) or (name in names.access and not names.access[name].scalar)


def _refuse_stale_locals(code: list[CodeLine], scalar_locals: set[str], group: ModelGroup, where: str) -> None:
    """A shared local read by the per-element code is written into it as its expression, so it
    must not read a shared variable that the code writes after it (its value would have changed)."""
    vector_reads = {n for c in code if not (_is_shared(group, c.target) or c.target in scalar_locals)
                    for n in names_in(parse_expression(c.expr, c.line))[0]}
    for position, c in enumerate(code):
        if c.target not in scalar_locals or c.target not in vector_reads:
            continue
        read = names_in(parse_expression(c.expr, c.line))[0]
        later = [d.target for d in code[position + 1:] if _is_shared(group, d.target) and d.target in read]
        if later:
            raise NotImplementedError(
                f"{where}, line '{c.line}': the local '{c.target}' reads the shared variable '{later[0]}', which "
                "the code writes later, and per-element code reads the local; neurogen does not support this "
                "yet (compute the local after the write)")


def _one_element(access: dict[str, Access]) -> dict[str, Access]:
    """The scalar kernel reaches each shared variable as element 0 of its array, so the
    passes treat it as a value that changes within the call (never hoisted above a write)."""
    found = dict(access)
    for name, a in access.items():
        if a.scalar and a.source.startswith(("_src.", "_pre.", "_post.")) and a.source.endswith("[0]"):
            found[name] = Access(a.ctype, a.source[:-3], False)
    return found


def _scalar_statements(code: list[CodeLine], names: _Names, where: str, scalar_locals: set[str],
                       reassigned: set[str], values: dict[str, Any],
                       local_dims: dict[str, Any]) -> tuple[list[Statement], list[str]]:
    """Writes to shared variables, each checked like a reset line and refused (Brian2's
    ``SyntaxError``) when it reads a per-element value. A shared local is a C++ local here; its
    value (in terms of shared variables and constants) is kept in ``values`` (its units in
    ``local_dims``) for the per-element code, which has it written into its statements."""
    statements: list[Statement] = []
    writes: list[str] = []
    dim_of = lambda name: local_dims[name] if name in local_dims else names.dim_of(name)  # noqa: E731
    resolve = lambda name: sym(name) if name in local_dims else names.resolve(name)  # noqa: E731  (the C++ local)
    for c in code:
        here = f"{where}, line '{c.line}'"
        tree = parse_expression(c.expr, here)
        is_local = c.target in scalar_locals
        if is_local and c.target not in local_dims:  # a shared local's first assignment: a C++ local
            value = convert(tree, resolve, here)
            values[c.target] = value.xreplace({sym(n): v for n, v in values.items()})
            local_dims[c.target] = infer_dims(tree, dim_of, here)
            statements.append(Assign(c.target, value, declare=True, comment=c.line, mutable=c.target in reassigned))
            continue
        target_dim = dim_of(c.target)
        check_dims(tree, DIMENSIONLESS if c.op in ("*=", "/=") else target_dim, dim_of, here, f"'{c.expr}'")
        value = convert(tree, resolve, here)
        per_element = sorted(n for n in free_names([Assign(c.target, value)])
                             if n == "i" or (n in names.access and not names.access[n].scalar))
        if per_element:
            raise SharedWriteError(f"{here}: cannot write to the shared variable '{c.target}' with an expression "
                                   f"referring to the per-element variable '{per_element[0]}' (as in Brian2)")
        if is_local:  # a shared local assigned again: the C++ local, and its value for per-element code
            inlined = value.xreplace({sym(n): v for n, v in values.items()})
            values[c.target] = combined(c.op, values[c.target], inlined, here)
        statements.append(Assign(c.target, combined(c.op, sym(c.target), value, here), comment=c.line))
        if is_local:
            continue
        if c.target not in writes:
            writes.append(c.target)
    return statements, writes


LOWERERS = {CodeRunner: lower_runner}
