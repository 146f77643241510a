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

from ..errors import DimensionMismatchError, ReadOnlyError
from ..units import DIMENSIONLESS, Dimension, Quantity, get_dimensions
from ..frontend.namespace import user_namespace
from .base import require_results
from .indexing import element_index, positions, select
from .reading import element_values, read_subexpression, refuse_noise


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
    """``G.v``: indexable (see :mod:`.indexing`), assignable (numbers, quantities, arrays,
    strings), array-like. ``plain``: ``G.v_``, the same values without units."""

    __slots__ = ("group", "spec", "plain")

    def __init__(self, group: Any, spec: VariableSpec, plain: bool = False) -> None:
        self.group = group
        self.spec = spec
        self.plain = plain

    @property
    def _values(self) -> np.ndarray:
        require_results(self.group)
        return self.group._state[self.spec.name]

    @property
    def _label(self) -> str:
        """How errors name this view: ``G.v``, ``G.v_``."""
        return f"{self.group.name}.{self.spec.name}{'_' if self.plain else ''}"

    def _wrap(self, values: np.ndarray) -> Any:
        if self.plain:
            return values.astype(bool) if self.spec.dtype == "bool" else values
        return wrap(values, self.spec)

    def get_value_with_unit(self) -> Any:
        return wrap(self._values.copy(), self.spec)

    def _select(self, index: Any) -> Any:
        if not self.spec.shared:
            return select(self.group, index, self._label)
        if not self._by_element(index):
            return element_index(index, 1, self._label)  # a shared variable holds one value
        if not self.group._indexed_by_synapse:
            raise IndexError(f"{self._label}[{index!r}]: '{self.spec.name}' is a shared variable (one value for "
                             "all elements); index it with [:] or [0]")
        return select(self.group, index, self._label)

    def _by_element(self, index: Any) -> bool:
        """A shared variable indexed per element (``S.delay[0, 1]`` with one delay for all
        synapses: the value of each selected synapse, as Brian2's default per-synapse delay)."""
        return self.spec.shared and isinstance(index, (str, tuple))

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, tuple) and any(x is None for x in index) and sum(x is not None for x in index) == 1:
            # numpy's new axes around one index (matplotlib's x[:, None]), as Brian2's views allow
            selected = self[next(x for x in index if x is not None)]
            return selected[tuple(slice(None) if x is not None else None for x in index)]
        values = self._values
        if self._by_element(index):
            values = np.broadcast_to(values, (self.group.N,))
        elif self.spec.shared and (index is Ellipsis or isinstance(index, slice) and index == slice(None)):
            return self._wrap(values[0])  # its one value, as Brian2 (float(G.s[:]) works)
        selected = values[self._select(index)]
        if isinstance(selected, np.ndarray) and selected.base is not None and not self._whole_view(index):
            selected = selected.copy()  # Brian2: only G.v[:] of a whole group follows later runs
        return self._wrap(selected)

    def _whole_view(self, index: Any) -> bool:
        """Brian2 reads ``G.v[:]`` (``S.w[:]``) of a whole group as a view of its array, any
        other selection (a part, a subgroup's ``[:]``) as a copy."""
        return type(self) is VariableView and isinstance(index, slice) and index == slice(None)

    def __setitem__(self, index: Any, value: Any) -> None:
        if isinstance(index, str) and not isinstance(value, str) and np.size(value) != 1:
            raise TypeError(f"{self._label}['{index}'] = ...: with a condition string, the value has to be a "
                            "string or a scalar (as in Brian2)")
        selection = self._select(index)
        if self._by_element(index) and not self.group._per_element_writable(self.spec.name):
            raise IndexError(f"{self._label}[{index!r}] = ...: '{self.spec.name}' is a shared variable (one value "
                             "for all elements); assign it with [:] or without an index")
        if self.plain and not isinstance(value, str) and self.spec.dim != DIMENSIONLESS:
            value = Quantity(np.asarray(value), dim=self.spec.dim)  # SI values: units unchecked
        self._write(selection, value)

    def _write(self, selection: Any, value: Any) -> None:
        self.group._set_variable(self.spec.name, value, selection)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        values = self._values.astype(bool) if self.spec.dtype == "bool" else self._values
        return np.array(values, dtype=dtype, copy=True)

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        unwrapped = [x[:] if isinstance(x, VariableView) else x for x in inputs]
        return getattr(ufunc, method)(*unwrapped, **kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        unwrapped = [x[:] if isinstance(x, VariableView) else x for x in args]
        return func(*unwrapped, **kwargs)

    @property
    def shape(self) -> tuple[int, ...]:
        return self._values.shape

    @property
    def ndim(self) -> int:
        return 1

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(bool) if self.spec.dtype == "bool" else self._values.dtype

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self[:])

    def __repr__(self) -> str:
        return f"<{self._label}: {self[:]!r}>"

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
    (through its checks), so ``G[a:b].v[1] = x`` sets element ``a + 1``; in a condition or
    an expression, ``i`` and ``N`` are the subgroup's (as in Brian2)."""

    __slots__ = ("start", "stop")

    def __init__(self, group: Any, spec: VariableSpec, start: int, stop: int, plain: bool = False) -> None:
        super().__init__(group, spec, plain)
        self.start, self.stop = start, stop

    @property
    def _values(self) -> np.ndarray:
        return super()._values[self.start:self.stop]

    @property
    def _label(self) -> str:
        return f"{self.group.name}[{self.start}:{self.stop}].{self.spec.name}{'_' if self.plain else ''}"

    def _select(self, index: Any) -> Any:
        return select(self.group, index, self._label, self.start, self.stop)

    def _write(self, selection: Any, value: Any) -> None:
        size = self.stop - self.start
        if isinstance(selection, slice) and selection == slice(None):
            where: Any = slice(self.start, self.stop)
        else:
            where = self.start + (selection if isinstance(selection, int) else positions(selection, size))
        self.group._set_variable(self.spec.name, value, where, (self.start, size))


