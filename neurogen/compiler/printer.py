"""The only place that turns sympy into C++: correct by construction, not by sympy's printer.

Every printed piece carries its C++ precedence, and a parent puts parentheses around a child
whose precedence is lower than the place it goes into needs (strictly higher on the right of
a left-associative operator), so ``x/(a*a)`` can never come out as ``x/a*a``. Every piece
also knows whether C++ computes it as a ``double``: the first operand of every sum, product
and quotient is made a ``double``, so C++ never does integer arithmetic a model did not ask
for (``b/2`` with a boolean ``b``, ``(v > 1) + (w > 1)``). Number literals print as doubles
with full precision. A sympy node the model language cannot produce is an error naming it,
never a guess.

Model names are printed through :func:`cpp_name` (``v`` → ``v_``), so no model name can be a
C++ keyword, macro or library name; neurogen's own names start with ``_`` and stay as they are.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import sympy

from ..errors import EquationError
from .ir import Assign, MatrixExp, Statement
from ..nonfinite import DOMAIN_ERRORS
from .symbolic import TIMED_ARRAY_PREFIX, model_text, user_function_call

# C++ precedence, higher binds tighter (only the levels neurogen emits).
ATOM, UNARY, MUL, ADD, REL, EQ, AND, OR, COND = 100, 90, 80, 70, 60, 55, 40, 30, 20

_STD_CALLS = {
    "exp": "std::exp", "log": "std::log", "sin": "std::sin", "cos": "std::cos", "tan": "std::tan",
    "sinh": "std::sinh", "cosh": "std::cosh", "tanh": "std::tanh", "asin": "std::asin",
    "acos": "std::acos", "atan": "std::atan", "Abs": "std::fabs", "floor": "std::floor",
    "ceiling": "std::ceil", "log10": "std::log10", "expm1": "std::expm1", "log1p": "std::log1p",
    "Exp": "std::exp", "floor_": "std::floor", "ceil_": "std::ceil", "power": "std::pow",
    "sign": "ng::sign", "clip": "ng::clip", "int_": "ng::int_", "mod": "ng::mod", "Mod": "ng::mod",
    "floordiv": "ng::floordiv", "exprel": "ng::exprel",
}
#: Opaque functions that C++ computes as an integer (made a double before arithmetic).
_INTEGER_CALLS = {"timestep": "ng::timestep"}
_RELATIONS = {"gt": ">", "ge": ">=", "lt": "<", "le": "<=", "eq": "==", "ne": "!="}
_RANDOM = ("rand", "randn", "poisson", "binomial", "noise")  # first argument: the draw index


#: The C++ namespace of user functions' code (Brian2's @implementation('cpp', ...)): apart from
#: model names (``v_``) and neurogen's own (``ng::``, ``_x``), so a user's name clashes with neither.
USER_NAMESPACE = "ng_user"


def cpp_name(name: str) -> str:
    """The C++ identifier of a name: a model name (``v``, ``tau``, ``true``, ``RAND_MAX``) gets a
    trailing underscore, so it can never clash with C++ keywords, macros or library names;
    neurogen's own names start with ``_`` and never clash with a model name."""
    return name if name.startswith("_") else name + "_"


def field_ref(struct_ref: str, name: str) -> str:
    """C++ access to the struct member holding ``name`` (``_grp.v_``, ``_grp._dt``)."""
    return f"{struct_ref}.{cpp_name(name)}"


@dataclass(frozen=True, slots=True)
class _Code:
    text: str
    prec: int
    kind: str = "double"  # how C++ computes it: "double", "integer" or "bool"


def _double_literal(value: float) -> _Code:
    if value != value:
        return _Code("NAN", ATOM)
    if value in (float("inf"), float("-inf")):
        return _Code("INFINITY", ATOM) if value > 0 else _Code("-INFINITY", UNARY)
    text = repr(float(value))
    if not any(c in text for c in ".e"):
        text += ".0"
    return _Code(text, UNARY if text.startswith("-") else ATOM)


