"""Rendering without a compiler: objects of one structure share one struct type and one
function per kernel, called once per object (compile time grows with the distinct
structures, not the objects). No model names are looked for in the C++ (they are renamed)."""
from __future__ import annotations

import re

import numpy as np

from neurogen import *
from builtins import all, any, sum  # the star import gives numpy's, as Brian2's does
from neurogen.compiler.lower.network import lower_network
from neurogen.frontend.namespace import resolve_externals
from neurogen.compiler.passes import run_passes
from neurogen.compiler.render import render_network

LIF = """dv/dt = (v0 - v)/tau : volt (unless refractory)
         v0 : volt"""


def _render(objects, namespace=None):
    externals = {id(o): resolve_externals(o, None, namespace or {}) for o in objects}
    return render_network(run_passes(lower_network(objects, externals)))


def _definitions(code):
    """Names of the kernel functions defined in network.cpp."""
    return re.findall(r"static void (\w+)\(\[\[maybe_unused\]\] Network& _net", code)


def _calls(code, function):
    """The objects each call of ``function`` serves, as tuples of members: a direct call
    (``f(net, net.group0, step, t)``) or a loop over a table with one row per object."""
    direct = [tuple(re.findall(r"net\.(\w+)", args))
              for args in re.findall(rf"\b{function}\(net, ((?:net\.\w+, )+)", code)]
    tables = re.findall(rf"// {function} for \d+ objects, in schedule order\n.*?\n((?:\s+\{{.*\}},\n)+)", code)
    rows = [tuple(re.findall(r"&Network::(\w+)", row)) for table in tables for row in table.splitlines()]
    return direct + rows


def _lif_group(n=10, **names):
    return NeuronGroup(n, LIF, threshold="v > -50*mV", reset="v = -60*mV", refractory=5 * ms,
                       method="exact", namespace={"tau": 20 * ms, **names})


def test_two_groups_of_one_model_share_each_kernel_and_their_struct():
    G = _lif_group()
    one = _render([G, SpikeMonitor(G)])  # a reference: one group, one monitor
    start_scope()
    G1, G2 = _lif_group(10), _lif_group(25, tau=5 * ms)  # sizes and values are bound at run time
    objects = [G1, G2, SpikeMonitor(G1), SpikeMonitor(G2)]
    files = _render(objects)
    code = files["network.cpp"]
    assert len(_definitions(code)) == len(_definitions(one["network.cpp"])) == 4  # update, threshold, reset, record
    for function in _definitions(code):
        calls = _calls(code, function)
        assert len(calls) == 2 and calls[0] != calls[1]  # once for each object
        assert "[[gnu::noinline]] static void " + function in code  # one body, not 2 inlined copies
    assert _calls(code, "group0_stateupdate") == [("group0",), ("group1",)]
    assert _calls(code, "spikemonitor2_record") == [("spikemonitor2", "group0"), ("spikemonitor3", "group1")]
    header = files["network.hpp"]
    assert re.findall(r"^struct (\w+) \{", header, re.M) == ["Group0", "Spikemonitor2", "Network"]
    members = re.findall(r"^    (\w+) (\w+);$", header.split("struct Network {")[1], re.M)
    assert members == [("Group0", "group0"), ("Group0", "group1"), ("Spikemonitor2", "spikemonitor2"),
                       ("Spikemonitor2", "spikemonitor3")]


def test_rendering_a_network_twice_gives_the_same_code_and_a_single_object_is_not_noinline():
    files = _render([_lif_group()])
    assert files == _render([_lif_group()])
    assert "noinline" not in files["network.cpp"]


def test_different_models_get_their_own_kernels():
    G1 = _lif_group()
    G2 = NeuronGroup(10, LIF, threshold="v > -40*mV", reset="v = -60*mV", refractory=5 * ms,
                     method="exact", namespace={"tau": 20 * ms})
    code = _render([G1, G2])["network.cpp"]
    # same struct and state update; the thresholds differ (-50 mV, -40 mV), the reset is shared
    assert _definitions(code) == ["group0_stateupdate", "group0_thresholder", "group0_resetter",
                                  "group1_thresholder"]
    assert _calls(code, "group0_thresholder") == [("group0",)]
    assert _calls(code, "group1_thresholder") == [("group1",)]


