"""Model expressions evaluated by plain numpy, independently of neurogen's compiler.

The truth for differential tests: the model text is walked as a Python ``ast`` and each node is
computed with numpy's float64 arithmetic, as Brian2's numpy target would (Python's ``//`` and
``%``, ``int()`` truncates, ``and``/``or``/``not`` elementwise, a chain ``a < b < c`` is
``a < b and b < c``). Nothing here imports neurogen.
"""
from __future__ import annotations

import ast
import contextvars
import operator
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np


def _exprel(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    with np.errstate(all="ignore"):
        return np.where(x == 0, 1.0, np.expm1(x) / np.where(x == 0, 1.0, x))


FUNCTIONS = {
    "exp": np.exp, "log": np.log, "log10": np.log10, "sqrt": np.sqrt, "sin": np.sin, "cos": np.cos,
    "tan": np.tan, "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "arcsin": np.arcsin,
    "arccos": np.arccos, "arctan": np.arctan, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan,
    "abs": np.abs, "floor": np.floor, "ceil": np.ceil, "sign": np.sign, "int": np.trunc,
    "clip": np.clip, "exprel": _exprel, "expm1": np.expm1, "log1p": np.log1p,
}
CONSTANTS = {"pi": np.pi, "e": np.e, "inf": np.inf, "True": True, "False": False}
_BINARY = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.true_divide,
           ast.FloorDiv: np.floor_divide, ast.Mod: np.remainder, ast.Pow: operator.pow}


@dataclass
class _Trace:
    """While a truth is computed for judging: elements where an intermediate value was not
    finite (there sympy's algebra, which Brian2 uses too, may differ from numpy's: x/x is 1
    even at 0) and a random relative jitter applied to every intermediate result (a value
    that moves with it depends on the order of rounding, which compilers may change)."""

    rng: np.random.Generator
    jitter: float = 0.0
    poisoned: Any = False


_TRACE: contextvars.ContextVar[_Trace | None] = contextvars.ContextVar("trace", default=None)


def _traced(value: Any) -> Any:
    trace = _TRACE.get()
    if trace is None:
        return value
    array = np.asarray(value)
    if array.dtype.kind == "f":
        trace.poisoned = np.logical_or(trace.poisoned, ~np.isfinite(array))
        if trace.jitter:
            array = array * (1 + trace.jitter * trace.rng.uniform(-1, 1, array.shape))
            return array
    return value
_COMPARE = {ast.Lt: np.less, ast.LtE: np.less_equal, ast.Gt: np.greater, ast.GtE: np.greater_equal,
            ast.Eq: np.equal, ast.NotEq: np.not_equal}


def _number(value: Any) -> np.ndarray:
    """Booleans and integers become doubles before arithmetic (as in the compiled code)."""
    return np.asarray(value, dtype=float)


def evaluate(text: str, env: Mapping[str, Any]) -> np.ndarray:
    """``text`` computed elementwise over the arrays (or scalars) in ``env``."""
    with np.errstate(all="ignore"):
        return _eval(ast.parse(text.strip(), mode="eval").body, env)


def _eval(node: ast.AST, env: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, bool) else np.float64(node.value)
    if isinstance(node, ast.Name):
        return env[node.id] if node.id in env else CONSTANTS[node.id]
    if isinstance(node, ast.BinOp):
        left, right = _number(_eval(node.left, env)), _number(_eval(node.right, env))
        if isinstance(node.op, ast.Pow) and right.ndim == 0:
            right = float(right)  # numpy's ** takes its fast paths (sqrt, square...) for a number
        return _traced(_BINARY[type(node.op)](left, right))
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, env)
        if isinstance(node.op, ast.Not):
            return np.logical_not(operand)
        return -_number(operand) if isinstance(node.op, ast.USub) else _number(operand)
    if isinstance(node, ast.BoolOp):
        combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        result = np.asarray(_eval(node.values[0], env), dtype=bool)
        for value in node.values[1:]:
            result = combine(result, np.asarray(_eval(value, env), dtype=bool))
        return result
    if isinstance(node, ast.Compare):
        operands = [_number(_eval(node.left, env))] + [_number(_eval(c, env)) for c in node.comparators]
        result = np.asarray(True)
        for op, a, b in zip(node.ops, operands, operands[1:]):
            result = np.logical_and(result, _COMPARE[type(op)](a, b))
        return result
    if isinstance(node, ast.Call):
        args = [_number(_eval(a, env)) for a in node.args]
        return _traced(FUNCTIONS[node.func.id](*args))  # type: ignore[attr-defined]
    raise ValueError(f"not a model expression: {ast.unparse(node)}")


