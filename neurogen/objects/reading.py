"""Reading a subexpression from Python (``G.I`` for ``I = g*(E - v) : amp``), with units.

Reading is for inspection, so numpy evaluates it (as Brian2 does), with the generated code's
semantics (doubles throughout); anything that changes state stays generated C++. Names resolve like the model's: the group's variables and
subexpressions, then the group's ``namespace=`` or the reading frame, then units.
"""
from __future__ import annotations

import ast
import functools
from typing import Any, Mapping

import numpy as np

from ..frontend.equations import is_noise
from ..errors import EquationError
from ..frontend.expressions import parse_expression
from ..frontend.namespace import ExpressionScope, FunctionExternal, TimedArrayExternal, resolve_externals
from ..units import UNITS, Quantity
from ..units.functions import exprel  # as ng::exprel: 1 near 0, inf above 717, NaN for NaN

_FUNCTIONS = {
    "exp": np.exp, "log": np.log, "log10": np.log10, "expm1": np.expm1, "log1p": np.log1p,
    "sqrt": np.sqrt, "abs": np.abs, "sin": np.sin, "cos": np.cos, "tan": np.tan, "sinh": np.sinh,
    "cosh": np.cosh, "tanh": np.tanh, "arcsin": np.arcsin, "arccos": np.arccos,
    "arctan": np.arctan, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan,
    "floor": np.floor, "ceil": np.ceil, "sign": np.sign, "clip": np.clip, "int": np.trunc,
    "exprel": exprel,
}


def _number(value: Any) -> Any:
    """As the compiled code computes: integers and booleans are doubles in arithmetic (no int32
    wrap-around, no boolean 'or' for +, no float16 for tanh of a boolean)."""
    array = np.asarray(value)
    if array.dtype.kind in "biu":
        return array.astype(np.float64)
    if array.ndim == 0 and not isinstance(value, Quantity):  # a Python float: numpy's IEEE rules, not
        return np.float64(array)                       # ZeroDivisionError or complex powers
    return value


class _CompiledSemantics(ast.NodeTransformer):
    """The model text rewritten so numpy computes what the generated C++ does: every name and
    number a double, ``and``/``or``/``not`` element-wise, ``a < b < c`` as ``a < b and b < c``."""

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.Call(ast.Name("_number", ast.Load()), [node], [])

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        return ast.Constant(float(node.value)) if isinstance(node.value, (int, bool)) else node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        node.args = [self.visit(a) for a in node.args]  # the function's name stays a name
        return node

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        name = "_logical_and" if isinstance(node.op, ast.And) else "_logical_or"
        result = node.values[0]
        for value in node.values[1:]:
            result = ast.Call(ast.Name(name, ast.Load()), [result, value], [])
        return result

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Not):
            return ast.Call(ast.Name("_logical_not", ast.Load()), [node.operand], [])
        return node

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        operands = [node.left, *node.comparators]
        parts = [ast.Compare(a, [op], [b]) for op, a, b in zip(node.ops, operands, operands[1:])]
        result: ast.expr = parts[0]
        for part in parts[1:]:
            result = ast.Call(ast.Name("_logical_and", ast.Load()), [result, part], [])
        return result


def read_subexpression(group: Any, name: str, frame_namespace: Mapping[str, Any]) -> Any:
    """The value of subexpression ``name`` for every element of ``group``."""
    eq = group._equations[name]
    tree = parse_expression(eq.expr, f"{group.name}.{name}")
    refuse_noise(group, name, tree)
    externals = resolve_externals(ExpressionScope(group, [(f"subexpression '{name}'", tree)]), None,
                                  frame_namespace)
    value = evaluate(group, tree, name, frame_namespace, externals, {}, exclude=name)
    value = value * np.ones(group.N) if np.ndim(value) == 0 else value
    if eq.dtype == "integer":  # a value of its declared type, as a StateMonitor records it
        return np.trunc(np.asarray(value, dtype=float))
    if eq.dtype == "boolean":
        return np.asarray(value) != 0
    return value


