"""State variables as users see them: ``G.v`` reads a Quantity, ``G.v = ...`` writes with checks.

Values live in plain numpy arrays shared with the compiled code (zero copy). A string
assigned to a variable (``G.v = 'rand()'``) runs as generated C++, never numpy, so the
runtime and the standalone program set the same values.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import DimensionMismatchError
from ..units import DIMENSIONLESS, Dimension, Quantity, get_dimensions
from .base import require_results


@dataclass(frozen=True, slots=True)
class VariableSpec:
    """What the code generator needs to know about one stored variable."""

    name: str
    dim: Dimension
    dtype: str            # numpy dtype name: float64, int32, int64, bool
    shared: bool = False  # one value for the whole group
    constant: bool = False
    read_only: bool = False

    @property
    def ctype(self) -> str:
        return {"float64": "double", "int32": "int32_t", "int64": "int64_t", "bool": "char"}[self.dtype]

    def numpy_dtype(self) -> np.dtype:
        return np.dtype(np.uint8) if self.dtype == "bool" else np.dtype(self.dtype)


def wrap(values: np.ndarray, spec: VariableSpec) -> Any:
    """A view with units (floats) or the plain values (integers, booleans)."""
    if spec.dtype == "bool":
        return values.astype(bool)
    if spec.dtype != "float64" or spec.dim == DIMENSIONLESS:
        return values
    return Quantity(values, dim=spec.dim)


class VariableView:
    """``G.v``: indexable, assignable (numbers, quantities, arrays, strings), array-like."""

    __slots__ = ("group", "spec")

    def __init__(self, group: Any, spec: VariableSpec) -> None:
        self.group = group
        self.spec = spec

    @property
    def _values(self) -> np.ndarray:
        require_results(self.group)
        return self.group._state[self.spec.name]

    def get_value_with_unit(self) -> Any:
        return wrap(self._values.copy(), self.spec)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, str):
            raise NotImplementedError(f"{self.group.name}.{self.spec.name}['{index}']: indexing with a condition string")
        self._check_index(index)
        return wrap(self._values[index], self.spec)

    def __setitem__(self, index: Any, value: Any) -> None:
        self._check_index(index)
        self.group._set_variable(self.spec.name, value, index)

    def _check_index(self, index: Any) -> None:
        """One index (an integer, slice, array or mask). ``S.w[i, j]`` (synapses by pre- and
        postsynaptic neuron) is Brian2 syntax not supported yet; numpy would misread it."""
        if not isinstance(index, tuple):
            return
        what = f"{self.group.name}.{self.spec.name}[{', '.join(map(repr, index))}]"
        if self.group._indexed_by_synapse:
            raise NotImplementedError(f"{what}: indexing synaptic variables by (presynaptic, postsynaptic) "
                                      f"indices is not supported yet; select with a mask, e.g. "
                                      f"S.{self.spec.name}[(S.i == 0) & (S.j == 1)]")
        raise IndexError(f"{what}: a variable takes one index (an integer, slice, array or mask)")

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        values = self._values.astype(bool) if self.spec.dtype == "bool" else self._values
        return np.array(values, dtype=dtype, copy=True)

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        unwrapped = [x[:] if isinstance(x, VariableView) else x for x in inputs]
        return getattr(ufunc, method)(*unwrapped, **kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        unwrapped = [x[:] if isinstance(x, VariableView) else x for x in args]
        return func(*unwrapped, **kwargs)

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self[:])

    def __repr__(self) -> str:
        return f"<{self.group.name}.{self.spec.name}: {self[:]!r}>"

    def __float__(self) -> float:
        return float(self._values.reshape(-1)[0]) if self._values.size == 1 else float(self[:])


def _forward(name: str) -> Any:
    op = getattr(operator, name)

    def method(self: VariableView, other: Any) -> Any:
        return op(self[:], other[:] if isinstance(other, VariableView) else other)

    def reflected(self: VariableView, other: Any) -> Any:
        return op(other, self[:])

    return method, reflected


class SliceView(VariableView):
    """``G[a:b].v``: the parent's variable over ``[start, stop)``; writes go to the parent
    (through its checks), so ``G[a:b].v[1] = x`` sets element ``a + 1``."""

    __slots__ = ("start", "stop")

    def __init__(self, group: Any, spec: VariableSpec, start: int, stop: int) -> None:
        super().__init__(group, spec)
        self.start, self.stop = start, stop

    @property
    def _values(self) -> np.ndarray:
        return super()._values[self.start:self.stop]

    def __setitem__(self, index: Any, value: Any) -> None:
        if isinstance(index, str):
            raise NotImplementedError(f"{self.group.name}[{self.start}:{self.stop}].{self.spec.name}['{index}'] = "
                                      "...: indexing with a condition string")
        self.group._set_variable(self.spec.name, value, np.arange(self.start, self.stop)[index],
                                 (self.start, self.stop - self.start))


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "lt", "le", "gt", "ge", "eq", "ne"):
    _method, _reflected = _forward(_name)
    setattr(VariableView, f"__{_name}__", _method)
    if _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow"):
        setattr(VariableView, f"__r{_name}__", _reflected)
VariableView.__neg__ = lambda self: -self[:]  # type: ignore[attr-defined]
VariableView.__abs__ = lambda self: abs(self[:])  # type: ignore[attr-defined]
# Hashable by what it names (``run_args={G.v: values}``, as in Brian2), although == compares values.
VariableView.__hash__ = lambda self: hash((id(self.group), self.spec.name))  # type: ignore[assignment]


def coerce_value(value: Any, spec: VariableSpec, owner: str) -> np.ndarray:
    """Numbers, quantities or arrays → SI values in the variable's dtype, after a unit check.

    An integer variable takes whole numbers (a fraction is truncated toward zero, as in
    Brian2) within its type's range: NaN raises ``ValueError`` and infinities or values out
    of range ``OverflowError``, as Brian2 does for scalars (for arrays Brian2 wraps them;
    a silently wrapped value would be a wrong result, so we raise there too).
    """
    if isinstance(value, VariableView):
        value = value[:]
    dim = get_dimensions(value)
    if dim != spec.dim and not _is_zero(value):
        raise DimensionMismatchError(
            f"{owner}.{spec.name}: cannot assign a value in these units to a variable in {spec.dim or '1'}",
            dim,
        )
    if spec.dtype == "float64":
        return np.asarray(value, dtype=float)
    if spec.dtype == "bool":
        return np.asarray(value).astype(bool)  # any non-zero number (NaN too) is true, as in Brian2
    return _whole_numbers(np.asarray(value), spec, owner)


def _whole_numbers(array: np.ndarray, spec: VariableSpec, owner: str) -> np.ndarray:
    """``array`` checked to fit the integer variable ``spec`` (see ``coerce_value``)."""
    where = f"{owner}.{spec.name}"
    if array.dtype.kind not in "biuf":
        try:
            array = array.astype(float)
        except (TypeError, ValueError):
            raise TypeError(f"{where}: expected integers for an integer variable, got {array.dtype}") from None
    if array.dtype.kind == "f":
        if np.any(np.isnan(array)):
            raise ValueError(f"{where}: cannot store NaN in an integer variable")
        array = np.trunc(array)
    limits = np.iinfo(spec.numpy_dtype())
    if array.size and (np.min(array) < limits.min or np.max(array) > limits.max):
        bad = array.reshape(-1)[np.flatnonzero((array < limits.min) | (array > limits.max))[0]]
        shown = int(bad) if np.isfinite(bad) else float(bad)
        raise OverflowError(f"{where}: {shown} is out of range for an integer variable ({spec.dtype}: "
                            f"{limits.min} to {limits.max})")
    return array.astype(spec.numpy_dtype())


def _is_zero(value: Any) -> bool:
    array = np.asarray(value)
    return array.size > 0 and array.dtype.kind in "iuf" and not np.any(array)
