"""PoissonInput: exact Binomial(N, rate*dt) counts each step, Brian2's semantics (an
accumulating input in the synapses slot, dropped while an (unless refractory) target is
refractory), expressions for rate and weight, and runtime values that never recompile."""
from __future__ import annotations

import logging

import numpy as np
import pytest

from neurogen import *
from stats import binomial_pmf, chi_square, chi_square_limit

DT = 0.1 * ms


@pytest.fixture(autouse=True)
def _fresh():
    start_scope()
    defaultclock.dt = DT
    seed(20261129)
    yield


def _one_step_counts(n_targets, N, rate):
    """Counts of one step for every target neuron (weight 1 onto a variable without dynamics)."""
    G = NeuronGroup(n_targets, "v : 1")
    P = PoissonInput(G, "v", N=N, rate=rate, weight=1.0)
    net = Network(G, P)
    net.run(DT)
    return G.v[:].copy()


@pytest.mark.parametrize("N, rate", [
    (400, 10 * Hz),        # N*p = 0.4: inversion
    (20, 9000 * Hz),       # p = 0.9: sampled as N - Binomial(N, 0.1)
    (1000, 200 * Hz),      # N*p = 20: transformed rejection (BTRS)
    (100000, 1000 * Hz),   # N*p = 10^4: guide table far beyond where a normal approximation is used
    (10 ** 7, 1000 * Hz),  # N*p = 10^6: BTRS (a guide table would exceed its 16384 entries)
    (60, 7000 * Hz),       # p = 0.7, N*(1-p) = 18: flipped BTRS
])
def test_counts_are_binomial_by_chi_square(N, rate):
    counts = _one_step_counts(40000, N, rate)
    p = float(rate * DT)
    assert np.all(counts == np.round(counts)) and counts.min() >= 0 and counts.max() <= N
    support = int(N * p + 8 * np.sqrt(N * p * (1 - p)) + 8)
    statistic, df = chi_square(counts.astype(int), lambda k: binomial_pmf(N, p, k), min(support, N))
    # Fixed seed; the limit is the 1 - 1e-4 quantile of chi-square(df).
    assert statistic < chi_square_limit(df), (statistic, df)


def _check_binomial_sample(counts: np.ndarray, N: int, p: float) -> None:
    """Chi-square against scipy's Binomial(N, p) pmf (tails pooled to >= 5 expected per bin;
    limit: the 1 - 1e-4 quantile), and the sample mean and variance within 5 standard errors
    computed from the distribution's own moments (fixed seed: deterministic)."""
    from scipy import stats as scipy_stats

    assert np.all(counts == np.round(counts)) and counts.min() >= 0 and counts.max() <= N
    flip = p > 0.5  # compare N - k with Binomial(N, 1 - p): the bins near N stay small
    k, q = (N - counts, 1.0 - p) if flip else (counts, p)
    mean, var = N * q, N * q * (1 - q)
    support = int(mean + 8 * np.sqrt(var) + 8)
    statistic, df = chi_square(k.astype(int), lambda x: scipy_stats.binom.pmf(x, N, q), min(support, N))
    assert statistic < chi_square_limit(df), (statistic, df)
    n = k.size
    assert abs(k.mean() - mean) < 5 * np.sqrt(var / n)
    mu4 = var * (1 + 3 * (N - 2) * q * (1 - q))  # fourth central moment of the binomial
    assert abs(k.var() - var) < 5 * np.sqrt((mu4 - var ** 2) / n)
    # the tails beyond 4 sd (chi-square bins are too coarse to see a truncated tail): each
    # count is Poisson with the binomial's expectation; both one-sided p-values above 1e-5
    low, high = np.floor(mean - 4 * np.sqrt(var)), np.ceil(mean + 4 * np.sqrt(var))
    for observed, probability in ((np.sum(k <= low), scipy_stats.binom.cdf(low, N, q)),
                                  (np.sum(k >= high), scipy_stats.binom.sf(high - 1, N, q))):
        expected = n * probability
        assert scipy_stats.poisson.cdf(observed, expected) > 1e-5, (observed, expected)
        assert scipy_stats.poisson.sf(observed - 1, expected) > 1e-5, (observed, expected)


