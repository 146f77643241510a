"""The linear part of a group's differential equations at the current values, numerically.

The dt-stability check and ``explain`` both need the matrix ``A`` of ``dx/dt = A x + b`` (the
Jacobian of the right-hand sides with respect to the state variables), per element, at the
parameter values and state of now. It is found by central differences of the right-hand sides
(subexpressions written in, white noise left out) evaluated with numpy on SI values: exact up to
rounding for a linear system, the linearisation at the current state otherwise (``linear``
says which: the Jacobian is compared at a second state). No sympy: this runs inside ``run()``.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from ..frontend.equations import is_noise
from ..frontend.expressions import names_in, parse_expression, replace_names
from ..frontend.namespace import External, FunctionExternal, TimedArrayExternal
from ..objects.reading import element_values, evaluate_numbers
from ..units import UNITS

#: relative size of the difference step (central differences: error ~ step**2 for smooth terms)
_STEP = 1e-6


@dataclass(frozen=True)
class LinearSystem:
    """``dx/dt ≈ A x + b`` for the state variables ``variables`` (in that order) of a group,
    plus the columns ``inputs`` (``∂f/∂p``) for each parameter ``p`` the right-hand sides read:
    how a variable without dynamics (``I : amp``) drives the others. SI units, per element."""

    group: Any
    variables: tuple[str, ...]
    lines: tuple[str, ...]                # the model line of each variable's equation
    matrix: np.ndarray                    # (N, n, n): A per element, 1/second
    inputs: Mapping[str, np.ndarray]      # parameter -> (N, n): ∂f/∂p
    linear: bool                          # the same A at a second state: linear in the variables

    def at(self, element: int) -> np.ndarray:
        """``A`` of one element."""
        return self.matrix[element]


def ode_expressions(group: Any) -> dict[str, str]:
    """Each differential equation's right-hand side with the subexpressions written in."""
    subexpressions = {eq.name: f"({eq.expr})" for eq in group._equations.of_kind("subexpression")}
    found = {}
    for eq in group._equations.of_kind("differential"):
        text = eq.expr
        for _ in range(len(subexpressions) + 1):  # nested subexpressions: one level per pass
            used = names_in(parse_expression(text, f"{group.name}, {eq.describe()}"))[0]
            if not used & set(subexpressions):
                break
            text = replace_names(text, subexpressions, f"{group.name}, {eq.describe()}", calls=False)
        found[eq.name] = text
    return found


def linear_system(group: Any, externals: Mapping[str, Any]) -> LinearSystem | None:
    """The linear part of ``group``'s differential equations now; None when it has none or its
    right-hand sides cannot be evaluated from Python (a random function, a function without
    Python code)."""
    expressions = ode_expressions(group)
    if not expressions or group.N == 0:
        return None
    variables = tuple(expressions)
    trees = {name: parse_expression(text, f"{group.name}, d{name}/dt") for name, text in expressions.items()}
    used = set().union(*(names_in(tree)[0] | names_in(tree)[1] for tree in trees.values()))
    if used & {"rand", "randn", "poisson"}:
        return None
    base = _namespace(group, used, externals)
    if base is None:
        return None
    parameters = sorted(n for n in used if n in group._specs and n not in variables and not n.startswith("_")
                        and np.asarray(group._state[n]).dtype.kind == "f")
    state = {name: np.broadcast_to(np.asarray(group._state[name], dtype=float), (group.N,)).copy()
             for name in variables}
    try:
        first, columns = _jacobian(trees, variables, parameters, base, state, group.N)
    except Exception:  # noqa: BLE001  (a function of the model that numpy cannot evaluate: no check)
        return None
    if not np.all(np.isfinite(first)):
        return None
    lines = tuple(group._equations[name].line for name in variables)
    return LinearSystem(group, variables, lines, first, columns, _is_linear(trees, variables, base, state, first))


