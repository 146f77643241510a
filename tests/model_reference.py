"""Model expressions evaluated by plain numpy, independently of neurogen's compiler.

The truth for differential tests: the model text is walked as a Python ``ast`` and each node is
computed with numpy's float64 arithmetic, as Brian2's numpy target would (Python's ``//`` and
``%``, ``int()`` truncates, ``and``/``or``/``not`` elementwise, a chain ``a < b < c`` is
``a < b and b < c``). Nothing here imports neurogen.
"""
from __future__ import annotations

import ast
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
           ast.FloorDiv: np.floor_divide, ast.Mod: np.remainder, ast.Pow: np.power}
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
        return _BINARY[type(node.op)](left, right)
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
        return FUNCTIONS[node.func.id](*args)  # type: ignore[attr-defined]
    raise ValueError(f"not a model expression: {ast.unparse(node)}")


def execute(lines: list[tuple[str, str, str]], env: dict[str, Any]) -> dict[str, Any]:
    """Statements ``target op expr`` (op in ``= += -= *= /=``) one after the other."""
    env = dict(env)
    for target, op, text in lines:
        value = _number(evaluate(text, env))
        old = _number(env[target]) if op != "=" else None
        with np.errstate(all="ignore"):
            env[target] = {"=": lambda: value, "+=": lambda: old + value, "-=": lambda: old - value,
                           "*=": lambda: old * value, "/=": lambda: old / value}[op]()
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


def mismatches(actual: Any, compute: Callable[[Mapping[str, Any]], Any], env: Mapping[str, Any], *,
               rtol: float = 1e-9, atol: float = 1e-12, seed: int = 0) -> tuple[np.ndarray, int]:
    """Indices where ``actual`` differs from ``compute(env)`` (numpy's truth), and how many
    elements could not be judged: non-finite, or ill-conditioned (moving the float inputs by a
    relative 1e-9 moved the truth by more than the tolerance, e.g. at a jump of floor() or of a
    comparison). The spread found that way is added to the tolerance, so rounding differences
    of a well-conditioned value pass and a wrong formula does not."""
    rng = np.random.default_rng(seed)
    ref = np.broadcast_to(_number(compute(env)), np.shape(actual)).astype(float)
    actual = np.asarray(actual, dtype=float)
    spread = np.zeros_like(ref)
    for _ in range(2):
        moved = np.broadcast_to(_number(compute(perturbed(env, rng, 1e-9))), ref.shape)
        with np.errstate(all="ignore"):
            spread = np.fmax(spread, np.abs(moved - ref))
        spread[~np.isfinite(moved)] = np.inf
    judged = np.isfinite(ref) & np.isfinite(spread)
    tolerance = atol + rtol * np.abs(ref) + spread
    with np.errstate(invalid="ignore"):
        wrong = judged & ~(np.abs(actual - ref) <= tolerance)
    return np.flatnonzero(wrong), int((~judged).sum())
