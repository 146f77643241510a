"""NeuronGroup dynamics against analytic solutions (compiled and run for real)."""
from __future__ import annotations

import re

import numpy as np
import pytest

from neurogen import *

LIF = """dv/dt = (I - v)/tau : volt (unless refractory)
         I : volt (constant)"""


def lif_group(n, tau_ref):
    return NeuronGroup(n, LIF, threshold="v > v_th", reset="v = 0*mV", refractory=tau_ref,
                       method="exact")


def test_lif_interspike_intervals_match_analytic():
    """Every ISI within one dt of tau*ln(I/(I - v_th)) + t_ref; the first spike within one dt."""
    tau, v_th, t_ref = 10 * ms, 15 * mV, 2 * ms
    drives = np.array([16, 18, 20, 25, 30, 40, 60, 100]) * mV
    G = lif_group(len(drives), t_ref)
    G.I = drives
    M = SpikeMonitor(G)
    run(300 * ms)
    dt = float(defaultclock.dt)
    crossing = float(tau) * np.log(np.asarray(drives) / (np.asarray(drives) - float(v_th)))
    trains = M.spike_trains()
    for k in range(len(drives)):
        times = np.asarray(trains[k])
        assert len(times) >= 3, f"neuron {k} fired {len(times)} times"
        assert abs(times[0] - crossing[k]) <= dt + 1e-12
        isi = np.diff(times)
        assert np.all(np.abs(isi - (crossing[k] + float(t_ref))) <= dt + 1e-12), (k, isi)


def test_refractory_blocks_threshold_and_integration():
    """(unless refractory): v stays at the reset value for timestep(refractory) steps."""
    tau, v_th = 10 * ms, 15 * mV  # noqa: F841  (read by run())
    G = lif_group(1, 5 * ms)
    G.I = 100 * mV
    S = StateMonitor(G, "v", record=0)
    M = SpikeMonitor(G)
    run(30 * ms)
    dt = float(defaultclock.dt)
    first = int(round(M.t_[0] / dt))
    v = S.v_[0]
    # reset at the end of the spike step; held at 0 through the refractory steps
    held = v[first + 1: first + 1 + 50]
    assert np.all(held == 0.0)
    assert v[first + 51] > 0.0
    assert np.all(np.diff(M.t_) >= 5e-3 - 1e-12)


def test_parameter_change_between_runs_takes_effect():
    """tau changed between two runs: the second run follows the new time constant."""
    G = NeuronGroup(1, "dv/dt = -v/tau : 1", method="exact")
    G.v = 1.0
    tau = 10 * ms
    run(10 * ms)
    assert G.v[0] == pytest.approx(np.exp(-1.0), rel=1e-12)
    tau = 20 * ms  # noqa: F841  (read by run() from this frame)
    run(20 * ms)
    assert G.v[0] == pytest.approx(np.exp(-1.0) * np.exp(-1.0), rel=1e-12)


def test_string_assignment_uses_index_and_size():
    G = lif_group(50, 2 * ms)
    G.I = "20*mV * i / N"
    np.testing.assert_allclose(np.asarray(G.I), 0.02 * np.arange(50) / 50, rtol=1e-15, atol=0)
    G.I[10:20] = "1*mV * (1 + 0*i)"
    assert np.allclose(np.asarray(G.I)[10:20], 1e-3)
    assert np.allclose(np.asarray(G.I)[20:], 0.02 * np.arange(20, 50) / 50)


def test_subexpressions_and_functions_in_models():
    eqs = """dv/dt = (E - v)/tau + g*cos(phase)/tau : 1
             E = clip(2*E0, 0, 1.5) : 1
             phase : 1 (constant)
             g : 1"""
    G = NeuronGroup(3, eqs, method="euler")
    E0, tau = 0.5, 10 * ms
    G.phase = [0.0, np.pi / 2, np.pi]
    G.g = 0.1
    run(1 * ms)
    dt, n = 1e-4, 10
    expected = []
    for phase in [0.0, np.pi / 2, np.pi]:
        v = 0.0
        for _ in range(n):
            v = v + dt * ((1.0 - v) / 0.01 + 0.1 * np.cos(phase) / 0.01)
        expected.append(v)
    np.testing.assert_allclose(np.asarray(G.v), expected, rtol=1e-12)


