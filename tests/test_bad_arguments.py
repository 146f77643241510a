"""Bad arguments are clear Python exceptions naming the object and what was expected, never a
raw ``AttributeError``/``IndexError`` from inside neurogen or numpy, and never silently ignored.

Exception types are Brian2 2.9's where Brian2 has one (checked with it; see each test).
"""
from __future__ import annotations

import re

import numpy as np
import pytest

from neurogen import (EquationError, Hz, Network, NeuronGroup, PopulationRateMonitor, Synapses, mV, ms,
                      prefs, run, seed)


def _group(**kwargs) -> NeuronGroup:
    return NeuronGroup(3, "v : 1\nk : integer\ns : 1 (shared)", **kwargs)


def test_a_namespace_that_is_not_a_dict_is_refused():
    """Bug: run(namespace=[1, 2]) was silently ignored, G.namespace = 'tau=5' accepted, and
    namespace='tau=5' at construction raised dict()'s ValueError."""
    G = _group()
    with pytest.raises(TypeError, match=r"run\(\): namespace must be a dict of names to values, got list"):
        run(0.1 * ms, namespace=[1, 2])
    with pytest.raises(TypeError, match="NeuronGroup 'neurongroup.*': namespace must be a dict.*got str"):
        G.namespace = "tau=5"
    with pytest.raises(TypeError, match="namespace must be a dict.*got str"):
        _group(namespace="tau=5")
    with pytest.raises(TypeError, match="namespace keys must be names"):
        _group(namespace={1: 2})
    G.namespace = {"tau": 5 * ms}  # a dict is fine
    Network(G).run(0.1 * ms, namespace={"x": 1})


def test_run_level_beyond_the_call_stack_is_a_clear_error():
    """Bug: run(level=5) from a shallow stack raised AttributeError on None.f_back (Brian2:
    IndexError); Network.run gave the interpreter's 'call stack is not deep enough'."""
    G = _group()
    with pytest.raises(ValueError, match=r"run\(level=500\): the caller has only \d+ enclosing frames"):
        run(0.1 * ms, level=500)
    with pytest.raises(ValueError, match=r"Network.run\(level=500\)"):
        Network(G).run(0.1 * ms, level=500)
    with pytest.raises(TypeError, match="whole number of frames"):
        run(0.1 * ms, level=1.5)
    with pytest.raises(ValueError, match="must not be negative"):
        run(0.1 * ms, level=-1)


def test_a_string_delay_at_construction_is_brian2s_type_error():
    """Bug: Synapses(..., delay='i*ms') failed with AttributeError '_queue'."""
    G = _group(threshold="v > 1")
    with pytest.raises(TypeError, match="delay= has to be a quantity, got the string 'i\\*ms'.*after connect"):
        Synapses(G, G, "w : 1", on_pre="v += w", delay="i*ms")


@pytest.mark.parametrize("kwargs", [dict(on_pre=["v += w"]), dict(on_pre=5), dict(on_post=["v += w"])])
def test_synaptic_code_that_is_not_a_string_is_refused(kwargs):
    """Bug: on_pre=['v+=w'] raised "'list' object has no attribute 'splitlines'" (Brian2 2.9
    silently ignores it: no synaptic effect at all)."""
    G = _group(threshold="v > 1")
    with pytest.raises(TypeError, match="on_p(re|ost): expected a string of statements"):
        Synapses(G, G, "w : 1", **kwargs)
    with pytest.raises(TypeError, match="reset: expected a string of statements"):
        _group(threshold="v > 1", reset=["v = 0"])  # Brian2: TypeError too


def test_removing_an_object_not_in_the_network_is_brian2s_key_error():
    """Bug: list.remove's 'x not in list' ValueError."""
    G, H = _group(), _group()
    net = Network(G)
    with pytest.raises(KeyError, match="is not part of the network"):
        net.remove(H)
    net.remove(G)
    assert G not in net


