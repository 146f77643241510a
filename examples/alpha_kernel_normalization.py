"""An alpha-shaped conductance written as two ODEs, integrated exactly, and its normalization.

    dg/dt = (h - g)/tau,   dh/dt = -h/tau

An impulse of size w into h (h(0) = w, g(0) = 0) gives g(t) = w*(t/tau)*exp(-t/tau): the peak
is w/e at t = tau, not w. To make w the peak, the impulse must be w*e. A simulator once
shipped this kernel off by a factor; here both forms are compared with the analytic kernel.

tau1 and tau2 are runtime values: with tau1 == tau2 a symbolic solution would divide by
(tau1 - tau2); neurogen computes the propagator as a matrix exponential of runtime values.

Part 2, the other simulator's mistake: it wrote the alpha synapse as

    dg/dt = -g/tau + h,   dh/dt = -h/tau,   h += w per spike

with time counted in ms. Then h is a rate (w per ms) and g(t) = w*t*exp(-t/tau) with t in ms:
tau/ms = 5 times the convolution of the spike train with w*(t/tau)*exp(-t/tau) that the user
expected. neurogen.kernels.alpha gives the expected kernel (normalize=None, peak w/e, Brian2's
documented form) or the peak-normalized one (normalize='peak', peak w, as NEST, NESTML and
PyNN), both checked here against numpy convolution of an irregular spike train.
"""
import os

import numpy as np

from neurogen import *
from neurogen import kernels

duration = float(os.environ.get("NEUROGEN_EXAMPLE_DURATION", "0.1")) * second
tau1 = tau2 = 5 * ms
w_impulse = 1.0  # not `w`: the synapses below have a variable w

G = NeuronGroup(2, """dg/dt = (h - g)/tau1 : 1
                      dh/dt = -h/tau2 : 1""", method="exact")
G.h = [w_impulse, w_impulse * np.e]          # neuron 0: raw impulse; neuron 1: peak-normalized
S = StateMonitor(G, "g", record=True)
run(duration)

t = S.t_
kernel = w_impulse * (t / float(tau1)) * np.exp(-t / float(tau1))
print(f"raw impulse:        peak {S.g[0].max():.6f} (analytic w/e = {w_impulse / np.e:.6f}), "
      f"max error {np.max(np.abs(S.g[0] - kernel)):.2e}")
print(f"impulse w*e:        peak {S.g[1].max():.6f} (analytic w = {w_impulse:.6f}), "
      f"max error {np.max(np.abs(S.g[1] - np.e * kernel)):.2e}")

# ---- part 2: the factor-tau mistake next to kernels.alpha, against convolution ----------------
start_scope()
tau = 5 * ms
weight = 2 * nS
dt = float(defaultclock.dt)
steps = int(round(float(duration) / dt))
rng = np.random.default_rng(14)
spike_steps = np.sort(rng.choice(steps - 1, size=max(steps // 100, 3), replace=False))  # irregular
expected_kernel = kernels.alpha(tau, normalize=None)     # w*(t/tau)*exp(-t/tau): peak w/e
peak_kernel = kernels.alpha(tau, normalize="peak")       # w*(t/tau)*exp(1 - t/tau): peak w

other_simulator = """dg_other/dt = -g_other/tau + h_other : siemens
                     dh_other/dt = -h_other/tau : siemens/second"""
P = SpikeGeneratorGroup(1, np.zeros(spike_steps.size, dtype=int), spike_steps * defaultclock.dt)
N = NeuronGroup(1, other_simulator + expected_kernel.equations("g_raw") + peak_kernel.equations("g_peak"),
                method="exact")
# its 'h += w' in a simulator that counts time in ms: h gains w per ms
mistake = Synapses(P, N, "w : siemens", on_pre="h_other += w/ms")
raw = Synapses(P, N, "w : siemens", on_pre=expected_kernel.on_pre("g_raw", "w"))
peak = Synapses(P, N, "w : siemens", on_pre=peak_kernel.on_pre("g_peak", "w"))
for synapses in (mistake, raw, peak):
    synapses.connect()
    synapses.w = weight
M = StateMonitor(N, ["g_other", "g_raw", "g_peak"], record=0, when="end")  # 'end': no one-step lag
run(duration)

arrivals = np.zeros(steps)
arrivals[spike_steps] = float(weight)
lags = np.arange(steps) * dt
expected = np.convolve(arrivals, lags / float(tau) * np.exp(-lags / float(tau)))[:steps]
normalized = np.convolve(arrivals, lags / float(tau) * np.exp(1 - lags / float(tau)))[:steps]
g_other, g_raw, g_peak = (np.asarray(getattr(M, name)[0] / siemens) for name in ("g_other", "g_raw", "g_peak"))
print(f"{spike_steps.size} spikes of w = {weight}, tau = {tau}; conductances in nS, max over the run:")
print(f"  expected, convolution with w*(t/tau)*exp(-t/tau):    {expected.max() * 1e9:.6f}")
print(f"  other simulator (dg/dt = -g/tau + h, h += w, in ms):  {g_other.max() * 1e9:.6f}  "
      f"= {g_other.max() / expected.max():.6f} x expected (tau/ms = {tau / ms:g})")
print(f"  kernels.alpha(tau, normalize=None), on_pre {expected_kernel.on_pre('g', 'w')!r}: {g_raw.max() * 1e9:.6f}  "
      f"max error vs convolution {np.max(np.abs(g_raw - expected)) / float(weight):.1e} w")
print(f"  kernels.alpha(tau, normalize='peak'), on_pre {peak_kernel.on_pre('g', 'w')!r}: {g_peak.max() * 1e9:.6f}  "
      f"max error vs convolution with w*(t/tau)*exp(1 - t/tau) {np.max(np.abs(g_peak - normalized)) / float(weight):.1e} w")
assert np.max(np.abs(g_other - float(tau / ms) * expected)) <= 1e-9 * expected.max()
assert np.max(np.abs(g_raw - expected)) <= 1e-9 * float(weight)
assert np.max(np.abs(g_peak - normalized)) <= 1e-9 * float(weight)
