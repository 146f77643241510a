"""What every lowerer shares: names resolved, dimensions checked, kernels built, random draws.

This is the cold path (sympy). Each object family has its lowerer in this package (``neurons``,
``synapses``, ``monitors``, ``inputs``, ``spikegenerator``; one-off calls: ``assignment``,
``connect``); :mod:`neurogen.compiler.lower.network` assembles a network from them.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Mapping

import sympy

from ...errors import DimensionMismatchError, EquationError
from ...frontend.equations import is_noise
from ...frontend.functions import CppImplementation
from ...frontend.expressions import infer_dims, is_zero
from ...frontend.namespace import CALLED_EXTERNALS, External, FunctionExternal, TimedArrayExternal
from ...nonfinite import INTEGER_ERRORS
from ...objects.protocol import ModelObject
from ...units import Dimension, second
from ..analysis import free_names, random_functions
from ..ir import (Assign, ConnectOptions, Field, FieldKind, Kernel, KernelOptions, Load, MatrixExp, Phase,
                  Statement, sym)
from ..printer import field_ref
from ..symbolic import (renumber_draws, timed_array, to_sympy, user_function, user_function_call, uses_noise,
                        uses_random)


@dataclass
class ObjectContext:
    """What lowering one object needs: its C++ member name and its resolved externals."""

    obj: ModelObject                    # a NeuronGroupModel, SynapsesModel, ... for its lowerer
    member: str
    externals: Mapping[str, External]
    members: Mapping[int, str]          # id(object) -> member, to reference sources
    fields: list[Field] = field(default_factory=list)

    def add_field(self, name: str, ctype: str, kind: FieldKind, comment: str = "", carried_from: str = "") -> None:
        """A struct member; adding the same one again is a no-op, another one of that name is a
        bug (two things would share one member: a silent wrong value)."""
        for existing in self.fields:
            if existing.name == name:
                if (existing.ctype, existing.kind) != (ctype, kind):
                    raise AssertionError(f"{self.where()}: two struct members named '{name}' "
                                         f"({existing.ctype} {existing.kind.value}, {ctype} {kind.value})")
                return
        self.fields.append(Field(name, ctype, kind, comment, carried_from))

    def add_fields(self, fields: Iterable[tuple[str, str, FieldKind, str]]) -> None:
        """Several struct members: (name, ctype, kind, comment) each."""
        for name, ctype, kind, comment in fields:
            self.add_field(name, ctype, kind, comment)

    def where(self) -> str:
        return f"{type(self.obj).__name__} '{self.obj.name}'"


def struct_name(member: str) -> str:
    return member[0].upper() + member[1:]


# -- expressions --------------------------------------------------------------------------

def expression_dims(ctx: ObjectContext, dims: Mapping[str, Dimension]) -> Callable[[str], Dimension]:
    """Dimension lookup for a group's expression: variables, externals, ``t`` and ``dt``."""
    def dim_of(name: str) -> Dimension:
        if name in dims:
            return dims[name]
        if name in ("t", "dt"):
            return second.dim
        if is_noise(name):  # white noise xi, with Brian2's units of 1/sqrt(second)
            return second.dim ** -0.5
        if name in ctx.externals:
            external = ctx.externals[name]
            return external.signature() if isinstance(external, CALLED_EXTERNALS) else external.dim
        raise EquationError(f"{ctx.where()}: unknown name '{name}'")
    return dim_of


def check_dims(tree: ast.expr, expected: Dimension, dim_of: Callable[[str], Dimension],
               where: str, what: str) -> None:
    actual = infer_dims(tree, dim_of, where)
    if actual != expected and not is_zero(tree):
        raise DimensionMismatchError(f"{where}: {what} has the wrong units; expected {expected or '1'}",
                                     expected, actual)