def test_missing_compiler_is_a_clear_error():
    from neurogen.errors import CompilerNotFoundError

    prefs.codegen.cpp.compiler = "no-such-c++-compiler"
    try:
        G = NeuronGroup(1, "dv/dt = -v/(7.25*ms) : 1")  # a structure no other test compiles
        with pytest.raises(CompilerNotFoundError, match="no-such-c\\+\\+-compiler"):
            run(1 * ms)
    finally:
        prefs.codegen.cpp.compiler = None


@pytest.mark.parametrize("n", [1, 15, 16, 17, 37])
def test_threshold_finds_every_spiking_neuron_in_index_order(n):
    """Spikes in full blocks of 16 and in the tail, in ascending index order, none missed."""
    G = NeuronGroup(n, "v : 1", threshold="v > 0.5", reset="v = 0")
    pattern = (np.arange(n) % 3 != 1) | (np.arange(n) >= n - 2)
    G.v = pattern.astype(float)
    M = SpikeMonitor(G)
    run(0.2 * ms)
    np.testing.assert_array_equal(M.i, np.flatnonzero(pattern))
    assert np.all(M.t_ == 0.0)


def test_group_on_a_slower_clock_integrates_with_its_own_dt():
    tau = 10 * ms  # noqa: F841
    slow = NeuronGroup(1, "dv/dt = -v/tau : 1", method="euler", dt=0.2 * ms)
    fast = NeuronGroup(1, "dv/dt = -v/tau : 1", method="euler", dt=0.1 * ms)
    slow.v = fast.v = 1.0
    run(10 * ms)
    assert float(slow.v[0]) == pytest.approx((1 - 0.02) ** 50, rel=1e-12)
    assert float(fast.v[0]) == pytest.approx((1 - 0.01) ** 100, rel=1e-12)


def test_state_monitor_records_on_its_source_clock_by_default():
    G = NeuronGroup(1, "dv/dt = (1 - v)/(10*ms) : 1", method="euler", dt=0.5 * ms)
    S = StateMonitor(G, "v", record=0)
    run(5 * ms)
    np.testing.assert_allclose(S.t_, np.arange(10) * 0.5e-3, rtol=0, atol=1e-15)
    assert float(G.v[0]) == pytest.approx(1 - 0.95 ** 10, rel=1e-12)


def test_refractory_periods_count_whole_steps_truncated_like_brian2():
    """timestep(r) = int(r/dt) (with 1e-3 dt tolerance): a neuron firing whenever allowed
    fires every max(1, timestep(r)) steps."""
    G = NeuronGroup(4, "dv/dt = 100/ms : 1 (unless refractory)\nr : second", threshold="v > 1",
                    reset="v = 0", refractory="r", method="euler")
    G.r = [0.25, 1.75, 0.07, 2.0] * ms
    M = SpikeMonitor(G)
    run(10 * ms)
    periods = np.maximum(1, [2, 17, 0, 20])
    np.testing.assert_array_equal(M.count, [len(range(0, 100, p)) for p in periods])


def test_refractory_condition_only_ends_refractoriness():
    """Brian2: not_refractory = not_refractory or not (condition); a neuron that never fired
    is not refractory. Here the condition fails right after the reset: no refractoriness."""
    tau = 10 * ms  # noqa: F841
    eqs = "dv/dt = (20*mV - v)/tau : volt"
    with_condition = NeuronGroup(3, eqs, threshold="v > 15*mV", reset="v = 0*mV",
                                 refractory="v > 10*mV", method="euler")
    without = NeuronGroup(3, eqs, threshold="v > 15*mV", reset="v = 0*mV", method="euler")
    M1, M2 = SpikeMonitor(with_condition), SpikeMonitor(without)
    run(50 * ms)
    assert M1.num_spikes == M2.num_spikes > 0


