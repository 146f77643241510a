"""Unit mistakes in models raise DimensionMismatchError before any code is generated."""
from __future__ import annotations

import pytest

from neurogen import *

tau = 10 * ms
v_th = 15 * mV


def _run_model(model, **kwargs):
    G = NeuronGroup(1, model, **kwargs)
    run(0.1 * ms)
    return G


@pytest.mark.parametrize("model, kwargs, culprit", [
    ("dv/dt = -v : volt", {}, "dv/dt = -v : volt"),                       # missing /tau
    ("dv/dt = -v/tau + 1 : volt", {}, "dv/dt = -v/tau + 1 : volt"),       # volt/second + 1
    ("dv/dt = -v/tau : volt\nx = v*2 : second", {}, "x = v*2 : second"),  # subexpression unit
    ("dv/dt = -v/tau : volt", {"threshold": "v > 5"}, "threshold"),       # volt vs 1
    ("dv/dt = -v/tau : volt", {"threshold": "v > v_th", "reset": "v = 5*second"}, "v = 5*second"),
    ("dv/dt = -v/tau : volt", {"threshold": "v > v_th", "reset": "v *= 2*mV"}, "v *= 2*mV"),
    ("dv/dt = exp(v)/tau : 1", {}, None),                                  # fine: dimensionless
])
def test_dimension_mismatches_name_the_model_line(model, kwargs, culprit):
    if culprit is None:
        _run_model(model, **kwargs)
        return
    with pytest.raises(DimensionMismatchError) as info:
        _run_model(model, **kwargs)
    assert culprit in str(info.value)


def test_function_argument_must_be_dimensionless():
    with pytest.raises(DimensionMismatchError, match="exp"):
        _run_model("dv/dt = exp(v)/tau : volt")


def test_zero_has_any_unit_as_in_brian2():
    _run_model("dv/dt = -v/tau : volt", threshold="v > 0", reset="v = 0")


def test_assignments_are_unit_checked():
    G = NeuronGroup(2, "v : volt")
    with pytest.raises(DimensionMismatchError):
        G.v = 5 * second
    with pytest.raises(DimensionMismatchError):
        G.v = "5*second"
    with pytest.raises(DimensionMismatchError):
        G.v = 3  # a plain number other than 0 is dimensionless
    G.v = "5*mV + 0*volt"
    assert float(G.v[1]) == pytest.approx(5e-3)


def test_external_constant_with_wrong_units():
    G = NeuronGroup(1, "dv/dt = -v/tau_wrong : volt")
    tau_wrong = 10 * mV  # noqa: F841  (read by run() from this frame)
    with pytest.raises(DimensionMismatchError, match="dv/dt"):
        run(0.1 * ms)


def test_refractory_must_be_time_or_condition():
    with pytest.raises(DimensionMismatchError):
        NeuronGroup(1, "v : volt", threshold="v > v_th", refractory=5 * mV)


def test_scaled_unit_in_equation_is_rejected_with_a_hint():
    with pytest.raises(EquationError, match="volt"):
        NeuronGroup(1, "dv/dt = -v/tau : mV")


@pytest.mark.parametrize("model, message", [
    ("dv/dt = -v/tau", "unit"),
    ("dv/dt = -v/tau : volt (unknown flag)", "unknown flag"),
    ("v : volt\nv : volt", "defined twice"),
    ("dt : second", "reserved"),
    ("dv/dt = -v/tau : volt (summed)", "summed"),
    ("dv/dt = (-v/tau : volt", "syntax"),
])
def test_malformed_equations_raise_clear_errors(model, message):
    with pytest.raises(EquationError, match=message):
        _run_model(model)


def test_unknown_function_is_named():
    with pytest.raises(EquationError, match="frobnicate"):
        _run_model("dv/dt = frobnicate(v)/tau : 1")


@pytest.mark.parametrize("model, name, what", [
    ("dv/dt = -v/(10*ms) : 1\nms : second", "ms", "unit"), ("mV = 3 : 1", "mV", "unit"),
    ("dmV/dt = 3/second : 1", "mV", "unit"), ("volt : 1", "volt", "unit"), ("kHz : 1", "kHz", "unit"),
    ("msecond : 1", "msecond", "unit"), ("cm2 : 1", "cm2", "unit"),
    ("pi : 1", "pi", "function or constant"), ("exp : 1", "exp", "function or constant")])
def test_a_model_name_that_is_a_unit_function_or_constant_is_refused(model, name, what):
    """Bug: 'ms : second' was accepted and silently changed the meaning of 10*ms in the model
    (it became 10 times the variable). Brian2 raises SyntaxError ("'ms' is the name of a unit,
    cannot be used as a variable name"), also for Synapses."""
    with pytest.raises(SyntaxError, match=f"'{name}' is (the name of a|a) {what}.*, it cannot be used as a variable"):
        NeuronGroup(3, model)
    with pytest.raises(EquationError):  # and a malformed model
        Synapses(NeuronGroup(1, "x : 1"), NeuronGroup(1, "y : 1"), model)
