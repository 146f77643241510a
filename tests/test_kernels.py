"""neurogen.kernels against independent truth (issue 14, part 3).

The reference is numpy: the textbook closed form of each kernel (written here, not taken from
the module), convolved with irregular spike trains. The documented alignment: a spike
delivered in step k adds to the kernel in the synapses slot of step k, so a StateMonitor at
``when='end'`` of step n records ``sum_k x[k]*kernel((n - k)*dt)`` and one at the default
``'start'`` the same one step later.
"""
from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from scipy.integrate import quad

from neurogen import (DimensionMismatchError, Equations, NeuronGroup, SpikeGeneratorGroup, StateMonitor, Synapses,
                      defaultclock, kernels, mV, ms, nS, pF, run, second, siemens, start_scope)
import neurogen

TAU = 5e-3
TAU_RISE = 1e-3
DT = 1e-4
STEPS = 1000
N_SOURCES, N_TARGETS = 6, 3


# ---- the textbook kernels (response to one spike of weight 1 at t = 0), seconds ---------------
def exponential_kernel(t, tau, normalize):
    raw = np.exp(-t / tau)
    return raw / tau if normalize == "area" else raw


def alpha_kernel(t, tau, normalize):
    if normalize == "peak":
        return (t / tau) * np.exp(1 - t / tau)           # NEST/PyNN: peak 1 at t = tau
    if normalize == "area":
        return t / tau ** 2 * np.exp(-t / tau)          # integral 1
    return (t / tau) * np.exp(-t / tau)                  # Brian2's documented form: peak 1/e


def biexponential_kernel(t, tau_rise, tau_decay, normalize):
    difference = np.exp(-t / tau_decay) - np.exp(-t / tau_rise)
    if normalize == "peak":
        t_peak = tau_decay * tau_rise / (tau_decay - tau_rise) * np.log(tau_decay / tau_rise)
        return difference / (np.exp(-t_peak / tau_decay) - np.exp(-t_peak / tau_rise))
    if normalize == "area":
        return difference / (tau_decay - tau_rise)
    return tau_rise / (tau_decay - tau_rise) * difference


NEAR_RISE = TAU * (1 - 1e-6)


def biexponential_kernel_precise(t, tau_rise, tau_decay):
    """The peak-normalized textbook form in 40-digit arithmetic: in doubles its difference of
    nearly equal exponentials loses ~1e-10 when tau_rise ~ tau_decay (the kernel does not)."""
    with mpmath.workdps(40):
        rise, decay = mpmath.mpf(tau_rise), mpmath.mpf(tau_decay)
        t_peak = decay * rise / (decay - rise) * mpmath.log(decay / rise)
        peak = mpmath.exp(-t_peak / decay) - mpmath.exp(-t_peak / rise)
        return np.array([float((mpmath.exp(-mpmath.mpf(x) / decay) - mpmath.exp(-mpmath.mpf(x) / rise)) / peak)
                         for x in np.atleast_1d(t)])

#: variable -> (kernel, textbook kernel, tolerance relative to the peak of one spike of the
#: largest weight)
CASES = {
    "g_exp_peak": (kernels.exponential(TAU * second), lambda t: exponential_kernel(t, TAU, "peak"), 1e-9),
    "g_exp_area": (kernels.exponential(TAU * second, normalize="area"),
                   lambda t: exponential_kernel(t, TAU, "area"), 1e-9),
    "g_alpha_peak": (kernels.alpha(TAU * second), lambda t: alpha_kernel(t, TAU, "peak"), 1e-9),
    "g_alpha_area": (kernels.alpha(TAU * second, normalize="area"), lambda t: alpha_kernel(t, TAU, "area"), 1e-9),
    "g_alpha_raw": (kernels.alpha(TAU * second, normalize=None), lambda t: alpha_kernel(t, TAU, None), 1e-9),
    "g_bi_peak": (kernels.biexponential(TAU_RISE * second, TAU * second),
                  lambda t: biexponential_kernel(t, TAU_RISE, TAU, "peak"), 1e-9),
    "g_bi_area": (kernels.biexponential(TAU_RISE * second, TAU * second, normalize="area"),
                  lambda t: biexponential_kernel(t, TAU_RISE, TAU, "area"), 1e-9),
    "g_bi_raw": (kernels.biexponential(TAU_RISE * second, TAU * second, normalize=None),
                 lambda t: biexponential_kernel(t, TAU_RISE, TAU, None), 1e-9),
    "g_bi_equal": (kernels.biexponential(TAU * second, TAU * second), lambda t: alpha_kernel(t, TAU, "peak"), 1e-9),
    "g_bi_equal_raw": (kernels.biexponential(TAU * second, TAU * second, normalize=None),
                       lambda t: alpha_kernel(t, TAU, None), 1e-9),
    "g_bi_near": (kernels.biexponential(NEAR_RISE * second, TAU * second),
                  lambda t: biexponential_kernel_precise(t, NEAR_RISE, TAU), 1e-9),
}


