"""Numbers computed from numbers when a model is compiled, with the semantics of run time.

sympy would compute ``sqrt(-1)`` as ``I``, ``(-8)**(1/3)`` as a complex root and ``9**9**9``
exactly (a number of 370 million digits: a hang). The compiled code, Brian2 and numpy compute
in doubles: ``nan``, ``nan`` and an overflow. So every operation whose operands are all numbers
is done here, in numpy's float64 arithmetic (exact integer arithmetic only where it stays
small), and only its result enters the sympy expression. A division by a zero number (also
``x/(a - a)``, which sympy makes ``zoo``) and a power too large for a double are errors.
"""
from __future__ import annotations

import ast
import math
from typing import Callable

import numpy as np
import sympy

from ..errors import EquationError
from ..units.functions import exprel  # as ng::exprel: 1 near 0, infinite above 717, NaN for NaN


#: Model functions of numbers, as numpy (and the compiled code) computes them.
NUMPY_FUNCTIONS: dict[str, Callable[..., np.float64]] = {
    "exp": np.exp, "log": np.log, "sqrt": np.sqrt, "sin": np.sin, "cos": np.cos, "tan": np.tan,
    "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "arcsin": np.arcsin, "arccos": np.arccos,
    "arctan": np.arctan, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan, "abs": np.abs,
    "floor": np.floor, "ceil": np.ceil, "sign": np.sign, "clip": np.clip, "int": np.trunc,
    "exprel": exprel, "log10": np.log10, "expm1": np.expm1, "log1p": np.log1p,
}

_OPERATORS: dict[type, Callable[[np.float64, np.float64], np.float64]] = {
    ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.true_divide,
    ast.FloorDiv: np.floor_divide, ast.Mod: np.remainder, ast.Pow: np.power,
}
_SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
            ast.Pow: "**"}


def is_number(expr: sympy.Basic) -> bool:
    return bool(getattr(expr, "is_Number", False))


def number(value: float) -> sympy.Expr:
    """A double as a sympy number (``oo``, ``-oo`` and ``nan`` for the special values)."""
    if math.isnan(value):
        return sympy.nan
    if math.isinf(value):
        return sympy.oo if value > 0 else -sympy.oo
    return sympy.Float(value, precision=53)


def _double(expr: sympy.Expr) -> np.float64:
    try:
        return np.float64(float(expr))
    except OverflowError:  # an integer beyond the range of doubles
        return np.float64(math.inf if expr > 0 else -math.inf)


def check_divisor(op: ast.operator, right: sympy.Expr, where: str, text: str) -> None:
    """``x/0``, ``x//0``, ``x%0`` (also ``x/(a - a)``) have no value: a clear error."""
    if isinstance(op, (ast.Div, ast.FloorDiv, ast.Mod)) and is_number(right) and right.is_zero:
        raise EquationError(f"{where}: division by zero in '{text}'")


def fold_binary(op: ast.operator, left: sympy.Expr, right: sympy.Expr, where: str, text: str) -> sympy.Expr:
    """``left op right`` for two numbers."""
    if isinstance(left, sympy.Integer) and isinstance(right, sympy.Integer):
        exact = _exact_integer(op, int(left), int(right))
        if exact is not None:
            return sympy.Integer(exact)
    a, b = _double(left), _double(right)
    with np.errstate(all="ignore"):
        result = float(_OPERATORS[type(op)](a, b))
    if isinstance(op, ast.Pow) and math.isinf(result) and math.isfinite(a) and math.isfinite(b):
        if a == 0:
            raise EquationError(f"{where}: division by zero in '{text}' (zero to a negative power)")
        raise EquationError(f"{where}: '{text}' is too large for a double "
                            f"({float(a)!r} {_SYMBOLS[type(op)]} {float(b)!r})")
    return number(result)


def _exact_integer(op: ast.operator, a: int, b: int) -> int | None:
    """Integer arithmetic kept exact while it stays within 64 bits (as Python would compute it)."""
    if isinstance(op, ast.Add):
        result = a + b
    elif isinstance(op, ast.Sub):
        result = a - b
    elif isinstance(op, ast.Mult):
        result = a * b
    elif isinstance(op, ast.Pow) and b >= 0 and (abs(a) <= 1 or b * math.log2(abs(a)) < 63):
        result = a**b
    elif isinstance(op, ast.Mod) and b != 0:
        result = a % b  # Python's, exact also beyond 2**53
    elif isinstance(op, ast.FloorDiv) and b != 0:
        result = a // b
    else:
        return None
    return result if abs(result) < 2**63 else None


def fold_call(name: str, args: list[sympy.Expr]) -> sympy.Expr | None:
    """A model function of numbers only, or None (not foldable: random, TimedArray, unknown)."""
    function = NUMPY_FUNCTIONS.get(name)
    if function is None or not args or not all(is_number(a) for a in args):
        return None
    try:
        with np.errstate(all="ignore"):
            return number(float(function(*(_double(a) for a in args))))
    except TypeError:  # a wrong number of arguments: the dimension check names it
        return None
