"""ContributionMonitor against independent truth, not against its own sum.

`test_contributions.py` checks that the sources add up to a StateMonitor's difference. Here each
source's record is recomputed in plain numpy from *other* records: the synaptic part from the
SpikeMonitor, the connectivity, the weights and the delays; the state update from the exact
solution of the leak; the reset from the jump to ``v_rest``; the PoissonInput from its
statistics; an ``=`` write from the weights; a network operation from what it does. A linear,
subthreshold LIF is compared with its superposition (the forum user's rewrite done right).

Refractoriness, as Brian2 2.9 does it (checked with Brian2 2.9.0, numpy target): with
``(unless refractory)`` on ``v``, the state update is skipped in steps ``s+1 .. s+r-1`` after a
spike in step ``s`` (``r = timestep(refractory)``), and the writes of ``on_pre`` and of a
PoissonInput (both after the threshold in a step) are dropped in steps ``s .. s+r-1``: in the
spike's own step the neuron is already refractory when the synapses run.
"""
from __future__ import annotations

import numpy as np
import pytest

from neurogen import (ContributionMonitor, Network, NeuronGroup, PoissonInput, SpikeGeneratorGroup, SpikeMonitor,
                      StateMonitor, Synapses, defaultclock, linked_var, network_operation, Hz, ms, second, seed, start_scope)
from contribution_checks import assert_total_is_the_change
from runtime_device import on_device

DT = 1e-4  # defaultclock.dt of every test (conftest)


def steps_of(times: np.ndarray, dt: float = DT) -> np.ndarray:
    return np.round(np.asarray(times) / dt).astype(int)


# -- the forum network, every source recomputed from other records --------------------------------

TAU, V_REST, W_POISSON, N_POISSON, RATE, REFRACTORY_STEPS, DELAY_STEPS = 0.01, 0.7, 0.01, 400, 10.0, 20, 15


@pytest.fixture(scope="module")
def forum():
    """The forum's network (200 LIF neurons, delta synapses with delay 1.5 ms, a PoissonInput),
    run once for 300 ms; the records as plain arrays."""
    import neurogen

    neurogen.start_scope()
    neurogen.prefs.codegen.cpp.warnings_as_errors = True
    seed(7)
    n = 200
    G = NeuronGroup(n, "dv/dt = -(v - v_rest)/tau : 1 (unless refractory)", threshold="v > 1", reset="v = v_rest",
                    refractory=2 * ms, method="exact", name="G", namespace={"tau": TAU * second, "v_rest": V_REST})
    G.v = "rand()"
    S = Synapses(G, G, "w : 1", on_pre="v += w", delay=1.5 * ms, name="S")
    S.connect(p=0.1)
    S.w = "0.05*rand() - 0.01"
    P = PoissonInput(G, "v", N=N_POISSON, rate=RATE * Hz, weight=W_POISSON, name="P")
    record = list(range(0, n, 7))
    M = StateMonitor(G, "v", record=record)  # 'start': before every writer
    spikes = SpikeMonitor(G)
    C = ContributionMonitor(G, "v", record=record)
    Network(G, S, P, M, spikes, C).run(300 * ms)
    assert C.sources == ["G: state update", "S: on_pre", "P", "G: reset"]
    result = {"record": np.asarray(record), "v": np.asarray(M.v).copy(), "i": np.asarray(spikes.i).copy(),
              "step": steps_of(spikes.t_), "pre": np.asarray(S.i).copy(), "post": np.asarray(S.j).copy(),
              "w": np.asarray(S.w).copy(), "delta": {s: np.asarray(C.delta[s]).copy() for s in C.sources},
              "n_steps": len(C.t), "t": np.asarray(C.t_).copy()}
    assert len(result["i"]) > 1000  # every writer wrote, many times
    return result


def refractory_masks(forum: dict, neuron: int) -> tuple[np.ndarray, np.ndarray]:
    """Steps where writes after the threshold are dropped (s .. s+r-1), and where the state
    update is skipped (s+1 .. s+r-1), for the spikes of ``neuron``."""
    after_threshold = np.zeros(forum["n_steps"], bool)
    state_update = np.zeros(forum["n_steps"], bool)
    for s in forum["step"][forum["i"] == neuron]:
        after_threshold[s:s + REFRACTORY_STEPS] = True
        state_update[s + 1:s + REFRACTORY_STEPS] = True
    return after_threshold, state_update


