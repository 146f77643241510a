"""Leaky integrate-and-fire neurons with graded drive and a refractory period.

The issue's first example: 100 neurons, each driven by a constant I between 0 and 20 mV;
those with I above the 15 mV threshold fire periodically with the analytic period
tau*ln(I/(I - v_th)) + t_ref. The time constant changes between two runs: the change takes
effect at once and nothing is recompiled (parameters are runtime data).

    python examples/lif_refractory.py      # saves lif_refractory.png if matplotlib is installed
"""
import os

import numpy as np

from neurogen import *

duration = float(os.environ.get("NEUROGEN_EXAMPLE_DURATION", "0.1")) * second

tau = 10 * ms
v_th = 15 * mV
G = NeuronGroup(100, """dv/dt = (I - v)/tau : volt (unless refractory)
                        I : volt (constant)""",
                threshold="v > v_th", reset="v = 0*mV", refractory=2 * ms, method="exact")
G.I = "20*mV * i / N"      # string expressions run as generated C++
G.v = 0 * mV
M = SpikeMonitor(G)
S = StateMonitor(G, "v", record=[0, 99])
R = PopulationRateMonitor(G)

run(duration)
tau = 20 * ms              # takes effect in the next run, without recompiling
run(duration)

I_99 = G.I[99]
analytic = 10 * ms * np.log(I_99 / (I_99 - v_th)) + 2 * ms   # first run: tau = 10 ms
print(f"{M.num_spikes} spikes; neuron 99 fired {M.count[99]} times")
print(f"neuron 99: first-run ISIs {np.diff(M.spike_trains()[99][:3] / ms)} ms, "
      f"analytic {analytic / ms:.3f} ms (spikes are stamped on the dt = 0.1 ms grid)")
print(f"mean population rate {np.mean(R.rate / Hz):.2f} Hz")

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    plt = None
if plt is not None:
    fig, axes = plt.subplots(3, 1, figsize=(7, 7), sharex=True)
    axes[0].plot(M.t / ms, M.i, ".k", markersize=2)
    axes[0].set_ylabel("neuron")
    axes[1].plot(S.t / ms, S.v[1] / mV, label="neuron 99")
    axes[1].axhline(float(v_th / mV), ls="--", c="gray")
    axes[1].set_ylabel("v (mV)")
    axes[2].plot(R.t / ms, R.smooth_rate(window="flat", width=2 * ms) / Hz)
    axes[2].set_ylabel("rate (Hz)")
    axes[2].set_xlabel("time (ms)")
    fig.tight_layout()
    fig.savefig(os.path.join(os.path.dirname(os.path.abspath(__file__)), "lif_refractory.png"), dpi=100)
    print("saved lif_refractory.png")
