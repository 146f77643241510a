"""Spike-timing-dependent plasticity: competition between inputs (Song, Miller & Abbott 2000).

N Poisson inputs at 15 Hz drive one conductance-based LIF neuron through plastic synapses.
Each synapse keeps two traces, updated only when a spike arrives ((event-driven): between
events they decay analytically, so they cost nothing in the time steps in between):

  Apre   jumps by dApre at every presynaptic spike; a postsynaptic spike then adds Apre to w
         (pre before post: potentiation)
  Apost  jumps by dApost < 0 at every postsynaptic spike; a presynaptic spike then adds Apost
         to w (post before pre: depression)

w stays in [0, gmax] through clip(). Depression slightly outweighs potentiation
(|dApost| = 1.05 dApre), so inputs that happen to help fire the neuron grow and the others are
pushed down: the weights split towards 0 and gmax (a bimodal distribution: the histogram
printed at the end has peaks at both ends), and the output rate drops as they do.

This is Brian2's example synapses/STDP.py, except that the run is 30 s instead of 100 s (the
split is already clear). Larger learning rates do not make it faster: bigger steps
add more noise than drift, and with dApre = 0.05*gmax the weights stay spread out even after
100 s (in Brian2 too).

    python examples/stdp.py
"""
import os

import numpy as np

from neurogen import *

duration = float(os.environ.get("NEUROGEN_EXAMPLE_DURATION", "30")) * second
seed(7)

N = 1000
taum, taue = 10 * ms, 5 * ms
Ee, vt, vr, El = 0 * mV, -54 * mV, -60 * mV, -74 * mV
F = 15 * Hz
gmax = 0.01
taupre = taupost = 20 * ms
dApre = 0.01 * gmax
dApost = -dApre * taupre / taupost * 1.05

inputs = PoissonGroup(N, rates=F)
neuron = NeuronGroup(1, """dv/dt = (ge * (Ee - v) + El - v) / taum : volt
                           dge/dt = -ge / taue : 1""",
                     threshold="v > vt", reset="v = vr", method="euler")
neuron.v = vr

S = Synapses(inputs, neuron,
             """w : 1
                dApre/dt = -Apre / taupre : 1 (event-driven)
                dApost/dt = -Apost / taupost : 1 (event-driven)""",
             on_pre="""ge += w
                       Apre += dApre
                       w = clip(w + Apost, 0, gmax)""",
             on_post="""Apost += dApost
                        w = clip(w + Apre, 0, gmax)""")
S.connect()
S.w = "rand() * gmax"
out = SpikeMonitor(neuron)


def summary(w, label):
    """Histogram of w/gmax in 10 bins, and how many weights sit near either bound."""
    hist, _ = np.histogram(w / gmax, bins=10, range=(0, 1))
    low, high = np.mean(w < 0.1 * gmax), np.mean(w > 0.9 * gmax)
    print(f"{label}: mean w/gmax {np.mean(w) / gmax:.2f}; below 0.1: {low:.0%}, above 0.9: {high:.0%}")
    print(f"   histogram of w/gmax (10 bins from 0 to 1): {' '.join(str(h) for h in hist)}")


summary(np.asarray(S.w), "initial")
first = duration / 10
run(first)
rate_first = out.num_spikes / float(first)
run(duration - first)
rate_last = (out.num_spikes - rate_first * float(first)) / float(duration - first)
summary(np.asarray(S.w), f"after {float(duration):g} s")
print(f"output rate: {rate_first:.1f} Hz in the first {float(first):g} s, "
      f"{rate_last:.1f} Hz afterwards (inputs {N} x {F / Hz:g} Hz)")
