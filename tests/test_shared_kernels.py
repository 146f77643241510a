"""Objects of one structure run through one shared compiled kernel, each with its own state,
sizes, constants and neighbours (see tests/test_render.py for the sharing itself)."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from neurogen import *
from builtins import all, any, sum  # the star import gives numpy's, as Brian2's does

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


@pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake")
def test_a_standalone_project_with_shared_kernels_gives_the_runtimes_results(tmp_path):
    """The project compiles the same network.cpp (tables, shared kernels) and its main.cpp
    binds through the same bind(): identical spikes and synaptic effects."""
    def script():
        start_scope()
        seed(7)
        groups = [NeuronGroup(3, "dv/dt = (1.2 - v)/tau : 1", threshold="v > 1", reset="v = rand()*0.5",
                              method="exact", namespace={"tau": (k + 2) * ms}) for k in range(4)]
        synapses = [Synapses(groups[k], groups[(k + 1) % 4], "w : 1", on_pre="v_post += w", delay=0.3 * ms)
                    for k in range(4)]
        for k, S in enumerate(synapses):
            S.connect(i=[0, 1], j=[2, 2])
            S.w = 0.05 * (k + 1)
        monitors = [SpikeMonitor(G) for G in groups]
        net = Network(groups, synapses, monitors)
        net.run(20 * ms)
        return groups, monitors

    def outcome(groups, monitors):
        return ([(np.asarray(M.i).copy(), np.asarray(M.t_).copy()) for M in monitors],
                [G.v[:].copy() for G in groups])

    set_device("runtime")
    reference = outcome(*script())
    set_device("cpp_standalone", directory=tmp_path / "project", build_on_run=False)
    try:
        result = script()
        device.build()
        spikes, state = outcome(*result)
    finally:
        device.reinit()
        set_device("runtime")
    assert sum(len(i) for i, _ in reference[0]) > 20
    for (i, t), (i_ref, t_ref) in zip(spikes, reference[0]):
        assert np.array_equal(i, i_ref) and np.array_equal(t, t_ref)
    for v, v_ref in zip(state, reference[1]):
        assert np.array_equal(v, v_ref)
