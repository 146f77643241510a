"""PoissonInput → one kernel in the ``synapses`` slot: ``var += weight * Binomial(N, rate*dt)``.

The kernel loops over the target neurons (indices into the whole group, so a subgroup costs
nothing) and draws each count exactly (``ng::BinomialSampler``), addressed by (stream, step,
neuron), so the counts do not depend on anything else in the network.
"""
from __future__ import annotations


import sympy

from ...frontend.expressions import names_in, parse_expression
from ..ir import DT, Assign, FieldKind, Kernel, PoissonInputOptions, sym
from .common import (Access, ObjectContext, add_external_fields, build_kernel, check_dims, convert, expression_dims,
                    make_resolver, scalar_context)
from .neurons import frozen_while_refractory, integer_names, variable_access
from ...objects.poissoninput import PoissonInput
from ..printer import field_ref
from ...nonfinite import DOMAIN_ERRORS
from ..symbolic import binomial, probability, select, uses_random
from ...units import Hz


def lower_poissoninput(ctx: ObjectContext) -> list[Kernel]:
    source = ctx.obj
    group, var = source._group, source.target_var
    member = ctx.members[id(group)]
    for name, ctype, comment in (("N", "int64_t", "number of Poisson sources"),
                                 ("_start", "int64_t", "first target neuron, index in its group"),
                                 ("_size", "int64_t", "number of target neurons")):
        ctx.add_field(name, ctype, FieldKind.INTEGER, comment)
    add_external_fields(ctx)
    for what in ("rate", "weight"):
        linked = set(names_in(parse_expression(source._expression(what), ctx.where()))[0]) & set(group._links)
        if linked:
            raise NotImplementedError(f"{ctx.where()}: a {what} reading the linked variable '{sorted(linked)[0]}' "
                                      "is not supported by neurogen yet")
    access = scalar_context(ctx)
    access.update(variable_access(group, "_src"))  # the target group is the kernel's source
    access["N"] = Access("int64_t", "_grp._size", True)  # the target's N (a subgroup's size), as in Brian2
    access["_n_sources"] = Access("int64_t", field_ref("_grp", "N"), True)
    access["_start"] = Access("int64_t", "_grp._start", True)
    rate, weight = _expressions(ctx)
    p = rate * DT
    if isinstance(source.rate, str):  # a number was checked when set; an expression only at run time
        ctx.add_field(f"{DOMAIN_ERRORS}rate", "double", FieldKind.DYNAMIC,
                      "(count, first value, step, neuron) of rate*dt outside [0, 1]")
        p = probability(p)
    statements = [
        Assign("_p", p, declare=True, comment=f"probability that one source spikes in a step: ({source._expression('rate')})*dt"),
        Assign("_k", binomial(sympy.Integer(0), sym("_n_sources"), sym("_p")), declare=True,
               comment="spikes of the N sources in this step ~ Binomial(N, p), exact"),
    ]
    value = sym(var) + weight * sym("_k")
    if frozen_while_refractory(group, var):  # as for synapses: input while refractory is dropped
        value = select(sym("not_refractory"), value, sym(var))
    statements.append(Assign(var, value, comment=f"{var} += ({source._expression('weight')}) * k"))
    return [build_kernel(
        ctx, name="poissoninput", template="poissoninput", when=source.when, order=source.order,
        statements=statements, access=access, writes=[var], source=member,
        integer_names=integer_names(group) | {"_i", "_start", "_n_sources"},
        comment=[f"PoissonInput onto {var}: N sources at rate {source._expression('rate')}, "
                 f"weight {source._expression('weight')}"],
        # the count is draw 0 unless the rate itself draws random numbers: then no prefetch
        element="_i", options=PoissonInputOptions(first_uniforms=not uses_random(rate)))]


def _expressions(ctx: ObjectContext) -> tuple[sympy.Expr, sympy.Expr]:
    """Rate and weight as sympy, in the target group's names (``i`` within the target)."""
    source = ctx.obj
    group = source._group
    subexpressions = {eq.name for eq in group._equations.of_kind("subexpression")}
    dim_of = expression_dims(ctx, source._variable_dims())

    def special(name: str) -> sympy.Expr | None:
        if name == "i":
            return sym("_i") - sym("_start")
        if name in subexpressions:
            raise NotImplementedError(f"{ctx.where()}: reading the subexpression '{name}' of "
                                      f"'{group.name}' in a PoissonInput rate or weight")
        return None

    resolve = make_resolver(ctx, {}, special)
    values = []
    for what, dim in (("rate", Hz.dim), ("weight", group._specs[source.target_var].dim)):
        text = source._expression(what)
        where = f"{ctx.where()}, {what} '{text}'"
        tree = parse_expression(text, where)
        check_dims(tree, dim, dim_of, where, f"the {what} '{text}'")
        values.append(convert(tree, resolve, where))
    return values[0], values[1]


LOWERERS = {PoissonInput: lower_poissoninput}
