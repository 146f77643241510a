"""Argument checks shared by the objects: clear errors naming the argument and the unit."""
from __future__ import annotations

import os
from typing import Any
import re

import numpy as np

from ..errors import DimensionMismatchError
from ..units import Quantity, get_dimensions
from ..errors import NoSuchEventError
from collections.abc import Mapping


def check_quantity(value: object, unit: Quantity, what: str) -> float:
    """The SI value of a scalar ``value`` that must have ``unit``'s dimensions."""
    if isinstance(value, str):
        raise TypeError(f"{what}: expected a quantity in {unit.dim}, got the string {value!r}")
    dim = get_dimensions(value)
    if dim != unit.dim:
        raise DimensionMismatchError(f"{what} must be in units of {unit.dim}", dim)
    array = np.asarray(value, dtype=float)
    if array.ndim != 0:
        raise ValueError(f"{what}: expected a scalar, got shape {array.shape}")
    return float(array)


def whole_number(value: object, what: str, minimum: int, maximum: int,
                 error: type[Exception] = ValueError) -> int:
    """``value`` as an ``int`` from ``minimum`` to ``maximum``: Python and numpy integers, and
    integral floats, since Brian2 takes sizes computed as ``0.2 * N`` or given as ``10000.0``.

    Where Brian2 truncates (``NeuronGroup(10.5)`` has 10 neurons), this refuses: a fractional size
    is a mistake in the script, and rounding it would change the model without a word. Only
    floating-point noise is rounded away (``0.1 * 3 * 10`` is 3.0000000000000004). ``error`` is
    the exception Brian2 raises for a bad value of this argument (a wrong type is a TypeError).
    """
    message = f"{what} must be an integer from {minimum} to {maximum}, got {value!r}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{message} ({type(value).__name__})")
    if not np.isfinite(value):
        raise error(message)
    whole = round(value)
    if abs(value - whole) > 1e-9 * max(1.0, abs(value)) or not minimum <= whole <= maximum:
        raise error(message)
    return int(whole)


#: Brian2 constructor arguments neurogen does not support yet, and the feature each one is.
UNSUPPORTED_ARGUMENTS = {
    "events": "custom events",
    "on_event": "pathways triggered by custom events",
    "dtype": "per-variable data types (neurogen computes in float64, int32 and bool)",
    "codeobj_class": "choosing the code object class",
    "method_options": "options of integration methods",
    "multisynaptic_index": "the multisynaptic index variable",
    "connect": "connecting in the constructor (deprecated in Brian2: call connect())",
}
_ARGUMENT_DEFAULTS = {"on_event": "spike"}


def refuse_unsupported_arguments(where: str, **given: Any) -> None:
    """``NotImplementedError`` naming the first Brian2 argument that was given a value
    neurogen cannot honour (None, and Brian2's default of the argument, are fine)."""
    for argument, value in given.items():
        if value is not None and not (isinstance(value, str) and value == _ARGUMENT_DEFAULTS.get(argument)):
            raise NotImplementedError(f"{where}: the argument {argument}= ({UNSUPPORTED_ARGUMENTS[argument]}, a Brian2 "
                                      "feature) is not supported by neurogen yet")


def check_method(method: object, where: str) -> object:
    """An integration method as Brian2 takes it: a name, a list or tuple of names (the first that
    applies), or None (automatic). Names are checked against the integrators when the model is
    compiled; Brian2's GSL integrators are refused here, naming the object."""
    names = list(method) if isinstance(method, (list, tuple)) else [method]
    if method is None:
        return None
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"{where}: method= must be the name of an integration method (e.g. 'exact', "
                            f"'euler', 'rk4') or a list of names, got {name!r}")
        if name.startswith("gsl"):
            raise NotImplementedError(f"{where}: integration method {name!r}: Brian2's GSL integrators are not "
                                      "supported; use 'rk4' or 'exponential_euler' with a small enough dt")
    return tuple(method) if isinstance(method, list) else method


def require_spike_source(group: object, where: str) -> None:
    """Spike monitors and synaptic pathways need a group that spikes (declares ``_spikes``:
    a NeuronGroup with a threshold, a PoissonGroup, a SpikeGeneratorGroup)."""
    if not getattr(group, "_spikes", False):
        raise NoSuchEventError(f"{where}: '{getattr(group, 'name', group)}' has no threshold, so it never "
                            "spikes (Brian2: it does not define an event 'spike')")


def require_memory(nbytes: int, where: str, what: str) -> None:
    """A ``MemoryError`` naming the object before it allocates more than the memory available
    (a lazily allocated buffer beyond it would get the process killed while it fills)."""
    available = available_memory()
    if available is not None and nbytes > available:
        raise MemoryError(f"{where}: {what} needs {nbytes / 2**30:.3g} GiB, more than the "
                          f"{available / 2**30:.3g} GiB of memory available")


def available_memory() -> int | None:
    """Bytes of memory available now (Linux: MemAvailable), or None if unknown."""
    try:
        with open("/proc/meminfo") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


_NAME = re.compile(r"[_A-Za-z][_a-zA-Z0-9]*\*?\Z")


def check_name(name: object, kind: str) -> str:
    """An object name as Brian2 accepts it: an ASCII identifier, optionally ending in ``*``
    (then a unique name is made from it). Names become keys of standalone plans and result
    files, so anything else (spaces, dots, other characters) is refused up front, with
    Brian2's exception types (``TypeError`` for a non-string, ``ValueError`` otherwise)."""
    if not isinstance(name, str):
        raise TypeError(f"{kind}: the 'name' argument has to be a string, is type {type(name)!r} instead")
    if not _NAME.match(name):
        raise ValueError(f"{kind}: name {name!r} is not a valid name; use letters, digits and '_' "
                         "(ASCII, not starting with a digit), optionally ending in '*' for a unique "
                         "name made from it (as Brian2)")
    return name


def check_namespace(namespace: object, what: str) -> dict | None:
    """``namespace=``: None or a mapping of names to values (a string or a list would only
    fail later, or never: ``run(namespace=[1, 2])`` was silently ignored)."""
    if namespace is None:
        return None
    if not isinstance(namespace, Mapping):
        raise TypeError(f"{what}: namespace must be a dict of names to values, got "
                        f"{type(namespace).__name__} {namespace!r:.60}")
    for key in namespace:
        if not isinstance(key, str):
            raise TypeError(f"{what}: namespace keys must be names (strings), got {key!r}")
    return dict(namespace)


def check_order(order: object, what: str) -> int | float:
    """``order=``: a number (Brian2 sorts by it, so 1.5 runs between 1 and 2; not truncated)."""
    if isinstance(order, (bool, np.bool_)) or not isinstance(order, (int, float, np.integer, np.floating)):
        raise TypeError(f"{what}: order must be a number, got {order!r}")
    if not np.isfinite(order):
        raise ValueError(f"{what}: order must be finite, got {order!r}")
    return int(order) if float(order).is_integer() else float(order)


def check_when(when: str, what: str) -> str:
    if when not in SLOTS:
        raise ValueError(f"{what}: when={when!r} is not a scheduling slot; use one of {', '.join(SLOTS)}")
    return when


SLOTS = ("before_start", "start", "after_start", "before_groups", "groups", "after_groups", "before_thresholds",
         "thresholds", "after_thresholds", "before_synapses", "synapses", "after_synapses", "before_resets",
         "resets", "after_resets", "before_end", "end", "after_end")
