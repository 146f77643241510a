"""Issue 13, part 3: code run during a run — ``run_regularly`` (a kernel in the compiled loop, on
its own clock and slot, runtime and standalone) and network operations (Python callbacks at step
boundaries).

Expected numbers were computed with Brian2 2.9 (the oracle) and are hard-coded here."""
from __future__ import annotations

import numpy as np
import pytest

from neurogen import *
from neurogen.errors import SharedWriteError
from runtime_device import back_to_runtime

STEP_COUNTER = '''dv/dt = 1/second : 1
x : 1
s : 1 (shared)'''


def _every_third_step():
    G = NeuronGroup(3, STEP_COUNTER, threshold="v > 0.0045", reset="v = 0", name="cells")
    runner = G.run_regularly("s = t/ms; x = v + s", dt=0.3 * ms, when="start")
    M = StateMonitor(G, ["v", "x", "s"], record=[0])
    return G, runner, M


# Brian2 2.9: the runner (dt = 3 steps, 'start', before the monitor by name) runs at steps 0, 3, 6, ...
EVERY_THIRD_X = [0, 0, 0, 0.3003, 0.3003, 0.3003, 0.6006, 0.6006, 0.6006, 0.9009, 0.9009, 0.9009,
                 1.2012, 1.2012, 1.2012]
EVERY_THIRD_S = [0, 0, 0, 0.3, 0.3, 0.3, 0.6, 0.6, 0.6, 0.9, 0.9, 0.9, 1.2, 1.2, 1.2]


def test_run_regularly_returns_a_runner_on_its_own_clock_and_slot():
    G, runner, M = _every_third_step()
    assert runner.name == "cells_run_regularly" and runner.when == "start" and runner.order == 0
    assert abs(float(runner.clock.dt / ms) - 0.3) < 1e-12
    assert G.run_regularly("x = 0").name == "cells_run_regularly_1"
    assert G.run_regularly("x = 0").clock is G.clock  # no dt: the group's clock


def test_run_regularly_runs_at_the_steps_of_its_clock():
    G, runner, M = _every_third_step()
    run(1.5 * ms)
    assert np.allclose(M.x[0], EVERY_THIRD_X, rtol=0, atol=1e-12)
    assert np.allclose(M.s[0], EVERY_THIRD_S, rtol=0, atol=1e-12)
    assert np.allclose(G.x, G.x[0]) and float(G.s[:]) == pytest.approx(1.2)


def test_run_regularly_in_standalone_gives_the_runtime_results(tmp_path):
    set_device("cpp_standalone", directory=tmp_path / "project")
    try:
        G, runner, M = _every_third_step()
        run(1.5 * ms)
        assert np.allclose(M.x[0], EVERY_THIRD_X, rtol=0, atol=1e-12)
        assert np.allclose(M.s[0], EVERY_THIRD_S, rtol=0, atol=1e-12)
    finally:
        back_to_runtime()


def _subgroup_runners():
    G = NeuronGroup(6, "v : 1\nx : 1", name="subrunners")
    G[2:5].run_regularly("v += i + 10*N", dt=0.2 * ms)  # the subgroup's i (0, 1, 2) and N (3)
    G[4:6].run_at("x = i + 1", [0.3 * ms])
    return G


@pytest.mark.parametrize("standalone", [False, True])
def test_run_regularly_and_run_at_on_a_subgroup_see_its_own_i_and_n(standalone, tmp_path):
    """Brian2 2.9 and 2.11 both give v = [0, 0, 90, 93, 96, 0] (run_regularly at 0, 0.2, 0.4 ms)
    and 2.11 x = [0, 0, 0, 0, 1, 2]: only the subgroup's elements, with its own indices."""
    if standalone:
        set_device("cpp_standalone", directory=tmp_path / "project")
    try:
        G = _subgroup_runners()
        run(0.5 * ms)
        assert list(G.v[:]) == [0, 0, 90, 93, 96, 0]
        assert list(G.x[:]) == [0, 0, 0, 0, 1, 2]
    finally:
        if standalone:
            back_to_runtime()