class CppPrinter:
    """sympy → C++ expression text for neurogen kernels.

    ``integer_names``: names whose C++ type is not ``double`` (indices, integer and boolean
    variables); in arithmetic they are read as ``double(name_)``, so ``i/N`` divides as in Python.
    """

    def __init__(self, integer_names: Iterable[str] = (), element: str = "0") -> None:
        self.integer_names = frozenset(integer_names)
        self.element = element  # the kernel's element, reported with a value code could not use

    def doprint(self, expr: sympy.Expr) -> str:
        return self._code(sympy.sympify(expr)).text

    # -- dispatch and placement --------------------------------------------------------------

    def _code(self, expr: sympy.Basic) -> _Code:
        for cls in type(expr).__mro__:
            method = getattr(self, f"_print_{cls.__name__}", None)
            if method is not None:
                return method(expr)
        raise EquationError(f"cannot generate C++ for '{model_text(expr)}': the model language has no "
                            f"'{type(expr).__name__}' (please report this expression)")

    def _child(self, expr: sympy.Basic, min_prec: int) -> str:
        return self._place(self._code(expr), min_prec)

    @staticmethod
    def _place(code: _Code, min_prec: int) -> str:
        return code.text if code.prec >= min_prec else f"({code.text})"

    def _number(self, expr: sympy.Basic, min_prec: int) -> str:
        """An operand of arithmetic: a double (booleans and integers converted first)."""
        code = self._code(expr)
        if code.kind != "double":
            return f"double({code.text})"
        return self._place(code, min_prec)

    def _condition(self, expr: sympy.Basic, min_prec: int) -> str:
        """An operand of ``&&``, ``||``, ``!`` or ``?:``: a truth value. A stored boolean or
        integer stays as it is; a number is compared with 0 (``not (a*b)`` is ``!(a_*b_ != 0.0)``:
        GCC warns about a product used as a truth value)."""
        if isinstance(expr, sympy.Symbol) and expr.name in self.integer_names:
            return cpp_name(expr.name)
        code = self._code(expr)
        if code.kind != "bool":
            code = _Code(f"{self._place(code, EQ + 1)} != 0.0", EQ, "bool")
        return self._place(code, min_prec)

    def _argument(self, expr: sympy.Basic) -> str:
        return self._number(expr, COND)

    # -- atoms -------------------------------------------------------------------------------

    def _print_Symbol(self, expr: sympy.Symbol) -> _Code:
        name = cpp_name(expr.name)
        if expr.name in self.integer_names:
            return _Code(f"double({name})", ATOM)
        return _Code(name, ATOM)

    def _print_Integer(self, expr: sympy.Integer) -> _Code:
        value = int(expr)
        try:
            as_double = float(value)
        except OverflowError:
            raise EquationError(f"the integer {value} is too large for a double") from None
        return _double_literal(as_double)

    def _print_Rational(self, expr: sympy.Rational) -> _Code:
        p, q = int(expr.p), int(expr.q)
        if q & (q - 1) == 0 and abs(p) <= 2**53:  # q a power of two: p/q is an exact double
            return _double_literal(p / q)
        if max(abs(p), q) <= 2**53:  # both exact as doubles: C++ rounds p/q once, as Python does
            text = f"{_double_literal(abs(p)).text}/{_double_literal(q).text}"
            return _Code(f"-{text}" if p < 0 else text, MUL)
        return _double_literal(float(expr))

    def _print_Float(self, expr: sympy.Float) -> _Code:
        return _double_literal(float(expr))

    def _print_NumberSymbol(self, expr: sympy.Expr) -> _Code:  # pi, E (exp(1)), ...
        return _double_literal(float(expr))

    def _print_Infinity(self, expr: sympy.Expr) -> _Code:
        return _Code("INFINITY", ATOM)

    def _print_NegativeInfinity(self, expr: sympy.Expr) -> _Code:
        return _Code("-INFINITY", UNARY)

    def _print_NaN(self, expr: sympy.Expr) -> _Code:
        return _Code("NAN", ATOM)

    def _print_ComplexInfinity(self, expr: sympy.Expr) -> _Code:
        raise EquationError("division by zero in a model expression (it has no value)")

    def _print_BooleanTrue(self, expr: sympy.Expr) -> _Code:
        return _Code("true", ATOM, "bool")

    def _print_BooleanFalse(self, expr: sympy.Expr) -> _Code:
        return _Code("false", ATOM, "bool")

    # -- arithmetic --------------------------------------------------------------------------

    def _print_Add(self, expr: sympy.Add) -> _Code:
        terms = expr.as_ordered_terms()
        parts = [self._number(terms[0], ADD)]
        for term in terms[1:]:
            if term.could_extract_minus_sign():
                parts.append(f"- {self._number(-term, ADD + 1)}")
            else:
                parts.append(f"+ {self._number(term, ADD + 1)}")
        return _Code(" ".join(parts), ADD)

    def _print_Mul(self, expr: sympy.Mul) -> _Code:
        coeff, factors = expr.as_coeff_Mul()
        negative = bool(coeff.is_extended_negative)
        if negative:
            coeff = -coeff
        numerator: list[sympy.Basic] = []
        denominator: list[sympy.Basic] = []
        if coeff.is_Rational:
            if coeff.p != 1:
                numerator.append(sympy.Integer(coeff.p))
            if coeff.q != 1:
                denominator.append(sympy.Integer(coeff.q))
        elif not (coeff.is_Number and float(coeff) == 1.0):
            numerator.append(coeff)
        for factor in sympy.Mul.make_args(factors):
            # a negative power is a division, as sympy's (and so Brian2's) text has it:
            # a/b**c stays a/pow(b, c) (a*pow(b, -c) is NaN for a = 0, b = 1e-320, c = 1)
            if factor.is_Pow and factor.exp.could_extract_minus_sign():
                denominator.append(sympy.Pow(factor.base, -factor.exp))
            else:
                numerator.append(factor)
        top = self._product(numerator or [sympy.Float(1.0)], negative)
        if not denominator:
            return top
        bottom = self._product(denominator)
        return _Code(f"{self._place(top, MUL)}/{self._place(bottom, MUL + 1)}", MUL)

    def _product(self, factors: list[sympy.Basic], negative: bool = False) -> _Code:
        """``a*b*c``, with the first factor a double (and negated: ``-a*b`` is exactly ``-(a*b)``
        in IEEE arithmetic, whose rounding is symmetric)."""
        first = self._code(factors[0])
        if first.kind != "double":
            first = _Code(f"double({first.text})", ATOM)
        if negative:
            first = _negate(first)
        if len(factors) == 1:
            return first
        parts = [self._place(first, MUL)] + [self._number(f, MUL + 1) for f in factors[1:]]
        return _Code("*".join(parts), MUL)

    def _print_Pow(self, expr: sympy.Pow) -> _Code:
        base, exponent = expr.base, expr.exp
        if exponent.is_Float and float(exponent) in (-3.0, -2.0, -1.0, 0.5, 2.0, 3.0):
            exponent = sympy.Rational(int(exponent * 2), 2)  # x**2.0 as x*x, x**0.5 as sqrt (as numpy)
        if exponent.is_Integer and 2 <= abs(int(exponent)) <= 3:
            b = self._number(base, MUL + 1)
            product = "*".join([b] * abs(int(exponent)))
            if exponent > 0:
                return _Code(product, MUL)
            return _Code(f"1.0/({product})", MUL)
        if exponent == -1:
            return _Code(f"1.0/{self._number(base, MUL + 1)}", MUL)
        if exponent == sympy.S.Half:
            return _Code(f"std::sqrt({self._argument(base)})", ATOM)
        return _Code(f"std::pow({self._argument(base)}, {self._argument(exponent)})", ATOM)

    # -- functions ---------------------------------------------------------------------------

    def _print_Function(self, expr: sympy.Function) -> _Code:
        name = type(expr).__name__
        if name in _RELATIONS:
            return self._relation(_RELATIONS[name], expr.args[0], expr.args[1])
        if name in ("and_", "or_"):
            return self._logic("&&" if name == "and_" else "||", expr.args)
        if name == "not_":
            return _Code(f"!{self._condition(expr.args[0], UNARY + 1)}", UNARY, "bool")
        if name == "select":
            return self._select(*expr.args)
        if name == "probability":  # PoissonInput's rate*dt: checked (ng::checked_probability)
            return _Code(f"ng::checked_probability({self._argument(expr.args[0])}, _grp.{DOMAIN_ERRORS}rate, "
                         f"_step, {self.element})", ATOM)
        if name in _RANDOM:
            draw, *rest = expr.args
            args = [str(int(draw)), *(self._argument(a) for a in rest)]
            return _Code(f"_{name}({', '.join(args)})", ATOM)
        if name.startswith(TIMED_ARRAY_PREFIX):
            return self._timed_array(name, expr.args)
        user = user_function_call(name)
        if user is not None:  # the user's C++ code, in its own namespace (see render)
            return _Code(self._call(f"{USER_NAMESPACE}::{user[0]}", expr.args).text, ATOM, user[1])
        if name in _STD_CALLS:
            return self._call(_STD_CALLS[name], expr.args)
        if name in _INTEGER_CALLS:
            return _Code(self._call(_INTEGER_CALLS[name], expr.args).text, ATOM, "integer")
        if name == "re":  # every model value is real
            return self._code(expr.args[0])
        if name == "Heaviside":
            x = self._argument(expr.args[0])
            return _Code(f"({x} > 0.0 ? 1.0 : ({x} < 0.0 ? 0.0 : 0.5))", ATOM)
        raise EquationError(f"cannot generate C++ for '{model_text(expr)}': unknown function '{name}'")

    def _call(self, function: str, args: Iterable[sympy.Basic]) -> _Code:
        return _Code(f"{function}({', '.join(self._argument(a) for a in args)})", ATOM)

    def _min_max(self, function: str, args: tuple[sympy.Basic, ...]) -> _Code:
        text = self._argument(args[0])
        for arg in args[1:]:
            text = f"{function}({text}, {self._argument(arg)})"
        return _Code(text, ATOM)

    def _timed_array(self, name: str, args: tuple[sympy.Basic, ...]) -> _Code:
        """``timedarray1__stim(t, dt)``: a lookup in the object's TimedArray data."""
        data = f"_grp._timedarray_{name.split('__', 1)[1]}"
        sizes = f"{data}_rows" if name[len(TIMED_ARRAY_PREFIX)] == "1" else f"{data}_rows, {data}_columns"
        arguments = ", ".join(self._argument(a) for a in args)
        return _Code(f"ng::timed_array({data}_values, {sizes}, {data}_dt, {arguments})", ATOM)

    # -- comparisons, logic, conditionals ----------------------------------------------------

    def _relation(self, op: str, left: sympy.Basic, right: sympy.Basic) -> _Code:
        prec = EQ if op in ("==", "!=") else REL
        return _Code(f"{self._number(left, prec + 1)} {op} {self._number(right, prec + 1)}", prec, "bool")

    def _logic(self, op: str, args: tuple[sympy.Basic, ...]) -> _Code:
        # && inside || gets parentheses too (GCC warns about the mix without them)
        prec = AND if op == "&&" else OR
        parts = [self._condition(a, prec + 1 if op == "&&" else AND + 1) for a in args]
        return _Code(f" {op} ".join(parts), prec, "bool")

    def _select(self, condition: sympy.Basic, if_true: sympy.Basic, if_false: sympy.Basic) -> _Code:
        return _Code(f"{self._condition(condition, OR)} ? {self._argument(if_true)} : "
                     f"{self._number(if_false, COND)}", COND)

    def _print_MinMaxBase(self, expr: sympy.Basic) -> _Code:
        return self._min_max("std::fmax" if isinstance(expr, sympy.Max) else "std::fmin", expr.args)

    def _print_Relational(self, expr: sympy.core.relational.Relational) -> _Code:
        return self._relation(expr.rel_op, expr.lhs, expr.rhs)

    def _print_And(self, expr: sympy.Basic) -> _Code:
        return self._logic("&&", expr.args)

    def _print_Or(self, expr: sympy.Basic) -> _Code:
        return self._logic("||", expr.args)

    def _print_Not(self, expr: sympy.Basic) -> _Code:
        return _Code(f"!{self._condition(expr.args[0], UNARY + 1)}", UNARY, "bool")

    def _print_Piecewise(self, expr: sympy.Piecewise) -> _Code:
        text: _Code = _Code("NAN", ATOM)  # no condition holds: no value
        for value, condition in reversed(expr.args):
            if condition == sympy.true:
                text = self._code(value)
                if text.kind != "double":
                    text = _Code(f"double({text.text})", ATOM)
                continue
            text = _Code(f"{self._condition(condition, OR)} ? {self._argument(value)} : "
                         f"{self._place(text, COND)}", COND)
        return text


