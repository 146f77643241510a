"""Parse Brian2 model strings into equation records, at the level of text.

No sympy here: a warm start needs the names, units and flags of a model (to allocate its
state and find its compiled module) but never its algebra. Expressions stay strings until
the cold path converts them (:mod:`neurogen.compiler.symbolic`; their syntax and
dimensions are checked by :mod:`neurogen.frontend.expressions`).
"""
from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, replace
from typing import Iterator, Literal, Mapping

import numpy as np

from ..errors import EquationError, ReservedNameError
from ..units import DIMENSIONLESS, UNITS, Dimension, get_dimensions, parse_unit
from .expressions import FUNCTION_DIMS, check_syntax, replace_names

Kind = Literal["differential", "subexpression", "parameter"]
DType = Literal["float", "integer", "boolean"]

#: Names every group defines; a model may not redefine them.
RESERVED = frozenset({"t", "dt", "i", "j", "N", "lastspike", "not_refractory", "xi"})

#: Flags each kind of equation accepts (Synapses add theirs in a later layer).
FLAGS: dict[Kind, frozenset[str]] = {
    "differential": frozenset({"unless refractory", "clock-driven", "event-driven"}),
    "subexpression": frozenset({"shared", "constant over dt", "summed"}),
    "parameter": frozenset({"constant", "shared", "linked"}),
}

_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_DIFF = re.compile(rf"^d\s*(?P<name>{_IDENT})\s*/\s*dt\s*=(?P<expr>.*)$")
_SUB = re.compile(rf"^(?P<name>{_IDENT})\s*=(?P<expr>.*)$")
_PARAM = re.compile(rf"^(?P<name>{_IDENT})\s*$")
_FLAGS = re.compile(r"\((?P<flags>[^()]*)\)\s*$")


@dataclass(frozen=True, slots=True)
class Equation:
    """One model line: ``dv/dt = expr : unit (flags)``, ``x = expr : unit`` or ``x : unit``."""

    kind: Kind
    name: str
    expr: str | None
    unit: str
    dim: Dimension
    dtype: DType
    flags: frozenset[str]
    lineno: int
    line: str

    def describe(self) -> str:
        """The line as the user wrote it, for error messages."""
        return f"line {self.lineno}: '{self.line}'"


class Equations:
    """Brian2's ``Equations``: an ordered, checked set of model lines.

    >>> eqs = Equations('dv/dt = -v/tau : volt') + 'I : amp'
    """

    __slots__ = ("equations", "text")

    def __init__(self, eqns: "str | Equations" = "", **substitutions: object) -> None:
        if isinstance(eqns, Equations):
            self.equations, self.text = eqns.equations, eqns.text
        else:
            self.equations, self.text = _parse_text(eqns, "Equations"), eqns
        if substitutions:
            self.text = substitute(self.equations, substitutions)
            self.equations = _parse_text(self.text, "Equations")

    def __add__(self, other: "str | Equations") -> "Equations":
        return Equations(self.text + "\n" + Equations(other).text)

    def __radd__(self, other: str) -> "Equations":
        return Equations(other) + self

    def __iter__(self) -> Iterator[Equation]:
        return iter(self.equations)

    def __getitem__(self, name: str) -> Equation:
        for eq in self.equations:
            if eq.name == name:
                return eq
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return any(eq.name == name for eq in self.equations)

    def __repr__(self) -> str:
        return f"Equations({self.text!r})"

    def of_kind(self, kind: Kind) -> tuple[Equation, ...]:
        return tuple(eq for eq in self.equations if eq.kind == kind)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(eq.name for eq in self.equations)


def substitute(records: tuple[Equation, ...], substitutions: Mapping[str, object]) -> str:
    """The model text with Brian2's substitutions made: a string renames a name everywhere (also
    the variable an equation defines: ``Equations('dx/dt = -x/tau : 1', x='m')``), any other
    value replaces an external name by that number or quantity. A name the model does not use
    is ignored, as in Brian2; a model variable cannot be replaced by a value (Brian2's error)."""
    defined = {eq.name for eq in records}
    renames: dict[str, str] = {}
    replacements: dict[str, str] = {}
    for name, value in substitutions.items():
        if isinstance(value, str):
            if not value.isidentifier():
                raise EquationError(
                    f"Equations({name}={value!r}): a string renames '{name}', so it must be a name; to "
                    "replace a name by an expression, write the expression into the equations")
            renames[name] = replacements[name] = value
        elif name in defined:
            raise EquationError(f"Equations({name}=...): cannot replace the model variable '{name}' with a "
                                "value (only external names can be replaced by values; a string renames it)")
        else:
            replacements[name] = value_text(value, f"Equations({name}=...)")
    lines = []
    for eq in records:
        name = renames.get(eq.name, eq.name)
        lhs = {"differential": f"d{name}/dt = ", "subexpression": f"{name} = ", "parameter": name}[eq.kind]
        expr = replace_names(eq.expr, replacements, f"Equations, {eq.describe()}") if eq.expr is not None else ""
        flags = f" ({', '.join(sorted(eq.flags))})" if eq.flags else ""
        lines.append(f"{lhs}{expr} : {eq.unit}{flags}")
    return "\n".join(lines)


