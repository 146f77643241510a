"""ContributionMonitor: the change of a variable in each step, split by writer.

Independent truths: a StateMonitor of the same variable (``M.v[:, k+1] - M.v[:, k]`` is the
total change of step k), the same network run without the monitor (spikes and state must be
bit-identical: the monitor only reads), what each writer can do (a write dropped while
refractory is zero, a reset is the jump to ``v_reset``, a PoissonInput adds whole multiples of
its weight), and the standalone program (identical numbers).
"""
from __future__ import annotations

import numpy as np
import pytest

from neurogen import (ContributionMonitor, Network, NeuronGroup, PoissonInput, SpikeMonitor, StateMonitor, Synapses,
                      network_operation,
                      ms, mV, nS, pF, seed, second, start_scope)
from neurogen.units import Quantity
from contribution_checks import assert_total_is_the_change
from runtime_device import on_device

N = 60


def forum_network(monitor: bool = True, record: list[int] | bool = (0, 1, 2, 3, 4, 5), n: int = N,
                  v_rest: float = 0.7) -> tuple:
    """The forum's network: LIF with delta synapses (delay 1.5 ms) and a PoissonInput, all onto v."""
    seed(11)
    tau = 10 * ms
    G = NeuronGroup(n, "dv/dt = -(v - v_rest)/tau : 1 (unless refractory)", threshold="v > 1", reset="v = v_rest",
                    refractory=2 * ms, method="exact", namespace={"tau": tau, "v_rest": v_rest}, name="neurongroup")
    G.v = "rand()"
    S = Synapses(G, G, "w : 1", on_pre="v += w", delay=1.5 * ms, name="synapses")
    S.connect(p=0.2)
    S.w = "0.02 + 0.1*rand() - 0.08*(i % 3 == 0)"  # excitatory and inhibitory
    P = PoissonInput(G, "v", N=400, rate=10 * 1 / second, weight=0.01, name="poissoninput")
    M = StateMonitor(G, "v", record=list(range(n)))
    spikes = SpikeMonitor(G)
    objects = [G, S, P, M, spikes]
    C = None
    if monitor:
        C = ContributionMonitor(G, "v", record=record)
        objects.append(C)
    return Network(*objects), G, M, spikes, C


def test_the_forum_networks_contributions_add_up_to_the_change_of_v():
    net, G, M, spikes, C = forum_network()
    net.run(200 * ms)
    assert C.sources == ["neurongroup: state update", "synapses: on_pre", "poissoninput", "neurongroup: reset"]
    assert spikes.num_spikes > 50  # the network is active: every writer wrote
    assert_total_is_the_change(C, M, rows=C.record)
    np.testing.assert_array_equal(C.t, M.t)
    for source in C.sources:
        assert C.delta[source].shape == (len(C.record), len(C.t))
        assert np.any(np.asarray(C.delta[source]) != 0), source
    # a PoissonInput adds whole multiples of its weight (0.01) per step, only where not refractory
    poisson = np.asarray(C.delta["poissoninput"])
    np.testing.assert_allclose(poisson / 0.01, np.round(poisson / 0.01), atol=1e-9)
    # the reset jumps from above threshold to v_rest: negative, and only in steps with a spike
    reset = np.asarray(C.delta["neurongroup: reset"])
    assert np.all(reset <= 0)
    i, t = np.asarray(spikes.i), np.asarray(spikes.t_)
    for row, neuron in enumerate(C.record):
        steps = np.round(t[i == neuron] / 1e-4).astype(int)
        assert set(np.flatnonzero(reset[row])) == set(steps)
        # v at the start of the step, plus what came before the reset, plus the reset: v_rest
        np.testing.assert_allclose(np.asarray(M.v)[neuron][steps]
                                   + np.asarray(C.delta["neurongroup: state update"])[row][steps]
                                   + np.asarray(C.delta["synapses: on_pre"])[row][steps]
                                   + poisson[row][steps] + reset[row][steps], 0.7, rtol=0, atol=1e-12)
    # the cumulative sum of all sources is v's change since the first record
    np.testing.assert_allclose(np.asarray(C.cumulative())[:, -2], np.asarray(M.v)[C.record][:, -1]
                               - np.asarray(M.v)[C.record][:, 0], atol=1e-10)


