"""Physical units with Brian2's names and semantics: ``Dimension``, ``Quantity``, ``Unit``.

Quantities are numpy arrays holding values in SI base units plus a ``Dimension``; every
numpy operation is checked through ``__array_ufunc__``.  As in Brian2, a plain ``0``
(and, in comparisons, ``±inf``) fits any unit, so ``sum([1*mV, 2*mV])`` and
``v < inf`` work.  ``parse_unit`` reads the unit part of equation lines.
"""
from __future__ import annotations

import ast
import functools
import math
from typing import Any, Callable, ClassVar, Iterable

import numpy as np

from .errors import DimensionMismatchError, EquationError

_BASE_SYMBOLS = ("m", "kg", "s", "A", "K", "mol", "cd")
_BASE_NAMES = ("metre", "kilogram", "second", "amp", "kelvin", "mole", "candela")
_BASE_INDEX = {name: i for i, name in enumerate(_BASE_SYMBOLS)}
_BASE_INDEX.update(length=0, mass=1, time=2, current=3, temperature=4, substance=5,
                   luminosity=6)


def _norm_exponent(value: float) -> float:
    """Snap float noise to a simple fraction n/d (d <= 12) so that (s**(1/3))**3 == s."""
    value = float(value)
    if value.is_integer():
        return value + 0.0  # turns -0.0 into 0.0
    for denominator in range(2, 13):
        numerator = round(value * denominator)
        if abs(value - numerator / denominator) < 1e-9:
            return numerator / denominator + 0.0
    return value


def _fmt_exponent(value: float) -> str:
    return str(int(value)) if value.is_integer() else f"{value:g}"


class Dimension:
    """Exponents of the seven SI base units; immutable and interned (equal means identical)."""

    __slots__ = ("_exps", "_hash")
    _cache: ClassVar[dict[tuple[float, ...], Dimension]] = {}
    _exps: tuple[float, ...]

    def __new__(cls, exponents: Iterable[float] = (), **named: float) -> Dimension:
        exps = [float(e) for e in exponents] or [0.0] * 7
        if len(exps) != 7:
            raise ValueError(f"A Dimension needs 7 exponents, got {len(exps)}")
        for key, value in named.items():
            if key not in _BASE_INDEX:
                raise TypeError(f"Unknown base dimension {key!r}")
            exps[_BASE_INDEX[key]] = float(value)
        key = tuple(_norm_exponent(e) for e in exps)
        cached = cls._cache.get(key)
        if cached is None:
            cached = object.__new__(cls)
            object.__setattr__(cached, "_exps", key)
            object.__setattr__(cached, "_hash", hash(key))
            cls._cache[key] = cached
        return cached

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Dimension objects are immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        return (Dimension, (self._exps,))

    @property
    def dims(self) -> tuple[float, ...]:
        return self._exps

    @property
    def is_dimensionless(self) -> bool:
        return self is DIMENSIONLESS

    def get_dimension(self, name: str) -> float:
        return self._exps[_BASE_INDEX[name]]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dimension):
            return NotImplemented
        return self._exps == other._exps

    def __hash__(self) -> int:
        return self._hash

    def __mul__(self, other: Dimension) -> Dimension:
        if not isinstance(other, Dimension):
            return NotImplemented
        return _combine(self, other, 1.0)

    def __truediv__(self, other: Dimension) -> Dimension:
        if not isinstance(other, Dimension):
            return NotImplemented
        return _combine(self, other, -1.0)

    def __pow__(self, power: float) -> Dimension:
        return _power(self, float(power))

    def __str__(self) -> str:
        if self is DIMENSIONLESS:
            return "1"
        if self in _DIM_SYMBOLS:
            return _DIM_SYMBOLS[self]
        return " ".join(sym if e == 1 else f"{sym}^{_fmt_exponent(e)}"
                        for sym, e in zip(_BASE_SYMBOLS, self._exps) if e)

    def __repr__(self) -> str:
        parts = ", ".join(f"{s}={_fmt_exponent(e)}" for s, e in zip(_BASE_SYMBOLS, self._exps) if e)
        return f"Dimension({parts})"

    def _base_expression(self) -> str:
        """Python-style product of base units, used to display unnamed dimensions."""
        return " * ".join(n if e == 1 else f"{n} ** {_fmt_exponent(e)}"
                          for n, e in zip(_BASE_NAMES, self._exps) if e)


