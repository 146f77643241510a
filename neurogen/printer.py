"""The only place that turns sympy into C++.

Literals print with full double precision, integer-typed names are read as ``double`` so
that ``i / N`` divides as a model author means, and neurogen's opaque functions (``clip``,
comparisons, ``rand``...) map to helpers in ``templates/static/functions.hpp``.
"""
from __future__ import annotations

from typing import Iterable

import sympy
from sympy.printing.cxx import CXX17CodePrinter

from .ir import Assign, MatrixExp, Statement
from .symbolic import TIMED_ARRAY_PREFIX

_CALLS = {
    "clip": "ng::clip", "int_": "ng::int_", "mod": "ng::mod", "exprel": "ng::exprel",
    "log10": "log10", "timestep": "ng::timestep", "expm1": "expm1", "log1p": "log1p", "sign": "ng::sign",
}
_INFIX = {"gt": ">", "ge": ">=", "lt": "<", "le": "<=", "eq": "==", "ne": "!=",
          "and_": "&&", "or_": "||"}


class CppPrinter(CXX17CodePrinter):
    """sympy → C++ expression text for neurogen kernels."""

    def __init__(self, integer_names: Iterable[str] = ()) -> None:
        super().__init__({"math_macros": {}})
        self.integer_names = frozenset(integer_names)

    def _print_Symbol(self, expr: sympy.Symbol) -> str:
        if expr.name in self.integer_names:
            return f"double({expr.name})"
        return expr.name

    def _print_Float(self, expr: sympy.Float) -> str:
        text = repr(float(expr))
        return text if any(c in text for c in ".en") else text + ".0"

    def _print_Exp1(self, expr: sympy.Expr) -> str:  # exp(1) in a model: sympy's E
        return self._print_Float(sympy.Float(expr))

    def _print_Pi(self, expr: sympy.Expr) -> str:
        return self._print_Float(sympy.Float(expr))

    def _print_Integer(self, expr: sympy.Integer) -> str:
        return str(int(expr))

    def _print_Rational(self, expr: sympy.Rational) -> str:
        return f"({expr.p}.0/{expr.q}.0)"

    def _print_Pow(self, expr: sympy.Pow) -> str:
        base, exponent = expr.as_base_exp()
        b = self.parenthesize(base, sympy.printing.precedence.PRECEDENCE["Mul"] + 1)
        if exponent == -1:
            return f"1.0/{b}"
        if exponent == sympy.S.Half:
            return f"sqrt({self._print(base)})"
        if exponent == -sympy.S.Half:
            return f"1.0/sqrt({self._print(base)})"
        if exponent.is_Integer and 2 <= int(exponent) <= 3:
            return "*".join([b] * int(exponent))
        if exponent.is_Integer and -3 <= int(exponent) <= -2:
            return "1.0/(" + "*".join([b] * -int(exponent)) + ")"
        return f"pow({self._print(base)}, {self._print(sympy.Float(exponent) if exponent.is_Rational else exponent)})"

    def _print_Function(self, expr: sympy.Function) -> str:
        name = type(expr).__name__
        args = [self._print(a) for a in expr.args]
        if name in _INFIX:
            return f"({args[0]} {_INFIX[name]} {args[1]})"
        if name == "select":
            return f"({args[0]} ? {args[1]} : {args[2]})"
        if name == "not_":
            return f"!({args[0]})"
        if name in ("rand", "randn", "poisson", "binomial", "noise"):  # first argument: the draw index
            return f"_{name}({', '.join(args)})"
        if name in _CALLS:
            return f"{_CALLS[name]}({', '.join(args)})"
        if name.startswith(TIMED_ARRAY_PREFIX):  # timedarray1__stim(t, dt): the object's TimedArray data
            data = f"_grp._timedarray_{name.split('__', 1)[1]}"
            sizes = f"{data}_rows" if name[len(TIMED_ARRAY_PREFIX)] == "1" else f"{data}_rows, {data}_columns"
            return f"ng::timed_array({data}_values, {sizes}, {data}_dt, {', '.join(args)})"
        return super()._print_Function(expr)

    def _print_sign(self, expr: sympy.Expr) -> str:
        return f"ng::sign({self._print(expr.args[0])})"

    def _print_Abs(self, expr: sympy.Expr) -> str:
        return f"fabs({self._print(expr.args[0])})"

    def _print_floor(self, expr: sympy.Expr) -> str:
        return f"floor({self._print(expr.args[0])})"

    def _print_ceiling(self, expr: sympy.Expr) -> str:
        return f"ceil({self._print(expr.args[0])})"


def cpp_comment(text: str) -> str:
    """Model text made safe for a ``//`` comment: one line, and no backslash (which would
    splice the next line of code into the comment)."""
    return " ".join(str(text).split()).replace("\\", "/")


def print_expr(expr: sympy.Expr, integer_names: Iterable[str] = ()) -> str:
    return CppPrinter(integer_names).doprint(expr)


def print_statement(stmt: Statement, ctypes: dict[str, str], integer_names: Iterable[str] = (),
                    used: frozenset[str] | None = None) -> list[str]:
    """C++ lines for one IR statement; ``ctypes`` gives the C++ type of declared/written names.

    ``used`` (names read later) limits which matrix-exponential entries get a local.
    """
    printer = CppPrinter(integer_names)
    comment = f"  // {cpp_comment(stmt.comment)}" if stmt.comment else ""
    if isinstance(stmt, Assign):
        value = printer.doprint(stmt.expr)
        ctype = ctypes.get(stmt.target, "double")
        if ctype != "double":
            value = f"{ctype}({value})"
        if stmt.declare:
            return [f"const {ctype} {stmt.target} = {value};{comment}"]
        return [f"{stmt.target} = {value};{comment}"]
    return _print_matrix_exp(stmt, printer, comment, used)


def _print_matrix_exp(stmt: MatrixExp, printer: CppPrinter, comment: str,
                      used: frozenset[str] | None) -> list[str]:
    n = stmt.size
    entries = ", ".join(printer.doprint(e) for e in stmt.matrix)
    lines = [f"double {stmt.target}[{n * n}] = {{{entries}}};{comment}",
             f"ng::expm_inplace<{n}>({stmt.target});"]
    for row in range(n):
        for col in range(n):
            if used is not None and stmt.entry(row, col).name not in used:
                continue
            lines.append(f"const double {stmt.entry(row, col).name} = {stmt.target}[{row * n + col}];")
    return lines