def test_writes_dropped_while_refractory_count_as_zero():
    net, G, M, spikes, C = forum_network()
    net.run(200 * ms)
    i, t = np.asarray(spikes.i), np.asarray(spikes.t_)
    checked = 0
    for row, neuron in enumerate(C.record):
        for step in np.round(t[i == neuron] / 1e-4).astype(int):
            refractory = range(step + 1, min(step + 20, len(C.t)))  # 2 ms after the spike, v is clamped
            for source in C.sources:
                assert np.all(np.asarray(C.delta[source])[row, list(refractory)] == 0), source
            checked += 1
    assert checked > 5


def test_spikes_and_state_are_bit_identical_with_and_without_the_monitor():
    results = []
    for monitor in (False, True):
        start_scope()
        net, G, M, spikes, C = forum_network(monitor=monitor)
        net.run(100 * ms)
        results.append((np.asarray(spikes.i).copy(), np.asarray(spikes.t_).copy(), np.asarray(M.v).copy(),
                        np.asarray(G.v).copy()))
    for without, with_ in zip(*results):
        np.testing.assert_array_equal(without, with_)


def conductance_network(monitor: bool = True) -> tuple:
    """COBA-like: synapses write ge/gi (each with its own decay), the state update moves v."""
    seed(3)
    eqs = """dv/dt = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v))/C_m : volt (unless refractory)
             dge/dt = -ge/(5*ms) : siemens
             dgi/dt = -gi/(10*ms) : siemens"""
    G = NeuronGroup(40, eqs, threshold="v > -50*mV", reset="v = -60*mV", refractory=5 * ms, method="euler",
                    name="cells", namespace={"gl": 10 * nS, "El": -60 * mV, "Ee": 0 * mV, "Ei": -80 * mV,
                                             "C_m": 200 * pF})
    G.v = "-60*mV + 10*mV*rand()"
    exc = Synapses(G[:30], G, on_pre="ge += 6*nS", name="exc")
    inh = Synapses(G[30:], G, on_pre="gi += 60*nS", name="inh")
    exc.connect(p=0.3)
    inh.connect(p=0.3)
    drive = PoissonInput(G, "ge", N=100, rate=50 / second, weight=1 * nS, name="drive")
    M = StateMonitor(G, ["v", "ge"], record=True)
    spikes = SpikeMonitor(G)
    monitors = ([ContributionMonitor(G, "v", record=[0, 5, 35]), ContributionMonitor(G, "ge", record=[0, 5, 35])]
                if monitor else [])
    return Network(G, exc, inh, drive, M, spikes, *monitors), M, spikes, monitors


def conductance_totals_match(M: StateMonitor, Cv: ContributionMonitor, Cg: ContributionMonitor) -> None:
    for C, var in ((Cv, "v"), (Cg, "ge")):
        change = np.diff(np.asarray(getattr(M, var))[C.record], axis=1)
        total = np.asarray(C.total)[:, :-1]
        np.testing.assert_allclose(total, change, rtol=0, atol=1e-12 * np.max(np.abs(getattr(M, var + "_"))))


def test_a_conductance_network_splits_v_and_g_by_writer():
    """The contributions to ge come from its decay, a pathway and the PoissonInput; v changes
    only through the state update (the conductances act through the ODE) and the reset."""
    net, M, spikes, (Cv, Cg) = conductance_network()
    net.run(100 * ms)
    assert spikes.num_spikes > 0
    assert Cv.sources == ["cells: state update", "cells: reset"]
    assert Cg.sources == ["cells: state update", "exc: on_pre", "drive"]
    assert isinstance(Cv.total, Quantity) and Cv.total.has_same_dimensions(mV)
    conductance_totals_match(M, Cv, Cg)
    # the excitatory pathway adds 6 nS per spike: whole multiples
    exc_part = np.asarray(Cg.delta["exc: on_pre"]) / 6e-9
    np.testing.assert_allclose(exc_part, np.round(exc_part), atol=1e-6)