def test_synapses_of_one_model_share_kernels_between_different_groups():
    groups = [_lif_group() for _ in range(4)]
    synapses = []
    for k, (pre, post) in enumerate(((0, 1), (2, 3), (1, 1))):
        # named: the schedule orders a slot by name, and automatic names depend on earlier tests
        S = Synapses(groups[pre], groups[post], "w : volt", on_pre="v_post += w", name=f"synapses_{k}")
        S.connect(i=np.arange(3), j=np.arange(3))
        synapses.append(S)
    code = _render([*groups, *synapses])["network.cpp"]
    pathway = [f for f in _definitions(code) if f.startswith("synapses")]
    assert pathway == ["synapses4_pre", "synapses4_pre_prepare", "synapses4_pre_finish"]
    # each call names its own synapses, presynaptic and postsynaptic group
    assert _calls(code, "synapses4_pre") == [("synapses4", "group0", "group1"), ("synapses5", "group2", "group3"),
                                             ("synapses6", "group1", "group1")]
    assert sorted(_calls(code, "synapses4_pre_prepare")) == [("synapses4",), ("synapses5",), ("synapses6",)]


def test_another_object_of_a_known_structure_adds_only_table_rows():
    """bind, the step loop and the record accessors loop over tables of the objects of one
    structure: an object adds a row to each table, no code (the compiler's time grows with
    the length of a function, faster than linearly)."""
    groups = [_lif_group() for _ in range(30)]
    files = _render([*groups, *(SpikeMonitor(G) for G in groups)])
    code = files["network.cpp"]
    mentions = [line.strip() for line in code.splitlines() if re.search(r"\bgroup17\b", line)]
    # the bind table; the tables of the state update, threshold, reset and monitor calls
    assert len(mentions) == 5 and all(m.startswith("{&Network::") for m in mentions), mentions
    assert [line.strip() for line in files["network.hpp"].splitlines()
            if re.search(r"\bgroup17\b", line)] == ["Group0 group17;"]


# -- random draws and template options are decided in lowering, typed (issue 11, part 3) ----

def _kernels(objects):
    externals = {id(o): resolve_externals(o, None, {}) for o in objects}
    network = run_passes(lower_network(objects, externals))
    return {k.name.split("_", 1)[1]: k for o in network.objects for k in o.kernels}


def test_lowering_decides_draw_ranges_and_the_random_functions_each_kernel_calls():
    from neurogen.compiler.lower.common import DRAW_BASES

    G = NeuronGroup(3, """dv/dt = -v/(10*ms) + xi*(10*ms)**-0.5 : 1
                          u : 1""", threshold="rand() < 0.5", reset="u = poisson(2.0)*randn()",
                    method="euler")
    kernels = _kernels([G])
    update, threshold, reset = kernels["stateupdate"], kernels["thresholder"], kernels["resetter"]
    assert update.random_functions == frozenset() and update.noise_base == DRAW_BASES["noise"] << 20
    assert threshold.random_functions == {"rand"} and threshold.draw_base == DRAW_BASES["threshold"] << 20
    assert reset.random_functions == {"poisson", "randn"} and reset.draw_base == DRAW_BASES["reset"] << 20
    assert reset.noise_base is None
    assert len({update.draw_base, threshold.draw_base, reset.draw_base, update.noise_base}) == 4
    H = NeuronGroup(3, "v : 1", threshold="v > 1", reset="v = 0")
    assert all(not k.random and k.random_functions == frozenset() for k in _kernels([H]).values())


def test_a_random_draw_that_is_pruned_needs_no_helper():
    from neurogen.compiler.ir import Assign
    from neurogen.compiler.ir import sym
    from neurogen.compiler.lower.common import ObjectContext, build_kernel, random_functions
    from neurogen.compiler.passes import prune
    from neurogen.compiler.symbolic import rand

    G = NeuronGroup(1, "v : 1")
    ctx = ObjectContext(G, "group0", {}, {id(G): "group0"})
    kernel = build_kernel(ctx, name="k", template="vector", when="groups", order=0, access={},
                          statements=[Assign("_unused", rand(0), declare=True)])
    assert kernel.random_functions == {"rand"} and kernel.random
    assert prune(kernel).random_functions == frozenset()
    assert random_functions([Assign("x", sym("a") + rand(0))]) == {"rand"}


def test_a_template_reads_options_that_must_exist():
    import dataclasses

    import jinja2
    import pytest

    from neurogen.compiler.ir import ThresholdOptions

    G = _lif_group()
    externals = {id(G): resolve_externals(G, None, {})}
    network = run_passes(lower_network([G], externals))
    obj = network.objects[0]
    threshold = next(k for k in obj.kernels if k.template == "threshold")
    assert threshold.options == ThresholdOptions(refractory=True)
    broken = dataclasses.replace(obj, kernels=tuple(dataclasses.replace(k, options=None) if k is threshold else k
                                                    for k in obj.kernels))
    with pytest.raises(jinja2.UndefinedError, match="refractory"):
        render_network(dataclasses.replace(network, objects=(broken,)))
