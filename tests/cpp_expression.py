"""A tiny evaluator of the C++ expressions neurogen's printer emits, following C++'s own grammar.

It parses by C++'s precedence and associativity (not the printer's tables), keeps C++'s types
(``/`` of two integers truncates, comparisons give ``bool``) and computes with Python floats,
so a printer test can check what C++ would compute without running a compiler. The functions
are the ``std::`` ones and neurogen's ``ng::`` helpers (``templates/static/functions.hpp``),
written again here from their documented meaning.
"""
from __future__ import annotations

import math
import re
from typing import Any, Callable, Mapping

import numpy as np

_TOKEN = re.compile(r"\s*(?:(\d+\.\d*(?:e[+-]?\d+)?|\d+e[+-]?\d+|\d+)|([A-Za-z_][\w:]*)|"
                    r"(&&|\|\||==|!=|<=|>=|[-+*/<>!?:(),]))", re.UNICODE)


def _tokens(text: str) -> list[str]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise SyntaxError(f"cannot read C++ at {text[pos:]!r}")
        out.append(match.group(match.lastindex))
        pos = match.end()
    return out


def _floordiv(a: float, b: float) -> float:
    """Python's // for floats, as numpy's npy_divmod computes it."""
    with np.errstate(all="ignore"):
        a, b = np.float64(a), np.float64(b)
        if b == 0:
            return float(a / b)
        m = np.fmod(a, b)
        div = (a - m) / b
        if m != 0 and ((b < 0) != (m < 0)):
            div -= 1.0
        if div == 0:
            return float(np.copysign(0.0, a / b))
        floor = np.floor(div)
        return float(floor + 1.0 if div - floor > 0.5 else floor)


def _mod(a: float, b: float) -> float:
    """Python's % for floats: the sign of the divisor."""
    with np.errstate(all="ignore"):
        a, b = np.float64(a), np.float64(b)
        r = np.fmod(a, b)
        if b == 0:
            return float(r)
        if r != 0:
            return float(r + b if (b < 0) != (r < 0) else r)
        return float(np.copysign(0.0, b))


def _numpy(function: Callable[..., Any]) -> Callable[..., float]:
    """A ``<cmath>`` function: IEEE results (inf, nan), never a Python exception."""
    def call(*args: float) -> float:
        with np.errstate(all="ignore"):
            return float(function(*(np.float64(a) for a in args)))
    return call


def _clip(x: float, low: float, high: float) -> float:
    raised = x if (x != x or x >= low) else low
    return raised if (raised != raised or raised <= high) else high


def _exprel(x: float) -> float:
    if abs(x) < 1e-16:
        return 1.0
    if x > 717:
        return math.inf
    return _numpy(np.expm1)(x) / x


def _timestep(x: float, dt: float) -> int:
    """``ng::timestep`` of functions.hpp: whole steps, truncated, 1e-3 dt tolerance, clamped."""
    return int(min(max((x + 1e-3 * dt) / dt, -4e18), 4e18)) if x == x else int(-4e18)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    **{f"std::{name}": _numpy(getattr(np, numpy_name)) for name, numpy_name in (
        ("exp", "exp"), ("log", "log"), ("log10", "log10"), ("sqrt", "sqrt"), ("sin", "sin"),
        ("cos", "cos"), ("tan", "tan"), ("sinh", "sinh"), ("cosh", "cosh"), ("tanh", "tanh"),
        ("asin", "arcsin"), ("acos", "arccos"), ("atan", "arctan"), ("fabs", "fabs"),
        ("floor", "floor"), ("ceil", "ceil"), ("expm1", "expm1"), ("log1p", "log1p"),
        ("pow", "power"), ("fmax", "fmax"), ("fmin", "fmin"))},
    "ng::sign": lambda x: x if x != x else float((x > 0) - (x < 0)),
    "ng::clip": _clip, "ng::int_": _numpy(np.trunc), "ng::mod": _mod, "ng::floordiv": _floordiv,
    "ng::exprel": _exprel, "ng::timestep": _timestep, "double": float,
}
CONSTANTS = {"INFINITY": math.inf, "NAN": math.nan, "true": True, "false": False}


def _arith(op: str, a: Any, b: Any) -> Any:
    integers = not isinstance(a, float) and not isinstance(b, float)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if integers:  # C++ integer division truncates toward zero (and a zero divisor is undefined)
        if b == 0:
            raise ZeroDivisionError("integer division by zero in C++")
        return int(a / b) if (a < 0) != (b < 0) else a // b
    if b == 0:
        return math.nan if a == 0 or a != a else math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


class _Parser:
    def __init__(self, text: str, env: Mapping[str, Any]) -> None:
        self.tokens = _tokens(text)
        self.pos = 0
        self.env = env

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.tokens[self.pos]
        if expected is not None and token != expected:
            raise SyntaxError(f"expected {expected!r}, found {token!r}")
        self.pos += 1
        return token

    def parse(self) -> Any:
        value = self.conditional()
        if self.peek() is not None:
            raise SyntaxError(f"unexpected {self.peek()!r}")
        return value

    def conditional(self) -> Any:
        condition = self.binary(0)
        if self.peek() != "?":
            return condition
        self.take("?")
        if_true = self.conditional()
        self.take(":")
        if_false = self.conditional()  # right-associative
        chosen = if_true if condition else if_false
        if isinstance(if_true, float) or isinstance(if_false, float):
            return float(chosen)
        return chosen

    LEVELS = (("||",), ("&&",), ("==", "!="), ("<", ">", "<=", ">="), ("+", "-"), ("*", "/"))

    def binary(self, level: int) -> Any:
        if level == len(self.LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek() in self.LEVELS[level]:  # all left-associative
            op = self.take()
            right = self.binary(level + 1)
            left = self.apply(op, left, right)
        return left

    @staticmethod
    def apply(op: str, a: Any, b: Any) -> Any:
        if op == "||":
            return bool(a) or bool(b)
        if op == "&&":
            return bool(a) and bool(b)
        if op in ("==", "!=", "<", ">", "<=", ">="):
            return {"==": a == b, "!=": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
        return _arith(op, int(a) if isinstance(a, bool) else a, int(b) if isinstance(b, bool) else b)

    def unary(self) -> Any:
        token = self.peek()
        if token == "-":
            self.take()
            value = self.unary()
            return -(int(value) if isinstance(value, bool) else value)
        if token == "+":
            self.take()
            return self.unary()
        if token == "!":
            self.take()
            return not self.unary()
        return self.primary()

    def primary(self) -> Any:
        token = self.take()
        if token == "(":
            value = self.conditional()
            self.take(")")
            return value
        if token[0].isdigit():
            return float(token) if any(c in token for c in ".e") else int(token)
        if self.peek() == "(":
            self.take("(")
            args = []
            while self.peek() != ")":
                args.append(self.conditional())
                if self.peek() == ",":
                    self.take(",")
            self.take(")")
            return FUNCTIONS[token](*(float(a) for a in args))
        if token in self.env:
            return self.env[token]
        return CONSTANTS[token]


def evaluate_cpp(text: str, env: Mapping[str, Any]) -> Any:
    """The value of the C++ expression ``text``; ``env`` maps C++ names (``v_``) to values
    (Python ``float`` for doubles, ``int``/``bool`` for integer and boolean variables)."""
    return _Parser(text, env).parse()