def _spike_trains(rng):
    """Irregular spikes: each source fires in 60 distinct random steps (sources often share a step)."""
    indices, steps = [], []
    for source in range(N_SOURCES):
        chosen = np.sort(rng.choice(STEPS - 1, size=60, replace=False))
        indices.append(np.full(chosen.size, source))
        steps.append(chosen)
    return np.concatenate(indices), np.concatenate(steps)


@pytest.fixture(scope="module")
def simulated():
    start_scope()
    defaultclock.dt = DT * second
    rng = np.random.default_rng(20261208)
    indices, steps = _spike_trains(rng)
    model = Equations("")
    for name, (kernel, _, _) in CASES.items():
        model = model + kernel.equations(name, unit="1")
    P = SpikeGeneratorGroup(N_SOURCES, indices, steps * DT * second)
    G = NeuronGroup(N_TARGETS, model, method="exact")
    weights = rng.uniform(0.2, 1.5, size=(N_SOURCES, N_TARGETS))
    weights[rng.random(weights.shape) < 0.3] = 0.0  # not every source reaches every target
    synapses = []
    for name, (kernel, _, _) in CASES.items():
        S = Synapses(P, G, "w : 1", on_pre=kernel.on_pre(name, "w"))
        S.connect(i=np.repeat(np.arange(N_SOURCES), N_TARGETS), j=np.tile(np.arange(N_TARGETS), N_SOURCES))
        S.w = weights.ravel()
        synapses.append(S)
    at_start = StateMonitor(G, list(CASES), record=True)
    at_end = StateMonitor(G, list(CASES), record=True, when="end")
    run(STEPS * DT * second)
    x = np.zeros((N_TARGETS, STEPS))  # the weight arriving at each target in each step
    for source, step in zip(indices, steps):
        x[:, step] += weights[source]
    return {name: (np.asarray(getattr(at_start, name)), np.asarray(getattr(at_end, name))) for name in CASES}, x, \
        weights, np.asarray(at_start.t / second)


def _convolution(x, kernel_values):
    return np.array([np.convolve(row, kernel_values)[:STEPS] for row in x])


@pytest.mark.parametrize("name", list(CASES))
def test_kernel_equals_the_convolution_of_irregular_spike_trains(simulated, name):
    records, x, weights, times = simulated
    kernel, textbook, tolerance = CASES[name]
    lags = np.arange(STEPS) * DT
    with np.errstate(invalid="ignore"):
        kernel_values = textbook(lags)
    reference = _convolution(x, kernel_values)
    scale = np.max(np.abs(kernel_values)) * weights.max()
    at_start, at_end = records[name]
    assert np.max(np.abs(at_end - reference)) <= tolerance * scale
    # the default StateMonitor slot ('start' of step n) sees the convolution one step late
    assert np.all(at_start[:, 0] == 0)
    assert np.max(np.abs(at_start[:, 1:] - reference[:, :-1])) <= tolerance * scale
    np.testing.assert_allclose(times, np.arange(STEPS) * DT, rtol=0, atol=1e-15)


