"""Brian2 features not supported yet raise NotImplementedError naming them (never silently
behave differently), and smaller Brian2 behaviours the review checked."""
from __future__ import annotations

import numpy as np
import pytest

from neurogen import *


def _run(G):
    run(0.1 * ms)


def test_white_noise_needs_a_stochastic_method():
    """Noise is supported (tests/test_noise.py); a method that cannot integrate it says so."""
    G = NeuronGroup(1, "dv/dt = -v/(10*ms) + xi/sqrt(ms) : 1", method="rk4")
    with pytest.raises(EquationError, match=r"'rk4' cannot integrate dv/dt.*white noise \(xi\)"):
        _run(G)


def test_user_functions_are_not_supported_yet():
    def stimulus(t):
        return 0.0

    G = NeuronGroup(1, "dv/dt = (stimulus(t) - v)/(10*ms) : 1")
    with pytest.raises(NotImplementedError, match="stimulus"):
        run(0.1 * ms)


def test_unknown_function_is_an_equation_error():
    G = NeuronGroup(1, "dv/dt = (nowhere(t) - v)/(10*ms) : 1")
    with pytest.raises(EquationError, match="nowhere"):
        _run(G)


def test_subgroups_with_a_step_are_not_supported_yet():
    G = NeuronGroup(10, "v : 1", threshold="v > 1")
    with pytest.raises(NotImplementedError, match="step"):
        G[::2]


def test_threshold_may_be_a_boolean_variable():
    G = NeuronGroup(4, "fire : boolean", threshold="fire", reset="fire = False")
    G.fire = [True, False, True, False]
    M = SpikeMonitor(G)
    run(0.3 * ms)
    assert list(M.i) == [0, 2]


def test_repeated_indices_in_a_string_assignment_apply_once():
    G = NeuronGroup(3, "x : 1")
    G.x = 1.0
    G.x[[1, 1]] = "x + 1"
    assert list(np.asarray(G.x)) == [1.0, 2.0, 1.0]


def test_spike_monitors_need_a_group_that_spikes():
    G = NeuronGroup(2, "v : 1")
    with pytest.raises(NeurogenError, match="threshold"):
        SpikeMonitor(G)
    with pytest.raises(NeurogenError, match="threshold"):
        PopulationRateMonitor(G)


def test_int_needs_a_dimensionless_argument():
    G = NeuronGroup(1, "v : volt\nn = int(v) : 1")
    with pytest.raises(DimensionMismatchError, match="int"):
        _run(G)


def test_recorded_booleans_and_integers_keep_their_type():
    G = NeuronGroup(2, "flag : boolean\nn : integer")
    G.flag = [True, False]
    G.n = [3, 4]
    S = StateMonitor(G, ["flag", "n"], record=True)
    run(0.2 * ms)
    assert S.flag.dtype == bool and S.flag[0].tolist() == [True, True]
    assert S.n.dtype.kind == "i" and S.n[1].tolist() == [4, 4]


def test_object_names_do_not_enter_the_front_end_key():
    """A sweep that rebuilds a group under new names reuses one manifest (no cold path)."""
    from neurogen.compiled import cache

    def entries():
        return {e.key for e in cache.entries()}

    G = NeuronGroup(2, "dv/dt = -v/(13*ms) : 1", name="first_name")
    run(0.1 * ms)
    before = entries()
    start_scope()
    H = NeuronGroup(2, "dv/dt = -v/(13*ms) : 1", name="second_name")
    run(0.1 * ms)
    assert entries() == before


def test_devices_and_options_not_supported_yet_raise_not_implemented():
    with pytest.raises(NotImplementedError, match="cuda_standalone"):
        set_device("cuda_standalone")
    with pytest.raises(NotImplementedError, match="debug"):
        set_device("cpp_standalone", debug=True)


def test_python_functions_in_model_code_raise_not_implemented():
    """Brian2's user functions (@implementation, Function) are not supported; TimedArray is."""
    def f(t):
        return t

    G = NeuronGroup(1, "x = f(t) : second")
    with pytest.raises(NotImplementedError, match="'f' is a Python function"):
        run(0.1 * ms)


def test_synapse_features_not_supported_yet_raise_not_implemented():
    G = NeuronGroup(2, "v : 1", threshold="v > 1")
    S = Synapses(G, G, "w : 1")
    S.connect()
    with pytest.raises(NotImplementedError, match="sample"):
        S.connect(j="k for k in sample(N_post, size=2)")


def test_equations_objects_as_in_brian2():
    eqs = Equations("""dv/dt = (I - v)/tau : volt (unless refractory)""") + "I : volt (constant)"
    assert eqs.names == ("v", "I")
    continued = Equations("dv/dt = (2*mV -\n   v)/(10*ms) : volt")  # open parenthesis continues
    assert continued.names == ("v",)
    assert Equations("dv/dt = -v/tau : 1", tau=5 * ms)["v"].expr == "-v / (0.005 * second)"  # substituted


def test_model_text_with_backslashes_and_newlines_stays_in_comments():
    G = NeuronGroup(1, "dv/dt = (2 - v)/(10*ms) : 1", threshold="v > 1  # C:\\",
                    reset="v = 0", refractory="v > 0.5 # \\")
    H = NeuronGroup(1, "dv/dt = (2 - v)/(10*ms) : 1", threshold="\n  v > 1\n", reset="v = 0")
    M, N = SpikeMonitor(G), SpikeMonitor(H)
    run(30 * ms)
    assert M.num_spikes == N.num_spikes == 4


def test_model_names_that_clash_with_group_attributes_are_refused():
    with pytest.raises(EquationError, match="attribute"):
        NeuronGroup(1, "active : 1")


def test_synaptic_code_reads_neuron_subexpressions():
    """Was a placeholder (NotImplementedError); unsuffixed I is the postsynaptic I = 2*v."""
    G = NeuronGroup(2, "dv/dt = -v/ms : 1\nI = 2*v : 1", threshold="v > 1", method="exact")
    G.v = [2, 0.5]
    S = Synapses(G, G, on_pre="v += I")
    S.connect()
    Network(G, S).run(0.1 * ms)  # neuron 0 spikes: each target once, v += 2*v
    assert np.allclose(G.v[:], 3 * np.array([2, 0.5]) * np.exp(-0.1), rtol=1e-13)
