"""Numbers generated code stores in integer and boolean variables.

Bug: ``x = int(y)`` with y = 3e9 (or NaN) into an integer variable wrapped around (undefined
behaviour in C++; Brian2 silently stores -2147483648). Now a number the variable cannot hold
stores 0 and is reported: a string assignment raises (as assigning it from Python does) and
leaves the variable as it was; a reset or synaptic code warns after the run, naming the object,
the variable, the value and the element.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from neurogen import *


def test_a_string_assignment_of_a_number_too_large_raises_and_assigns_nothing():
    G = NeuronGroup(3, "x : integer\ny : 1")
    G.x = [4, 5, 6]
    G.y = [1.5, 3e9, -2.5]
    with pytest.raises(OverflowError, match=r"integer variable 'x' cannot hold 3000000000.0 \(element 1\)"):
        G.x = "int(y)"
    assert list(G.x) == [4, 5, 6]
    G.y = [np.nan, 1, 2]
    with pytest.raises(ValueError, match="cannot hold nan"):
        G.x = "y"
    G.y = [1.9, -2.9, 2**31 - 1]
    G.x = "y"  # truncated toward zero, as Python's int() and Brian2
    assert list(G.x) == [1, -2, 2**31 - 1]
    G.y = [-2.0**31, 0, 0]
    G.x = "y"
    assert G.x[0] == -2**31


def test_a_reset_writing_a_number_too_large_warns_and_stores_zero():
    G = NeuronGroup(3, "x : integer\ny : 1", threshold="True", reset="x = int(y)")
    G.y = [3e9, 5.5, -7.9]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run(0.3 * ms)
    messages = [str(w.message) for w in caught if "integer variable" in str(w.message)]
    assert len(messages) == 1
    assert "'x'" in messages[0] and "3000000000.0" in messages[0] and "element 0" in messages[0]
    assert "3 number(s)" in messages[0]  # once per step
    assert list(G.x) == [0, 5, -7]


def test_synaptic_code_writing_integers_is_checked_too():
    G = NeuronGroup(2, "x : integer\ny : 1", threshold="True")
    S = Synapses(G, G, "w : 1\ncount : integer", on_pre="x_post = int(w*y_pre)")
    S.connect(i=[0, 1], j=[1, 0])
    S.w = [1.0, 1e10]
    G.y = [2.5, 1.0]
    with pytest.warns(RuntimeWarning, match="integer variable 'x_post' could not be held"):
        run(0.1 * ms)
    assert list(G.x) == [0, 2]


def test_summing_into_an_integer_variable_is_not_supported_yet():
    G = NeuronGroup(2, "x : integer")
    S = Synapses(G, G, "w : 1\nx_post = w : integer (summed)")
    S.connect()
    with pytest.raises(NotImplementedError, match="summed.*int32"):
        run(0.1 * ms)


def test_booleans_take_any_number_but_zero_as_true():
    """As Python's bool() (and Brian2's numpy target): 0.5 and NaN are true, 0 is false."""
    G = NeuronGroup(4, "b : boolean\ny : 1")
    G.y = [0.5, 0.0, np.nan, -2.0]
    G.b = "y"
    assert list(G.b) == [True, False, True, True]
    G.b = "y > 0"
    assert list(G.b) == [True, False, False, False]


def test_a_standalone_program_reports_the_same(tmp_path):
    set_device("cpp_standalone", directory=tmp_path / "project")
    try:
        G = NeuronGroup(3, "x : integer\ny : 1", threshold="True", reset="x = int(y)")
        G.y = [3e9, 5.5, -7.9]
        with pytest.warns(RuntimeWarning, match=r"integer variable 'x' could not be held.*3000000000.0"):
            run(0.3 * ms)
        assert list(G.x) == [0, 5, -7]
    finally:
        device.reinit()
        set_device("runtime")


def test_a_standalone_program_reports_state_that_became_nan(tmp_path):
    """The runtime warns after each run about variables that became NaN or infinite; a
    standalone program's results did not."""
    set_device("cpp_standalone", directory=tmp_path / "project")
    try:
        G = NeuronGroup(2, "dv/dt = v/second : 1\nw : 1", method="euler")
        G.v = [1.0, np.nan]
        with pytest.warns(RuntimeWarning, match="v is nan for neuron 1"):
            run(0.2 * ms)
    finally:
        device.reinit()
        set_device("runtime")
