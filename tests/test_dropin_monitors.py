"""Issue 12, part 4: states and monitors as a Brian2 user writes them.

Expected names, shapes, units and errors are Brian2 2.9's (checked by running the same
statements with Brian2 2.9.0, numpy target). Monitored spikes and traces are checked against
an independent truth: a monitor of the whole group, selected by hand.
"""
from __future__ import annotations

import sys

import numpy as np
import pytest

from neurogen import (DimensionMismatchError, NeuronGroup, PopulationRateMonitor, Quantity, SpikeMonitor,
                      StateMonitor, Synapses, mV, ms, run, set_device, volt)
from runtime_device import back_to_runtime

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


# -- monitors -------------------------------------------------------------------------------
#
# One network, run once per test: the numbers asserted are what Brian2 2.9.0 printed for the
# same script (numpy target).


def _brian2_example():
    G = NeuronGroup(6, """dv/dt = (2 - v)/(10*ms) : 1
                          x : volt
                          k : integer
                          u = 2*v : 1""", threshold="v > 1", reset="v = 0", method="exact")
    G.v = "i*0.3"
    G.x = "i*mV"
    G.k = "3*i"
    monitors = dict(
        values=SpikeMonitor(G, variables=["v", "x", "k", "u"]),
        counts=SpikeMonitor(G, record=False),
        part=SpikeMonitor(G[2:5]),
        trace=StateMonitor(G[2:5], "v", record=[0, 2]),
        all_traces=StateMonitor(G, ["v", "u"], record=True),
        rate=PopulationRateMonitor(G[2:5]),
    )
    run(12 * ms)
    return G, monitors


BRIAN2_TRAINS_MS = {0: [6.9], 1: [5.3], 2: [3.3, 10.3], 3: [0.9, 7.9], 4: [0.0, 7.0], 5: [0.0, 7.0]}
BRIAN2_V_AT_SPIKES = {0: [1.00682939], 1: [1.00932797], 2: [1.00352155, 1.00682939],
                      3: [1.00467884, 1.00682939], 4: [1.20796013, 1.00682939], 5: [1.50497508, 1.00682939]}


def _assert_by_index(found, expected, unit=None):
    assert sorted(found) == sorted(expected)
    for index, values in expected.items():
        got = found[index] / unit if unit is not None else found[index]
        np.testing.assert_allclose(np.asarray(got), values, atol=1e-8)


def test_spike_monitor_values_all_values_and_spike_trains_as_brian2():
    G, m = _brian2_example()
    S = m["values"]
    _assert_by_index(S.values("t"), BRIAN2_TRAINS_MS, ms)
    _assert_by_index(S.spike_trains(), BRIAN2_TRAINS_MS, ms)
    _assert_by_index(S.values("v"), BRIAN2_V_AT_SPIKES)
    everything = S.all_values()
    assert set(everything) == {"t", "v", "x", "k", "u"}
    _assert_by_index(everything["x"], {0: [0], 1: [1], 2: [2, 2], 3: [3, 3], 4: [4, 4], 5: [5, 5]}, mV)
    assert isinstance(everything["t"][2], Quantity) and isinstance(everything["x"][2], Quantity)
    assert everything["k"][3].dtype == np.int32 and list(everything["k"][3]) == [9, 9]
    with pytest.raises(KeyError, match="nope"):
        S.values("nope")


def test_spike_monitor_records_variables_at_each_spike():
    G, m = _brian2_example()
    S = m["values"]
    np.testing.assert_allclose(S.v, [1.20796013, 1.50497508, 1.00467884, 1.00352155, 1.00932797,
                                     1.00682939, 1.00682939, 1.00682939, 1.00682939, 1.00682939], atol=1e-8)
    assert np.array_equal(S.x / mV, [4, 5, 3, 2, 1, 0, 4, 5, 3, 2]) and isinstance(S.x, Quantity)
    assert type(S.x_) is np.ndarray and np.allclose(S.x_, np.asarray(S.x / volt))
    assert S.k.dtype == np.int32 and np.array_equal(S.k, 3 * S.i)
    assert np.allclose(S.u, 2 * S.v)  # a subexpression, at the spike
    with pytest.raises(TypeError, match="read-only"):
        S.v = 1
    states = S.get_states()
    assert set(states) == {"N", "count", "i", "t", "v", "x", "k", "u"}  # Brian2 2.9
    assert states["N"] == 10 and np.array_equal(states["i"], S.i)
    assert float(S.get_states(["t"], units=False)["t"][-1]) == pytest.approx(10.3e-3)


def test_spike_monitor_accepts_i_and_t_as_variables_and_refuses_unknown_ones():
    G = NeuronGroup(2, "v : 1", threshold="v > 1")
    assert SpikeMonitor(G, variables=["t", "i", "v"]).record_variables == ("v",)  # as Brian2
    with pytest.raises(ValueError, match="'nope' is not a variable"):
        SpikeMonitor(G, variables="nope")
    with pytest.raises(TypeError, match="variables= must be a name or a list of names"):
        SpikeMonitor(G, variables=True)


def test_spike_monitor_record_false_counts_without_indices_and_times():
    G, m = _brian2_example()
    S = m["counts"]
    assert list(S.count) == [1, 1, 2, 2, 2, 2] and S.num_spikes == 10
    for name in ("i", "t", "it", "i_", "t_"):
        with pytest.raises(AttributeError, match="indices and times have not been recorded"):
            getattr(S, name)
    for method in (S.spike_trains, S.all_values, lambda: S.values("t")):
        with pytest.raises(AttributeError, match="Set the record argument to True"):
            method()