def test_the_forum_synaptic_part_is_the_weights_of_the_spikes_one_delay_earlier(forum):
    """Synaptic contribution to j in step k: the sum of w over synapses i->j whose presynaptic
    neuron spiked in step k - 15 (1.5 ms), zero while j is refractory."""
    checked = 0
    for row, j in enumerate(forum["record"]):
        expected = np.zeros(forum["n_steps"])
        for i, s in zip(forum["i"], forum["step"]):
            if s + DELAY_STEPS < forum["n_steps"]:
                expected[s + DELAY_STEPS] += forum["w"][(forum["pre"] == i) & (forum["post"] == j)].sum()
        dropped, _ = refractory_masks(forum, j)
        checked += np.count_nonzero(expected[dropped])
        expected[dropped] = 0
        np.testing.assert_allclose(forum["delta"]["S: on_pre"][row], expected, rtol=0, atol=1e-12)
    assert checked > 20  # inputs arriving during refractoriness were there to be dropped


def test_the_forum_state_update_is_the_exact_leak_unless_refractory(forum):
    decay = np.exp(-DT / TAU)
    for row, j in enumerate(forum["record"]):
        expected = forum["v"][row] * (decay - 1) + V_REST * (1 - decay)
        _, skipped = refractory_masks(forum, j)
        expected[skipped] = 0
        np.testing.assert_allclose(forum["delta"]["G: state update"][row], expected, rtol=1e-9, atol=1e-15)


def test_the_forum_reset_is_the_jump_from_v_before_it_to_v_rest(forum):
    for row, j in enumerate(forum["record"]):
        expected = np.zeros(forum["n_steps"])
        for s in forum["step"][forum["i"] == j]:
            before_reset = forum["v"][row][s] + sum(forum["delta"][src][row][s]
                                                    for src in ("G: state update", "S: on_pre", "P"))
            assert before_reset > 1
            expected[s] = V_REST - before_reset
        np.testing.assert_allclose(forum["delta"]["G: reset"][row], expected, rtol=0, atol=1e-12)


def test_the_forum_poisson_input_is_binomial_multiples_of_its_weight_unless_refractory(forum):
    counts = []
    for row, j in enumerate(forum["record"]):
        k = forum["delta"]["P"][row] / W_POISSON
        np.testing.assert_allclose(k, np.round(k), rtol=0, atol=1e-9)
        dropped, _ = refractory_masks(forum, j)
        assert np.all(k[dropped] == 0)
        counts.append(np.round(k[~dropped]))
    counts = np.concatenate(counts)
    assert np.all(counts >= 0)
    p = RATE * DT
    mean, sd = N_POISSON * p, np.sqrt(N_POISSON * p * (1 - p))
    assert abs(counts.mean() - mean) < 5 * sd / np.sqrt(len(counts))
    assert abs(counts.var() - sd ** 2) < 0.05 * sd ** 2  # binomial variance, ~1e5 samples


# -- linear superposition: the forum's rewrite done right -----------------------------------------

def test_a_linear_lif_is_the_superposition_of_its_sources_decayed_records_are_running_sums_of_jumps():
    """Subthreshold and linear, v = v_rest + (v0 - v_rest)*e^k + u_net + u_ext, where each u is
    the source's jumps passed through the leak (the forum user's `I_int`/`I_ext` rewrite done
    right: separate variables with the same dynamics; Brian2 2.9 gives the same u's).
    `C.cumulative(source)` is NOT u: it is the running sum of the jumps, undecayed; the decay of
    every source's part is in the state update's record. With a threshold and reset the split
    has no such meaning: the reset sets v whatever the sources put in, so no source's part can
    be 'reset' on its own."""
    tau, v_rest = 10 * ms, 0.3
    net_in = SpikeGeneratorGroup(3, [0, 1, 2, 0, 2, 1, 0], [1, 2, 2, 4.5, 7, 9.3, 12] * ms, name="net_in")
    ext_in = SpikeGeneratorGroup(1, [0, 0, 0], [0.5, 3, 10] * ms, name="ext_in")
    G = NeuronGroup(2, "dv/dt = -(v - v_rest)/tau : 1", method="exact", name="G",
                    namespace={"tau": tau, "v_rest": v_rest})
    G.v = [0.5, 0.1]
    S = Synapses(net_in, G, "w : 1", on_pre="v += w", delay=1.5 * ms, name="S")
    S.connect()
    S.w = "0.05*(i + 1) - 0.07*j"
    E = Synapses(ext_in, G, on_pre="v += 0.02", name="E")
    E.connect()
    M = StateMonitor(G, "v", record=True)
    C = ContributionMonitor(G, "v")
    Network(net_in, ext_in, G, S, E, M, C).run(20 * ms)
    assert_total_is_the_change(C, M)
    n = len(C.t)
    decay = np.exp(-0.1 / 10)
    # the analytic u's: a jump w in step m contributes w*decay**(k-1-m) to v at the start of step k > m
    weights = np.asarray(S.w).reshape(3, 2)
    u_net, u_ext = np.zeros((2, n)), np.zeros((2, n))
    for i, t in [(0, 1), (1, 2), (2, 2), (0, 4.5), (2, 7), (1, 9.3), (0, 12)]:
        m = int(round(t * 10)) + 15
        u_net[:, m + 1:] += weights[i][:, None] * decay ** np.arange(n - m - 1)
    for t in (0.5, 3, 10):
        m = int(round(t * 10))
        u_ext[:, m + 1:] += 0.02 * decay ** np.arange(n - m - 1)
    initial = (np.array([0.5, 0.1]) - v_rest)[:, None] * decay ** np.arange(n)
    np.testing.assert_allclose(np.asarray(M.v), v_rest + initial + u_net + u_ext, rtol=0, atol=1e-12)

    def leaked(jumps: np.ndarray) -> np.ndarray:  # u[k+1] = u[k]*decay + jump[k]: state update, then synapses
        u = np.zeros((jumps.shape[0], n))
        for k in range(n - 1):
            u[:, k + 1] = u[:, k] * decay + jumps[:, k]
        return u

    np.testing.assert_allclose(leaked(np.asarray(C.delta["S: on_pre"])), u_net, rtol=0, atol=1e-12)
    np.testing.assert_allclose(leaked(np.asarray(C.delta["E: on_pre"])), u_ext, rtol=0, atol=1e-12)
    # cumulative: the undecayed running sum of the jumps, not u
    np.testing.assert_allclose(np.asarray(C.cumulative("E: on_pre"))[:, -1], [0.06, 0.06], rtol=1e-12)
    assert np.all(u_ext[:, -1] < 0.05)


