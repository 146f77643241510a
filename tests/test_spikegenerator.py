"""SpikeGeneratorGroup: spikes at given times, as a source of monitors and synapses.

Expected steps follow Brian2's binning (measured with Brian2 2.9): a spike at time t fires in
step ``int((t + 1e-3*dt)/dt)`` of the group's clock (truncation); within one step spikes come
in the order of their times, then indices; with a period P the pattern repeats every P.
"""
from __future__ import annotations

import logging

import numpy as np
import pytest

from neurogen import (DimensionMismatchError, Network, NeuronGroup, PopulationRateMonitor,
                      SpikeGeneratorGroup, SpikeMonitor, StateMonitor, Synapses, ms, restore, run,
                      second, store)

DT = 0.1e-3


def steps(monitor) -> list[int]:
    """Recorded spike times as whole steps of 0.1 ms."""
    return np.rint(monitor.t_ / DT).astype(int).tolist()


def compiles(caplog) -> int:
    return sum("compiling network" in r.getMessage() for r in caplog.records)


# -- timing ---------------------------------------------------------------------------------


def test_spikes_fire_in_the_step_their_time_truncates_to():
    G = SpikeGeneratorGroup(4, [0, 1, 2, 3], [0.25, 0.34, 0.35, 0.05] * ms)
    M = SpikeMonitor(G)
    run(1 * ms)
    assert steps(M) == [0, 2, 3, 3]
    assert M.i.tolist() == [3, 0, 1, 2]
    assert M.count.tolist() == [1, 1, 1, 1]


def test_spikes_of_one_step_come_in_the_order_of_their_times_as_in_brian2():
    G = SpikeGeneratorGroup(4, [2, 1, 0, 3], [0.31, 0.35, 0.32, 0.05] * ms)
    M = SpikeMonitor(G)
    run(1 * ms)
    assert M.i.tolist() == [3, 2, 0, 1]  # Brian2 2.9 records exactly this
    assert steps(M) == [0, 3, 3, 3]


def test_delta_synapse_from_a_generator_raises_v_at_the_spike_step():
    G = SpikeGeneratorGroup(3, [0, 1, 2, 1], [0.2, 0.3, 0.3, 0.7] * ms)
    H = NeuronGroup(3, "v : 1")
    S = Synapses(G, H, "w : 1", on_pre="v += w")
    S.connect(j="i")
    S.w = [1.0, 2.0, 3.0]
    R = StateMonitor(H, "v", record=True)
    run(1 * ms)
    # delivered in the synapses slot of the spike's step; StateMonitor (start) shows it one step later
    want = np.zeros((3, 10))
    for neuron, step in [(0, 2), (1, 3), (2, 3), (1, 7)]:
        want[neuron, step + 1:] += [1.0, 2.0, 3.0][neuron]
    np.testing.assert_array_equal(R.v, want)


def test_a_generator_on_its_own_clock_bins_with_its_own_dt():
    G = SpikeGeneratorGroup(2, [0, 1, 0], [0.5, 0.5, 1.3] * ms, dt=0.2 * ms, period=2 * ms)
    M = SpikeMonitor(G)
    H = NeuronGroup(1, "v : 1")  # dt 0.1 ms: the network runs at the finer step
    run(5 * ms)
    assert M.i.tolist() == [0, 1, 0, 0, 1, 0, 0, 1]  # as Brian2 2.9
    assert steps(M) == [4, 4, 12, 24, 24, 32, 44, 44]


def test_population_rate_of_a_generator():
    G = SpikeGeneratorGroup(4, [0, 1, 2], [0.1, 0.1, 0.3] * ms)
    R = PopulationRateMonitor(G)
    run(0.5 * ms)
    np.testing.assert_allclose(np.asarray(R.rate), np.array([0, 2, 0, 1, 0]) / (4 * DT))


# -- periods and several runs ---------------------------------------------------------------

PERIODIC = ([0, 1, 0], [0.2, 0.5, 0.8] * ms)
PERIODIC_STEPS = [2, 5, 8, 12, 15, 18, 22, 25, 28]


def test_period_repeats_the_spikes():
    G = SpikeGeneratorGroup(2, *PERIODIC, period=1 * ms)
    M = SpikeMonitor(G)
    run(3.05 * ms)
    assert steps(M) == PERIODIC_STEPS
    assert M.i.tolist() == [0, 1, 0] * 3