def test_a_network_gives_its_objects_by_name():
    """Brian2's net['name'] and del net['name'] (was "'Network' object is not subscriptable")."""
    G = _group(name="gg")
    net = Network(G)
    assert net["gg"] is G
    with pytest.raises(KeyError, match="No object with name 'xx'"):
        net["xx"]
    del net["gg"]
    assert net.objects == []


def test_order_must_be_a_number_and_is_not_truncated():
    """Bug: order='q' raised int()'s ValueError, and order=1.5 became 1 (Brian2 keeps 1.5, so
    the object runs after those of order 1)."""
    with pytest.raises(TypeError, match="NeuronGroup 'neurongroup.*': order must be a number, got 'q'"):
        _group(order="q")
    G = _group(order=1.5)
    assert G.order == 1.5
    with pytest.raises(TypeError, match="order must be a number"):
        G.order = "q"
    with pytest.raises(ValueError, match="order must be finite"):
        G.order = float("nan")
    G.order = 2.0
    assert G.order == 2 and isinstance(G.order, int)


@pytest.mark.parametrize("value", ["abc", float("nan"), 1.5, 2.0])
def test_seed_must_be_an_integer(value):
    """Bug: seed('abc') and seed(nan) raised int()'s ValueError, seed(1.5) silently was seed(1);
    Brian2 raises TypeError ('Seed has to be None or an integer')."""
    with pytest.raises(TypeError, match="seed has to be None or an integer"):
        seed(value)
    seed(np.int64(3))
    seed(None)


@pytest.mark.parametrize("value, error", [("four", TypeError), (-3, ValueError), (2.5, TypeError),
                                          (True, TypeError)])
def test_openmp_threads_must_be_a_whole_number(value, error):
    """Bug: any value was accepted (and 'four' failed only at the standalone build)."""
    with pytest.raises(error, match="prefs.devices.cpp_standalone.openmp_threads"):
        prefs.devices.cpp_standalone.openmp_threads = value
    assert prefs.devices.cpp_standalone.openmp_threads == 0


def test_an_integer_too_large_for_a_double_is_named():
    """Bug: 'external 'big' must be a scalar number or quantity, got int' for 10**400."""
    G = _group()
    big = 10**400  # noqa: F841  (read by the assignment)
    with pytest.raises(TypeError, match="external 'big' is an integer of 401 digits, too large for a double"):
        G.v = "big"


@pytest.mark.parametrize("expression, operator", [("i ^ 3", "'^' (bitwise xor; use '**' for powers)"),
                                                  ("~i", "'~' (bitwise not)"), ("i & 3", "'&'"),
                                                  ("i << 1", "'<<'"), ("i | 3", "'|'")])
def test_bit_operators_are_named_in_the_error(expression, operator):
    """Bug: "'' is not allowed in a model expression" (the operator unparses to nothing)."""
    G = _group()
    with pytest.raises(EquationError, match=f"the operator {re.escape(operator)}.* is not part of the model "
                                            "language"):
        G.k = expression


def test_a_string_expression_for_a_shared_variable_says_what_brian2_does():
    """Brian2 accepts G.s = 'rand()' (only shared values); the message said 'Brian2 refuses this
    too'. It still says so for a reset, where Brian2 does refuse."""
    G = _group()
    with pytest.raises(NotImplementedError, match="shared variable 's' is not supported yet .Brian2 accepts"):
        G.s = "rand()"
    G.s = 0.5  # a number is fine
    assert G.s[0] == 0.5