# -- pathways, delays, subgroups, several monitors ---------------------------------------------------

def test_on_post_pathways_heterogeneous_delays_subgroups_and_two_monitors_on_one_variable():
    seed(1)
    G = NeuronGroup(20, "dv/dt = -v/(10*ms) : 1", threshold="v > 1", reset="v = 0", method="exact", name="G")
    inp = SpikeGeneratorGroup(20, np.arange(20), np.arange(20) * 0.5 * ms, name="inp")
    drive = Synapses(inp, G, on_pre="v += 1.5", name="drive")
    drive.connect(j="i")
    S = Synapses(G[:10], G[10:], "w : 1", on_pre="v_post += w", on_post="v_pre -= 0.05", name="S")
    S.connect(p=0.5)
    S.w = "0.1*rand()"
    S.delay = "rand()*3*ms"
    M = StateMonitor(G, "v", record=range(5, 15), when="before_start")
    C = ContributionMonitor(G[5:15], "v", record=list(range(10)))
    C2 = ContributionMonitor(G, "v", record=[12, 3])
    spikes = SpikeMonitor(G)
    Network(G, inp, drive, S, M, C, C2, spikes).run(20 * ms)
    assert C.sources == ["G: state update", "S: on_pre", "drive: on_pre", "S: on_post", "G: reset"]
    assert C2.sources == C.sources
    assert_total_is_the_change(C, M)
    fired, step = np.asarray(spikes.i), steps_of(spikes.t_)
    pre, post, w = np.asarray(S.i), np.asarray(S.j) + 10, np.asarray(S.w)
    delays = steps_of(S.delay_)
    assert len(set(delays)) > 10
    n = len(C.t)
    for row, neuron in enumerate(range(5, 15)):
        on_post, on_pre = np.zeros(n), np.zeros(n)
        for a, s in zip(fired, step):
            on_post[s] -= 0.05 * np.count_nonzero((pre == neuron) & (post == a))  # no delay on_post
            for syn in np.flatnonzero((pre == a) & (post == neuron)):
                if s + delays[syn] < n:
                    on_pre[s + delays[syn]] += w[syn]
        np.testing.assert_allclose(np.asarray(C.delta["S: on_post"])[row], on_post, rtol=0, atol=1e-12)
        np.testing.assert_allclose(np.asarray(C.delta["S: on_pre"])[row], on_pre, rtol=0, atol=1e-12)
    assert np.any(np.asarray(C.delta["S: on_post"])) and np.any(np.asarray(C.delta["S: on_pre"]))
    for source in C.sources:  # the same neuron through two monitors: the same records
        np.testing.assert_array_equal(np.asarray(C2.delta[source])[0], np.asarray(C.delta[source])[7])
        np.testing.assert_array_equal(np.asarray(C2.delta[source])[1], np.zeros(n) if source == "S: on_pre"
                                      else np.asarray(C2.delta[source])[1])