DIMENSIONLESS = Dimension()


@functools.lru_cache(maxsize=4096)
def _combine(a: Dimension, b: Dimension, sign: float) -> Dimension:
    """Cached product (sign 1) or quotient (sign -1): unit arithmetic repeats the same pairs."""
    return Dimension(x + sign * y for x, y in zip(a.dims, b.dims))


@functools.lru_cache(maxsize=4096)
def _power(a: Dimension, power: float) -> Dimension:
    return Dimension(x * power for x in a.dims)
_DIM_SYMBOLS: dict[Dimension, str] = {}  # filled from the unit table: volt -> "V", ...


# ----------------------------------------------------------------------------- helpers

def _dim_of(x: object) -> Dimension:
    dim = getattr(x, "dim", None)
    return dim if isinstance(dim, Dimension) else DIMENSIONLESS


def _as_quantity(x: Any) -> Any:
    """Lists may hold quantities (``[1*mV, 2*mV]``); turn them into one Quantity."""
    return Quantity(x) if isinstance(x, (list, tuple)) else x


def _raw(x: Any) -> Any:
    return x.view(np.ndarray) if isinstance(x, Quantity) else x


def _is_wildcard(x: Any, allow_inf: bool) -> bool:
    """A plain (unit-less) 0, or ±inf in comparisons, fits any unit, as in Brian2."""
    if isinstance(x, Quantity) or x is None:
        return False
    arr = np.asarray(x)
    if arr.dtype.kind not in "biufc":
        return False
    fits = arr == 0
    if allow_inf:
        fits = fits | np.isinf(arr)
    return bool(np.all(fits))


def _is_non_numeric(x: Any) -> bool:
    """``q == None`` or ``q == "a"`` is simply False, as for other Python objects."""
    return x is None or isinstance(x, str) or (
        not isinstance(x, (np.ndarray, list, tuple, int, float, complex, np.generic))
        and not hasattr(x, "__array__") and not hasattr(x, "dim"))


def _brief(x: Any) -> str:
    text = str(x) if isinstance(x, Quantity) else np.array2string(np.asarray(x))
    return text if len(text) <= 60 else text[:57] + "..."


def _common_dim(values: Iterable[Any], what: str | Callable[[], str],
                allow_inf: bool = False) -> Dimension:
    """The one dimension shared by ``values`` (wildcards aside), else DimensionMismatchError.

    ``what`` may be a callable so that the message is only built when it is needed.
    """
    values = list(values)
    dims = [_dim_of(v) for v in values]
    if all(d is dims[0] for d in dims):
        return dims[0]
    kept = [(v, d) for v, d in zip(values, dims) if not _is_wildcard(v, allow_inf)]
    distinct = list(dict.fromkeys(d for _, d in kept))
    if len(distinct) <= 1:
        return distinct[0] if distinct else DIMENSIONLESS
    what = what if isinstance(what, str) else what()
    raise DimensionMismatchError(f"Cannot {what}, units do not match", distinct[0], distinct[1])


def get_dimensions(obj: Any) -> Dimension:
    """Dimension of a quantity (or of anything with a ``.dim``); DIMENSIONLESS for numbers."""
    if isinstance(obj, Dimension):
        return obj
    if isinstance(obj, (list, tuple)):
        return _dim_of(_as_quantity(obj))
    dim = getattr(obj, "dim", None)
    if isinstance(dim, Dimension):
        return dim
    if isinstance(obj, (int, float, complex, np.number, np.bool_, np.ndarray)):
        return DIMENSIONLESS
    raise TypeError(f"Object of type {type(obj).__name__} has no physical dimensions")


def is_dimensionless(obj: Any) -> bool:
    return get_dimensions(obj) is DIMENSIONLESS


def have_same_dimensions(obj1: Any, obj2: Any) -> bool:
    return get_dimensions(obj1) is get_dimensions(obj2)