def test_module_closed_form_matches_the_textbook_kernels():
    t = np.linspace(0, 0.05, 2001)
    for name, (kernel, textbook, tolerance) in CASES.items():
        values = textbook(t)
        assert np.max(np.abs(kernel.response(t) - values)) <= tolerance * np.max(values), name
        assert np.all(kernel.response(-t[1:]) == 0)
        np.testing.assert_array_equal(kernel(t * second, w=2.0), 2.0 * kernel.response(t))


def test_peak_normalization_peaks_at_the_weight():
    for kernel in (kernels.exponential(3 * ms), kernels.alpha(5 * ms), kernels.biexponential(0.5 * ms, 8 * ms),
                   kernels.biexponential(4 * ms, 4 * ms), kernels.biexponential(4 * ms * (1 - 1e-6), 4 * ms)):
        t_peak = float(kernel.time_to_peak / second)
        assert kernel.response(t_peak, w=2.5) == pytest.approx(2.5, rel=1e-14)
        fine = np.linspace(0, 20 * t_peak + 0.01, 200001)
        assert np.max(kernel.response(fine)) <= 1 + 1e-14
        assert kernel.peak == pytest.approx(1.0, rel=1e-14)
    # the analytic times to peak
    assert kernels.alpha(5 * ms).time_to_peak / ms == pytest.approx(5)
    assert kernels.biexponential(1 * ms, 5 * ms).time_to_peak / ms == pytest.approx(5 / 4 * math.log(5), rel=1e-14)


def test_alpha_normalizations_are_the_documented_conventions():
    raw, peak, area = (kernels.alpha(5 * ms, normalize=n) for n in (None, "peak", "area"))
    assert raw.peak == pytest.approx(1 / math.e, rel=1e-15)      # Brian2's documentation: w/e
    assert peak.peak == pytest.approx(1.0, rel=1e-15)            # NEST, NESTML, PyNN: w
    assert peak.factor / raw.factor == pytest.approx(math.e, rel=1e-15)
    assert area.area / second == pytest.approx(1.0, rel=1e-15)
    assert raw.on_pre("g", "w") == "x_g += w"
    assert peak.on_pre("g", "w") == f"x_g += {math.e!r}*w"


@pytest.mark.parametrize("kernel", [kernels.exponential(5 * ms, normalize="area"),
                                    kernels.alpha(5 * ms, normalize="area"),
                                    kernels.biexponential(1 * ms, 5 * ms, normalize="area"),
                                    kernels.biexponential(5 * ms, 5 * ms, normalize="area")],
                         ids=["exponential", "alpha", "biexponential", "biexponential-equal"])
def test_area_normalization_integrates_to_the_weight_times_one_second(kernel):
    integral, error = quad(lambda t: float(kernel.response(t, w=0.7)), 0, 1, limit=500, points=[0.005, 0.02])
    assert integral == pytest.approx(0.7, rel=1e-9)
    assert kernel.area / second == pytest.approx(1.0, rel=1e-14)


def test_equal_time_constants_give_the_alpha_kernel_exactly():
    for normalize in (None, "peak", "area"):
        alpha = kernels.alpha(5 * ms, normalize=normalize)
        equal = kernels.biexponential(5 * ms, 5 * ms, normalize=normalize)
        assert equal.equations_text("g") == alpha.equations_text("g")
        assert equal.on_pre("g", "w") == alpha.on_pre("g", "w")
        assert equal.factor == alpha.factor
    # the raw forms of an alpha and a peak-normalized dual exponential differ by e: 'matching'
    # them needs the same normalize on both
    assert kernels.biexponential(5 * ms, 5 * ms).peak / kernels.alpha(5 * ms, normalize=None).peak \
        == pytest.approx(math.e, rel=1e-15)


def test_simulated_near_equal_time_constants_approach_the_alpha_kernel(simulated):
    """tau_rise = tau_decay*(1 - 1e-6): within ~1e-6 of the equal-time-constant (alpha) response."""
    records, _, _, _ = simulated
    near, equal = records["g_bi_near"][1], records["g_bi_equal"][1]
    assert np.max(np.abs(near - equal)) <= 2e-6 * np.max(np.abs(equal))
    assert np.max(np.abs(near - equal)) > 0


