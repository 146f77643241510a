"""Brian2's COBAHH example (Hodgkin-Huxley neurons, conductance synapses, subexpressions in
units, a StateMonitor) with a deterministic set-up, against Brian2's own numbers.

Bug: a StateMonitor of a group whose subexpressions use units ('0.32*(mV**-1)*...') failed with
"unknown name 'mV'": every Hodgkin-Huxley model with a monitor did.

The expected numbers were printed by Brian2 2.9.0 (cython target) running this same set-up
(the model text, parameters and connectivity of its examples/COBAHH.py; initial values from
deterministic expressions instead of randn(); 400 neurons, connectivity from numpy's RandomState(7)).
"""
from __future__ import annotations

import numpy as np
import pytest

from neurogen import *

COBAHH = '''
dv/dt = (gl*(El-v)+ge*(Ee-v)+gi*(Ei-v)-
         g_na*(m*m*m)*h*(v-ENa)-
         g_kd*(n*n*n*n)*(v-EK))/Cm : volt
dm/dt = alpha_m*(1-m)-beta_m*m : 1
dn/dt = alpha_n*(1-n)-beta_n*n : 1
dh/dt = alpha_h*(1-h)-beta_h*h : 1
dge/dt = -ge*(1./taue) : siemens
dgi/dt = -gi*(1./taui) : siemens
alpha_m = 0.32*(mV**-1)*4*mV/exprel((13*mV-v+VT)/(4*mV))/ms : Hz
beta_m = 0.28*(mV**-1)*5*mV/exprel((v-VT-40*mV)/(5*mV))/ms : Hz
alpha_h = 0.128*exp((17*mV-v+VT)/(18*mV))/ms : Hz
beta_h = 4./(1+exp((40*mV-v+VT)/(5*mV)))/ms : Hz
alpha_n = 0.032*(mV**-1)*5*mV/exprel((15*mV-v+VT)/(5*mV))/ms : Hz
beta_n = .5*exp((10*mV-v+VT)/(40*mV))/ms : Hz
'''


def test_cobahh_with_a_state_monitor_gives_brian2s_spikes():
    area = 20000 * umetre**2
    namespace = dict(Cm=(1 * ufarad * cm**-2) * area, gl=(5e-5 * siemens * cm**-2) * area, El=-60 * mV,
                     EK=-90 * mV, ENa=50 * mV, g_na=(100 * msiemens * cm**-2) * area,
                     g_kd=(30 * msiemens * cm**-2) * area, VT=-63 * mV, taue=5 * ms, taui=10 * ms,
                     Ee=0 * mV, Ei=-80 * mV, we=6 * nS, wi=67 * nS)
    N = 400
    P = NeuronGroup(N, model=Equations(COBAHH), threshold="v>-20*mV", refractory=3 * ms,
                    method="exponential_euler", namespace=namespace)
    Ce = Synapses(P[:320], P, on_pre="ge+=we", namespace=namespace)
    Ci = Synapses(P[320:], P, on_pre="gi+=wi", namespace=namespace)
    rng = np.random.RandomState(7)
    for S, n_source in ((Ce, 320), (Ci, 80)):
        pairs = np.flatnonzero(rng.rand(n_source * N) < 0.05)
        S.connect(i=pairs // N, j=pairs % N)
    P.v = "El + (((i * 7919) % 100) / 100. * 10 - 10)*mV"
    P.ge = "(((i * 104729) % 97) / 97. * 3 + 2.5) * 10.*nS"
    P.gi = "(((i * 1299709) % 89) / 89. * 24 + 8) * 10.*nS"
    trace = StateMonitor(P, "v", record=[1, 10, 100])
    spikes = SpikeMonitor(P)
    net = Network(P, Ce, Ci, trace, spikes)
    net.run(100 * ms)
    assert spikes.num_spikes == 291
    assert list(np.asarray(spikes.i)[:10]) == [373, 320, 89, 142, 195, 356, 248, 17, 301, 320]
    np.testing.assert_allclose(np.asarray(spikes.t / ms)[:10],
                               [5.7, 6.5, 84.5, 84.9, 85.5, 85.8, 85.9, 86.0, 86.3, 86.3], atol=1e-9)
    assert float(trace.v[0][-1] / mV) == pytest.approx(-61.92656538806043, abs=1e-6)
    assert trace.v.shape == (3, 1000)