def execute(lines: list[tuple[str, str, str]], env: dict[str, Any],
            types: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Statements ``target op expr`` (op in ``= += -= *= /=``) one after the other. A target
    of type ``integer`` stores the number truncated (0 if a 32-bit integer cannot hold it, as
    neurogen documents), one of type ``boolean`` stores whether it is not 0 (Python's bool())."""
    env = dict(env)
    for target, op, text in lines:
        value = _number(evaluate(text, env))
        old = _number(env[target]) if op != "=" else None
        with np.errstate(all="ignore"):
            new = {"=": lambda: value, "+=": lambda: old + value, "-=": lambda: old - value,
                   "*=": lambda: old * value, "/=": lambda: old / value}[op]()
            kind = (types or {}).get(target, "float")
            if kind == "integer":
                whole = np.trunc(new)
                new = np.where((whole >= -2.0**31) & (whole < 2.0**31), whole, 0.0)
            elif kind == "boolean":
                new = (np.asarray(new) != 0).astype(float)
        env[target] = new
    return env


def perturbed(env: Mapping[str, Any], rng: np.random.Generator, size: float) -> dict[str, Any]:
    """``env`` with every float array moved by a relative ``size`` (integers, booleans and
    scalars stay): how much the reference moves tells how well-conditioned a point is."""
    out = dict(env)
    for name, value in env.items():
        array = np.asarray(value)
        if array.dtype.kind == "f" and array.ndim:
            out[name] = array * (1 + size * rng.choice([-1.0, 1.0], size=array.shape))
    return out


def rows_of(compute: Callable[[Mapping[str, Any]], Any], rows: np.ndarray) -> Callable[[Mapping[str, Any]], Any]:
    """``compute`` restricted to some elements (the env's arrays stay whole); the elements
    poisoned on the way are restricted the same way."""
    def restricted(env: Mapping[str, Any]) -> np.ndarray:
        n = max(np.size(v) for v in env.values())
        value = np.broadcast_to(np.asarray(compute(env), dtype=float), (n,))[rows]
        trace = _TRACE.get()
        if trace is not None:
            trace.poisoned = np.broadcast_to(trace.poisoned, (n,))[rows]
        return value
    return restricted


def _as_shape(mask: Any, shape: tuple[int, ...]) -> np.ndarray:
    """The poisoned elements, where they are elements of the result (a sum over synapses or a
    selection of rows has other elements: then nothing is marked)."""
    try:
        return np.broadcast_to(mask, shape)
    except ValueError:
        return np.zeros(shape, bool)


def mismatches(actual: Any, compute: Callable[[Mapping[str, Any]], Any], env: Mapping[str, Any], *,
               rtol: float = 1e-9, atol: float = 1e-12, seed: int = 0) -> tuple[np.ndarray, int]:
    """Indices where ``actual`` differs from ``compute(env)`` (numpy's truth), and how many
    elements could not be judged: not finite (also on the way: see :class:`_Trace`), or
    ill-conditioned: the truth moved by more than 1e-5 of itself when the float inputs moved
    by a relative 1e-9 (a condition number above 1e4, or a jump of floor(), %, a comparison),
    or by more than 1e-8 of itself when every intermediate result moved by 1e-12 (it depends on
    the order of rounding, which sympy's algebra changes). Judged elements must agree to
    ``rtol``, plus ten times that rounding spread; a jump is never excused, only not judged
    (``test_function_semantics`` checks the functions with jumps bit for bit)."""
    rng = np.random.default_rng(seed)
    shape = np.shape(actual)
    trace = _Trace(rng)
    token = _TRACE.set(trace)
    try:
        ref = np.broadcast_to(_number(compute(env)), shape).astype(float)
        poisoned = _as_shape(trace.poisoned, shape)
        spreads = {"inputs": np.zeros(shape), "rounding": np.zeros(shape)}
        for kind, inputs, jitter in (("inputs", 1e-9, 0.0), ("inputs", 1e-9, 0.0),
                                     ("rounding", 0.0, 1e-12), ("rounding", 0.0, 1e-12)):
            trace.jitter, trace.poisoned = jitter, False
            moved = np.broadcast_to(_number(compute(perturbed(env, rng, inputs) if inputs else env)), shape)
            with np.errstate(all="ignore"):
                spreads[kind] = np.fmax(spreads[kind], np.abs(moved - ref))
            spreads[kind][~np.isfinite(moved)] = np.inf
    finally:
        _TRACE.reset(token)
    actual = np.asarray(actual, dtype=float)
    with np.errstate(invalid="ignore"):
        well_conditioned = ((spreads["inputs"] <= 1e-5 * np.abs(ref) + atol)
                            & (spreads["rounding"] <= 1e-8 * np.abs(ref) + atol))
    judged = np.isfinite(ref) & well_conditioned & ~poisoned
    tolerance = atol + rtol * np.abs(ref) + 10 * spreads["rounding"]
    with np.errstate(invalid="ignore"):
        wrong = judged & ~(np.abs(actual - ref) <= tolerance)
    return np.flatnonzero(wrong), int((~judged).sum())
