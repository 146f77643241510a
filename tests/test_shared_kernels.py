"""Objects of one structure run through one shared compiled kernel, each with its own state,
sizes, constants and neighbours (see tests/test_render.py for the sharing itself)."""
from __future__ import annotations

import numpy as np

from neurogen import *

V_RESET, THRESHOLD = -60.0, -50.0  # mV


def test_groups_sharing_kernels_keep_their_own_parameters_sizes_and_monitors():
    """LIF groups of one model with a different tau (a constant), v0 and size each: every
    neuron's first spike is where the exact solution crosses the threshold,
    t* = tau*log((v0 - v_reset)/(v0 - threshold)), recorded in the step whose update crosses."""
    taus = [5, 8, 13, 21, 34, 55]  # ms
    groups, monitors = [], []
    for k, tau in enumerate(taus):
        G = NeuronGroup(k + 1, "dv/dt = (v0 - v)/tau : volt\nv0 : volt", threshold="v > -50*mV",
                        reset="v = -60*mV", method="exact", namespace={"tau": tau * ms})
        G.v = V_RESET * mV
        G.v0 = (-49.0 + np.arange(k + 1)) * mV
        groups.append(G)
        monitors.append(SpikeMonitor(G))
    net = Network(groups, monitors)
    net.run(150 * ms)  # the last crossing: 55 ms * log(11) = 132 ms
    dt = float(defaultclock.dt)
    for tau, G, M in zip(taus, groups, monitors):
        assert len(M.count) == len(G)
        trains = M.spike_trains()
        for i in range(len(G)):
            v0 = -49.0 + i
            crossing = tau * 1e-3 * np.log((v0 - V_RESET) / (v0 - THRESHOLD))
            assert len(trains[i]) >= 1, (tau, i)
            first = float(trains[i][0])
            assert crossing - dt - 1e-9 <= first <= crossing + 1e-9, (tau, i, first, crossing)


def test_synapses_sharing_kernels_reach_their_own_groups_and_queues():
    """Synapses of one model between different pairs of groups: each adds its own weight to
    its own target only (the pre- and postsynaptic groups are the kernel's parameters), and
    each keeps its own spikes in transit from one run to the next."""
    sources = [NeuronGroup(2, "v : 1", threshold="v > -1") for _ in range(3)]  # spike every step
    targets = [NeuronGroup(2, "x : 1") for _ in range(3)]
    pairs = [(0, 1, 1.0), (1, 2, 10.0), (2, 2, 100.0), (0, 0, 1000.0)]
    synapses = []
    for pre, post, weight in pairs:
        S = Synapses(sources[pre], targets[post], "w : 1", on_pre="x_post += w", delay=0.5 * ms)
        S.connect(i=[0, 1], j=[1, 1])
        S.w = weight
        synapses.append(S)
    net = Network(sources, targets, synapses)
    for duration, delivered in ((1 * ms, 5), (1 * ms, 15)):  # steps 0-9 arrive at 5-14: 5, then 15
        net.run(duration)
        expected = np.zeros((3, 2))
        for _, post, weight in pairs:
            expected[post, 1] += delivered * 2 * weight
        assert np.array_equal(np.array([t.x[:] for t in targets]), expected)


def test_many_monitored_groups_of_one_model_each_record_their_own_spikes():
    """Many objects of one structure, each with its own constant: each monitor its own spikes."""
    n = 40
    groups = [NeuronGroup(1, "dv/dt = 1/tau : 1", threshold="v > 1", reset="v = 0",
                          method="exact", namespace={"tau": (k + 1) * ms}) for k in range(n)]
    monitors = [SpikeMonitor(G) for G in groups]
    Network(groups, monitors).run(10 * ms)
    for k, M in enumerate(monitors):
        # v reaches 1 after (k + 1) ms (+ one step: v > 1 is strict): 10 ms hold about 10/(k+1) spikes
        assert abs(int(M.num_spikes) - 10 / (k + 1)) <= 1, (k, int(M.num_spikes))