@pytest.mark.parametrize("N, rate", [
    (1000, 100 * Hz),      # N*p = 10: the smallest mean drawn through the guide table
    (4000, 100 * Hz),      # N*p = 40
    (40000, 100 * Hz),     # N*p = 400
    (400000, 100 * Hz),    # N*p = 4000
    (8000, 5000 * Hz),     # p = 0.5, N*p = 4000
    (2000, 9950 * Hz),     # p = 0.995: N - Binomial(N, 0.005), N*(1-p) = 10
    (100000, 9990 * Hz),   # p = 0.999: N*(1-p) = 100
])
def test_guide_table_counts_are_exactly_binomial(N, rate):
    # 10^6 neurons, one step (about 32 counts expected beyond 4 sd on either side); p is the
    # same for all, so the kernel inverts through a table
    _check_binomial_sample(_one_step_counts(10 ** 6, N, rate), N, float(rate * DT))


def test_counts_with_a_rate_per_neuron_are_binomial_too():
    # a rate read from the group differs per neuron in general: no table, BTRS for N*p >= 10
    G = NeuronGroup(200000, "v : 1\nr : Hz")
    G.r = 400 * Hz
    P = PoissonInput(G, "v", N=1000, rate="r", weight=1.0)
    Network(G, P).run(DT)
    _check_binomial_sample(G.v[:].copy(), 1000, float(400 * Hz * DT))


def test_integrator_mean_and_variance():
    """v(T) of a non-leaky integrator is a sum of T/dt independent weight*Binomial(N, p):
    mean N*rate*T*w, variance N*rate*T*w^2*(1 - rate*dt)."""
    n, N, rate, w, T = 20000, 400, 10 * Hz, 0.5, 100 * ms
    G = NeuronGroup(n, "dv/dt = 0/second : 1")
    P = PoissonInput(G, "v", N=N, rate=rate, weight=w)
    run(T)
    v = G.v[:]
    mean = float(N * rate * T * w)
    var = float(N * rate * T * w**2 * (1 - rate * DT))
    assert abs(v.mean() - mean) < 4 * np.sqrt(var / n)
    # sd of a sample variance: var*sqrt(2/(n-1)) for a normal; the binomial sum's excess
    # kurtosis (~1/(N p T/dt) = 1/400) changes that by far less than the 4 sigma margin
    assert abs(v.var(ddof=1) - var) < 4 * var * np.sqrt(2 / (n - 1))


def test_input_arrives_in_the_synapses_slot_and_accumulates():
    """rate*dt = 1: every source spikes every step, so v gains N*w = 0.6 in the synapses slot
    of every step. The threshold (before the synapses slot) first sees 1.2 in step 2; the reset
    (after it) then discards that step's input, as for any synaptic input in Brian2."""
    G = NeuronGroup(1, "v : 1", threshold="v > 1", reset="v = 0")
    P = PoissonInput(G, "v", N=2, rate=1 / DT, weight=0.3)
    M = StateMonitor(G, "v", record=0)
    S = SpikeMonitor(G)
    run(6 * DT)
    assert np.allclose(M.v[0], [0, 0.6, 1.2, 0, 0.6, 1.2])  # recorded at the start of each step
    assert np.allclose(S.t / ms, [0.2, 0.5])


def test_input_is_dropped_while_an_unless_refractory_target_is_refractory():
    """As Brian2 (observed): v (unless refractory) keeps its reset value while refractory;
    x without the flag accumulates throughout."""
    G = NeuronGroup(2, """dv/dt = 0/second : 1 (unless refractory)
                          dx/dt = 0/second : 1""",
                    threshold="v > 100", reset="v = 0", refractory=0.5 * ms, method="euler")
    G.v = [200, 0]
    Pv = PoissonInput(G, "v", N=1, rate=1 / DT, weight=0.5)
    Px = PoissonInput(G, "x", N=1, rate=1 / DT, weight=0.5)
    M = StateMonitor(G, ["v", "x"], record=True)
    run(10 * DT)
    # Brian2 2.9 printed these for the same model
    assert np.allclose(M.v[0], [200, 0, 0, 0, 0, 0, 0.5, 1.0, 1.5, 2.0])
    assert np.allclose(M.v[1], 0.5 * np.arange(10))
    assert np.allclose(M.x[0], 0.5 * np.arange(10))


def test_subgroup_target_and_expressions_for_rate_and_weight():
    G = NeuronGroup(10, "v : 1\ngain : 1")
    G.gain = "i"
    P = PoissonInput(G[4:8], "v", N=3, rate="1/dt", weight="gain*(1 + i)")
    run(2 * DT)
    expected = np.zeros(10)
    expected[4:8] = 2 * 3 * np.arange(4, 8) * (1 + np.arange(4))
    assert np.allclose(G.v[:], expected)