def test_the_slot_decides_what_the_code_sees():
    """v counts steps (+1 per step), spikes above 2.5 and is reset to 0: Brian2 2.9's values of
    v as seen from 'start', before and after the reset (resets, order -1 / +1) and 'end'."""
    G = NeuronGroup(1, '''dv/dt = 10/ms : 1
a : 1
b : 1
c : 1
d : 1''', threshold="v > 2.5", reset="v = 0", method="euler")
    G.run_regularly("a = v", when="start")
    G.run_regularly("b = v", when="resets", order=-1)
    G.run_regularly("c = v", when="resets", order=1)
    G.run_regularly("d = v", when="end")
    M = StateMonitor(G, ["a", "b", "c", "d"], record=0, when="end", order=10)
    run(0.6 * ms)
    assert np.allclose(M.a[0], [0, 1, 2, 0, 1, 2])
    assert np.allclose(M.b[0], [1, 2, 3, 1, 2, 3])
    assert np.allclose(M.c[0], [1, 2, 0, 1, 2, 0])
    assert np.allclose(M.d[0], [1, 2, 0, 1, 2, 0])


def test_a_later_run_continues_on_the_runners_clock():
    """After run(0.1 ms) a runner of dt 0.3 ms next runs at 0.3 ms (Brian2's clock rule)."""
    H = NeuronGroup(1, "n : 1")
    H.run_regularly("n += 1", dt=0.3 * ms)
    N = StateMonitor(H, "n", record=0, when="end")
    run(0.1 * ms)
    run(1 * ms)
    assert np.array_equal(N.n[0], [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4])


def test_random_numbers_once_for_shared_code_and_per_element_otherwise():
    G = NeuronGroup(50, "x : 1\ny : 1\ns : 1 (shared)")
    G.run_regularly("s = rand()\nx = s\ny = rand()", dt=0.5 * ms)
    M = StateMonitor(G, ["x", "y"], record=True)
    run(2 * ms)
    assert np.all(M.x[:, :] == M.x[0, :])  # one draw per call, every neuron sees it
    assert len(np.unique(M.x[0, :])) == 4  # a new draw per call (0, 0.5, 1, 1.5 ms)
    assert len(np.unique(M.y[:, 0])) == 50  # a draw per neuron
    assert np.all((M.x[:, :] > 0) & (M.x[:, :] < 1))


def test_run_regularly_on_synapses():
    G = NeuronGroup(3, "x : 1")
    S = Synapses(G, G, "w : 1", name="syn_with_runner")
    S.connect()
    runner = S.run_regularly("w = i + 10*j")
    assert runner.when == "start" and runner.name == "syn_with_runner_run_regularly"
    run(0.1 * ms)
    assert np.array_equal(S.w[:], [0, 10, 20, 1, 11, 21, 2, 12, 22])  # Brian2 2.9


def test_run_regularly_switches_poisson_rates():
    """Wang_2002 switches PoissonGroup rates with run_regularly: rates*dt = 2 from 1 ms on."""
    P = PoissonGroup(4, rates=0 * Hz)
    P.run_regularly("rates = int(t >= 1*ms) * 20*kHz", dt=1 * ms)
    M = SpikeMonitor(P)
    run(2 * ms)
    assert M.num_spikes == 4 * 10 and np.all(M.t >= 1 * ms - 1e-9 * ms)


def test_network_takes_a_groups_runners_with_it():
    G = NeuronGroup(1, "n : 1")
    runner = G.run_regularly("n += 1")
    net = Network(G)
    assert runner in net.objects
    net.run(0.5 * ms)
    assert G.n[0] == 5
    net.remove(G)
    assert runner not in net.objects


def test_shared_writes_must_come_first_and_read_only_shared_values():
    G = NeuronGroup(3, STEP_COUNTER, name="cells")
    G.run_regularly("x = 1; s = 2")
    with pytest.raises(SharedWriteError, match=r"'s = 2': all writes to shared variables have to come before"):
        run(0.1 * ms)
    assert issubclass(SharedWriteError, SyntaxError)  # as Brian2's


