"""Custom events (issue 13, part 4): ``NeuronGroup(events=...)``, ``run_on_event``,
``set_event_schedule``, ``EventMonitor``, ``Synapses(on_event=...)``.

Expected values were computed with Brian2 2.9.0 (the oracle) for the same scripts and are
hard-coded. Brian2's semantics checked there: a custom event is tested in ``after_thresholds``
(after the spike's test, so it sees ``not_refractory`` of this step) unless moved; its code runs
in its own slot (``after_resets`` by default; in ``start`` it acts on the previous step's
events); refractoriness blocks only the spike's test; an EventMonitor records right after the
event's test (same slot, order + 1); pathways of one Synapses may listen to different events.
"""
from __future__ import annotations

import numpy as np
import pytest

import neurogen
from neurogen import (EventMonitor, NeuronGroup, SpikeGeneratorGroup, SpikeMonitor, StateMonitor, Synapses, ms,
                      run)
from neurogen.errors import NotAConditionError
from runtime_device import DEVICES, on_device as _on_device

def _slots_script():
    G = NeuronGroup(2, """dx/dt = 1/ms : 1 (unless refractory)
                          y : 1
                          c : 1""", threshold="x > 0.95", reset="x = 0", refractory=0.25 * ms,
                    events={"g": "x > 0.45", "h": "x > 0.45", "f": "not_refractory", "always": "x >= 0"})
    G.x = [0, 0.3]
    G.set_event_schedule("g", when="before_groups")       # tested before the state update
    G.run_on_event("always", "y = y*10 + 1", when="after_resets")
    G.run_on_event("f", "c += 1", when="start")           # acts on the f events of the previous step
    G.run_on_event("h", "x += 0.05", when="before_resets")
    Mg = EventMonitor(G, "g", variables=["x"])             # records right after the test: before_groups
    Mh = EventMonitor(G, "h", variables="x", when="end")
    Mf = EventMonitor(G, "f")
    Sp = SpikeMonitor(G, "x")
    M = StateMonitor(G, ["x", "c"], record=True, when="end")
    run(1.5 * ms)

    def results():
        return dict(g=(Mg.i[:], Mg.t / ms, Mg.x), h=(Mh.i[:], Mh.t / ms, Mh.x), f=(Mf.i[:], Mf.t / ms),
                    f_count=Mf.count, f_num=Mf.num_events, sp=(Sp.i[:], Sp.t / ms, Sp.x),
                    x0=M.x[0], c=(M.c[0], M.c[1]), y=G.y[:], g_count=Mg.count, g_x=Mg.values("x")[0])
    return results


@pytest.mark.parametrize("device", DEVICES)
def test_when_slots_of_event_tests_and_code_as_brian2(device, tmp_path):
    r = _on_device(device, tmp_path, _slots_script)
    close = lambda a, b: np.allclose(np.asarray(a, float), b, rtol=0, atol=1e-9)  # noqa: E731
    # Brian2 2.9:
    assert list(r["g"][0]) == [1, 1, 1, 0, 0, 0, 1, 1, 1, 0]
    assert close(r["g"][1], [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 1.1, 1.2, 1.3, 1.4])
    assert close(r["g"][2], [0.55, 0.7, 0.85, 0.55, 0.7, 0.85, 0.55, 0.7, 0.85, 0.55])
    assert list(r["h"][0]) == [1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 1, 0, 1, 0]
    assert close(r["h"][1], [0.1, 0.2, 0.3, 0.4, 0.4, 0.5, 0.6, 0.7, 1.0, 1.1, 1.2, 1.3, 1.3, 1.4])
    assert close(r["h"][2], [0.55, 0.7, 0.85, 0.55, 0.0, 0.7, 0.85, 0.0, 0.55, 0.7, 0.85, 0.55, 0.0, 0.7])
    assert list(r["f"][0]) == [0, 1, 0, 1, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0]
    assert close(r["f"][1], [0.0, 0.0, 0.1, 0.1, 0.2, 0.2, 0.3, 0.3, 0.4, 0.5, 0.6, 0.6, 0.7, 0.8, 0.9, 0.9,
                             1.0, 1.0, 1.1, 1.1, 1.2, 1.2, 1.3, 1.4])
    assert list(r["f_count"]) == [13, 11] and r["f_num"] == 24
    assert list(r["sp"][0]) == [1, 0, 1] and close(r["sp"][1], [0.4, 0.7, 1.3]) and close(r["sp"][2], [0.95] * 3)
    assert close(r["x0"], [0.1, 0.2, 0.3, 0.4, 0.55, 0.7, 0.85, 0.0, 0.0, 0.1, 0.2, 0.3, 0.4, 0.55, 0.7])
    assert close(r["c"][0], [0, 1, 2, 3, 4, 5, 6, 7, 7, 7, 8, 9, 10, 11, 12])
    assert close(r["c"][1], [0, 1, 2, 3, 4, 4, 4, 5, 6, 7, 8, 9, 10, 11, 11])
    # 'always' fires in every step, refractory or not: refractoriness is the spike's only
    assert close(r["y"], [111111111111111.0] * 2)
    assert list(r["g_count"]) == [4, 6] and close(r["g_x"], [0.55, 0.7, 0.85, 0.55])


