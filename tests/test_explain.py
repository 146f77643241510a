"""explain(synapses) (issue 14 part 4) against the analytic response to one spike of weight 1."""
from __future__ import annotations

import math

import numpy as np
import pytest

from neurogen import NeuronGroup, PoissonGroup, Synapses, explain, Hz, mV, ms, nS, pF, second, volt

tau = 10 * ms
tau_s = 3 * ms
TAU, TAU_S = 10e-3, 3e-3


def synapses_onto(model, on_pre, **group_args):
    P = PoissonGroup(1, 10 * Hz)
    G = NeuronGroup(2, model, **group_args)
    S = Synapses(P, G, "w : 1", on_pre=on_pre)
    S.connect()
    return S


def seconds(q):
    return float(q / second)


def test_a_delta_synapse_jumps_by_the_weight_and_its_area_is_weight_times_tau():
    e = explain(synapses_onto("dv/dt = -v/tau : 1", "v += w"))
    assert e.kind == "jump"
    assert float(e.peak) == pytest.approx(1.0, rel=1e-12)
    assert seconds(e.time_to_peak) == 0
    assert seconds(e.area) == pytest.approx(TAU, rel=1e-9)


def test_an_exponential_conductance_peaks_at_the_weight_with_area_weight_times_tau():
    e = explain(synapses_onto("dg/dt = -g/tau : siemens", "g += w*nS"))
    assert float(e.peak / nS) == pytest.approx(1.0, rel=1e-12)
    assert float(e.area / (nS * second)) == pytest.approx(TAU, rel=1e-9)


def test_an_alpha_synapse_peaks_at_w_over_e_at_tau_with_area_w_tau():
    e = explain(synapses_onto("dg/dt = (h - g)/tau : 1\ndh/dt = -h/tau : 1", "h += w"))
    assert e.kind == "decaying current" and e.effects[0].variable == "h"
    g = e.effects[0].responses["g"]
    assert float(g.peak) == pytest.approx(1 / math.e, rel=1e-9)
    assert seconds(g.time_to_peak) == pytest.approx(TAU, rel=1e-6)
    assert seconds(g.area) == pytest.approx(TAU, rel=1e-9)


def test_a_decaying_current_into_v_peaks_as_the_difference_of_exponentials():
    e = explain(synapses_onto("dv/dt = (-v + I)/tau : 1\ndI/dt = -I/tau_s : 1", "I += w"))
    effect = e["on_pre"]
    assert effect.kind == "decaying current" and list(effect.responses) == ["I", "v"]
    t_peak = math.log(TAU / TAU_S) * TAU * TAU_S / (TAU - TAU_S)
    peak = TAU_S / (TAU - TAU_S) * (math.exp(-t_peak / TAU) - math.exp(-t_peak / TAU_S))
    v = effect.responses["v"]
    assert float(v.peak) == pytest.approx(peak, rel=1e-9)
    assert seconds(v.time_to_peak) == pytest.approx(t_peak, rel=1e-6)
    assert seconds(v.area) == pytest.approx(TAU_S, rel=1e-9)  # the current's area, gain 1
    assert float(effect.responses["I"].peak) == pytest.approx(1.0) and seconds(effect.area) == pytest.approx(TAU_S)


def test_a_set_without_equation_is_a_clamp_and_an_add_accumulates():
    model = "dv/dt = (-v + I)/tau : 1\nI : 1"
    clamp = explain(synapses_onto(model, "I = w"))
    assert clamp.kind == "set"
    assert np.isinf(seconds(clamp.area)) and float(clamp.peak) == 1.0
    v = clamp.effects[0].responses["v"]
    assert float(v.peak) == pytest.approx(1.0, rel=1e-6)  # v settles at the clamped input, for good
    assert np.isinf(seconds(v.time_to_peak))
    added = explain(synapses_onto(model, "I += w"))
    assert added.kind == "accumulates" and np.isinf(seconds(added.area))


def test_the_weight_carries_the_units_of_the_statement():
    e = explain(synapses_onto("dv/dt = -v/tau : volt", "v += w*mV"))
    assert float(e.peak / mV) == pytest.approx(1.0)
    assert float(e.area / (mV * ms)) == pytest.approx(10.0, rel=1e-9)


def test_a_conductance_synapse_is_explained_by_its_linearisation():
    model = """dv/dt = (gl*(El - v) + g*(E - v))/C : volt
               dg/dt = -g/tau : siemens"""
    S = synapses_onto(model, "g += w*nS", namespace={"gl": 10 * nS, "El": -70 * mV, "E": 0 * mV, "C": 200 * pF,
                                                     "tau": tau})
    S.target.v = -70 * mV
    e = explain(S)
    effect = e.effects[0]
    assert effect.kind == "decaying current" and "linearisation" in effect.note
    # small signal: dv' = (E - El)/C * g - gl/C * dv, g = 1 nS exp(-t/tau): area (E-El)*1nS*tau/gl
    area = seconds(effect.responses["v"].area / volt)
    assert area == pytest.approx(0.07 * 1e-9 * TAU / 10e-9, rel=1e-6)


def test_the_text_and_the_plot():
    e = explain(synapses_onto("dv/dt = (-v + I)/tau : 1\ndI/dt = -I/tau_s : 1", "I += w"))
    text = str(e)
    assert "decaying current" in text and "on_pre 'I += w'" in text and "peak" in text and "area" in text
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    axes = e.plot()
    assert len(axes) == 1 and len(axes[0].lines) == 2


def test_explain_takes_synapses():
    with pytest.raises(TypeError, match="Synapses"):
        explain(NeuronGroup(1, "v : 1"))
