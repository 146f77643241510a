"""Several pathways (issue 13, part 5): ``on_pre``/``on_post`` dicts, ``delay`` dicts,
``S.<pathway>.delay``; each pathway with its own spike queue and delay.

Expected traces were computed with Brian2 2.9.0 (the oracle) for the same scripts and are
hard-coded. Delivery order as Brian2's schedule: in the ``synapses`` slot presynaptic
pathways (order -1) before postsynaptic ones (+1), pathways of one order by their names
(``S_a`` before ``S_b``, whatever the order of the dict). Each statement ``x = x*10 + d``
appends the pathway's digit to ``x``, so a trace shows which pathway ran in which step.
"""
from __future__ import annotations

import numpy as np
import pytest

import neurogen
from neurogen import (EquationError, NeuronGroup, SpikeGeneratorGroup, StateMonitor, Synapses, ms, run,
                      scheduling_summary)
from runtime_device import DEVICES, on_device as _on_device

def _order_script():
    src = SpikeGeneratorGroup(1, [0, 0], [0 * ms, 0.3 * ms])
    tgt = NeuronGroup(1, "x : 1", threshold="t < 0.05*ms", reset="")
    S = Synapses(src, tgt, "w : 1",
                 on_pre={"b": "x_post = x_post*10 + 1", "a": "x_post = x_post*10 + 2",
                         "c": "x_post = x_post*10 + 4"},
                 on_post={"p": "x_post = x_post*10 + 3"}, delay={"b": 0.2 * ms, "p": 0.1 * ms})
    S.connect()
    M = StateMonitor(tgt, "x", record=0, when="end")
    run(0.8 * ms)
    return lambda: M.x[0]


@pytest.mark.parametrize("device", DEVICES)
def test_delivery_order_and_delays_per_pathway_as_brian2(device, tmp_path):
    """Step 0: a (2) and c (4) at once, in name order, not dict order; p (post, delay 1 step) in
    step 1; b (delay 2 steps) in step 2; the second spike (step 3) again a, c, then b in step 5."""
    x = _on_device(device, tmp_path, _order_script)
    assert list(x) == [24, 243, 2431, 243124, 243124, 2431241, 2431241, 2431241]  # Brian2 2.9


def _delays_script():
    src = SpikeGeneratorGroup(2, [0, 1], [0 * ms, 0 * ms])
    tgt = NeuronGroup(1, "x : 1")
    S = Synapses(src, tgt, on_pre={"up": "x_post += 1", "down": "x_post -= 10"}, delay={"up": 0.1 * ms})
    S.connect()
    S.down.delay = "i*0.2*ms + 0.1*ms"  # per synapse, by an expression
    M = StateMonitor(tgt, "x", record=0, when="end")
    run(0.2 * ms)   # the 'down' spike of synapse 1 (delay 3 steps) is in transit at the end
    S.up.delay = 0.2 * ms
    run(0.4 * ms)
    return lambda: (M.x[0], S.down.delay[:], S.up.delay[:])


@pytest.mark.parametrize("device", DEVICES)
def test_delays_set_per_pathway_and_spikes_in_transit_across_runs(device, tmp_path):
    x, down, up = _on_device(device, tmp_path, _delays_script)
    assert list(x) == [0, -8, -8, -18, -18, -18]  # Brian2 2.9
    assert np.allclose(np.asarray(down), [0.1e-3, 0.3e-3]) and np.allclose(float(up), 0.2e-3)


def _post_delay_script():
    src = SpikeGeneratorGroup(1, [0, 0], [0 * ms, 0.2 * ms])
    tgt = NeuronGroup(1, "x : 1", threshold="t < 0.05*ms or (t > 0.35*ms and t < 0.45*ms)", reset="")
    S = Synapses(src, tgt, on_pre="x_post = x_post*10 + 1", on_post="x_post = x_post*10 + 2")
    S.connect()
    S.post.delay = 0.2 * ms  # the on_post pathway is queued too
    S.delay = 0.1 * ms       # S.delay is S.pre.delay
    M = StateMonitor(tgt, "x", record=0, when="end")
    run(0.8 * ms)
    return lambda: (M.x[0], S.pre.delay[:])


