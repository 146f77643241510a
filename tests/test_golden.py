"""Golden generated C++: a few models rendered and compared with the files in tests/golden/.

A change to a template, the printer or the lowering shows up here as a diff of the generated
code, to be read and accepted in review: regenerate with

    NEUROGEN_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

and commit the files with the change that caused them.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from neurogen import *
from neurogen.compiler.lower.network import lower_network
from neurogen.frontend.namespace import resolve_externals
from neurogen.compiler.passes import run_passes
from neurogen.compiler.render import render_network

GOLDEN = Path(__file__).parent / "golden"


def _lif():
    tau, v_rest = 10 * ms, -70 * mV
    G = NeuronGroup(10, "dv/dt = -(v - v_rest)/tau : volt (unless refractory)",
                    threshold="v > -50*mV", reset="v = v_rest", refractory=2 * ms, method="exact",
                    namespace={"tau": tau, "v_rest": v_rest})
    return [G, SpikeMonitor(G), StateMonitor(G, "v", record=[0, 5])]


def _synapses():
    G = NeuronGroup(20, """dv/dt = (ge - v)/(10*ms) : 1 (unless refractory)
                           dge/dt = -ge/(5*ms) : 1""", threshold="v > 1", reset="v = 0",
                    refractory=2 * ms, method="exact")
    S = Synapses(G, G, "w : 1", on_pre="ge += w", delay=1.5 * ms)
    S.connect(i=np.arange(19), j=np.arange(1, 20))
    P = PoissonInput(G, "v", N=400, rate=10 * Hz, weight=0.01)
    return [G, S, P, PopulationRateMonitor(G)]


def _hodgkin_huxley():
    namespace = {"gl": 10 * nS, "El": -60 * mV, "Cm": 200 * pF, "VT": -63 * mV, "g_na": 20 * uS,
                 "ENa": 50 * mV}
    G = NeuronGroup(4, """dv/dt = (gl*(El - v) - g_na*m**3*(v - ENa))/Cm : volt
                          dm/dt = alpha_m*(1 - m) - beta_m*m : 1
                          alpha_m = 0.32*(mV**-1)*4*mV/exprel((13*mV - v + VT)/(4*mV))/ms : Hz
                          beta_m = 0.28*(mV**-1)*5*mV/exprel((v - VT - 40*mV)/(5*mV))/ms : Hz""",
                    threshold="v > -20*mV", refractory="v > -20*mV", method="exponential_euler",
                    namespace=namespace)
    return [G, StateMonitor(G, ["v", "alpha_m"], record=[1])]


def _stdp():
    G = NeuronGroup(5, "v : 1\nk : integer", threshold="v > 1", reset="v = 0; k = k + 1")
    S = Synapses(G, G, """w : 1
                          dapre/dt = -apre/(20*ms) : 1 (event-driven)
                          dapost/dt = -apost/(20*ms) : 1 (event-driven)""",
                 on_pre="v_post += w\napre += 0.01\nw = clip(w + apost, 0, 1)",
                 on_post="apost -= 0.0105\nw = clip(w + apre, 0, 1)")
    S.connect(i=[0, 1, 2], j=[1, 2, 3])
    return [G, S]


MODELS = {"lif": _lif, "synapses": _synapses, "hodgkin_huxley": _hodgkin_huxley, "stdp": _stdp}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_generated_code_is_the_reviewed_code(name):
    objects = MODELS[name]()
    externals = {id(o): resolve_externals(o, None, {}) for o in objects}
    files = render_network(run_passes(lower_network(objects, externals)))
    folder = GOLDEN / name
    if os.environ.get("NEUROGEN_UPDATE_GOLDEN"):
        folder.mkdir(parents=True, exist_ok=True)
        for filename, text in files.items():
            (folder / filename).write_text(text)
    for filename, text in files.items():
        expected = (folder / filename).read_text()
        assert text == expected, (f"{name}/{filename} differs from tests/golden: review the diff and "
                                  "regenerate with NEUROGEN_UPDATE_GOLDEN=1 if it is intended")
