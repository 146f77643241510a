"""``get_states`` / ``set_states``: a group's (or monitor's) variables exported as a dict of
arrays or a pandas DataFrame, and imported back, with Brian2's names, defaults and errors.

One implementation for every owner (groups, subgroups, monitors): an owner says which names
it exports (``_exported_names``); values are read and written through its ordinary
attributes (``G.v`` / ``G.v_``), so units, types and sizes are checked exactly as for
``G.v = ...``. pandas is optional: it is imported only when a DataFrame is asked for.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, NamedTuple

import numpy as np

from .variables import VariableView

FORMATS = ("dict", "pandas")


class ExportedNames(NamedTuple):
    """What an owner's ``get_states()`` lists: read-only names, variables, subexpressions."""

    read_only: list[str]
    variables: list[str]
    subexpressions: list[str]


def default_names(owner: Any, subexpressions: bool, read_only_variables: bool) -> list[str]:
    """The names ``get_states(vars=None)`` exports (Brian2: every public variable; read-only
    ones unless ``read_only_variables=False``, subexpressions only if asked)."""
    names: ExportedNames = owner._exported_names()
    chosen = list(names.read_only) if read_only_variables else []
    chosen += names.variables
    if subexpressions:
        chosen += names.subexpressions
    return chosen


def get_states(owner: Any, vars: Iterable[str] | str | None, units: bool, format: str,
               subexpressions: bool, read_only_variables: bool,
               read: Callable[[str], Any] | None = None) -> Any:
    """Copies of ``owner``'s variables, as Brian2's ``Group.get_states``; ``read(name)``: the
    value of a name, if not ``getattr(owner, name)``."""
    _check_format(format)
    if vars is None:
        names = default_names(owner, subexpressions, read_only_variables)
    else:
        names = [vars] if isinstance(vars, str) else list(vars)
    if format == "pandas":
        pandas = _pandas("Exporting to")
        if units:
            raise NotImplementedError("Units not supported when exporting to pandas data frame "
                                      "(use get_states(units=False, format='pandas'))")
        return pandas.DataFrame({name: read_state(owner, name, False, read) for name in names})
    return {name: read_state(owner, name, units, read) for name in names}


def read_state(owner: Any, name: str, units: bool, read: Callable[[str], Any] | None = None) -> Any:
    """A copy of ``owner.name`` (values in SI units without ``units``); a shared variable is
    one value (a 0-d array), as Brian2 exports it."""
    try:
        value = getattr(owner, name) if read is None else read(name)
    except AttributeError:
        raise KeyError(f"State variable {name} not found in {_describe(owner)}.") from None
    if isinstance(value, VariableView):
        value = value[0] if value.spec.shared else value[:]
    elif callable(value):
        raise KeyError(f"State variable {name} not found in {_describe(owner)} (it is a method).")
    copied = np.array(value, copy=True, subok=True)
    return copied if units else copied.view(np.ndarray)


def set_states(owner: Any, values: Any, units: bool, format: str) -> None:
    """Assign ``values`` (``{name: value}`` or a DataFrame) to ``owner``'s variables, as
    Brian2's ``Group.set_states``. Every name is checked before anything is assigned."""
    _check_format(format)
    if format == "pandas":
        _pandas("Importing from")
        if units:
            raise NotImplementedError("Units not supported when importing from pandas data frame "
                                      "(use set_states(frame, units=False, format='pandas'))")
        values = {column: np.squeeze(values[column].to_numpy()) for column in values.columns}
    elif not isinstance(values, Mapping):
        raise TypeError(f"set_states: {_describe(owner)} takes a dict of variable names and values "
                        f"(format='dict'), got {type(values).__name__}")
    names: ExportedNames = owner._exported_names()
    for name in values:
        if name in names.read_only or name in names.subexpressions:
            raise TypeError(f"Variable {name} is read-only ({_describe(owner)}).")
        if name not in names.variables:
            raise KeyError(f"set_states: {_describe(owner)} has no variable '{name}' "
                           f"(its variables: {', '.join(names.variables) or 'none'})")
    for name, value in values.items():
        setattr(owner, name if units else f"{name}_", value)


def _check_format(format: str) -> None:
    if format not in FORMATS:
        raise NotImplementedError(f"Format '{format}' is not supported (use one of {', '.join(FORMATS)})")


def _pandas(what: str) -> Any:
    try:
        import pandas
    except ImportError as error:
        raise ImportError(f"{what} pandas needs a working installation of pandas (pip install pandas). "
                          f"Importing pandas failed: {error}") from error
    return pandas


def _describe(owner: Any) -> str:
    return f"{type(owner).__name__} '{owner.name}'"
