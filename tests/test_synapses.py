"""Synaptic propagation: delays, Brian2's semantics of ``+=`` and ``=``, refractoriness, queues.

Presynaptic neurons fire at chosen steps (``threshold='abs(t - tspike) < 0.5*dt'``), so every
expected value follows from Brian2's documented schedule: a spike of step s is delivered in
the synapses slot of step s + floor(delay/dt + 0.5); a StateMonitor (slot ``start``) first
shows it at the next step.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from neurogen import (EquationError, NeuronGroup, Network, SpikeMonitor, StateMonitor, Synapses, ms,
                      mV, run, store, restore)

DT = 0.1e-3


def driven(spike_times_ms):
    """One neuron per entry, firing exactly once at that time."""
    pre = NeuronGroup(len(spike_times_ms), "tspike : second", threshold="abs(t - tspike) < 0.5*dt")
    pre.tspike = np.asarray(spike_times_ms) * ms
    return pre


def first_change(trace: np.ndarray) -> int:
    """Index of the first record that differs from the first one."""
    changed = np.nonzero(trace != trace[0])[0]
    return int(changed[0]) if len(changed) else -1


def delivery_step(spike_ms: float, delay_ms: float) -> int:
    return round(spike_ms / 0.1) + math.floor(delay_ms * 1e-3 / DT + 0.5)


@pytest.mark.parametrize("delay_ms", [0.0, 1.5, 0.25, 0.24, 0.35])
def test_delta_synapse_jumps_by_w_after_rounded_delay(delay_ms):
    pre = driven([2.0])
    post = NeuronGroup(1, "v : 1")
    S = Synapses(pre, post, "w : 1", on_pre="v += w", delay=delay_ms * ms)
    S.connect(i=0, j=0)
    S.w = 0.3
    M = StateMonitor(post, "v", record=0)
    run(5 * ms)
    v = M.v[0]
    step = delivery_step(2.0, delay_ms)
    assert first_change(v) == step + 1  # delivered in step `step`, recorded at the next start
    assert v[step + 1] == 0.3 and np.all(v[step + 1:] == 0.3)


def test_per_synapse_delays_from_array_and_expression():
    pre = driven([1.0])
    post = NeuronGroup(4, "v : 1")
    S = Synapses(pre, post, "w : 1", on_pre="v += w")
    S.connect(i=[0, 0, 0, 0], j=[0, 1, 2, 3])
    S.w = 1.0
    S.delay = [0, 0.25, 1.0, 2.55] * ms
    M = StateMonitor(post, "v", record=True)
    run(5 * ms)
    for k, d in enumerate([0, 0.25, 1.0, 2.55]):
        assert first_change(M.v[k]) == delivery_step(1.0, d) + 1
    S.delay = "j*0.5*ms"  # a string expression: per synapse, in generated code
    np.testing.assert_allclose(S.delay[:] / ms, [0, 0.5, 1.0, 1.5])


def test_driven_neuron_spike_and_delivery_match():
    """A neuron driven by a constant input: its spike (SpikeMonitor) reaches the target
    floor(d/dt + 0.5) steps later."""
    G = NeuronGroup(1, "dv/dt = (2 - v)/(5*ms) : 1", threshold="v > 1", reset="v = 0", method="exact")
    H = NeuronGroup(1, "v : 1")
    S = Synapses(G, H, on_pre="v += 1", delay=1.5 * ms)
    S.connect()
    spikes = SpikeMonitor(G)
    M = StateMonitor(H, "v", record=0)
    run(20 * ms)
    expected_isi = 5e-3 * math.log(2)  # v(t) = 2(1 - exp(-t/5ms)) reaches 1
    assert abs(spikes.t_[0] - expected_isi) <= DT
    step = round(spikes.t_[0] / DT) + 15
    assert first_change(M.v[0]) == step + 1
    assert np.array_equal(np.unique(M.v[0]), np.arange(spikes.num_spikes + 1))


def test_simultaneous_spikes_accumulate_with_plus_equals():
    pre = driven([1.0, 1.0, 1.0])
    post = NeuronGroup(1, "v : 1")
    S = Synapses(pre, post, "w : 1", on_pre="v += w", delay=0.5 * ms)
    S.connect(i=[2, 0, 1], j=0)
    S.w = [0.1, 0.2, 0.4]
    run(3 * ms)
    assert post.v[0] == pytest.approx(0.7, abs=1e-15)


@pytest.mark.parametrize("delay", [None, "per-synapse"])
def test_equals_keeps_the_last_synapse_in_index_order_and_clamps(delay):
    """``I = w``: the value stays until the next event; with simultaneous spikes the last
    synapse in index order wins (whatever order the presynaptic neurons fire in)."""
    pre = driven([1.0, 1.0, 1.0, 3.0])
    post = NeuronGroup(1, "dv/dt = (I - v)/(10*ms) : 1\nI : 1", method="exact")
    S = Synapses(pre, post, "w : 1", on_pre="I = w")
    S.connect(i=[2, 0, 1, 3], j=0)   # synapse 2 (from neuron 1) is the last of step 1 ms
    S.w = [0.1, 0.2, 0.4, 0.8]
    if delay:
        S.delay = [1, 1, 1, 1] * ms
    M = StateMonitor(post, "I", record=0)
    run(6 * ms)
    shift = 10 if delay else 0
    I = M.I[0]
    assert np.all(I[: 11 + shift] == 0)
    assert np.all(I[11 + shift: 31 + shift] == 0.4)  # set at 1 ms, kept until the next event
    assert np.all(I[31 + shift:] == 0.8)


def test_unless_refractory_target_ignores_inputs_while_refractory():
    """Brian2 drops ``v += w`` onto an ``(unless refractory)`` variable during refractoriness."""
    G = NeuronGroup(1, "dv/dt = -v/(10*ms) : 1 (unless refractory)", threshold="v > 1", reset="v = 0",
                    refractory=5 * ms, method="exact")
    G.v = 1.5  # spikes at t = 0, refractory until 5 ms
    pre = driven([1.0, 7.0])
    S = Synapses(pre, G, on_pre="v += 0.6")
    S.connect()
    M = StateMonitor(G, "v", record=0)
    run(10 * ms)
    v = M.v[0]
    assert np.all(v[1:71] == 0)  # the input at 1 ms arrived while refractory
    assert v[71] == pytest.approx(0.6)


def test_variables_of_both_sides_and_indices():
    pre = driven([1.0, 1.0])
    post = NeuronGroup(3, "v : 1\nx : 1")
    post.x = [10, 20, 30]
    S = Synapses(pre, post, "w : 1", on_pre="v_post += w*x_post + i*100 + j*1000 + tspike_pre/ms")
    S.connect(i=[0, 1], j=[2, 0])
    S.w = 1
    run(2 * ms)
    assert post.v[:].tolist() == [10 + 100 + 0 + 1, 0, 30 + 0 + 2000 + 1]  # x_post of j
    assert S.i.tolist() == [0, 1] and S.j.tolist() == [2, 0]


def test_subgroups_as_source_and_target():
    pre = driven([1.0, 1.0, 1.0, 1.0])
    post = NeuronGroup(6, "v : 1")
    S = Synapses(pre[2:], post[3:5], on_pre="v += 1 + i*10 + j*100")
    S.connect(j="i")
    assert S.i.tolist() == [0, 1] and S.j.tolist() == [0, 1]
    assert S.N_pre == 2 and S.N_post == 2
    run(2 * ms)
    assert post.v[:].tolist() == [0, 0, 0, 1, 111, 0]


def test_subgroup_target_only_touches_its_range():
    pre = driven([1.0])
    post = NeuronGroup(5, "v : 1")
    S = Synapses(pre, post[1:3], on_pre="v += 1")
    S.connect()
    run(2 * ms)
    assert post.v[:].tolist() == [0, 1, 1, 0, 0]


def test_spikes_in_transit_survive_between_runs_and_restore():
    pre = driven([1.0])
    post = NeuronGroup(1, "v : 1")
    S = Synapses(pre, post, on_pre="v += 1", delay=3 * ms)
    S.connect()
    run(2 * ms)              # the spike of 1 ms is still in transit
    assert post.v[0] == 0
    store()
    run(3 * ms)
    assert post.v[0] == 1    # delivered at 4 ms, in the second run
    restore()
    assert post.v[0] == 0
    run(3 * ms)
    assert post.v[0] == 1    # restored with the spike still in transit


def test_spikes_in_transit_survive_a_rebuilt_network():
    pre = driven([1.0])
    post = NeuronGroup(1, "v : 1")
    S = Synapses(pre, post, on_pre="v += 1", delay=3 * ms)
    S.connect()
    net = Network(pre, post, S)
    net.run(2 * ms)
    M = StateMonitor(post, "v", record=0)  # a new object: the network compiles again
    net.add(M)
    net.run(3 * ms)
    assert post.v[0] == 1


def test_on_post_and_lastupdate_and_counts():
    pre = driven([1.0, 1.0])
    post = driven([2.0, 2.0, 2.0])
    S = Synapses(pre, post, "w : 1\nc : 1", on_pre="c += 1", on_post="w += 1 + N_incoming*10 + N_outgoing*100")
    S.connect(i=[0, 0, 1], j=[0, 1, 1])
    run(3 * ms)
    assert S.c[:].tolist() == [1, 1, 1]
    assert S.N_incoming.tolist() == [1, 2, 2] and S.N_outgoing.tolist() == [2, 2, 1]
    assert S.w[:].tolist() == [211, 221, 121]


def test_errors_name_the_problem():
    G = NeuronGroup(3, "v : 1", threshold="v > 1")
    H = NeuronGroup(2, "v : 1")
    S = Synapses(G, H, "w : 1", on_pre="v += w")
    with pytest.raises(IndexError, match="out of range"):
        S.connect(i=[0, 3], j=[0, 1])
    with pytest.raises(IndexError, match="j index 2"):
        S.connect(i=[0], j=[2])
    with pytest.raises(EquationError, match="clock-driven"):
        Synapses(G, H, "dx/dt = -x/ms : 1", on_pre="v += 1")
    with pytest.raises(EquationError, match="not a variable"):
        Synapses(G, H, "w : 1", on_pre="u += w")
    with pytest.raises(Exception, match="no threshold"):
        Synapses(H, G, on_pre="v += 1")
    with pytest.raises(ValueError, match="negative"):
        S.delay = -1 * ms
    with pytest.raises(EquationError, match="must name its target"):
        Synapses(G, H, "x = 1 : 1 (summed)")
    with pytest.raises(EquationError, match="must be a parameter"):
        Synapses(G, H, "y_post = 1 : 1 (summed)")
    assert len(S) == 0  # failed connects add nothing


def test_mixing_units_is_checked():
    from neurogen import DimensionMismatchError

    G = NeuronGroup(1, "v : volt", threshold="v > 10*mV")
    S = Synapses(G, G, "w : 1", on_pre="v += w")
    S.connect()
    with pytest.raises(DimensionMismatchError):
        Network(G, S).run(1 * ms)
    S2 = Synapses(G, G, "w : volt", on_pre="v += w")
    S2.connect()
    S2.w = 1 * mV
    Network(G, S2).run(0.1 * ms)
    assert S2.w[0] == 1 * mV


@pytest.mark.parametrize("order", ["sorted", "shuffled"])
@pytest.mark.parametrize("delay", [0 * ms, 0.3 * ms, "per synapse"])
def test_delivery_does_not_depend_on_the_storage_order_of_synapses(order, delay):
    """Synapses stored in presynaptic order need no CSR list (connect by p or condition makes
    them so); index arrays in any order use one. Both deliver every spike to its targets."""
    pre = driven([1.0, 2.0, 3.0])
    post = NeuronGroup(4, "v : 1")
    i = np.array([0, 0, 1, 1, 2, 2, 2])
    j = np.array([0, 1, 1, 2, 0, 2, 3])
    weights = np.array([1, 2, 4, 8, 16, 32, 64], dtype=float)
    perm = np.arange(len(i)) if order == "sorted" else np.array([4, 2, 6, 0, 5, 1, 3])
    S = Synapses(pre, post, "w : 1", on_pre="v += w", delay=0 * ms if delay == "per synapse" else delay)
    S.connect(i=i[perm], j=j[perm])
    S.w = weights[perm]
    if delay == "per synapse":
        S.delay = "0.1*ms*i"
    run(5 * ms)
    expected = np.zeros(4)
    np.add.at(expected, j, weights)
    assert np.array_equal(post.v[:], expected)
    assert S._csr("_pre_in_order") == (order == "sorted")
    assert len(S._csr("_pre_synapses")) == (0 if order == "sorted" else len(i))


@pytest.mark.parametrize("write", [
    lambda S: setattr(S, "w", 1), lambda S: setattr(S, "w", "1"), lambda S: S.w.__setitem__(slice(None), 1),
    lambda S: setattr(S, "w_", 1), lambda S: setattr(S, "delay", 2 * ms), lambda S: setattr(S, "s", 1)])
def test_writing_a_synaptic_variable_before_connect_is_an_error(write):
    """Bug: ``S.w = 1; S.connect()`` silently dropped the value (no synapse held it).
    Brian2's TypeError, for every form of writing and every variable (shared, delay too)."""
    G = NeuronGroup(3, "v : 1", threshold="v > 1")
    S = Synapses(G, G, "w : 1\ns : 1 (shared)", on_pre="v += w", delay=1 * ms)
    with pytest.raises(TypeError, match="Synapses 'synapses.*': cannot write to synaptic variable '.*', "
                                        "you need to call connect"):
        write(S)
    assert len(S.w[:]) == 0  # reading is fine
    S.connect(p=0)  # connect() was called, even if it made no synapse: writing is allowed
    write(S)
    S.connect(j="i")
    S.w = 2
    assert np.array_equal(S.w[:], [2, 2, 2])


