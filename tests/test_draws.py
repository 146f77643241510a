"""Every rand()/randn()/poisson() in one kernel is its own draw (a fixed bug: each line
numbered its calls from 0, so two lines drew the same number)."""
from __future__ import annotations

import numpy as np

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
