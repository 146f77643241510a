"""Linked variables (issue 13, part 6): ``x : 1 (linked)`` and ``G.x = linked_var(H, 'y', index=...)``.

Brian2's semantics: the linked name reads the other group's variable itself, at the moment the
code runs (no copy), element by element, through an index array, through an index variable, or
one element for all (a one-element group, a shared variable). The values every kernel saw are
compared with the linked group's own records (plain numpy indexing of them is the reference).
The error types and messages were checked against Brian2 2.9.
"""
from __future__ import annotations

import numpy as np
import pytest

from neurogen import (DimensionMismatchError, EquationError, NeuronGroup, SpikeMonitor, StateMonitor, Synapses,
                      kHz, linked_var, ms, mV, run, set_device)
from runtime_device import back_to_runtime

STEPS = 10
RATES = np.array([1.0, 2.0, 3.0, 4.0])  # kHz: y grows by 0.1*rate per 0.1 ms step
INDEX_ARRAY = [3, 0, 0, 2, 1]
INDEX_VARIABLE = [1, 3, 3]
PRE, POST = [0, 1, 2, 3, 1], [0, 1, 2, 3, 4]


def _network() -> dict:
    """Every kind of link, read by a state update, a threshold, a monitor and synaptic code."""
    H = NeuronGroup(4, "dy/dt = rate : 1\nrate : Hz (constant)\nz = 2*y + 1 : 1\ns : 1 (shared)",
                    method="euler", order=-1, name="linked_to")
    H.rate = RATES * kHz
    H.s = 0.25
    # element by element; the threshold reads the link too
    G = NeuronGroup(4, "x : 1 (linked)\ndv/dt = x/ms : 1", threshold="x > 0.55", reset="v = 0",
                    method="euler", name="by_element")
    G.x = linked_var(H, "y")
    # a subexpression, through an index array; an upper-case name sorts before the index local
    # '_lnk_X_index_post' that synaptic code loads first
    G2 = NeuronGroup(5, "X : 1 (linked)\ndv/dt = X/ms : 1", method="euler", name="by_array")
    G2.X = linked_var(H, "z", index=INDEX_ARRAY)
    G3 = NeuronGroup(3, "x : 1 (linked)\nk : integer\ndv/dt = x/ms : 1", method="euler", name="by_variable")
    G3.k = INDEX_VARIABLE
    G3.x = linked_var(H, "y", index="k")
    G4 = NeuronGroup(3, "x : 1 (linked)\nw : 1 (linked)\nu = x + w : 1", name="one_element")
    G4.x = linked_var(H[2:3], "y")  # a one-element subgroup: its element for all
    G4.w = linked_var(H.s)           # a shared variable
    G5 = NeuronGroup(2, "x : 1 (linked)", name="of_subgroup")
    G5.x = linked_var(H[1:3].y)
    S = Synapses(G, G2, "w : 1\nq : 1 (linked)", on_pre="w += x_pre + 10*X_post + 100*q", name="reads_links")
    S.connect(i=PRE, j=POST)
    S.q = linked_var(H, "y", index="i")
    monitors = {"H": StateMonitor(H, ["y", "z"], record=True), "G": StateMonitor(G, ["x", "v"], record=True),
                "G2": StateMonitor(G2, ["X", "v"], record=True), "G3": StateMonitor(G3, ["x", "v"], record=True),
                "G4": StateMonitor(G4, ["x", "w", "u"], record=True), "G5": StateMonitor(G5, "x", record=True),
                "S": StateMonitor(S, ["q", "x_pre", "X_post"], record=True), "spikes": SpikeMonitor(G)}
    return {"H": H, "S": S, "groups": [G, G2, G3, G4, G5], **{f"M{k}": m for k, m in monitors.items()}}


def _results(net: dict) -> dict:
    names = {"MH": ["y", "z"], "MG": ["x", "v"], "MG2": ["X", "v"], "MG3": ["x", "v"], "MG4": ["x", "w", "u"],
             "MG5": ["x"], "MS": ["q", "x_pre", "X_post"]}
    out = {f"{m}.{v}": np.asarray(getattr(net[m], v)) for m, variables in names.items() for v in variables}
    out.update({"y_end": np.asarray(net["H"].y), "w": np.asarray(net["S"].w),
                "spike_i": np.asarray(net["Mspikes"].i), "spike_t": np.asarray(net["Mspikes"].t / ms)})
    return out


