"""Brian2's named units (``ms``, ``mV``, ``nS`` ...) and ``parse_unit`` for equation lines."""
from __future__ import annotations

import ast
import functools
import operator
from typing import Any

import numpy as np

from ..errors import EquationError
from .dimensions import DIMENSIONLESS, FAMILIES, PREFIXES, Dimension, base_unit_names, unit_name
from .quantity import Quantity, get_dimensions

# ---------------------------------------------------------------------------------- Unit

class Unit(Quantity):
    """A named, read-only quantity such as ``mvolt`` (value 0.001, dimension volt).

    Read-only like Brian2's units: ``x = mV; x *= 2`` raises instead of changing ``mV``.
    """

    name: str | None
    dispname: str | None
    compound: bool  # made of other units (``mV/ms``): parenthesised inside another unit's name

    def __new__(cls, value: float, dim: Dimension = DIMENSIONLESS, name: str | None = None,
                dispname: str | None = None, compound: bool = False) -> Unit:
        obj = np.array(float(value)).view(cls)
        obj.dim, obj.name, obj.dispname, obj.compound = dim, name, dispname or name, compound
        obj.flags.writeable = False
        return obj

    def __array_finalize__(self, obj: Any) -> None:
        super().__array_finalize__(obj)
        self.name = self.dispname = None  # a view or copy of a unit is not that unit
        self.compound = False

    @property
    def scale(self) -> float:
        return float(self.view(np.ndarray))

    def __repr__(self) -> str:
        return self.name or super().__repr__()

    def __str__(self) -> str:
        return self.dispname or super().__str__()

    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        """Units are equal if their dimension and scale are (a Python bool, as in Brian2)."""
        if isinstance(other, Unit):
            return other.dim is self.dim and other.scale == self.scale
        return super().__eq__(other)

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        if isinstance(other, Unit):
            return not self == other
        return super().__ne__(other)

    def __hash__(self) -> int:  # units are dictionary keys in Brian2 scripts (``{mV: ...}``)
        return hash((self.dim, self.scale))

    def __reduce__(self) -> tuple[Any, ...]:
        if self.name is not None and UNITS.get(self.name) is self:
            return (_unit_named, (self.name,))
        if self.name is not None:  # a unit made of others (``mV/ms``) keeps its names
            return (Unit, (self.scale, self.dim, self.name, self.dispname, self.compound))
        return super().__reduce__()

    def __copy__(self) -> Unit:
        return self

    def __deepcopy__(self, memo: Any) -> Unit:
        return self


def _unit_named(name: str) -> Unit:
    return UNITS[name]


# ---------------------------------------------------------------------------- unit table

_STD = ("p", "n", "u", "m", "", "k", "M", "G", "T")  # Brian2 defines these for every unit
_DIM = {family.symbol: family.dim for family in FAMILIES}