@pytest.mark.parametrize("device", DEVICES)
def test_string_pathways_keep_their_names_and_the_post_pathway_takes_a_delay(device, tmp_path):
    x, pre = _on_device(device, tmp_path, _post_delay_script)
    assert list(x) == [0, 1, 12, 121, 121, 121, 1212, 1212]  # Brian2 2.9
    assert np.allclose(np.asarray(pre), [0.1e-3])


def test_pathways_are_scheduled_by_their_names_as_brian2():
    src = SpikeGeneratorGroup(1, [0], [0 * ms])
    tgt = NeuronGroup(1, "x : 1")
    S = Synapses(src, tgt, on_pre={"b": "x_post += 1", "a": "x_post += 2"}, name="syn")
    S.connect()
    names = [e.name for e in scheduling_summary().entries if e.when == "synapses"]
    assert names == ["syn_a", "syn_b"]
    assert S.a.code == "x_post += 2" and S.b.event == "spike" and S.a.prepost == "pre"


def test_pathways_draw_their_own_random_numbers():
    src = SpikeGeneratorGroup(1, [0], [0 * ms])
    tgt = NeuronGroup(1, "x : 1\ny : 1")
    S = Synapses(src, tgt, on_pre={"one": "x_post += rand()", "two": "y_post += rand()"})
    S.connect()
    run(0.2 * ms)
    assert 0 < tgt.x[0] < 1 and 0 < tgt.y[0] < 1 and tgt.x[0] != tgt.y[0]


def test_bad_pathways_and_delays_are_refused_as_brian2():
    G = NeuronGroup(2, "v : 1", threshold="v > 1")
    with pytest.raises(ValueError, match="unknown pathway"):
        Synapses(G, G, on_pre={"a": "v += 1"}, delay={"b": 1 * ms})
    with pytest.raises(ValueError, match="unknown pathway"):  # delay= alone is the 'pre' pathway's
        Synapses(G, G, on_pre={"a": "v += 1"}, delay=1 * ms)
    with pytest.raises(TypeError, match="scalar"):
        Synapses(G, G, on_pre={"a": "v += 1"}, delay={"a": [1, 2] * ms})
    with pytest.raises(TypeError, match="have to be strings"):
        Synapses(G, G, on_pre={1: "v += 1"})
    with pytest.raises(ValueError, match="already have an attribute"):
        Synapses(G, G, "w : 1", on_pre={"w": "v += w"})
    with pytest.raises(ValueError, match="already have an attribute"):  # S.delay is the 'pre' pathway's
        Synapses(G, G, on_pre={"pre": "v += 1", "delay": "v += 2"})
    with pytest.raises(ValueError, match="twice"):
        Synapses(G, G, on_pre={"a": "v += 1"}, on_post={"a": "v += 1"})
    with pytest.raises(EquationError, match=r"on_pre\['a'\]"):
        Synapses(G, G, on_pre={"a": "u += 1"})
    S = Synapses(G, G, on_pre={"a": "v += 1"})
    S.connect()
    with pytest.raises(AttributeError, match="'pre' pathway"):
        S.delay
    with pytest.raises(ValueError, match="negative"):
        S.a.delay = -1 * ms


def test_spikes_in_transit_of_every_pathway_survive_store_and_restore():
    src = SpikeGeneratorGroup(2, [0, 1], [0 * ms, 0 * ms])
    tgt = NeuronGroup(1, "x : 1")
    S = Synapses(src, tgt, on_pre={"up": "x_post += 1", "down": "x_post -= 10"}, delay={"up": 0.1 * ms})
    S.connect()
    S.down.delay = "i*0.2*ms + 0.1*ms"
    run(0.2 * ms)
    neurogen.store()   # the 'down' spike of synapse 1 is in transit
    run(0.4 * ms)
    assert tgt.x[0] == -18  # Brian2 2.9 (as in the trace above)
    neurogen.restore()
    run(0.4 * ms)
    assert tgt.x[0] == -18
