"""``Quantity``: numpy arrays of SI values with a ``Dimension``, unit-checked in every ufunc."""
from __future__ import annotations

import functools
import math
import operator
from typing import Any, Callable, Iterable

import numpy as np

from ..errors import DimensionMismatchError
from .dimensions import DIMENSIONLESS, Dimension

# ------------------------------------------------------------------------------- helpers

def _dim_of(x: object) -> Dimension:
    dim = getattr(x, "dim", None)
    return dim if isinstance(dim, Dimension) else DIMENSIONLESS


def _as_quantity(x: Any) -> Any:
    """Lists may hold quantities (``[1*mV, 2*mV]``); turn them into one Quantity."""
    return Quantity(x) if isinstance(x, (list, tuple)) else x


def _raw(x: Any) -> Any:
    return x.view(np.ndarray) if isinstance(x, Quantity) else x


def _is_wildcard(x: Any, allow_inf: bool) -> bool:
    """A plain (unit-less) 0 -- or ±inf where ``allow_inf`` -- fits any unit, as in Brian2."""
    if isinstance(x, Quantity) or x is None:
        return False
    arr = np.asarray(x)
    if arr.dtype.kind not in "biufc":
        return False
    return bool(np.all((arr == 0) | np.isinf(arr) if allow_inf else arr == 0))


def _brief(x: Any) -> str:
    """Brian2's short text of a value in messages: at most 2 items at each end (``[ 0.  1. ... 19.] mV``)."""
    with np.printoptions(edgeitems=2, threshold=5):
        return str(x) if isinstance(x, Quantity) else str(np.asanyarray(x))


def _common_dim(values: Iterable[Any], message: str | Callable[[], str],
                allow_inf: bool = False) -> Dimension:
    """The dimension shared by ``values`` (wildcards aside), else DimensionMismatchError.

    ``message`` may be a callable so that the message is built only on failure.
    """
    values = list(values)
    dims = [_dim_of(v) for v in values]
    if all(d is dims[0] for d in dims):
        return dims[0]
    kept = list(dict.fromkeys(d for v, d in zip(values, dims) if not _is_wildcard(v, allow_inf)))
    if len(kept) <= 1:
        return kept[0] if kept else DIMENSIONLESS
    raise DimensionMismatchError(message if isinstance(message, str) else message(), kept[0], kept[1])


def get_dimensions(obj: Any) -> Dimension:
    """Dimension of a quantity (or of anything with a ``.dim``); DIMENSIONLESS for numbers."""
    if isinstance(obj, Dimension):
        return obj
    if isinstance(obj, (list, tuple)):
        return _dim_of(_as_quantity(obj))
    if isinstance(getattr(obj, "dim", None), Dimension):
        return obj.dim
    if isinstance(obj, (int, float, complex, np.number, np.bool_, np.ndarray)):
        return DIMENSIONLESS
    raise TypeError(f"Object of type {type(obj)} does not have dimensions")


def is_dimensionless(obj: Any) -> bool:
    return get_dimensions(obj) is DIMENSIONLESS


def have_same_dimensions(obj1: Any, obj2: Any) -> bool:
    return get_dimensions(obj1) is get_dimensions(obj2)


def fail_for_dimension_mismatch(obj1: Any, obj2: Any = None, error_message: str | None = None,
                                **error_quantities: Any) -> tuple[Dimension, Dimension]:
    """Raise DimensionMismatchError unless both objects (or obj1 and 1) share a dimension.

    ``error_message`` may contain ``{name}`` fields, filled from ``error_quantities``.
    """
    dim1 = get_dimensions(obj1)
    dim2 = DIMENSIONLESS if obj2 is None else get_dimensions(obj2)
    if dim1 is dim2:
        return dim1, dim2
    message = (error_message or "Dimension mismatch").format(
        **{k: _brief(v) for k, v in error_quantities.items()})
    raise DimensionMismatchError(message, *((dim1,) if obj2 is None else (dim1, dim2)))


# --------------------------------------------------------------------------- ufunc rules

_KEEP = frozenset("negative positive absolute fabs rint floor ceil trunc conjugate".split())
_SAME = frozenset("add subtract remainder fmod hypot arctan2".split())
_SAME_INF = frozenset("maximum minimum fmax fmin clip".split())
_COMPARE = frozenset("less less_equal greater greater_equal equal not_equal".split())
_PLAIN = frozenset("isfinite isinf isnan signbit sign logical_and logical_or logical_xor "
                   "logical_not".split())  # results are plain arrays, whatever the units
