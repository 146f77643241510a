"""Model expressions and statements: syntax, names, dimensions (no sympy needed for these).

Expressions are parsed with Python's ``ast`` (Brian2's model language is Python syntax), so
the names an expression needs and its physical dimensions are known without sympy; the
conversion to sympy lives in :mod:`neurogen.compiler.symbolic` and runs only on the cold path.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Callable, Collection, Mapping

from ..errors import DimensionMismatchError, EquationError, ModelSyntaxError
from ..units import DIMENSIONLESS, Dimension

#: Functions usable in models, with how each treats dimensions:
#: 'dimensionless' (argument and result 1), 'same' (result = first argument),
#: 'sqrt', 'int', 'bool_to_float' ... see :func:`_call_dims`.
FUNCTION_DIMS: dict[str, str] = {
    **{f: "dimensionless" for f in (
        "exp", "log", "log10", "expm1", "log1p", "exprel", "sin", "cos", "tan", "sinh", "cosh",
        "tanh", "arcsin", "arccos", "arctan", "asin", "acos", "atan")},
    "sqrt": "sqrt",
    "abs": "same", "floor": "same", "ceil": "same", "sign": "dimensionless_result",
    "clip": "same_all",
    "int": "dimensionless",
    "rand": "random", "randn": "random", "poisson": "dimensionless",
}

_ALLOWED_NODES = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.Call, ast.Name,
    ast.Constant, ast.Load, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow,
    ast.USub, ast.UAdd, ast.Not, ast.And, ast.Or, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt,
    ast.GtE,
)
_AUG_OPS = {ast.Add: "+=", ast.Sub: "-=", ast.Mult: "*=", ast.Div: "/="}


@dataclass(frozen=True, slots=True)
class Signature:
    """What a dimension lookup returns for a function of the namespace (a TimedArray):
    the dimensions its arguments must have, and its result's."""

    args: tuple[Dimension, ...]
    result: Dimension


@dataclass(frozen=True, slots=True)
class Statement:
    """One line of a reset or event code: ``target op expr`` with op in ``= += -= *= /=``."""

    target: str
    op: str
    expr: str
    line: str
    lineno: int


def parse_expression(text: str, where: str) -> ast.expr:
    """Parse ``text`` as a model expression; only arithmetic, comparisons, logic and calls."""
    if not isinstance(text, str):
        raise TypeError(f"{where}: expected an expression string, got {type(text).__name__}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ModelSyntaxError(f"{where}: syntax error in '{text}': {exc.msg}") from None
    except (RecursionError, MemoryError):  # Python's parser gives up on very deep nesting
        raise _too_deep(where, text, None) from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise EquationError(f"{where}: {_describe_node(node)} is not part of the model language ('{text}')")
        if isinstance(node, ast.Call) and (not isinstance(node.func, ast.Name) or node.keywords):
            raise EquationError(f"{where}: only plain function calls are allowed ('{text}')")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float, bool)):
            raise EquationError(f"{where}: constant {node.value!r} is not a number ('{text}')")
    depth = nesting(tree.body)
    if depth > MAX_NESTING:
        raise _too_deep(where, text, depth)
    return tree.body


def check_syntax(text: str, where: str) -> None:
    """A ``ModelSyntaxError`` if ``text`` is not Python expression syntax (a line of a model split
    where it cannot continue); what the syntax may contain is checked where it is used."""
    try:
        ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ModelSyntaxError(f"{where}: syntax error in '{text}': {exc.msg}") from None
    except (RecursionError, MemoryError):  # too deep: parse_expression reports it where it is used
        pass


#: How deeply an expression may nest (``a + b + ...`` counts one level per term, a function
#: call two, ``and``/``or`` and comparison chains one per operand): the symbolic and C++
#: stages recurse per level, and beyond ~300 levels Python's recursion limit stops them.
MAX_NESTING = 200

_OPERATORS = {ast.BitXor: "'^' (bitwise xor; use '**' for powers)", ast.BitAnd: "'&' (bitwise and)",
              ast.BitOr: "'|' (bitwise or)", ast.Invert: "'~' (bitwise not)", ast.LShift: "'<<' (shift)",
              ast.RShift: "'>>' (shift)", ast.MatMult: "'@' (matrix product)", ast.Is: "'is'",
              ast.IsNot: "'is not'", ast.In: "'in'", ast.NotIn: "'not in'"}


def _describe_node(node: ast.AST) -> str:
    """What a refused piece of syntax is, for the error message (an operator unparses to '')."""
    if type(node) in _OPERATORS:
        return f"the operator {_OPERATORS[type(node)]}"
    text = ast.unparse(node) if isinstance(node, (ast.expr, ast.stmt)) else ""
    return f"'{text}'" if text else f"the Python syntax {type(node).__name__}"


