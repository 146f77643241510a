"""Network, magic run(), store/restore, continued runs, reports, errors and Ctrl-C.

The reference model is the exactly integrated LIF neuron of test_monitors.py,

    dv/dt = (I - v)/tau,   threshold v > vt,   reset v = vr = 0,

with I chosen so neuron k crosses threshold half a step between grid points and fires every
m_k steps, first at step m_k - 1 (Brian2's stamping: the step whose update crossed threshold;
checked by running Brian2 2.9.0). Expected spikes are therefore exact integers of steps.

Almost every test builds the same structure (group 'lif' with its SpikeMonitor, StateMonitor('v')
and PopulationRateMonitor, under fixed names), so they share one compiled model.
"""
from __future__ import annotations

import logging
import math
import signal
import threading
import warnings

import numpy as np
import pytest

from neurogen import (DimensionMismatchError, Network, NeuronGroup, PopulationRateMonitor,
                      SpikeMonitor, StateMonitor, Hz, defaultclock, mV, ms, run, second, start_scope, volt)

from lif_reference import (DT, EQS, NAMESPACE, TAU, VT, as_float, expected_spikes,  # noqa: E402,F401
                           expected_v, input_for_periods, lif)


def steps_of(t):
    """A time (Quantity) as a whole number of steps; fails if it is not one."""
    x = float(t / second) / DT
    assert abs(x - round(x)) < 1e-6, f"{t} is not a whole number of steps"
    return int(round(x))