def test_time_dependent_rate_expression():
    n = 20000
    G = NeuronGroup(n, "v : 1")
    P = PoissonInput(G, "v", N=10, rate="(t > 5.05*ms)*100*Hz", weight=1.0)
    run(5 * ms)
    assert G.v[:].sum() == 0  # steps at t = 0 ... 4.9 ms: rate 0
    run(5 * ms)
    expected = 10 * 100 * float(DT) * 49  # N*rate*dt for the steps t = 5.1, ..., 9.9 ms
    assert abs(G.v[:].mean() - expected) < 4 * np.sqrt(expected / n)  # Poisson-like: var ~ mean


def test_units_and_arguments_are_checked():
    G = NeuronGroup(2, "dv/dt = -v/(10*ms) : volt", threshold="v > 10*mV")
    with pytest.raises(DimensionMismatchError, match="weight"):
        PoissonInput(G, "v", N=10, rate=10 * Hz, weight=0.5)
    with pytest.raises(DimensionMismatchError, match="rate"):
        PoissonInput(G, "v", N=10, rate=10 * ms, weight=0.5 * mV)
    with pytest.raises(KeyError, match="no variable 'u'"):
        PoissonInput(G, "u", N=10, rate=10 * Hz, weight=0.5 * mV)
    with pytest.raises(ValueError, match="N, the number of Poisson sources, must be"):
        PoissonInput(G, "v", N=-1, rate=10 * Hz, weight=0.5 * mV)
    P = PoissonInput(G, "v", N=10, rate="5*mV", weight=0.5 * mV)
    with pytest.raises(DimensionMismatchError, match="rate '5\\*mV'"):
        run(DT)
    P.rate = 20 * kHz  # rate*dt = 2
    with pytest.raises(ValueError, match="rate\\*dt"):
        run(DT)


def test_new_rate_and_weight_values_run_without_compiling(caplog):
    G = NeuronGroup(1000, "v : 1")
    P = PoissonInput(G, "v", N=100, rate=10 * Hz, weight=1.0)
    run(DT)
    first = G.v[:].sum()
    with caplog.at_level(logging.INFO, logger="neurogen"):
        P.rate = 100 * Hz
        P.weight = 0.0
        G.v = 0
        run(DT)
        assert G.v[:].sum() == 0
        P.weight = 1.0
        run(DT)
    assert not [r for r in caplog.records if "compiling" in r.getMessage()]
    assert G.v[:].sum() > 3 * first  # ten times the rate


def test_same_seed_same_counts_other_seed_other_counts():
    def counts(s):
        start_scope()
        seed(s)
        return _one_step_counts(1000, 100, 100 * Hz)

    a, b, c = counts(7), counts(7), counts(8)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_misuse_is_refused_with_the_object_named():
    G = NeuronGroup(3, "v : 1")
    S = Synapses(G, G, "w : 1")
    S.connect()
    with pytest.raises(NotImplementedError, match="other than a NeuronGroup"):
        PoissonInput(S, "w", N=10, rate=10 * Hz, weight=1.0)
    P = PoissonInput(G, "v", N=10, rate=10 * Hz, weight=1.0)
    for bad in (2.5, -5, 2**41):
        with pytest.raises(ValueError, match="N, the number of Poisson sources, must be an integer"):
            P.N = bad
    with pytest.raises(AttributeError, match="fixed at construction"):
        P.target_var = "w"
    with pytest.raises(ValueError, match="weight must be finite"):
        P.weight = float("nan")


def test_a_rate_expression_that_is_no_probability_is_reported():
    """Bug: an expression rate with rate*dt > 1 (or < 0, or NaN) was clipped silently (a number
    rate is refused when set); now it warns, naming the value, the neuron and the time."""
    G = NeuronGroup(3, "v : 1\nr : Hz")
    G.r = [100, 20000, -5] * Hz
    P = PoissonInput(G, "v", N=10, rate="r", weight=1.0)  # noqa: F841  (collected by run())
    with pytest.warns(RuntimeWarning, match=r"rate times dt was not a probability.*4 time\(s\).*2\.0 for neuron 1"):
        run(0.2 * ms)
    assert G.v[1] == 20.0 and G.v[2] == 0.0  # clipped: every source spikes / none does
