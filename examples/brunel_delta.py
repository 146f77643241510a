"""A Brunel (2000) network: sparse excitatory and inhibitory LIF neurons with delta synapses.

NE excitatory and NI = NE/4 inhibitory neurons; every neuron receives C_E = eps*NE excitatory
and C_I = eps*NI inhibitory connections (here drawn with connect(p=eps)). A spike makes the
target's v jump by J (excitatory) or -g*J (inhibitory) after a delay D = 1.5 ms: a *delta*
synapse, `on_pre='v += J'`, with no synaptic variable of its own.

External drive: each neuron also gets C_E independent Poisson inputs at rate nu_ext = eta*nu_thr,
where nu_thr = theta/(J*C_E*tau) is the input rate that alone would hold the mean v at threshold.
They are a PoissonInput, as in Brian2's Brunel example: every step v jumps by
J * Binomial(C_E, nu_ext*dt), exactly what C_E Poisson spike trains through `on_pre='v += J'`
would add, without C_E synapses per neuron.

Brunel's network has 12,500 neurons with C_E = 1,000 and J = 0.1 mV; this one has 1,250 with
C_E = 100, so J is raised to 0.5 mV to keep the input fluctuations (~J*sqrt(C_E)) of the same
order. With g = 5 and eta = 2 single neurons fire irregularly (ISI CV ~0.5) while the
population rate oscillates.

    python examples/brunel_delta.py
"""
import os

import numpy as np

from neurogen import *

duration = float(os.environ.get("NEUROGEN_EXAMPLE_DURATION", "0.5")) * second
seed(2000)

NE, NI = 1000, 250
eps = 0.1                       # connection probability
C_E = int(eps * NE)             # excitatory inputs per neuron (also the external ones)
tau, theta, V_r, tau_rp = 20 * ms, 20 * mV, 10 * mV, 2 * ms
J, g, eta, D = 0.5 * mV, 5.0, 2.0, 1.5 * ms
nu_thr = theta / (J * C_E * tau)            # 20 Hz
nu_ext = eta * nu_thr

neurons = NeuronGroup(NE + NI, "dv/dt = -v/tau : volt (unless refractory)",
                      threshold="v > theta", reset="v = V_r", refractory=tau_rp, method="exact")
neurons.v = "V_r * rand()"
exc, inh = neurons[:NE], neurons[NE:]

# Delta synapses: a presynaptic spike adds a fixed amount to the target's v (after the delay).
# `v` without suffix means the postsynaptic v, as in Brian2. While a target is refractory, v is
# (unless refractory): a jump arriving then is dropped, as in Brian2.
S_E = Synapses(exc, neurons, on_pre="v += J", delay=D)
S_I = Synapses(inh, neurons, on_pre="v += -g*J", delay=D)
S_E.connect(p=eps)
S_I.connect(p=eps)
print(f"synapses: E {len(S_E)}, I {len(S_I)} "
      f"(expected about {eps * NE * (NE + NI):.0f}, {eps * NI * (NE + NI):.0f})")
# External drive: accumulates into v like the synapses above (v += J per input spike).
external = PoissonInput(neurons, "v", N=C_E, rate=nu_ext, weight=J)

M = SpikeMonitor(neurons)
R = PopulationRateMonitor(neurons)
run(duration)

T = float(duration)
counts = np.asarray(M.count)
print(f"nu_thr = {nu_thr / Hz:.1f} Hz, {C_E} external Poisson inputs per neuron at {nu_ext / Hz:.1f} Hz")
print(f"mean rate: excitatory {counts[:NE].mean() / T:.1f} Hz, "
      f"inhibitory {counts[NE:].mean() / T:.1f} Hz, all {M.num_spikes / ((NE + NI) * T):.1f} Hz")
# Irregularity: coefficient of variation of the inter-spike intervals (1 for a Poisson train).
isis = [np.diff(train / ms) for train in M.spike_trains().values() if len(train) > 2]
cvs = [isi.std() / isi.mean() for isi in isis if isi.mean() > 0]
print(f"ISI CV: median {np.median(cvs):.2f} over {len(cvs)} neurons" if cvs else "ISI CV: too few spikes")
# Synchrony: how much the population rate (in 1 ms bins) fluctuates relative to its mean.
rate = R.smooth_rate(window="flat", width=1 * ms) / Hz
print(f"population rate: mean {rate.mean():.1f} Hz, std {rate.std():.1f} Hz")