def assert_spikes(M, periods, n_steps):
    want_i, want_steps = expected_spikes(periods, n_steps)
    np.testing.assert_array_equal(np.asarray(M.i), want_i)
    np.testing.assert_allclose(as_float(M.t, second), want_steps * DT, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(np.asarray(M.count)[:len(periods)],
                                  np.bincount(want_i, minlength=len(periods)))


def is_or_caused_by(error, kind):
    """Brian2 sometimes wraps the error and keeps the original as ``__cause__``."""
    return isinstance(error, kind) or isinstance(error.__cause__, kind)


def no_compile_records(caplog):
    return [r for r in caplog.records if "compiling network" in r.getMessage()]


# -- continued runs -------------------------------------------------------------------------


def results(G, M, S, R):
    return {"i": np.asarray(M.i).copy(), "t": as_float(M.t, second), "count": np.asarray(M.count),
            "S.t": as_float(S.t, second), "S.v": as_float(S.v, volt), "R.t": as_float(R.t, second),
            "R.rate": as_float(R.rate, Hz), "v": as_float(G.v[:], volt)}


@pytest.mark.parametrize("split_ms", [(50.0, 50.0), (33.3, 66.7), (10.0, 0.0, 45.5, 44.5)])
def test_several_runs_equal_one_run_bit_for_bit(split_ms):
    periods = [7, 13, 0, 20, 41, 3]
    one = lif(6, periods, v0=[0, 0, 0.5e-3, 0, 0, 0], state_dt=0.3 * ms)
    Network(*one).run(100 * ms)
    parts = lif(6, periods, v0=[0, 0, 0.5e-3, 0, 0, 0], state_dt=0.3 * ms)
    net = Network(*parts)
    for duration in split_ms:
        net.run(duration * ms)
    assert steps_of(net.t) == 1000
    want, got = results(*one), results(*parts)
    for key in want:
        assert want[key].shape == got[key].shape, key
        assert np.array_equal(want[key], got[key]), key  # bit for bit
    assert_spikes(parts[1], periods, 1000)
    assert len(got["S.t"]) == 334  # steps 0, 3, ..., 999
    assert len(got["R.t"]) == 1000


def test_magic_run_twice_continues_time_and_monitors():
    periods = [4, 9]
    G, M, S, R = lif(2, periods)
    run(5 * ms)
    run(5 * ms)
    assert_spikes(M, periods, 100)
    np.testing.assert_allclose(as_float(S.t, second), np.arange(100) * DT, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(as_float(G.v[:], volt), expected_v(periods, 100), rtol=1e-9)


# -- explicit Network -----------------------------------------------------------------------


def test_explicit_network_runs_only_its_objects():
    periods = [5, 0, 8]
    G = NeuronGroup(3, EQS, threshold="v > vt", reset="v = vr", method="exact", name="lif",
                    namespace=NAMESPACE)
    G.I = input_for_periods(periods) * volt
    M = SpikeMonitor(G, name="lif_spikes")
    left_out = StateMonitor(G, "v", record=True, name="lif_state")  # not part of the network
    other = NeuronGroup(1, EQS, threshold="v > vt", reset="v = vr", method="exact", name="other",
                        namespace=NAMESPACE)
    other.I = 5 * mV
    net = Network(G, M)
    net.run(10 * ms)
    assert steps_of(net.t) == 100
    assert_spikes(M, periods, 100)
    assert len(left_out.t) == 0
    assert float(other.v[0] / volt) == 0.0
    np.testing.assert_allclose(as_float(G.v[:], volt), expected_v(periods, 100), rtol=1e-9)
    net.run(2 * ms)
    assert steps_of(net.t) == 120
    assert_spikes(M, periods, 120)


def test_explicit_network_ignores_scope():
    """An explicit Network runs what it was given, whatever start_scope() did since."""
    periods = [6]
    parts = lif(1, periods)
    start_scope()
    net = Network(*parts)
    net.run(3 * ms)
    assert_spikes(parts[1], periods, 30)


# -- store / restore ------------------------------------------------------------------------


def test_store_restore_state_monitors_and_time():
    periods = [4, 9, 0]
    G, M, S, R = lif(3, periods, v0=[0, 0, 0.7e-3])
    net = Network(G, M, S, R)
    net.run(3 * ms)
    net.store()
    before = results(G, M, S, R)
    net.run(5 * ms)
    after = results(G, M, S, R)
    assert steps_of(net.t) == 80

    G.I = 0 * volt  # changed after store(): restore() brings it back too
    net.restore()
    assert steps_of(net.t) == 30
    now = results(G, M, S, R)
    for key in before:
        assert np.array_equal(before[key], now[key]), key
    assert M.num_spikes == len(before["i"])
    np.testing.assert_array_equal(as_float(G.I[:], volt), input_for_periods(periods))

    net.run(5 * ms)  # deterministic: the same spikes and traces again
    again = results(G, M, S, R)
    for key in after:
        assert np.array_equal(after[key], again[key]), key
    assert_spikes(M, periods, 80)


def test_store_named_snapshot_before_first_run():
    periods = [4, 9]
    G, M, S, R = lif(2, periods)
    net = Network(G, M, S, R)
    net.store("initial")
    net.run(2 * ms)
    net.store("later")
    net.run(2 * ms)
    net.restore("initial")
    assert steps_of(net.t) == 0
    assert len(M.i) == 0 and M.num_spikes == 0 and list(M.count) == [0, 0]
    assert len(S.t) == 0 and S.v.shape == (2, 0) and len(R.rate) == 0
    np.testing.assert_array_equal(as_float(G.v[:], volt), [0, 0])
    net.run(1 * ms)
    assert_spikes(M, periods, 10)
    net.restore("later")
    assert steps_of(net.t) == 20
    assert_spikes(M, periods, 20)
    net.run(2 * ms)
    assert_spikes(M, periods, 40)
    with pytest.raises(KeyError):
        net.restore("never stored")


# -- magic run(): collecting objects --------------------------------------------------------


def test_magic_run_collects_objects_inside_containers():
    """Brian2 silently drops objects kept only in containers; neurogen collects them."""
    periods = [5, 7]
    parts = lif(2, periods)
    groups = [parts[0]]
    spike_monitors = (parts[1],)
    monitors = {"state": parts[2]}
    rate_monitors = {parts[3]}
    del parts
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run(4 * ms)
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]
    assert_spikes(spike_monitors[0], periods, 40)
    assert len(monitors["state"].t) == 40
    assert len(next(iter(rate_monitors)).rate) == 40
    np.testing.assert_allclose(as_float(groups[0].v[:], volt), expected_v(periods, 40), rtol=1e-9)


def test_magic_run_collects_objects_in_a_dict_of_lists():
    periods = [3]
    G, M, S, R = lif(1, periods)
    model = {"neurons": [G], "monitors": [M, S, R]}
    del G, M, S, R
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run(2 * ms)
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]
    assert_spikes(model["monitors"][0], periods, 20)


