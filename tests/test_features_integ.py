"""Issue 13 part 2: ``exponential_euler`` integrates what Brian2 2.9 integrates, with Brian2's numbers.

Brian2 treats ``dx/dt = f`` as conditionally linear when, after expanding ``f`` and collecting its
terms by their power of ``x``, only ``A*x`` and ``B`` remain; ``A`` and ``B`` may still contain
``x`` inside functions (Morris-Lecar's ``m_inf(V)``, Hodgkin-Huxley's ``m(v)**3``): they are
evaluated at the start of the step and ``x_new = -B/A + (x + B/A)*exp(A*dt)``.

The reference numbers come from Brian2 2.9.0 (numpy target, the same model code as the example
scripts ``frompapers/Morris_Lecar_1981.py`` and ``frompapers/Wang_Buszaki_1996.py``), run once and
written down here; a plain numpy transcription of Brian2's update checks them independently.
"""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from neurogen import *
from neurogen.errors import EquationError
from runtime_device import back_to_runtime

# ---------------------------------------------------------------------------------------------
# Morris-Lecar (1981), as in Brian2's example

g_L, g_Ca, g_K = 2 * mS, 4 * mS, 8 * mS
V_L, V_Ca, V_K = -50 * mV, 100 * mV, -70 * mV
lambda_n__max = 1.0 / (15 * ms)
V_1, V_2, V_3, V_4 = 10 * mV, 15 * mV, -1 * mV, 14.5 * mV
C = 20 * uF
MORRIS_LECAR = '''
dV/dt = (-g_L*(V - V_L) - g_Ca*m_inf*(V - V_Ca) - g_K*n*(V - V_K) + I)/C : volt
dn/dt = lambda_n*(n_inf - n) : 1
m_inf = 0.5*(1 + tanh((V - V_1)/V_2)) : 1
n_inf = 0.5*(1 + tanh((V - V_3)/V_4)) : 1
lambda_n = lambda_n__max*cosh((V - V_3)/(2*V_4)) : Hz
I : amp
'''
ML_RECORDED = [0, 4, 12, 16]
ML_STEPS = (99, 199, 299)
# Brian2 2.9.0: mon.V[:, k]/mV and mon.n[:, k] for k in ML_STEPS, neurons ML_RECORDED
ML_V = np.array([[-45.2841099853934, -40.567230386547, -31.12346658875667, -26.392114778970605],
                 [-40.96533088350494, -31.912456160085664, -13.574934402534794, -4.006257090106185],
                 [-37.04820964962719, -24.005152037446063, 4.312589191111077, 22.016454385937354]])
ML_N = np.array([[0.00123488635028036, 0.00133568701742786, 0.00167502001589955, 0.00196727741984709],
                 [0.00148681630353354, 0.00211230459300446, 0.00633874968791573, 0.01256566601859033],
                 [0.00196499206463331, 0.00421223140172182, 0.03107637794886542, 0.0645252040907508]])
# Brian2 2.9.0: neuron.V/mV after 300 steps, all 17 neurons
ML_FINAL_V = np.array([-37.01092322612687, -33.754639433770954, -30.49116047817737, -27.21748405930458,
                       -23.92932651170971, -20.62056767030887, -17.282459576380997, -13.90251638810068,
                       -10.463016349673323, -6.939167367138094, -3.2974336012069476, 0.5042310148415385,
                       4.5099158462884175, 8.746375017878657, 13.190947541914522, 17.752439355844473,
                       22.30008898785693])
RTOL = 1e-10  # Brian2's and our arithmetic differ in operation order only (measured: < 1e-13)


def _morris_lecar():
    defaultclock.dt = 0.01 * ms
    neuron = NeuronGroup(17, MORRIS_LECAR, method="exponential_euler")
    neuron.I = (np.arange(17) * 25 + 100) * uA
    neuron.V = V_L
    neuron.n = "n_inf"
    mon = StateMonitor(neuron, ["V", "n"], record=ML_RECORDED)
    run(3 * ms)
    return neuron, mon