def _is_linear(trees: Mapping[str, ast.expr], variables: tuple[str, ...], base: Mapping[str, Any],
               state: Mapping[str, np.ndarray], first: np.ndarray) -> bool:
    """The same Jacobian at other states (shifted by a fraction of the values, and by fixed
    amounts in SI units): the equations are linear (a shift that makes them non-finite proves
    nothing)."""
    size = np.maximum(np.max(np.abs(first), axis=(1, 2), keepdims=True), 1e-300)
    for shift in (lambda values: 0.37 * _scale(values), lambda values: 0.037, lambda values: 0.61):
        moved = {name: values + shift(values) for name, values in state.items()}
        try:
            other, _ = _jacobian(trees, variables, [], base, moved, len(first))
        except Exception:  # noqa: BLE001
            return False
        finite = np.isfinite(other)
        if np.any(np.abs(np.where(finite, other, first) - first) > 1e-5 * size):
            return False
    return True


def _namespace(group: Any, used: set[str], externals: Mapping[str, Any]) -> dict[str, Any] | None:
    names: dict[str, Any] = {}
    for name in used:
        if is_noise(name):
            names[name] = 0.0
        elif name in group._specs:
            names[name] = np.asarray(group._state[name], dtype=float)
        elif name == "t":
            names[name] = group.clock._t
        elif name == "dt":
            names[name] = group.clock.dt_
        elif name == "i":
            names[name] = np.arange(group.N, dtype=float)
        elif name == "N":
            names[name] = float(group.N)
        elif name in group._links and group._links[name] is not None:
            names[name] = np.asarray(element_values(group, name, {}), dtype=float)
        elif isinstance(externals.get(name), External):
            names[name] = externals[name].value
        elif isinstance(externals.get(name), TimedArrayExternal):  # a function of time: no part of A
            names[name] = lambda *args: 0.0
        elif isinstance(externals.get(name), FunctionExternal):
            return None
        elif name in UNITS:
            names[name] = float(np.asarray(UNITS[name]))
    return names


def _scale(values: np.ndarray) -> float:
    biggest = float(np.max(np.abs(values))) if values.size else 0.0
    return biggest if biggest > 0 else 1e-3


def _evaluate(trees: Mapping[str, ast.expr], names: Mapping[str, Any], size: int) -> dict[str, np.ndarray]:
    return {name: np.broadcast_to(np.asarray(evaluate_numbers(_copy(tree), f"d{name}/dt", names), dtype=float),
                                  (size,)) for name, tree in trees.items()}


def _copy(tree: ast.expr) -> ast.expr:
    return ast.parse(ast.unparse(tree), mode="eval").body  # evaluation rewrites the tree it is given


def _jacobian(trees: Mapping[str, ast.expr], variables: tuple[str, ...], parameters: list[str],
              base: Mapping[str, Any], state: Mapping[str, np.ndarray],
              size: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(N, n, n) central differences of the right-hand sides in each variable, and the (N, n)
    columns of each parameter."""
    matrix = np.zeros((size, len(variables), len(variables)))
    for j, name in enumerate(variables):
        matrix[:, :, j] = _column(trees, variables, base, state, name, state[name], size)
    columns = {}
    for name in parameters:
        values = np.broadcast_to(np.asarray(base[name], dtype=float), (size,))
        columns[name] = _column(trees, variables, base, state, name, values, size)
    return matrix, columns


def _column(trees: Mapping[str, ast.expr], variables: tuple[str, ...], base: Mapping[str, Any],
            state: Mapping[str, np.ndarray], name: str, values: np.ndarray, size: int) -> np.ndarray:
    step = _STEP * _scale(values)
    up = _evaluate(trees, {**base, **state, name: values + step}, size)
    down = _evaluate(trees, {**base, **state, name: values - step}, size)
    return np.stack([(up[v] - down[v]) / (2 * step) for v in variables], axis=-1)


def expm(matrix: np.ndarray) -> np.ndarray:
    """The matrix exponential (scaling and squaring of a Taylor series; small matrices):
    numpy has none, and scipy is not one of neurogen's dependencies."""
    norm = float(np.max(np.sum(np.abs(matrix), axis=-1))) if matrix.size else 0.0
    squarings = max(0, int(np.ceil(np.log2(norm / 0.25)))) if norm > 0.25 else 0
    scaled = matrix / 2.0**squarings
    result = np.eye(matrix.shape[-1])
    term = np.eye(matrix.shape[-1])
    for k in range(1, 20):
        term = term @ scaled / k
        result = result + term
    for _ in range(squarings):
        result = result @ result
    return result