def fail_for_dimension_mismatch(obj1: Any, obj2: Any = None, error_message: str | None = None,
                                **error_quantities: Any) -> tuple[Dimension, Dimension]:
    """Raise DimensionMismatchError unless both (or, with one argument, obj1 alone are unitless).

    ``error_message`` may use ``{name}`` fields filled from ``error_quantities``.
    """
    dim1 = get_dimensions(obj1)
    dim2 = DIMENSIONLESS if obj2 is None else get_dimensions(obj2)
    if dim1 is dim2:
        return dim1, dim2
    message = error_message or "Dimension mismatch"
    if error_quantities:
        message = message.format(**{k: _brief(v) for k, v in error_quantities.items()})
    if obj2 is None:
        raise DimensionMismatchError(message, dim1)
    raise DimensionMismatchError(message, dim1, dim2)


# ------------------------------------------------------------------------- ufunc rules

_KEEP = frozenset("negative positive absolute fabs rint floor ceil trunc conjugate".split())
_SAME = frozenset("add subtract remainder fmod hypot".split())
_SAME_INF = frozenset("maximum minimum fmax fmin clip".split())
_COMPARE = frozenset("less less_equal greater greater_equal equal not_equal".split())
_DIMLESS = frozenset("exp exp2 expm1 log log2 log10 log1p sin cos tan arcsin arccos arctan sinh "
                     "cosh tanh arcsinh arccosh arctanh deg2rad rad2deg degrees radians "
                     "logaddexp logaddexp2".split())
_PLAIN = frozenset("isfinite isinf isnan signbit sign logical_and logical_or logical_xor "
                   "logical_not".split())
_POWERS = {"sqrt": 0.5, "square": 2.0, "cbrt": 1 / 3, "reciprocal": -1.0}
_SYMBOLS = {"add": "+", "subtract": "-", "remainder": "%", "less": "<", "less_equal": "<=",
            "greater": ">", "greater_equal": ">=", "equal": "==", "not_equal": "!="}

_Dims = Dimension | tuple[Dimension, ...] | None


def _describe(name: str, inputs: tuple[Any, ...]) -> str:
    if name in _SYMBOLS and len(inputs) == 2:
        return f"calculate {_brief(inputs[0])} {_SYMBOLS[name]} {_brief(inputs[1])}"
    return f"calculate {name}({', '.join(_brief(x) for x in inputs)})"


def _power_dim(inputs: tuple[Any, ...], dims: list[Dimension]) -> Dimension:
    if dims[1] is not DIMENSIONLESS:
        raise DimensionMismatchError("The exponent of a power must be dimensionless", dims[1])
    if dims[0] is DIMENSIONLESS:
        return DIMENSIONLESS
    exponent = np.asarray(inputs[1])
    if exponent.size != 1:
        raise TypeError("Only scalar exponents can be used with quantities that have units")
    return dims[0] ** float(exponent.reshape(())[()].real)


def _call_dims(name: str, inputs: tuple[Any, ...]) -> _Dims:
    """Result dimension(s) of ``ufunc(*inputs)``; None means a plain (boolean) result."""
    dims = [_dim_of(x) for x in inputs]
    if name in _PLAIN:
        return None
    if name in _COMPARE:
        _common_dim(inputs, lambda: _describe(name, inputs), allow_inf=True)
        return None
    if name in _KEEP:
        return dims[0]
    if name in _SAME or name in _SAME_INF:
        return _common_dim(inputs, lambda: _describe(name, inputs), allow_inf=name in _SAME_INF)
    if name in ("multiply", "matmul"):
        return functools.reduce(Dimension.__mul__, dims)
    if name in ("divide", "true_divide", "floor_divide"):
        return dims[0] / dims[1]
    if name in _POWERS:
        return dims[0] ** _POWERS[name]
    if name in ("power", "float_power"):
        return _power_dim(inputs, dims)
    if name == "arctan2":
        _common_dim(inputs, lambda: _describe(name, inputs))
        return DIMENSIONLESS
    if name == "divmod":
        return (dims[0] / dims[1], _common_dim(inputs, lambda: _describe(name, inputs)))
    for x, dim in zip(inputs, dims):
        if dim is not DIMENSIONLESS:
            raise DimensionMismatchError(f"Function {name} needs dimensionless arguments, "
                                         f"got {_brief(x)}", dim)
    return DIMENSIONLESS


def _reduced_count(arr: np.ndarray, axis: Any) -> int:
    if axis is None:
        return arr.size
    axes = axis if isinstance(axis, tuple) else (axis,)
    return math.prod(arr.shape[a] for a in axes)