def nesting(tree: ast.expr) -> int:
    """How many levels deep the later stages recurse for ``tree`` (see ``MAX_NESTING``);
    computed without recursion, so any parsed tree can be measured."""
    deepest = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.BoolOp):
            depth += len(node.values) - 1  # sympy nests a and b and c as And(a, And(b, c))
        elif isinstance(node, ast.Compare):
            depth += 2 * (len(node.ops) - 1)  # a < b < c is (a < b) and (b < c)
        elif isinstance(node, ast.Call):
            depth += 1  # the printer's call formatting takes another level
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _too_deep(where: str, text: str, depth: int | None) -> EquationError:
    shown = text if len(text) <= 80 else f"{text[:60]} ... ({len(text)} characters)"
    if len(where) > 300:
        where = f"{where[:200]} ..."
    levels = f"{depth} levels" if depth is not None else "too deep for Python's parser"
    return EquationError(f"{where}: the expression '{shown}' is nested too deeply ({levels}; at most "
                         f"{MAX_NESTING}); split it into subexpressions")


def parse_statements(text: str, where: str) -> tuple[Statement, ...]:
    """Split reset/event code into statements (one per line, ``;`` also separates)."""
    if not isinstance(text, str):  # Brian2 refuses a list for a reset (and ignores one for on_pre)
        raise TypeError(f"{where}: expected a string of statements (one per line, or separated by ';'), "
                        f"got {type(text).__name__} {text!r:.60}")
    statements = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        for part in raw.split("#", 1)[0].split(";"):
            line = part.strip()
            if line:
                statements.append(_parse_statement(line, lineno, where))
    return tuple(statements)


def _parse_statement(line: str, lineno: int, where: str) -> Statement:
    here = f"{where}, line {lineno}: '{line}'"
    try:
        node = ast.parse(line, mode="exec").body[0]
    except (SyntaxError, IndexError) as exc:
        hint = ""
        if line.endswith(("+", "-", "*", "/", "(", "[", ",", "\\", "and", "or", "not")) or line.count("(") != line.count(")"):
            hint = ("; a statement must be on one line (as in Brian2, which does not continue code "
                    "statements over line ends, not even inside brackets): join the lines")
        raise ModelSyntaxError(f"{here}: not a statement ({getattr(exc, 'msg', exc)}){hint}") from None
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        target, op, value = node.targets[0].id, "=", node.value
    elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and type(node.op) in _AUG_OPS:
        target, op, value = node.target.id, _AUG_OPS[type(node.op)], node.value
    else:
        raise ModelSyntaxError(f"{here}: expected 'variable = expression' (or +=, -=, *=, /=)")
    expr = ast.unparse(value)
    parse_expression(expr, here)
    return Statement(target, op, expr, line, lineno)


def replace_names(text: str, replacements: Mapping[str, str], where: str, *, calls: bool = True) -> str:
    """``text`` with every name in ``replacements`` replaced by the expression given for it, all
    at once (``x -> y, y -> x`` swaps them); the result is printed from the syntax tree, so a
    replacement keeps its meaning whatever the operators around it (``-E`` with ``E = -70*mV``).
    ``calls``: also rename called names (``f(x)``); only names are renamed, never a value."""
    tree = parse_expression(text, where)
    parsed = {name: parse_expression(new, where) for name, new in replacements.items()}

    class _Replace(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.expr:
            return parsed.get(node.id, node)

        def visit_Call(self, node: ast.Call) -> ast.expr:
            node.args = [self.visit(a) for a in node.args]
            func = node.func
            if calls and isinstance(func, ast.Name) and isinstance(parsed.get(func.id), ast.Name):
                node.func = parsed[func.id]
            return node

    return ast.unparse(_Replace().visit(tree))


def names_in(tree: ast.expr) -> tuple[set[str], set[str]]:
    """(variable names, function names) used by an expression."""
    functions = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call)}  # type: ignore[attr-defined]
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in called}
    return names, functions


def is_boolean(tree: ast.expr) -> bool:
    """Whether an expression yields a truth value (threshold and refractory conditions)."""
    if isinstance(tree, (ast.Compare, ast.BoolOp)):
        return True
    if isinstance(tree, ast.UnaryOp) and isinstance(tree.op, ast.Not):
        return True
    return isinstance(tree, ast.Constant) and isinstance(tree.value, bool)


def is_condition(tree: ast.expr, booleans: Collection[str]) -> bool:
    """Whether an expression is a truth value as Brian2 decides it (``is_boolean_expression``):
    a comparison, ``not``, ``True``/``False``, a name in ``booleans`` (the boolean variables
    and subexpressions), or ``and``/``or`` of such. ``'v'`` or ``'i + j'`` is not one, so
    a threshold or connect condition of that kind is refused rather than read as ``!= 0``."""
    if isinstance(tree, ast.BoolOp):
        return all(is_condition(value, booleans) for value in tree.values)
    if isinstance(tree, ast.Name):
        return tree.id in booleans or tree.id in ("True", "False")
    return is_boolean(tree)


DimOf = Callable[[str], Dimension]


def infer_dims(tree: ast.expr, dim_of: DimOf, where: str) -> Dimension:
    """The physical dimension of an expression; raises naming the part that does not fit."""
    return _DimensionChecker(dim_of, where).visit(tree)


