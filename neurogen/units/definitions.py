"""Brian2's named units (``ms``, ``mV``, ``nS`` ...) and ``parse_unit`` for equation lines."""
from __future__ import annotations

import ast
import functools
import operator
from typing import Any

import numpy as np

from ..errors import EquationError
from .dimensions import _DIM_SYMBOLS, DIMENSIONLESS, Dimension
from .quantity import Quantity

# ---------------------------------------------------------------------------------- Unit

class Unit(Quantity):
    """A named, read-only quantity such as ``mvolt`` (value 0.001, dimension volt).

    Read-only like Brian2's units: ``x = mV; x *= 2`` raises instead of changing ``mV``.
    """

    name: str | None
    dispname: str | None

    def __new__(cls, value: float, dim: Dimension = DIMENSIONLESS, name: str | None = None,
                dispname: str | None = None) -> Unit:
        obj = np.array(float(value)).view(cls)
        obj.dim, obj.name, obj.dispname = dim, name, dispname or name
        obj.flags.writeable = False
        return obj

    def __array_finalize__(self, obj: Any) -> None:
        super().__array_finalize__(obj)
        self.name = self.dispname = None  # a view or copy of a unit is not that unit

    @property
    def scale(self) -> float:
        return float(self.view(np.ndarray))

    def __repr__(self) -> str:
        return self.name or super().__repr__()

    def __str__(self) -> str:
        return self.dispname or super().__str__()

    def __reduce__(self) -> tuple[Any, ...]:
        if self.name is not None and UNITS.get(self.name) is self:
            return (_unit_named, (self.name,))
        return super().__reduce__()

    def __copy__(self) -> Unit:
        return self

    def __deepcopy__(self, memo: Any) -> Unit:
        return self


def _unit_named(name: str) -> Unit:
    return UNITS[name]


# ---------------------------------------------------------------------------- unit table

_PREFIXES = {"p": -12, "n": -9, "u": -6, "m": -3, "c": -2, "": 0, "k": 3, "M": 6, "G": 9,
             "T": 12}
_STD = ("p", "n", "u", "m", "", "k", "M", "G", "T")  # Brian2 defines these for every unit

# (names, symbol, dimension, power of ten of the unprefixed unit, prefixes, used for display)
_FAMILIES: list[tuple[tuple[str, ...], str, Dimension, int, tuple[str, ...], bool]] = [
    (("kilogram", "kilogramme"), "kg", Dimension(kg=1), 0, ("",), True),
    (("second",), "s", Dimension(s=1), 0, _STD, True),
    (("volt",), "V", Dimension(m=2, kg=1, s=-3, A=-1), 0, _STD, True),
    (("amp", "ampere"), "A", Dimension(A=1), 0, _STD, True),
    (("siemens",), "S", Dimension(m=-2, kg=-1, s=3, A=2), 0, _STD, True),
    (("farad",), "F", Dimension(m=-2, kg=-1, s=4, A=2), 0, _STD, True),
    (("ohm",), "ohm", Dimension(m=2, kg=1, s=-3, A=-2), 0, _STD, True),
    (("hertz",), "Hz", Dimension(s=-1), 0, _STD, True),
    (("metre", "meter"), "m", Dimension(m=1), 0, _STD + ("c",), True),
    (("gram", "gramme"), "g", Dimension(kg=1), -3, _STD, True),
    (("mole", "mol"), "mol", Dimension(mol=1), 0, _STD, True),
    (("molar",), "M", Dimension(m=-3, mol=1), 3, _STD, True),
    (("coulomb",), "C", Dimension(s=1, A=1), 0, _STD, True),
    (("joule",), "J", Dimension(m=2, kg=1, s=-2), 0, _STD, True),
    (("watt",), "W", Dimension(m=2, kg=1, s=-3), 0, _STD, True),
    (("newton",), "N", Dimension(m=1, kg=1, s=-2), 0, _STD, True),
    (("pascal",), "Pa", Dimension(m=-1, kg=1, s=-2), 0, _STD, True),
    (("liter", "litre"), "l", Dimension(m=3), -3, _STD, False),
    (("kelvin",), "K", Dimension(K=1), 0, ("",), True),
    (("candela",), "cd", Dimension(cd=1), 0, ("",), True),
]
_ALIASES = {"ms": "msecond", "us": "usecond", "ns": "nsecond", "mV": "mvolt", "uV": "uvolt",
            "mA": "mamp", "uA": "uamp", "nA": "namp", "pA": "pamp", "mS": "msiemens",
            "uS": "usiemens", "nS": "nsiemens", "pS": "psiemens", "uF": "ufarad",
            "nF": "nfarad", "pF": "pfarad", "Hz": "hertz", "kHz": "khertz", "MHz": "Mhertz",
            "cm": "cmetre", "mm": "mmetre", "um": "umetre", "nm": "nmetre", "cm2": "cmetre2",
            "mm2": "mmetre2", "um2": "umetre2", "cm3": "cmetre3", "mm3": "mmetre3",
            "um3": "umetre3", "mM": "mmolar", "uM": "umolar", "kg": "kilogram"}