def test_a_shared_write_from_a_per_element_value_is_refused():
    G = NeuronGroup(3, STEP_COUNTER, name="cells")
    G.run_regularly("s = v")
    with pytest.raises(SyntaxError, match=r"shared variable 's' with an expression referring to the "
                                          r"per-element variable 'v'"):
        run(0.1 * ms)
    start_scope()
    H = NeuronGroup(3, STEP_COUNTER, name="cells2")
    H.run_regularly("s = i")
    with pytest.raises(SyntaxError, match="per-element variable 'i'"):
        run(0.1 * ms)


def test_bad_runner_code_is_refused_naming_it():
    G = NeuronGroup(3, STEP_COUNTER, name="cells")
    G.run_regularly("x = 3*mV")
    with pytest.raises(DimensionMismatchError, match="run_regularly"):
        run(0.1 * ms)


SHARED_LOCALS = """c = c + 1
a = c * 2
a += 1
d = a
x = a + i"""


@pytest.mark.parametrize("standalone", [False, True])
def test_local_temporaries_of_shared_values_are_computed_once_per_call(standalone, tmp_path):
    """Brian2 2.9 gives x = [9, 10, 11], c = 4, d = 9 after three calls (a is a shared local,
    computed after c's write; the per-element code reads its value)."""
    if standalone:
        set_device("cpp_standalone", directory=tmp_path / "project")
    try:
        G = NeuronGroup(3, "x : 1\nc : 1 (shared)\nd : 1 (shared)", name="locals")
        G.c = 1
        G.run_regularly(SHARED_LOCALS, dt=0.1 * ms)
        run(0.3 * ms)
        assert list(G.x[:]) == [9, 10, 11] and float(G.c[:]) == 4 and float(G.d[:]) == 9
    finally:
        if standalone:
            back_to_runtime()


def test_a_shared_local_may_read_a_variable_written_later_when_only_shared_code_reads_it():
    """Brian2 2.9: x = [150, 160, 170], c = 15 (a = 2c before c = a + 1 is written)."""
    G = NeuronGroup(3, "x : 1\nc : 1 (shared)", name="locals2")
    G.c = 1
    G.run_regularly("a = c * 2\nc = a + 1\nb = c + i\nx = b * 10", dt=0.1 * ms)
    run(0.3 * ms)
    assert list(G.x[:]) == [150, 160, 170] and float(G.c[:]) == 15


def test_a_local_that_draws_a_random_number_is_one_per_element():
    """As Brian2 (Clopath et al. 2010's input switch): 'selected = int(floor(rand()*N))' draws per
    neuron, so the number of neurons whose draw equals their own index varies from call to call
    (Binomial(1000, 1/1000) each step: mean 1; a shared draw would give exactly 1 every step)."""
    seed(11)
    G = NeuronGroup(1000, "x : 1", name="selectors")
    G.run_regularly("selected = int(floor(rand()*N))\nx = int(selected == i)")
    M = StateMonitor(G, "x", record=True)
    run(40 * ms)
    counts = M.x.sum(axis=0)
    assert len(set(counts.tolist())) > 2
    assert abs(counts.mean() - 1) < 5 * np.sqrt(1 / len(counts))  # 5 standard errors


def test_a_shared_local_that_would_be_stale_in_per_element_code_is_refused():
    G = NeuronGroup(3, "x : 1\nc : 1 (shared)", name="locals3")
    G.run_regularly("a = c * 2\nc = a + 1\nx = a + i")
    with pytest.raises(NotImplementedError, match="the local 'a' reads the shared variable 'c', which the code "
                                                  "writes later"):
        run(0.1 * ms)


# -- network operations ----------------------------------------------------------------------