class _DimensionChecker(ast.NodeVisitor):
    def __init__(self, dim_of: DimOf, where: str) -> None:
        self.dim_of = dim_of
        self.where = where

    def _fail(self, node: ast.AST, what: str, *dims: Dimension) -> None:
        raise DimensionMismatchError(f"{self.where}: {what} in '{ast.unparse(node)}'", *dims)

    def visit_Constant(self, node: ast.Constant) -> Dimension:
        return DIMENSIONLESS

    def visit_Name(self, node: ast.Name) -> Dimension:
        if node.id in ("True", "False"):
            return DIMENSIONLESS
        return self.dim_of(node.id)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Dimension:
        dim = self.visit(node.operand)
        if isinstance(node.op, ast.Not) and dim != DIMENSIONLESS:
            self._fail(node, "'not' needs a condition", dim)
        return dim

    def visit_BinOp(self, node: ast.BinOp) -> Dimension:
        left, right = self.visit(node.left), self.visit(node.right)
        if isinstance(node.op, (ast.Add, ast.Sub, ast.Mod)):
            return self._same(node, node.left, left, node.right, right, "addition or subtraction")
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, (ast.Div, ast.FloorDiv)):
            return left / right
        return self._power(node, left, right)

    def _same(self, node: ast.AST, lnode: ast.AST, left: Dimension, rnode: ast.AST,
              right: Dimension, what: str) -> Dimension:
        if left == right or is_zero(rnode):
            return left
        if is_zero(lnode):
            return right
        self._fail(node, f"dimensions do not match in {what}", left, right)
        raise AssertionError  # unreachable

    def _power(self, node: ast.BinOp, base: Dimension, exponent: Dimension) -> Dimension:
        if exponent != DIMENSIONLESS:
            self._fail(node, "the exponent must be dimensionless", exponent)
        if base == DIMENSIONLESS:
            return base
        value = _numeric(node.right)
        if value is None:
            self._fail(node, "a dimensioned base needs a literal number as exponent", base)
        return base ** value

    def visit_BoolOp(self, node: ast.BoolOp) -> Dimension:
        for value in node.values:
            dim = self.visit(value)
            if dim != DIMENSIONLESS:
                self._fail(node, "'and'/'or' need conditions", dim)
        return DIMENSIONLESS

    def visit_Compare(self, node: ast.Compare) -> Dimension:
        operands = [node.left, *node.comparators]
        dims = [self.visit(o) for o in operands]
        for (ln, ld), (rn, rd) in zip(zip(operands, dims), zip(operands[1:], dims[1:])):
            self._same(node, ln, ld, rn, rd, "comparison")
        return DIMENSIONLESS

    def visit_Call(self, node: ast.Call) -> Dimension:
        name = node.func.id  # type: ignore[attr-defined]
        rule = FUNCTION_DIMS.get(name)
        args = [self.visit(a) for a in node.args]
        if rule is not None:
            return _call_dims(self, node, name, rule, args)
        signature = self.dim_of(name)
        if not isinstance(signature, Signature):
            raise EquationError(f"{self.where}: '{name}' is not a function, in '{ast.unparse(node)}'")
        if len(args) != len(signature.args):
            raise EquationError(f"{self.where}: {name}() takes {len(signature.args)} argument(s), got "
                                f"{len(args)} in '{ast.unparse(node)}'")
        for position, (arg, expected) in enumerate(zip(args, signature.args)):
            if arg != expected and not is_zero(node.args[position]):
                self._fail(node, f"argument {position + 1} of {name}() must be in {expected or '1'}", arg)
        return signature.result

    def generic_visit(self, node: ast.AST) -> Dimension:
        raise EquationError(f"{self.where}: cannot use '{ast.unparse(node)}' here")


_ARITY = {"clip": 3, "rand": 0, "randn": 0}


def _call_dims(checker: _DimensionChecker, node: ast.Call, name: str, rule: str,
               args: list[Dimension]) -> Dimension:
    expected = _ARITY.get(name, 1)
    if len(args) != expected:
        raise EquationError(
            f"{checker.where}: {name}() takes {expected} argument(s), got {len(args)} "
            f"in '{ast.unparse(node)}'"
        )
    if rule == "random":
        return DIMENSIONLESS
    first = args[0]
    if rule == "dimensionless" and first != DIMENSIONLESS:
        checker._fail(node, f"{name}() needs a dimensionless argument", first)
    if rule == "sqrt":
        return first ** 0.5
    if rule == "same_all":
        for arg_node, dim in zip(node.args[1:], args[1:]):
            checker._same(node, node.args[0], first, arg_node, dim, f"{name}() arguments")
    if rule == "dimensionless_result":
        return DIMENSIONLESS
    return first


def _numeric(node: ast.AST) -> float | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _numeric(node.operand)
        return None if inner is None else -inner
    return None


def is_zero(node: ast.AST) -> bool:
    """Brian2 treats a literal 0 as having any unit (``v > 0`` for a voltage is fine)."""
    return _numeric(node) == 0
