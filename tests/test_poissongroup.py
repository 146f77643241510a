"""PoissonGroup rates (constant, per neuron, time-varying) within 4 sigma; poisson() in model
code by chi-square; the same seed gives the same spikes in two processes."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from neurogen import *
from stats import chi_square, chi_square_limit, poisson_pmf

DT = 0.1 * ms


@pytest.fixture(autouse=True)
def _fresh():
    start_scope()
    defaultclock.dt = DT
    seed(4)
    yield


def _within_4_sigma(counts, p, trials):
    """Spike counts of Bernoulli(p) trials: mean p*trials, variance p*(1-p)*trials."""
    return abs(counts - p * trials) < 4 * np.sqrt(p * (1 - p) * trials)


def test_constant_and_per_neuron_rates():
    P = PoissonGroup(2000, rates=25 * Hz)
    Q = PoissonGroup(5, rates=np.array([0, 1, 10, 100, 1000]) * Hz)
    MP, MQ = SpikeMonitor(P), SpikeMonitor(Q)
    run(2 * second)
    steps = 20000
    assert _within_4_sigma(MP.num_spikes, float(25 * Hz * DT), steps * 2000)
    counts = MQ.count[:]
    assert counts[0] == 0
    for rate, count in zip([1, 10, 100, 1000], counts[1:]):
        assert _within_4_sigma(count, rate * float(DT), steps), (rate, count)
    assert np.all(np.diff(MP.t[:]) >= 0)  # spike times in order, stamped with their step


def test_time_varying_rates_per_quarter_period():
    """rates = r0*(1 + sin(2 pi t/T)): expected spikes in each quarter of the period from
    the rate at each step (no integral approximation)."""
    T, r0, n = 100 * ms, 50 * Hz, 1000
    P = PoissonGroup(n, rates="r0*(1 + sin(2*pi*t/T))")
    M = SpikeMonitor(P)
    run(10 * T)
    steps = np.arange(int(round(float(10 * T / DT))))
    p = float(r0 * DT) * (1 + np.sin(2 * np.pi * steps * float(DT) / float(T)))
    quarter = (steps % 1000) // 250
    spike_steps = np.round(np.asarray(M.t[:] / DT)).astype(int)
    observed = np.bincount((spike_steps % 1000) // 250, minlength=4)
    for q in range(4):
        mean = n * p[quarter == q].sum()
        var = n * (p[quarter == q] * (1 - p[quarter == q])).sum()
        assert abs(observed[q] - mean) < 4 * np.sqrt(var), (q, observed[q], mean)


def test_rates_change_between_runs_and_the_group_drives_synapses():
    P = PoissonGroup(100, rates=0 * Hz)
    G = NeuronGroup(1, "v : 1")
    S = Synapses(P, G, on_pre="v += 1")
    S.connect()
    run(10 * ms)
    assert G.v[0] == 0
    P.rates = 1 / DT  # every neuron spikes every step
    run(10 * DT)
    assert G.v[0] == 100 * 10


def test_rates_must_be_in_hertz():
    with pytest.raises(DimensionMismatchError):
        PoissonGroup(3, rates=5 * ms)
    P = PoissonGroup(3, rates="5*ms")
    with pytest.raises(DimensionMismatchError, match="rates"):
        run(DT)


@pytest.mark.parametrize("mean", [0.3, 3.5, 47.0, 2500.0])
def test_poisson_function_by_chi_square(mean):
    """poisson(l) in model code: inversion below 10, transformed rejection (PTRS) above."""
    G = NeuronGroup(50000, "x : 1")
    G.x = f"poisson({mean})"
    x = G.x[:]
    support = int(mean + 8 * np.sqrt(mean) + 8)
    statistic, df = chi_square(x.astype(int), lambda k: poisson_pmf(mean, k), support)
    assert statistic < chi_square_limit(df), (statistic, df)


def test_poisson_in_equations_needs_a_dimensionless_mean():
    G = NeuronGroup(1, "x : 1")
    with pytest.raises(DimensionMismatchError, match="poisson"):
        G.x = "poisson(3*mV)"


SCRIPT = textwrap.dedent("""
    import numpy as np
    from neurogen import *
    seed(int(__import__('sys').argv[1]))
    P = PoissonGroup(200, rates='20*Hz + 10*Hz*sin(2*pi*t/(50*ms))')
    G = NeuronGroup(200, 'dv/dt = -v/(10*ms) : 1', threshold='v > 1', reset='v = 0', method='exact')
    G.v = 'rand()'
    I = PoissonInput(G, 'v', N=50, rate=30*Hz, weight=0.2)
    S = Synapses(P, G, on_pre='v += 0.3')
    S.connect(p=0.1)
    M = SpikeMonitor(G)
    run(200*ms)
    import hashlib
    data = np.asarray(M.i[:]).tobytes() + np.asarray(M.t / ms).tobytes()
    print(M.num_spikes, hashlib.sha256(data).hexdigest())
""")


def test_same_seed_gives_identical_spikes_in_two_processes(tmp_path):
    script = tmp_path / "model.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "PYTHONHASHSEED": "0"}

    def spikes(seed_value):
        result = subprocess.run([sys.executable, str(script), str(seed_value)], capture_output=True,
                                text=True, env=env, timeout=300)
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    first, second, other = spikes(11), spikes(11), spikes(12)
    assert int(first[0]) > 50
    assert first == second
    assert first != other