def test_near_equal_time_constants_approach_the_alpha_kernel():
    t = np.linspace(0, 0.05, 5001)
    alpha = kernels.alpha(5 * ms).response(t)
    for relative in (1e-3, 1e-6, 1e-9, 1e-12, -1e-12, -1e-10):  # < 0: tau_rise longer, within rounding
        near = kernels.biexponential(5 * ms * (1 - relative), 5 * ms)
        assert np.max(np.abs(near.response(t) - alpha)) <= 2 * abs(relative) + 1e-14, relative
        assert near.peak == pytest.approx(1.0, rel=1e-14)


def test_refusals_name_the_argument():
    with pytest.raises(ValueError, match="tau_rise.*longer than tau_decay.*swap"):
        kernels.biexponential(5 * ms, 1 * ms)
    with pytest.raises(ValueError, match="tau_rise.*longer than tau_decay.*swap"):
        kernels.biexponential(5 * ms * (1 + 1e-6), 5 * ms)
    with pytest.raises(DimensionMismatchError, match="tau must be a time"):
        kernels.alpha(5 * mV)
    with pytest.raises(ValueError, match="positive"):
        kernels.exponential(0 * ms)
    with pytest.raises(ValueError, match="normalize must be"):
        kernels.alpha(5 * ms, normalize="max")
    with pytest.raises(ValueError, match="input must be"):
        kernels.alpha(5 * ms, input="voltage")
    with pytest.raises(ValueError, match="only means something for input='conductance'"):
        kernels.alpha(5 * ms, input="current", E=0 * mV)
    with pytest.raises(ValueError, match="needs a reversal potential"):
        kernels.alpha(5 * ms).current("g")
    with pytest.raises(TypeError, match="variable name"):
        kernels.alpha(5 * ms).equations("g h")
    with pytest.raises(TypeError, match="unit must be a unit"):
        kernels.alpha(5 * ms).equations("g", unit=2 * nS)
    with pytest.raises(TypeError, match="weight must be"):
        kernels.alpha(5 * ms).on_pre("g", 3)


def test_model_text_and_names():
    k = kernels.biexponential(1 * ms, 5 * ms, input="conductance", E=-80 * mV)
    assert k.equations_text("g") == ("dg/dt = (x_g - g)/(0.005*second) : siemens\n"
                                     "dx_g/dt = -x_g/(0.001*second) : siemens\n")
    assert k.current("g") == "g*((-0.08*volt) - v)"
    assert k.on_pre("g_post", "w*2").startswith("x_g_post += ")
    assert kernels.alpha(2 * ms, E="E_exc").current("ge", v="vm") == "ge*(E_exc - vm)"
    assert kernels.exponential(5 * ms, input="current").equations_text("I") == "dI/dt = -I/(0.005*second) : amp\n"
    assert kernels.exponential(5 * ms, input="current").current("I") == "I"
    assert kernels.alpha(5 * ms).equations_text("g", unit=nS).endswith(": siemens\n")
    assert kernels.alpha(5 * ms).equations_text("g", unit="1").endswith(": 1\n")


def test_kernels_is_a_module_of_neurogen_but_not_in_the_star_import():
    assert neurogen.kernels is kernels
    assert "kernels" not in neurogen.__all__


