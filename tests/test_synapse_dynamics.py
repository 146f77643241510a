"""Synaptic dynamics against independent truth: analytic solutions of the linear ODEs, the
convolution of the spike train with the synaptic kernel, explicit numpy sums, and the
analytic pair-based STDP rule.

Pipeline of one step (Brian2's schedule): a spike of step s is delivered in the synapses slot
of step s (no delay); the jump is integrated from step s+1 on; a StateMonitor records at the
start of a step. So a record at index n sees deliveries of steps < n, each integrated for
(n - 1 - s) steps.
"""
from __future__ import annotations

import numpy as np
import pytest

from neurogen import NeuronGroup, StateMonitor, Synapses, ms, run

DT = 0.1e-3
SPIKE_STEPS = [20, 20, 57, 60, 61, 140, 300, 302]  # two coincident spikes at step 20


def driven(steps):
    pre = NeuronGroup(len(steps), "tspike : second", threshold="abs(t - tspike) < 0.5*dt")
    pre.tspike = np.asarray(steps) * 0.1 * ms
    return pre


def spike_train(n_records: int) -> np.ndarray:
    train = np.zeros(n_records)
    for s in SPIKE_STEPS:
        train[s] += 1
    return train


def lagged_convolution(train: np.ndarray, kernel) -> np.ndarray:
    """sum_s train[s] * kernel((n - 1 - s) dt) for records n (zero before a delivery counts)."""
    n = len(train)
    samples = kernel(np.arange(n) * DT)
    full = np.convolve(train, samples)[:n]
    return np.concatenate([[0.0], full[:-1]])


def test_exponential_current_equals_the_analytic_solution():
    tau_s, tau_m, weight = 5e-3, 20e-3, 0.7
    pre = driven(SPIKE_STEPS)
    post = NeuronGroup(1, """dI/dt = -I/(5*ms) : 1
                             dv/dt = (I - v)/(20*ms) : 1""", method="exact")
    S = Synapses(pre, post, "w : 1", on_pre="I += w")
    S.connect()
    S.w = weight
    M = StateMonitor(post, ["I", "v"], record=0)
    run(50 * ms)
    train = spike_train(len(M.t_))
    current = lagged_convolution(train, lambda t: weight * np.exp(-t / tau_s))
    voltage = lagged_convolution(
        train, lambda t: weight * tau_s / (tau_s - tau_m) * (np.exp(-t / tau_s) - np.exp(-t / tau_m)))
    np.testing.assert_allclose(M.I[0], current, rtol=0, atol=1e-12)
    np.testing.assert_allclose(M.v[0], voltage, rtol=0, atol=1e-12)


@pytest.mark.parametrize("increment, peak_factor", [("w", np.exp(-1.0)), ("w*exp(1)", 1.0)])
def test_alpha_synapse_is_normalized_like_its_kernel(increment, peak_factor):
    """g = w (t/tau) exp(-t/tau) (peak w/e), or with h += w*exp(1) peak exactly w. Another
    simulator shipped this synapse off by a factor tau; the test pins the normalization."""
    tau, weight = 3e-3, 0.8
    pre = driven(SPIKE_STEPS)
    post = NeuronGroup(1, """dg/dt = (h - g)/tau : 1
                             dh/dt = -h/tau : 1""", method="exact", namespace={"tau": tau * 1e3 * ms})
    S = Synapses(pre, post, "w : 1", on_pre=f"h += {increment}")
    S.connect()
    S.w = weight
    M = StateMonitor(post, "g", record=0)
    run(50 * ms)
    scale = peak_factor * np.e  # w*exp(1) makes the peak w
    kernel = lambda t: scale * weight * (t / tau) * np.exp(-t / tau)  # noqa: E731
    expected = lagged_convolution(spike_train(len(M.t_)), kernel)
    peak = weight * peak_factor
    # the two-step lag: the first nonzero g is two records after the spike
    assert M.g[0][SPIKE_STEPS[0] + 1] == 0 and M.g[0][SPIKE_STEPS[0] + 2] > 0
    assert np.max(np.abs(M.g[0] - expected)) <= 1e-6 * peak
    single = M.g[0][SPIKE_STEPS[0]: 57]  # before the second input: two spikes of one kernel
    assert np.max(single) == pytest.approx(2 * peak, rel=2e-3)  # sampled peak within dt of tau


