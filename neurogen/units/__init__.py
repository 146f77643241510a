"""Physical units with Brian2's names and semantics: ``Dimension``, ``Quantity``, ``Unit``.

Quantities are numpy arrays holding values in SI base units plus a ``Dimension``; numpy
operations are unit-checked in ``__array_ufunc__``.  As Brian2's documentation specifies, a
plain ``0`` (and, in comparisons and min/max/clip, ``±inf``) fits any unit, so
``sum([1*mV, 2*mV])`` and ``v < inf`` work.  As in Brian2, a result without units is a plain
ndarray or number (``M.t/ms``), quantities print in Brian2's best unit, units combine into named
units (``mV/ms``), and ``in_unit``, ``get_unit``, ``check_units`` ... are Brian2's.
``parse_unit`` reads an equation's unit part.
"""
from __future__ import annotations

from ..errors import DimensionMismatchError
from .checking import check_units
from .definitions import UNITS, Unit, get_unit, parse_unit, parse_unit_value  # noqa: F401
from .dimensions import DIMENSIONLESS, Dimension, get_or_create_dimension
from .functions import arange, exprel
from .quantity import (Quantity, fail_for_dimension_mismatch, get_dimensions, have_same_dimensions,
                       in_best_unit, in_unit, is_dimensionless, is_scalar_type)

globals().update(UNITS)  # ms, mV, nS, ... (Brian2's unit names, all part of the API)

__all__ = sorted(UNITS) + [
    "Quantity", "Unit", "Dimension", "DIMENSIONLESS", "DimensionMismatchError",
    "get_dimensions", "have_same_dimensions", "fail_for_dimension_mismatch",
    "is_dimensionless", "get_unit", "in_unit", "in_best_unit", "check_units", "is_scalar_type",
    "get_or_create_dimension", "arange", "exprel",
]
