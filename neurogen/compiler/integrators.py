"""Numerical integration: turn ``dX/dt = f(X, t)`` into the statements of one time step.

Every integrator receives ordered ``(name, rhs)`` pairs and returns an
:class:`~neurogen.compiler.ir.Integration`: declared temporaries (``_k1_v``, ``_A_v``, a
:class:`~neurogen.compiler.ir.MatrixExp` ``_P``...) computed from the values at the start of the
step, then one simultaneous update per variable. Nothing here evaluates numbers; symbols
other than the state variables and ``t`` are constants for the duration of a step.

The semantics follow Brian2's documented methods (``exact``/``linear``, ``euler``, ``rk2``,
``rk4``, ``exponential_euler``, ``heun``, ``milstein``); the implementation is our own.
Equations with white noise (``xi``) go to :mod:`neurogen.compiler.stochastic`.
"""
from __future__ import annotations

from typing import Callable, Sequence

import sympy

from ..errors import EquationError
from .ir import DT, T, Integration, MatrixExp, Statement, sym
from . import stochastic
from .integration_common import Equations, cannot, depends_on_time, describe_all, first_that_applies, temporary
from .symbolic import model_text


Integrator = Callable[[Equations], Integration]

# Opaque functions (see neurogen.compiler.symbolic) with a new value at every call: never a constant.
_RANDOM_FUNCTIONS = frozenset({"rand", "randn", "poisson"})


def integrate(equations: Equations, method: str | Sequence[str] | None) -> Integration:
    """Integrate ``equations`` with ``method`` (``None``: the first of exact, euler that applies;
    with noise, euler if it is additive, else heun, as Brian2 chooses; a list or tuple of names:
    the first of them that applies, as Brian2's ``method=['exact', 'rk4']``)."""
    if isinstance(method, (list, tuple)):
        return _first_of(equations, method)
    eqs = [(name, sympy.sympify(rhs)) for name, rhs in equations]
    if method is not None and method not in METHODS:
        raise ValueError(f"unknown integration method {method!r}; "
                         f"available methods: {', '.join(sorted(METHODS))}")
    if stochastic.noise_symbols(eqs):
        return stochastic.integrate_stochastic(eqs, method)
    if method is not None:
        return METHODS[method](eqs)
    # Brian2's third choice, heun, only matters with noise; euler applies to every system
    return first_that_applies(("exact", "euler"), lambda candidate: METHODS[candidate](eqs), describe_all(eqs))


def _first_of(equations: Equations, methods: Sequence[str]) -> Integration:
    """The first method of a user's list that can integrate ``equations``."""
    if not methods:
        raise ValueError("method=[]: give at least one integration method")
    refusals = []
    for method in methods:
        try:
            return integrate(equations, method)
        except EquationError as error:
            refusals.append(f"{method!r}: {error}")
    raise EquationError("none of the integration methods given applies: " + "; ".join(refusals))


# ---------------------------------------------------------------------------------------------
# helpers


def _coefficient(rhs: sympy.Expr, x: sympy.Symbol, states: set[sympy.Symbol]) -> sympy.Expr:
    """``d rhs/dx``. If it mentions a state yet does not vary with it (``sin(w)**2 + cos(w)**2``),
    simplify it; ``simplify`` is slow on large nonlinear models, so only in that rare case."""
    coef = sympy.diff(rhs, x)
    mentioned = coef.free_symbols & states
    if mentioned and all(sympy.diff(coef, s) == 0 for s in mentioned):
        coef = sympy.simplify(coef)
    return coef


# ---------------------------------------------------------------------------------------------
# explicit Runge-Kutta family: a Butcher tableau (c, a, b) per method

_R = sympy.Rational
_TABLEAUX: dict[str, tuple[tuple, tuple, tuple]] = {
    "euler": ((0,), ((),), (1,)),
    "rk2": ((0, _R(1, 2)), ((), (_R(1, 2),)), (0, 1)),
    "rk4": ((0, _R(1, 2), _R(1, 2), 1),
            ((), (_R(1, 2),), (0, _R(1, 2)), (0, 0, 1)),
            (_R(1, 6), _R(1, 3), _R(1, 3), _R(1, 6))),
}


def _runge_kutta(eqs: Equations, method: str, tableau: str | None = None) -> Integration:
    """Stage ``s`` is ``_k{s}_x = dt*f(x + sum_j a_sj _kj_x, t + c_s dt)``.

    All stages but the last become temporaries (each depends on every variable's previous
    stages, so a stage is emitted for all variables before the next). The last stage is
    inlined in the updates: for euler and rk2 this gives the textbook ``x + dt*f(...)``.
    """
    c, a, b = _TABLEAUX[tableau or method]
    xs = [sym(n) for n, _ in eqs]
    ks: list[list[sympy.Symbol]] = []
    statements: list[Statement] = []

    def stage(s: int) -> list[sympy.Expr]:
        shift = {x: x + sum((a[s][j] * ks[j][i] for j in range(s)), sympy.S.Zero)
                 for i, x in enumerate(xs)}
        if c[s]:
            shift[T] = T + c[s] * DT
        return [DT * rhs.xreplace(shift) for _, rhs in eqs]

    for s in range(len(c) - 1):
        made = [temporary(f"_k{s + 1}_{name}", k) for (name, _), k in zip(eqs, stage(s))]
        statements += [assign for assign, _ in made]
        ks.append([k for _, k in made])
    last = stage(len(c) - 1)
    updates = tuple(
        (name, x + sum((b[j] * ks[j][i] for j in range(len(ks))), sympy.S.Zero) + b[-1] * last[i])
        for i, ((name, _), x) in enumerate(zip(eqs, xs)))
    return Integration(method, tuple(statements), updates)


