"""Brian2's unit-aware versions of numpy functions in the star import: ``arange`` and ``exprel``.

numpy's ``arange`` turns quantities into their SI values (``arange(0*ms, 3*ms, 1*ms)`` would be
``[0, 0.001, 0.002]`` without units, ``arange(3*ms)`` would be ``[0.]``); Brian2's star import
gives a version that keeps the unit or refuses mixed units. ``where``, ``linspace``, ``trace``,
``ones_like`` and ``zeros_like`` are numpy's own, made unit-aware in ``quantity``.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .checking import check_units
from .quantity import Quantity, _is_wildcard, _raw, fail_for_dimension_mismatch, get_dimensions


def arange(start: Any, stop: Any = None, step: Any = None, dtype: Any = None) -> Any:
    """numpy's ``arange`` for quantities: ``arange(0*ms, 3*ms, 1*ms)`` is ``[0. 1. 2.] ms``;
    start, stop and step must share their unit (a plain ``0`` start fits any)."""
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    if not _is_wildcard(start, allow_inf=False):
        fail_for_dimension_mismatch(start, stop, "Start value {start} and stop value {stop} have to have "
                                    "the same units.", start=start, stop=stop)
    fail_for_dimension_mismatch(stop, step, "Stop value {stop} and step value {step} have to have the "
                                "same units.", stop=stop, step=step)
    return Quantity(np.arange(_raw(start), _raw(stop), _raw(step), dtype=dtype), get_dimensions(stop))


@check_units(x=1, result=1)
def exprel(x: Any) -> Any:
    """``(exp(x) - 1)/x``, 1 at 0 (and for ``|x| < 1e-16``), infinite above 717, as the models'
    ``exprel``; ``x`` must be dimensionless."""
    values = np.asarray(_raw(x), dtype=float)
    with np.errstate(all="ignore"):
        result = np.where(np.abs(values) < 1e-16, 1.0,
                          np.where(values > 717, np.inf, np.expm1(values) / np.where(values == 0, 1, values)))
    return result[()] if result.ndim == 0 else result