def refuse_noise(group: Any, name: str, tree: ast.expr | None = None, where: str | None = None) -> None:
    """Brian2 fails here too: a white noise exists only inside the state update (``where``:
    how the error names the expression, by default ``G.name``)."""
    if tree is None:
        tree = parse_expression(group._equations[name].expr, f"{group.name}.{name}")
    noises = sorted(n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and is_noise(n.id))
    if noises:
        raise EquationError(f"{where or f'{group.name}.{name}'}: the white noise '{noises[0]}' has no value "
                            "outside the integration of the differential equations, so it cannot be read")


def evaluate(group: Any, tree: ast.expr, label: str, frame_namespace: Mapping[str, Any],
             externals: Mapping[str, Any], local: Mapping[str, Any], exclude: str | None = None) -> Any:
    """A checked expression of ``group`` (its names resolved into ``externals``), for every
    element, with the compiled code's semantics; ``local`` overrides names (a subgroup's ``i``)."""
    namespace: dict[str, Any] = {n: UNITS[n] if e.literal and n in UNITS else _external(frame_namespace, group, n, e)
                                 for n, e in externals.items()}
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    for name in sorted(used - set(namespace) - set(_FUNCTIONS)):
        if name in local:
            namespace[name] = local[name]
        elif name != exclude:
            value = element_values(group, name, frame_namespace)
            if value is not None:
                namespace[name] = value
    namespace.update(_FUNCTIONS, _logical_and=np.logical_and, _logical_or=np.logical_or,
                     _logical_not=np.logical_not, _number=_number)
    code = compile(ast.fix_missing_locations(ast.Expression(_CompiledSemantics().visit(tree))), label, "eval")
    with np.errstate(all="ignore"):  # NaN and infinities as the compiled code makes them
        return eval(code, {"__builtins__": {}}, namespace)  # noqa: S307  (a checked model expression)


def evaluate_numbers(tree: ast.expr, label: str, namespace: Mapping[str, Any]) -> Any:
    """An expression on plain numbers (every name in ``namespace``: SI values or arrays of
    them, or functions), with the compiled code's semantics and its functions; for the model
    checks, which differentiate a model's right-hand sides numerically."""
    names = {**namespace, **_FUNCTIONS, "_logical_and": np.logical_and, "_logical_or": np.logical_or,
             "_logical_not": np.logical_not, "_number": _number}
    code = compile(ast.fix_missing_locations(ast.Expression(_CompiledSemantics().visit(tree))), label, "eval")
    with np.errstate(all="ignore"):
        return eval(code, {"__builtins__": {}}, names)  # noqa: S307  (a checked model expression)


def element_values(group: Any, name: str, frame_namespace: Mapping[str, Any]) -> Any:
    """The value, per element, of a name ``group``'s expressions read (a variable, ``i``, ``N``,
    ``t``, ``dt``, a subexpression; for Synapses also ``j``, ``x_pre``, ``x_post``...); None if
    it is not one of the group's names."""
    if name == "t":
        return group.t
    if name == "dt":
        return group.clock.dt
    value = group._expression_value(name)
    if value is not None:
        return value
    if "_equations" in group.__dict__ and name in group._equations \
            and group._equations[name].kind == "subexpression":
        return read_subexpression(group, name, frame_namespace)
    linked = group._linked_name(name)
    if linked is None:
        return None
    other, base, indices = linked
    values = element_values(other, base, frame_namespace)
    return values[indices] if np.size(values) == other.N and np.ndim(values) else values  # else: shared


def random_functions(tree: ast.expr) -> list[str]:
    """The random functions an expression calls (Python cannot draw the compiled code's numbers)."""
    return sorted({n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call)  # type: ignore[attr-defined]
                   and getattr(n.func, "id", None) in ("rand", "randn", "poisson")})


def _external(frame_namespace: Mapping[str, Any], group: Any, name: str, external: Any) -> Any:
    if isinstance(external, TimedArrayExternal):  # a TimedArray: called as in the compiled code
        return functools.partial(external.function, dt=group.clock.dt_)
    if isinstance(external, FunctionExternal):  # a user function: its Python body, as Brian2's numpy target
        return external.function
    source = group.namespace if group.namespace is not None else frame_namespace
    return source.get(name, external.value)
