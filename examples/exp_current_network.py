"""Current-based synapses with exponential decay, and Brian2's CUBA network.

Three ways an on_pre statement can act on its target, and what each means:

  on_pre='v += w'    delta synapse: v jumps by w at the spike; nothing else changes. The
                     effect then decays with the membrane's own time constant.
  on_pre='I += w'    current synapse: I jumps by w and then decays through I's *own* equation
                     (here dI/dt = -I/tau_s); v integrates I, so it rises smoothly and later.
  on_pre='I = w'     sets I to w. If I is a parameter (no equation), nothing ever brings it
                     back: the spike switches on a constant input for good, almost never what
                     a synapse should do. `+=` adds up inputs; `=` forgets the previous ones.

Part 1 sends one spike through each form to one neuron each and prints the membrane traces.
Part 2 is Brian2's CUBA example (Vogels & Abbott 2005, after Brette et al. 2007): 4,000 LIF
neurons, 3,200 excitatory and 800 inhibitory, 2% random connectivity, exponential currents
ge (tau 5 ms) and gi (tau 10 ms) written in volt, i.e. already multiplied by the resistance.

    python examples/exp_current_network.py
"""
import os

import numpy as np

from neurogen import *

duration = float(os.environ.get("NEUROGEN_EXAMPLE_DURATION", "0.5")) * second

# -- Part 1: one spike, three kinds of synapse ------------------------------------------------
tau, tau_s, w = 20 * ms, 5 * ms, 2 * mV
# One source neuron that spikes once, at t = 10 ms.
source = NeuronGroup(1, "dummy : 1", threshold="abs(t - 10*ms) < 0.5*dt")
# Three targets with the same membrane; I_exp has its own decay, I_set has none.
target = NeuronGroup(3, """dv/dt = (I_exp + I_set - v)/tau : volt
                           dI_exp/dt = -I_exp/tau_s : volt
                           I_set : volt""", method="exact")
delta = Synapses(source, target, on_pre="v += w")           # neuron 0
current = Synapses(source, target, on_pre="I_exp += w")     # neuron 1
setter = Synapses(source, target, on_pre="I_set = w")       # neuron 2
delta.connect(i=0, j=0)
current.connect(i=0, j=1)
setter.connect(i=0, j=2)
trace = StateMonitor(target, "v", record=True)
run(100 * ms)

print("v (mV) after one presynaptic spike at t = 10 ms, w = 2 mV:")
print(f"{'t (ms)':>8s} {'v += w':>9s} {'I += w':>9s} {'I = w':>9s}")
for t_ms in (9, 10.1, 11, 15, 20, 30, 50, 99):
    k = int(round(t_ms / 0.1))
    print(f"{t_ms:8g} " + " ".join(f"{trace.v[n][k] / mV:9.3f}" for n in range(3)))
# The area under v is the charge a synapse delivers: w*tau for the delta synapse, but only
# w*tau_s for the current synapse (integrate dv/dt = (I - v)/tau over all time: the area under v
# equals the area under I). To give the same total effect, scale a current weight by tau/tau_s.
area = [np.sum(trace.v[n] / mV) * float(defaultclock.dt / ms) for n in range(2)]
print(f"area under v: delta {area[0]:.1f} mV*ms (w*tau = {float(w * tau / (mV * ms)):.0f}), "
      f"current {area[1]:.1f} mV*ms (w*tau_s = {float(w * tau_s / (mV * ms)):.0f}); "
      f"with I = w, v never comes back: {trace.v[2][-1] / mV:.2f} mV at 99.9 ms")

# -- Part 2: the CUBA network ------------------------------------------------------------------
start_scope()
seed(1)
taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
Vt, Vr, El = -50 * mV, -60 * mV, -49 * mV      # El above threshold: the neurons are self-driven
eqs = """dv/dt = (ge + gi - (v - El))/taum : volt (unless refractory)
         dge/dt = -ge/taue : volt
         dgi/dt = -gi/taui : volt"""
P = NeuronGroup(4000, eqs, threshold="v > Vt", reset="v = Vr", refractory=5 * ms, method="exact")
P.v = "Vr + rand() * (Vt - Vr)"
Pe, Pi = P[:3200], P[3200:]
we = (60 * 0.27 / 10) * mV      # excitatory weight: ge jumps by 1.62 mV
wi = (-20 * 4.5 / 10) * mV      # inhibitory weight: gi jumps by -9 mV
Ce = Synapses(Pe, P, on_pre="ge += we")
Ci = Synapses(Pi, P, on_pre="gi += wi")
Ce.connect(p=0.02)
Ci.connect(p=0.02)
M = SpikeMonitor(P)
R = PopulationRateMonitor(P)
run(duration)

T = float(duration)
counts = np.asarray(M.count)
print(f"CUBA: {len(Ce)} excitatory + {len(Ci)} inhibitory synapses, {M.num_spikes} spikes in {T:g} s")
print(f"mean rate: excitatory {counts[:3200].mean() / T:.1f} Hz, inhibitory {counts[3200:].mean() / T:.1f} Hz; "
      f"{np.sum(counts == 0)} silent neurons")
rate = R.smooth_rate(window="gaussian", width=2 * ms) / Hz
print(f"population rate: mean {rate.mean():.1f} Hz, max {rate.max():.1f} Hz")