def events_network() -> tuple:
    """A group on its own dt (0.2 ms), a custom event with code, run_regularly on a 1 ms clock in
    'end', a variable nobody writes, and two monitors of one variable."""
    seed(2)
    G = NeuronGroup(5, """dv/dt = (1.2 - v)/(10*ms) : 1
                          x : 1
                          y : 1""", threshold="v > 1", reset="v = 0", events={"half": "v > 0.5 and y < 1"},
                    method="exact", name="G", dt=0.2 * ms)
    G.run_on_event("half", "y += 1; v -= 0.1")
    R = G.run_regularly("v += 0.01*i", dt=1 * ms, when="end", name="R")
    G.v = "rand()"
    M = StateMonitor(G, ["v", "x", "y"], record=True, when="before_start")
    C, Cx, Cy, Cy2 = (ContributionMonitor(G, "v"), ContributionMonitor(G, "x"), ContributionMonitor(G, "y"),
                      ContributionMonitor(G, "y", record=[4, 0]))
    return Network(G, R, M, C, Cx, Cy, Cy2), M, C, Cx, Cy, Cy2


def test_a_variable_nobody_writes_has_no_sources_and_zero_total():
    """It crashed after the run (reshape of an empty record buffer), losing the run's results."""
    net, M, C, Cx, Cy, Cy2 = events_network()
    net.run(10 * ms)
    assert Cx.sources == [] and dict(Cx.delta) == {}
    assert Cx.total.shape == (5, 50)
    assert not np.any(np.asarray(Cx.total))


def test_event_code_run_regularly_on_a_slower_clock_and_a_group_on_its_own_dt():
    net, M, C, Cx, Cy, Cy2 = events_network()
    net.run(10 * ms)
    assert C.sources == ["G: state update", "G: reset", "G: on half", "R"]
    assert Cy.sources == ["G: on half"]
    np.testing.assert_allclose(np.asarray(C.t), np.arange(50) * 0.2e-3, rtol=0, atol=1e-15)
    for mon, var in ((C, "v"), (Cy, "y")):
        assert_total_is_the_change(mon, M, var)
    # run_regularly every 5 steps of the group (1 ms / 0.2 ms), adding 0.01*i
    regular = np.asarray(C.delta["R"])
    expected = np.zeros_like(regular)
    expected[:, ::5] = 0.01 * np.arange(5)[:, None]
    np.testing.assert_allclose(regular, expected, rtol=0, atol=1e-15)
    # the event fires once per neuron (y < 1 afterwards false): y jumps by 1, v by -0.1, in the same step
    y, on_half = np.asarray(Cy.delta["G: on half"]), np.asarray(C.delta["G: on half"])
    for neuron in range(5):
        steps = np.flatnonzero(y[neuron])
        assert len(steps) == 1 and y[neuron, steps[0]] == 1
        np.testing.assert_array_equal(np.flatnonzero(on_half[neuron]), steps)
        assert on_half[neuron, steps[0]] == pytest.approx(-0.1)
    np.testing.assert_array_equal(np.asarray(Cy2.delta["G: on half"]), y[[4, 0]])


def test_store_restore_rolls_the_records_back_as_a_state_monitors():
    net, M, C, Cx, Cy, Cy2 = events_network()
    net.run(10 * ms)
    net.store()
    first = {s: np.asarray(C.delta[s]).copy() for s in C.sources}
    net.run(5 * ms)
    assert len(C.t) == len(M.t) == 75
    net.restore()
    assert len(C.t) == len(M.t) == 50
    for source, values in first.items():
        np.testing.assert_array_equal(np.asarray(C.delta[source]), values)
    net.run(5 * ms)
    assert len(C.t) == len(M.t) == 75
    assert_total_is_the_change(C, M)


