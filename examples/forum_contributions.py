"""How much of v comes from the network, and how much from the Poisson input? The forum question.

A Brian2 user had 1000 LIF neurons with delta synapses (`on_pre='v += w'`, delay 1.5 ms) and a
`PoissonInput(N=400, rate=10 Hz, weight=0.01)` onto v, and wanted to see each input's
contribution to v separately. To get it, they rewrote the model with `I_int : 1`, `I_ext : 1`,
`on_pre='I_int = w'` and `PoissonInput(target_var='I_ext')`: I_int then stayed at the last
weight forever and I_ext grew without decay, so the network they measured was another network.

A ContributionMonitor answers the question on the unchanged model: it records, in every step,
the change of v made by each writer (the leak, the synapses, the PoissonInput, the reset),
without changing a single spike. This script runs the network, prints each source's total
contribution for a few neurons and checks that they add up to v's change; it then shows the
rewritten model's two mistakes as neurogen's model checks name them (when available), and
saves a stacked plot of one neuron's contributions (forum_contributions.png).

    python examples/forum_contributions.py
"""
import os

import numpy as np

import neurogen
from neurogen import *

duration = float(os.environ.get("NEUROGEN_EXAMPLE_DURATION", "1.0")) * second
seed(2024)

N = 1000
tau = 10 * ms
v_rest = 0.5  # rest at half the threshold: with the Poisson drive (+0.4 on average) neurons fire now and then
G = NeuronGroup(N, "dv/dt = -(v - v_rest)/tau : 1 (unless refractory)", threshold="v > 1", reset="v = v_rest",
                refractory=2 * ms, method="exact")
G.v = "v_rest + 0.5*rand()"
S = Synapses(G, G, "w : 1", on_pre="v += w", delay=1.5 * ms)
S.connect(p=0.05)
S.w = "0.04*randn()"  # excitatory and inhibitory weights
P = PoissonInput(G, "v", N=400, rate=10 * Hz, weight=0.01)
spikes = SpikeMonitor(G)
C = ContributionMonitor(G, "v", record=[0, 1, 2])  # the answer: three lines
M = StateMonitor(G, "v", record=[0, 1, 2])
run(duration)

print(f"{spikes.num_spikes} spikes from {N} neurons in {duration}")
for row, neuron in enumerate(C.record):
    parts = ", ".join(f"{source}: {np.asarray(C.cumulative(source))[row, -1]:+.3f}" for source in C.sources)
    print(f"neuron {neuron}: v changed by {np.asarray(C.cumulative())[row, -1]:+.3f} over the run = {parts}")
    inputs = {s: np.sum(np.abs(np.asarray(C.delta[s])[row])) for s in ("synapses: on_pre", "poissoninput")}
    print(f"   of the input it received, {inputs['poissoninput'] / (inputs['poissoninput'] + inputs['synapses: on_pre']):.0%} came from the "
          "PoissonInput and the rest from the network's synapses (absolute jumps)")

# the check: the contributions of each step add up to v's change in that step (StateMonitor)
change = np.diff(np.asarray(M.v), axis=1)
error = np.max(np.abs(np.asarray(C.total)[:, :-1] - change))
print(f"largest difference between the sum of contributions and v's change in a step: {error:.1e}")
assert error < 1e-12

# the forum's rewrite, checked: both mistakes are named before anything runs
if hasattr(neurogen, "check"):
    start_scope()
    H = NeuronGroup(N, """dv/dt = (-(v - v_rest) + I_int + I_ext)/tau : 1 (unless refractory)
                         I_int : 1
                         I_ext : 1""", threshold="v > 1", reset="v = v_rest", refractory=2 * ms, method="exact")
    S2 = Synapses(H, H, "w : 1", on_pre="I_int = w", delay=1.5 * ms)
    P2 = PoissonInput(H, "I_ext", N=400, rate=10 * Hz, weight=0.01)
    print("The forum's rewrite, as neurogen.check sees it:")
    for finding in neurogen.check(H, S2, P2):
        print(f"  {finding}")

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:  # matplotlib is optional
    plt = None
if plt is not None:
    fig, ax = plt.subplots(figsize=(8, 4))
    C.plot(0, ax=ax)
    ax.set_title("neuron 0: what each source added to v (cumulative)")
    fig.tight_layout()
    fig.savefig("forum_contributions.png", dpi=100)
    print("saved forum_contributions.png")