_POWERS = {"sqrt": 0.5, "square": 2.0, "cbrt": 1 / 3, "reciprocal": -1.0}
_COMPARISON_SYMBOLS = {"less": "<", "less_equal": "<=", "greater": ">", "greater_equal": ">=",
                       "equal": "==", "not_equal": "!="}
_UNIT_ALGEBRA = frozenset("multiply divide true_divide reciprocal power float_power square sqrt".split())
_Dims = Dimension | tuple[Dimension, ...] | None  # None: a plain (unit-less) result


def _describe(name: str, inputs: tuple[Any, ...]) -> str:
    """Brian2's message for a ufunc whose arguments' units do not match."""
    if name in _COMPARISON_SYMBOLS and len(inputs) == 2:
        return (f"Cannot perform comparison {_brief(inputs[0])} {_COMPARISON_SYMBOLS[name]} "
                f"{_brief(inputs[1])}, units do not match")
    if len(inputs) == 2:
        return f"Cannot calculate {_brief(inputs[0])} {name} {_brief(inputs[1])}, the units do not match"
    return f"Cannot calculate {name}({', '.join(_brief(x) for x in inputs)}), the units do not match"


def _power_dim(base: Dimension, exponent: Any) -> Dimension:
    if _dim_of(exponent) is not DIMENSIONLESS:
        raise DimensionMismatchError("The exponent for a power operation has to be dimensionless "
                                     f"but was {_brief(exponent)}", _dim_of(exponent))
    if base is DIMENSIONLESS:
        return base
    exponent = np.asarray(exponent)
    if exponent.size != 1:
        raise TypeError("Quantities with units can only be raised to a scalar power")
    return base ** float(exponent.reshape(())[()].real)


def _call_dims(name: str, inputs: tuple[Any, ...]) -> _Dims:
    """Result dimension(s) of ``ufunc(*inputs)``; unknown ufuncs need dimensionless inputs."""
    dims = [_dim_of(x) for x in inputs]

    def same(allow_inf: bool = False) -> Dimension:
        return _common_dim(inputs, lambda: _describe(name, inputs), allow_inf)

    if name in _PLAIN:
        return None
    if name in _COMPARE:
        same(allow_inf=True)
        return None
    if name in _KEEP:
        return dims[0]
    if name in _SAME or name in _SAME_INF:
        dim = same(allow_inf=name in _SAME_INF)
        return DIMENSIONLESS if name == "arctan2" else dim
    if name in ("multiply", "matmul"):
        return functools.reduce(operator.mul, dims)
    if name in ("divide", "true_divide", "floor_divide"):
        return dims[0] / dims[1]
    if name in _POWERS:
        return dims[0] ** _POWERS[name]
    if name in ("power", "float_power"):
        return _power_dim(dims[0], inputs[1])
    if name == "divmod":
        return (dims[0] / dims[1], same())
    for x, dim in zip(inputs, dims):
        if dim is not DIMENSIONLESS:
            raise DimensionMismatchError(
                f"{name} expects a dimensionless argument but got {_brief(x)}", dim)
    return DIMENSIONLESS


def _reduce_dims(name: str, method: str, arr: Any, axis: Any) -> _Dims:
    dim = _dim_of(arr)
    if name in ("add", "maximum", "minimum", "fmax", "fmin"):
        return dim
    if name in _PLAIN:
        return None
    if dim is DIMENSIONLESS:
        return dim
    if name == "multiply" and method == "reduce":  # prod: one factor of dim per element
        shape = np.shape(arr)
        axes = range(len(shape)) if axis is None else axis if isinstance(axis, tuple) else (axis,)
        return dim ** math.prod(shape[a] for a in axes)
    raise DimensionMismatchError(f"Cannot apply {name}.{method} to a quantity with units", dim)


def plain(values: Any) -> Any:
    """A dimensionless value as Brian2 gives it: a plain ndarray, or a Python number if 0-d
    (so ``M.t/ms`` works with ``plt.hist``, ``np.bincount``, ``int()`` and indexing)."""
    array = np.asarray(values)
    return array.item() if array.ndim == 0 else array