def _negate(code: _Code) -> _Code:
    """``-x``, never ``--x`` (C++'s decrement). A product or quotient is negated through its
    first operand: ``-a*b/c`` is exactly ``-(a*b/c)``, as IEEE rounding is symmetric."""
    if code.prec >= MUL and not code.text.startswith("-"):
        return _Code(f"-{code.text}", min(code.prec, UNARY))
    return _Code(f"-({code.text})", UNARY)


def wrap(text: str, width: int = 100) -> str:
    """A long expression over several lines (C++ ignores the newlines; templates indent them),
    broken before a binary operator, the outermost one available, as late as fits."""
    if len(text) <= width:
        return text
    lines: list[str] = []
    start, depth = 0, 0
    breaks: list[tuple[int, int]] = []  # (depth, position of the space) in the current line
    for position, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == " " and position > start and text.startswith(_BINARY_OPERATORS, position + 1):
            breaks.append((depth, position))
        if position - start >= width and breaks:
            cut = min(breaks, key=lambda b: (b[0], -b[1]))[1]
            lines.append(text[start:cut])
            start = cut + 1
            breaks = [b for b in breaks if b[1] > cut]
    lines.append(text[start:])
    return "\n".join(lines)


_BINARY_OPERATORS = ("+ ", "- ", "&& ", "|| ", "? ", ": ", "< ", "> ", "<= ", ">= ", "== ", "!= ")