def test_a_set_counts_as_its_jump_and_operations_and_removed_inputs():
    """`I = w` from three inputs in one step: the last synapse in index order wins, the jump is
    that weight minus I before; a network operation's write is its own source in the steps it
    ran (whatever the refractoriness); a PoissonInput onto a subgroup writes only there, and
    removed from the network it has zeros in the later run."""
    seed(4)
    G = NeuronGroup(6, """dv/dt = (I - v)/(5*ms) : 1 (unless refractory)
                          I : 1""", threshold="v > 0.8", reset="v = 0", refractory=1 * ms, method="exact",
                    name="G")
    inp = SpikeGeneratorGroup(3, [0, 1, 2, 0, 1], [1, 1, 1, 3, 6] * ms, name="inp")
    S = Synapses(inp, G, "w : 1", on_pre="I = w", name="S")
    S.connect()
    S.w = "i*0.7 + j*0.1"
    S2 = Synapses(inp, G, on_pre="v += 0.3", name="S2", delay=0.3 * ms)
    S2.connect(j="i*2")
    P = PoissonInput(G[2:5], "v", N=50, rate=100 * Hz, weight=0.02, name="P")

    @network_operation(dt=1 * ms, when="after_synapses", name="kick")  # named: no other test's name taken
    def kick():
        G.v[3] = G.v[3] + 0.05

    M = StateMonitor(G, ["v", "I"], record=True, when="before_start")
    C, CI = ContributionMonitor(G, "v"), ContributionMonitor(G, "I")
    net = Network(G, inp, S, S2, P, kick, M, C, CI)
    net.run(10 * ms)
    assert C.sources == ["G: state update", "S2: on_pre", "P", "G: reset", "kick"]
    assert CI.sources == ["S: on_pre", "kick"]
    assert_total_is_the_change(C, M, "v")
    assert_total_is_the_change(CI, M, "I")
    jumps = np.asarray(CI.delta["S: on_pre"])
    j = np.arange(6)
    np.testing.assert_allclose(jumps[:, 10], 1.4 + 0.1 * j)  # inputs 0, 1, 2 at 1 ms: input 2 wins
    np.testing.assert_allclose(jumps[:, 30], 0.1 * j - (1.4 + 0.1 * j))  # input 0 at 3 ms
    np.testing.assert_allclose(jumps[:, 60], 0.7 + 0.1 * j - 0.1 * j)  # input 1 at 6 ms
    assert np.count_nonzero(jumps) == 18
    kicks = np.asarray(C.delta["kick"])
    expected = np.zeros_like(kicks)
    expected[3, ::10] = 0.05
    np.testing.assert_allclose(kicks, expected, rtol=0, atol=1e-15)
    assert not np.any(np.asarray(CI.delta["kick"]))
    poisson = np.asarray(C.delta["P"])
    assert np.all(poisson[[0, 1, 5]] == 0) and np.all(np.any(poisson[2:5], axis=1))
    net.remove(P)
    net.run(2 * ms)
    assert C.delta["P"].shape == (6, 120) and not np.any(np.asarray(C.delta["P"])[:, 100:])
    assert_total_is_the_change(C, M, "v")


def test_two_summed_synapses_onto_one_variable_each_contribute_their_own_change():
    """The kernel zeroing the target each step was recorded as the first summing Synapses'
    contribution: in a steady state A showed -(B's sum) and B +(its sum) every step, although
    nothing changed. Now each Synapses' record is its sum minus its sum of the step before; what
    the zeroing removed beyond the sums (the value before the first step, a runner's write) is
    '<group>: (summed) overwritten'."""
    G = NeuronGroup(2, """dv/dt = (I - v)/(5*ms) : 1
                          I : 1""", method="exact", name="G")
    G.I = 0.25
    A = Synapses(G, G, "a : 1\nI_post = a : 1 (summed)", name="A")
    A.connect(j="i")
    A.a = 1.0
    B = Synapses(G, G, "b : 1\nI_post = b : 1 (summed)", name="B")
    B.connect(j="i")
    B.b = 10.0
    B.run_regularly("b += 1", dt=1 * ms, name="more")
    kick = G.run_regularly("I += 5", dt=1.5 * ms, when="after_groups", name="kick")  # after the summation
    C = ContributionMonitor(G, "I")
    M = StateMonitor(G, "I", record=True, when="before_start")
    Network(G, A, B, kick, C, M).run(3 * ms)
    assert C.sources == ["G: (summed) overwritten", "A: (summed)", "B: (summed)", "kick"]
    assert_total_is_the_change(C, M, "I")
    expected = {source: np.zeros((2, 30)) for source in C.sources}
    expected["A: (summed)"][:, 0] = 1
    expected["B: (summed)"][:, 0] = 10
    expected["B: (summed)"][:, [0, 10, 20]] += 1  # b += 1 in 'start', before the summation, every 1 ms
    expected["kick"][:, [0, 15]] = 5
    expected["G: (summed) overwritten"][:, 0] = -0.25  # G.I before the first step
    expected["G: (summed) overwritten"][:, [1, 16]] = -5  # the kick, gone in the next step
    for source, values in expected.items():
        np.testing.assert_allclose(np.asarray(C.delta[source]), values, rtol=0, atol=1e-15, err_msg=source)


# -- standalone ---------------------------------------------------------------------------------------

