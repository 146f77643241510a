"""Which elements an index selects: ``G.v[...]``, ``S.w[...]``, ``S.indices[...]``, as Brian2 reads it.

One place turns every kind of index Brian2 accepts into positions: an integer (negative
counts from the end), a slice, a ``range``, an array or list of integers, a boolean mask, a
condition string (``'i > 5'``, ``'v > -60*mV'``, for Synapses ``'i > j'``, ``'v_pre > v_post'``),
and for Synapses the neuron pair ``S.w[i, j]`` (every synapse from any selected presynaptic
to any selected postsynaptic neuron, in synapse order) with an optional third index over the
synapses of one pair (``multisynaptic_index``). A bad index is an ``IndexError`` or
``TypeError`` naming the variable and the valid range, never a raw numpy message.
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from ..errors import NotAConditionError
from ..frontend.expressions import infer_dims, is_condition, parse_expression
from ..frontend.namespace import CALLED_EXTERNALS, ExpressionScope, resolve_externals, user_namespace
from ..units import second
from .reading import evaluate, random_functions, refuse_noise


def select(group: Any, index: Any, where: str, start: int = 0, stop: int | None = None) -> Any:
    """What ``index`` selects of ``group``'s elements ``[start, stop)`` (a subgroup's range), as
    positions relative to ``start``: an ``int``, a ``slice`` or an int64 array."""
    stop = group.N if stop is None else stop
    if isinstance(index, tuple) and len(index) == 1:
        index = index[0]
    if isinstance(index, str):
        local = {"i": np.arange(group.N) - start, "N": stop - start} if (start, stop) != (0, group.N) else {}
        mask = condition_mask(group, index, where, user_namespace(), local)
        return np.flatnonzero(mask[start:stop])
    if isinstance(index, tuple):
        if group._indexed_by_synapse:
            return synapse_selection(group, index, where)
        raise IndexError(f"{where}[{', '.join(map(_shown, index))}]: a variable of a group takes one index "
                         "(an integer, slice, array, boolean mask or condition string)")
    return element_index(index, stop - start, where)


def element_index(index: Any, n: int, where: str) -> Any:
    """One index over ``n`` elements → an ``int``, a ``slice`` or an array of positions."""
    if isinstance(index, (bool, np.bool_)):
        raise TypeError(f"{where}: True or False is not an index (use a boolean array with one value per element)")
    if isinstance(index, (int, np.integer)):
        k = int(index)
        if not -n <= k < n:
            raise IndexError(f"{where}: index {k} is out of range: {_valid(n)}")
        return k + n if k < 0 else k
    if isinstance(index, slice):
        for part in (index.start, index.stop, index.step):
            if part is not None and not isinstance(part, (int, np.integer)):
                raise TypeError(f"{where}: slice bounds must be integers, got {part!r}")
        return index
    array = np.asarray(index if not isinstance(index, range) else np.arange(index.start, index.stop, index.step))
    if array.ndim == 0 and array.dtype.kind in "iu":  # np.array(3): a number
        return element_index(int(array), n, where)
    if array.size == 0:
        return np.zeros(0, dtype=np.int64)
    if array.dtype.kind not in "biu":
        raise TypeError(f"{where}: indexing is only supported with integers, slices, integer or boolean "
                        f"arrays and condition strings, not with {array.dtype} values ({index!r})")
    if array.ndim != 1:
        raise IndexError(f"{where}: an index array must be one-dimensional, got {array.ndim} dimensions")
    if array.dtype.kind == "b":
        if array.size != n:
            raise IndexError(f"{where}: a boolean mask needs one value per element ({n}), got {array.size}")
        return np.flatnonzero(array)
    outside = (array < -n) | (array >= n)
    if np.any(outside):
        raise IndexError(f"{where}: index {int(array[np.flatnonzero(outside)[0]])} is out of range: {_valid(n)}")
    return np.where(array < 0, array + n, array).astype(np.int64)


def _valid(n: int) -> str:
    if n == 0:
        return "there are no elements"
    return f"the valid indices are 0 to {n - 1} (or -{n} to -1, counting from the end)"


def positions(selection: Any, n: int) -> np.ndarray:
    """A selection as an array of positions (for an offset into a parent group)."""
    return np.arange(n, dtype=np.int64)[selection].reshape(-1)


def condition_mask(group: Any, condition: str, where: str, frame_namespace: Mapping[str, Any],
                   local: Mapping[str, Any] | None = None) -> np.ndarray:
    """The elements of ``group`` where ``condition`` holds (one bool per element). ``local``
    overrides names (a subgroup's ``i`` and ``N``)."""
    label = f"{where}['{condition}']"
    tree = parse_expression(condition, label)
    refuse_noise(group, condition, tree, label)
    called = random_functions(tree)
    if called:
        raise NotImplementedError(f"{label}: random numbers ({called[0]}()) in an index condition are not "
                                  "supported; draw them into a variable first (e.g. G.r = 'rand()', then 'r < 0.5')")
    externals = resolve_externals(ExpressionScope(group, [(label, tree)]), None, frame_namespace)
    dims = {**group._variable_dims(), "t": second.dim, "dt": second.dim}
    dims.update({name: e.signature() if isinstance(e, CALLED_EXTERNALS) else e.dim for name, e in externals.items()})
    infer_dims(tree, dims.__getitem__, label)  # units must agree ('v > 3' is an error, as in Brian2)
    if not is_condition(tree, group._boolean_names()):
        raise NotAConditionError(f"{label}: '{condition}' is not a boolean expression (expected a comparison "
                                 "such as 'i > 5', as Brian2 requires)")
    value = evaluate(group, tree, label, frame_namespace, externals, local or {})
    mask = np.asarray(value, dtype=bool)
    return np.broadcast_to(mask, (group.N,)) if mask.ndim == 0 else mask


def synapse_selection(synapses: Any, index: tuple[Any, ...], where: str) -> np.ndarray:
    """``S.w[i, j]`` / ``S.w[i, j, k]``: the synapses from the selected presynaptic to the
    selected postsynaptic neurons (and, with ``k``, the selected synapses of each pair by their
    ``multisynaptic_index``), in synapse order. A pair without a synapse selects nothing (as
    in Brian2); a neuron index outside its group is an error (Brian2 selects nothing)."""
    if len(index) not in (2, 3):
        raise IndexError(f"{where}[{', '.join(map(_shown, index))}]: need 1, 2 or 3 indices (synapse; "
                         f"presynaptic, postsynaptic; and the index among one pair's synapses), got {len(index)}")
    keep = np.ones(synapses.N, dtype=bool)
    for position, (values, group, role) in enumerate(((synapses.i, synapses.source, "presynaptic"),
                                                      (synapses.j, synapses.target, "postsynaptic"))):
        neurons = _neuron_index(index[position], len(group), f"{where}[...]: the {role} index (of '{group.name}')")
        if neurons is not None:
            keep &= np.isin(values, neurons)
    if len(index) == 3:
        keep &= _multisynaptic(synapses, index[2], where)
    return np.flatnonzero(keep)


def _neuron_index(index: Any, n: int, where: str) -> np.ndarray | None:
    """Neurons of one side of a synapse index; None: all of them. Negative integers are refused
    (Brian2 compares them with the neuron indices, so they select nothing)."""
    if isinstance(index, slice) and index == slice(None):
        return None
    if isinstance(index, str):
        raise TypeError(f"{where}: a condition string must be the only index (e.g. S.w['i > j'])")
    if not isinstance(index, slice):
        array = np.asarray(index if not isinstance(index, range) else list(index))
        if array.dtype.kind in "iu" and np.any((array < 0) | (array >= n)):
            bad = int(array[(array < 0) | (array >= n)].reshape(-1)[0])
            raise IndexError(f"{where}: neuron {bad} is out of range: {_valid(n).split(' (')[0]}"
                             + (" (a negative index selects no synapse in Brian2)" if bad < 0 else ""))
    return positions(element_index(index, n, where), n)


def _multisynaptic(synapses: Any, index: Any, where: str) -> np.ndarray:
    name = synapses._multisynaptic_index
    if name is None:
        raise IndexError(f"{where}: to index by the third dimension you need to switch on the calculation of the "
                         "'multisynaptic_index' when you create the Synapses object (as Brian2 requires)")
    values = synapses._state[name]
    if isinstance(index, slice):
        return np.isin(values, np.arange(int(values.max()) + 1 if values.size else 0)[index])
    if isinstance(index, (int, np.integer)) and not isinstance(index, (bool, np.bool_)):
        return values == int(index)
    raise NotImplementedError(f"{where}: the third index (among one pair's synapses) must be an integer or a "
                              f"slice, got {index!r} (Brian2 supports no arrays there either)")


def _shown(index: Any) -> str:
    if isinstance(index, slice):
        return ":".join("" if p is None else str(p) for p in (index.start, index.stop)) + (
            f":{index.step}" if index.step is not None else "")
    return repr(index)


def rank_within_pairs(pre: np.ndarray, post: np.ndarray) -> np.ndarray:
    """For each synapse, how many earlier synapses join the same (pre, post) pair."""
    keys = pre.astype(np.int64) * (int(post.max()) + 1 if post.size else 1) + post
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    rank = np.arange(len(keys)) - np.repeat(starts, np.diff(np.r_[starts, len(keys)]))
    result = np.empty(len(keys), dtype=np.int32)
    result[order] = rank
    return result


class SynapticIndices(np.ndarray):
    """``S.i``, ``S.j``: the neuron index of each synapse, a plain int32 array that is also
    indexed as Brian2 indexes synaptic variables: ``S.j[3, :]`` (the targets of neuron 3),
    ``S.i['j == 0']``. Every other index is numpy's; results are plain arrays."""

    def __getitem__(self, key: Any) -> Any:
        synapses = self.__dict__.get("synapses")
        values = self.view(np.ndarray)
        if synapses is not None and isinstance(key, (tuple, str)):
            return values[synapses.indices[key]]
        return values[key]


def synaptic_indices(values: np.ndarray, synapses: Any) -> SynapticIndices:
    indices = np.asarray(values).view(SynapticIndices)
    indices.synapses = synapses
    return indices


class SynapticSubgroup:
    """Some synapses of a Synapses object, by index (Brian2's ``SynapticSubgroup``): an index
    for ``record=`` or ``S.w[...]``; refused once synapses were added (its indices could be stale)."""

    def __init__(self, synapses: Any, indices: np.ndarray) -> None:
        self.synapses = synapses
        self._stored_indices = np.atleast_1d(indices).astype(np.int32)
        self._created_with = synapses.N

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        if self.synapses.N != self._created_with:
            raise RuntimeError(f"{self!r}: synapses have been added since this synaptic subgroup was created")
        return np.array(self._stored_indices, dtype=dtype)

    def __len__(self) -> int:
        return len(self._stored_indices)

    def __repr__(self) -> str:
        return f"<SynapticSubgroup, storing {len(self)} indices of {self.synapses.name}>"
