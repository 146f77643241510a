"""The connect kernel: expressions of ``connect()`` → one generated call (see ``connect_generated``)."""
from __future__ import annotations

from typing import Any, Mapping

import sympy

from ...errors import EquationError
from ...frontend.expressions import parse_expression
from ..ir import ConnectOptions, FieldKind, NetworkIR, ObjectIR, sym
from ...objects.schedule import CALLED
from .assignment import fields_only, member_ids
from .common import ObjectContext, build_kernel, check_dims, convert, struct_name
from .synapses import SYNAPSE_LOOP, SynapseNames, add_synapse_fields
from ...frontend.namespace import External
from ..symbolic import renumber_draws, uses_random
from ...units import DIMENSIONLESS


def lower_connect(objects: list[Any], pieces: Mapping[str, str], variable: str, skip_if_invalid: bool,
                  externals: Mapping[str, External], where: str) -> NetworkIR:

    synapses = objects[0]
    members = member_ids(objects)
    ctx = ObjectContext(synapses, CALLED, externals, members)
    add_synapse_fields(ctx)
    ctx.add_field("_dt", "double", FieldKind.SCALAR, "time step of the synapses' clock, second (dt in expressions)")
    for name, ctype, comment in (("_new_pre", "int32_t", "presynaptic index of each new synapse"),
                                 ("_new_post", "int32_t", "postsynaptic index of each new synapse"),
                                 ("_error", "int64_t", "(code, i, value) of a problem that stopped the call")):
        ctx.add_field(name, ctype, FieldKind.DYNAMIC, comment)
    names = SynapseNames(ctx)

    def dim_of(name: str) -> Any:
        return DIMENSIONLESS if name == variable else names.dim_of(name)

    def resolve(name: str) -> sympy.Expr:
        if name == variable:
            return sym("_k")
        if name in synapses._specs:
            raise EquationError(f"{where}: the synaptic variable '{name}' does not exist before the "
                                "synapses are made")
        linked = names.canonical(name)
        if any(linked in scope.access or linked in scope.subexpressions or linked in scope.unavailable
               for scope in names.links):
            raise NotImplementedError(f"{where}: reading the linked variable '{name}' in connect() is not supported "
                                      "(Brian2 cannot resolve it either)")
        return names.resolve(name)

    exprs = {}
    for key, text in pieces.items():
        here = f"{where}, {key}='{text}'"
        tree = parse_expression(text, here)
        boolean = key in ("if", "condition")
        if not boolean:
            check_dims(tree, DIMENSIONLESS, dim_of, here, f"'{text}'")
        exprs[key] = convert(tree, resolve, here)
    keys = list(exprs)
    numbered, draws = renumber_draws([exprs[k] for k in keys])
    exprs = dict(zip(keys, numbered))
    random = any(uses_random(e) for e in exprs.values()) or "p" in exprs or "sample_p" in exprs
    if random:
        ctx.add_field("_stream", "uint32_t", FieldKind.INTEGER, "random-number stream of this object")
    reads = {s.name for e in exprs.values() for s in e.free_symbols} - {"_k", "_ipre", "_jpost"}
    access = {n: a for n, a in names.access.items() if n not in ("_ipre", "_jpost")}
    # Brian2 tests a generator's `if` before the target's range unless the `if` reads the
    # target (j or a postsynaptic variable): 'k for k in range(i, i+2) if k < N_post' is valid
    post = {"_jpost"} | {n for n, a in access.items() if a.index == "_jpost"}
    if_reads_target = "if" in exprs and any(s.name in post for s in exprs["if"].free_symbols)
    kernel = build_kernel(
        ctx, name="connect", template="connect", when="start", order=0, statements=(), access=access,
        reads=reads, integer_names=names.integer_names | {"_k"}, roles=names.roles,
        comment=[f"connect: {key} = {text}" for key, text in pieces.items()],
        phase="call", template_draws=random, outputs=tuple(sorted(reads)),
        options=ConnectOptions(tuple(exprs.items()), draws + 1, skip_if_invalid, if_reads_target), **SYNAPSE_LOOP)
    obj = ObjectIR(CALLED, struct_name(CALLED), "Synapses", ("Synapses (connect)",), tuple(ctx.fields),
                   (kernel,))
    others = tuple(fields_only(o, members[id(o)]) for o in objects[1:])
    return NetworkIR((obj, *others), (), ((CALLED, kernel.name),))