@pytest.mark.parametrize("index", [(0, 1), (0, slice(None)), ([0, 1], [1, 2])])
def test_synaptic_variables_by_pre_and_post_index_select_those_synapses(index):
    """Bug: numpy's 'too many indices' IndexError for S.w[0, 1]; Brian2 selects the synapses
    from any of the presynaptic to any of the postsynaptic neurons given (in synapse order)."""
    G = _group()
    S = Synapses(G, G, "w : 1")
    S.connect()
    pre, post = (np.atleast_1d(np.arange(G.N)[k]) for k in index)
    chosen = np.isin(S.i, pre) & np.isin(S.j, post)
    S.w[index] = 1
    assert np.array_equal(S.w[:], chosen.astype(float))
    assert np.array_equal(S.w[index], np.ones(chosen.sum()))
    with pytest.raises(IndexError, match="takes one index"):
        G.v[0, 1]


def test_a_neurongroup_too_large_for_memory_or_int32_is_named():
    """Bug: numpy's _ArrayMemoryError (or, below the memory limit, a group whose indices
    overflow int32 in the compiled code)."""
    with pytest.raises(ValueError, match="NeuronGroup 'neurongroup.*': N = 10000000000000 is more than the "
                                         "2\\*\\*31 - 2 neurons"):
        NeuronGroup(10**13, "v : 1")
    from neurogen.objects.validation import available_memory

    available = available_memory()
    if available is None or available > 2**31 * 8 * 4:
        pytest.skip("this machine has the memory for the largest group")
    with pytest.raises(MemoryError, match="NeuronGroup 'neurongroup.*': the state of 2000000000 neurons needs"):
        NeuronGroup(2 * 10**9, "v : 1\nw : 1\nx : 1")


@pytest.mark.parametrize("terms", [250, 5000])
def test_an_expression_nested_too_deeply_is_an_equation_error_naming_the_line(terms):
    """Bug: RecursionError from Python's parser, the unit checker or sympy for a long sum."""
    G = _group()
    long_sum = " + ".join(["v"] * terms)
    with pytest.raises(EquationError, match=r"assignment 'k = v \+ v .*nested too deeply.*subexpressions"):
        G.k = long_sum
    H = NeuronGroup(1, f"v : 1\ndx/dt = ({long_sum})/second : 1")
    with pytest.raises(EquationError, match=r"NeuronGroup 'neurongroup.*', line 2: 'dx/dt = .*nested too deeply"):
        Network(H).run(0.1 * ms)
    G.k = " + ".join(["v"] * 150)  # well within the limit: compiled and run
    assert np.all(G.k[:] == 0)


@pytest.mark.parametrize("window, width, error", [
    ("gaussian", 1 * mV, "DimensionMismatchError"), ("flat", 1, "DimensionMismatchError"),
    ("gaussian", -1 * ms, "ValueError"), ("flat", -1 * ms, "ValueError"), ("gaussian", 0 * ms, "ValueError"),
    ("gaussian", np.nan * ms, "ValueError"), ("gaussian", np.inf * ms, "ValueError")])
def test_smooth_rate_width_must_be_a_positive_time(window, width, error):
    """Bug: width=1*mV was taken as 0.001 s; a negative width raised 'the window must be a 1-d
    array' or numpy's 'negative dimensions'; NaN/inf int()'s errors; 0 gave NaN rates.
    Brian2 raises DimensionMismatchError for the units."""
    G = _group(threshold="True", reset="")
    M = PopulationRateMonitor(G)
    Network(G, M).run(1 * ms)
    with pytest.raises(Exception, match="smooth_rate: width must be") as info:
        M.smooth_rate(window, width=width)
    assert type(info.value).__name__ == error
    assert np.allclose(M.smooth_rate("flat", width=0 * ms), 10000 * Hz, atol=0 * Hz)  # one step: the rate itself


def test_generator_syntax_for_i_is_not_supported_yet():
    """Brian2 supports connect(i='k for k in ...', j=...); it was 'i must hold integer indices'."""
    G = _group()
    S = Synapses(G, G)
    with pytest.raises(NotImplementedError, match="generator syntax for i= .Brian2 supports it. is not supported"):
        S.connect(i="k for k in range(3) if k != j")
    assert len(S) == 0

