"""Object names as Brian2 accepts them: ASCII identifiers, optionally ending in '*' (then a
unique name is made from it). A name with a space once made a standalone plan the program
could not read."""
from __future__ import annotations

import pytest

from neurogen import *


@pytest.mark.parametrize("name", ["my group", "a**", "*", "1abc", "τ", "", "x.y", "a-b", "ok\n"])
def test_object_names_must_be_identifiers_as_in_brian2(name):
    with pytest.raises(ValueError, match="not a valid name"):
        NeuronGroup(1, "v : 1", name=name)


def test_a_trailing_star_asks_for_a_unique_name_as_in_brian2():
    assert NeuronGroup(1, "v : 1", name="cells*").name == "cells"
    assert NeuronGroup(1, "v : 1", name="cells*").name == "cells_1"
    assert NeuronGroup(1, "v : 1", name="_x9").name == "_x9"
    with pytest.raises(TypeError):
        NeuronGroup(1, "v : 1", name=3)
    G = NeuronGroup(2, "v : 1")
    with pytest.raises(ValueError, match="not a valid name"):
        SpikeMonitor(G, name="spikes of G")
    with pytest.raises(ValueError, match="not a valid name"):
        TimedArray([1, 2], dt=1 * ms, name="a b")