def test_conductance_kernel_drives_v_through_g_times_E_minus_v():
    """The issue's usage, word for word: the kernel's g (siemens) drives v through g*(E - v);
    checked against the same RK4 in numpy, and by sign: E above v pulls v up, below pushes it down."""
    start_scope()
    defaultclock.dt = 0.1 * ms
    N = 2
    k = kernels.alpha(5 * ms, normalize="peak")  # the line; its current written by hand
    k_inh = kernels.alpha(5 * ms, normalize="peak", input="conductance", E=-80 * mV)
    model = f"dv/dt = (gL*(EL - v) + g*(0*mV - v) + {k_inh.current('gi')})/C : volt\n"
    G = NeuronGroup(N, model + k.equations("g") + k_inh.equations("gi"), method="rk4",
                    namespace={"gL": 10 * nS, "EL": -65 * mV, "C": 200 * pF})
    G.v = -65 * mV
    P = SpikeGeneratorGroup(2, [0, 0, 1, 0], [2, 10, 10, 30] * ms)
    S = Synapses(P, G, "w : siemens", on_pre=k.on_pre("g", "w"))
    S.connect(i=0, j=[0, 1])
    S.w = [3 * nS, 1 * nS]
    S_inh = Synapses(P, G, "w : siemens", on_pre=k_inh.on_pre("gi", "w"))
    S_inh.connect(i=1, j=1)
    S_inh.w = 10 * nS
    M = StateMonitor(G, "v", record=True)
    run(60 * ms)
    v = np.asarray(M.v / mV)
    # excitation alone (neuron 0): v rises above rest, stays below E
    assert v[0].max() > -65 + 0.5 and v[0].max() < 0 and v[0].min() >= -65 - 1e-9
    # the reference: excitation and inhibition arriving at their steps, summed as separate
    # alpha conductances (both kernels share tau: one g with reversal-weighted parts is not the
    # same, so integrate both)
    steps = 600
    arriving_e = np.zeros((N, steps))
    arriving_i = np.zeros((N, steps))
    for step in (20, 100, 300):
        arriving_e[:, step] += np.array([3e-9, 1e-9]) * math.e
    arriving_i[1, 100] += 10e-9 * math.e
    reference = _rk4_two(arriving_e, arriving_i, tau=5e-3, gL=10e-9, EL=-65e-3, C=200e-12, dt=1e-4)
    assert np.max(np.abs(v / 1e3 - reference)) <= 1e-12
    # the inhibition pulls neuron 1 below rest, towards -80 mV
    assert v[1].min() < -65.1


def _rk4_two(arriving_e, arriving_i, tau, gL, EL, C, dt):
    """RK4 of two alpha conductances (E = 0 and -80 mV) into v, in the order the schedule runs."""
    n, steps = arriving_e.shape
    state = np.zeros((5, n))  # g, x_g, gi, x_gi, v
    state[4] = EL
    out = np.empty((n, steps))

    def f(s):
        g, xg, gi, xgi, v = s
        return np.array([(xg - g) / tau, -xg / tau, (xgi - gi) / tau, -xgi / tau,
                         (gL * (EL - v) + g * (0.0 - v) + gi * (-0.08 - v)) / C])

    for step in range(steps):
        out[:, step] = state[4]
        k1 = f(state)
        k2 = f(state + dt / 2 * k1)
        k3 = f(state + dt / 2 * k2)
        k4 = f(state + dt * k3)
        state = state + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        state[1] += arriving_e[:, step]
        state[3] += arriving_i[:, step]
    return out


def test_method_accuracy_of_a_kernel_in_a_conductance_model():
    """g*(E - v) makes the group's equations non-linear: 'exact' is not possible, the automatic
    choice is euler (as in Brian2), about 1% off for a 5 ms alpha kernel at dt = 0.1 ms; rk4 is
    within 1e-8 of the peak (the README says so)."""
    errors = {}
    for method in ("euler", "rk4", None):
        start_scope()
        defaultclock.dt = 0.1 * ms
        k = kernels.alpha(5 * ms, normalize="peak")
        model = "dv/dt = (gL*(EL - v) + g*(0*mV - v))/C : volt\n"
        G = NeuronGroup(1, model + k.equations("g"), namespace={"gL": 10 * nS, "EL": -65 * mV, "C": 200 * pF},
                        **({"method": method} if method else {}))
        G.v = -65 * mV
        P = SpikeGeneratorGroup(1, [0], [1] * ms)
        S = Synapses(P, G, "w : siemens", on_pre=k.on_pre("g", "w"))
        S.connect()
        S.w = 2 * nS
        M = StateMonitor(G, "g", record=0, when="end")
        run(40 * ms)
        t = np.asarray(M.t / second) - 1e-3
        errors[method] = np.max(np.abs(np.asarray(M.g[0] / siemens) - alpha_kernel(np.maximum(t, 0), TAU, "peak")
                                       * 2e-9 * (t >= 0))) / 2e-9
    assert 1e-3 < errors["euler"] < 0.02
    assert errors[None] == errors["euler"]
    assert errors["rk4"] < 1e-8