def test_standalone_records_the_adversarial_network_as_the_runtime(tmp_path):
    """Pathways on both sides, heterogeneous delays, subgroups, `=` writes, event code,
    run_regularly on its own clock, a PoissonInput onto a subgroup, two Synapses summing into a
    variable that others write too: identical numbers."""
    def script():
        start_scope()
        seed(9)
        G = NeuronGroup(12, """dv/dt = (I - v)/(5*ms) : 1 (unless refractory)
                               I : 1
                               y : 1""", threshold="v > 0.8", reset="v = 0", refractory=1 * ms,
                        events={"half": "v > 0.4 and y < 1"}, method="exact", name="G")
        G.run_on_event("half", "y += 1; v -= 0.05")
        G.v = "rand()"
        R = G.run_regularly("I *= 0.5", dt=0.5 * ms, when="end", name="R")
        S = Synapses(G[:6], G[6:], "w : 1", on_pre="v_post += w; I_post = w", on_post="v_pre -= 0.02", name="S")
        S.connect(p=0.6)
        S.w = "0.3*rand()"
        S.delay = "rand()*2*ms"
        P = PoissonInput(G[3:9], "v", N=80, rate=200 * Hz, weight=0.01, name="P")
        sum_a = Synapses(G, G[4:], "a : 1\nI_post = a*v_pre : 1 (summed)", name="sum_a")  # overwrites S, R
        sum_a.connect(p=0.5)
        sum_a.a = "rand()"
        sum_b = Synapses(G[:3], G, "b : 1\nI_post = b : 1 (summed)", name="sum_b")
        sum_b.connect(j="i*4")
        sum_b.b = 0.5
        C = ContributionMonitor(G[2:10], "v", record=[0, 3, 5, 7])
        CI = ContributionMonitor(G, "I", record=[6, 11])
        spikes = SpikeMonitor(G)
        Network(G, R, S, P, sum_a, sum_b, C, CI, spikes).run(30 * ms)

        def results():
            return ({s: np.asarray(C.delta[s]).copy() for s in C.sources},
                    {s: np.asarray(CI.delta[s]).copy() for s in CI.sources},
                    np.asarray(C.t_).copy(), np.asarray(spikes.i).copy(), np.asarray(spikes.t_).copy())
        return results

    runtime = on_device("runtime", tmp_path / "a", script)
    standalone = on_device("cpp_standalone", tmp_path / "b", script)
    assert list(runtime[0]) == ["G: state update", "S: on_pre", "P", "S: on_post", "G: reset", "G: on half"]
    assert list(runtime[1]) == ["G: (summed) overwritten", "sum_a: (summed)", "sum_b: (summed)", "S: on_pre", "R"]
    assert np.any(runtime[1]["G: (summed) overwritten"]) and np.any(runtime[1]["sum_a: (summed)"][:, 1:])
    assert len(runtime[3]) > 10
    for ours, theirs in zip(standalone, runtime):
        if isinstance(ours, dict):
            assert list(ours) == list(theirs)
            for source in ours:
                np.testing.assert_array_equal(ours[source], theirs[source])
        else:
            np.testing.assert_array_equal(ours, theirs)


# -- bad input: the object, the variable and what was expected ------------------------------------

@pytest.fixture
def plain_group():
    G = NeuronGroup(5, """dv/dt = -v/(10*ms) : volt
                          n : integer
                          b : boolean
                          s : 1 (shared)
                          I = v/ohm : amp""", threshold="v > 1*mV", method="exact", name="G")
    return G


def test_bad_variables_are_refused_naming_the_monitor_the_group_and_the_variable(plain_group):
    G = plain_group
    for variable, error, words in [("vv", KeyError, ["'vv'", "'G'", "v"]), ("I", KeyError, ["'I'", "'G'"]),
                                   ("n", TypeError, ["'n'", "'G'", "integer"]),
                                   ("b", TypeError, ["'b'", "'G'", "boolean"]),
                                   ("s", NotImplementedError, ["'s'", "'G'", "shared"]),
                                   (3, TypeError, ["name", "3"])]:
        with pytest.raises(error) as caught:
            ContributionMonitor(G, variable, name="cm")
        for word in ["ContributionMonitor 'cm'", *words]:
            assert word in str(caught.value), (variable, str(caught.value))


def test_a_synaptic_variable_is_refused_before_the_run_not_with_an_internal_error(plain_group):
    """It was accepted and failed at run time: 'internal error: ... the kernel synapses_pre
    (pathway on_pre) writes w, but none of its sources () is that writer'."""
    G = plain_group
    S = Synapses(G, G, "w : 1", on_pre="w += 0.1", name="S")
    with pytest.raises(NotImplementedError, match=r"ContributionMonitor 'cm'.*Synapses 'S'.*'w'"):
        ContributionMonitor(S, "w", name="cm")