def _wrap(result: Any, dim: Dimension | None, out: Any = None) -> Any:
    if out is None:
        return result if dim is None else Quantity(result, dim)
    if isinstance(out, Quantity):
        out.dim = DIMENSIONLESS if dim is None else dim
        if out.dim is DIMENSIONLESS:  # ``x /= mV`` leaves x plain, as in Brian2
            return plain(out)
    elif dim is not None and dim is not DIMENSIONLESS and isinstance(out, np.ndarray):
        # a plain array as output of a result with units: numpy's temporary elision turns
        # ``big_array.flatten() * second`` into multiply(tmp, second, out=tmp), and ``y *= mV``
        # passes y. The result is the buffer seen as a quantity (``y`` becomes one, as in Brian2);
        # returning the plain buffer would silently drop the unit.
        viewed = out.view(Quantity)
        viewed.dim = dim
        return viewed
    return out


# ------------------------------------------------------------------------------ Quantity

class Quantity(np.ndarray):
    """A numpy array of values in SI base units, tagged with their physical ``dim``.

    As in Brian2, ``Quantity(values, dim=DIMENSIONLESS)`` (every result without units: ``M.t/ms``,
    ``q/q``, ``exp(x/ms)``) is a plain ndarray, or a Python number if 0-d, unless
    ``force_quantity``; ``Quantity(values)`` keeps the dimension ``values`` have.
    """

    dim: Dimension

    def __new__(cls, arr: Any, dim: Dimension | None = None, dtype: Any = None,
                copy: bool = False, force_quantity: bool = False) -> Any:
        if dim is DIMENSIONLESS and not force_quantity:
            return plain(_numeric(np.array(arr, dtype=dtype, copy=True if copy else None)))
        if dim is None:
            dim = _sequence_dim(arr) if isinstance(arr, (list, tuple)) else _dim_of(arr)
        from .definitions import Unit  # a unit is read-only: its quantities are copies

        values = _numeric(np.array(arr, dtype=dtype, copy=True if copy or isinstance(arr, Unit) else None))
        if values.dtype.kind in "biu" and dtype is None:
            values = values.astype(np.float64)  # Brian2: quantities are never integers
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
        for x in inputs + tuple(outs):  # defer to other array-likes that override ufuncs
            handler = getattr(type(x), "__array_ufunc__", np.ndarray.__array_ufunc__)
            if handler is not np.ndarray.__array_ufunc__ and not isinstance(x, Quantity):
                return NotImplemented
        name = ufunc.__name__
        if method == "__call__" and not kwargs and name in _UNIT_ALGEBRA:
            from .definitions import unit_algebra

            unit = unit_algebra(name, inputs)
            if unit is not None:
                return unit
        if method == "at":  # ufunc.at(a, indices, b) changes a in place
            operands = (inputs[0], *map(_as_quantity, inputs[2:]))
            if _call_dims(name, operands) is not _dim_of(inputs[0]):
                raise DimensionMismatchError(f"{name}.at would change the units",
                                             _dim_of(inputs[0]))
            ufunc.at(*(x if i == 1 else _raw(x) for i, x in enumerate(inputs)), **kwargs)
            return None
        if method in ("reduce", "accumulate", "reduceat"):  # reduceat's indices stay as given
            inputs = (_as_quantity(inputs[0]), *inputs[1:])
            dims = _reduce_dims(name, method, inputs[0], kwargs.get("axis", 0))
        else:
            inputs = tuple(map(_as_quantity, inputs))
            dims = _call_dims(name, inputs)
        if outs:
            kwargs["out"] = tuple(map(_raw, outs))
        result = getattr(ufunc, method)(*map(_raw, inputs), **kwargs)
        if ufunc.nout == 1 or method != "__call__":
            return _wrap(result, dims, outs[0] if outs else None)
        dims = dims if isinstance(dims, tuple) else (dims,) * ufunc.nout
        return tuple(map(_wrap, result, dims, outs or (None,) * ufunc.nout))

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        handler = _ARRAY_FUNCTIONS.get(func)
        if handler is None:
            return super().__array_function__(func, types, args, kwargs)
        return handler(*args, **kwargs)

    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        """``q == None`` is False, as for other Python objects (numpy would compare per item)."""
        return NotImplemented if other is None or isinstance(other, str) else super().__eq__(other)

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        return NotImplemented if other is None or isinstance(other, str) else super().__ne__(other)

    def __getitem__(self, key: Any) -> Quantity:
        item = super().__getitem__(key)
        return item if isinstance(item, Quantity) else Quantity(item, self.dim)

    def __setitem__(self, key: Any, value: Any) -> None:
        value = _as_quantity(value)
        _common_dim((self, value), "Inconsistent units in assignment")
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
        if self.dim is not DIMENSIONLESS:  # round(3.3*ms) would be 0 (seconds): Brian2 refuses it too
            raise TypeError(f"round() of a quantity with units ({_brief(self)}): divide by a unit first, "
                            "e.g. round(x/ms)")
        return round(float(self)) if ndigits is None else self.round(ndigits)

    # Index-like results must not carry the unit of the values.
    def argsort(self, *args: Any, **kwargs: Any) -> np.ndarray:
        return self.view(np.ndarray).argsort(*args, **kwargs)

    def argmax(self, *args: Any, **kwargs: Any) -> Any:
        return self.view(np.ndarray).argmax(*args, **kwargs)

    def argmin(self, *args: Any, **kwargs: Any) -> Any:
        return self.view(np.ndarray).argmin(*args, **kwargs)

    def __repr__(self) -> str:
        return self.in_best_unit(python_code=True)

    def __str__(self) -> str:
        return self.in_best_unit()

    def __format__(self, format_spec: str) -> str:
        """``f"{v}"`` shows the unit (``3. mV``); a format spec formats the SI value, as in Brian2."""
        return str(self) if format_spec == "" else super().__format__(format_spec)

    # ------------------------------------------------------------------ Brian2's methods
    def in_unit(self, u: Any, precision: int | None = None, python_code: bool = False) -> str:
        """This quantity as a string in unit ``u``: ``(3*mV).in_unit(volt)`` is ``'0.003 V'``."""
        return _in_unit(self, u, precision, python_code, 'Non-matching unit for method "in_unit"')

    def get_best_unit(self) -> Any:
        """The unit Brian2 would print this quantity in (``mV`` for ``3*mV``)."""
        from .definitions import best_unit

        return best_unit(self.dim, self.view(np.ndarray))

    def in_best_unit(self, precision: int | None = None, python_code: bool = False) -> str:
        """This quantity as a string in the unit Brian2 prints it in: ``'1.23456 mV'``."""
        return self.in_unit(self.get_best_unit(), precision, python_code)

    @staticmethod
    def with_dimensions(value: Any, *args: Any, **named: float) -> Any:
        """Brian2's constructor by dimension: ``Quantity.with_dimensions(2, volt.dim)``, or
        exponents as ``get_or_create_dimension`` takes them (``length=1``)."""
        dim = args[0] if args and isinstance(args[0], Dimension) else Dimension(*args, **named)
        return Quantity(value, dim)

    def has_same_dimensions(self, other: Any) -> bool:
        return self.dim is get_dimensions(other)

    def item(self, *args: Any) -> Any:
        """One element, with its unit (Brian2)."""
        return Quantity(self.view(np.ndarray).item(*args), self.dim)

    def tolist(self) -> Any:
        """Nested lists of quantities with this unit (Brian2)."""
        def nest(values: Any) -> Any:
            return [nest(v) for v in values] if isinstance(values, list) else Quantity(values, self.dim)
        return nest(self.view(np.ndarray).tolist())

    def dot(self, other: Any, out: Any = None) -> Any:
        return _dot(self, other, out)