_BASE_UNITS = ("metre", "kilogram", "second", "amp", "kelvin", "mole", "candela")  # Dimension.dims order


def value_text(value: object, where: str) -> str:
    """A number or quantity as exact model text: its SI value (``repr``, so no digit is lost)
    times SI base units, each of which is 1 (``-0.07 * kilogram * metre**2 * ...`` for -70 mV)."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    try:
        array = np.asarray(value)
    except Exception:  # an object numpy cannot hold
        array = np.asarray(None)
    if array.ndim != 0 or array.dtype.kind not in "iuf":
        raise TypeError(f"{where}: expected a string (a new name), or a scalar number or quantity, "
                        f"got {type(value).__name__} {value!r:.60}")
    number = float(array)
    if number != number:
        raise ValueError(f"{where}: cannot put NaN into equations")
    text = repr(abs(number)) if abs(number) != float("inf") else "inf"
    dim = get_dimensions(value)
    factors = [base if power == 1 else f"{base}**{power:g}"
               for base, power in zip(_BASE_UNITS, dim.dims) if power]
    text = " * ".join([text, *factors])
    return f"(-{text})" if number < 0 else f"({text})"


def parse_equations(text: "str | Equations", *, owner: str = "model") -> Equations:
    """Split a model string into :class:`Equation` records, checking names, units and flags."""
    if isinstance(text, Equations):
        return text
    equations = Equations.__new__(Equations)
    equations.equations, equations.text = _parse_text(text, owner), text
    return equations


def _parse_text(text: object, owner: str) -> tuple[Equation, ...]:
    if not isinstance(text, str):
        raise TypeError(f"{owner}: equations must be a string, got {type(text).__name__}")
    records = [_parse_line(line, lineno, owner) for lineno, line in _logical_lines(text)]
    _check_unique(records, owner)
    _check_noise(records, owner)
    _check_stateful_subexpressions(records, owner)
    return tuple(_constant_over_dt(eq) for eq in records)


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Model lines without comments, each with the number of the line where it starts.

    As in Brian2's grammar, an expression runs on over line ends until the ``:`` of its unit
    (``dv/dt = (a +`` / ``b) : volt`` is one equation, its lines joined by a space); whether the
    joined expression is valid (``a`` / ``b`` without an operator is not) is the expression
    parser's question. Flags may continue on the next line while their parenthesis is open.
    """
    pending, first = "", 0
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if not pending:
            first = lineno
        pending = f"{pending} {line}".strip()
        if ":" in pending:
            tail = pending.rpartition(":")[2]
            if tail.count("(") <= tail.count(")"):
                yield first, pending
                pending = ""
    if pending:
        yield first, pending


def _parse_line(line: str, lineno: int, owner: str) -> Equation:
    where = f"{owner}, line {lineno}: '{line}'"
    body, sep, tail = line.rpartition(":")
    if not sep:
        raise EquationError(f"{where}: expected ': unit' at the end (e.g. 'v : volt' or ': 1')")
    unit_text, flags = _split_flags(tail.strip(), where)
    kind, name, expr = _parse_lhs(body.strip(), where)
    dtype, dim = _parse_type(unit_text, where)
    if "point current" in flags:
        raise NotImplementedError(f"{where}: the flag '(point current)' belongs to SpatialNeuron "
                                  "(multicompartment models), which neurogen does not support yet")
    allowed = FLAGS[kind]
    unknown = sorted(flags - allowed)
    if unknown:
        raise EquationError(
            f"{where}: flag(s) {', '.join(unknown)} not allowed on a {kind}; "
            f"allowed: {', '.join(sorted(allowed)) or 'none'}"
        )
    if name.endswith(("_pre", "_post")) and "summed" not in flags:
        raise EquationError(f"{where}: '{name}' cannot be used as a variable name: the suffixes '_pre' "
                            "and '_post' refer to pre- and postsynaptic variables (as in Brian2)")
    if kind == "differential" and dtype != "float":
        raise EquationError(f"{where}: a differential equation needs a floating-point unit, not '{dtype}'")
    return Equation(kind, name, expr, unit_text, dim, dtype, frozenset(flags), lineno, line)


def _split_flags(tail: str, where: str) -> tuple[str, set[str]]:
    match = _FLAGS.search(tail)
    if not match:
        if "(" in tail and ")" not in tail:
            raise EquationError(f"{where}: unbalanced parenthesis in flags")
        return tail, set()
    flags = {" ".join(f.split()) for f in match.group("flags").split(",") if f.strip()}
    return tail[: match.start()].strip(), flags