def test_summed_variable_equals_the_numpy_sum_every_step():
    rng = np.random.default_rng(3)
    pre = driven([10, 10, 35, 80, 81, 82, 150])
    post = NeuronGroup(4, "I_syn : 1")
    S = Synapses(pre, post, """w : 1
                               dx/dt = -x/(4*ms) : 1 (clock-driven)
                               I_syn_post = w*x : 1 (summed)""", on_pre="x += 1", method="exact")
    rows = rng.integers(0, 7, 20)
    cols = rng.integers(0, 4, 20)
    S.connect(i=rows, j=cols)
    S.w = rng.uniform(0.1, 1.0, 20)
    Mx = StateMonitor(S, "x", record=True)
    MI = StateMonitor(post, "I_syn", record=True)
    run(25 * ms)
    x = Mx.x  # (synapses, records), at the start of each step
    # the summed updater runs in `groups` (order -1) before x is integrated: it sees the x that
    # the monitor recorded at the start of the same step; I_syn is recorded one step later
    expected = np.zeros((4, x.shape[1]))
    for s in range(20):
        expected[S.j[s]] += S.w[s] * x[s]
    np.testing.assert_allclose(MI.I_syn[:, 1:], expected[:, :-1], rtol=1e-13, atol=1e-15)
    assert np.max(expected) > 0.5


def test_several_synapses_objects_sum_into_one_variable():
    """Brian2 refuses two (summed) writers of one variable; neurogen adds them up."""
    pre = driven([10, 30])
    post = NeuronGroup(2, "I_syn : 1")
    model = """w : 1
               I_syn_post = w : 1 (summed)"""
    S1 = Synapses(pre, post, model)
    S1.connect(i=[0, 1], j=[0, 0])
    S1.w = [1.0, 2.0]
    S2 = Synapses(pre, post[1:], model)
    S2.connect(i=0, j=0)
    S2.w = 10.0
    S3 = Synapses(pre, post, model)
    S3.connect(i=0, j=1)
    S3.w = 100.0
    run(1 * ms)
    assert post.I_syn[:].tolist() == [3.0, 110.0]
    run(1 * ms)  # recomputed every step, not accumulated
    assert post.I_syn[:].tolist() == [3.0, 110.0]


def test_pair_based_stdp_matches_the_analytic_rule():
    taupre, taupost = 20e-3, 25e-3
    Apre0, Apost0 = 0.01, -0.012
    pairs = [(100, 150), (400, 380), (700, 700), (1000, 1080)]  # (pre step, post step)
    pre = driven([p for p, _ in pairs])
    post = driven([q for _, q in pairs])
    S = Synapses(pre, post, """w : 1
                  dApre/dt = -Apre/(20*ms) : 1 (event-driven)
                  dApost/dt = -Apost/(25*ms) : 1 (event-driven)""",
                 on_pre="""Apre += 0.01
                           w = w + Apost""",
                 on_post="""Apost += -0.012
                            w = w + Apre""")
    S.connect(j="i")
    S.w = 0.5
    run(120 * ms)
    for k, (p, q) in enumerate(pairs):
        delta = (q - p) * DT
        if delta > 0:      # pre before post: potentiation
            expected = Apre0 * np.exp(-delta / taupre)
        elif delta < 0:    # post before pre: depression
            expected = Apost0 * np.exp(delta / taupost)
        else:              # same step: pre (order -1) runs before post (order +1)
            expected = Apre0
        assert S.w[k] == pytest.approx(0.5 + expected, abs=1e-15)