def _reduce_dims(name: str, method: str, arr: Any, kwargs: dict[str, Any]) -> _Dims:
    dim = _dim_of(arr)
    if name in ("add", "maximum", "minimum", "fmax", "fmin"):
        return dim
    if name in _PLAIN:
        return None
    if dim is DIMENSIONLESS:
        return DIMENSIONLESS
    if name == "multiply" and method == "reduce":
        return dim ** _reduced_count(np.asarray(arr), kwargs.get("axis", 0))
    raise DimensionMismatchError(f"Cannot apply {name}.{method} to a quantity with units", dim)


# ------------------------------------------------------------------------------ Quantity

_ARRAY_FUNCTIONS: dict[Callable[..., Any], Callable[..., Any]] = {}


def _implements(np_function: Callable[..., Any]) -> Callable[[Callable[..., Any]], Any]:
    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        _ARRAY_FUNCTIONS[np_function] = func
        return func
    return register


class Quantity(np.ndarray):
    """A numpy array of values in SI base units, tagged with their physical ``dim``."""

    dim: Dimension

    def __new__(cls, arr: Any, dim: Dimension | None = None, dtype: Any = None,
                copy: bool = False) -> Quantity:
        if dim is None:
            dim = _dim_of(arr)
            if isinstance(arr, (list, tuple)):
                dim = _sequence_dim(arr)
        values = np.array(arr, dtype=dtype, copy=True if copy or isinstance(arr, Unit) else None)
        if values.dtype.kind in "biu" and dtype is None:
            values = values.astype(np.float64)
        obj = values.view(cls)
        obj.dim = dim
        return obj

    def __array_finalize__(self, obj: Any) -> None:
        self.dim = getattr(obj, "dim", DIMENSIONLESS)

    @property
    def dimensions(self) -> Dimension:
        return self.dim

    @property
    def is_dimensionless(self) -> bool:
        return self.dim is DIMENSIONLESS

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        outs = kwargs.get("out", ())
        for x in inputs + tuple(outs):
            handler = getattr(type(x), "__array_ufunc__", np.ndarray.__array_ufunc__)
            if handler is not np.ndarray.__array_ufunc__ and not isinstance(x, Quantity):
                return NotImplemented
        name = ufunc.__name__
        inputs = tuple(x if i == 1 and method == "at" else _as_quantity(x)
                       for i, x in enumerate(inputs))
        if method in ("reduce", "accumulate", "reduceat"):
            result_dims = _reduce_dims(name, method, inputs[0], kwargs)
        elif method == "at":
            result_dims = _call_dims(name, (inputs[0],) + inputs[2:])
            if result_dims is not _dim_of(inputs[0]):
                raise DimensionMismatchError(f"{name}.at would change the units", _dim_of(inputs[0]))
        else:
            result_dims = _call_dims(name, inputs)
        if outs:
            kwargs["out"] = tuple(_raw(o) for o in outs)
        result = getattr(ufunc, method)(*(_raw(x) for x in inputs), **kwargs)
        if method == "at":
            return None
        if ufunc.nout == 1:
            return _wrap(result, result_dims, outs[0] if outs else None)
        dims = result_dims if isinstance(result_dims, tuple) else (result_dims,) * ufunc.nout
        outs = outs or (None,) * ufunc.nout
        return tuple(_wrap(r, d, o) for r, d, o in zip(result, dims, outs))

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        handler = _ARRAY_FUNCTIONS.get(func)
        if handler is None:
            return super().__array_function__(func, types, args, kwargs)
        return handler(*args, **kwargs)

    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        return NotImplemented if _is_non_numeric(other) else super().__eq__(other)

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        return NotImplemented if _is_non_numeric(other) else super().__ne__(other)

    def __getitem__(self, key: Any) -> Quantity:
        item = super().__getitem__(key)
        return item if isinstance(item, Quantity) else Quantity(item, self.dim)

    def __setitem__(self, key: Any, value: Any) -> None:
        value = _as_quantity(value)
        _common_dim((self, value), f"assign {_brief(value)} to a quantity in {self.dim}")
        super().__setitem__(key, _raw(value))

    def __iter__(self) -> Any:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d quantity")
        return (self[i] for i in range(len(self)))

    def __reduce__(self) -> tuple[Any, ...]:
        func, args, state = super().__reduce__()
        return func, args, (state, self.dim)

    def __setstate__(self, state: tuple[Any, Dimension]) -> None:
        array_state, self.dim = state
        super().__setstate__(array_state)

    def round(self, decimals: int = 0, out: Any = None) -> Any:
        """Rounds the SI values (numpy's C implementation would drop the unit)."""
        return _wrap(self.view(np.ndarray).round(decimals, out=_raw(out)), self.dim, out)

    def __round__(self, ndigits: int | None = None) -> Any:
        """``round(q)`` gives an int like ``round(float(q))``; with digits it rounds SI values."""
        return round(float(self)) if ndigits is None else self.round(ndigits)

    # Index-like results must not carry the unit of the values.
    def argsort(self, *args: Any, **kwargs: Any) -> np.ndarray:
        return self.view(np.ndarray).argsort(*args, **kwargs)

    def argmax(self, *args: Any, **kwargs: Any) -> Any:
        return self.view(np.ndarray).argmax(*args, **kwargs)

    def argmin(self, *args: Any, **kwargs: Any) -> Any:
        return self.view(np.ndarray).argmin(*args, **kwargs)

    def __repr__(self) -> str:
        return self._format(long=True)

    def __str__(self) -> str:
        return self._format(long=False)

    def _format(self, long: bool) -> str:
        values = self.view(np.ndarray)
        if self.dim is DIMENSIONLESS:
            if values.ndim == 0:
                return repr(values.item())
            return repr(values) if long else str(values)
        unit = _display_unit(self.dim, values)
        shown = np.asarray(values / unit.scale)
        if shown.ndim == 0:
            number = np.array2string(shown)
            return f"{number} * {unit.name}" if long else f"{number} {unit.dispname}"
        return f"{shown!r} * {unit.name}" if long else f"{shown} {unit.dispname}"