def make_resolver(ctx: ObjectContext, subexpressions: Mapping[str, sympy.Expr],
                  special: Callable[[str], sympy.Expr | None] | None = None) -> Callable[[str], sympy.Expr]:
    """Names → sympy: literals inline, subexpressions substituted, everything else a symbol.

    ``special`` resolves an object's own names first (a synapse's ``i``, ``v_post``).
    """
    def resolve(name: str) -> sympy.Expr:
        if name in subexpressions:
            return subexpressions[name]
        if special is not None:
            value = special(name)
            if value is not None:
                return value
        external = ctx.externals.get(name)
        if external is not None and external.literal:
            return sympy.Float(external.value)
        if isinstance(external, TimedArrayExternal):  # called with its arguments and dt
            return timed_array(name, external.function.ndim)
        if isinstance(external, FunctionExternal):  # a user function: called with its arguments
            return user_function(external.cpp_name, external.function.result_kind(), external.function.stateless)
        return sym(name)
    return resolve


def convert(tree: ast.expr, resolve: Callable[[str], sympy.Expr], where: str) -> sympy.Expr:
    return to_sympy(tree, resolve, where)


# -- kernels ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Access:
    """How a kernel reaches one name: a per-element array, or a value once per call."""

    ctype: str
    source: str
    scalar: bool
    index: str = ""  # for another object's array: the local holding the index (``_jpost``)


def scalar_context(ctx: ObjectContext, struct_ref: str = "_grp") -> dict[str, Access]:
    """``t``, ``dt`` and the object's runtime externals, as kernel locals."""
    access = {"t": Access("double", "_t", True), "dt": Access("double", f"{struct_ref}._dt", True)}
    for name, external in ctx.externals.items():
        if external.scalar:
            access[name] = Access("double", field_ref(struct_ref, name), True)
    return access


def add_external_fields(ctx: ObjectContext) -> None:
    """Struct members for the object's runtime externals (constants, TimedArray data)."""
    for external in ctx.externals.values():
        for name, ctype, kind, comment in external.fields():
            ctx.add_field(name, ctype, FieldKind(kind), comment)


#: Each kind of kernel of an object draws random numbers from its own range of draw indices
#: (``<< 20``), so two kernels of one object never draw the same number; white noise has a
#: range of its own, apart from any ``rand()``.
DRAW_BASES = {"vector": 0, "threshold": 1, "reset": 2, "assign": 3, "spikemonitor": 4,
              "statemonitor": 5, "ratemonitor": 6, "on_pre": 7, "on_post": 8, "summed": 9,
              "connect": 10, "poissoninput": 11, "noise": 12, "regular": 13, "scalar": 14,
              "subexpression_update": 15,
              # the pathways of on_pre/on_post dicts beyond the default ones (pathway<k>, k < 64)
              **{f"pathway{k}": 16 + k for k in range(64)},
              # custom events: the test of the k-th event and the code run on it (k < 64)
              **{f"event{k}_threshold": 80 + k for k in range(64)},
              **{f"event{k}_reset": 144 + k for k in range(64)}}


