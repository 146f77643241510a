"""``device.run(run_args=...)`` of a standalone project, checked and converted in Python.

The program takes new values on its command line (``--set tau=0.012``) and new initial
arrays as raw files (``--set G.v=@file``) and copies their bytes unchecked: so everything a
Python assignment would refuse is refused here first (units, NaN or out-of-range numbers for
an integer variable, a wrong number of values, an array for a constant), with the key named,
before anything is written or run. Nothing here writes files: the device does.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import DimensionMismatchError
from ..objects.variables import VariableView
from ..units import Dimension, get_dimensions
from ..objects.variables import SliceView, coerce_value


@dataclass(frozen=True)
class NewValues:
    """What ``run_args`` asks for: constants (SI values) and initial arrays (raw bytes)."""

    constants: dict[str, float]
    arrays: dict[str, tuple[str, bytes]]  # alias ("neurons.v") -> (plan key, bytes in the array's dtype)


def convert_run_args(run_args: Any, constants: Mapping[str, Dimension],
                     arrays: Mapping[str, tuple[str, np.ndarray]]) -> NewValues:
    """``run_args`` checked against the project: ``constants`` maps each settable constant to
    its dimension, ``arrays`` each settable array (``"G.v"``) to its plan key and the array
    Python holds (its dtype and shape are what the program reads)."""
    if run_args is None:
        return NewValues({}, {})
    if not isinstance(run_args, Mapping):
        raise TypeError("run_args must be a dict {name: value}, with a constant's name ('tau') or a variable "
                        f"(G.v) as each key, got {type(run_args).__name__} {_short(run_args)}")
    new = NewValues({}, {})
    for key, value in run_args.items():
        if isinstance(value, str):
            raise NotImplementedError(
                f"run_args: the string expression {value!r} for {_key_text(key)} would need code that is not "
                "in the build (assignments run before the build, in Python); pass numbers or arrays")
        if isinstance(key, str):
            new.constants[key] = _constant(key, value, constants, arrays)
        elif isinstance(key, VariableView):  # G.v: an initial array
            alias, data = _initial_array(key, value, arrays)
            new.arrays[alias] = data
        else:
            raise TypeError(f"run_args: the key {_short(key)} is neither the name of a constant (a string such "
                            "as 'tau') nor a variable of a group (such as G.v)")
    return new


def _constant(name: str, value: Any, constants: Mapping[str, Dimension],
              arrays: Mapping[str, tuple[str, np.ndarray]]) -> float:
    if name not in constants:
        known = ", ".join(sorted(constants)) or "none"
        variables = sorted(alias for alias in arrays if alias.split(".", 1)[1] == name)
        hint = (f"; for the initial values of the variable {' or '.join(variables)} use the variable as the key "
                f"(run_args={{G.{name}: values}})" if variables else "")
        raise KeyError(f"run_args: '{name}' is not a parameter of this project (known: {known}); a "
                       f"name used only inside code that is not in the build cannot be changed{hint}")
    if get_dimensions(value) != constants[name]:
        raise DimensionMismatchError(f"run_args: '{name}' must be in units of {constants[name] or '1'}",
                                     get_dimensions(value))
    array = _numbers(value, f"run_args: the constant '{name}'")
    if array.size != 1:
        raise ValueError(f"run_args: the constant '{name}' takes one value, got {_count(array)} (a constant is "
                         "the same for every element; for per-element values make it a variable of the group)")
    number = float(array.reshape(-1)[0])
    if not math.isfinite(number):
        raise ValueError(f"run_args: the constant '{name}' must be a finite number, got {value!r}")
    return number


def _initial_array(view: Any, value: Any, arrays: Mapping[str, tuple[str, np.ndarray]]) -> tuple[str, tuple[str, bytes]]:
    alias = f"{view.group.name}.{view.spec.name}"
    if isinstance(view, SliceView):
        raise NotImplementedError(f"run_args: the variable of a subgroup ({alias}[{view.start}:{view.stop}]); "
                                  f"give values for the whole group ({alias})")
    if alias not in arrays:
        known = ", ".join(sorted(arrays)) or "none"
        raise KeyError(f"run_args: '{alias}' is not an array of this project (arrays whose initial values "
                       f"can be set: {known})")
    key, stored = arrays[alias]
    _numbers(value, f"run_args: {alias}")
    values = coerce_value(value, view.spec, f"run_args: {view.group.name}")  # units, NaN and range: as G.v = ...
    if values.size != 1 and values.shape != stored.shape:
        raise ValueError(f"run_args: {alias} needs one value or {stored.size} values, got {_count(values)}")
    data = np.ascontiguousarray(np.broadcast_to(values.reshape(()) if values.size == 1 else values, stored.shape),
                                dtype=stored.dtype)
    return alias, (key, data.tobytes())


def _numbers(value: Any, what: str) -> np.ndarray:
    """``value`` as a numpy array of numbers (booleans, integers, floats), else ``TypeError``."""
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{what} must be a number or an array of numbers, got {_short(value)} ({error})") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{what} must be a number or an array of numbers, got {_short(value)}")
    return array


def _count(array: np.ndarray) -> str:
    return f"{array.size}" if array.ndim <= 1 else f"an array of shape {array.shape}"


def _key_text(key: Any) -> str:
    if isinstance(key, VariableView):
        return f"{key.group.name}.{key.spec.name}"
    return repr(key) if isinstance(key, str) else _short(key)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