class _Holder:
    """Keeps an object alive where run() does not look (an attribute of an arbitrary object)."""


def test_magic_run_warns_about_unreachable_objects():
    periods = [5, 0]
    G, M, S, R = lif(2, periods)
    holder = _Holder()
    holder.group = NeuronGroup(1, EQS, threshold="v > vt", reset="v = vr", method="exact",
                               name="hidden_group", namespace=NAMESPACE)
    holder.group.v = 0.5 * mV
    with pytest.warns(RuntimeWarning, match="hidden_group") as record:
        run(3 * ms)
    messages = " ".join(str(w.message) for w in record if issubclass(w.category, RuntimeWarning))
    assert "lif_spikes" not in messages and "'lif'" not in messages
    assert float(holder.group.v[0] / mV) == pytest.approx(0.5, rel=0, abs=1e-15)  # not simulated
    assert_spikes(M, periods, 30)


class _Registry:
    """A registry object (not a list, dict or set), like those some user code keeps."""

    def __init__(self):
        self._items = []

    def append(self, obj):
        self._items.append(obj)

    def clear(self):
        self._items.clear()


_REGISTRY = _Registry()


def _make_hidden_group():
    _REGISTRY.append(NeuronGroup(1, EQS, threshold="v > vt", reset="v = vr", method="exact",
                                 name="made_in_helper", namespace=NAMESPACE))


def test_magic_run_warns_about_object_created_in_helper_and_kept_elsewhere():
    periods = [5]
    G, M, S, R = lif(1, periods)
    _make_hidden_group()  # alive (the registry holds it) but not reachable from this frame
    try:
        with pytest.warns(RuntimeWarning, match="made_in_helper"):
            run(1 * ms)
    finally:
        _REGISTRY.clear()
    assert_spikes(M, periods, 10)


def test_start_scope_hides_earlier_objects():
    old_periods = [3, 3]
    G_old, M_old, S_old, R_old = lif(2, old_periods)
    run(1 * ms)
    assert_spikes(M_old, old_periods, 10)
    start_scope()
    periods = [7, 0]
    G, M, S, R = lif(2, periods)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run(2 * ms)
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]
    # the new objects start a new simulation at t = 0 (Brian2: new objects, new time)
    np.testing.assert_allclose(as_float(S.t, second), np.arange(20) * DT, rtol=1e-12, atol=1e-15)
    assert_spikes(M, periods, 20)
    # the old ones were not run again
    assert_spikes(M_old, old_periods, 10)
    assert len(S_old.t) == 10
    np.testing.assert_allclose(as_float(G_old.v[:], volt), expected_v(old_periods, 10), rtol=1e-9)


# -- external constants ---------------------------------------------------------------------


def test_changing_external_constant_between_runs_takes_effect_without_compiling(caplog):
    tau = 10 * ms
    vt = 1 * mV
    vr = 0 * mV
    v0 = np.array([0.5e-3, 0.9e-3])  # below threshold, no input: pure decay
    G, M, S, R = lif(2, v0=v0, namespace=None)
    run(1 * ms)
    tau = 2 * ms
    caplog.set_level(logging.INFO, logger="neurogen")
    caplog.clear()
    run(1 * ms)
    assert not no_compile_records(caplog), "changing a constant's value must not compile again"
    k = np.arange(20)
    t1 = np.minimum(k, 10) * DT
    t2 = np.maximum(k - 10, 0) * DT
    want = v0[:, None] * np.exp(-t1 / 10e-3 - t2 / 2e-3)[None, :]
    np.testing.assert_allclose(as_float(S.v, volt), want, rtol=1e-12)
    np.testing.assert_allclose(as_float(G.v[:], volt), v0 * math.exp(-1e-3 / 10e-3 - 1e-3 / 2e-3),
                               rtol=1e-12)
    assert M.num_spikes == 0

    vt = 0.1 * mV  # threshold constant too: both neurons now fire at once and reset
    caplog.clear()
    run(0.2 * ms)
    assert not no_compile_records(caplog)
    assert list(M.i) == [0, 1]
    np.testing.assert_allclose(as_float(M.t, ms), [2.0, 2.0], atol=1e-9)


