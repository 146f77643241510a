"""Convert checked model expressions (Python ``ast``) into sympy, on the cold path only.

Comparisons, logic, ``clip`` and friends become opaque sympy functions so that sympy never
"simplifies" a threshold into a Python bool or rejects ``v * (v > 0)``; only arithmetic and
the elementary functions the integrators reason about are real sympy operations.
"""
from __future__ import annotations

import ast
import math
from typing import Callable

import sympy
from sympy.printing.str import StrPrinter

from ..errors import EquationError
from .folding import check_divisor, fold_binary, fold_call, is_number
from .ir import DT

# Opaque functions: printed by neurogen.compiler.printer, never evaluated by sympy. Their values are
# real, so sympy's derivatives of them need no re()/im().
clip = sympy.Function("clip", real=True)
int_ = sympy.Function("int_", real=True)            # Python's int(): truncation toward zero
mod = sympy.Function("mod", real=True)              # Python's %: the sign of the divisor
floordiv = sympy.Function("floordiv", real=True)    # Python's //: floor of the exact quotient
exprel = sympy.Function("exprel", real=True)
log10 = sympy.Function("log10", real=True)
expm1 = sympy.Function("expm1", real=True)
log1p = sympy.Function("log1p", real=True)
rand = sympy.Function("rand")
randn = sympy.Function("randn")
poisson = sympy.Function("poisson")    # poisson(draw, mean)
binomial = sympy.Function("binomial")  # binomial(draw, n, p): PoissonInput's counts, not in model text
gt, ge, lt, le = (sympy.Function(n) for n in ("gt", "ge", "lt", "le"))
eq, ne = sympy.Function("eq"), sympy.Function("ne")
and_, or_, not_ = sympy.Function("and_"), sympy.Function("or_"), sympy.Function("not_")
select = sympy.Function("select")      # select(condition, if_true, if_false)
timestep = sympy.Function("timestep", real=True)  # Brian2's timestep(x, dt) (whole steps)
# floor and ceil as the compiled code computes them: sympy's pull whole numbers out
# (floor(x + 1) -> floor(x) + 1, wrong at x = -1e-17 where x + 1 rounds to 1)
floor_ = sympy.Function("floor_", real=True)
ceil_ = sympy.Function("ceil_", real=True)
# x**n kept as one power where sympy would expand a number's power exactly ((a/3)**1000000000
# computes 3**1000000000, a hang; (1e-200*a)**2 underflows to 0*a**2)
power = sympy.Function("power")
# a PoissonInput's rate*dt from an expression: a probability, else recorded and clipped
probability = sympy.Function("probability")


class Exp(sympy.Function):
    """exp() as the compiled code computes it: one call. sympy's own exp splits number terms off
    (exp(a - 745.0) becomes 2.8e-324*exp(a), exp(a + 800.0) becomes inf*exp(a)); this one keeps
    its argument whole, and still has a derivative (the integrators need it)."""

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return Exp(self.args[0])

RANDOM_FUNCTIONS = (rand, randn, poisson, binomial)

TIMED_ARRAY_PREFIX = "timedarray"


def timed_array(name: str, ndim: int) -> sympy.FunctionClass:
    """The opaque function of TimedArray ``name``: ``timedarray1__stim(t, dt)`` or
    ``timedarray2__stim(t, i, dt)`` (``dt``: the caller's step, for Brian2's rounding rule)."""
    return sympy.Function(f"{TIMED_ARRAY_PREFIX}{ndim}__{name}", real=True)

USER_FUNCTION_PREFIX = "userfunction"
_RESULT_KINDS = {"double": "d", "integer": "i", "bool": "b"}


def user_function(cpp_name: str, result_kind: str, stateless: bool) -> sympy.FunctionClass:
    """The opaque function of a user :class:`~neurogen.frontend.functions.Function`:
    ``userfunction<kind><s|x>__<C++ name>(args)`` (kind of result: d/i/b; ``x``: not stateless,
    so its calls are never hoisted out of the loop)."""
    tag = _RESULT_KINDS[result_kind] + ("s" if stateless else "x")
    return sympy.Function(f"{USER_FUNCTION_PREFIX}{tag}__{cpp_name}", real=True)