UNITS: dict[str, Unit] = {}  # every unit name, for star imports and for parse_unit
_DISPLAY: dict[Dimension, list[Unit]] = {}  # display candidates per dimension, by scale


def _build_units() -> None:
    for names, symbol, dim, power10, prefixes, display in _FAMILIES:
        for index, name in enumerate(names):
            for power in (1, 2, 3) if symbol == "m" else (1,):  # metre2, cmetre3, ...
                suffix, disp_suffix = ("", "") if power == 1 else (str(power), f"^{power}")
                for prefix in prefixes:
                    scale = float(f"1e{(power10 + _PREFIXES[prefix]) * power}")
                    unit = Unit(scale, dim ** power, prefix + name + suffix,
                                prefix + symbol + disp_suffix)
                    UNITS[unit.name] = unit  # type: ignore[index]
                    candidates = _DISPLAY.setdefault(unit.dim, [])
                    if display and index == 0 and prefix != "c" and all(
                            u.scale != scale for u in candidates):  # kilogram beats kgram
                        candidates.append(unit)
                        if prefix == "" and power == 1 and scale == 1:
                            _DIM_SYMBOLS[unit.dim] = symbol
    for candidates in _DISPLAY.values():
        candidates.sort(key=lambda u: u.scale)
    UNITS.update({alias: UNITS[name] for alias, name in _ALIASES.items()})


_build_units()
globals().update(UNITS)


def get_unit(dim: Dimension) -> Unit:
    """The unscaled unit for a dimension (``volt`` for volt's dimension), or a new one."""
    for unit in _DISPLAY.get(dim, ()):
        if unit.scale == 1:
            return unit
    return Unit(1.0, dim, dim._base_expression() or "1", str(dim))


def _display_unit(dim: Dimension, values: np.ndarray) -> Unit:
    """Scaled unit that shows the largest finite non-zero magnitude as a number >= 1."""
    magnitudes = np.abs(values[np.isfinite(values) & (values != 0)])
    candidates = _DISPLAY.get(dim)
    if not candidates or magnitudes.size == 0:
        return get_unit(dim)
    reference = float(magnitudes.max())
    fitting = [u for u in candidates if reference >= u.scale * (1 - 1e-9)]
    return fitting[-1] if fitting else candidates[0]


# ---------------------------------------------------------------------------- parse_unit

_ARITHMETIC = {ast.Mult: operator.mul, ast.Div: operator.truediv, ast.Add: operator.add,
               ast.Sub: operator.sub}


def _number(node: ast.AST, text: str) -> float:
    """Evaluate a plain numeric expression (an exponent such as ``-1`` or ``1/2``)."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return (-1 if isinstance(node.op, ast.USub) else 1) * _number(node.operand, text)
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
        return _ARITHMETIC[type(node.op)](_number(node.left, text), _number(node.right, text))
    raise EquationError(f"Exponents in unit {text!r} must be plain numbers")


def _evaluate(node: ast.AST, text: str) -> tuple[float, Dimension]:
    """(scale, dimension) of a unit expression made of names, numbers, *, / and **."""
    if isinstance(node, ast.Name):
        if node.id not in UNITS:
            raise EquationError(f"Unknown unit {node.id!r} in {text!r}")
        return UNITS[node.id].scale, UNITS[node.id].dim
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value), DIMENSIONLESS
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        (scale, dim), exponent = _evaluate(node.left, text), _number(node.right, text)
        return scale ** exponent, dim ** exponent
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div)):
        (s1, d1), (s2, d2) = _evaluate(node.left, text), _evaluate(node.right, text)
        return (s1 * s2, d1 * d2) if isinstance(node.op, ast.Mult) else (s1 / s2, d1 / d2)
    raise EquationError(f"Unsupported syntax in unit {text!r}: only unit names, numbers, "
                        "'*', '/' and '**' are allowed")


def parse_unit_value(text: str) -> Quantity:
    """Value of a unit expression such as ``"siemens/meter**2"``, without ``eval``."""
    if not text.strip():
        raise EquationError("Empty unit specification")
    try:
        scale, dim = _evaluate(ast.parse(text.strip(), mode="eval").body, text)
    except SyntaxError as exc:
        raise EquationError(f"Cannot parse unit {text!r}: {exc.msg}") from None
    except (ZeroDivisionError, OverflowError) as exc:
        raise EquationError(f"Cannot evaluate unit {text!r}: {exc}") from None
    return Quantity(scale, dim, force_quantity=True)


@functools.lru_cache(maxsize=512)
def parse_unit(text: str) -> Dimension:
    """Dimension of an equation's unit part; as in Brian2, scaled units (``mV``) are errors."""
    scale = float(value := parse_unit_value(text))
    if abs(scale - 1.0) > 1e-9:
        names = [n.id for n in ast.walk(ast.parse(text.strip(), mode="eval"))
                 if isinstance(n, ast.Name) and UNITS[n.id].scale != 1]
        hint = ", ".join(f"{get_unit(UNITS[n].dim).name!r}, not {n!r}"
                         for n in dict.fromkeys(names))
        raise EquationError(f"Unit {text!r} is not a base unit (its scale is {scale:g}); "
                            "equations need unscaled units" + (f": use {hint}" if hint else ""))
    return value.dim