def test_run_namespace_replaces_the_callers_names():
    """Brian2: with run(namespace=...), the caller's locals and globals are not used."""
    tau = 1 * second  # would give almost no decay if it were used
    vt = 1 * mV
    vr = 0 * mV
    v0 = np.array([0.5e-3])
    G, M, S, R = lif(1, v0=v0, namespace=None)
    run(1 * ms, namespace={"tau": 2 * ms, "vt": 1 * mV, "vr": 0 * mV})
    np.testing.assert_allclose(as_float(G.v[:], volt), v0 * math.exp(-1e-3 / 2e-3), rtol=1e-12)


def test_group_namespace_takes_precedence_over_run_namespace():
    v0 = np.array([0.5e-3])
    G, M, S, R = lif(1, v0=v0)  # its own namespace: tau = 10 ms
    run(1 * ms, namespace={"tau": 2 * ms, "vt": 1 * mV, "vr": 0 * mV})
    np.testing.assert_allclose(as_float(G.v[:], volt), v0 * math.exp(-1e-3 / TAU), rtol=1e-12)


# -- progress reports -----------------------------------------------------------------------


def test_report_text_prints_progress(capsys):
    G, M, S, R = lif(1, [5])
    net = Network(G, M, S, R)
    net.run(2 * ms, report="text")
    out = capsys.readouterr().out
    assert "100%" in out
    assert out.strip()


def test_report_callable_gets_elapsed_completed_start_duration():
    G, M, S, R = lif(1, [5])
    net = Network(G, M, S, R)
    net.run(1 * ms)
    calls = []
    net.run(3 * ms, report=lambda *args: calls.append(args))
    assert calls
    for elapsed, completed, start, duration in calls:
        assert float(elapsed / second) >= 0
        assert 0.0 <= completed <= 1.0 + 1e-9
        assert float(start / ms) == pytest.approx(1.0)
        assert float(duration / ms) == pytest.approx(3.0)
    completed = [c[1] for c in calls]
    assert completed == sorted(completed)
    assert completed[-1] == pytest.approx(1.0)
    assert_spikes(M, [5], 40)


# -- errors users catch ---------------------------------------------------------------------


def test_negative_duration_is_a_value_error():
    G, M, S, R = lif(1, [5])
    net = Network(G, M, S, R)
    with pytest.raises(ValueError):
        net.run(-1 * ms)
    with pytest.raises(ValueError):
        run(-1 * ms)
    assert steps_of(net.t) == 0 and len(S.t) == 0


def test_unknown_integration_method_is_a_value_error():
    tau = 10 * ms
    with pytest.raises(Exception) as info:
        G = NeuronGroup(1, "dv/dt = -v/tau : volt", method="no_such_method", name="bad_method")
        run(1 * ms)
    assert is_or_caused_by(info.value, ValueError), repr(info.value)
    assert "no_such_method" in str(info.value) or "no_such_method" in str(info.value.__cause__)


def test_undefined_name_error_names_it():
    G = NeuronGroup(1, "dv/dt = -v/tau_nowhere_defined : volt", method="exact", name="undefined")
    with pytest.raises(Exception) as info:
        run(1 * ms)
    assert "tau_nowhere_defined" in str(info.value)


def test_undefined_name_error_names_the_model_line():
    """semantics.md: an unknown name raises "a clear exception that names the culprit and the
    model line" (here: the equation, and the threshold)."""
    G = NeuronGroup(1, "dv/dt = -v/tau_nowhere_defined : volt", method="exact", name="undefined")
    with pytest.raises(Exception) as info:
        run(1 * ms)
    assert "dv/dt = -v/tau_nowhere_defined" in str(info.value)
    start_scope()
    G = NeuronGroup(1, "dv/dt = -v/(10*ms) : volt", threshold="v > vt_nowhere", method="exact",
                    name="undefined")
    with pytest.raises(Exception) as info:
        run(1 * ms)
    message = str(info.value)
    assert "vt_nowhere" in message and "threshold" in message


