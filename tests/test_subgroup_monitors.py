"""Spike, state and rate monitors of subgroups (``SpikeMonitor(G[:50])``, as in Brian2's Brunel
2000 example), in the runtime and in a standalone project.

Independent truth: monitors of the whole group, selected by hand. As in Brian2 (checked with
Brian2 2.9.0), a subgroup monitor reports indices relative to the subgroup, ``record=`` of a
StateMonitor is relative to it too, and a rate is the subgroup's spikes over its size.
"""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from neurogen import (Network, NeuronGroup, PopulationRateMonitor, SpikeMonitor, StateMonitor, device,
                      export_project, ms, run, set_device)
from runtime_device import back_to_runtime

N = 20
DT = 0.1e-3
PART = (5, 15)       # G[5:15]
RECORD = [0, 3, 9]   # relative to the subgroup: neurons 5, 8 and 14 of G


def _objects():
    """One network: whole-group monitors (the truth) and subgroup monitors of G[5:15] and G[:4]."""
    G = NeuronGroup(N, """dv/dt = (I - v)/(10*ms) : 1
                          I : 1
                          u = 2*v + i : 1""", threshold="v > 1", reset="v = 0", method="exact")
    G.I = np.linspace(1.02, 3.0, N)
    G.v = np.linspace(0.0, 0.95, N)
    part = G[PART[0]:PART[1]]
    monitors = {
        "spikes": SpikeMonitor(G),
        "at_threshold": StateMonitor(G, ["v", "u"], record=True, when="thresholds", order=2),
        "trace": StateMonitor(G, ["v", "u"], record=True),
        "rate": PopulationRateMonitor(G),
        "part_spikes": SpikeMonitor(part, variables=["v", "u"]),
        "first_spikes": SpikeMonitor(G[:4]),
        "part_trace": StateMonitor(part, ["v", "u"], record=RECORD),
        "part_trace_all": StateMonitor(part, "v", record=True),
        "part_rate": PopulationRateMonitor(part),
    }
    return G, monitors


def _script():
    G, monitors = _objects()
    run(8 * ms)
    return monitors


def _check_against_whole_group(m):
    start, stop = PART
    i, t = np.asarray(m["spikes"].i), np.asarray(m["spikes"].t_)
    inside = (i >= start) & (i < stop)
    assert inside.any() and (~inside).any()  # the test means something
    # spikes: the whole group's, in range, with indices relative to the subgroup
    part = m["part_spikes"]
    assert np.array_equal(part.i, i[inside] - start) and part.i.dtype == np.int32
    assert np.array_equal(part.t_, t[inside])
    assert np.array_equal(part.count, m["spikes"].count[start:stop]) and len(part.count) == stop - start
    assert part.num_spikes == inside.sum()
    first = (i < 4)
    assert np.array_equal(m["first_spikes"].i, i[first]) and np.array_equal(m["first_spikes"].t_, t[first])
    # values at each spike: the state after the update, before the reset (a StateMonitor in the
    # thresholds slot after the spike monitor); u reads the group's i (as Brian2)
    steps = np.round(t[inside] / DT).astype(int)
    for var in ("v", "u"):
        truth = np.asarray(getattr(m["at_threshold"], var))[i[inside], steps]
        assert np.array_equal(np.asarray(getattr(part, var)), truth)
    trains = part.spike_trains()
    assert sorted(trains) == list(range(stop - start))
    for k in range(stop - start):
        assert np.array_equal(np.asarray(trains[k]), t[i == start + k])
    # traces: record= is relative to the subgroup
    assert np.array_equal(m["part_trace"].record, RECORD)
    for var in ("v", "u"):
        whole = np.asarray(getattr(m["trace"], var))
        assert np.array_equal(np.asarray(getattr(m["part_trace"], var)), whole[np.add(RECORD, start)])
        assert np.array_equal(np.asarray(getattr(m["part_trace"][9], var)), whole[start + 9])
    assert np.array_equal(np.asarray(m["part_trace_all"].v), np.asarray(m["trace"].v)[start:stop])
    assert np.array_equal(m["part_trace"].t_, m["trace"].t_)
    # rate: the subgroup's spikes per step over its size
    counts = np.bincount(np.round(t[inside] / DT).astype(int), minlength=len(m["rate"].t_))
    np.testing.assert_allclose(m["part_rate"].rate_, counts / ((stop - start) * DT), rtol=1e-12)
    assert np.array_equal(m["part_rate"].t_, m["rate"].t_)


def _results(m):
    found = {}
    for key, mon in m.items():
        if isinstance(mon, SpikeMonitor):
            found[key] = (np.asarray(mon.i), np.asarray(mon.t_), np.asarray(mon.count),
                          *(np.asarray(getattr(mon, v)) for v in mon.record_variables))
        elif isinstance(mon, StateMonitor):
            found[key] = (np.asarray(mon.t_), *(np.asarray(getattr(mon, v)) for v in mon.record_variables))
        else:
            found[key] = (np.asarray(mon.t_), np.asarray(mon.rate_))
    return found


def test_subgroup_monitors_in_the_runtime_match_the_whole_group():
    _check_against_whole_group(_script())


@pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake")
def test_subgroup_monitors_in_a_standalone_project_match_the_whole_group_and_the_runtime(tmp_path):
    set_device("runtime")
    reference = _results(_script())
    set_device("cpp_standalone", directory=tmp_path / "project", build_on_run=False)
    try:
        monitors = _script()
        device.build()
        _check_against_whole_group(monitors)
        found = _results(monitors)
    finally:
        back_to_runtime()
    for key, values in reference.items():
        assert all(np.array_equal(a, b) for a, b in zip(found[key], values)), key


@pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake")
def test_subgroup_monitors_of_an_exported_project_match_the_whole_group(tmp_path):
    G, monitors = _objects()
    exported = export_project(Network(G, *monitors.values()), tmp_path / "exported", 8 * ms)
    exported.run()
    _check_against_whole_group(monitors)


def test_a_subgroup_covering_its_whole_group_is_the_group():
    G = NeuronGroup(4, "dv/dt = 2/(10*ms) : 1", threshold="v > 1", reset="v = 0", method="exact")
    G.v = [0, 0.25, 0.5, 0.75]
    whole, same = SpikeMonitor(G), SpikeMonitor(G[0:4])
    rate, same_rate = PopulationRateMonitor(G), PopulationRateMonitor(G[:])
    run(3 * ms)
    assert whole.num_spikes > 0
    assert np.array_equal(same.i, whole.i) and np.array_equal(same.t_, whole.t_)
    assert np.array_equal(same_rate.rate_, rate.rate_)
    assert same.source.N == 4 and repr(same.source).startswith("<Subgroup")


def test_subgroup_state_monitor_refuses_indices_outside_the_subgroup():
    G = NeuronGroup(10, "v : 1")
    with pytest.raises(IndexError, match=r"outside of the range \[0, 2\]"):
        StateMonitor(G[2:5], "v", record=[0, 3])
    with pytest.raises(IndexError, match=r"outside of the range \[0, 2\]"):
        StateMonitor(G[2:5], "v", record=[-1])
    M = StateMonitor(G[2:5], "v", record=[0, 2])
    with pytest.raises(IndexError, match="index 1 has not been recorded"):
        M[1]