# (names, symbol, dimension, power of ten of the unprefixed unit, prefixes)
_FAMILIES: list[tuple[tuple[str, ...], str, Dimension, int, tuple[str, ...]]] = [
    (("kilogram", "kilogramme"), "kg", _DIM["g"], 0, ("",)),
    (("second",), "s", _DIM["s"], 0, _STD),
    (("volt",), "V", _DIM["V"], 0, _STD),
    (("amp", "ampere"), "A", _DIM["A"], 0, _STD),
    (("siemens",), "S", _DIM["S"], 0, _STD),
    (("farad",), "F", _DIM["F"], 0, _STD),
    (("ohm",), "ohm", _DIM["ohm"], 0, _STD),
    (("hertz",), "Hz", _DIM["Hz"], 0, _STD),
    (("metre", "meter"), "m", _DIM["m"], 0, _STD + ("c",)),
    (("gram", "gramme"), "g", _DIM["g"], -3, _STD),
    (("mole", "mol"), "mol", _DIM["mol"], 0, _STD),
    (("molar",), "M", _DIM["M"], 3, _STD),
    (("coulomb",), "C", _DIM["C"], 0, _STD),
    (("joule",), "J", _DIM["J"], 0, _STD),
    (("watt",), "W", _DIM["W"], 0, _STD),
    (("newton",), "N", _DIM["N"], 0, _STD),
    (("pascal",), "Pa", _DIM["Pa"], 0, _STD),
    (("liter", "litre"), "l", Dimension(m=3), -3, _STD),
    (("kelvin",), "K", _DIM["K"], 0, ("",)),
    (("candela",), "cd", _DIM["cd"], 0, ("",)),
]
_ALIASES = {"ms": "msecond", "us": "usecond", "ns": "nsecond", "mV": "mvolt", "uV": "uvolt",
            "mA": "mamp", "uA": "uamp", "nA": "namp", "pA": "pamp", "mS": "msiemens",
            "uS": "usiemens", "nS": "nsiemens", "pS": "psiemens", "uF": "ufarad",
            "nF": "nfarad", "pF": "pfarad", "Hz": "hertz", "kHz": "khertz", "MHz": "Mhertz",
            "cm": "cmetre", "mm": "mmetre", "um": "umetre", "nm": "nmetre", "cm2": "cmetre2",
            "mm2": "mmetre2", "um2": "umetre2", "cm3": "cmetre3", "mm3": "mmetre3",
            "um3": "umetre3", "mM": "mmolar", "uM": "umolar", "nM": "nmolar", "kg": "kilogram"}

UNITS: dict[str, Unit] = {}  # every unit name, for star imports and for parse_unit
#: Dimensionless units a model may declare (``dtheta/dt = w : radian``, Brian2's jeffress
#: example) that Brian2's star import does not give, so neither does neurogen's.
MODEL_ONLY_UNITS = frozenset({"radian", "steradian"})


def _build_units() -> None:
    for names, symbol, dim, power10, prefixes in _FAMILIES:
        for name in names:
            for power in (1, 2, 3) if symbol == "m" else (1,):  # metre2, cmetre3, ...
                suffix, disp_suffix = ("", "") if power == 1 else (str(power), f"^{power}")
                for prefix in prefixes:
                    scale = float(f"1e{(power10 + PREFIXES[prefix]) * power}")
                    unit = Unit(scale, dim ** power, prefix + name + suffix,
                                prefix + symbol + disp_suffix)
                    UNITS[unit.name] = unit  # type: ignore[index]
    UNITS.update({alias: UNITS[name] for alias, name in _ALIASES.items()})


_build_units()
globals().update(UNITS)
_ONE = Unit(1.0, DIMENSIONLESS, "1", "1")  # Brian2's get_unit(1)


@functools.lru_cache(maxsize=1024)
def _named_unit(dim: Dimension, prefix: str) -> Unit:
    """The unit of ``dim`` named with ``prefix`` on its first factor (``mV/s``); the table's own
    object where it has one (``mvolt``), so ``get_unit(volt.dim) is volt``."""
    name = unit_name(dim)
    dispname, python_name = name.names(prefix)
    known = UNITS.get(python_name)
    if known is not None and known.dim is dim:
        return known
    return Unit(10.0 ** name.scale_exponent(prefix), dim, python_name, dispname)


def get_unit(x: Any) -> Unit:
    """The unscaled unit of a dimension (``volt`` for ``volt.dim``, ``V/s`` for ``(volt/second).dim``).

    As in Brian2, a unit given to it is returned as it is (``get_unit(mV)`` is ``mV``); neurogen
    also takes a quantity (its dimension's unit) and a number (the dimensionless unit ``1``).
    """
    if isinstance(x, Unit):
        return x
    dim = get_dimensions(x)
    if dim is DIMENSIONLESS:
        return _ONE
    name = unit_name(dim)
    return _named_unit(dim, "" if name.base else name.factors[0].unscaled_prefix() or "")


