"""Each claim of README's "Which synapse do I want?", simulated and checked numerically.

One test per claim; the README names the test next to the claim. The references are closed
forms (or counts) computed here in numpy, not neurogen's own numbers.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from neurogen import (ModelWarning, NeuronGroup, PoissonInput, SpikeGeneratorGroup, StateMonitor, Synapses, defaultclock, Hz,
                      kernels, ms, run, second, session)
from stats import binomial_pmf, chi_square, chi_square_limit

DT = 1e-4  # the default dt, 0.1 ms
TAU_M = 10e-3
TAU_S = 5e-3


def _one_spike(at_ms: float, n_sources: int = 1):
    """A spike of each source at ``at_ms`` (on the grid)."""
    return SpikeGeneratorGroup(n_sources, np.arange(n_sources), [at_ms] * n_sources * ms)


# ---- delta ------------------------------------------------------------------------------------
def test_delta_synapse_jumps_v_by_w_at_the_arrival_step():
    """on_pre='v += w': v jumps by exactly w in the synapses slot of step t_spike + delay; a
    StateMonitor at its default slot (start of a step) shows the jump one step later."""
    defaultclock.dt = DT * second
    P = _one_spike(5.0)
    G = NeuronGroup(1, "dv/dt = -v/(10*ms) : 1", method="exact")
    G.v = 0.5
    S = Synapses(P, G, "w : 1", on_pre="v += w", delay=1.5 * ms)
    S.connect()
    S.w = 0.2
    at_end = StateMonitor(G, "v", record=0, when="end")
    at_start = StateMonitor(G, "v", record=0)
    run(10 * ms)
    arrival = 65  # (5 ms + 1.5 ms)/dt
    v = np.asarray(at_end.v[0])
    free = 0.5 * np.exp(-(np.arange(v.size) + 1) * DT / TAU_M)  # the leak alone, after each step
    np.testing.assert_allclose(v[:arrival], free[:arrival], rtol=1e-12)
    assert math.isclose(v[arrival] - free[arrival], 0.2, rel_tol=1e-12)  # the whole jump in one step
    np.testing.assert_allclose(v[arrival:], free[arrival:] + 0.2 * np.exp(-np.arange(v.size - arrival) * DT / TAU_M),
                               rtol=1e-12)
    np.testing.assert_array_equal(np.asarray(at_start.v[0])[1:], v[:-1])  # one step later


def test_poissoninput_is_a_delta_input_adding_weight_times_binomial_counts():
    """PoissonInput(G, 'v', N, rate, weight) adds weight*k to v each step, k ~ Binomial(N, rate*dt):
    jumps (multiples of weight), no decay of its own."""
    defaultclock.dt = DT * second
    n_neurons, steps, N, rate, weight = 200, 500, 400, 10.0, 0.01
    G = NeuronGroup(n_neurons, "v : 1")  # no dynamics: the input alone
    poisson = PoissonInput(G, "v", N=N, rate=rate * Hz, weight=weight)  # noqa: F841 (run() finds it by name)
    M = StateMonitor(G, "v", record=True, when="end")
    run(steps * DT * second)
    v = np.asarray(M.v)
    increments = np.diff(np.concatenate([np.zeros((n_neurons, 1)), v], axis=1), axis=1)
    counts = np.rint(increments / weight)
    np.testing.assert_allclose(increments, counts * weight, rtol=0, atol=1e-12)  # jumps of k*weight
    assert np.all(counts >= 0)  # it only accumulates
    statistic, df = chi_square(counts.ravel(), lambda k: binomial_pmf(N, rate * DT, k), support=6)
    assert statistic < chi_square_limit(df)
    assert abs(counts.mean() - N * rate * DT) < 5 * math.sqrt(N * rate * DT / counts.size)


# ---- current ----------------------------------------------------------------------------------
def test_current_synapse_decays_and_v_rises_smoothly():
    """A current with its own decay (kernels.exponential: dI/dt = -I/tau_s, on_pre 'I += w'):
    I jumps by w and decays; v does not jump, it follows w*tau_s/(tau_s - tau_m)*(exp(-t/tau_s) -
    exp(-t/tau_m)) (dv/dt = (I - v)/tau_m)."""
    defaultclock.dt = DT * second
    k = kernels.exponential(TAU_S * second, input="current")
    G = NeuronGroup(1, "dv/dt = (I - v)/(10*ms) : 1\n" + k.equations("I", unit="1"), method="exact")
    P = _one_spike(2.0)
    S = Synapses(P, G, "w : 1", on_pre=k.on_pre("I", "w"))
    assert k.on_pre("I", "w") == "I += w"
    S.connect()
    S.w = 0.3
    M = StateMonitor(G, ["v", "I"], record=0, when="end")
    run(40 * ms)
    lag = (np.arange(400) - 20) * DT  # time since the arrival (step 20)
    after = lag >= 0
    expected_I = np.where(after, 0.3 * np.exp(-lag / TAU_S), 0.0)
    expected_v = np.where(after, 0.3 * TAU_S / (TAU_S - TAU_M) * (np.exp(-lag / TAU_S) - np.exp(-lag / TAU_M)), 0.0)
    np.testing.assert_allclose(np.asarray(M.I[0]), expected_I, rtol=0, atol=1e-13)
    np.testing.assert_allclose(np.asarray(M.v[0]), expected_v, rtol=0, atol=1e-13)
    assert np.asarray(M.v[0])[20] == 0.0  # no jump in v when the spike arrives


def test_conductance_synapse_pulls_v_towards_the_reversal_potential():
    """A conductance g*(E - v): the same spike moves v towards E by an amount proportional to
    E - v (and the other way above E): E - v(t) = (E - v0)*exp(-w*tau_s*(1 - exp(-t/tau_s))/tau)."""
    defaultclock.dt = DT * second
    k = kernels.exponential(TAU_S * second, E=0.5)  # dimensionless v, E = 0.5
    assert k.current("g") == "g*((0.5) - v)"
    G = NeuronGroup(3, f"dv/dt = {k.current('g')}/(10*ms) : 1\n" + k.equations("g", unit="1"), method="rk4")
    G.v = [0.0, 0.4, 1.0]
    P = _one_spike(1.0)
    S = Synapses(P, G, "w : 1", on_pre=k.on_pre("g", "w"))
    S.connect()
    S.w = 2.0
    M = StateMonitor(G, "v", record=True, when="end")
    run(30 * ms)
    lag = (np.arange(300) - 10) * DT
    exposure = np.where(lag >= 0, 2.0 * TAU_S * (1 - np.exp(-np.maximum(lag, 0) / TAU_S)) / TAU_M, 0.0)
    expected = 0.5 - (0.5 - np.array([0.0, 0.4, 1.0]))[:, None] * np.exp(-exposure)
    np.testing.assert_allclose(np.asarray(M.v), expected, rtol=0, atol=1e-9)
    change = np.asarray(M.v)[:, -1] - np.array([0.0, 0.4, 1.0])
    assert change[0] > 0 and change[2] < 0 and math.isclose(change[0] / change[1], 5.0, rel_tol=1e-9)


# ---- +=, = and (summed) -------------------------------------------------------------------------
def _clamp_or_accumulate(code: str, mistake: str):
    """Two sources (weights 0.3 and 0.5) onto a variable I without dynamics that v integrates;
    source 0 fires at 2 ms, source 1 at 6 ms, both at 10 ms. The run warns of the ``mistake``."""
    defaultclock.dt = DT * second
    P = SpikeGeneratorGroup(2, [0, 1, 0, 1], [2, 6, 10, 10] * ms)
    G = NeuronGroup(1, "dv/dt = (I - v)/(10*ms) : 1\nI : 1", method="exact")
    S = Synapses(P, G, "w : 1", on_pre=code)
    S.connect()
    S.w = [0.3, 0.5]
    M = StateMonitor(G, "I", record=0, when="end")
    session().warned_findings.clear()  # each finding is warned once per structure and process
    with pytest.warns(ModelWarning, match=mistake):
        run(50 * ms)
    return np.asarray(M.I[0])


def test_setting_clamps_the_variable_at_the_last_weight_forever():
    """on_pre='I = w' with no dynamics for I: I is w from the arrival on, until the next spike,
    forever; two spikes in one step: the last synapse in index order wins (no sum)."""
    I = _clamp_or_accumulate("I = w", "set-without-dynamics")
    np.testing.assert_array_equal(I[:20], 0.0)
    np.testing.assert_array_equal(I[20:60], 0.3)
    np.testing.assert_array_equal(I[60:100], 0.5)
    np.testing.assert_array_equal(I[100:], 0.5)  # both at 10 ms: synapse 1's weight, 40 ms later still


def test_adding_without_dynamics_accumulates_without_decay():
    """on_pre='I += w' (or a PoissonInput) into I with no dynamics: every spike adds, nothing decays."""
    I = _clamp_or_accumulate("I += w", "accumulates-without-decay")
    np.testing.assert_array_equal(I[:20], 0.0)
    np.testing.assert_allclose(I[20:60], 0.3, rtol=1e-15)
    np.testing.assert_allclose(I[60:100], 0.8, rtol=1e-15)
    np.testing.assert_allclose(I[100:], 1.6, rtol=1e-15)  # 0.3 + 0.5 + 0.3 + 0.5, kept forever


def test_summed_variable_is_recomputed_every_step_and_overwrites_other_writes():
    """I_post = w : 1 (summed): I is the sum over the synapses every step (from their values of
    that step); an initial value and an on_pre write to I are overwritten at the next step's
    summed update, before the state update: the ODE that reads I never sees them."""
    defaultclock.dt = DT * second
    G = NeuronGroup(2, "dv/dt = I/(1*ms) : 1\nI : 1", method="euler")
    G.I = 5.0
    P = _one_spike(0.5)
    other = Synapses(P, G, "w : 1", on_pre="I_post += 100")
    other.connect()
    summed = Synapses(G, G, "w : 1\nI_post = w : 1 (summed)")
    summed.connect()  # all to all: each I is the sum of two weights
    summed.w = [0.5, 0.25, 0.125, 1.0]  # (i, j) = (0,0), (0,1), (1,0), (1,1)
    at_end = StateMonitor(G, ["I", "v"], record=True, when="end")
    session().warned_findings.clear()
    with pytest.warns(ModelWarning, match="summed-overwritten"):
        run(1 * ms)
    recorded_I, v = np.asarray(at_end.I), np.asarray(at_end.v)
    sums = np.array([0.5 + 0.125, 0.25 + 1.0])
    expected_I = np.repeat(sums[:, None], 10, axis=1)
    expected_I[:, 5] += 100  # the on_pre write, visible until the next step's summed update
    np.testing.assert_array_equal(recorded_I, expected_I)
    np.testing.assert_allclose(v, sums[:, None] * 0.1 * np.arange(1, 11), rtol=1e-12)  # never 5, never +100
    summed.w = [1.0, 0.0, 0.0, 0.0]  # a change of the synapses' values shows in the next step
    run(0.2 * ms)
    np.testing.assert_array_equal(np.asarray(at_end.I)[:, -1], [1.0, 0.0])


def test_one_decaying_current_per_source_leaves_v_unchanged():
    """Two sources into one decaying current I, or each into its own (I_int, I_ext, same tau):
    v is the same (the model is linear in the currents), so separating sources this way is safe."""
    defaultclock.dt = DT * second
    internal = SpikeGeneratorGroup(2, [0, 1, 0, 1], [1.0, 3.3, 7.1, 7.1] * ms)
    external = SpikeGeneratorGroup(1, [0, 0, 0], [2.0, 3.3, 12.4] * ms)
    one = NeuronGroup(1, "dv/dt = (I - v)/(10*ms) : 1\ndI/dt = -I/(5*ms) : 1", method="exact")
    separate = NeuronGroup(1, """dv/dt = (I_int + I_ext - v)/(10*ms) : 1
                                 dI_int/dt = -I_int/(5*ms) : 1
                                 dI_ext/dt = -I_ext/(5*ms) : 1""", method="exact")
    paths = [Synapses(internal, one, "w : 1", on_pre="I += w"), Synapses(external, one, "w : 1", on_pre="I += w"),
             Synapses(internal, separate, "w : 1", on_pre="I_int += w"),
             Synapses(external, separate, "w : 1", on_pre="I_ext += w")]
    for S, weights in zip(paths, ([0.4, -0.2], [0.7], [0.4, -0.2], [0.7])):
        S.connect()
        S.w = weights
    M_one = StateMonitor(one, "v", record=0)
    M_separate = StateMonitor(separate, "v", record=0)
    run(20 * ms)
    assert np.max(np.abs(np.asarray(M_one.v[0]))) > 0.1
    np.testing.assert_allclose(np.asarray(M_separate.v[0]), np.asarray(M_one.v[0]), rtol=1e-12, atol=1e-15)