def _parse_lhs(body: str, where: str) -> tuple[Kind, str, str | None]:
    for kind, pattern in (("differential", _DIFF), ("subexpression", _SUB), ("parameter", _PARAM)):
        match = pattern.match(body)
        if match:
            name = match.group("name")
            _check_name(name, where)
            expr = match.groupdict().get("expr")
            if expr is not None:
                expr = expr.strip()
                if not expr:
                    raise EquationError(f"{where}: missing expression after '='")
                check_syntax(expr, where)  # a syntax error names the line now, as in Brian2
            return kind, name, expr  # type: ignore[return-value]
    raise EquationError(
        f"{where}: expected 'dx/dt = expression', 'x = expression' or 'x' before ': unit'"
    )


def is_noise(name: str) -> bool:
    """``xi`` and ``xi_*`` are white noise (Brian2's stochastic variables), never model names."""
    return name == "xi" or name.startswith("xi_")


_BARE_XI = re.compile(r"(?<![\w.])xi(?!\w)")


def _check_noise(records: list[Equation], owner: str) -> None:
    """Brian2's rules for a bare ``xi``: only in differential equations, and in one of them
    (two equations sharing a noise must say so with the same ``xi_<name>``)."""
    first: Equation | None = None
    for eq in records:
        if eq.expr is None or not _BARE_XI.search(eq.expr):
            continue
        if eq.kind != "differential":
            raise EquationError(f"{owner}, {eq.describe()}: the white noise 'xi' can only appear in "
                                "a differential equation")
        if first is not None:
            raise EquationError(
                f"{owner}, {eq.describe()}: 'xi' is already used in {first.describe()}; rename them "
                "'xi_<name>': the same name in two equations is one noise (identical samples), "
                "different names are independent noises")
        first = eq


_RANDOM_CALL = re.compile(r"(?<![\w.])(rand|randn|poisson)\s*\(")


def _check_stateful_subexpressions(records: list[Equation], owner: str) -> None:
    """A subexpression drawing random numbers has no single value (each use would draw anew):
    Brian2 demands ``(constant over dt)``, which computes it once per step."""
    for eq in records:
        if eq.kind != "subexpression":
            continue
        if "constant over dt" in eq.flags:
            if "shared" in eq.flags:
                raise NotImplementedError(f"{owner}, {eq.describe()}: a shared subexpression '(shared, constant "
                                          "over dt)' is not supported by neurogen yet")
            continue
        match = _RANDOM_CALL.search(eq.expr or "")
        if match:
            raise EquationError(
                f"{owner}, {eq.describe()}: the subexpression '{eq.name}' calls {match.group(1)}(), so it "
                "has no single value in a time step; Brian2 requires the flag '(constant over dt)'")


def _constant_over_dt(eq: Equation) -> Equation:
    """A ``(constant over dt)`` subexpression is, as in Brian2, a stored variable (readable,
    writable, recordable) that its expression sets once per step, before everything else of
    the step (``when='before_start'``); the expression stays on the record for that update."""
    if eq.kind == "subexpression" and "constant over dt" in eq.flags:
        return replace(eq, kind="parameter")
    return eq


def _check_name(name: str, where: str) -> None:
    """Names a model may not define (Brian2's SyntaxErrors). A unit name would silently change
    the meaning of every ``10*ms`` in the model, a function's or constant's their calls."""
    if name in RESERVED or is_noise(name):
        raise ReservedNameError(f"{where}: '{name}' is a reserved name and cannot be defined in a model")
    if keyword.iskeyword(name) or name.startswith("_"):
        raise ReservedNameError(f"{where}: '{name}' is not a valid variable name")

    if name in FUNCTION_DIMS or name in ("e", "pi", "inf"):
        raise ReservedNameError(f"{where}: '{name}' is a function or constant of the model language, it "
                                "cannot be used as a variable name; please rename the variable")
    if name in UNITS:
        raise ReservedNameError(f"{where}: '{name}' is the name of a unit, it cannot be used as a variable "
                                "name; please rename the variable")


def _parse_type(unit_text: str, where: str) -> tuple[DType, Dimension]:
    if unit_text in ("integer", "boolean"):
        return unit_text, DIMENSIONLESS  # type: ignore[return-value]
    if not unit_text:
        raise EquationError(f"{where}: missing unit after ':' (use ': 1' for dimensionless)")
    try:
        return "float", parse_unit(unit_text)
    except ValueError as exc:
        raise EquationError(f"{where}: bad unit '{unit_text}': {exc}") from None


def _check_unique(records: list[Equation], owner: str) -> None:
    seen: dict[str, Equation] = {}
    for eq in records:
        if eq.name in seen:
            first = seen[eq.name]
            raise EquationError(
                f"{owner}: '{eq.name}' is defined twice ({first.describe()} and {eq.describe()})"
            )
        seen[eq.name] = eq