class LinkedView(VariableView):
    """``S.v_pre``, ``S.v_post``, ``S.v``: a variable of the pre- or postsynaptic group, per
    synapse (read-only here, as neurogen writes such variables only through their group)."""

    __slots__ = ()

    @property
    def _values(self) -> np.ndarray:
        values = np.asarray(element_values(self.group, self.spec.name, user_namespace()))
        return values if self.spec.shared else np.array(np.broadcast_to(values, (self.group.N,)))

    def _write(self, selection: Any, value: Any) -> None:
        self.group._refuse_assignment(self.spec.name)


class LinkedVariableView(VariableView):
    """``G.x`` of a linked variable: the linked group's values, element by element as the link
    maps them (read when indexed, so always the current ones). Numbers written go to the
    linked group's variable (as in Brian2); a link to a subexpression is read-only."""

    __slots__ = ()

    @property
    def _link(self) -> Any:
        return self.group._links[self.spec.name]

    @property
    def _values(self) -> np.ndarray:
        link = self._link
        require_results(link.group)
        if link.subexpression:
            source = np.broadcast_to(np.asarray(read_subexpression(link.group, link.target, user_namespace())),
                                     (link.group.N,))
        else:
            source = link.group._state[link.target]
        return source[link.element_indices(self.group)]

    def _write(self, selection: Any, value: Any) -> None:
        link = self._link
        if link.subexpression:
            raise ReadOnlyError(f"{self.group.name}.{self.spec.name} is linked to the subexpression "
                                f"'{link.target}' of '{link.group.name}' and cannot be assigned")
        if isinstance(value, str):
            raise NotImplementedError(f"{self._label}[...] = '{value}': a string expression assigned through a "
                                      f"linked variable is not supported by neurogen yet; assign "
                                      f"{link.group.name}.{link.target} instead")
        if link.group._specs[link.target].shared:
            link.group._set_variable(link.target, value, slice(None))
            return
        link.group._set_variable(link.target, value, link.element_indices(self.group)[selection])


class SubexpressionView(VariableView):
    """``G.I``: a subexpression's value per element, computed when read (with numpy, see
    :mod:`.reading`), indexable like a variable (``G.I['i > 2']``); not assignable."""

    __slots__ = ()

    @property
    def _values(self) -> np.ndarray:
        return np.asarray(read_subexpression(self.group, self.spec.name, user_namespace()))

    def _write(self, selection: Any, value: Any) -> None:
        raise ReadOnlyError(f"{self.group.name}.{self.spec.name} is a subexpression and cannot be assigned")


class LinkedSliceView(SliceView, LinkedVariableView):
    """``G[a:b].x`` of a linked variable: the parent's linked values over ``[start, stop)``."""

    __slots__ = ()

    def _write(self, selection: Any, value: Any) -> None:
        raise NotImplementedError(f"{self._label}[...] = ...: writing a linked variable through a subgroup is not "
                                  f"supported by neurogen yet; write {self.group.name}.{self.spec.name}[...] instead")


class SubexpressionSliceView(SliceView, SubexpressionView):
    """``G[a:b].I``: the parent's subexpression over ``[start, stop)`` (computed with the
    parent's ``i`` and ``N``, as in Brian2; a condition's ``i`` is the subgroup's)."""

    __slots__ = ()

    def _write(self, selection: Any, value: Any) -> None:
        SubexpressionView._write(self, selection, value)


def subexpression_spec(group: Any, name: str) -> VariableSpec:
    """A read-only spec for subexpression ``name`` of ``group`` (its unit; booleans as bool)."""
    eq = group._equations[name]
    refuse_noise(group, name)
    return VariableSpec(name, eq.dim, "bool" if eq.dtype == "boolean" else "float64", read_only=True)


def linked_view(synapses: Any, name: str) -> LinkedView:
    """The view of ``S.<name>``, a pre- or postsynaptic name (``v_pre``, ``v_post``, ``v``)."""
    other, base, _ = synapses._linked_name(name)
    spec = other._specs.get(base)
    if spec is None:  # a subexpression, or i
        kind = other._equations[base].dtype if base in other._equations else "integer"
        spec = VariableSpec(base, other._variable_dims()[base], "bool" if kind == "boolean" else "float64")
    return LinkedView(synapses, VariableSpec(name, spec.dim, spec.dtype, shared=spec.shared, read_only=True))


class IndexView:
    """``G.indices[...]``, ``S.indices[...]``: the element (synapse) indices an index selects,
    as Brian2's ``IndexWrapper`` (a subgroup's are its parent's: ``G[5:].indices[:]`` is 5, 6, ...)."""

    __slots__ = ("group", "start", "stop")

    def __init__(self, group: Any, start: int = 0, stop: int | None = None) -> None:
        self.group, self.start = group, start
        self.stop = group.N if stop is None else stop

    def __getitem__(self, index: Any) -> np.ndarray:
        where = f"{self.group.name}.indices"
        selection = select(self.group, index, where, self.start, self.stop)
        return np.asarray(self.start + np.arange(self.stop - self.start)[selection], dtype=np.int32)

    def __repr__(self) -> str:
        return f"<{self.group.name}.indices>"


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
    elif isinstance(value, range):  # G.x = range(N): Brian2 takes any sequence of numbers
        value = np.asarray(value)
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