def _in_unit(x: Any, u: Any, precision: int | None, python_code: bool, what: str) -> str:
    """Brian2's format: numpy's text of ``x/u`` (its precision), then the unit's name."""
    fail_for_dimension_mismatch(x, u, what)
    value = np.asarray(_raw(x)) / np.asarray(_raw(u))
    if value.ndim == 0:
        text = np.array_str(np.array([value]), precision=precision).replace("[", "").replace("]", "")
    else:
        text = (np.array_repr if python_code else np.array_str)(value, precision=precision)
    text = text.strip()
    dim = _dim_of(u)
    if dim is DIMENSIONLESS:
        return f"Quantity({text})" if python_code and isinstance(x, Quantity) else text
    if float(np.asarray(_raw(u)).reshape(-1)[0]) == 1.0 or hasattr(u, "dispname"):
        name = u.name if python_code and hasattr(u, "name") else getattr(u, "dispname", None)
        if name is None:
            from .definitions import get_unit
            name = get_unit(dim).name if python_code else get_unit(dim).dispname
    else:  # a quantity that is not a unit: keep its value in the label (Brian2 would drop it)
        name = f"({u!r})" if python_code else f"({u})"
    return f"{text} * {name}" if python_code else f"{text} {name}"


def in_unit(x: Any, u: Any, precision: int | None = None) -> str:
    """``x`` as a string in unit ``u``: ``in_unit(3*mV, mV)`` is ``'3. mV'`` (Brian2)."""
    if isinstance(x, Quantity) and x.dim is not DIMENSIONLESS:
        return x.in_unit(u, precision)
    fail_for_dimension_mismatch(x, u, 'Non-matching unit for function "in_unit"')
    return str(np.asarray(_raw(x) / np.asarray(_raw(u))))