def _example_script():
    """Brian2's advanced/custom_events.py with a deterministic input instead of a PoissonGroup
    (and a delay on the custom pathway)."""
    times = np.array([1, 3, 4, 6, 7, 8, 10, 11, 12, 13, 15, 16, 17, 18, 19,
                      30, 31, 32, 33, 34, 35, 36, 37, 38, 39]) * ms
    inp = SpikeGeneratorGroup(1, np.zeros(len(times), int), times)
    G = NeuronGroup(1, """dv/dt = (g-v)/(5*ms) : 1
                          dg/dt = -g/(10*ms) : 1
                          allow_gspike : boolean""", threshold="v>1",
                    reset="v = 0; g = 0; allow_gspike = True;",
                    events={"gspike": "g>1 and allow_gspike", "end_gspike": "g<1 and not allow_gspike"})
    G.run_on_event("gspike", "allow_gspike = False")
    G.run_on_event("end_gspike", "allow_gspike = True")
    H = NeuronGroup(1, """dx/dt = -x/(10*ms) : 1
                          dy/dt = -y/(10*ms) : 1""")
    Sin = Synapses(inp, G, on_pre="g += 0.5")
    Sin.connect()
    S = Synapses(G, H, on_pre={"pre": "x += 1", "gpath": "y += 1"}, on_event={"pre": "spike", "gpath": "gspike"},
                 delay={"gpath": 1 * ms})
    S.connect()
    Mgspike = EventMonitor(G, "gspike", "g")
    Mend = EventMonitor(G, "end_gspike")
    Mspike = SpikeMonitor(G, "v")
    MH = StateMonitor(H, ("x", "y"), record=True)
    G.allow_gspike = True
    run(60 * ms)
    return lambda: (Mgspike.t / ms, Mgspike.g, Mend.t / ms, Mspike.t / ms, MH.x[0][::50], MH.y[0][::50])


@pytest.mark.parametrize("device", DEVICES)
def test_custom_events_example_as_brian2(device, tmp_path):
    gspike, g, end, spike, x, y = _on_device(device, tmp_path, _example_script)
    close = lambda a, b: np.allclose(np.asarray(a, float), b, rtol=0, atol=2e-6)  # noqa: E731
    # Brian2 2.9 (printed to 6 decimals):
    assert close(gspike, [4.1, 12.1, 19.1, 31.1, 36.1])
    assert close(g, [1.309665, 1.348234, 1.348234, 1.349022, 1.348234])
    assert close(end, [22.1]) and close(spike, [8.3, 16.1, 33.3, 39.5])
    assert close(x, [0.0, 0.0, 0.852144, 0.516851, 0.997348, 0.604922, 0.366904, 1.074682, 1.612617, 0.978102,
                     0.593249, 0.359824])
    assert close(y, [0.0, 0.0, 0.618783, 1.210581, 0.734255, 1.064131, 0.645428, 1.147256, 1.45163, 0.880458,
                     0.534025, 0.323902])


def test_events_with_random_conditions_draw_their_own_numbers():
    G = NeuronGroup(1000, "", events={"a": "rand() < 0.5", "b": "rand() < 0.5"})
    Ma, Mb = EventMonitor(G, "a"), EventMonitor(G, "b")
    run(0.1 * ms)
    assert 400 < Ma.num_events < 600 and 400 < Mb.num_events < 600
    assert set(Ma.i) != set(Mb.i)


def test_the_spike_event_and_its_code():
    """events={'spike': ...} is the threshold; run_on_event('spike', ...) is a reset in its own slot."""
    G = NeuronGroup(1, "dv/dt = 1/ms : 1", events={"spike": "v > 0.25"})
    G.run_on_event("spike", "v = 0")
    M = SpikeMonitor(G)
    run(1 * ms)
    assert G.events == {"spike": "v > 0.25"} and G.event_codes == {"spike": "v = 0"}
    assert np.allclose(M.t / ms, [0.2, 0.5, 0.8])


