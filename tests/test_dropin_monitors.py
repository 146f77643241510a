"""Issue 12, part 4: states and monitors as a Brian2 user writes them.

Expected names, shapes, units and errors are Brian2 2.9's (checked by running the same
statements with Brian2 2.9.0, numpy target). Monitored spikes and traces are checked against
an independent truth: a monitor of the whole group, selected by hand.
"""
from __future__ import annotations

import sys

import numpy as np
import pytest

from neurogen import (DimensionMismatchError, NeuronGroup, Quantity, mV, ms, second, volt)

# -- get_states / set_states ----------------------------------------------------------------


def _states_group() -> NeuronGroup:
    return NeuronGroup(3, """dv/dt = -v/(10*ms) : 1 (unless refractory)
                             x : volt (shared)
                             k : integer
                             I = 2*v : 1""", threshold="v > 1", reset="v = 0", refractory=2 * ms,
                       method="exact")


def test_get_states_lists_what_brian2_lists():
    G = _states_group()
    G.v = [0.1, 0.2, 0.3]
    states = G.get_states()
    # Brian2 2.9: N, i, t, dt, t_in_timesteps, the variables (not subexpressions)
    assert set(states) == {"N", "i", "t", "dt", "t_in_timesteps", "v", "x", "k", "lastspike", "not_refractory"}
    assert states["N"] == 3 and np.ndim(states["N"]) == 0
    assert np.array_equal(states["i"], [0, 1, 2])
    assert states["t_in_timesteps"] == 0 and np.ndim(states["t_in_timesteps"]) == 0
    assert isinstance(states["dt"], Quantity) and float(states["dt"] / ms) == pytest.approx(0.1)
    assert isinstance(states["x"], Quantity) and np.ndim(states["x"]) == 0  # shared: one value
    assert states["k"].dtype.kind == "i"
    assert set(G.get_states(read_only_variables=False)) == {"v", "x", "k", "lastspike", "not_refractory"}
    assert np.allclose(G.get_states(subexpressions=True)["I"], [0.2, 0.4, 0.6])


def test_get_states_with_and_without_units_is_a_copy():
    G = _states_group()
    G.x = 3 * mV
    with_units = G.get_states(["x", "v"])
    assert list(with_units) == ["x", "v"]
    assert isinstance(with_units["x"], Quantity) and float(with_units["x"] / mV) == pytest.approx(3)
    plain = G.get_states(["x", "lastspike"], units=False)
    assert type(plain["x"]) is np.ndarray and float(plain["x"]) == pytest.approx(0.003)  # SI values
    assert type(plain["lastspike"]) is np.ndarray
    states = G.get_states(["v"])
    states["v"][0] = 99
    assert G.v[0] == 0


def test_get_states_refuses_unknown_names_and_formats():
    G = _states_group()
    with pytest.raises(KeyError, match="nope"):
        G.get_states(["nope"])
    with pytest.raises(NotImplementedError, match="Format 'json' is not supported"):
        G.get_states(format="json")


def test_set_states_assigns_with_units_checked():
    G = _states_group()
    G.set_states({"v": np.array([0.5, 0.6, 0.7]), "x": 2 * mV})
    assert np.allclose(G.v[:], [0.5, 0.6, 0.7]) and float(G.x[0] / mV) == pytest.approx(2)
    G.set_states({"x": 0.004}, units=False)  # SI values, units not checked (as Brian2)
    assert float(G.x[0] / mV) == pytest.approx(4)
    G[1:3].set_states({"v": [7, 8]})  # a subgroup sets its range
    assert np.allclose(G.v[:], [0.5, 7, 8])
    with pytest.raises(DimensionMismatchError):
        G.set_states({"x": 3})
    with pytest.raises(TypeError, match="Variable t is read-only"):
        G.set_states({"t": 1 * ms})
    with pytest.raises(TypeError, match="Variable I is read-only"):
        G.set_states({"I": 1})  # a subexpression
    with pytest.raises(KeyError, match="nope"):
        G.set_states({"v": [1, 2, 3], "nope": 1})
    assert np.allclose(G.v[:], [0.5, 7, 8])  # names are checked before anything is assigned
    with pytest.raises(ValueError):
        G.set_states({"v": [1, 2]})
    with pytest.raises(NotImplementedError, match="Format 'json'"):
        G.set_states({"v": 1}, format="json")


def test_get_and_set_states_round_trip():
    G = _states_group()
    G.v = [0.1, 0.2, 0.3]
    H = _states_group()
    H.set_states(G.get_states(read_only_variables=False))
    assert np.allclose(H.v[:], [0.1, 0.2, 0.3])


def test_pandas_format_as_brian2():
    pandas = pytest.importorskip("pandas")
    G = _states_group()
    G.v = [0.1, 0.2, 0.3]
    G.x = 2 * mV
    with pytest.raises(NotImplementedError, match="Units not supported"):
        G.get_states(format="pandas")  # Brian2 2.9: units=True is refused for a data frame
    frame = G.get_states(["v", "x", "k"], units=False, format="pandas")
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns) == ["v", "x", "k"] and len(frame) == 3
    assert np.allclose(frame["x"], 0.002)  # a shared value repeated in every row
    frame["v"] = frame["v"] * 10
    with pytest.raises(NotImplementedError, match="Units not supported"):
        G.set_states(frame[["v"]], format="pandas")
    G.set_states(frame[["v", "k"]], units=False, format="pandas")
    assert np.allclose(G.v[:], [1, 2, 3])


def test_pandas_format_without_pandas_is_a_clear_import_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # as if pandas were not installed
    G = _states_group()
    with pytest.raises(ImportError, match="needs a working installation of pandas"):
        G.get_states(units=False, format="pandas")
    with pytest.raises(ImportError, match="needs a working installation of pandas"):
        G.set_states({}, units=False, format="pandas")