def unit_algebra(ufunc: str, inputs: tuple[Any, ...]) -> Unit | None:
    """As in Brian2, units combine into named units: ``mV/ms``, ``nA/um**2``, ``1/ms``,
    ``volt*second**-1``; ``None`` where the operation is not between units (``3*mV``)."""
    units = [x for x in inputs if isinstance(x, Unit) and x.name is not None]
    if ufunc in ("multiply", "divide", "true_divide") and len(units) == 2 == len(inputs):
        a, b = units
        if ufunc == "multiply":
            return _compound(a.scale * b.scale, a.dim * b.dim, (a.name, " * ", b.name),
                             (a.dispname, " ", b.dispname))
        return _compound(a.scale / b.scale, a.dim / b.dim, (_part(a, "name"), " / ", _part(b, "name")),
                         (_part(a, "dispname"), "/", _part(b, "dispname")))
    if ufunc in ("divide", "true_divide") and len(inputs) == 2 and type(inputs[0]) in (int, float) \
            and inputs[0] == 1 and units == [inputs[1]]:
        return _power(inputs[1], -1)
    if ufunc == "reciprocal" and units == list(inputs):
        return _power(inputs[0], -1)
    if ufunc in ("power", "float_power") and len(inputs) == 2 and units == [inputs[0]] \
            and type(inputs[1]) in (int, float):
        return _power(inputs[0], inputs[1])
    if ufunc in ("square", "sqrt") and units == list(inputs):
        return _power(inputs[0], 2 if ufunc == "square" else 0.5)
    return None


def _part(unit: Unit, attribute: str) -> str:
    text = getattr(unit, attribute)
    return f"({text})" if unit.compound else text


def _power(unit: Unit, exponent: float) -> Unit:
    power = str(exponent)
    return _compound(unit.scale ** exponent, unit.dim ** exponent, (_part(unit, "name"), " ** ", power),
                     (_part(unit, "dispname"), "^", power))


def _compound(scale: float, dim: Dimension, name: tuple[str, ...], dispname: tuple[str, ...]) -> Unit:
    exponent = np.log10(scale)
    if abs(exponent - round(exponent)) < 1e-9:  # mV*mV is exactly mvolt2's 1e-6
        scale = float(f"1e{round(exponent)}")
    return Unit(scale, dim, "".join(name), "".join(dispname), compound=True)


def table_unit_name(dim: Dimension) -> str:
    """The unscaled unit by a name of the unit table (``volt``, ``metre2``, ``mmolar``), else as a
    product of SI base units (``metre ** 2 * kilogram * second ** -4 * amp ** -1``): names a
    standalone program's unit table knows."""
    unit = get_unit(dim)
    if unit.name is not None and UNITS.get(unit.name) is unit:
        return unit.name
    return base_unit_names(dim)[1]


def best_unit(dim: Dimension, values: np.ndarray) -> Unit:
    """Brian2's choice of display unit: the prefix that puts the values shown closest to 10 (the
    least sum of ``(log10(|x|/unit) - 1)**2``); zeros, NaN and infinities do not count."""
    if dim is DIMENSIONLESS:
        return _ONE
    name = unit_name(dim)
    shown = _shown(np.asarray(values, dtype=float))
    magnitudes = np.abs(shown[np.isfinite(shown) & (shown != 0)])
    if magnitudes.size == 0 or len(name.prefixes()) == 1:
        return get_unit(dim)
    prefixes = name.prefixes()
    scales = np.array([10.0 ** name.scale_exponent(p) for p in prefixes])
    deviations = ((np.log10(magnitudes[:, None] / scales[None, :]) - 1) ** 2).sum(axis=0)
    return _named_unit(dim, prefixes[int(np.argmin(deviations))])


def _shown(values: np.ndarray) -> np.ndarray:
    """The values numpy prints of ``values`` (the edge items of a summarised array)."""
    options = np.get_printoptions()
    if values.size <= options["threshold"]:
        return values.ravel()
    edge = options["edgeitems"]
    index = [np.r_[0:edge, n - edge:n] if n > 2 * edge else np.arange(n) for n in values.shape]
    return values[np.ix_(*index)].ravel()


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
        if node.id in MODEL_ONLY_UNITS:
            return 1.0, DIMENSIONLESS
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
