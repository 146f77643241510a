"""``check_units``: Brian2's decorator that checks the units of a function's arguments and result."""
from __future__ import annotations

import functools
from typing import Any, Callable

import numpy as np

from ..errors import DimensionMismatchError
from .quantity import Quantity, get_dimensions, have_same_dimensions

_BOOLEANS = (bool, np.bool_)


def _is_bool_spec(spec: Any) -> bool:
    return any(spec is kind for kind in _BOOLEANS)


def check_units(**specs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Check a function's arguments (and ``result``) against units, as Brian2's ``check_units``.

    A spec is a unit or quantity (``I=amp``), ``1`` for a number without units, ``bool`` for a
    truth value, the name of another argument whose units this one must share, or ``None``
    (unchecked); ``result`` may also be a function of the arguments' dimensions
    (``result=lambda d: d**2``). Strings and ``None`` given as arguments are not checked.
    Mismatches raise ``DimensionMismatchError``, a non-boolean for ``bool`` a ``TypeError``,
    with Brian2's messages.
    """
    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        code = function.__code__
        arg_names = code.co_varnames[:code.co_argcount]
        name = function.__name__

        @functools.wraps(function)
        def checked(*args: Any, **kwargs: Any) -> Any:
            values = dict(kwargs)
            for arg_name, value in zip(arg_names, args):
                if (arg_name in specs and value is not None
                        and not isinstance(value, (Quantity, str) + _BOOLEANS)):
                    value = _as_quantity(name, arg_name, value, specs[arg_name])
                values[arg_name] = value
            for key, value in values.items():
                if key in specs and specs[key] is not None and value is not None and not isinstance(value, str):
                    _check_argument(name, key, value, specs[key], values)
            result = function(*args, **kwargs)
            if specs.get("result") is not None:
                _check_result(name, result, specs["result"], args)
            return result

        checked._orig_func = function  # type: ignore[attr-defined]
        checked._arg_names = arg_names  # type: ignore[attr-defined]
        checked._arg_units = [specs.get(arg) for arg in arg_names]  # type: ignore[attr-defined]
        checked._return_unit = specs.get("result")  # type: ignore[attr-defined]
        checked._returns_bool = _is_bool_spec(specs.get("result"))  # type: ignore[attr-defined]
        return checked

    return decorate


def _as_quantity(function: str, arg: str, value: Any, spec: Any) -> Any:
    """A positional argument as a quantity (so a list of values is checked too)."""
    try:
        return Quantity(value)
    except (TypeError, ValueError):
        if not isinstance(spec, str) and not _is_bool_spec(spec) and have_same_dimensions(spec, 1):
            raise TypeError(f"Function '{function}': argument {arg} is not a unitless value/array "
                            f"(got {type(value).__name__})") from None
        raise TypeError(f"Function '{function}': argument '{arg}' is not a quantity, expected a "
                        f"quantity with dimensions {_unit_of(spec)}") from None


def _unit_of(spec: Any) -> str:
    return spec if isinstance(spec, str) else str(get_dimensions(spec))


def _check_argument(function: str, key: str, value: Any, spec: Any, values: dict[str, Any]) -> None:
    if _is_bool_spec(spec):
        if not isinstance(value, _BOOLEANS):
            raise TypeError(f"Function '{function}' expected a boolean value for argument '{key}' "
                            f"but got '{value}'")
    elif isinstance(spec, str):
        if spec not in values:
            raise TypeError(f"Function '{function}' expected its argument to have the same units as "
                            f"argument '{key}', but there is no argument of that name")
        if not have_same_dimensions(value, values[spec]):
            raise DimensionMismatchError(
                f"Function '{function}' expected the argument '{key}' to have the same units as "
                f"argument '{spec}', but argument '{key}' has unit {get_dimensions(value)}, while "
                f"argument '{spec}' has unit {get_dimensions(values[spec])}.")
    elif not have_same_dimensions(value, spec):
        raise DimensionMismatchError(f"Function '{function}' expected a quantity with unit {spec!r} "
                                     f"for argument '{key}' but got '{value}'", get_dimensions(value))


def _check_result(function: str, result: Any, spec: Any, args: tuple[Any, ...]) -> None:
    if _is_bool_spec(spec):
        if not isinstance(result, _BOOLEANS):
            raise TypeError(f"The return value of function '{function}' was expected to be a "
                            f"boolean value, but was of type {type(result)}")
        return
    expected = spec(*[get_dimensions(a) for a in args]) if callable(spec) else spec
    if not have_same_dimensions(result, expected):
        raise DimensionMismatchError(f"The return value of function '{function}' was expected to have "
                                     f"unit {get_dimensions(expected)} but was '{result}'",
                                     get_dimensions(result))
