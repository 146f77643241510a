"""Quantities behave as Brian2 2.9's (issue 12, part 2), as a Brian2 user's script uses them.

Every expected value, type and string here is what Brian2 2.9.0 gives for the same expression
(run once with the oracle; Brian2 is not needed to run these tests). Where neurogen knowingly
does better than Brian2 (readable compound units where Brian2 falls back to SI base units), the
test says so. No model is compiled.
"""
from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from neurogen import *  # noqa: F403  (the user's import line)
from neurogen import DimensionMismatchError, NeuronGroup, SpikeMonitor, StateMonitor

matplotlib.use("Agg")

SPIKE_TIMES = np.array([1.0, 2.0, 2.5, 7.25]) * ms


# ------------------------------------------------------- dimensionless results are plain


def test_a_quantity_divided_by_its_unit_is_a_plain_ndarray():
    times = SPIKE_TIMES / ms
    assert type(times) is np.ndarray
    assert repr(times) == "array([1.  , 2.  , 2.5 , 7.25])"
    assert type((3 * ms) / ms) is float and (3 * ms) / ms == 3.0
    assert type(np.array([1.0, 2.0, 3.0]) * ms * Hz) is np.ndarray
    assert type(SPIKE_TIMES / SPIKE_TIMES) is np.ndarray
    assert type(5 * Hz * second) is float and 5 * Hz * second == 5.0
    assert type(3 * mV * (1 / mV)) is float


def test_plain_results_serve_numpy_and_matplotlib_as_in_brian2():
    counts = np.bincount((SPIKE_TIMES / ms).astype(int))
    assert counts.tolist() == [0, 1, 2, 0, 0, 0, 0, 1]
    assert int(SPIKE_TIMES[-1] / ms) == 7
    assert np.zeros(10)[int(2 * ms / ms)] == 0
    assert list(range(int(10 * ms / ms)))[-1] == 9
    n, bins, _ = matplotlib.pyplot.hist(SPIKE_TIMES / ms, 5)  # plt.hist(M.t/ms, 50) of the examples
    assert n.tolist() == [2, 1, 0, 0, 1] and bins[0] == 1.0
    matplotlib.pyplot.close("all")
    hist, edges = np.histogram(SPIKE_TIMES / ms, 2)
    assert hist.tolist() == [3, 1] and type(edges) is np.ndarray


def test_ufuncs_and_reductions_of_dimensionless_values_are_plain():
    ratio = np.array([1.0, 2.0, 3.0]) * ms / ms
    for value in (np.exp(ratio), np.sin(ratio), np.sqrt(ratio), abs(ratio), -ratio, ratio ** 2,
                  np.round(ratio), np.floor(ratio), np.cumsum(ratio), np.clip(ratio, 0, 2),
                  ratio + 1, ratio * 2):
        assert type(value) is np.ndarray
    assert type(np.sum(ratio)) is np.float64 and np.sum(ratio) == 6.0
    assert type(ratio.mean()) is np.float64 and ratio.mean() == 2.0
    assert type(np.diff(np.array([1.0, 2.0, 4.0]) * ms) / ms) is np.ndarray


def test_array_and_asarray_give_si_values():
    q = np.array([1.0, 2.0, 3.0]) * ms
    assert type(array(q)) is np.ndarray and repr(array(q)) == "array([0.001, 0.002, 0.003])"
    assert type(asarray(q)) is np.ndarray and np.asarray(q).tolist() == [0.001, 0.002, 0.003]


def test_comparisons_give_plain_booleans():
    q = np.array([1.0, 2.0, 3.0]) * ms
    assert type(q < 2 * ms) is np.ndarray and (q < 2 * ms).tolist() == [True, False, False]
    assert type(3 * mV < 4 * mV) is np.bool_


def test_results_with_units_stay_quantities():
    q = np.array([1.0, 2.0, 3.0]) * ms
    assert isinstance(q * 2, Quantity) and str(q * 2) == "[2. 4. 6.] ms"
    assert isinstance(q[0], Quantity) and str(q[0]) == "1. ms"
    assert str(q.sum()) == "6. ms" and str(np.sum(q)) == "6. ms" and str(np.mean(q)) == "2. ms"


def test_explicit_dimensionless_quantities_stay_quantities():
    assert type(Quantity(3)) is Quantity and type(Quantity([1, 2])) is Quantity
    assert float(Quantity(3)) == 3.0
    assert type(Quantity(3.0) * 2) is float  # arithmetic on it gives a plain result


def test_monitor_times_in_ms_are_plain():
    G = NeuronGroup(2, "v : 1", threshold="v > 1")
    M = SpikeMonitor(G)
    S = StateMonitor(G, "v", record=True)
    assert type(M.t / ms) is np.ndarray and (M.t / ms).shape == (0,)
    assert type(S.t / ms) is np.ndarray


def test_quantities_of_non_numbers_are_refused():
    with pytest.raises(TypeError, match="numerical data"):
        Quantity(["a"])