def test_an_operation_sees_the_state_of_its_step_and_stop_ends_after_it():
    """Brian2 2.9: an operation in 'start' sees the state before this step's update and the
    records of earlier steps; stop() completes the step, so the run ends at 0.7 ms."""
    G = NeuronGroup(1, "dv/dt = 1/second : 1", method="euler")
    M = StateMonitor(G, "v", record=0)
    seen = []

    @network_operation(dt=0.3 * ms)
    def op(t):
        seen.append((float(t / ms), float(defaultclock.t / ms), float(G.t / ms), G.v[0], len(M.t)))
        if t >= 0.6 * ms:
            stop()

    assert isinstance(op, NetworkOperation) and (op.when, op.order, op.name) == ("start", 0, "networkoperation")
    run(2 * ms)
    assert [s[0] for s in seen] == [0.0, 0.3, 0.6]  # its own clock's t
    assert np.allclose([s[1:4] for s in seen], [(0, 0, 0), (0.3, 0.3, 0.0003), (0.6, 0.6, 0.0006)],
                       rtol=0, atol=1e-15)
    assert [s[4] for s in seen] == [0, 3, 6]
    assert float(defaultclock.t / ms) == pytest.approx(0.7) and float(G.t / ms) == pytest.approx(0.7)
    assert len(M.t) == 7 and G.v[0] == pytest.approx(0.0007)


def test_an_operation_at_the_end_sees_the_step_done():
    G = NeuronGroup(1, "dv/dt = 1/second : 1", method="euler")
    seen = []

    @network_operation(when="end")
    def op2():
        seen.append(G.v[0])

    net = Network(G, op2)
    net.run(0.3 * ms)
    assert np.allclose(seen, [0.0001, 0.0002, 0.0003])


def test_network_operation_class_and_decorator_arguments():
    def f(t):
        pass
    o = NetworkOperation(f, dt=0.2 * ms, when="thresholds", order=3, name="myop")
    assert (o.name, o.when, o.order, o.function) == ("myop", "thresholds", 3, f)
    with pytest.raises(TypeError, match="no argument or one"):
        NetworkOperation(lambda a, b: None)
    with pytest.raises(TypeError, match="expected a function"):
        NetworkOperation(3)


def _busy_network(with_operations):
    """Delays, spikes in transit across the pauses, random input, monitors in several slots."""
    seed(11)
    P = PoissonGroup(20, rates=300 * Hz, name="poisson")
    G = NeuronGroup(10, "dv/dt = -v/(5*ms) : 1", threshold="v > 0.3", reset="v = 0", refractory=1 * ms,
                    method="exact", name="cells")
    S = Synapses(P, G, "w : 1", on_pre="v += w", name="syn")
    S.connect(p=0.5)
    S.w = "0.2*rand()"
    S.delay = "i*0.15*ms"
    T = Synapses(G, G, on_pre="v += 0.05", delay=0.35 * ms, name="recurrent")
    T.connect(condition="i != j")
    M = StateMonitor(G, "v", record=True)
    R = PopulationRateMonitor(G)
    K = SpikeMonitor(G)
    objects = [P, G, S, T, M, R, K]
    calls = []
    if with_operations:
        for when, dt in (("start", 0.3), ("thresholds", 0.1), ("synapses", 0.2), ("end", 0.7)):
            objects.append(NetworkOperation(lambda t, w=when: calls.append((w, float(t / ms))),
                                            dt=dt * ms, when=when, name=f"op_{when}"))
    net = Network(*objects)
    net.run(5 * ms)
    net.run(3 * ms)
    return (G.v[:].copy(), M.v[:].copy(), R.rate[:].copy(), K.i[:].copy(), K.t[:].copy(), S.w[:].copy()), calls


def test_no_op_operations_leave_the_results_bit_identical():
    plain, _ = _busy_network(False)
    start_scope()
    paused, calls = _busy_network(True)
    assert len(plain[3]) > 50  # spikes, with delays: spikes in transit at most pauses
    for a, b in zip(plain, paused):
        assert a.shape == b.shape and np.array_equal(np.asarray(a), np.asarray(b))
    assert len([c for c in calls if c[0] == "thresholds"]) == 80


def test_operations_write_state_the_next_step_uses():
    G = NeuronGroup(2, "x : 1")
    M = StateMonitor(G, "x", record=True, when="end")

    @network_operation(dt=0.2 * ms, when="start")
    def bump():
        G.x = G.x[:] + 1

    run(1 * ms)
    assert np.array_equal(M.x[0], [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])


