"""Hypothesis strategies for random model code: expressions, conditions and statements.

They cover the whole model language the compiler must print: ``+ - * / ** // %``, unary
minus, every function, comparisons (also chained), ``and``/``or``/``not``, conditions used as
numbers (``v*(v > 0)``), literals of every size and form, and whatever names a context offers
(state variables, parameters, external constants, ``i``/``N``, ``x_pre``/``x_post``).

A tree of a drawn number of operators is built top-down, each child parenthesized or not at
random, so the text relies on Python's precedence as often as on parentheses (both the
compiler and the numpy reference read the same text). Constant denominators are never a
literal zero (a compile-time error, tested apart).
"""
from __future__ import annotations

from typing import Callable

from hypothesis import strategies as st

UNARY_FUNCTIONS = ("exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sinh", "cosh", "arctan",
                   "arcsin", "arccos", "abs", "floor", "ceil", "sign", "int", "exprel", "expm1",
                   "log1p", "log10")
LITERALS = ("0", "1", "2", "3", "7", "10", "0.5", "1.5", "2.25", "0.1", "0.001", "1e-3", "3.0",
            "1000", "12.75", "4e2", "pi", "e", "True", "False", "2**80")
NONZERO = ("1", "2", "3", "0.5", "1.5", "0.1", "2.25", "7", "1e-3", "10")
EXPONENTS = ("2", "3", "-1", "-2", "-3", "0.5", "-0.5", "1.5", "4", "(1/3)", "0", "1", "2.0")
RELATIONS = ("<", "<=", ">", ">=", "==", "!=")
ARITHMETIC = ("+", "-", "*", "/")

Draw = Callable[[st.SearchStrategy], object]


def _wrap(draw: Draw, text: str) -> str:
    return f"({text})" if draw(st.booleans()) else text


def _leaf(draw: Draw, names: tuple[str, ...]) -> str:
    kind = draw(st.integers(0, 9))
    if kind < 5:
        return draw(st.sampled_from(names))
    if kind < 8:
        return draw(st.sampled_from(LITERALS))
    return repr(round(draw(st.floats(0.01, 50, allow_nan=False)), 4))


def _numeric(draw: Draw, names: tuple[str, ...], size: int) -> str:
    """A numeric expression with ``size`` operators."""
    if size <= 0:
        return _leaf(draw, names)
    kind = draw(st.integers(0, 99))
    if kind < 45:  # + - * / between two subtrees
        left = draw(st.integers(0, size - 1))
        op = draw(st.sampled_from(ARITHMETIC))
        a, b = _numeric(draw, names, left), _numeric(draw, names, size - 1 - left)
        return f"{_wrap(draw, a)} {op} {_wrap(draw, b)}"
    if kind < 52:  # by a nonzero constant
        op = draw(st.sampled_from(("/", "//", "%")))
        return f"({_numeric(draw, names, size - 1)}) {op} {draw(st.sampled_from(NONZERO))}"
    if kind < 57:  # // and % between subtrees
        left = draw(st.integers(0, size - 1))
        op = draw(st.sampled_from(("//", "%")))
        return f"({_numeric(draw, names, left)}) {op} ({_numeric(draw, names, size - 1 - left)})"
    if kind < 65:  # powers: literal exponents, or an expression over a positive base
        if draw(st.booleans()):
            return f"({_numeric(draw, names, size - 1)})**{draw(st.sampled_from(EXPONENTS))}"
        base = draw(st.sampled_from(names))
        return f"abs({base})**({_numeric(draw, names, size - 1)})"
    if kind < 72:
        return f"-{_wrap(draw, _numeric(draw, names, size - 1))}"
    if kind < 86:
        function = draw(st.sampled_from(UNARY_FUNCTIONS))
        return f"{function}({_numeric(draw, names, size - 1)})"
    if kind < 90:
        parts = _split(draw, size - 1, 3)
        return "clip({}, {}, {})".format(*(_numeric(draw, names, p) for p in parts))
    left = draw(st.integers(0, size - 1))  # a condition used as a number
    value, cond = _numeric(draw, names, left), _condition(draw, names, size - 1 - left)
    return f"{_wrap(draw, value)} * ({cond})" if draw(st.booleans()) else f"({cond}) + {_wrap(draw, value)}"


def _split(draw: Draw, total: int, parts: int) -> list[int]:
    cuts = sorted(draw(st.integers(0, total)) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total])]


def _condition(draw: Draw, names: tuple[str, ...], size: int) -> str:
    """A truth-valued expression with about ``size`` operators."""
    kind = draw(st.integers(0, 99))
    if size <= 1 or kind < 45:
        parts = _split(draw, max(size - 1, 0), 2)
        a, b = (_numeric(draw, names, p) for p in parts)
        return f"{a} {draw(st.sampled_from(RELATIONS))} {b}"
    if kind < 55:  # a chain: a < b <= c
        a, b, c = (_numeric(draw, names, p) for p in _split(draw, size - 2, 3))
        return f"{a} {draw(st.sampled_from(RELATIONS))} {b} {draw(st.sampled_from(RELATIONS))} {c}"
    if kind < 85:
        left = draw(st.integers(1, size - 1))
        op = draw(st.sampled_from(("and", "or")))
        a, b = _condition(draw, names, left), _condition(draw, names, size - 1 - left)
        return f"{_wrap(draw, a)} {op} {_wrap(draw, b)}"
    return f"not {_wrap(draw, _condition(draw, names, size - 1))}"


def numeric(names: tuple[str, ...], max_size: int = 10) -> st.SearchStrategy[str]:
    """Numeric expressions over ``names`` with up to ``max_size`` operators."""
    @st.composite
    def build(draw: Draw) -> str:
        return _numeric(draw, names, draw(st.integers(1, max_size)))
    return build()


def condition(names: tuple[str, ...], max_size: int = 8) -> st.SearchStrategy[str]:
    """Conditions (comparisons, chains, and/or/not) over ``names``."""
    @st.composite
    def build(draw: Draw) -> str:
        return _condition(draw, names, draw(st.integers(1, max_size)))
    return build()


def statements(targets: tuple[str, ...], names: tuple[str, ...], count: int,
               max_size: int = 6) -> st.SearchStrategy[list[tuple[str, str, str]]]:
    """``count`` statements ``target op expr``; later ones may read earlier targets."""
    @st.composite
    def build(draw: Draw) -> list[tuple[str, str, str]]:
        lines = []
        for _ in range(count):
            target = draw(st.sampled_from(targets))
            op = draw(st.sampled_from(("=", "+=", "-=", "*=", "/=")))
            lines.append((target, op, _numeric(draw, names + targets, draw(st.integers(1, max_size)))))
        return lines
    return build()


def collect(strategy: st.SearchStrategy, count: int, seed: int | None = 0) -> list:
    """``count`` distinct examples of ``strategy``, drawn by Hypothesis at a fixed ``seed``
    (``None``: a fresh one) without running anything: a batch compiled in one module later."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed

    found: list = []

    @settings(max_examples=4 * count, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def draw(example: object) -> None:
        if example not in found and len(found) < count:
            found.append(example)

    if seed is not None:
        draw = hypothesis_seed(seed)(draw)
    draw()
    return found