def in_best_unit(x: Any, precision: int | None = None) -> str:
    """``x`` as a string in the unit Brian2 prints it in; a number rounded to ``precision``."""
    if get_dimensions(x) is DIMENSIONLESS:
        digits = np.get_printoptions()["precision"] if precision is None else precision
        return str(np.round(np.asarray(_raw(x)), digits))
    return _as_quantity(x).in_best_unit(precision)


def is_scalar_type(obj: Any) -> bool:
    """Brian2's test: a single number without units (``3``, ``3*mV/mV``), not ``3*mV``."""
    if hasattr(obj, "ndim"):
        return obj.ndim == 0 and is_dimensionless(obj)
    return bool(np.isscalar(obj)) and not isinstance(obj, str)


def _numeric(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind not in "biufc":
        raise TypeError(f"Quantities can only be created from numerical data, not {values.dtype} "
                        f"({_brief(values)})")
    return values


def _sequence_dim(seq: list[Any] | tuple[Any, ...]) -> Dimension:
    """Dimension shared by the (possibly nested) elements of a list of quantities."""
    flat: list[Any] = []
    stack = [seq]
    while stack:
        for item in stack.pop():
            (stack if isinstance(item, (list, tuple)) else flat).append(item)
    if not any(isinstance(x, Quantity) for x in flat):
        return DIMENSIONLESS
    if any(not isinstance(x, Quantity) and not _is_wildcard(x, allow_inf=False) for x in flat):
        raise TypeError("Mixing quantities and non-quantities is not allowed (only a plain 0 fits any unit).")
    return _common_dim(flat, "Mixing quantities with different dimensions is not allowed")


# numpy functions that do not go through ufuncs (or go through them wrongly)
def _isclose(a: Any, b: Any, rtol: float = 1e-05, atol: Any = 1e-08,
             equal_nan: bool = False) -> Any:
    a, b = _as_quantity(a), _as_quantity(b)
    dim = _common_dim((a, b), lambda: f"Cannot compare {_brief(a)} and {_brief(b)}, the units do not match",
                      allow_inf=True)
    atol_dim = atol.dim if isinstance(atol, Quantity) else DIMENSIONLESS
    if atol_dim is not dim and np.any(_raw(atol) != 0):
        # the default 1e-8 is in SI units: for nA or pF every value is "close" (Brian2 refuses it)
        raise DimensionMismatchError(f"isclose/allclose: atol ({_brief(atol)}) must have the units of the "
                                     "compared values (give atol in those units, e.g. atol=0*nA)", atol_dim, dim)
    return np.isclose(_raw(a), _raw(b), rtol=rtol, atol=_raw(atol), equal_nan=equal_nan)


def _allclose(a: Any, b: Any, rtol: float = 1e-05, atol: Any = 1e-08,
              equal_nan: bool = False) -> bool:
    return bool(np.all(_isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)))


def _array_equal(a1: Any, a2: Any, equal_nan: bool = False) -> bool:
    same = _dim_of(a1) is _dim_of(a2)
    return same and np.array_equal(_raw(a1), _raw(a2), equal_nan=equal_nan)


def _concatenate(arrays: Any, axis: Any = 0, out: Any = None, **kwargs: Any) -> Any:
    """Also serves np.hstack, np.vstack, np.stack and np.append, which call it."""
    arrays = [_as_quantity(a) for a in arrays]
    dim = _common_dim(arrays, "Cannot concatenate arrays, the units do not match")
    return _wrap(np.concatenate([_raw(a) for a in arrays], axis, out=_raw(out), **kwargs), dim, out)


def _dot(a: Any, b: Any, out: Any = None) -> Any:
    return _wrap(np.dot(_raw(a), _raw(b), out=_raw(out)), _dim_of(a) * _dim_of(b), out)