def test_bad_events_are_refused_as_brian2():
    with pytest.raises(ValueError, match="both a threshold and a 'spike' event"):
        NeuronGroup(1, "v : 1", threshold="v > 1", events={"spike": "v > 1"})
    with pytest.raises(TypeError, match="event name"):
        NeuronGroup(1, "v : 1", events={"1x": "v > 1"})
    with pytest.raises(NotAConditionError, match=r"events\['e'\]"):
        NeuronGroup(1, "v : 1", events={"e": "v + 1"})
    G = NeuronGroup(1, "v : 1", events={"e": "v > 1"})
    with pytest.raises(ValueError, match="unknown event 'x'"):
        G.run_on_event("x", "v = 0")
    with pytest.raises(ValueError, match="threshold"):
        G.run_on_event("spike", "v = 0")
    G.run_on_event("e", "v = 0")
    with pytest.raises(ValueError, match="already been added"):
        G.run_on_event("e", "v = 1")
    with pytest.raises(ValueError, match="unknown event"):
        G.set_event_schedule("x")
    with pytest.raises(ValueError, match="scheduling slot"):
        G.set_event_schedule("e", when="sometimes")
    with pytest.raises(ValueError, match="does not define an event 'x'"):
        EventMonitor(G, "x")
    with pytest.raises(ValueError, match="order"):
        EventMonitor(G, "e", order=2)
    with pytest.raises(TypeError):  # Brian2 2.9's SpikeMonitor has no event= (EventMonitor has)
        SpikeMonitor(G, event="e")
    with pytest.raises(ValueError, match="does not define an event 'x'"):
        Synapses(G, G, on_pre="v += 1", on_event="x")
    H = NeuronGroup(1, "v : 1", threshold="v > 1")
    with pytest.raises(ValueError, match="'.*' does not define an event 'e'"):
        Synapses(G, H, on_post="v_pre += 1", on_event={"post": "e"})  # the target's events trigger on_post


def test_moving_an_event_test_is_a_new_build():
    """The slot of an event's test is part of the model's key: a cached build of the same model
    with the test elsewhere must not be reused."""
    def first_event(move: bool):
        neurogen.start_scope()
        G = NeuronGroup(1, "dx/dt = 1/ms : 1", events={"g": "x > 0.25"})
        if move:
            G.set_event_schedule("g", when="before_groups")  # before the state update
        M = EventMonitor(G, "g", "x", when="end")  # the same monitor in both
        run(0.5 * ms)
        return float(M.t[0] / ms), float(M.x[0])

    assert np.allclose(first_event(False), (0.2, 0.3))
    assert np.allclose(first_event(True), (0.3, 0.4))


def test_events_of_subgroups_are_those_of_the_group():
    """An EventMonitor of a subgroup and a pathway from a subgroup see the group's events (the
    monitor records right after the test, as for a whole group; Brian2 2.9 records a subgroup's
    custom events in the 'thresholds' slot, a step late: a deliberate difference)."""
    G = NeuronGroup(4, "dv/dt = (1+i)/ms : 1", events={"e": "v > 0.5"})
    G.run_on_event("e", "v = 0")
    part, whole = EventMonitor(G[2:4], "e", "v"), EventMonitor(G, "e", "v")
    H = NeuronGroup(2, "n : 1")
    S = Synapses(G[1:3], H, on_pre="n_post += 1", on_event="e")
    S.connect(j="i")
    run(1 * ms)
    keep = whole.i >= 2
    assert list(part.i) == list(whole.i[keep] - 2)
    assert np.allclose(part.t / ms, whole.t[keep] / ms) and np.allclose(part.v, whole.v[keep])
    assert list(H.n) == [3, 5]  # Brian2 2.9


def test_a_postsynaptic_pathway_on_a_custom_event_with_a_delay():
    src = NeuronGroup(2, "v : 1", threshold="v > 1")
    G = NeuronGroup(3, "dv/dt = (1 + i)/ms : 1", events={"e": "v > 0.5"})
    G.run_on_event("e", "v = 0")
    S = Synapses(src, G, "w : 1", on_pre="v_post += 0", on_post="w += 1", on_event={"post": "e"},
                 delay={"post": 0.2 * ms})
    S.connect()
    run(1 * ms)
    assert list(S.w) == [1, 2, 4, 1, 2, 4]  # Brian2 2.9