def _mismatch_cases():
    def equation():
        tau = 10 * ms
        G = NeuronGroup(1, "dv/dt = v : volt", method="euler", name="bad_units")
        Network(G).run(0.1 * ms)

    def parameter_in_equation():
        tau = 10 * ms
        G = NeuronGroup(1, "dv/dt = (I - v)/tau : volt\nI : amp", method="euler", name="bad_units")
        Network(G).run(0.1 * ms)

    def threshold():
        tau = 10 * ms
        G = NeuronGroup(1, "dv/dt = -v/tau : volt", threshold="v > 1", method="exact", name="bad_units")
        Network(G).run(0.1 * ms)

    def threshold_constant():
        tau = 10 * ms
        vt = 3 * second
        G = NeuronGroup(1, "dv/dt = -v/tau : volt", threshold="v > vt", method="exact", name="bad_units")
        Network(G).run(0.1 * ms)

    def reset():
        tau = 10 * ms
        G = NeuronGroup(1, "dv/dt = -v/tau : volt", threshold="v > 1*mV", reset="v = 1*second",
                        method="exact", name="bad_units")
        Network(G).run(0.1 * ms)

    def assignment():
        G = NeuronGroup(1, "dv/dt = -v/tau : volt", method="exact", name="bad_units")
        G.v = 5 * second

    def assignment_number():
        G = NeuronGroup(1, "dv/dt = -v/tau : volt", method="exact", name="bad_units")
        G.v = 5

    def assignment_string():
        G = NeuronGroup(1, "dv/dt = -v/tau : volt", method="exact", name="bad_units")
        G.v = "5*second"

    return [equation, parameter_in_equation, threshold, threshold_constant, reset, assignment,
            assignment_number, assignment_string]


@pytest.mark.parametrize("case", _mismatch_cases(), ids=lambda f: f.__name__)
def test_unit_mismatch_raises_dimension_mismatch_error(case):
    with pytest.raises(Exception) as info:
        case()
    assert is_or_caused_by(info.value, DimensionMismatchError), repr(info.value)


def test_monitor_of_group_outside_network_is_a_clear_error():
    G, M, S, R = lif(1, [5])
    with pytest.raises(Exception) as info:
        Network(M).run(1 * ms)
    message = str(info.value)
    assert "lif_spikes" in message and "lif" in message.replace("lif_spikes", "")
    with pytest.raises(Exception) as info:
        Network(S, R).run(1 * ms)
    assert "lif" in str(info.value)
    assert len(S.t) == 0 and len(R.t) == 0


# -- Ctrl-C ---------------------------------------------------------------------------------

N_BIG = 10000          # ~15 us per step: 100 s of simulated time would take ~15 s of wall time
PERIODS_BIG = [7, 13, 20]