def _check_morris_lecar(neuron, mon):
    steps = list(ML_STEPS)
    np.testing.assert_allclose(np.asarray(mon.V / mV)[:, steps].T, ML_V, rtol=RTOL)
    np.testing.assert_allclose(np.asarray(mon.n)[:, steps].T, ML_N, rtol=RTOL)
    np.testing.assert_allclose(np.asarray(neuron.V / mV), ML_FINAL_V, rtol=RTOL)


def _morris_lecar_numpy(steps: int) -> np.ndarray:
    """Brian2's exponential Euler step for Morris-Lecar written out in numpy (SI units):
    V's coefficient A and offset B are frozen at the start of the step, n likewise."""
    dt = 0.01e-3
    I = (np.arange(17) * 25 + 100) * 1e-6
    gL, gCa, gK, VL, VCa, VK, c = 2e-3, 4e-3, 8e-3, -50e-3, 100e-3, -70e-3, 20e-6
    v1, v2, v3, v4, lmax = 10e-3, 15e-3, -1e-3, 14.5e-3, 1 / 15e-3
    V = np.full(17, VL)
    n = 0.5 * (1 + np.tanh((V - v3) / v4))
    for _ in range(steps):
        m_inf = 0.5 * (1 + np.tanh((V - v1) / v2))
        n_inf = 0.5 * (1 + np.tanh((V - v3) / v4))
        lam = lmax * np.cosh((V - v3) / (2 * v4))
        A_V = -(gL + gCa * m_inf + gK * n) / c
        B_V = (gL * VL + gCa * m_inf * VCa + gK * n * VK + I) / c
        A_n, B_n = -lam, lam * n_inf
        V, n = -B_V / A_V + (V + B_V / A_V) * np.exp(A_V * dt), -B_n / A_n + (n + B_n / A_n) * np.exp(A_n * dt)
    return V


def test_numpy_transcription_of_brian2s_update_gives_the_reference_numbers():
    """The hard-coded Brian2 numbers are what the conditionally linear update gives."""
    np.testing.assert_allclose(_morris_lecar_numpy(300) * 1e3, ML_FINAL_V, rtol=1e-12)


def test_morris_lecar_gives_brian2s_numbers():
    _check_morris_lecar(*_morris_lecar())


@pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake")
def test_morris_lecar_gives_brian2s_numbers_in_standalone(tmp_path):
    """The example script itself runs as a standalone project."""
    set_device("cpp_standalone", directory=tmp_path / "project")
    try:
        _check_morris_lecar(*_morris_lecar())
    finally:
        back_to_runtime()


# ---------------------------------------------------------------------------------------------
# Wang-Buszaki (1996), as in Brian2's example

Cm, Iapp, gL, EL = 1 * uF, 2 * uA, 0.1 * msiemens, -65 * mV
ENa, EK, gNa, gK = 55 * mV, -90 * mV, 35 * msiemens, 9 * msiemens
WANG_BUSZAKI = '''
dv/dt = (-gNa*m**3*h*(v-ENa)-gK*n**4*(v-EK)-gL*(v-EL)+Iapp)/Cm : volt
m = alpha_m/(alpha_m+beta_m) : 1
alpha_m = 0.1/mV*10*mV/exprel(-(v+35*mV)/(10*mV))/ms : Hz
beta_m = 4*exp(-(v+60*mV)/(18*mV))/ms : Hz
dh/dt = 5*(alpha_h*(1-h)-beta_h*h) : 1
alpha_h = 0.07*exp(-(v+58*mV)/(20*mV))/ms : Hz
beta_h = 1./(exp(-0.1/mV*(v+28*mV))+1)/ms : Hz
dn/dt = 5*(alpha_n*(1-n)-beta_n*n) : 1
alpha_n = 0.01/mV*10*mV/exprel(-(v+34*mV)/(10*mV))/ms : Hz
beta_n = 0.125*exp(-(v+44*mV)/(80*mV))/ms : Hz
'''
# Brian2 2.9.0: (v/mV, h, n) at steps 99, 199, 299, 399
WB_REFERENCE = np.array([[-67.6200674967776, 0.9390678641265371, 0.03667865973042635],
                         [-65.41648014106826, 0.8897843748093417, 0.05889948699458798],
                         [-63.37157782465394, 0.8430148308394726, 0.07572606145196098],
                         [-61.43009832311069, 0.7945780714368288, 0.09093672381507087]])