def _sequence_dim(seq: list[Any] | tuple[Any, ...]) -> Dimension:
    """Dimension shared by the (possibly nested) elements of a list of quantities."""
    flat: list[Any] = []
    stack = [seq]
    while stack:
        for item in stack.pop():
            (stack if isinstance(item, (list, tuple)) else flat).append(item)
    if not any(isinstance(x, Quantity) for x in flat):
        return DIMENSIONLESS
    return _common_dim(flat, "create a Quantity from a list")


def _wrap(result: Any, dim: Dimension | None, out: Any) -> Any:
    if out is not None:
        if isinstance(out, Quantity):
            out.dim = DIMENSIONLESS if dim is None else dim
        return out
    return result if dim is None else Quantity(result, dim)


@_implements(np.isclose)
def _isclose(a: Any, b: Any, rtol: float = 1e-05, atol: Any = 1e-08,
             equal_nan: bool = False) -> Any:
    a, b = _as_quantity(a), _as_quantity(b)
    dim = _common_dim((a, b), f"compare {_brief(a)} and {_brief(b)}", allow_inf=True)
    if isinstance(atol, Quantity) and atol.dim is not dim:
        raise DimensionMismatchError("atol must have the units of the compared values",
                                     atol.dim, dim)
    return np.isclose(_raw(a), _raw(b), rtol=rtol, atol=_raw(atol), equal_nan=equal_nan)


@_implements(np.allclose)
def _allclose(a: Any, b: Any, rtol: float = 1e-05, atol: Any = 1e-08,
              equal_nan: bool = False) -> bool:
    return bool(np.all(_isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)))


@_implements(np.array_equal)
def _array_equal(a1: Any, a2: Any, equal_nan: bool = False) -> bool:
    if _dim_of(a1) is not _dim_of(a2):
        return False
    return np.array_equal(_raw(a1), _raw(a2), equal_nan=equal_nan)


@_implements(np.concatenate)
def _concatenate(arrays: Any, axis: Any = 0, out: Any = None, **kwargs: Any) -> Any:
    arrays = [_as_quantity(a) for a in arrays]
    dim = _common_dim(arrays, "concatenate arrays")
    result = np.concatenate([_raw(a) for a in arrays], axis, out=_raw(out), **kwargs)
    return _wrap(result, dim, out)


@_implements(np.dot)
def _dot(a: Any, b: Any, out: Any = None) -> Any:
    result = np.dot(_raw(a), _raw(b), out=_raw(out))
    return _wrap(result, _dim_of(a) * _dim_of(b), out)


