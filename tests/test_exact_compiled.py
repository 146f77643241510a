"""Integration methods in compiled code, against analytic solutions.

Propagators of coupled linear systems come from runtime values (a matrix exponential), so
the same compiled model must be exact when tau1 == tau2 and for complex eigenvalues.
"""
from __future__ import annotations

import numpy as np
import pytest

from neurogen import *

BIEXP = """dg/dt = (h - g)/tau1 : 1
           dh/dt = -h/tau2 : 1"""


def biexp_reference(t, tau1, tau2):
    """g(t) for g(0) = 0, h(0) = 1: (1/tau1) * (e^{-t/tau2} - e^{-t/tau1}) / (1/tau1 - 1/tau2)."""
    if tau1 == tau2:
        return t / tau1 * np.exp(-t / tau1)
    return (np.exp(-t / tau2) - np.exp(-t / tau1)) / tau1 / (1 / tau1 - 1 / tau2)


@pytest.mark.parametrize("tau2_ms", [5.0, 10.0])
def test_exact_biexponential_including_equal_time_constants(tau2_ms):
    tau1, tau2 = 10 * ms, tau2_ms * ms  # noqa: F841  (read by run())
    G = NeuronGroup(1, BIEXP, method="exact")
    G.h = 1.0
    S = StateMonitor(G, "g", record=0)
    run(100 * ms)
    t = S.t_
    expected = biexp_reference(t, 0.01, tau2_ms * 1e-3)
    assert np.max(np.abs(S.g_[0] - expected)) <= 1e-12 * np.max(expected)


def test_exact_damped_oscillator_complex_eigenvalues():
    eqs = """dx/dt = -w*y - x/tau : 1
             dy/dt = w*x - y/tau : 1"""
    w, tau = 2 * np.pi * 50 * Hz, 30 * ms  # noqa: F841
    G = NeuronGroup(1, eqs, method="exact")
    G.x = 1.0
    S = StateMonitor(G, ["x", "y"], record=0)
    run(100 * ms)
    t = S.t_
    decay = np.exp(-t / 0.03)
    np.testing.assert_allclose(S.x_[0], decay * np.cos(2 * np.pi * 50 * t), rtol=0, atol=1e-12)
    np.testing.assert_allclose(S.y_[0], decay * np.sin(2 * np.pi * 50 * t), rtol=0, atol=1e-12)


def _final_error(method, dt):
    defaultclock.dt = dt * ms
    tau = 10 * ms  # noqa: F841
    G = NeuronGroup(1, "dv/dt = -v**2/tau : 1", method=method)
    G.v = 1.0
    run(20 * ms)
    return abs(float(G.v[0]) - 1.0 / (1.0 + 0.02 / 0.01))


@pytest.mark.parametrize("method, order", [("euler", 1), ("rk2", 2), ("rk4", 4)])
def test_convergence_order(method, order):
    """Measured order on dv/dt = -v^2/tau (v = v0/(1 + v0 t/tau)); dt is runtime data."""
    dts = np.array([0.4, 0.2, 0.1, 0.05])
    errors = np.array([_final_error(method, dt) for dt in dts])
    slope = np.polyfit(np.log(dts), np.log(errors), 1)[0]
    assert abs(slope - order) < 0.2, (method, slope, errors)


def test_heun_without_noise_is_euler():
    assert _final_error("heun", 0.1) == _final_error("euler", 0.1)


def test_exponential_euler_is_exact_for_linear_equations():
    tau = 10 * ms  # noqa: F841
    G = NeuronGroup(1, "dv/dt = (2 - v)/tau : 1", method="exponential_euler")
    run(50 * ms)
    assert float(G.v[0]) == pytest.approx(2 * (1 - np.exp(-5.0)), rel=1e-13)


def test_exact_refuses_nonlinear_equations_naming_them():
    G = NeuronGroup(1, "dv/dt = -v**2/(10*ms) : 1", method="exact")
    with pytest.raises(EquationError, match="dv/dt"):
        run(1 * ms)


def test_method_chosen_automatically():
    tau = 10 * ms  # noqa: F841
    G = NeuronGroup(1, "dv/dt = -v/tau : 1")
    G.v = 1.0
    run(10 * ms)
    assert float(G.v[0]) == pytest.approx(np.exp(-1), rel=1e-13)  # exact was chosen
