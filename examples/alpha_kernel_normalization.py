"""An alpha-shaped conductance written as two ODEs, integrated exactly, and its normalization.

    dg/dt = (h - g)/tau,   dh/dt = -h/tau

An impulse of size w into h (h(0) = w, g(0) = 0) gives g(t) = w*(t/tau)*exp(-t/tau): the peak
is w/e at t = tau, not w. To make w the peak, the impulse must be w*e. A simulator once
shipped this kernel off by a factor; here both forms are compared with the analytic kernel.

tau1 and tau2 are runtime values: with tau1 == tau2 a symbolic solution would divide by
(tau1 - tau2); neurogen computes the propagator as a matrix exponential of runtime values.
"""
import os

import numpy as np

from neurogen import *

duration = float(os.environ.get("NEUROGEN_EXAMPLE_DURATION", "0.1")) * second
tau1 = tau2 = 5 * ms
w = 1.0

G = NeuronGroup(2, """dg/dt = (h - g)/tau1 : 1
                      dh/dt = -h/tau2 : 1""", method="exact")
G.h = [w, w * np.e]          # neuron 0: raw impulse; neuron 1: peak-normalized
S = StateMonitor(G, "g", record=True)
run(duration)

t = S.t_
kernel = w * (t / float(tau1)) * np.exp(-t / float(tau1))
print(f"raw impulse:        peak {S.g[0].max():.6f} (analytic w/e = {w / np.e:.6f}), "
      f"max error {np.max(np.abs(S.g[0] - kernel)):.2e}")
print(f"impulse w*e:        peak {S.g[1].max():.6f} (analytic w = {w:.6f}), "
      f"max error {np.max(np.abs(S.g[1] - np.e * kernel)):.2e}")