def test_a_set_counts_as_the_jump_it_made_and_summed_and_runners_are_sources():
    seed(5)
    G = NeuronGroup(4, """dv/dt = (I + J - v)/(10*ms) : 1
                          I : 1
                          J : 1""", method="exact", name="cells")
    src = NeuronGroup(4, "", threshold="i == t/(1*ms) % 4", name="src")  # one spike per ms, in turn
    setter = Synapses(src, G, "w : 1", on_pre="I = w", name="setter")
    setter.connect(j="i")
    setter.w = "1 + i"
    summed = Synapses(src, G, "c : 1\nJ_post = c : 1 (summed)", name="summer")
    summed.connect(j="i")
    summed.c = "0.5*i"
    halve = G.run_regularly("I *= 0.5", dt=2 * ms, name="halve")
    M = StateMonitor(G, ["I", "J", "v"], record=True, when="before_start")  # before the runner (in start)
    CI = ContributionMonitor(G, "I")
    CJ = ContributionMonitor(G, "J")
    Cv = ContributionMonitor(G, "v")
    Network(G, src, setter, summed, halve, M, CI, CJ, Cv).run(10 * ms)
    assert CI.sources == ["halve", "setter: on_pre"]
    assert CJ.sources == ["summer: (summed)"]
    assert Cv.sources == ["cells: state update"]
    for C, var in ((CI, "I"), (CJ, "J"), (Cv, "v")):
        np.testing.assert_allclose(np.asarray(C.total)[:, :-1], np.diff(np.asarray(getattr(M, var)), axis=1),
                                   rtol=0, atol=1e-13)
    # I = w sets I to w: the jump is w minus what I was (0 the first time)
    first = np.asarray(CI.delta["setter: on_pre"])
    for neuron in range(4):
        jumps = np.flatnonzero(first[neuron])
        assert first[neuron, jumps[0]] == pytest.approx(1 + neuron)
    # a summed variable is set once, then stays (its contribution after the first step is 0)
    summed_part = np.asarray(CJ.delta["summer: (summed)"])
    np.testing.assert_allclose(summed_part[:, 0], 0.5 * np.arange(4))
    assert np.all(summed_part[:, 1:] == 0)


def test_a_source_absent_from_a_run_has_zeros_there():
    net, G, M, spikes, C = forum_network()
    net.run(20 * ms)
    first = len(C.t)
    extra = PoissonInput(G, "v", N=10, rate=100 / second, weight=0.001, name="extra")
    net.add(extra)
    net.run(20 * ms)
    assert C.sources == ["neurongroup: state update", "synapses: on_pre", "poissoninput", "neurongroup: reset",
                         "extra"]
    assert C.delta["extra"].shape == (len(C.record), 2 * first)
    assert np.all(np.asarray(C.delta["extra"])[:, :first] == 0)
    assert_total_is_the_change(C, M, rows=C.record)


def test_subgroups_record_their_own_indices():
    seed(2)
    G = NeuronGroup(10, "dv/dt = -v/(10*ms) : 1", method="exact")
    P = PoissonInput(G[5:], "v", N=100, rate=100 / second, weight=0.01)
    C = ContributionMonitor(G[4:8], "v", record=[0, 1, 2])  # neurons 4, 5, 6
    Network(G, P, C).run(10 * ms)
    assert np.all(np.asarray(C.delta["poissoninput"])[0] == 0)  # neuron 4 gets no input
    assert np.any(np.asarray(C.delta["poissoninput"])[1:] != 0)