# ---------------------------------------------------------------------------------- Unit

class Unit(Quantity):
    """A named, read-only quantity such as ``mvolt`` (value 0.001, dimension volt)."""

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
        self.name = self.dispname = None

    @property
    def scale(self) -> float:
        return float(self.view(np.ndarray))

    def __repr__(self) -> str:
        return self.name if self.name else super().__repr__()

    def __str__(self) -> str:
        return self.dispname if self.dispname else super().__str__()

    def __reduce__(self) -> tuple[Any, ...]:
        if self.name in UNITS and UNITS[self.name] is self:
            return (_unit_named, (self.name,))
        return super().__reduce__()

    def __copy__(self) -> Unit:
        return self

    def __deepcopy__(self, memo: Any) -> Unit:
        return self

    # Units are shared constants: ``x = mV; x *= 2`` must rebind x, never change mV.
    def __iadd__(self, other: Any) -> Any:
        return self + other

    def __isub__(self, other: Any) -> Any:
        return self - other

    def __imul__(self, other: Any) -> Any:
        return self * other

    def __itruediv__(self, other: Any) -> Any:
        return self / other

    def __ipow__(self, other: Any) -> Any:
        return self ** other


def _unit_named(name: str) -> Unit:
    return UNITS[name]


# ----------------------------------------------------------------------------- unit table

_PREFIXES = {"p": -12, "n": -9, "u": -6, "m": -3, "c": -2, "": 0, "k": 3, "M": 6, "G": 9,
             "T": 12}
_STD_PREFIXES = ("p", "n", "u", "m", "", "k", "M", "G", "T")

