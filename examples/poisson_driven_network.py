"""The network this project started from: unitless LIF neurons, random delta synapses with a
delay, and Poisson background input (saves a raster plot, poisson_driven_network.png).

    dv/dt = -(v - v_rest)/tau : 1 (unless refractory)      v_rest = 0, threshold v > 1

- Delta synapses, `on_pre='v += w'`: each presynaptic spike makes the target's v *jump* by w,
  1.5 ms after the spike. v has no synaptic current; the jump decays with v's own tau. (Had
  the synapses written `v = w`, v would be *set* to w at each spike, not raised: not an input.)
- PoissonInput(G, 'v', N=400, rate=10*Hz, weight=0.01): every step each neuron's v jumps by
  0.01 * k, k ~ Binomial(400, 10 Hz * dt): 400 independent Poisson inputs of 10 Hz, each
  with a delta synapse of weight 0.01, without making 400 synapses per neuron. The mean drive
  is 400 * 10 Hz * 0.01 = 40 per second, so v alone would settle at 40 * tau = 0.8, below
  threshold: the neurons fire because of the fluctuations, which the recurrent excitation and
  inhibition amplify into population bursts (about 15 Hz on average).
- Connectivity comes from arrays (as from a connectome file): S.connect(i=rows, j=cols), with
  weights from an array; the last 200 neurons are inhibitory (negative weights).
- A neuron that spiked stays at v_rest for the 2 ms refractory period; inputs arriving then are
  dropped ((unless refractory), as in Brian2).

    python examples/poisson_driven_network.py
"""
import os

import numpy as np

from neurogen import *

duration = float(os.environ.get("NEUROGEN_EXAMPLE_DURATION", "1")) * second
seed(2026)
rng = np.random.default_rng(2026)

N = 1000
tau, v_rest = 20 * ms, 0.0
G = NeuronGroup(N, "dv/dt = -(v - v_rest)/tau : 1 (unless refractory)",
                threshold="v > 1", reset="v = v_rest", refractory=2 * ms, method="exact")
G.v = "rand()"  # random start below threshold

# Random connectivity from arrays: each neuron projects to ~100 others (~10%).
n_synapses = 100 * N
rows = rng.integers(0, N, n_synapses)
cols = rng.integers(0, N, n_synapses)
keep = rows != cols
rows, cols = rows[keep], cols[keep]
weights = rng.uniform(0.0, 0.1, len(rows))
weights[rows >= 800] *= -4  # the last 200 neurons are inhibitory: their spikes lower v

S = Synapses(G, G, "w : 1", on_pre="v += w", delay=1.5 * ms)
S.connect(i=rows, j=cols)
S.w = weights
P = PoissonInput(G, "v", N=400, rate=10 * Hz, weight=0.01)
M = SpikeMonitor(G)
run(duration)

T = float(duration)
print(f"{len(S)} synapses, mean weight {np.mean(S.w[:]):.4f}; Poisson drive 400 x 10 Hz x 0.01")
print(f"{M.num_spikes} spikes in {T:g} s: mean rate {M.num_spikes / (N * T):.1f} Hz, "
      f"{np.mean(np.asarray(M.count) > 0):.0%} of the neurons fired")

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    print("matplotlib is not installed: no raster plot")
else:
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.plot(np.asarray(M.t / ms), np.asarray(M.i), ",k")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("neuron")
    ax.set_title("LIF network: delta synapses (delay 1.5 ms) + PoissonInput(N=400, 10 Hz, 0.01)")
    fig.tight_layout()
    fig.savefig("poisson_driven_network.png", dpi=120)
    print("raster plot saved to poisson_driven_network.png")