def test_bad_arguments_are_named():
    G = NeuronGroup(3, "dv/dt = -v/(10*ms) : 1\nk : integer", method="exact")
    with pytest.raises(KeyError, match="'u' is not a variable"):
        ContributionMonitor(G, "u")
    with pytest.raises(TypeError, match="integer variable"):
        ContributionMonitor(G, "k")
    with pytest.raises(IndexError):
        ContributionMonitor(G, "v", record=[3])
    C = ContributionMonitor(G, "v")
    assert np.asarray(C.total).shape == (3, 0)  # before a run: no records, as a StateMonitor
    with pytest.raises(KeyError, match="no source named 'synapses: on_pre'"):
        C.delta["synapses: on_pre"]


@pytest.mark.parametrize("network", ["forum", "conductance"])
def test_standalone_records_the_same_numbers(network, tmp_path):
    """The standalone program records what the runtime records, bit for bit, and its spikes
    and state are those of the standalone program without the monitor."""
    def script(monitor: bool):
        def build():
            start_scope()
            if network == "forum":
                net, G, M, spikes, C = forum_network(n=30, monitor=monitor)
                monitors = [C] if monitor else []
            else:
                net, M, spikes, monitors = conductance_network(monitor)
            net.run(50 * ms)
            return lambda: ([{s: np.asarray(C.delta[s]).copy() for s in C.sources} for C in monitors],
                            [np.asarray(C.t).copy() for C in monitors],
                            np.asarray(M.v).copy(), np.asarray(spikes.i).copy(), np.asarray(spikes.t_).copy())
        return build
    runtime = on_device("runtime", tmp_path / "a", script(True))
    standalone = on_device("cpp_standalone", tmp_path / "b", script(True))
    without = on_device("cpp_standalone", tmp_path / "c", script(False))
    assert len(runtime[3]) > 0
    for ours, theirs in zip(standalone[0], runtime[0]):
        assert list(ours) == list(theirs)
        for source in theirs:
            np.testing.assert_array_equal(ours[source], theirs[source], err_msg=source)
    for k in (1, 2, 3, 4):
        for ours, theirs in zip(standalone[k] if k == 1 else [standalone[k]], runtime[k] if k == 1 else [runtime[k]]):
            np.testing.assert_array_equal(ours, theirs)
    for k in (2, 3, 4):  # bit-identical with and without the monitor in standalone too
        np.testing.assert_array_equal(standalone[k], without[k])


def test_cumulative_and_the_plot_helper():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    net, G, M, spikes, C = forum_network(record=[2, 4])
    net.run(30 * ms)
    for source in C.sources:
        np.testing.assert_array_equal(np.asarray(C.cumulative(source)), np.cumsum(np.asarray(C.delta[source]), axis=1))
    fig, ax = plt.subplots()
    assert C.plot(4, ax=ax) is ax
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [*C.sources, "total"]
    plt.close(fig)
    with pytest.raises(IndexError, match="index 3 has not been recorded"):
        C.plot(3)


@pytest.mark.parametrize("when", ["start", "after_synapses", "end"])
def test_network_operations_are_sources_too(when):
    """An operation runs between two chunks of the compiled loop, inside a step: its change is
    recorded in that step, and the step's two parts are one record."""
    net, G, M, spikes, C = forum_network(record=[0, 1, 2])

    @network_operation(dt=1 * ms, when=when, name="kick")
    def kick():
        G.v[0] = G.v[0] + 0.05

    net.add(kick)
    initial = np.asarray(G.v)[C.record].copy()
    net.run(20 * ms)
    assert C.sources[-1] == "kick" and len(C.sources) == 5
    assert len(C.t) == 200 and not np.any(np.isnan(C.t_))
    np.testing.assert_allclose(C.t_, np.arange(200) * 1e-4, rtol=0, atol=1e-15)
    if when != "start":  # in start, the kick runs before the StateMonitor ('kick' < 'statemonitor')
        assert_total_is_the_change(C, M, rows=C.record)
    kicks = np.asarray(C.delta["kick"])
    np.testing.assert_allclose(kicks[0, ::10], 0.05, rtol=1e-12)
    assert np.all(kicks[0, np.arange(200) % 10 != 0] == 0)
    assert np.all(kicks[1:] == 0)
    np.testing.assert_allclose(np.asarray(C.cumulative())[:, -1], np.asarray(G.v)[C.record] - initial,
                               rtol=0, atol=1e-12)