def test_network_stop_and_an_error_in_an_operation():
    G = NeuronGroup(1, "n : 1")
    G.run_regularly("n += 1")
    net = Network(G)

    def halt(t):
        if t >= 0.4 * ms:
            net.stop()
    halting = NetworkOperation(halt)
    net.add(halting)
    net.run(10 * ms)
    assert G.n[0] == 5 and float(net.t / ms) == pytest.approx(0.5)
    net.run(10 * ms)  # stops again in its first step: that step is completed
    assert G.n[0] == 6 and float(net.t / ms) == pytest.approx(0.6)
    net.remove(halting)

    def fail():
        raise RuntimeError("from the operation")
    net.add(NetworkOperation(fail, dt=0.2 * ms, name="failing"))
    with pytest.raises(RuntimeError, match="from the operation"):
        net.run(1 * ms)
    assert G.n[0] == 6 and float(G.t / ms) == pytest.approx(0.6)  # it raised at 0.6 ms, in 'start'


def test_network_operations_are_refused_in_standalone(tmp_path):
    set_device("cpp_standalone", directory=tmp_path / "project", build_on_run=False)
    try:
        G = NeuronGroup(1, "n : 1")

        @network_operation
        def op():
            pass
        with pytest.raises(NotImplementedError, match="network operations .* cannot run in a standalone"):
            run(1 * ms)
    finally:
        back_to_runtime()


def test_a_network_of_operations_only_compiles_nothing():
    calls = []

    @network_operation(dt=1 * ms)
    def f(t):
        calls.append(float(t / ms))

    run(3 * ms)
    assert calls == [0.0, 1.0, 2.0]


def test_scheduling_summary_shows_operations_and_runners_as_brian2():
    @network_operation(dt=1 * ms, name="an_op")
    def f(t):
        pass
    G = NeuronGroup(2, "dv/dt = -v/ms : 1\ns : 1 (shared)", name="cells")
    runner = G.run_regularly("s = 1; v = 1", name="cells_runner")
    rows = [(e.name, e.type, e.owner_name, e.when) for e in scheduling_summary().entries]
    assert rows == [("an_op", "NetworkOperation", "", "start"),
                    ("cells_runner", "CodeRunner", "cells", "start"),
                    ("cells_stateupdater", "StateUpdater", "cells", "groups")]
    assert "\nan_op (NetworkOperation) " in str(scheduling_summary())
    assert " | --  " in str(scheduling_summary())


# -- binned_rate (Brian2 2.10+; values from Brian2 2.11) ---------------------------------------

def _spikes_for_binning():
    G = SpikeGeneratorGroup(3, [0, 1, 2, 0, 1, 0], [0.0, 0.1, 0.25, 0.3, 0.55, 0.69] * ms)
    S = SpikeMonitor(G)
    R = PopulationRateMonitor(G)
    run(0.8 * ms)
    return S, R


def test_binned_rate_of_a_spike_monitor():
    S, R = _spikes_for_binning()
    bins, rates = S.binned_rate(0.2 * ms)
    assert np.allclose(bins / ms, [0, 0.2, 0.4, 0.6])
    assert np.allclose(rates / kHz, [[5, 5, 0, 5], [5, 0, 5, 0], [0, 5, 0, 0]])
    bins, rates = S.binned_rate(0.7 * ms)  # one complete bin
    assert np.allclose(rates / Hz, [[3000 / 0.7], [2000 / 0.7], [1000 / 0.7]])
    bins, rates = S.binned_rate(0.3 * ms)  # 2 complete bins; Brian2's % test refuses 0.3 ms / 0.1 ms
    assert np.allclose(rates / Hz, np.array([[1, 1], [1, 1], [1, 0]]) / 0.3e-3)  # 0.69 ms: incomplete bin


def test_binned_rate_of_a_population_rate_monitor():
    S, R = _spikes_for_binning()
    bins, rates = R.binned_rate(0.2 * ms)
    assert np.allclose(bins / ms, [0, 0.2, 0.4, 0.6])
    assert np.allclose(rates / Hz, [3333.3333333333335, 3333.3333333333335, 1666.6666666666667, 1666.6666666666667])
    bins, rates = R.binned_rate(0.1 * ms)  # one step per bin: the records themselves
    assert np.array_equal(bins, R.t) and np.array_equal(rates, R.rate)


