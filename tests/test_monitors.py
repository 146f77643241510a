"""Monitors (SpikeMonitor, StateMonitor, PopulationRateMonitor) against analytic results.

The reference model is a leaky integrate-and-fire neuron integrated exactly,

    dv/dt = (I - v)/tau,   threshold v > vt,   reset v = vr = 0,

whose trajectory from v = 0 is v(t) = I (1 - exp(-t/tau)). Brian2 semantics (checked by running
Brian2 2.9.0): the state update of the step that starts at t computes v(t + dt); the threshold
test of that same step fires, so the spike is stamped t. If the first grid point with
v(k dt) > vt is k = m, the first spike is at (m - 1) dt, and as the reset v = 0 is in effect at
the start of the next step, the neuron then fires every m steps: (m - 1) dt + j m dt.
The input I of each neuron is chosen so the threshold is crossed exactly half a step between
grid points (never near a rounding boundary).

All tests share one compiled model structure (same equations, names and monitor set; N,
parameters and initial values are runtime data), plus one each for ``record=False`` spike
monitoring and for recording a subexpression.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from neurogen import (Hz, Network, NeuronGroup, PopulationRateMonitor, Quantity, SpikeMonitor,
                      StateMonitor, have_same_dimensions, mV, ms, second, volt)

from lif_reference import (DT, EQS, TAU, VT, as_float, expected_spikes,  # noqa: E402,F401
                           expected_traces, input_for_periods, lif)


# -- SpikeMonitor ---------------------------------------------------------------------------


def test_spike_times_of_brian2_example():
    """Brian2 2.9.0 printed these for I = [1.5, 3.0] mV, tau = 10 ms, run(50*ms)."""
    G, M, S, R = lif(2)
    G.I = [1.5, 3.0] * mV
    Network(G, M, S, R).run(50 * ms)
    assert list(M.i[:6]) == [1, 1, 0, 1, 1, 1]
    np.testing.assert_allclose(as_float(M.t[:6], ms), [4.0, 8.1, 10.9, 12.2, 16.3, 20.4], atol=1e-9)
    assert list(M.count) == [4, 12]
    assert M.num_spikes == 16
    trains = M.spike_trains()
    np.testing.assert_allclose(as_float(trains[0], ms), [10.9, 21.9, 32.9, 43.9], atol=1e-9)
    np.testing.assert_allclose(as_float(trains[1], ms), 4.0 + 4.1 * np.arange(12), atol=1e-9)


def test_spike_monitor_matches_analytic_lif():
    periods = [7, 13, 0, 20, 41, 3]
    n_steps = 500
    G, M, S, R = lif(len(periods), periods)
    Network(G, M, S, R).run(n_steps * DT * second)
    want_i, want_steps = expected_spikes(periods, n_steps)

    i = np.asarray(M.i)
    assert i.dtype.kind in "iu"
    np.testing.assert_array_equal(i, want_i)

    assert isinstance(M.t, Quantity)
    assert have_same_dimensions(M.t, second)
    np.testing.assert_allclose(as_float(M.t, second), want_steps * DT, rtol=1e-12, atol=1e-15)

    want_count = np.bincount(want_i, minlength=len(periods))
    np.testing.assert_array_equal(np.asarray(M.count), want_count)
    assert M.num_spikes == len(want_i) == int(want_count.sum())

    # the StateMonitor (start of step) never sees a value above threshold: the reset of the
    # spiking step comes first, and the next record shows 0
    np.testing.assert_allclose(as_float(S.v, volt), expected_traces(periods, n_steps), rtol=1e-9, atol=1e-18)
    assert float(np.max(as_float(S.v, volt))) < VT


def test_spike_trains():
    periods = [0, 9, 4]
    n_steps = 100
    G, M, S, R = lif(len(periods), periods)
    Network(G, M, S, R).run(n_steps * DT * second)
    trains = M.spike_trains()
    assert sorted(trains) == [0, 1, 2]
    assert len(trains[0]) == 0
    for k, m in enumerate(periods):
        assert have_same_dimensions(trains[k], second)
        want = np.arange(m - 1, n_steps, m) * DT if m else np.zeros(0)
        np.testing.assert_allclose(as_float(trains[k], second), want, rtol=1e-12, atol=1e-15)


def test_spike_monitor_record_false_counts_only():
    periods = [5, 0, 12]
    n_steps = 200
    G = NeuronGroup(3, EQS, threshold="v > vt", reset="v = vr", method="exact", name="lif",
                    namespace={"tau": TAU * second, "vt": VT * volt, "vr": 0 * volt})
    G.I = input_for_periods(periods) * volt
    M = SpikeMonitor(G, record=False, name="lif_counts")
    Network(G, M).run(n_steps * DT * second)
    want_i, _ = expected_spikes(periods, n_steps)
    np.testing.assert_array_equal(np.asarray(M.count), np.bincount(want_i, minlength=3))
    assert M.num_spikes == len(want_i)
    # No spike times are kept (Brian2 has no ``t`` attribute at all in this case).
    try:
        times = M.t
    except AttributeError:
        pass
    else:
        assert len(times) == 0


# -- StateMonitor ---------------------------------------------------------------------------


def test_state_monitor_records_at_start_of_step_exponential_decay():
    v0 = np.array([0.0, 0.2, 0.4, 0.6, 0.8]) * 1e-3  # below threshold, no input: pure decay
    n_steps = 20
    G, M, S, R = lif(5, v0=v0)
    Network(G, M, S, R).run(n_steps * DT * second)

    assert isinstance(S.v, Quantity) and have_same_dimensions(S.v, volt)
    assert S.v.shape == (5, n_steps)
    assert have_same_dimensions(S.t, second)
    k = np.arange(n_steps)
    np.testing.assert_allclose(as_float(S.t, second), k * DT, rtol=1e-12, atol=1e-15)
    # the first record (t = 0) is the initial value; the last one is taken at t = 1.9 ms
    np.testing.assert_array_equal(as_float(S.v[:, 0], volt), v0)
    want = v0[:, None] * np.exp(-k[None, :] * DT / TAU)
    np.testing.assert_allclose(as_float(S.v, volt), want, rtol=1e-12, atol=1e-20)
    np.testing.assert_allclose(np.asarray(S.v_), want, rtol=1e-12, atol=1e-20)
    # the group itself is one step further than the last record
    np.testing.assert_allclose(as_float(G.v[:], volt), v0 * math.exp(-n_steps * DT / TAU),
                               rtol=1e-12, atol=1e-20)
    assert M.num_spikes == 0


def test_state_monitor_record_indices_and_item_access():
    n = 8
    v0 = np.arange(n) * 1e-4
    G, M, S, R = lif(n, v0=v0, record=[5, 2])
    Network(G, M, S, R).run(1 * ms)
    k = np.arange(10)
    assert S.v.shape == (2, 10)
    decay = np.exp(-k * DT / TAU)
    np.testing.assert_allclose(as_float(S.v[0], volt), v0[5] * decay, rtol=1e-12)
    np.testing.assert_allclose(as_float(S.v[1], volt), v0[2] * decay, rtol=1e-12)
    # mon[i] selects by the neuron's index in the group, not by the row
    assert have_same_dimensions(S[5].v, volt)
    np.testing.assert_allclose(as_float(S[5].v, volt), v0[5] * decay, rtol=1e-12)
    np.testing.assert_allclose(as_float(S[2].v, volt), v0[2] * decay, rtol=1e-12)
    with pytest.raises(IndexError):
        S[3]  # not recorded (Brian2: IndexError)


def test_state_monitor_item_view_t_is_the_full_time_array():
    """Brian2: ``mon[1].t`` is the monitor's whole time array (as in ``plot(mon[1].t, mon[1].v)``)."""
    G, M, S, R = lif(3, v0=[0.0, 1e-4, 2e-4], record=True)
    Network(G, M, S, R).run(0.3 * ms)
    assert have_same_dimensions(S[1].t, second)
    np.testing.assert_allclose(as_float(S[1].t, second), [0, DT, 2 * DT], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(np.asarray(S[1].t_), [0, DT, 2 * DT], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(np.asarray(S[1].v_), 1e-4 * np.exp(-np.arange(3) * DT / TAU), rtol=1e-12)


def test_state_monitor_record_true_item_access():
    n = 6
    v0 = np.arange(n) * 1e-4
    G, M, S, R = lif(n, v0=v0, record=True)
    Network(G, M, S, R).run(0.5 * ms)
    k = np.arange(5)
    np.testing.assert_allclose(as_float(S[5].v, volt), v0[5] * np.exp(-k * DT / TAU), rtol=1e-12)
    np.testing.assert_allclose(as_float(S[0].v, volt), np.zeros(5), atol=0)


def test_state_monitor_record_false_records_only_time():
    G, M, S, R = lif(4, v0=[0.1e-3] * 4, record=False)
    Network(G, M, S, R).run(2 * ms)
    assert S.v.shape == (0, 20)
    np.testing.assert_allclose(as_float(S.t, second), np.arange(20) * DT, rtol=1e-12, atol=1e-15)


def test_state_monitor_dt_records_every_k_steps_across_runs():
    """Brian2 printed t = [0, 0.3, 0.6, 0.9] ms after run(1 ms), then up to 1.8 ms after another."""
    v0 = np.array([0.5e-3, 0.9e-3])
    G, M, S, R = lif(2, v0=v0, record=True, state_dt=0.3 * ms)
    net = Network(G, M, S, R)
    net.run(1 * ms)
    np.testing.assert_allclose(as_float(S.t, ms), [0, 0.3, 0.6, 0.9], atol=1e-12)
    assert S.v.shape == (2, 4)
    net.run(1 * ms)
    t = as_float(S.t, second)
    np.testing.assert_allclose(t, np.arange(7) * 3 * DT, rtol=1e-12, atol=1e-15)
    assert S.v.shape == (2, 7)
    np.testing.assert_allclose(as_float(S.v, volt), v0[:, None] * np.exp(-t[None, :] / TAU), rtol=1e-12)


SUBEXPRESSION_EQS = """
dv/dt = -v/tau : volt
a = v/tau : volt/second
"""


def _check_subexpression_records(G, S):
    k = np.arange(10)
    v0 = np.array([0.0, 1e-3, 2e-3])
    want_v = v0[:, None] * np.exp(-k[None, :] * DT / TAU)
    assert S.a.shape == (3, 10)
    assert have_same_dimensions(S.a, volt / second)
    np.testing.assert_allclose(as_float(S.v, volt), want_v, rtol=1e-12)
    np.testing.assert_allclose(as_float(S.a, volt / second), want_v / TAU, rtol=1e-12)
    np.testing.assert_allclose(as_float(S[2].a, volt / second), want_v[2] / TAU, rtol=1e-12)


def test_state_monitor_records_subexpression():
    """A subexpression is evaluated when recorded (Brian2 records ``a = v/tau`` as v/tau)."""
    tau = TAU * second  # found in this frame by run()
    G = NeuronGroup(3, SUBEXPRESSION_EQS, method="exact", name="decay")
    G.v = [0.0, 1e-3, 2e-3] * volt
    S = StateMonitor(G, ["v", "a"], record=True, name="decay_state")
    Network(G, S).run(1 * ms)
    _check_subexpression_records(G, S)


def test_state_monitor_records_subexpression_of_group_with_own_namespace():
    """The subexpression's names resolve in its group's ``namespace=`` (as in Brian2), not in
    the caller's frame, where ``tau`` is not defined here."""
    G = NeuronGroup(3, SUBEXPRESSION_EQS, method="exact", name="decay", namespace={"tau": TAU * second})
    G.v = [0.0, 1e-3, 2e-3] * volt
    S = StateMonitor(G, ["v", "a"], record=True, name="decay_state")
    Network(G, S).run(1 * ms)
    _check_subexpression_records(G, S)


# -- PopulationRateMonitor ------------------------------------------------------------------


def _rate_run(n_steps=400):
    periods = [3, 7, 0, 11, 4, 25, 7, 13]
    G, M, S, R = lif(len(periods), periods, record=False)
    Network(G, M, S, R).run(n_steps * DT * second)
    return periods, G, M, S, R


def test_population_rate_is_spikes_per_neuron_per_step():
    n_steps = 400
    periods, G, M, S, R = _rate_run(n_steps)
    n = len(periods)
    assert have_same_dimensions(R.rate, Hz)
    assert have_same_dimensions(R.t, second)
    assert len(R.rate) == len(R.t) == n_steps
    np.testing.assert_allclose(as_float(R.t, second), np.arange(n_steps) * DT, rtol=1e-12, atol=1e-15)

    _, want_steps = expected_spikes(periods, n_steps)
    want_rate = np.bincount(want_steps, minlength=n_steps) / (n * DT)
    np.testing.assert_allclose(as_float(R.rate, Hz), want_rate, rtol=1e-12)
    # and consistent with the SpikeMonitor of the same run
    from_monitor = np.bincount(np.round(as_float(M.t, second) / DT).astype(int), minlength=n_steps)
    np.testing.assert_allclose(as_float(R.rate, Hz), from_monitor / (n * DT), rtol=1e-12)


def test_unitless_accessors_of_monitors():
    """Brian2 gives every recorded variable a unitless twin with a trailing underscore."""
    n_steps = 400
    periods, G, M, S, R = _rate_run(n_steps)
    np.testing.assert_array_equal(np.asarray(M.t_), as_float(M.t, second))
    np.testing.assert_array_equal(np.asarray(M.i_), np.asarray(M.i))
    np.testing.assert_array_equal(np.asarray(M.count_), np.asarray(M.count))
    i, t = M.it_
    np.testing.assert_array_equal(np.asarray(i), np.asarray(M.i))
    np.testing.assert_array_equal(np.asarray(t), as_float(M.t, second))
    np.testing.assert_array_equal(np.asarray(R.t_), as_float(R.t, second))
    np.testing.assert_array_equal(np.asarray(R.rate_), as_float(R.rate, Hz))


def _brian2_smooth(rate, window, width, dt):
    """Brian2 2.9.0's PopulationRateMonitor.smooth_rate (brian2/monitors/ratemonitor.py)."""
    if isinstance(window, np.ndarray):
        kernel = np.asarray(window, dtype=float)
    elif window == "gaussian":
        width_dt = int(np.round(2 * width / dt))
        kernel = np.exp(-np.arange(-width_dt, width_dt + 1) ** 2 * 1.0 / (2 * (width / dt) ** 2))
    elif window == "flat":
        width_dt = int(width / 2 / dt) * 2 + 1
        kernel = np.ones(width_dt)
    return np.convolve(rate, kernel * 1.0 / sum(kernel), mode="same")


@pytest.mark.parametrize("window, width_ms", [
    ("flat", 1.0),      # 11 steps
    ("flat", 2.0),      # 21 steps
    ("flat", 0.36),     # width/dt = 3.6: Brian2 uses 3 steps (the nearest odd multiple of dt)
    ("flat", 0.57),     # width/dt = 5.7: Brian2 uses 5 steps
    ("gaussian", 0.5),
    ("gaussian", 0.25),
    ("gaussian", 1.3),
])
def test_smooth_rate_equals_brian2_convolution(window, width_ms):
    periods, G, M, S, R = _rate_run()
    rate = as_float(R.rate, Hz)
    width = width_ms * ms
    got = R.smooth_rate(window=window, width=width)
    assert have_same_dimensions(got, Hz)
    want = _brian2_smooth(rate, window, float(width / second), DT)
    assert len(got) == len(rate)
    np.testing.assert_allclose(as_float(got, Hz), want, rtol=1e-12, atol=1e-9)


def test_smooth_rate_with_array_window():
    periods, G, M, S, R = _rate_run()
    rate = as_float(R.rate, Hz)
    kernel = np.array([1.0, 2.0, 4.0, 2.0, 1.0])
    got = R.smooth_rate(window=kernel)
    np.testing.assert_allclose(as_float(got, Hz), _brian2_smooth(rate, kernel, None, DT), rtol=1e-12)
    with pytest.raises(TypeError):
        R.smooth_rate(window=np.ones(4))  # even length (Brian2: TypeError)
    with pytest.raises(TypeError):
        R.smooth_rate(window="flat")  # a named window needs width= (Brian2: TypeError)


def test_reading_subexpressions_time_and_dt_from_python():
    from neurogen import NeuronGroup, defaultclock, nS, pA, run

    E = -70 * mV  # noqa: F841  (read from this frame)
    G = NeuronGroup(3, """v : volt
                          g : siemens
                          I = g*(E - v) : amp
                          twice = 2*I : amp
                          is_on = v > -60*mV and g > 0*nS : boolean""")
    G.v = [-80, -70, -50] * mV
    G.g = 1 * nS
    np.testing.assert_allclose(np.asarray(G.I / pA), [10, 0, -20], atol=1e-9)
    np.testing.assert_allclose(np.asarray(G.twice / pA), [20, 0, -40], atol=1e-9)
    assert list(G.is_on) == [False, False, True]
    assert float(G.dt / ms) == pytest.approx(0.1)
    run(1 * ms)
    assert float(G.t / ms) == pytest.approx(1.0)
    assert float(defaultclock.t / ms) == pytest.approx(1.0)