def _check_against_the_linked_groups_records(r: dict) -> None:
    y, z = r["MH.y"], r["MH.z"]
    assert y.shape == (4, STEPS)
    np.testing.assert_allclose(y, RATES[:, None] * 0.1 * np.arange(STEPS), rtol=1e-12)
    # every monitor read the link at the same moment as H's monitor read H
    np.testing.assert_array_equal(r["MG.x"], y)
    np.testing.assert_array_equal(r["MG2.X"], z[INDEX_ARRAY])
    np.testing.assert_array_equal(r["MG3.x"], y[INDEX_VARIABLE])
    np.testing.assert_array_equal(r["MG4.x"], np.broadcast_to(y[2], (3, STEPS)))
    np.testing.assert_array_equal(r["MG4.w"], np.full((3, STEPS), 0.25))
    np.testing.assert_array_equal(r["MG4.u"], r["MG4.x"] + 0.25)
    np.testing.assert_array_equal(r["MG5.x"], y[1:3])
    np.testing.assert_array_equal(r["MS.q"], y[PRE])
    np.testing.assert_array_equal(r["MS.x_pre"], y[PRE])
    np.testing.assert_array_equal(r["MS.X_post"], z[INDEX_ARRAY][POST])
    # the state updates (after H's, order -1) integrated the value H had just reached
    after = np.concatenate([y[:, 1:], r["y_end"][:, None]], axis=1)  # y after H's update of each step
    z_after = 2 * after + 1
    v2 = np.concatenate([np.zeros((5, 1)), np.cumsum(0.1 * z_after[INDEX_ARRAY], axis=1)[:, :-1]], axis=1)
    np.testing.assert_allclose(r["MG2.v"], v2, rtol=1e-12)
    v3 = np.concatenate([np.zeros((3, 1)), np.cumsum(0.1 * after[INDEX_VARIABLE], axis=1)[:, :-1]], axis=1)
    np.testing.assert_allclose(r["MG3.v"], v3, rtol=1e-12)
    # the threshold read the link: neuron k fires at every step whose y (after H's update) > 0.55
    fired = after > 0.55
    expected = sorted((step, k) for k in range(4) for step in range(STEPS) if fired[k, step])
    got = sorted(zip(np.round(r["spike_t"] / 0.1).astype(int), r["spike_i"]))
    assert got == expected
    # synaptic code read x_pre, x_post and its own link at each presynaptic spike
    w = [sum(after[i, m] + 10 * z_after[INDEX_ARRAY[j], m] + 100 * after[i, m] for m in range(STEPS) if fired[i, m])
         for i, j in zip(PRE, POST)]
    np.testing.assert_allclose(r["w"], w, rtol=1e-12)


def test_links_read_the_other_groups_current_values_in_every_kind_of_code():
    net = _network()
    run(STEPS * 0.1 * ms)
    r = _results(net)
    _check_against_the_linked_groups_records(r)
    assert len(r["spike_i"]) > 0


def test_a_standalone_program_reads_the_links_as_the_runtime_does(tmp_path):
    net = _network()
    run(STEPS * 0.1 * ms)
    runtime = _results(net)
    set_device("cpp_standalone", directory=tmp_path / "project")
    try:
        net = _network()
        run(STEPS * 0.1 * ms)
        standalone = _results(net)
    finally:
        back_to_runtime()
    _check_against_the_linked_groups_records(standalone)
    for key, values in runtime.items():
        np.testing.assert_array_equal(standalone[key], values, err_msg=key)


def test_python_reads_and_writes_go_through_the_link():
    H = NeuronGroup(4, "y : 1\nz = 2*y : 1")
    H.y = [1.0, 2.0, 3.0, 4.0]
    G = NeuronGroup(3, "x : 1 (linked)\nzz : 1 (linked)")
    G.x = linked_var(H, "y", index=[3, 1, 1])
    G.zz = linked_var(H.z, index=np.array([0, 0, 2]))
    assert list(G.x[:]) == [4.0, 2.0, 2.0]
    assert list(G.zz[:]) == [2.0, 2.0, 6.0]
    H.y = [5.0, 6.0, 7.0, 8.0]  # always the current values, never a copy
    assert list(G.x[:]) == [8.0, 6.0, 6.0]
    assert list(G.x[G.x[:] > 7]) == [8.0]
    G.x[0] = 10.0  # Brian2 writes to the linked group's variable
    assert list(H.y[:]) == [5.0, 6.0, 7.0, 10.0]
    with pytest.raises(TypeError, match="read-only|cannot be assigned"):
        G.zz[:] = 1.0


def test_a_link_to_another_groups_subexpression_in_synapses_reads_its_constants():
    """As ``homeostatic_stdp_at_inhibitory_synapes``: a Synapses variable linked to a
    subexpression (with an external constant) of a one-element group."""
    gamma = 5.0  # noqa: F841  (read by the linked subexpression, from this frame)
    H = NeuronGroup(1, "dh/dt = 1/ms : 1\ng = h - gamma : 1")
    G = NeuronGroup(2, "v : 1", threshold="True")
    S = Synapses(G, G, "g : 1 (linked)\nw : 1", on_pre="w += g")
    S.connect(i=[0, 1], j=[1, 1])
    S.g = linked_var(H, "g")
    M = StateMonitor(S, "g", record=True)
    run(0.3 * ms)
    np.testing.assert_allclose(M.g, [[-5.0, -4.9, -4.8]] * 2, rtol=1e-12)
    np.testing.assert_allclose(S.w, [-4.9 - 4.8 - 4.7] * 2, rtol=1e-12)  # pathways run after the update


# -- errors, as Brian2 2.9 raises them ----------------------------------------------------