def test_a_record_out_of_range_names_the_contribution_monitor(plain_group):
    """The message said "StateMonitor 'contributionmonitor'"."""
    G = plain_group
    for record, error in [([5], IndexError), ([-1], IndexError), ([0.5], TypeError)]:
        with pytest.raises(error, match=r"^ContributionMonitor 'cm'"):
            ContributionMonitor(G, "v", record=record, name="cm")
    with pytest.raises(IndexError, match=r"ContributionMonitor 'cm'.*\[0, 1\]"):
        ContributionMonitor(G[1:3], "v", record=[2], name="cm")


def test_no_recorded_element_and_repeated_elements():
    seed(3)
    G = NeuronGroup(3, "dv/dt = (2 - v)/(10*ms) : 1", threshold="v > 1", reset="v = 0", method="exact", name="G")
    S = Synapses(G, G, "w : 1", on_pre="w += 0.1; v_post += w", name="S")
    S.connect()
    none, twice = ContributionMonitor(G, "v", record=[]), ContributionMonitor(G, "v", record=[1, 1])
    M = StateMonitor(G, "v", record=[1, 1], when="before_start")
    Network(G, S, none, twice, M).run(10 * ms)
    assert none.total.shape == (0, 100) and none.delta["S: on_pre"].shape == (0, 100)
    assert_total_is_the_change(twice, M)
    for source in twice.sources:
        np.testing.assert_array_equal(np.asarray(twice.delta[source])[0], np.asarray(twice.delta[source])[1])
    assert np.any(np.asarray(twice.delta["S: on_pre"]))


def test_an_impossible_record_is_a_memory_error_naming_the_monitor_before_anything_runs():
    """steps x sources x elements doubles: 10 000 s of 1000 neurons with 2 sources is 1.6 TB."""
    G = NeuronGroup(1000, "dv/dt = -v/(10*ms) : 1", threshold="v > 1", reset="v = 0", method="exact", name="G")
    C = ContributionMonitor(G, "v", name="cm")
    with pytest.raises(MemoryError, match=r"ContributionMonitor 'cm'.*2 source\(s\) for 1000 element"):
        Network(G, C).run(10000 * second)


# -- clocks, refractoriness of other writers, computed variables ---------------------------------

def test_runners_and_on_post_writes_are_dropped_while_refractory_as_in_brian2():
    """Brian2 2.9 (checked, numpy target) drops `run_regularly` writes and `on_post` writes of
    `v_pre` to an `(unless refractory)` variable while the neuron is refractory; neurogen's v
    was the same to the printed digits. The records: zero there, the full write elsewhere."""
    G = NeuronGroup(2, "dv/dt = -v/(10*ms) : 1 (unless refractory)", threshold="v > 1", reset="v = 0",
                    refractory=1 * ms, method="exact", name="G")
    G.v = [1.5, 0]
    R = G.run_regularly("v += 0.1", dt=0.2 * ms, when="end", name="R")
    src = NeuronGroup(1, "", threshold="True", name="src")
    S = Synapses(G, src, on_post="v_pre += 0.01", name="S")
    S.connect()
    M = StateMonitor(G, "v", record=True)
    C = ContributionMonitor(G, "v")
    Network(G, R, src, S, M, C).run(1.6 * ms)
    assert C.sources == ["G: state update", "S: on_post", "G: reset", "R"]
    assert_total_is_the_change(C, M)
    np.testing.assert_allclose(np.asarray(M.v)[0, 11:13], [0.11, 0.1189], atol=5e-5)  # Brian2's numbers
    np.testing.assert_allclose(np.asarray(M.v)[1, 1:4], [0.11, 0.1189, 0.2277], atol=5e-5)
    runner, on_post = np.asarray(C.delta["R"]), np.asarray(C.delta["S: on_post"])
    every_other = np.zeros(16)
    every_other[::2] = 0.1
    np.testing.assert_allclose(runner[1], every_other, rtol=0, atol=1e-15)
    np.testing.assert_allclose(runner[0], np.where(np.arange(16) >= 10, every_other, 0), rtol=0, atol=1e-15)
    np.testing.assert_allclose(on_post, [np.where(np.arange(16) >= 10, 0.01, 0), np.full(16, 0.01)],
                               rtol=0, atol=1e-15)


def test_a_constant_over_dt_subexpression_records_its_new_value_minus_the_last():
    """Set first thing in a step (before_start, before a StateMonitor there of the same order):
    its record in step k is x(t_k) - x(t_{k-1}) (x is 0 before the first step); a StateMonitor
    at `when='before_start', order=-1` sees the value before it."""
    G = NeuronGroup(3, """dv/dt = (x - v)/(5*ms) : 1
                          x = sin(2*pi*t/(3*ms)) + i : 1 (constant over dt)""", method="euler", name="G")
    before = StateMonitor(G, "x", record=True, when="before_start", order=-1)
    C = ContributionMonitor(G, "x")
    Network(G, before, C).run(2 * ms)
    assert C.sources == ["G: (constant over dt)"]
    x = np.sin(2 * np.pi * np.arange(20) * 0.1 / 3)[None, :] + np.arange(3)[:, None]
    np.testing.assert_allclose(np.asarray(C.total), np.diff(x, axis=1, prepend=0), rtol=0, atol=1e-12)
    assert_total_is_the_change(C, before, "x")