def _heun(eqs: Equations) -> Integration:
    """Brian2's stochastic Heun scheme reduces to forward Euler without noise."""
    return _runge_kutta(eqs, "heun", tableau="euler")


def _milstein(eqs: Equations) -> Integration:
    """Brian2's derivative-free Milstein scheme, too, is forward Euler without noise."""
    return _runge_kutta(eqs, "milstein", tableau="euler")


# ---------------------------------------------------------------------------------------------
# exponential Euler: dx/dt = A x + B, A and B frozen at the start of the step


def _conditionally_linear(name: str, rhs: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
    """Split ``rhs`` into ``A*x + B`` as Brian2 does for a conditionally linear equation.

    Brian2 expands the right-hand side and collects its terms by their power of ``x``: a term
    ``c*x`` adds ``c`` to ``A``, a term without a power of ``x`` adds to ``B``. ``c`` may still
    contain ``x`` inside a function (Morris-Lecar's ``x*tanh(x)``, HH's ``m(v)**3*h*v``): like
    every coefficient it is evaluated at the start of the step. A term with another power of
    ``x`` (``x**2``, ``1/x``, ``sqrt(x)``) fits neither: Brian2 refuses it when it has no
    term linear in ``x`` and otherwise drops it without a word; we refuse it always.
    """
    x = sym(name)
    linear, offset = [], []
    for term in sympy.Add.make_args(sympy.expand(rhs)):
        power = sympy.S.Zero
        rest = []
        for factor in sympy.Mul.make_args(term):
            base, exponent = factor.as_base_exp()
            if base == x:
                power += exponent
            else:
                rest.append(factor)
        if power == sympy.S.Half:  # sqrt(x): a function of x to Brian2, so part of B
            power, rest = sympy.S.Zero, rest + [sympy.sqrt(x)]
        elif power == sympy.Rational(3, 2):  # x*sqrt(x): sympy's x**(3/2); Brian2's A is sqrt(x)
            power, rest = sympy.S.One, rest + [sympy.sqrt(x)]
        if power == 0:
            offset.append(term)
        elif power == 1:
            linear.append(sympy.Mul(*rest))
        else:
            raise cannot("exponential_euler", name, rhs,
                         f"it is not linear in {name} (not even conditionally): the term {model_text(term)} "
                         f"is not of the form A*{name} + B (A and B may depend on {name} only "
                         f"through functions such as exp or tanh)")
    coefficient, remainder = sympy.Add(*linear), sympy.Add(*offset)
    if coefficient == 0 and remainder.has(x):
        raise cannot("exponential_euler", name, rhs,
                     f"it is not linear in {name} (not even conditionally): no term is proportional to {name}, "
                     f"yet {name} appears inside a function")
    return coefficient, remainder


def _exponential_euler(eqs: Equations) -> Integration:
    """``x_new = -B/A + (x + B/A) exp(A dt)``, exact if A and B were constant over the step.

    A and B of every variable are computed from the values at the start of the step (Brian2's
    conditionally linear systems: HH gating variables, Morris-Lecar's voltage)."""
    statements: list[Statement] = []
    updates = []
    for name, rhs in eqs:
        x = sym(name)
        coef, offset = _conditionally_linear(name, rhs)
        if coef == 0:  # no self-dependence: exp(A dt) -> 1, fall back to Euler
            updates.append((name, x + DT * offset))
            continue
        assign_a, a = temporary(f"_A_{name}", coef, f"coefficient of {name} in d{name}/dt")
        statements.append(assign_a)
        if offset == 0:
            updates.append((name, x * sympy.exp(a * DT)))
            continue
        assign_ba, ba = temporary(f"_BA_{name}", offset / coef, f"B/A, minus the fixed point of {name}")
        statements.append(assign_ba)
        updates.append((name, -ba + (x + ba) * sympy.exp(a * DT)))
    return Integration("exponential_euler", tuple(statements), tuple(updates))


# ---------------------------------------------------------------------------------------------
# exact: dX/dt = M X + b with M, b constant during the step


def _linear_system(eqs: Equations) -> tuple[list[list[sympy.Expr]], list[sympy.Expr]]:
    """Split each rhs into ``sum_j M_ij x_j + b_i`` or explain why the system is not of that form."""
    xs = [sym(n) for n, _ in eqs]
    states = set(xs)
    matrix, offsets = [], []
    for name, rhs in eqs:
        if depends_on_time(rhs):
            raise cannot("exact", name, rhs, "it depends explicitly on time t, and exact integration "
                          "needs constant coefficients (use a numerical method such as 'rk4')")
        if any(f.func.__name__ in _RANDOM_FUNCTIONS for f in rhs.atoms(sympy.Function)):
            raise cannot("exact", name, rhs, "random numbers are not constant during a time step")
        row = []
        for x in xs:
            coef = _coefficient(rhs, x, states)
            if coef.free_symbols & states:
                raise cannot("exact", name, rhs, f"it is not linear in the state variables "
                              f"(the coefficient of {x} is {coef})")
            row.append(coef)
        matrix.append(row)
        offsets.append(rhs.xreplace({x: sympy.S.Zero for x in xs}))
    return matrix, offsets


def _components(matrix: list[list[sympy.Expr]]) -> list[list[int]]:
    """Groups of variables coupled (in either direction) through non-zero matrix entries."""
    n, seen, groups = len(matrix), set(), []
    for start in range(n):
        if start in seen:
            continue
        group, todo = [], [start]
        seen.add(start)
        while todo:
            i = todo.pop()
            group.append(i)
            for j in range(n):
                if j not in seen and (matrix[i][j] != 0 or matrix[j][i] != 0):
                    seen.add(j)
                    todo.append(j)
        groups.append(sorted(group))
    return groups


def _closed_form(x: sympy.Symbol, a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
    """Solution of ``dx/dt = a x + b`` after ``dt``, written around the fixed point ``-b/a``.

    As in Brian2, a symbolic ``a`` that is zero at run time gives NaN (0/0) when ``b != 0``.
    """
    a = sympy.cancel(a)
    if a == 0:
        return x + b * DT
    if b == 0:
        return x * sympy.exp(a * DT)
    fixed = sympy.cancel(-b / a)
    return fixed + (x - fixed) * sympy.exp(a * DT)


def _reachable(matrix: list[list[sympy.Expr]], group: list[int]) -> list[list[bool]]:
    """``reach[r][c]``: a path r -> c exists, i.e. expm's entry (r, c) is not structurally zero."""
    m = len(group)
    reach = [[r == c or matrix[group[r]][group[c]] != 0 for c in range(m)] for r in range(m)]
    for k in range(m):  # Warshall's transitive closure
        for r in range(m):
            if reach[r][k]:
                reach[r] = [reach[r][c] or reach[k][c] for c in range(m)]
    return reach


def _propagator(target: str, names: list[str], matrix: list[list[sympy.Expr]],
                offsets: list[sympy.Expr], group: list[int]) -> tuple[MatrixExp, list[sympy.Expr]]:
    """``P = expm([[M dt, b dt], [0, 0]])`` computed at run time, and ``x_new = P [x; 1]``.

    No symbolic eigen-decomposition: it would divide by differences of time constants (or
    need complex numbers), which breaks when runtime values coincide.
    """
    m = len(group)
    rows = [[matrix[i][j] * DT for j in group] + [offsets[i] * DT] for i in group]
    flat = tuple(e for row in rows for e in row) + (sympy.S.Zero,) * (m + 1)
    shown = ", ".join(names[i] for i in group)
    prop = MatrixExp(target, m + 1, flat, comment=f"exact propagator of ({shown}, 1) over one step")
    reach = _reachable(matrix, group)
    updates = []
    for r in range(m):
        value = sum((prop.entry(r, c) * sym(names[group[c]]) for c in range(m) if reach[r][c]),
                    sympy.S.Zero)
        if any(reach[r][c] and offsets[group[c]] != 0 for c in range(m)):
            value += prop.entry(r, m)
        updates.append(value)
    return prop, updates


def _exact(eqs: Equations) -> Integration:
    """Closed form for each uncoupled variable; one runtime matrix exponential per coupled group."""
    names = [n for n, _ in eqs]
    matrix, offsets = _linear_system(eqs)
    groups = _components(matrix)
    coupled = [g for g in groups if len(g) > 1]
    statements: list[Statement] = []
    new: dict[str, sympy.Expr] = {}
    for group in groups:
        if len(group) == 1:
            i = group[0]
            new[names[i]] = _closed_form(sym(names[i]), matrix[i][i], offsets[i])
            continue
        index = coupled.index(group)
        target = "_P" if index == 0 else f"_P{index + 1}"
        prop, values = _propagator(target, names, matrix, offsets, group)
        statements.append(prop)
        new.update({names[i]: v for i, v in zip(group, values)})
    return Integration("exact", tuple(statements), tuple((n, new[n]) for n in names))


METHODS: dict[str, Integrator] = {
    "exact": _exact,
    "linear": _exact,  # Brian2's older name for the same method
    "euler": lambda eqs: _runge_kutta(eqs, "euler"),
    "rk2": lambda eqs: _runge_kutta(eqs, "rk2"),
    "rk4": lambda eqs: _runge_kutta(eqs, "rk4"),
    "exponential_euler": _exponential_euler,
    "heun": _heun,
    "milstein": _milstein,
}