def test_a_pathway_never_connected_is_refused_at_run():
    """As Brian2: a Synapses whose connect() was forgotten would do nothing (TypeError)."""
    G = NeuronGroup(3, "v : 1", threshold="v > 1")
    S = Synapses(G, G, "w : 1", on_pre="v += w")
    with pytest.raises(TypeError, match="'synapses.*' does not do anything.*connect"):
        Network(G, S).run(0.1 * ms)
    S.active = False
    Network(G, S).run(0.1 * ms)


@pytest.mark.parametrize("side", ["pre", "post"])
def test_a_synaptic_variable_named_like_a_group_variable_is_refused(side):
    """Brian2 2.9 raises ValueError ("The pre-synaptic variable v has the same name as a
    synaptic variable, rename the synaptic variable..."); neurogen accepted it, and then an
    unsuffixed ``v`` in on_pre silently meant the synapse's own variable."""
    G = NeuronGroup(2, "v : 1", threshold="False")
    H = NeuronGroup(2, "u : 1", threshold="False")
    source, target = (G, H) if side == "pre" else (H, G)
    with pytest.raises(ValueError, match=f"The {side}-synaptic variable '?v'? has the same name as a synaptic variable"):
        Synapses(source, target, "v : 1", on_pre="u_pre += 0" if side == "post" else "u += 0")