def _check_interrupted(net, G, M, S, R, duration_steps):
    n = steps_of(net.t)
    assert 0 < n < duration_steps
    assert int(np.asarray(M.count).sum()) == len(M.i) == M.num_spikes
    assert_spikes(M, PERIODS_BIG, n)
    assert len(R.t) == len(R.rate) == n
    np.testing.assert_allclose(as_float(R.t, second), np.arange(n) * DT, rtol=1e-12, atol=1e-15)
    # the state monitor records every 10 steps: steps 0, 10, ... below n
    np.testing.assert_allclose(as_float(S.t, second), np.arange(0, n, 10) * DT, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(as_float(G.v[:3], volt), expected_v(PERIODS_BIG, n), rtol=1e-9)
    return n


def _big_network():
    G, M, S, R = lif(N_BIG, PERIODS_BIG, record=[0, 1, 2], state_dt=1 * ms)
    return Network(G, M, S, R), (G, M, S, R)


def test_ctrl_c_from_report_callable_stops_cleanly_and_run_continues():
    net, (G, M, S, R) = _big_network()
    calls = []

    def report(elapsed, completed, start, duration):
        calls.append(completed)
        if len(calls) == 2:  # once the loop is running
            signal.raise_signal(signal.SIGINT)

    duration_steps = 1_000_000
    with pytest.raises(KeyboardInterrupt):
        net.run(duration_steps * DT * second, report=report, report_period=0.05 * second)
    n = _check_interrupted(net, G, M, S, R, duration_steps)
    net.run(5 * ms)
    assert steps_of(net.t) == n + 50
    assert_spikes(M, PERIODS_BIG, n + 50)
    assert len(R.t) == n + 50
    assert int(np.asarray(M.count).sum()) == len(M.i)


def test_ctrl_c_from_another_thread_stops_cleanly_and_run_continues():
    net, (G, M, S, R) = _big_network()
    net.run(0.1 * ms)  # compiled and loaded: the signal will arrive inside the step loop
    timer = threading.Timer(0.3, signal.raise_signal, args=(signal.SIGINT,))
    duration_steps = 1_000_000
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            net.run(duration_steps * DT * second)
    finally:
        timer.cancel()
    n = _check_interrupted(net, G, M, S, R, duration_steps)
    net.run(5 * ms)
    assert steps_of(net.t) == n + 50
    assert_spikes(M, PERIODS_BIG, n + 50)


def test_module_level_store_and_restore_like_brian2():
    """store()/restore() without a Network act on the objects visible from the caller."""
    from neurogen import ms, restore, run, store
    tau = 10 * ms  # noqa: F841
    G = NeuronGroup(1, "dv/dt = -v/tau : 1", method="exact")
    G.v = 1.0
    store()
    run(10 * ms)
    assert float(G.v[0]) == pytest.approx(np.exp(-1), rel=1e-12)
    restore()
    assert float(G.v[0]) == 1.0
    run(5 * ms)
    assert float(G.v[0]) == pytest.approx(np.exp(-0.5), rel=1e-12)


def test_run_length_follows_brian2_clock_rule():
    """Nearest step when within 1e-4 dt, else the next step up (Brian2's Clock)."""
    from neurogen import defaultclock

    G = NeuronGroup(1, "dv/dt = 1/second : 1", method="euler")
    net = Network(G)
    # runs end at 0.04, 0.19, 0.39 and 0.5900000001 ms: steps ceil(0.4) = 1, ceil(1.9) = 2,
    # ceil(3.9) = 4, and 6 (within 1e-4 dt of a whole step, so rounded, not raised to 7)
    for duration_ms, total_steps in [(0.04, 1), (0.15, 2), (0.2, 4), (0.2000000001, 6)]:
        net.run(duration_ms * ms)
        assert float(G.v[0]) == pytest.approx(total_steps * float(defaultclock.dt / second))


def test_restore_draws_new_random_numbers_unless_asked_not_to():
    from neurogen import restore, run, seed, store

    seed(4)
    G = NeuronGroup(200, "dv/dt = rand()/ms : 1", method="euler")
    store()
    finals = []
    for keep in (False, False, True):
        restore(restore_random_state=keep)
        run(1 * ms)
        finals.append(np.asarray(G.v).copy())
    assert not np.array_equal(finals[0], finals[1])
    # restore_random_state=True returns to the random numbers of the stored state: those a
    # fresh run right after seed(4) draws
    seed(4)
    H = NeuronGroup(200, "dv/dt = rand()/ms : 1", method="euler")  # same stream as G had
    del G
    run(1 * ms)
    np.testing.assert_array_equal(np.asarray(H.v), finals[2])


def test_objects_keep_their_time_when_they_join_another_network():
    G = NeuronGroup(1, "dv/dt = 1/second : 1", method="euler")
    first = Network(G)
    first.run(5 * ms)
    later = Network(G)
    later.run(5 * ms)  # continues from G's time
    assert float(later.t / ms) == pytest.approx(10.0)
    assert float(G.v[0]) == pytest.approx(0.01)
    with pytest.raises(Exception, match="another network"):
        first.run(1 * ms)  # first is at 5 ms, G at 10 ms


def test_size_and_recorded_indices_are_fixed():
    G = NeuronGroup(3, "v : 1")
    S = StateMonitor(G, "v", record=[0, 2])
    with pytest.raises(AttributeError):
        G.N = 10_000_000
    with pytest.raises(AttributeError):
        S.record = np.array([0, 50_000_000], dtype=np.int32)
    S.record[0] = 99  # a copy: the monitor is unaffected
    assert list(S.record) == [0, 2]


def test_time_in_a_string_assignment_is_the_groups_time():
    G = NeuronGroup(2, "x : second\ndv/dt = -v/(10*ms) : 1")
    run(5 * ms)
    G.x = "t"
    np.testing.assert_allclose(np.asarray(G.x), 5e-3, rtol=1e-12)


@pytest.mark.parametrize("model", ["exp : 1", "pi : 1", "v_post : 1"])
def test_names_of_the_model_language_are_refused_clearly(model):
    """Function and constant names (and Brian2's _pre/_post suffixes) cannot be variables."""
    from neurogen import EquationError

    with pytest.raises(EquationError, match="rename|not a valid|suffix"):
        G = NeuronGroup(1, model)  # noqa: F841  (collected by run())
        run(0.1 * ms)


def test_names_that_are_cpp_keywords_or_macros_work():
    """Bug: model names such as true, RAND_MAX, pow or double gave g++ errors (Brian2 accepts
    them); every model name is renamed in the generated C++, so any name Brian2 accepts works."""
    names = ["true", "false", "RAND_MAX", "UINT32_MAX", "HUGE_VAL", "M_LN2", "pow", "fabs", "auto",
             "double", "int32_t", "NULL", "std", "ng", "unix", "errno", "delete", "main"]
    constants = {"INFINITY": 2.0, "EOF": 3.0, "sqrtf": 5.0, "size_t": 7.0}
    # 'refractory' as a variable next to refractory=1*ms: two different things, as in Brian2
    model = "\n".join(f"{n} : 1" for n in names) + "\ndrefractory/dt = -refractory/NAN : 1"
    G = NeuronGroup(3, model, threshold="true < M_LN2", reset="false = pow*INFINITY + EOF",
                    refractory=1 * ms, method="exact",
                    namespace={**constants, "NAN": 10 * ms})
    for k, n in enumerate(names):
        setattr(G, n, k + 1.0)
    G.refractory = 1.0
    G.fabs = "auto*double + sqrtf - size_t"
    run(0.1 * ms)
    assert list(G.fabs) == [9 * 10 + 5.0 - 7.0] * 3
    assert list(G.false) == [7.0 * 2.0 + 3.0] * 3  # the reset ran: true (1) < M_LN2 (6)
    np.testing.assert_allclose(G.refractory, np.exp(-0.1 / 10), rtol=1e-12)


def test_many_short_runs_round_on_the_total_time_like_brian2():
    G = NeuronGroup(1, "dv/dt = 1/ms : 1", method="euler")
    M = StateMonitor(G, "v", record=0)
    for _ in range(4):
        run(0.25 * ms)
    assert float(G.v[0]) == pytest.approx(1.0)
    assert len(M.t) == 10


def test_changing_dt_needs_a_whole_number_of_new_steps():
    from neurogen import defaultclock

    G = NeuronGroup(1, "dv/dt = 1/ms : 1", method="euler")
    net = Network(G)
    net.run(10.05 * ms)
    defaultclock.dt = 0.2 * ms  # 10.05 ms is 50.25 steps of 0.2 ms
    with pytest.raises(ValueError, match="whole number of steps"):
        net.run(1 * ms)


def test_a_model_variable_shadowing_an_outside_value_warns_like_brian2():
    v0 = 5 * mV  # noqa: F841  (the tutorial's loop variable)
    G = NeuronGroup(1, "dv/dt = (v0 - v)/(10*ms) : volt\nv0 : volt", method="exact")  # noqa: F841
    with pytest.warns(UserWarning, match="v0"):
        run(0.1 * ms)


def test_a_run_shorter_than_half_a_step_moves_every_object_on():
    """It simulates no step, but the next run must start at the new time (was an error)."""
    start_scope()
    G = NeuronGroup(1, "dv/dt = -v/(10*ms) : 1", method="exact")
    run(0.05 * ms)
    run(0.04 * ms)
    run(1 * ms)
    # the network's time is 1.09 ms; G.t is its clock's, 11 whole steps (Brian2 2.9: 1.1 ms)
    assert abs(float(G.t / ms) - 1.1) < 1e-9


def test_constants_named_like_neurogens_own_values_are_refused():
    """Bug: a constant '_dt' (or '_refractory') was the struct member holding the clock's dt."""
    G = NeuronGroup(1, "dv/dt = -v/_dt : 1", method="euler", namespace={"_dt": 5 * ms})
    with pytest.raises(NotImplementedError, match="'_dt' starts with '_'"):
        run(0.1 * ms)


def test_a_constant_named_like_a_record_buffer_is_its_own_value():
    """Bug: a constant 'rec_v' and the StateMonitor's buffer for v shared a C++ member name."""
    G = NeuronGroup(2, "v : 1\nI = rec_v*v : 1", namespace={"rec_v": 2.0})
    G.v = [1.0, 3.0]
    M = StateMonitor(G, ["I", "v"], record=True)
    run(0.1 * ms)
    assert list(M.I[:, 0]) == [2.0, 6.0] and list(M.v[:, 0]) == [1.0, 3.0]


def test_two_objects_of_one_name_in_a_network_are_refused():
    """Bug: two groups named 'g' ran together (results and standalone files are found by name,
    so one stood for the other). Brian2 raises ValueError at run(), not when the Network is made."""
    G = NeuronGroup(3, "v : 1", name="g")
    H = NeuronGroup(4, "v : 1", name="g")
    net = Network(G, H)
    with pytest.raises(ValueError, match="unique names.*'g' names a NeuronGroup of 3 neurons and a "
                                         "NeuronGroup of 4 neurons"):
        net.run(0.1 * ms)
    with pytest.raises(ValueError, match="'g' names a NeuronGroup of 3 neurons and a NeuronGroup of 4"):
        run(0.1 * ms)
    M = StateMonitor(G, "v", record=0, name="g")
    with pytest.raises(ValueError, match="'g' names a NeuronGroup of 3 neurons and a StateMonitor"):
        Network(G, M).run(0.1 * ms)
    Network(G).run(0.1 * ms)  # alone, each is fine
    Network(H).run(0.1 * ms)


@pytest.mark.parametrize("dt_ms, runs_ms, expected_ms", [
    (0.1, [1e-6], 0.0), (0.3, [0.04], 0.3), (0.3, [0.04, 0.04], 0.3), (0.3, [0.31], 0.6),
    (0.1, [1.00000001], 1.0), (0.1, [0.3, 0.04], 0.4)])
def test_the_time_after_a_run_is_a_whole_number_of_steps(dt_ms, runs_ms, expected_ms):
    """Bug: G.t showed the requested end (1 ns after run(1e-9*second), which ran no step;
    340.001 us after run(0.04*ms) at 300 us) instead of the steps taken times dt. Brian2 2.9's
    G.t and defaultclock.t for the same runs; string assignments see that time too."""
    start_scope()
    defaultclock.dt = dt_ms * ms
    G = NeuronGroup(1, "x : second")
    for duration in runs_ms:
        run(duration * ms)
    assert abs(float(G.t / ms) - expected_ms) < 1e-9
    assert abs(float(defaultclock.t / ms) - expected_ms) < 1e-9
    G.x = "t"
    assert abs(float(G.x[0] / ms) - expected_ms) < 1e-9
    defaultclock.dt = 0.1 * ms


def test_each_clock_keeps_its_own_whole_steps():
    """A group on a coarser clock ends at its own next step (Brian2 2.9: 0.6 ms and 0.4 ms),
    also after restore(); the network's time stays the requested end."""
    start_scope()
    G = NeuronGroup(1, "v : 1", dt=0.3 * ms)
    H = NeuronGroup(1, "v : 1")
    net = Network(G, H)
    net.run(0.3 * ms)
    net.run(0.04 * ms)
    assert abs(float(net.t / ms) - 0.34) < 1e-9
    assert abs(float(G.t / ms) - 0.6) < 1e-9 and abs(float(H.t / ms) - 0.4) < 1e-9
    net.store()
    net.run(1 * ms)
    net.restore()
    assert abs(float(G.t / ms) - 0.6) < 1e-9 and abs(float(defaultclock.t / ms) - 0.4) < 1e-9


@pytest.mark.parametrize("dt", [np.inf * second, np.nan * second, 0 * second, -1 * ms])
def test_a_time_step_that_is_not_positive_and_finite_is_refused(dt):
    """Bug: defaultclock.dt = inf was accepted (Brian2 accepts any value)."""
    with pytest.raises(ValueError, match="dt must be positive and finite"):
        defaultclock.dt = dt
    with pytest.raises(ValueError, match="dt must be positive and finite"):
        NeuronGroup(1, "v : 1", dt=dt)
    assert defaultclock.dt == 0.1 * ms