def test_refractory_condition_can_be_a_boolean_variable():
    """Bug: refractory='bb' with 'bb : boolean' was refused as 'expected a time or a condition';
    Brian2 takes the variable as the condition (these counts are Brian2 2.9's)."""
    G = NeuronGroup(3, "dv/dt = 1/ms : 1\nbb : boolean", threshold="v > 0.15", reset="v = 0",
                    refractory="bb", method="euler")
    G.bb = [True, False, True]
    M = SpikeMonitor(G)
    run(1 * ms)
    assert list(M.count) == [1, 5, 1]


@pytest.mark.parametrize("threshold", ["v", "1", "c", "v + 1", "v > 1 and v", "exp(v)"])
def test_a_threshold_that_is_not_a_condition_is_refused(threshold):
    """Bug: threshold='v' was accepted and read as v != 0 (every neuron fired every step);
    Brian2 raises TypeError ('Threshold condition 'v' is not a boolean expression')."""
    with pytest.raises(TypeError, match=f"threshold: '{re.escape(threshold)}' is not a boolean expression"):
        NeuronGroup(3, "v : 1\nc = v : 1", threshold=threshold)


def test_boolean_thresholds_are_accepted():
    """A comparison, a boolean variable or subexpression, not_refractory, True, and logic of them."""
    G = NeuronGroup(3, "v : 1\nb : boolean\nc = v > 1 : boolean", threshold="b or c", reset="")
    G.b = [True, False, False]
    G.v = [0, 0, 2]
    for threshold in ("b", "c", "True", "not b", "b and v > 0"):
        NeuronGroup(3, "v : 1\nb : boolean\nc = v > 1 : boolean", threshold=threshold)
    NeuronGroup(3, "v : 1", threshold="not_refractory", refractory=1 * ms)
    M = SpikeMonitor(G)
    run(0.1 * ms)
    assert list(M.i) == [0, 2]


def test_a_refractory_expression_that_is_neither_time_nor_condition_is_refused():
    """Brian2: 'Refractory expression is dimensionless but not a boolean value' (TypeError)."""
    G = NeuronGroup(3, "v : 1", threshold="v > 1", reset="v = 0", refractory="v")
    with pytest.raises(TypeError, match="refractory: 'v' is dimensionless but not a boolean expression"):
        run(0.1 * ms)


@pytest.mark.parametrize("refractory", [np.nan * ms, np.inf * ms, -np.inf * ms])
def test_a_refractory_period_that_is_not_finite_is_refused(refractory):
    """Bug: refractory=NaN (or inf) was accepted and every neuron stopped for good after its
    first spike (Brian2 accepts it too, with its own surprises)."""
    with pytest.raises(ValueError, match="refractory must be a finite time"):
        NeuronGroup(3, "v : 1", threshold="v > 1", refractory=refractory)


def test_a_refractory_expression_that_is_nan_means_not_refractory():
    """Bug: a per-neuron refractory period that is NaN froze the neuron from the start
    (ng::timestep gave NaN the most steps); Brian2 2.9 casts it to the lowest int64, so the
    neuron is never refractory. These counts and values are Brian2 2.9's."""
    G = NeuronGroup(3, "dv/dt = 1/ms : 1 (unless refractory)\nr : second", threshold="v > 1", reset="v = 0",
                    refractory="r", method="euler")
    G.r = [np.nan, 1, -1] * ms
    M = SpikeMonitor(G)
    with pytest.warns(RuntimeWarning, match="r is nan"):  # NaN in r: reported after the run
        run(5 * ms)
    assert list(M.count) == [4, 2, 4]
    assert np.allclose(G.v[:], [0.6, 1.0, 0.6])
