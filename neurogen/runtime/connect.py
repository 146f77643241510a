"""``Synapses.connect``: which synapses to create.

Index arrays and plain all-to-all are numpy. Conditions, probabilities, ``n`` expressions and
generator syntax run as generated C++ (a one-call module, cached like any build) with the
foundation's random numbers, so the runtime and a standalone program build the same synapses.
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from ..objects.subgroup import underlying
from .connect_generated import connect_generated, is_one
from ..units import DIMENSIONLESS, get_dimensions


def connect(synapses: Any, *, condition: Any, i: Any, j: Any, p: Any, n: Any,
            skip_if_invalid: bool, namespace: Mapping[str, Any] | None) -> None:
    where = f"Synapses '{synapses.name}'.connect()"
    _check_number(p, "p", "a probability", where)
    _check_number(n, "n", "a number of synapses", where)
    if condition is False:
        return
    if condition is True:
        condition = None
    if i is not None or (j is not None and not isinstance(j, str)):
        if condition is not None or not is_one(p) or isinstance(j, str):
            raise TypeError(f"{where}: i= and j= arrays cannot be combined with condition= or p=")
        pre, post = _from_arrays(synapses, i, j, where)
        pre, post = _repeat(pre, post, n, where)
        synapses._add_synapses(pre, post)
        return
    if condition is None and j is None and is_one(p) and not isinstance(n, str):
        pre, post = _all_to_all(synapses)
        synapses._add_synapses(*_repeat(pre, post, n, where))
        return
    connect_generated(synapses, condition=condition, j=j, p=p, n=n,
                      skip_if_invalid=skip_if_invalid, namespace=namespace, where=where)


def _check_number(value: Any, name: str, what: str, where: str) -> None:
    """``p`` and ``n`` are strings or plain numbers: ``p=0.5*Hz`` is not a probability
    (Brian2: 'p must be float or string'), and its SI value must not be taken as one."""
    if isinstance(value, str):
        return
    array = np.asarray(value)
    if get_dimensions(value) != DIMENSIONLESS or array.ndim != 0 or array.dtype.kind not in "biuf":
        raise TypeError(f"{where}: {name} must be a number ({what}, dimensionless) or a string expression, "
                        f"got {value!r}")


def _indices(values: Any, size: int, what: str, where: str) -> np.ndarray:
    array = np.asarray(values)
    if array.dtype.kind not in "iu" and not (array.dtype.kind == "f" and np.all(array == np.round(array))):
        raise TypeError(f"{where}: {what} must hold integer indices, got {array.dtype}")
    array = array.astype(np.int64).reshape(-1)
    bad = (array < 0) | (array >= size)
    if np.any(bad):
        raise IndexError(f"{where}: {what} index {int(array[bad][0])} is out of range "
                         f"(the group has {size} neurons: 0..{size - 1})")
    return array


def _from_arrays(synapses: Any, i: Any, j: Any, where: str) -> tuple[np.ndarray, np.ndarray]:
    if i is None or j is None:
        raise TypeError(f"{where}: give both i= and j= (or a generator string for j=)")
    pre = _indices(i, len(synapses.source), "i", where)
    post = _indices(j, len(synapses.target), "j", where)
    if pre.size == 1 and post.size != 1:
        pre = np.repeat(pre, post.size)
    elif post.size == 1 and pre.size != 1:
        post = np.repeat(post, pre.size)
    if pre.size != post.size:
        raise ValueError(f"{where}: i and j must have the same length ({pre.size} != {post.size})")
    return pre + synapses._source_start, post + synapses._target_start


def _all_to_all(synapses: Any) -> tuple[np.ndarray, np.ndarray]:
    _, s0, s1 = underlying(synapses.source)
    _, t0, t1 = underlying(synapses.target)
    pre = np.repeat(np.arange(s0, s1), t1 - t0)
    post = np.tile(np.arange(t0, t1), s1 - s0)
    return pre, post


def _repeat(pre: np.ndarray, post: np.ndarray, n: Any, where: str) -> tuple[np.ndarray, np.ndarray]:
    """``n`` synapses per pair, each pair's copies adjacent (as Brian2 orders them)."""
    if isinstance(n, str):
        raise TypeError(f"{where}: n= as an expression needs condition=, p= or a generator")
    if isinstance(n, bool) or not float(n).is_integer() or n < 0:
        raise ValueError(f"{where}: n must be a non-negative integer, got {n!r}")
    n = int(n)
    return np.repeat(pre, n).astype(np.int32), np.repeat(post, n).astype(np.int32)