def test_binned_rate_refuses_bad_bin_sizes():
    S, R = _spikes_for_binning()
    with pytest.raises(ValueError, match="bin_size has to be a multiple of dt"):
        S.binned_rate(0.15 * ms)
    with pytest.raises(ValueError, match="bin_size has to be a multiple of dt"):
        R.binned_rate(0 * ms)
    with pytest.raises(DimensionMismatchError):
        S.binned_rate(3)


# -- run_at and EventClock (Brian2 2.10+; values from Brian2 2.11) ------------------------------

def _run_at_model():
    G = NeuronGroup(1, "dv/dt = 1/second : 1\nx : 1\ntt : second", method="euler", name="g")
    runner = G.run_at("x += 1; tt = t", [0.3, 0.5, 1.2] * ms)
    M = StateMonitor(G, "x", record=0, when="end")
    return G, runner, M


RUN_AT_X = [0, 0, 0, 1, 1, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3]


def test_run_at_runs_in_the_steps_of_its_times_across_runs():
    G, runner, M = _run_at_model()
    assert (runner.name, runner.when, type(runner.clock).__name__, runner.clock.name) == \
        ("g_run_at", "start", "EventClock", "g_run_at_eventclock")
    run(1 * ms)
    assert float(G.tt[0] / ms) == pytest.approx(0.5)
    run(1 * ms)
    assert np.array_equal(M.x[0], RUN_AT_X)


def test_run_at_in_standalone(tmp_path):
    set_device("cpp_standalone", directory=tmp_path / "project", build_on_run=False)
    try:
        G, runner, M = _run_at_model()
        run(1 * ms)
        run(1 * ms)
        device.build(directory=tmp_path / "project")
        assert np.array_equal(M.x[0], RUN_AT_X)
    finally:
        back_to_runtime()


@pytest.mark.parametrize("time, step", [(0.3, 3), (0.21, 3), (0.29, 3), (0.2000000001, 2), (0.7, None)])
def test_run_at_times_between_steps_run_in_the_next_step(time, step):
    """Brian2 2.11: an event between steps runs in the next step (t of that step); one within
    1e-4 dt of a step runs in it; one after the run does not run."""
    H = NeuronGroup(1, "x : 1\ntt : second")
    H.run_at("x += 1; tt = t", [time] * ms)
    N = StateMonitor(H, "x", record=0)
    run(0.5 * ms)
    expected = np.zeros(5) if step is None else (np.arange(5) >= step).astype(float)
    assert np.array_equal(N.x[0], expected)
    assert float(H.tt[0]) == (0.0 if step is None else step * 0.1e-3)


def test_event_clock_checks_its_times():
    with pytest.raises(ValueError, match="must not contain duplicates"):
        EventClock([1, 1] * ms)
    with pytest.raises(DimensionMismatchError, match="'times' must have dimensions of time"):
        EventClock([1, 2])
    assert np.array_equal(EventClock([2, 1] * ms).times, [1, 2] * ms)


def _event_monitor():
    G = NeuronGroup(1, "dv/dt = 1/second : 1", method="euler")
    E = StateMonitor(G, "v", record=0, clock=EventClock([0.2, 0.7, 1.25] * ms))
    return G, E


def _check_event_records(E):
    """Brian2 2.11: the event times themselves, values of the step each falls in (1.25 ms: 1.3 ms)."""
    assert np.array_equal(E.t / ms, [0.2, 0.7, 1.25])
    assert np.allclose(E.v[0], [0.0002, 0.0007, 0.0013], rtol=0, atol=1e-15)


def test_a_state_monitor_records_at_the_times_of_its_event_clock():
    G, E = _event_monitor()
    run(1 * ms)
    assert np.array_equal(E.t / ms, [0.2, 0.7])
    run(1 * ms)
    _check_event_records(E)


def test_a_state_monitor_on_an_event_clock_in_standalone(tmp_path):
    set_device("cpp_standalone", directory=tmp_path / "project", build_on_run=False)
    try:
        G, E = _event_monitor()
        run(1 * ms)
        run(1 * ms)
        device.build(directory=tmp_path / "project")
        _check_event_records(E)
    finally:
        back_to_runtime()