def user_function_call(name: str) -> tuple[str, str, bool] | None:
    """``(C++ name, result kind, stateless)`` of a user function's sympy name, else None."""
    if not name.startswith(USER_FUNCTION_PREFIX):
        return None
    tag, cpp_name = name[len(USER_FUNCTION_PREFIX):].split("__", 1)
    kinds = {v: k for k, v in _RESULT_KINDS.items()}
    return cpp_name, kinds[tag[0]], tag[1] == "s"


def uses_stateful(expr: sympy.Expr) -> bool:
    """Calls a user function that is not stateless (each call may give another value)."""
    return any((call := user_function_call(type(f).__name__)) is not None and not call[2]
               for f in expr.atoms(sympy.Function))


# noise(k): the N(0, 1) sample of white-noise variable k in a state update (neurogen.compiler.stochastic);
# a random draw too, but from its own range (compiler.lower.common.DRAW_BASES["noise"]), never renumbered.
noise = sympy.Function("noise")

_FUNCTIONS: dict[str, Callable[..., sympy.Expr]] = {
    "exp": Exp, "log": sympy.log, "sqrt": sympy.sqrt, "sin": sympy.sin, "cos": sympy.cos,
    "tan": sympy.tan, "sinh": sympy.sinh, "cosh": sympy.cosh, "tanh": sympy.tanh,
    "arcsin": sympy.asin, "arccos": sympy.acos, "arctan": sympy.atan, "asin": sympy.asin,
    "acos": sympy.acos, "atan": sympy.atan, "abs": sympy.Abs, "floor": floor_,
    "ceil": ceil_, "sign": sympy.sign, "clip": clip, "int": int_, "exprel": exprel,
    "log10": log10, "expm1": expm1, "log1p": log1p,
}
_COMPARE = {ast.Gt: gt, ast.GtE: ge, ast.Lt: lt, ast.LtE: le, ast.Eq: eq, ast.NotEq: ne}

Resolver = Callable[[str], sympy.Expr]


def to_sympy(tree: ast.expr, resolve: Resolver, where: str) -> sympy.Expr:
    """Convert an expression; ``resolve`` maps each name to a symbol or a literal.

    Each ``rand()``/``randn()``/``poisson()`` gets its own draw number as first argument, so that two
    calls stay two different numbers (sympy would otherwise merge ``rand() + rand()``).
    """
    converter = _Converter(resolve, where)
    return converter.visit(tree)


class _Converter(ast.NodeVisitor):
    def __init__(self, resolve: Resolver, where: str) -> None:
        self.resolve = resolve
        self.where = where
        self.draws = 0

    def visit_Constant(self, node: ast.Constant) -> sympy.Expr:
        if isinstance(node.value, bool):
            return sympy.Integer(int(node.value))
        if isinstance(node.value, int):
            return sympy.Integer(node.value)
        return sympy.Float(node.value, precision=53)  # a double: sympy then rounds as C++ does

    def visit_Name(self, node: ast.Name) -> sympy.Expr:
        if node.id in ("True", "False"):
            return sympy.Integer(node.id == "True")
        return self.resolve(node.id)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> sympy.Expr:
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.Not):
            return not_(operand)
        return operand

    def visit_BinOp(self, node: ast.BinOp) -> sympy.Expr:
        """Arithmetic; numbers are computed at once as doubles (see :mod:`neurogen.compiler.folding`)."""
        left, right = self.visit(node.left), self.visit(node.right)
        text = ast.unparse(node)
        check_divisor(node.op, right, self.where, text)
        if is_number(left) and is_number(right):
            return fold_binary(node.op, left, right, self.where, text)
        op = type(node.op)
        if op is ast.Add:
            return left + right
        if op is ast.Sub:
            return left - right
        if op is ast.Mult:
            return left * right
        if op is ast.Div:
            return left / right
        if op is ast.FloorDiv:
            return floordiv(left, right)
        if op is ast.Mod:
            return mod(left, right)
        return _power(left, right)

    def visit_BoolOp(self, node: ast.BoolOp) -> sympy.Expr:
        combine = and_ if isinstance(node.op, ast.And) else or_
        values = [self.visit(v) for v in node.values]
        result = values[0]
        for value in values[1:]:
            result = combine(result, value)
        return result

    def visit_Compare(self, node: ast.Compare) -> sympy.Expr:
        operands = [self.visit(node.left), *(self.visit(c) for c in node.comparators)]
        parts = [_COMPARE[type(op)](a, b) for op, a, b in zip(node.ops, operands, operands[1:])]
        result = parts[0]
        for part in parts[1:]:
            result = and_(result, part)
        return result

    def visit_Call(self, node: ast.Call) -> sympy.Expr:
        name = node.func.id  # type: ignore[attr-defined]
        if name in ("rand", "randn", "poisson"):
            self.draws += 1
            random = {"rand": rand, "randn": randn, "poisson": poisson}[name]
            return random(sympy.Integer(self.draws - 1), *(self.visit(a) for a in node.args))
        args = [self.visit(a) for a in node.args]
        folded = fold_call(name, args)
        if folded is not None:
            return folded
        function = _FUNCTIONS.get(name)
        if function is not None:
            return function(*args)
        function = self.resolve(name)  # a TimedArray or user function of the namespace
        if not isinstance(function, sympy.FunctionClass):
            raise EquationError(f"{self.where}: unknown function '{name}'")
        if function.__name__.startswith(USER_FUNCTION_PREFIX):
            return function(*args)
        return function(*args, DT)

    def generic_visit(self, node: ast.AST) -> sympy.Expr:
        raise EquationError(f"{self.where}: cannot convert '{ast.unparse(node)}'")