def test_writers_on_slower_clocks_record_in_their_steps_and_faster_ones_are_refused():
    G = NeuronGroup(3, "dv/dt = -v/(5*ms) : 1", threshold="t > 0.5*ms and i == 0", method="exact", name="G")
    S = Synapses(G, G, on_pre="v += 0.1", dt=0.3 * ms, name="S")
    S.connect(j="i + 1", skip_if_invalid=True)
    M = StateMonitor(G, "v", record=True, when="before_start")
    C = ContributionMonitor(G, "v")
    Network(G, S, M, C).run(3 * ms)
    assert_total_is_the_change(C, M)
    np.testing.assert_array_equal(np.flatnonzero(np.asarray(C.delta["S: on_pre"])[1]), np.arange(6, 30, 3))
    start_scope()
    H = NeuronGroup(3, "dv/dt = -v/(5*ms) : 1", method="exact", name="H", dt=0.2 * ms)
    R = H.run_regularly("v += 0.1", dt=0.1 * ms, name="R")
    with pytest.raises(NotImplementedError, match=r"ContributionMonitor 'cm'.*'R'.*dt=100\. us.*dt=200\. us"):
        Network(H, R, ContributionMonitor(H, "v", name="cm")).run(1 * ms)


def test_a_dt_changed_between_runs_gives_records_at_both_dts():
    G = NeuronGroup(2, "dv/dt = (1 - v)/(5*ms) : 1", method="exact", name="G")
    M = StateMonitor(G, "v", record=True, when="before_start")
    C = ContributionMonitor(G, "v")
    net = Network(G, M, C)
    net.run(1 * ms)
    defaultclock.dt = 0.05 * ms
    net.run(1 * ms)
    np.testing.assert_allclose(np.asarray(C.t_), np.r_[np.arange(10) * 1e-4, 1e-3 + np.arange(20) * 5e-5],
                               rtol=0, atol=1e-15)
    v = np.asarray(M.v)
    expected = np.r_[np.full(10, np.exp(-0.1 / 5)), np.full(20, np.exp(-0.05 / 5))] - 1
    np.testing.assert_allclose(np.asarray(C.total), (v - 1) * expected, rtol=1e-9, atol=1e-15)


def test_a_linked_variable_is_refused_naming_it():
    """It was a KeyError listing no variables at all ("its variables: ")."""
    A = NeuronGroup(3, "dv/dt = -v/(5*ms) : 1", method="exact", name="A")
    B = NeuronGroup(3, "v : 1 (linked)", name="B")
    B.v = linked_var(A, "v")
    with pytest.raises(NotImplementedError, match=r"ContributionMonitor 'cm'.*'v' of 'B' is a linked variable"):
        ContributionMonitor(B, "v", name="cm")


def test_standalone_records_a_dt_changed_between_runs_as_the_runtime(tmp_path):
    def script():
        start_scope()
        # the dt the previous script (the runtime's run) left: start_scope() keeps it, as in Brian2
        # (the "standalone runs at the last dt" seen here once was that, not a standalone bug)
        defaultclock.dt = 0.1 * ms
        seed(3)
        G = NeuronGroup(4, "dv/dt = (0.5 - v)/(5*ms) : 1 (unless refractory)", threshold="v > 1", reset="v = 0",
                        refractory=1 * ms, method="exact", name="G")
        G.v = "rand()"
        P = PoissonInput(G, "v", N=20, rate=500 * Hz, weight=0.05, name="P")
        C = ContributionMonitor(G, "v", record=[1, 3])
        net = Network(G, P, C)
        net.run(5 * ms)
        net.run(5 * ms)
        defaultclock.dt = 0.05 * ms
        net.run(3 * ms)
        return lambda: ({s: np.asarray(C.delta[s]).copy() for s in C.sources}, np.asarray(C.t_).copy())

    runtime = on_device("runtime", tmp_path / "a", script)
    standalone = on_device("cpp_standalone", tmp_path / "b", script)
    assert runtime[1].shape == (160,)
    np.testing.assert_array_equal(standalone[1], runtime[1])
    for source in runtime[0]:
        np.testing.assert_array_equal(standalone[0][source], runtime[0][source])