def test_other_objects_refuse_an_event_clock_for_now():
    G = NeuronGroup(1, "dv/dt = -v/ms : 1", clock=EventClock([0.2] * ms), name="on_events")
    with pytest.raises(NotImplementedError, match="NeuronGroup 'on_events' on an EventClock"):
        run(1 * ms)


def test_store_and_restore_keep_a_groups_runners_and_operations():
    G = NeuronGroup(2, "n : 1")
    runner = G.run_regularly("n += 1")
    calls = []

    @network_operation
    def count():
        calls.append(1)
    net = Network(G, count)
    net.store()
    net.run(0.5 * ms)
    net.restore()
    assert G._contained_objects() == (runner,) and G.n[0] == 0  # the runner itself, not a copy
    net.run(0.5 * ms)
    assert G.n[0] == 5 and len(calls) == 10


def _random_runner():
    seed(3)
    G = NeuronGroup(4, "x : 1\ny : 1\ns : 1 (shared)")
    G.run_regularly("s = rand()*scale\nx = s + i\ny = randn()", dt=0.2 * ms)
    M = StateMonitor(G, ["x", "y"], record=True)
    return G, M


scale = 2.5


def test_random_runner_code_in_standalone_is_bit_identical_to_the_runtime(tmp_path):
    G, M = _random_runner()
    run(1 * ms)
    runtime = (M.x[:].copy(), M.y[:].copy())
    start_scope()
    set_device("cpp_standalone", directory=tmp_path / "project", build_on_run=False)
    try:
        G, M = _random_runner()
        run(1 * ms)
        device.build(directory=tmp_path / "project")
        assert np.array_equal(M.x[:], runtime[0]) and np.array_equal(M.y[:], runtime[1])
    finally:
        back_to_runtime()


@pytest.mark.parametrize("standalone", [False, True])
def test_run_regularly_writes_to_unless_refractory_variables_skip_refractory_neurons(standalone, tmp_path):
    """As Brian2 ('v[not_refractory] += 0.05'): Brian2 2.9 records v = [1.55, 0, 0, ...] over the
    first 1.2 ms (the neuron fires at once and its writes are dropped while it is refractory; they
    were added before the fix), and for Synapses writing v_post: G2.v = [0.49569106, 0] at 12 ms."""
    if standalone:
        set_device("cpp_standalone", directory=tmp_path / "project")
    try:
        G = NeuronGroup(1, "dv/dt = -v/(10*ms) : 1 (unless refractory)", threshold="v>1", reset="v=0",
                        refractory=2 * ms, method="euler", name="masked")
        G.v = 1.5
        G.run_regularly("v += 0.05", dt=0.3 * ms)
        M = StateMonitor(G, "v", record=True)
        G2 = NeuronGroup(2, "dv/dt = (1.2 - v)/(5*ms) : 1 (unless refractory)", threshold="v>1", reset="v=0",
                         refractory=2 * ms, method="euler", name="masked_targets")
        H = NeuronGroup(1, "x : 1", name="masked_source")
        S = Synapses(H, G2, "w : 1", name="masked_synapses")
        S.connect()
        S.w = [0.1, 0.2]
        S.run_regularly("v_post += w")
        run(12 * ms)
        assert np.allclose(M.v[0][:12], [1.55] + [0.0] * 11, rtol=0, atol=1e-12)
        assert np.allclose(G2.v[:], [0.49569106, 0.0], rtol=0, atol=1e-8)
    finally:
        if standalone:
            back_to_runtime()


def test_after_start_is_a_slot_between_start_and_the_groups():
    """Brian2 2.9 has 'after_start' (the slot was missing: a ValueError): a runner there runs
    after a StateMonitor in 'start' and before the state update (Brian2's M.v: [0, 1, 2])."""
    G = NeuronGroup(1, "v : 1")
    G.run_regularly("v += 1", when="after_start")
    M = StateMonitor(G, "v", record=0, when="start")
    Network(G, M).run(0.3 * ms)
    np.testing.assert_array_equal(M.v[0], [0, 1, 2])