def _power(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    """``base**exponent``; kept as one opaque power when sympy would compute a number's power
    exactly or outside the range of doubles (a number inside ``base`` and a large exponent, or
    a base that is the number 0, where sympy reasons about zero instead of computing)."""
    if is_number(base) and base.is_zero:
        return power(base, exponent)
    if is_number(exponent) and not is_number(base):
        coefficient = abs(float(base.as_coeff_Mul()[0])) if base.is_Mul else 1.0
        if coefficient not in (0.0, 1.0) and abs(float(exponent) * math.log2(coefficient)) > 60:
            return power(base, exponent)
    return base**exponent


def renumber_draws(exprs: list[sympy.Expr], start: int = 0) -> tuple[list[sympy.Expr], int]:
    """Give every random draw in a kernel its own draw index, in statement order."""
    counter = start
    result = []
    for expr in exprs:
        mapping = {}
        for call in sorted(expr.atoms(*RANDOM_FUNCTIONS), key=sympy.default_sort_key):
            mapping[call] = call.func(sympy.Integer(counter), *call.args[1:])
            counter += 1
        result.append(expr.xreplace(mapping))
    return result, counter


def uses_random(expr: sympy.Expr) -> bool:
    return bool(expr.atoms(*RANDOM_FUNCTIONS, noise))


def uses_noise(expr: sympy.Expr) -> bool:
    return bool(expr.atoms(noise))


class _ModelTextPrinter(StrPrinter):
    """sympy → model syntax for error messages: ``rand()``, ``poisson(3)``, ``stim(t)``,
    ``v > 1``, never neurogen's internal forms (``rand(0)``, ``timedarray1__stim(t, dt)``)."""

    _INFIX = {"gt": ">", "ge": ">=", "lt": "<", "le": "<=", "eq": "==", "ne": "!=", "and_": "and", "or_": "or"}

    def _print_Function(self, expr: sympy.Expr) -> str:
        name = type(expr).__name__
        args = [self._print(a) for a in expr.args]
        if name in ("rand", "randn", "poisson", "binomial"):
            return f"{name}({', '.join(args[1:])})"  # the first argument is the draw number
        if name.startswith(TIMED_ARRAY_PREFIX):
            return f"{name.split('__', 1)[1]}({', '.join(args[:-1])})"  # the last argument is dt
        if name.startswith(USER_FUNCTION_PREFIX):
            return f"{name.split('__', 1)[1]}({', '.join(args)})"
        if name in self._INFIX:
            return f"({args[0]} {self._INFIX[name]} {args[1]})"
        if name == "not_":
            return f"not {args[0]}"
        if name == "select":
            return f"({args[1]} if {args[0]} else {args[2]})"
        if name in ("floordiv", "mod"):
            return f"({args[0]} {'//' if name == 'floordiv' else '%'} {args[1]})"
        if name in ("floor_", "ceil_", "Exp"):
            return f"{name.rstrip('_').lower()}({args[0]})"
        if name == "power":
            return f"({args[0]})**({args[1]})"
        if name == "int_":
            return f"int({args[0]})"
        return super()._print_Function(expr)


def model_text(expr: sympy.Expr) -> str:
    """An expression as a model author would write it (for messages)."""
    return _ModelTextPrinter().doprint(expr)