def build_kernel(ctx: ObjectContext, *, name: str, template: str, when: str, order: int,
                 statements: Iterable[Statement], access: Mapping[str, Access],
                 writes: Iterable[str] = (), reads: Iterable[str] = (), condition: sympy.Expr | None = None,
                 source: str | None = None, integer_names: Iterable[str] = (),
                 roles: Iterable[tuple[str, str]] = (), comment: Iterable[str] = (),
                 draws: str | None = None, template_draws: bool = False, phase: Phase = "step",
                 element: str = "i", restrict: bool = True, outputs: tuple[str, ...] = (),
                 options: KernelOptions | None = None, sort_name: str = "") -> Kernel:
    """A kernel whose loads/stores are derived from what its statements read and write.

    Its random draws come from the range ``DRAW_BASES[draws or template]``; ``template_draws``:
    the template draws numbers its statements do not show (connect()'s ``p``). The other
    arguments are the kernel's fields of the same names (see :class:`neurogen.compiler.ir.Kernel`).
    """
    statements, condition = _number_draws(tuple(statements), condition)
    writes = tuple(writes)
    declared = {s.target for s in statements if isinstance(s, (Assign, MatrixExp))}
    used = free_names(statements) | free_names([condition]) | set(writes) | set(reads)
    comment = tuple(comment)
    noises = sorted(n for n in used if is_noise(n))  # integrators replace xi by its draw
    if noises:
        raise EquationError(f"{ctx.where()}, {'; '.join(comment) or name}: the white noise '{noises[0]}' "
                            "can only be used in differential equations (and subexpressions they use)")
    random = any(uses_random(s.expr) for s in statements if isinstance(s, Assign)) or (
        condition is not None and uses_random(condition))
    if random:
        ctx.add_field("_stream", "uint32_t", FieldKind.INTEGER, "random-number stream of this object")
    noise = any(uses_noise(s.expr) for s in statements if isinstance(s, Assign))
    needed = {n for n in used - (declared - set(writes)) if n in access}
    while True:  # an index local (``_jpost``) is loaded before the values it indexes
        indices = {access[n].index for n in needed if access[n].index in access} - needed
        if not indices:
            break
        needed |= indices
    def depth(n: str) -> int:  # an index local is loaded before the loads it indexes (also chains)
        index = access[n].index
        return 1 + depth(index) if index in access and index != n else (1 if index else 0)

    loads = tuple(
        Load(n, access[n].ctype, access[n].source, access[n].scalar, access[n].index)
        for n in sorted(needed, key=lambda n: (depth(n), n))
    )
    stores = tuple((w, access[w].source) for w in writes)
    for w in writes:  # see ng::to_integer
        if access[w].ctype in ("int32_t", "int64_t"):
            ctx.add_field(f"{INTEGER_ERRORS}{w}", "double", FieldKind.DYNAMIC,
                          f"(count, first value, step, element) of numbers {w} could not hold")
    expressions = [e for _, e in options.expressions] if isinstance(options, ConnectOptions) else []
    user_code = _user_code(ctx, [*statements, condition, *expressions])
    return Kernel(
        name=f"{ctx.member}_{name}", template=template, owner=ctx.member,
        source=source or ctx.member, when=when, order=order, loads=loads, stores=stores,
        hoisted=(), statements=statements, condition=condition,
        integer_names=frozenset(integer_names), comment=tuple(comment), roles=tuple(roles),
        draw_base=DRAW_BASES[draws or template] << 20 if random or template_draws else None,
        noise_base=DRAW_BASES["noise"] << 20 if noise else None,
        random_functions=random_functions([*statements, condition, *expressions]),
        phase=phase, element=element, restrict=restrict, outputs=outputs, options=options, user_code=user_code,
        sort_name=sort_name,
    )


def _user_code(ctx: ObjectContext, items: list) -> tuple[CppImplementation, ...]:
    """The C++ of the user functions the statements call, dependencies first, each once."""
    exprs = [e for item in items if item is not None
             for e in (item.matrix if isinstance(item, MatrixExp) else
                       [item.expr] if isinstance(item, Assign) else [item])]
    called = {call[0] for e in exprs for f in e.atoms(sympy.Function)
              if (call := user_function_call(type(f).__name__)) is not None}
    code: list[CppImplementation] = []  # render checks that one name has one code
    for external in ctx.externals.values():
        if isinstance(external, FunctionExternal) and external.cpp_name in called:
            code += [source for source in external.sources if source not in code]
    return tuple(code)


def _number_draws(statements: tuple[Statement, ...],
                  condition: sympy.Expr | None) -> tuple[tuple[Statement, ...], sympy.Expr | None]:
    """Every ``rand()``/``randn()``/``poisson()`` of a kernel gets its own draw index, in
    statement order: each expression numbered its calls from 0 when it was converted, so
    ``a = rand()`` and ``b = rand()`` would otherwise draw the same number."""
    exprs = [s.expr for s in statements if isinstance(s, Assign)]
    if condition is not None:
        exprs.append(condition)
    if not any(uses_random(e) for e in exprs):
        return statements, condition
    numbered, _ = renumber_draws(exprs)
    values = iter(numbered)
    result = tuple(replace(s, expr=next(values)) if isinstance(s, Assign) else s for s in statements)
    return result, (next(values) if condition is not None else None)
