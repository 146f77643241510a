"""The reference LIF network shared by test_monitors.py and test_network.py.

An exactly integrated leaky integrate-and-fire neuron,

    dv/dt = (I - v)/tau,   threshold v > vt,   reset v = vr = 0,

with I chosen so neuron k crosses threshold half a step between grid points and fires every
m_k steps, first at step m_k - 1 (Brian2's stamping: the step whose update crossed threshold;
checked by running Brian2 2.9.0). Expected spikes and traces are therefore exact.
"""
from __future__ import annotations

import math

import numpy as np

from neurogen import NeuronGroup, PopulationRateMonitor, SpikeMonitor, StateMonitor, second, volt

DT = 1e-4      # seconds; conftest sets defaultclock.dt = 0.1 ms for every test
TAU = 10e-3    # seconds
VT = 1e-3      # volt

EQS = """
dv/dt = (I - v)/tau : volt
I : volt
"""
NAMESPACE = {"tau": TAU * second, "vt": VT * volt, "vr": 0 * volt}


def lif(n, periods=None, v0=None, record=True, state_dt=None, namespace=NAMESPACE):
    """The standard network: G with its SpikeMonitor, StateMonitor('v') and PopulationRateMonitor.

    ``periods[k]``: steps between spikes of neuron k (0: no input). With ``namespace=None`` the
    constants tau, vt and vr are looked up where run() is called.
    """
    G = NeuronGroup(n, EQS, threshold="v > vt", reset="v = vr", method="exact", name="lif",
                    namespace=namespace)
    if periods is not None:
        G.I = np.concatenate([input_for_periods(periods), np.zeros(n - len(periods))]) * volt
    if v0 is not None:
        G.v = np.asarray(v0, dtype=float) * volt
    M = SpikeMonitor(G, name="lif_spikes")
    S = StateMonitor(G, "v", record=record, dt=state_dt, name="lif_state")
    R = PopulationRateMonitor(G, name="lif_rate")
    return G, M, S, R


def input_for_periods(periods):
    """I (volt) such that v(t) = I(1 - exp(-t/tau)) reaches vt at (m - 0.5) dt: period m steps."""
    return np.array([0.0 if m == 0 else VT / (1 - math.exp(-(m - 0.5) * DT / TAU)) for m in periods])


def expected_spikes(periods, n_steps):
    """(indices, steps) of all spikes in steps [0, n_steps), ordered by step then index."""
    pairs = sorted((s, k) for k, m in enumerate(periods) if m for s in range(m - 1, n_steps, m))
    return (np.array([k for _, k in pairs], dtype=int), np.array([s for s, _ in pairs], dtype=int))


def expected_traces(periods, n_steps):
    """v (volt) at the start of steps 0..n_steps-1, shape (neurons, steps): the trajectory
    restarts from 0 every m steps (the reset acts in the step of the spike)."""
    k = np.arange(n_steps)
    rows = []
    for m, current in zip(periods, input_for_periods(periods)):
        since = k % m if m else k
        rows.append(current * (1 - np.exp(-since * DT / TAU)))
    return np.array(rows)


def expected_v(periods, n_step):
    """v (volt) at the start of step ``n_step``."""
    return expected_traces(periods, n_step + 1)[:, -1]


def as_float(q, unit):
    return np.asarray(q / unit, dtype=float)