def test_wang_buszaki_gives_brian2s_numbers():
    defaultclock.dt = 0.01 * ms
    neuron = NeuronGroup(1, WANG_BUSZAKI, method="exponential_euler")
    neuron.v = -70 * mV
    neuron.h = 1
    M = StateMonitor(neuron, ["v", "h", "n"], record=0)
    run(4 * ms)
    steps = [99, 199, 299, 399]
    got = np.column_stack([np.asarray(M.v[0] / mV)[steps], np.asarray(M.h[0])[steps], np.asarray(M.n[0])[steps]])
    np.testing.assert_allclose(got, WB_REFERENCE, rtol=RTOL)


# ---------------------------------------------------------------------------------------------
# analytic truth


def test_coefficient_from_another_variable_is_exact_when_that_variable_is_constant():
    """``dx/dt = -k*x + k*c`` with ``k`` a state that does not change: exp. Euler is exact."""
    defaultclock.dt = 0.1 * ms
    G = NeuronGroup(3, "dx/dt = -k*(x - c) : 1\ndk/dt = 0*Hz/second : Hz\nc : 1", method="exponential_euler")
    G.k = [10, 100, 1000] * Hz
    G.c = [1, -2, 0.5]
    G.x = 0.25
    run(5 * ms)
    k, c = np.array([10.0, 100.0, 1000.0]), np.array([1, -2, 0.5])
    np.testing.assert_allclose(G.x[:], c + (0.25 - c) * np.exp(-k * 5e-3), rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# refusals: what Brian2 refuses, and what Brian2 would get wrong without a word


@pytest.mark.parametrize("model, term", [
    ("dx/dt = -x**2/tau : 1", r"the term -x\*\*2/tau"),                # Brian2 refuses
    ("dx/dt = -x*(x + 1)/tau : 1", r"the term -x\*\*2/tau"),           # Brian2 drops x**2 silently
    ("dx/dt = (1/x - x)/tau : 1", r"the term 1/\(tau\*x\)|the term 1/\(x\*tau\)"),  # Brian2 drops 1/x
])
def test_refuses_a_power_of_the_variable_naming_equation_and_term(model, term):
    tau = 10 * ms
    G = NeuronGroup(1, model, method="exponential_euler", namespace={"tau": tau})
    with pytest.raises(EquationError, match=r"'exponential_euler' cannot integrate dx/dt = .*not linear in x.*"
                                            + term):
        run(0.1 * ms)


def test_refuses_variable_only_inside_a_function():
    """``dx/dt = tanh(x)/tau``: no term proportional to x (Brian2 refuses it too)."""
    tau = 10 * ms
    G = NeuronGroup(1, "dx/dt = tanh(x)/tau : 1", method="exponential_euler")
    with pytest.raises(EquationError, match=r"dx/dt = tanh\(x\)/tau: .*no term is proportional to x"):
        run(0.1 * ms)


def test_sqrt_of_the_variable_is_a_function_as_in_brian2():
    """Brian2's sqrt is a function: ``sqrt(x)`` alone goes to B, ``x*sqrt(x)`` has A = sqrt(x)
    (sympy writes them x**(1/2) and x**(3/2)); Brian2 2.9 integrates both."""
    defaultclock.dt = 0.1 * ms
    tau = 10 * ms
    G = NeuronGroup(2, "dx/dt = (sqrt(x) - x)/tau : 1\ndy/dt = -y*sqrt(y)/tau : 1", method="exponential_euler")
    G.x = [0.25, 4.0]
    G.y = [0.25, 4.0]
    run(1 * ms)
    x = np.array([0.25, 4.0])
    y = x.copy()
    decay = np.exp(-0.1 / 10)
    for _ in range(10):
        x = np.sqrt(x) + (x - np.sqrt(x)) * decay  # -B/A = sqrt(x), frozen over the step
        y = y * np.exp(-np.sqrt(y) * 0.1 / 10)
    np.testing.assert_allclose(np.asarray(G.x), x, rtol=1e-12)
    np.testing.assert_allclose(np.asarray(G.y), y, rtol=1e-12)