# -- every combination of writers: the split adds up, and the monitor changes nothing ----------

WRITERS = ("delta", "set", "post", "poisson", "reset", "runner", "event", "operation")


def _combination_network(writers: tuple[str, ...], monitor: bool) -> tuple:
    seed(7)
    events = {"low": "v < 0.2"} if "event" in writers else None
    G = NeuronGroup(20, "dv/dt = (0.8 - v)/(10*ms) : 1 (unless refractory)", threshold="v > 1",
                    reset="v = 0.1" if "reset" in writers else None, refractory=1 * ms, method="exact",
                    events=events, name="cells")
    G.v = "rand()"
    objects = [G]
    if "event" in writers:
        G.run_on_event("low", "v += 0.05")
    if "delta" in writers:
        S = Synapses(G, G, "w : 1", on_pre="v += w", delay=0.7 * ms, name="delta")
        S.connect(p=0.3)
        S.w = "0.2*rand() - 0.05"
        S.delay = "0.3*ms*j"
        objects.append(S)
    if "set" in writers:
        S = Synapses(G[:10], G[10:], "w : 1", on_pre="v = w", name="setter")
        S.connect(p=0.3)
        S.w = "0.5*rand()"
        objects.append(S)
    if "post" in writers:
        S = Synapses(G, G, on_post="v_pre -= 0.01", name="backwards")
        S.connect(p=0.2)
        objects.append(S)
    if "poisson" in writers:
        objects.append(PoissonInput(G[5:], "v", N=50, rate=100 / second, weight=0.02, name="drive"))
    if "runner" in writers:
        objects.append(G.run_regularly("v = 0.9*v + 0.05", dt=0.5 * ms, when="after_synapses", name="runner"))
    if "operation" in writers:
        @network_operation(dt=2 * ms, when="before_resets", name="operation")
        def operation():
            G.v[3] = G.v[3] + 0.1
        objects.append(operation)
    M = StateMonitor(G, "v", record=True, when="before_start")
    spikes = SpikeMonitor(G)
    objects += [M, spikes]
    C = ContributionMonitor(G, "v", record=[0, 3, 7, 12, 19]) if monitor else None
    if C is not None:
        objects.append(C)
    return Network(*objects), G, M, spikes, C


_rng = np.random.default_rng(14)
COMBINATIONS = [tuple(w for w in WRITERS if _rng.random() < 0.5) for _ in range(5)] + [WRITERS]


@pytest.mark.slow
@pytest.mark.parametrize("writers", COMBINATIONS, ids=["+".join(c) or "ode" for c in COMBINATIONS])
def test_any_combination_of_writers_adds_up_and_changes_nothing(writers):
    results = {}
    for monitor in (False, True):
        start_scope()
        net, G, M, spikes, C = _combination_network(writers, monitor)
        net.run(30 * ms)
        results[monitor] = (np.asarray(spikes.i).copy(), np.asarray(spikes.t_).copy(), np.asarray(M.v).copy())
    for without, with_ in zip(results[False], results[True]):
        np.testing.assert_array_equal(without, with_)
    expected = {"delta": "delta: on_pre", "set": "setter: on_pre", "post": "backwards: on_post",
                "poisson": "drive", "reset": "cells: reset", "runner": "runner", "event": "cells: on low",
                "operation": "operation"}
    assert sorted(C.sources) == sorted(["cells: state update", *(expected[w] for w in writers)])
    assert_total_is_the_change(C, M, rows=C.record)