def test_period_continues_across_runs():
    G = SpikeGeneratorGroup(2, *PERIODIC, period=1 * ms)
    M = SpikeMonitor(G)
    run(1.5 * ms)
    run(0.3 * ms)
    run(1.25 * ms)
    assert steps(M) == PERIODIC_STEPS


def test_without_a_period_spikes_happen_once_and_later_runs_continue():
    G = SpikeGeneratorGroup(2, [0, 1], [0.2, 1.5] * ms)
    M = SpikeMonitor(G)
    run(1 * ms)
    run(2 * ms)
    assert steps(M) == [2, 15]


def test_store_and_restore_replay_the_same_spikes():
    G = SpikeGeneratorGroup(2, *PERIODIC, period=1 * ms)
    M = SpikeMonitor(G)
    run(0.6 * ms)
    store()
    run(1.5 * ms)
    first = steps(M)
    restore()
    assert steps(M) == [2, 5]
    run(1.5 * ms)
    assert steps(M) == first == PERIODIC_STEPS[:6]


def test_restore_brings_back_the_stored_spikes():
    G = SpikeGeneratorGroup(2, [0], [0.3] * ms)
    M = SpikeMonitor(G)
    net = Network(G, M)
    net.store()
    G.set_spikes([1, 1], [0.1, 0.4] * ms)
    net.restore()
    assert G.neuron_index.tolist() == [0]
    net.run(1 * ms)
    assert steps(M) == [3] and M.i.tolist() == [0]


def test_set_spikes_between_runs_takes_effect_without_compiling(caplog):
    G = SpikeGeneratorGroup(3, [0], [0.3] * ms)
    H = NeuronGroup(3, "v : 1")
    S = Synapses(G, H, on_pre="v += 1")
    S.connect(j="i")
    M = SpikeMonitor(G)
    net = Network(G, H, S, M)
    net.run(1 * ms)
    simulation = net._simulation
    caplog.set_level(logging.INFO, logger="neurogen")
    caplog.clear()
    G.set_spikes([2, 1, 2, 0], [0.05, 0.1, 0.35, 0.15] * ms, period=0.5 * ms)  # t = 1 ms: 10, 15, ...
    net.run(1 * ms)
    assert compiles(caplog) == 0 and net._simulation is simulation
    assert steps(M) == [3, 10, 11, 11, 13, 15, 16, 16, 18]
    assert M.i.tolist() == [0, 2, 1, 0, 2, 2, 1, 0, 2]
    np.testing.assert_array_equal(np.asarray(H.v), [3.0, 2.0, 4.0])


def test_spikes_set_in_the_past_are_ignored_with_a_warning():
    G = SpikeGeneratorGroup(2, [0], [0.2] * ms)
    M = SpikeMonitor(G)
    run(1 * ms)
    G.set_spikes([0, 1, 1], [0.5, 1.2, 1.5] * ms)
    with pytest.warns(UserWarning, match="earlier than the start time"):
        run(1 * ms)
    assert steps(M) == [2, 12, 15] and M.i.tolist() == [0, 1, 1]


def test_no_spikes_at_all():
    G = SpikeGeneratorGroup(2, [], [] * ms)
    M = SpikeMonitor(G)
    run(0.5 * ms)
    assert M.num_spikes == 0


# -- subgroups ------------------------------------------------------------------------------


def test_a_subgroup_of_a_generator_is_a_synapse_source():
    G = SpikeGeneratorGroup(4, [0, 1, 2, 3], [0.1, 0.2, 0.3, 0.4] * ms)
    H = NeuronGroup(2, "v : 1")
    S = Synapses(G[2:4], H, on_pre="v += 1 + i")
    S.connect(j="i")
    R = StateMonitor(H, "v", record=True)
    run(0.6 * ms)
    np.testing.assert_array_equal(R.v, [[0, 0, 0, 0, 1, 1], [0, 0, 0, 0, 0, 2]])


# -- attributes -----------------------------------------------------------------------------