def cpp_comment(text: str) -> str:
    """Model text made safe for a ``//`` comment: one line, and no backslash (which would
    splice the next line of code into the comment)."""
    return " ".join(str(text).split()).replace("\\", "/")


def print_expr(expr: sympy.Expr, integer_names: Iterable[str] = ()) -> str:
    return wrap(CppPrinter(integer_names).doprint(expr))


def print_statement(stmt: Statement, ctypes: dict[str, str], integer_names: Iterable[str] = (),
                    used: frozenset[str] | None = None, element: str = "0") -> list[str]:
    """C++ lines for one IR statement; ``ctypes`` gives the C++ type of declared/written names.

    ``used`` (names read later) limits which matrix-exponential entries get a local;
    ``element`` (the kernel's element) is reported with a value an integer cannot hold.
    """
    printer = CppPrinter(integer_names, element)
    comment = f"  // {cpp_comment(stmt.comment)}" if stmt.comment else ""
    if isinstance(stmt, Assign):
        try:
            code = printer._code(sympy.sympify(stmt.expr))
        except EquationError as error:
            raise EquationError(f"'{stmt.comment or stmt.target}': {error}") from None
        ctype = ctypes.get(stmt.target, "double")
        value = _converted(code, ctype, element, stmt.target)
        target = cpp_name(stmt.target)
        if stmt.declare:
            return [wrap(f"{'' if stmt.mutable else 'const '}{ctype} {target} = {value};") + comment]
        return [wrap(f"{target} = {value};") + comment]
    return _print_matrix_exp(stmt, printer, comment, used)


def _converted(code: _Code, ctype: str, element: str, target: str) -> str:
    """A value stored in a variable of C++ type ``ctype``: a boolean is true for any number but 0
    (as Python's bool()), an integer gets the number truncated and checked (``ng::to_integer``)."""
    if ctype == "double":
        return code.text
    if ctype == "char":
        return f"char({code.text})" if code.kind == "bool" else f"char({CppPrinter._place(code, EQ + 1)} != 0.0)"
    if code.kind == "bool":
        return f"{ctype}({code.text})"
    return f"ng::to_integer<{ctype}>({code.text}, _grp._integer_errors_{target}, _step, {element})"


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