def _where(condition: Any, *values: Any) -> Any:
    """``where(c, x, y)`` keeps the unit x and y share (Brian2's star import; numpy drops it)."""
    if not values:
        return np.where(_raw(condition))
    if len(values) != 2:
        raise TypeError("where takes a condition and either both or neither of x and y")
    x, y = map(_as_quantity, values)
    dim = _common_dim((x, y), "x and y need to have the same dimensions")
    return Quantity(np.where(_raw(condition), _raw(x), _raw(y)), dim)


def _linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, retstep: bool = False,
              dtype: Any = None, axis: int = 0) -> Any:
    dim = _common_dim((start, stop), lambda: f"Start value {_brief(start)} and stop value {_brief(stop)} "
                      "have to have the same units.")
    result = np.linspace(_raw(start), _raw(stop), num, endpoint, retstep, dtype, axis)
    if retstep:
        return Quantity(result[0], dim), Quantity(result[1], dim)
    return Quantity(result, dim)


def _trace(a: Any, *args: Any, **kwargs: Any) -> Any:
    return Quantity(np.trace(_raw(a), *args, **kwargs), _dim_of(a))


def _plain_like(function: Callable[..., Any]) -> Callable[..., Any]:
    """``ones_like(q)``, ``zeros_like(q)``: plain arrays of q's shape, as in Brian2."""
    def like(a: Any, *args: Any, **kwargs: Any) -> Any:
        return function(_raw(a), *args, **kwargs)
    return like


def _product_of(function: Callable[..., Any]) -> Callable[..., Any]:
    """``outer``, ``inner``, ``correlate``, ``convolve``: sums of products, in the product's unit."""
    def product(a: Any, b: Any, *args: Any, **kwargs: Any) -> Any:
        return Quantity(function(_raw(a), _raw(b), *args, **kwargs), _dim_of(a) * _dim_of(b))
    return product


def _interp(x: Any, xp: Any, fp: Any, left: Any = None, right: Any = None, period: Any = None) -> Any:
    _common_dim((x, xp), lambda: f"Cannot interpolate at {_brief(x)} between points {_brief(xp)}, "
                "the units do not match")
    for bound in (left, right):
        if bound is not None:
            _common_dim((fp, bound), "left and right must have the units of fp")
    return Quantity(np.interp(_raw(x), _raw(xp), _raw(fp), _raw(left), _raw(right), _raw(period)), _dim_of(fp))


def _binned(function: Callable[..., Any]) -> Callable[..., Any]:
    """``histogram``, ``histogram_bin_edges`` (also through ``plt.hist``): plain counts and edges of
    the values in SI units, as in Brian2, whose quantities reach numpy as plain arrays. Bins or a
    range given as quantities must have the values' units; plain numbers are read as SI values."""
    def binned(a: Any, bins: Any = 10, range: Any = None, *args: Any, **kwargs: Any) -> Any:
        dim = _dim_of(_as_quantity(a))

        def si(edges: Any, what: str) -> Any:
            if edges is None or isinstance(edges, (str, int, np.integer)):
                return edges
            values = _as_quantity(edges)
            if values.dim is not DIMENSIONLESS and values.dim is not dim:
                raise DimensionMismatchError(f"{function.__name__}: the {what} must have the units of the "
                                             "values", values.dim, dim)
            return _raw(values)
        plain_range = None if range is None else tuple(si(edge, "range") for edge in range)
        if "weights" in kwargs:
            kwargs["weights"] = _raw(_as_quantity(kwargs["weights"])) if kwargs["weights"] is not None else None
        return function(_raw(_as_quantity(a)), si(bins, "bins"), plain_range, *args, **kwargs)
    return binned


_ARRAY_FUNCTIONS: dict[Callable[..., Any], Callable[..., Any]] = {
    np.histogram: _binned(np.histogram), np.histogram_bin_edges: _binned(np.histogram_bin_edges),
    np.isclose: _isclose, np.allclose: _allclose, np.array_equal: _array_equal,
    np.concatenate: _concatenate, np.dot: _dot, np.where: _where, np.linspace: _linspace,
    np.trace: _trace, np.ones_like: _plain_like(np.ones_like), np.zeros_like: _plain_like(np.zeros_like),
    np.outer: _product_of(np.outer), np.inner: _product_of(np.inner),
    np.correlate: _product_of(np.correlate), np.convolve: _product_of(np.convolve), np.interp: _interp}
