"""Pure ``NetworkIR → NetworkIR`` passes, applied in the order of :data:`PASSES`."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

import sympy

from .ir import Assign, ConnectOptions, Kernel, MatrixExp, NetworkIR, Statement, sym
from .analysis import free_names, random_functions
from .symbolic import uses_random, uses_stateful


def hoist(kernel: Kernel) -> Kernel:
    """Move statements that are the same for every element out of the loop.

    Exact integration's ``exp(-dt/tau)`` (or a whole matrix exponential) then costs once per
    step, not once per neuron, which is why parameter values can stay runtime data.
    """
    scalar = {l.local for l in kernel.loads if l.scalar} | _always_scalar(kernel)
    hoisted: list[Statement] = list(kernel.hoisted)
    remaining: list[Statement] = []
    for stmt in kernel.statements:
        if _is_hoistable(stmt, scalar):
            hoisted.append(stmt)
            scalar.add(stmt.target)
        else:
            remaining.append(stmt)
    return replace(kernel, hoisted=tuple(hoisted), statements=tuple(remaining))


def hoist_invariants(kernel: Kernel) -> Kernel:
    """Pull loop-invariant parts of per-element expressions (``exp(-dt/tau)``) out of the loop."""
    scalar = {l.local for l in kernel.loads if l.scalar} | _always_scalar(kernel)
    scalar |= {s.target for s in kernel.hoisted if isinstance(s, Assign)}
    scalar |= {n for s in kernel.hoisted if isinstance(s, MatrixExp) for n in _entries(s)}
    invariants: dict[sympy.Expr, sympy.Symbol] = {}

    def extract(expr: sympy.Expr) -> sympy.Expr:
        if _is_invariant(expr, scalar):
            if expr not in invariants:
                invariants[expr] = sym(f"_invariant_{len(invariants)}")
            return invariants[expr]
        if not expr.args or isinstance(expr, sympy.Symbol):
            return expr
        return expr.func(*(extract(a) for a in expr.args))

    statements = tuple(replace(s, expr=extract(s.expr)) if isinstance(s, Assign) else s
                       for s in kernel.statements)
    condition = extract(kernel.condition) if kernel.condition is not None else None
    hoisted = kernel.hoisted + tuple(Assign(v.name, e, declare=True, comment="loop invariant")
                                     for e, v in invariants.items())
    return replace(kernel, statements=statements, condition=condition, hoisted=hoisted)


def _entries(stmt: MatrixExp) -> list[str]:
    return [stmt.entry(r, c).name for r in range(stmt.size) for c in range(stmt.size)]


def _is_invariant(expr: sympy.Expr, scalar: set[str]) -> bool:
    """Worth hoisting: a compound expression of per-call values only, with no random draw and
    no call of a user function that is not stateless."""
    if expr.is_Atom or uses_random(expr) or uses_stateful(expr) or (expr.is_Mul and any(a.is_Number for a in expr.args) and len(expr.args) == 2 and expr.args[1].is_Symbol):
        return False
    if isinstance(expr, sympy.Pow) and expr.exp == -1 and expr.base.is_Symbol:
        return expr.base.name in scalar
    return bool(expr.free_symbols) and {s.name for s in expr.free_symbols} <= scalar


def _always_scalar(kernel: Kernel) -> set[str]:
    return {"t", "dt", "N"} - {l.local for l in kernel.loads if not l.scalar}


def _is_hoistable(stmt: Statement, scalar: set[str]) -> bool:
    if isinstance(stmt, MatrixExp):
        return free_names([stmt]) <= scalar
    # a mutable local is assigned again inside the loop: its declaration stays there
    return (stmt.declare and not stmt.mutable and not uses_random(stmt.expr) and not uses_stateful(stmt.expr)
            and free_names([stmt]) <= scalar)


def prune(kernel: Kernel) -> Kernel:
    """Drop temporaries nothing reads and loads nothing uses (no unused-variable warnings)."""
    statements = list(kernel.hoisted) + list(kernel.statements)
    needed = free_names([kernel.condition]) | {name for name, _ in kernel.stores}
    needed |= set(kernel.outputs)
    locals_ = {s.target for s in statements if isinstance(s, Assign) and s.mutable}
    keep: list[Statement] = []
    for stmt in reversed(statements):
        if isinstance(stmt, Assign) and (stmt.declare or stmt.target in locals_) and stmt.target not in needed:
            continue
        if isinstance(stmt, MatrixExp) and not any(n.startswith(f"{stmt.target}_") for n in needed):
            continue
        keep.append(stmt)
        needed |= free_names([stmt])
        if isinstance(stmt, Assign) and not stmt.declare:
            needed.add(stmt.target)
    kept = set(map(id, keep))
    while True:  # v_post needs _jpost; a linked x_pre needs its index local, which needs _ipre
        indices = {l.index for l in kernel.loads if l.local in needed and l.index} - needed
        if not indices:
            break
        needed |= indices
    hoisted = tuple(s for s in kernel.hoisted if id(s) in kept)
    statements = tuple(s for s in kernel.statements if id(s) in kept)
    expressions = [e for _, e in kernel.options.expressions] if isinstance(kernel.options, ConnectOptions) else []
    return replace(
        kernel, hoisted=hoisted, statements=statements,
        loads=tuple(l for l in kernel.loads if l.local in needed),
        # a dropped rand() needs no helper (an unused one would be a compiler warning)
        random_functions=random_functions([*hoisted, *statements, kernel.condition, *expressions]),
    )


KernelPass = Callable[[Kernel], Kernel]
PASSES: tuple[KernelPass, ...] = (hoist, hoist_invariants, prune)


def run_passes(network: NetworkIR) -> NetworkIR:
    objects = []
    for obj in network.objects:
        kernels = []
        for kernel in obj.kernels:
            for apply in PASSES:
                kernel = apply(kernel)
            kernels.append(kernel)
        objects.append(replace(obj, kernels=tuple(kernels)))
    return replace(network, objects=tuple(objects))