def test_attributes_as_in_brian2():
    G = SpikeGeneratorGroup(3, [1, 0, 2], [1, 0.5, 1] * ms, period=2 * ms)
    assert G.N == len(G) == 3
    assert G.i.tolist() == [0, 1, 2]
    assert G.neuron_index.tolist() == [0, 1, 2]  # sorted by time, then index
    np.testing.assert_allclose(np.asarray(G.spike_time), [0.5e-3, 1e-3, 1e-3])
    assert float(np.asarray(G.period)) == pytest.approx(2e-3)
    assert "length 3" in repr(G)


# -- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("args, kwargs, error, message", [
    (([0, 2], [1, 2] * ms), {}, ValueError, r"Indices have to lie in the interval \[0, 2\["),
    (([0, -1], [1, 2] * ms), {}, ValueError, "Indices have to lie"),
    (([0, 1], [1, 2] * ms), {"period": 2 * ms}, ValueError, "period has to be greater than the maximum"),
    (([0], [0.05] * ms), {"period": 0.05 * ms}, ValueError, "period has to be greater"),
    (([0, 1], [1, -2] * ms), {}, ValueError, "Spike times cannot be negative"),
    (([0], [1, 2] * ms), {}, ValueError, "must match, but 1 != 2"),
    (([0, 1], [1, 2]), {}, DimensionMismatchError, "second"),
    (([0], [1] * ms), {"period": -1 * ms}, ValueError, "period cannot be negative"),
    (([0], [1] * ms), {"period": 3}, DimensionMismatchError, "period"),
    (([0.5], [1] * ms), {}, TypeError, "integers"),
    (([0, 1], [2, 1] * ms), {"sorted": True}, ValueError, "not in increasing order"),
])
def test_invalid_spikes_are_refused_at_once(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        SpikeGeneratorGroup(2, *args, **kwargs)
    G = SpikeGeneratorGroup(2, [], [] * ms)
    with pytest.raises(error, match=message):
        G.set_spikes(*args, **kwargs)


@pytest.mark.parametrize("n", [0, 2.5, -1, "3"])
def test_the_size_must_be_a_positive_integer(n):
    with pytest.raises(TypeError, match="integer"):
        SpikeGeneratorGroup(n, [], [] * ms)


def test_two_spikes_of_one_neuron_in_one_step_are_an_error_at_run_time():
    G = SpikeGeneratorGroup(2, [0, 1, 0], [0.31, 0.32, 0.33] * ms, name="gen")  # not adjacent in time
    M = SpikeMonitor(G)
    with pytest.raises(ValueError, match=r"SpikeGeneratorGroup 'gen' spike more than once during a time "
                                         r"step: neuron 0 at 310\. us and 0\.33 ms"):  # Brian2's display
        run(1 * ms)


@pytest.mark.parametrize("period, error, message", [
    (0.25 * ms, NotImplementedError, "not an integer multiple of its dt"),
    (1.05 * ms, NotImplementedError, "not an integer multiple of its dt"),
    (0.05 * ms, ValueError, "smaller than its dt"),
])
def test_a_period_must_be_whole_steps(period, error, message):
    G = SpikeGeneratorGroup(2, [], [] * ms, period=period)
    M = SpikeMonitor(G)
    with pytest.raises(error, match=message):
        run(1 * ms)


def test_a_period_of_whole_steps_runs():
    G = SpikeGeneratorGroup(2, [0], [0.01] * ms, period=0.3 * ms)
    M = SpikeMonitor(G)
    run(1 * ms)
    assert steps(M) == [0, 3, 6, 9]  # as Brian2 2.9


def test_spike_times_are_quantities_in_seconds():
    G = SpikeGeneratorGroup(1, [0], [0.2e-3] * second)
    assert isinstance(G.spike_time, type(1 * ms))


@pytest.mark.parametrize("times", [[1, float("inf")] * ms, [float("nan"), 1] * ms])
def test_times_that_are_not_finite_are_refused(times):
    with pytest.raises(ValueError, match="finite"):
        SpikeGeneratorGroup(2, [0, 1], times)


def test_times_beyond_the_step_counter_are_refused():
    G = SpikeGeneratorGroup(2, [0, 1], [1 * ms, 1e16 * second])
    M = SpikeMonitor(G)
    with pytest.raises(ValueError, match="beyond 2\\*\\*62 steps"):
        run(1 * ms)
