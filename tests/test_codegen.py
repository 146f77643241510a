"""Generated code: deterministic, readable, and hoisted; random numbers in model code."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from scipy import stats

from neurogen import *
from builtins import all, any, sum  # the star import gives numpy's, as Brian2's does

RENDER = textwrap.dedent("""
    import hashlib
    from neurogen import *
    from neurogen.compiler.lower.network import lower_network
    from neurogen.frontend.namespace import resolve_externals
    from neurogen.compiler.passes import run_passes
    from neurogen.compiler.render import render_network
    tau, v_th = 10*ms, 15*mV
    G = NeuronGroup(10, '''dv/dt = (I - v)/tau + 0.1*rand()*mV/ms : volt (unless refractory)
                           I : volt (constant)''',
                    threshold='v > v_th', reset='v = 0*mV', refractory=2*ms)
    M = SpikeMonitor(G)
    S = StateMonitor(G, 'v', record=True)
    objects = [G, M, S]
    externals = {id(o): resolve_externals(o, None, globals()) for o in objects}
    files = render_network(run_passes(lower_network(objects, externals)))
    for name, text in files.items():
        print(name, hashlib.sha256(text.encode()).hexdigest())
    print(files['network.cpp'])
""")


def _render(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    result = subprocess.run([sys.executable, "-c", RENDER], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_rendering_is_identical_across_processes_and_readable():
    first, second = _render("0"), _render("12345")
    assert first == second
    code = first
    # the model line each statement came from, model names as C++ names (with a trailing
    # underscore, so no model name can clash with a C++ keyword or macro)
    assert "// dv/dt = (I - v)/tau + 0.1*rand()*mV/ms : volt (unless refractory)" in code
    assert "double v_ = _ptr_v_[i_];" in code
    assert "// threshold: v > v_th" in code
    # exact is not possible (rand), so euler; loop invariants are hoisted out of the loop
    assert "state update (euler)" in code
    assert "namespace ng" in code
    assert "0x" not in code.split("namespace ng", 1)[1].split("C entry points")[0]  # no addresses


def test_changing_values_never_changes_generated_code(caplog):
    """N, parameter values and initial values are runtime data: one compile for all."""
    import logging

    caplog.set_level(logging.INFO, logger="neurogen.compiled.library")
    counts = []
    for n, tau_value in [(5, 10 * ms), (50, 20 * ms)]:
        start_scope()
        tau = tau_value  # noqa: F841
        G = NeuronGroup(n, "dv/dt = -v/tau : 1", threshold="v > 0.5", reset="v = 0", method="exact")
        G.v = np.linspace(0, 1, n)
        M = SpikeMonitor(G)
        run(1 * ms)
        counts.append(sum("compiling network" in r.message for r in caplog.records))
    assert counts[1] == counts[0]


def _uniform_values(seed_value, n=20000):
    seed(seed_value)
    G = NeuronGroup(n, "x : 1\ny : 1")
    G.x = "rand()"
    G.y = "randn()"
    return np.asarray(G.x).copy(), np.asarray(G.y).copy()


def test_rand_and_randn_in_assignments_have_the_right_distributions():
    x, y = _uniform_values(7)
    assert 0.0 <= x.min() and x.max() < 1.0
    assert stats.kstest(x, "uniform").pvalue > 1e-4
    assert stats.kstest(y, "norm").pvalue > 1e-4
    assert abs(np.corrcoef(x, y)[0, 1]) < 4 / np.sqrt(len(x))


def test_same_seed_same_numbers_different_seed_different_numbers():
    a, _ = _uniform_values(1)
    b, _ = _uniform_values(1)
    c, _ = _uniform_values(2)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_random_numbers_in_state_updates_are_reproducible_and_fresh_each_step():
    def simulate(seed_value):
        seed(seed_value)
        G = NeuronGroup(1000, "dx/dt = (rand() - 0.5)/ms : 1", method="euler")
        S = StateMonitor(G, "x", record=[0, 1])
        run(2 * ms)
        return S.x_.copy(), np.asarray(G.x).copy()

    (trace_a, final_a), (trace_b, final_b) = simulate(3), simulate(3)
    assert np.array_equal(final_a, final_b)
    steps = np.diff(trace_a[0]) / 0.1  # each increment is (rand() - 0.5) * dt/ms
    assert len(set(np.round(steps, 12))) == len(steps)  # a fresh draw every step
    # mean of 1000 sums of 20 uniform(-0.5, 0.5) * 0.1: 0 within 4 sigma
    sigma = 0.1 * np.sqrt(20 / 12) / np.sqrt(1000)
    assert abs(final_a.mean()) < 4 * sigma


def test_without_seed_runs_differ():
    seed(None)
    G = NeuronGroup(100, "x : 1")
    G.x = "rand()"
    first = np.asarray(G.x).copy()
    G.x = "rand()"
    assert not np.array_equal(first, np.asarray(G.x))


def test_random_threshold_poisson_neurons():
    """The Brian2 idiom threshold='rand() < rates*dt': spike counts Binomial(N*steps, rate*dt)."""
    seed(11)
    P = NeuronGroup(1000, "rates : Hz", threshold="rand() < rates*dt")
    P.rates = 100 * Hz
    M = SpikeMonitor(P)
    run(100 * ms)
    n, p = 1000 * 1000, 100 * 1e-4
    assert abs(M.num_spikes - n * p) < 4 * np.sqrt(n * p * (1 - p))


def test_kernels_of_one_object_draw_different_numbers():
    seed(5)
    G = NeuronGroup(50, "dr/dt = (rand() - r)/dt : 1\nq : 1", threshold="True",
                    reset="q = rand()", method="euler")
    run(0.3 * ms)
    assert not np.any(np.asarray(G.r) == np.asarray(G.q))
    assert abs(np.corrcoef(np.asarray(G.r), np.asarray(G.q))[0, 1]) < 4 / np.sqrt(50)


def test_exp_of_one_and_pi_print_as_numbers():
    """Bug: sympy turns exp(1) into its constant E, which C++ printed as a declaration."""
    G = NeuronGroup(1, "v : 1")
    G.v = "exp(1) + exp(0)*pi"
    assert G.v[0] == pytest.approx(np.e + np.pi, rel=1e-15)