def test_monitors_of_a_subgroup_as_brian2():
    G, m = _brian2_example()
    S = m["part"]  # G[2:5]: indices relative to the subgroup
    assert S.i.tolist() == [2, 1, 0, 2, 1, 0]
    np.testing.assert_allclose(S.t / ms, [0.0, 0.9, 3.3, 7.0, 7.9, 10.3], atol=1e-9)
    assert S.count.tolist() == [2, 2, 2] and S.num_spikes == 6
    _assert_by_index(S.spike_trains(), {0: [3.3, 10.3], 1: [0.9, 7.9], 2: [0.0, 7.0]}, ms)
    M = m["trace"]
    assert M.record.tolist() == [0, 2] and M.v.shape == (2, 120)
    np.testing.assert_allclose(M[2].v[:3], [1.2, 0.0, 0.01990033], atol=1e-8)
    np.testing.assert_allclose(M.v_[1][:3], [1.2, 0.0, 0.01990033], atol=1e-8)
    with pytest.raises(IndexError, match="index 1 has not been recorded"):
        M[1]
    R = m["rate"]
    want = np.zeros(12)
    want[[0, 9]] = 1 / 3 / 0.1e-3  # one of the subgroup's 3 neurons spikes at 0 and 0.9 ms
    np.testing.assert_allclose(R.rate_[:12], want, rtol=1e-12)


def test_state_monitor_accessors_and_get_states():
    G, m = _brian2_example()
    M = m["all_traces"]
    assert type(M.t_) is np.ndarray and isinstance(M.t, Quantity) and M.t_.shape == (120,)
    assert type(M.v_) is np.ndarray and M.v.shape == (6, 120)
    assert np.array_equal(M.v[3], M[3].v) and np.array_equal(M.u[3], 2 * M.v[3])
    states = M.get_states(units=False)
    assert set(states) == {"t", "N", "v", "u"} and states["N"] == 120  # Brian2 2.9
    assert states["v"].shape == (120, 6)  # as Brian2 stores them: rows are times
    assert np.array_equal(states["v"], np.asarray(M.v).T)
    with pytest.raises(TypeError, match="Variable v is read-only"):
        M.set_states({"v": np.zeros((120, 6))})


def test_record_single_timestep_records_the_current_state_at_the_current_time():
    G, m = _brian2_example()
    M = m["all_traces"]
    M.record_single_timestep()
    assert M.v.shape == (6, 121) and M.t_[-1] == pytest.approx(12e-3)  # Brian2: 11.8, 11.9, 12.0 ms
    np.testing.assert_allclose(M.v[:, -1], G.v[:])
    np.testing.assert_allclose(M.u[:, -1], 2 * G.v[:])  # a subexpression, evaluated now
    run(1 * ms)
    assert M.v.shape == (6, 131)
    np.testing.assert_allclose(M.t_[119:123] / 1e-3, [11.9, 12.0, 12.0, 12.1])  # as Brian2: 12 ms twice
    part = m["trace"]
    part.record_single_timestep()
    np.testing.assert_allclose(part.v[:, -1], G.v[[2, 4]])  # relative to the subgroup


def test_smooth_rate_refuses_a_width_with_an_array_window():
    G, m = _brian2_example()
    with pytest.raises(TypeError, match="width= is only for a predefined window"):
        m["rate"].smooth_rate(window=np.ones(3), width=1 * ms)
    with pytest.raises(TypeError, match="needs width="):
        m["rate"].smooth_rate(window="flat")


def test_record_single_timestep_before_a_standalone_build_is_refused(tmp_path):
    set_device("cpp_standalone", directory=tmp_path / "project", build_on_run=False)
    try:
        G = NeuronGroup(2, "v : 1")
        M = StateMonitor(G, "v", record=True)
        run(0.2 * ms)
        with pytest.raises(NotImplementedError, match="record_single_timestep"):
            M.record_single_timestep()
    finally:
        back_to_runtime()


def test_get_states_of_synapses_lists_their_indices_and_variables():
    G = NeuronGroup(3, "v : 1", threshold="v > 1")
    S = Synapses(G, G, "w : 1", on_pre="v += w")
    S.connect(i=[0, 1], j=[1, 2])
    S.w = [0.5, 0.25]
    states = S.get_states()
    assert {"N", "i", "j", "t", "dt", "N_incoming", "N_outgoing", "w"} <= set(states)  # Brian2 2.9
    assert states["N"] == 2 and list(states["j"]) == [1, 2] and list(states["w"]) == [0.5, 0.25]
    S.set_states({"w": [1.0, 2.0]})
    assert list(S.w[:]) == [1.0, 2.0]
    with pytest.raises(TypeError, match="Variable j is read-only"):
        S.set_states({"j": [0, 0]})


def test_spike_monitor_records_a_subexpression_using_names_outside_the_model():
    scale = 3.0  # noqa: F841 (used by the model)
    G = NeuronGroup(3, """dv/dt = (2 + i)/(10*ms) : 1
                          u = scale*v + i : 1""", threshold="v > 1", reset="v = 0", method="exact")
    S = SpikeMonitor(G, variables=["u", "v"])
    run(6 * ms)
    assert S.num_spikes >= 3
    np.testing.assert_allclose(S.u, 3 * S.v + S.i)