# (names, symbol, dimension, power of ten of the unprefixed unit, prefixes, displayed?)
_FAMILIES: list[tuple[tuple[str, ...], str, Dimension, int, tuple[str, ...], bool]] = [
    (("kilogram", "kilogramme"), "kg", Dimension(kg=1), 0, ("",), True),
    (("second",), "s", Dimension(s=1), 0, _STD_PREFIXES, True),
    (("volt",), "V", Dimension(m=2, kg=1, s=-3, A=-1), 0, _STD_PREFIXES, True),
    (("amp", "ampere"), "A", Dimension(A=1), 0, _STD_PREFIXES, True),
    (("siemens",), "S", Dimension(m=-2, kg=-1, s=3, A=2), 0, _STD_PREFIXES, True),
    (("farad",), "F", Dimension(m=-2, kg=-1, s=4, A=2), 0, _STD_PREFIXES, True),
    (("ohm",), "ohm", Dimension(m=2, kg=1, s=-3, A=-2), 0, _STD_PREFIXES, True),
    (("hertz",), "Hz", Dimension(s=-1), 0, _STD_PREFIXES, True),
    (("metre", "meter"), "m", Dimension(m=1), 0, _STD_PREFIXES + ("c",), True),
    (("gram", "gramme"), "g", Dimension(kg=1), -3, _STD_PREFIXES, True),
    (("mole", "mol"), "mol", Dimension(mol=1), 0, _STD_PREFIXES, True),
    (("molar",), "M", Dimension(m=-3, mol=1), 3, _STD_PREFIXES, True),
    (("coulomb",), "C", Dimension(s=1, A=1), 0, _STD_PREFIXES, True),
    (("joule",), "J", Dimension(m=2, kg=1, s=-2), 0, _STD_PREFIXES, True),
    (("watt",), "W", Dimension(m=2, kg=1, s=-3), 0, _STD_PREFIXES, True),
    (("newton",), "N", Dimension(m=1, kg=1, s=-2), 0, _STD_PREFIXES, True),
    (("pascal",), "Pa", Dimension(m=-1, kg=1, s=-2), 0, _STD_PREFIXES, True),
    (("liter", "litre"), "l", Dimension(m=3), -3, _STD_PREFIXES, False),
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

UNITS: dict[str, Unit] = {}
_DISPLAY: dict[Dimension, list[Unit]] = {}  # candidate display units per dimension, by scale


def _add_unit(name: str, unit: Unit, display: bool) -> None:
    UNITS[name] = unit
    if not display:
        return
    candidates = _DISPLAY.setdefault(unit.dim, [])
    if all(u.scale != unit.scale for u in candidates):  # kilogram wins over kgram
        candidates.append(unit)
        candidates.sort(key=lambda u: u.scale)


def _build_units() -> None:
    for names, symbol, dim, power10, prefixes, display in _FAMILIES:
        powers = (1, 2, 3) if symbol == "m" else (1,)
        for index, name in enumerate(names):
            for power in powers:
                suffix, disp_suffix = ("", "") if power == 1 else (str(power), f"^{power}")
                for prefix in prefixes:
                    scale = float(f"1e{(power10 + _PREFIXES[prefix]) * power}")
                    unit = Unit(scale, dim ** power, prefix + name + suffix,
                                prefix + symbol + disp_suffix)
                    _add_unit(unit.name, unit, display and index == 0 and prefix != "c")
                    if scale == 1 and power == 1 and index == 0 and display:
                        _DIM_SYMBOLS.setdefault(unit.dim, symbol)
    for alias, name in _ALIASES.items():
        UNITS[alias] = UNITS[name]


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
    candidates = _DISPLAY.get(dim)
    if not candidates:
        return get_unit(dim)
    magnitudes = np.abs(values[np.isfinite(values) & (values != 0)])
    if magnitudes.size == 0:
        return get_unit(dim)
    reference = float(magnitudes.max())
    fitting = [u for u in candidates if reference >= u.scale * (1 - 1e-9)]
    return fitting[-1] if fitting else candidates[0]


# ---------------------------------------------------------------------------- parse_unit

def _number(node: ast.AST, text: str) -> float:
    """Evaluate a plain numeric expression (an exponent such as ``-1`` or ``1/2``)."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _number(node.operand, text)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div, ast.Add, ast.Sub)):
        left, right = _number(node.left, text), _number(node.right, text)
        ops = {ast.Mult: left * right, ast.Add: left + right, ast.Sub: left - right}
        return ops[type(node.op)] if type(node.op) in ops else left / right
    raise EquationError(f"Exponents in unit {text!r} must be plain numbers")


def _evaluate(node: ast.AST, text: str) -> tuple[float, Dimension]:
    """(scale, dimension) of a unit expression made of names, numbers, *, / and **."""
    if isinstance(node, ast.Name):
        if node.id not in UNITS:
            raise EquationError(f"Unknown unit {node.id!r} in {text!r}")
        unit = UNITS[node.id]
        return unit.scale, unit.dim
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value), DIMENSIONLESS
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        (scale, dim), exponent = _evaluate(node.left, text), _number(node.right, text)
        return scale ** exponent, dim ** exponent
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div)):
        (s1, d1), (s2, d2) = _evaluate(node.left, text), _evaluate(node.right, text)
        if isinstance(node.op, ast.Mult):
            return s1 * s2, d1 * d2
        return s1 / s2, d1 / d2
    raise EquationError(f"Unsupported syntax in unit {text!r}: only unit names, numbers, "
                        f"'*', '/' and '**' are allowed")


def parse_unit_value(text: str) -> Quantity:
    """Value of a unit expression such as ``"siemens/meter**2"`` (no ``eval``)."""
    if not text.strip():
        raise EquationError("Empty unit specification")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise EquationError(f"Cannot parse unit {text!r}: {exc.msg}") from None
    scale, dim = _evaluate(tree.body, text)
    return Quantity(scale, dim)


@functools.lru_cache(maxsize=512)
def parse_unit(text: str) -> Dimension:
    """Dimension of an equation's unit part; like Brian2, only unscaled units are accepted."""
    value = parse_unit_value(text)
    scale = float(value)
    if abs(scale - 1.0) > 1e-9:
        tree = ast.parse(text.strip(), mode="eval")
        scaled = [n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and UNITS[n.id].scale != 1]
        hint = ", ".join(f"{get_unit(UNITS[n].dim).name!r}, not {n!r}"
                         for n in dict.fromkeys(scaled))
        raise EquationError(f"Unit {text!r} is not a base unit (its scale is {scale:g}); "
                            "equations need unscaled units" + (f": use {hint}" if hint else ""))
    return value.dim


__all__ = sorted(UNITS) + [
    "Quantity", "Unit", "Dimension", "DIMENSIONLESS", "DimensionMismatchError",
    "get_dimensions", "have_same_dimensions", "fail_for_dimension_mismatch",
    "is_dimensionless", "get_unit",
]
