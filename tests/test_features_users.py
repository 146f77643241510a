"""Scripts as a new user writes them (issue 13 features), compared with Brian2 2.9's numbers.

Each case was found by running the same script under Brian2 2.9 and neurogen; the expected
values are Brian2's (hard-coded: the tests do not need Brian2).
"""
from __future__ import annotations

import numpy as np
import pytest

from neurogen import NeuronGroup, SpikeMonitor, StateMonitor, Synapses, linked_var, ms, run, set_device
from runtime_device import back_to_runtime

#: v of B's first neuron over the first steps, when B's state update runs before A's (it sees
#: A's y of the step before) and after it (it sees this step's y); Brian2 2.9's values
B_FIRST = [0.0, 0.0, 0.005, 0.01475, 0.0290125]
A_FIRST = [0.0, 0.005, 0.01475, 0.0290125, 0.047561875]


def _linked(names: tuple[str, str] | None) -> StateMonitor:
    kwargs = ({"name": names[0]}, {"name": names[1]}) if names else ({}, {})
    A = NeuronGroup(3, "dy/dt = (i+1)/ms : 1", method="euler", **kwargs[0])
    B = NeuronGroup(6, "dv/dt = (x - v)/(2*ms) : 1\nx : 1 (linked)", method="euler", **kwargs[1])
    B.x = linked_var(A, "y", index=[0, 0, 1, 1, 2, 2])
    M = StateMonitor(B, "v", record=[0])
    run(0.5 * ms)
    return M


@pytest.mark.parametrize("names, expected", [
    (("zeta", "alpha"), B_FIRST),
    (("alpha", "zeta"), A_FIRST),
    (("grp", "grp_b"), B_FIRST),  # 'grp_b_stateupdater' < 'grp_stateupdater'
    (("grp", "grp_z"), A_FIRST),  # 'grp_z_stateupdater' > 'grp_stateupdater'
    (("grp", "grp_1"), B_FIRST),  # as default names: 'neurongroup_1_stateupdater' runs first
])
def test_state_updates_of_a_slot_run_in_the_order_of_brian2s_code_object_names(names, expected):
    """Brian2 sorts a slot's code objects by their own names, not their groups' names: a
    group named 'neurongroup_1' updates before 'neurongroup' (it read the linked variable one
    step later than Brian2 did, a silent difference in every script with two default-named groups)."""
    M = _linked(names)
    np.testing.assert_allclose(M.v[0], expected, rtol=1e-12, atol=0)


def test_a_standalone_program_orders_the_state_updates_as_brian2(tmp_path):
    set_device("cpp_standalone", directory=tmp_path / "project")
    try:
        M = _linked(("grp", "grp_1"))
        values = np.asarray(M.v[0])
    finally:
        back_to_runtime()
    np.testing.assert_allclose(values, B_FIRST, rtol=1e-12, atol=0)


def _runners_reading_links() -> tuple:
    H = NeuronGroup(4, "y : 1", name="linked_to")
    H.y = [1.0, 2.0, 4.0, 8.0]
    one = NeuronGroup(1, "s : 1", name="one")
    one.s = 0.5
    G = NeuronGroup(3, "x : 1 (linked)\nz : 1 (linked)\na : 1\nb : 1", name="reader")
    G.x = linked_var(H, "y", index=[3, 0, 2])
    G.z = linked_var(one, "s")
    G.run_regularly("a = 10*x + i + z")
    G[1:].run_regularly("b = x + N", when="end")
    return H, one, G


def test_run_regularly_code_reads_linked_variables():
    """Brian2 runs 'a = 10*x' with x linked (found by a user script: the runner's C++ did not
    declare the linked name, a compiler error)."""
    H, one, G = _runners_reading_links()
    run(0.2 * ms)
    y = np.array([1.0, 2.0, 4.0, 8.0])[[3, 0, 2]]
    np.testing.assert_array_equal(G.a[:], 10 * y + np.arange(3) + 0.5)
    np.testing.assert_array_equal(G.b[:], [0.0, y[1] + 2, y[2] + 2])


def test_a_standalone_program_runs_run_regularly_on_linked_variables(tmp_path):
    set_device("cpp_standalone", directory=tmp_path / "project")
    try:
        H, one, G = _runners_reading_links()
        run(0.2 * ms)
        a, b = np.asarray(G.a[:]), np.asarray(G.b[:])
    finally:
        back_to_runtime()
    y = np.array([1.0, 2.0, 4.0, 8.0])[[3, 0, 2]]
    np.testing.assert_array_equal(a, 10 * y + np.arange(3) + 0.5)
    np.testing.assert_array_equal(b, [0.0, y[1] + 2, y[2] + 2])


@pytest.mark.parametrize("make", [
    lambda G: SpikeMonitor(G),
    lambda G: Synapses(G, G, on_pre="v += 1"),
    lambda G: Synapses(G, G, on_post="v += 1"),
])
def test_a_group_without_threshold_as_a_spike_source_is_brian2s_value_error(make):
    """Brian2 raises ValueError ("does not define an event 'spike'"); a script's
    ``except ValueError`` must catch ours too (it was a bare NeurogenError)."""
    G = NeuronGroup(2, "v : 1")
    with pytest.raises(ValueError, match="no threshold"):
        make(G)


def test_a_partial_read_is_a_copy_and_a_whole_read_a_view_as_in_brian2():
    """``b = G.v[:2]`` keeps the values of that moment in Brian2 (only ``G.v[:]`` of a whole
    group or Synapses is a view that follows later runs); it changed with the next run here."""
    G = NeuronGroup(4, "dv/dt = 1/ms : 1", method="euler")
    S = Synapses(G, G, "w : 1")
    S.connect()
    whole, part, sub, sub_part = G.v[:], G.v[:2], G[1:3].v[:], G[1:3].v[:1]
    plain_part, synapses_whole, synapses_part = G.v_[1:], S.w[:], S.w[:2]
    run(0.5 * ms)
    S.w = 3.0
    np.testing.assert_allclose(np.asarray(whole), 0.5)
    np.testing.assert_allclose(np.asarray(synapses_whole), 3.0)
    for copied in (part, sub, sub_part, plain_part, synapses_part):
        np.testing.assert_array_equal(np.asarray(copied), 0.0)