def test_linking_is_checked_as_brian2_checks_it():
    H = NeuronGroup(5, "y : 1\nk : integer\ns : 1 (shared)\nz = 2*y : 1")
    G = NeuronGroup(3, "x : 1 (linked)\nidx : integer\nf : 1\nq : volt (linked)")
    with pytest.raises(TypeError, match="Link target for variable x has not been set"):
        G.x[:]
    with pytest.raises(ValueError, match="Cannot set a linked variable directly"):
        G.x = 3
    with pytest.raises(ValueError, match="Cannot set a linked variable directly"):
        G.x = "i * 2"
    with pytest.raises(TypeError, match="Cannot link variable 'f', it has to be marked as a linked variable"):
        G.f = linked_var(H, "y")
    with pytest.raises(ValueError, match=r"size of the target group does not match \(3 != 5\)"):
        G.x = linked_var(H, "y")
    with pytest.raises(TypeError, match="has to be an integer array"):
        G.x = linked_var(H, "y", index=[4.0, 0, 2])
    with pytest.raises(ValueError, match=r"outside of the valid range \[0, 5\["):
        G.x = linked_var(H, "y", index=[5, 0, 2])
    with pytest.raises(TypeError, match="one-dimensional array of length 3"):
        G.x = linked_var(H, "y", index=[1, 0])
    with pytest.raises(ValueError, match="Index variable 'foo' not found"):
        G.x = linked_var(H, "y", index="foo")
    with pytest.raises(TypeError, match="Index variable 'f' should be an integer parameter"):
        G.x = linked_var(H, "y", index="f")
    with pytest.raises(DimensionMismatchError, match="Unit of variable 'q' does not match its link target 'y'"):
        G.q = linked_var(H, "y", index=[0, 1, 2])
    with pytest.raises(ValueError, match="Need to provide a variable name"):
        linked_var(H)
    with pytest.raises(ValueError, match="Cannot give a variable and a variable name"):
        linked_var(H.y, "y")
    with pytest.raises(KeyError, match="no variable 'nothing'"):
        G.x = linked_var(H, "nothing", index=[0, 1, 2])
    S = Synapses(H, H, "w : 1\nx : 1 (linked)")
    S.connect(j="i")
    with pytest.raises(NotImplementedError, match="Linking to variable w is not supported"):
        G.x = linked_var(S, "w", index=[0, 1, 2])
    with pytest.raises(TypeError, match="index array for a class with dynamic size"):
        S.x = linked_var(H, "y", index=np.arange(5))
    with pytest.raises(EquationError, match="'linked' flag cannot be combined"):
        NeuronGroup(2, "x : 1 (linked, constant)")


def test_a_link_missing_or_out_of_range_at_run_time_is_an_error():
    H = NeuronGroup(2, "y : 1")
    G = NeuronGroup(3, "x : 1 (linked)\ndv/dt = x/ms : 1\nidx : integer", method="euler")
    with pytest.raises(TypeError, match="'x' has not been linked"):
        run(0.1 * ms)
    G.x = linked_var(H, "y", index="idx")
    G.idx = [0, 1, 2]  # 2 is not an element of H: never read outside its array
    with pytest.raises(IndexError, match="index variable 'idx' holds 2"):
        run(0.1 * ms)


def test_code_writing_a_linked_variable_is_refused_naming_it():
    with pytest.raises(NotImplementedError, match="writing the linked variable 'x'"):
        NeuronGroup(2, "x : 1 (linked)\nv : 1", threshold="v > 1", reset="x = 0")
    G = NeuronGroup(2, "x : 1 (linked)\nv : 1", threshold="v > 1")
    with pytest.raises(NotImplementedError, match="writing the linked variable 'x_post'"):
        Synapses(G, G, "w : 1", on_pre="x_post += 1")
    with pytest.raises(NotImplementedError, match="writing the linked variable 'q'"):
        Synapses(G, G, "q : 1 (linked)", on_pre="q += 1")


def test_string_assignments_subgroups_and_spike_monitors_read_through_the_link():
    H = NeuronGroup(3, "y : 1")
    H.y = [1.0, 2.0, 3.0]
    G = NeuronGroup(3, "x : 1 (linked)\nv : 1", threshold="True", reset="")
    G.x = linked_var(H, "y", index=[2, 0, 1])
    G.v = "10*x"
    assert list(G.v[:]) == [30.0, 10.0, 20.0]
    assert list(G[1:3].x[:]) == [1.0, 2.0]
    with pytest.raises(NotImplementedError, match="through a subgroup"):
        G[1:3].x[0] = 5.0
    S = Synapses(G, G, "w : 1", on_pre="w += 1")
    with pytest.raises(NotImplementedError, match="linked variable 'x_pre' in connect"):
        S.connect("x_pre > 1.5")
    S.connect("i != j")
    S.w = "x_pre + 10*x_post"  # (Brian2 2.9 cannot resolve x_post here; the values are the links')
    x = np.array([3.0, 1.0, 2.0])
    np.testing.assert_array_equal(S.w[:], x[S.i[:]] + 10 * x[S.j[:]])
    M = SpikeMonitor(G, variables=["x"])
    run(0.1 * ms)
    np.testing.assert_array_equal(M.x, x[M.i])
