"""Code that runs through a subgroup ``G[a:b]`` sees the subgroup's ``i`` and ``N``, as in Brian2.

Expected values are Brian2 2.9's (numpy target) for the same statements.
"""
from __future__ import annotations

import numpy as np
import pytest

from neurogen import NeuronGroup, PoissonInput, ms, run


def _group() -> NeuronGroup:
    return NeuronGroup(10, "z : 1\ns = i + 100*N : 1\nb = i > 1 : boolean")


def test_a_string_assignment_through_a_subgroup_uses_its_i_and_N():
    G = _group()
    G[4:6].z = "i + 100*N"
    assert np.array_equal(G.z[:], [0, 0, 0, 0, 200, 201, 0, 0, 0, 0])  # Brian2 2.9
    G.z = 0
    G[2:8][1:3].z = "i + 100*N"  # a subgroup of a subgroup: positions 3 and 4 of G
    assert np.array_equal(G.z[:], [0, 0, 0, 200, 201, 0, 0, 0, 0, 0])  # Brian2 2.9
    G.z = "i + 100*N"  # the whole group: unchanged
    assert np.array_equal(G.z[:], np.arange(10) + 1000)


def test_an_indexed_string_assignment_through_a_subgroup_uses_its_i_and_N():
    G = _group()
    H = G[2:5]
    H.z[1:] = "i + 100*N"
    assert np.array_equal(G.z[:], [0, 0, 0, 301, 302, 0, 0, 0, 0, 0])
    G.z = 0
    H.z["i>0"] = 1  # the condition's i is the subgroup's too
    assert np.array_equal(G.z[:], [0, 0, 0, 1, 1, 0, 0, 0, 0, 0])  # Brian2 2.9
    H.z["s > 1002"] = 5  # ... while a subexpression's stays the group's
    assert np.array_equal(G.z[:], [0, 0, 0, 5, 5, 0, 0, 0, 0, 0])  # Brian2 2.9
    assert np.array_equal(H.z["b"], [0, 5, 5])  # Brian2 2.9


def test_subexpressions_read_through_a_subgroup_keep_the_groups_i_and_N():
    G = _group()
    H = G[2:5]
    assert np.array_equal(H.s, [1002, 1003, 1004])  # Brian2 2.9: the subexpression belongs to G
    assert np.array_equal(H.b, [True, True, True])
    H.z = "s"  # substituted with G's i and N, as Brian2 does
    assert np.array_equal(G.z[:], [0, 0, 1002, 1003, 1004, 0, 0, 0, 0, 0])
    H.z = "s + i"  # ... while the assignment's own i is the subgroup's
    assert np.array_equal(G.z[:], [0, 0, 1002, 1004, 1006, 0, 0, 0, 0, 0])


def test_get_states_of_a_subgroup_is_its_range():
    G = _group()
    G.z = "i"
    states = G[2:5].get_states(["z", "N", "i", "s"])
    assert np.array_equal(states["z"], [2, 3, 4]) and states["N"] == 3
    assert np.array_equal(states["i"], [0, 1, 2]) and np.array_equal(states["s"], [1002, 1003, 1004])
    states["z"][0] = 99  # a copy
    assert G.z[2] == 2
    assert np.array_equal(G[2:5].get_states()["z"], [2, 3, 4])


def test_a_poissoninput_onto_a_subgroup_sees_its_N():
    K = NeuronGroup(6, "u : 1")
    P = PoissonInput(K[2:4], "u", N=1, rate="1/dt", weight="1000*N + 100 + i")  # one spike per step
    run(0.1 * ms)
    assert np.array_equal(K.u[:], [0, 0, 2100, 2101, 0, 0])  # Brian2 2.9
