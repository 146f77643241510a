"""Every rand()/randn()/poisson() in one kernel is its own draw (a fixed bug: each line
numbered its calls from 0, so two lines drew the same number)."""
from __future__ import annotations

import numpy as np
import pytest

from neurogen import *


def test_rand_in_two_equations_and_two_reset_lines_are_different_numbers():
    start_scope()
    G = NeuronGroup(1000, """dx/dt = rand()/ms : 1
                             dy/dt = rand()/ms : 1
                             a : 1
                             b : 1""", threshold="True", reset="a = rand()\nb = randn()", method="euler")
    G.a = "rand()"  # one-off assignments: other numbers again
    run(0.1 * ms)
    x, y, a, b = G.x[:], G.y[:], G.a[:], G.b[:]
    assert not np.any(x == y) and not np.any(a == b)
    # independent: correlations within 4/sqrt(n)
    for u, w in ((x, y), (a, b), (x, a)):
        assert abs(np.corrcoef(u, w)[0, 1]) < 4 / np.sqrt(len(u))


def test_a_subexpression_drawing_random_numbers_needs_constant_over_dt():
    """Brian2 refuses it without the flag (each use would draw anew; before, each statement
    silently drew its own value); with the flag, see tests/test_features_functions.py."""
    with pytest.raises(EquationError, match="constant over dt"):
        NeuronGroup(2, "r = rand() : 1\nv : 1")


def test_connect_expressions_may_use_poisson_timed_arrays_and_dt():
    start_scope()
    seed(3)
    G = NeuronGroup(100, "v : 1")
    stim = TimedArray([0.2, 0.9], dt=1 * ms)
    S = Synapses(G, G)
    S.connect(n="poisson(2)")
    assert abs(len(S) - 2 * 100 * 100) < 4 * np.sqrt(2 * 100 * 100)
    S2 = Synapses(G, G)
    S2.connect(condition="stim(1*ms) > 0.5 and dt > 0*ms and i == j")
    assert np.array_equal(S2.i[:], np.arange(100)) and np.array_equal(S2.j[:], np.arange(100))
