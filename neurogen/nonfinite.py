"""Warnings when a simulation stops computing numbers: a NaN constant a model uses, or state
that became NaN or infinite.

Brian2 says nothing; a trace of NaN found at the end of a long script is a silent wrong
result. The state check runs after each run, never inside the step loop: one pass over each
floating-point state array (a sum, which is non-finite exactly when some element is or the
sum overflows; then the elements are looked at). It finds *which* element and *that* it
happened during the run, not the step: for the exact time, record the variable with a
StateMonitor or run in shorter pieces.
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Iterable, Mapping

import numpy as np


def warn_nan_constants(objects: Iterable[Any], externals: Mapping[int, Mapping[str, Any]]) -> None:
    """Before a run: a constant from the namespace that is NaN (``tau = nan*ms``)."""
    for obj in objects:
        for name, external in externals[id(obj)].items():
            value = getattr(external, "value", None)
            if (not name.startswith("_") and not getattr(external, "literal", True)
                    and isinstance(value, float) and math.isnan(value)):
                warnings.warn(f"{type(obj).__name__} '{obj.name}' uses the constant '{name}', which is NaN: "
                              "the variables it enters will not be numbers", RuntimeWarning, stacklevel=4)


def warn_nonfinite_state(objects: Iterable[Any], t_start: float, t_end: float) -> None:
    """After a run: each floating-point variable that holds NaN or an infinity and did not
    after the previous run is reported once, with the first element that does."""
    for obj in objects:
        specs = obj._specs
        if not specs:
            continue
        found = {name for name, spec in specs.items()
                 if spec.dtype == "float64" and not name.startswith("_") and not _finite(obj._state[name])}
        for name in sorted(found - obj._nonfinite):
            values = obj._state[name]
            bad = np.flatnonzero(~np.isfinite(values))
            where = "its shared value" if specs[name].shared else (
                f"{obj._element_noun} {int(bad[0])}"
                + (f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""))
            warnings.warn(f"{type(obj).__name__} '{obj.name}': {name} is {values[bad[0]]} for {where} at "
                          f"t = {t_end:g} s, after the run that started at t = {t_start:g} s (record it with "
                          "a StateMonitor to see when it happened)", RuntimeWarning, stacklevel=4)
        obj._nonfinite = found


#: The C++-owned records of numbers an integer variable could not hold (``ng::to_integer``),
#: one per written integer variable: ``_integer_errors_<variable>``.
INTEGER_ERRORS = "_integer_errors_"
#: Records of values outside what they may be: ``_domain_errors_rate`` of a PoissonInput whose
#: rate expression times dt is not a probability (``ng::checked_probability``).
DOMAIN_ERRORS = "_domain_errors_"


def integer_overflow_message(obj: Any, variable: str, errors: np.ndarray, dt: float | None) -> str | None:
    """What generated code recorded (``ng::to_integer``: count, first value, its step, its
    element) about numbers the integer ``variable`` could not hold; None if nothing."""
    if len(errors) < 4 or errors[0] == 0:
        return None
    count, value, step, element = int(errors[0]), float(errors[1]), int(errors[2]), int(errors[3])
    when = f" at t = {step * dt:g} s" if dt is not None and step >= 0 else ""
    which = f" (element {element})" if element >= 0 else ""
    return (f"{type(obj).__name__} '{obj.name}': {count} number(s) written to the integer variable "
            f"'{variable}' could not be held by it (the first: {value!r}{which}{when}); they were stored "
            "as 0 (Brian2 stores whatever the conversion gives)")


def warn_recorded_errors(obj: Any, records: Mapping[str, np.ndarray], dt: float) -> None:
    """After a run: what generated code recorded in ``obj``'s error fields (numbers a reset or
    on_pre wrote to integer variables that could not hold them, a rate*dt that was not a
    probability); ``records`` maps each field (``_integer_errors_x``...) to its record."""
    for field, errors in sorted(records.items()):
        if field.startswith(INTEGER_ERRORS):
            message = integer_overflow_message(obj, field[len(INTEGER_ERRORS):], errors, dt)
        else:
            message = _domain_message(obj, field[len(DOMAIN_ERRORS):], errors, dt)
        if message is not None:
            warnings.warn(message, RuntimeWarning, stacklevel=4)


def is_error_record(field: str) -> bool:
    return field.startswith((INTEGER_ERRORS, DOMAIN_ERRORS))


def _domain_message(obj: Any, what: str, errors: np.ndarray, dt: float) -> str | None:
    if len(errors) < 4 or errors[0] == 0:
        return None
    count, value, step, element = int(errors[0]), float(errors[1]), int(errors[2]), int(errors[3])
    return (f"{type(obj).__name__} '{obj.name}': its {what} times dt was not a probability between 0 and 1 "
            f"{count} time(s) (the first: {value!r} for neuron {element} at t = {step * dt:g} s); it was "
            "clipped to [0, 1] (N sources cannot spike more than once each in a step)")


def _finite(values: np.ndarray) -> bool:
    if values.size == 0:
        return True
    with np.errstate(all="ignore"):
        if math.isfinite(np.add.reduce(values, axis=None)):
            return True
    return bool(np.all(np.isfinite(values)))  # a sum can overflow when every value is finite
