"""Lowering without a compiler: the kernels of real objects, executed statement by statement
(``kernel_execution``), compute what the model means, checked against analytic values."""
from __future__ import annotations

import math

import pytest

from kernel_execution import condition, execute
from neurogen import NeuronGroup, PoissonInput, Synapses, ms, mV
from neurogen.compiler.lower.network import lower_network
from neurogen.frontend.namespace import resolve_externals

TAU, V0 = 0.01, -0.05  # second, volt


def _lowered(*objects, namespace=None):
    externals = {id(o): resolve_externals(o, None, namespace or {}) for o in objects}
    return lower_network(list(objects), externals)


def _kernel(network, member, when):
    found = [k for o in network.objects if o.member == member for k in o.kernels if k.when == when]
    assert len(found) == 1, [(k.name, k.when) for o in network.objects for k in o.kernels]
    return found[0]


def _stores(kernel, values):
    return dict(zip((name for name, _ in kernel.stores), execute(kernel, values)))


def _lif():
    return NeuronGroup(4, "dv/dt = (v0 - v)/tau : volt (unless refractory)\nv0 : volt",
                       threshold="v > -50*mV", reset="v = -60*mV", refractory=2 * ms, method="exact",
                       namespace={"tau": TAU * 1000 * ms})


def test_an_exact_lif_update_is_the_analytic_solution_and_frozen_while_refractory():
    network = _lowered(_lif())
    update = _kernel(network, "group0", "groups")
    dt, v = 1e-4, -0.07
    values = {"v_": v, "v0_": V0, "dt_": dt, "tau_": TAU, "t_": 0.0, "lastspike_": -1e4,
              "not_refractory_": True, "_refractory": 0.002}
    stored = _stores(update, values)
    assert stored["v"] == pytest.approx(V0 + (v - V0) * math.exp(-dt / TAU), rel=1e-14)
    # 1 ms after a spike, with refractory=2*ms: v keeps its value
    assert _stores(update, {**values, "t_": 0.001, "lastspike_": 0.0, "not_refractory_": False})["v"] == v


@pytest.mark.parametrize("v, since_spike, fires", [(-0.049, 1e4, True), (-0.051, 1e4, False),
                                                    (-0.049, 1e-4, False)])
def test_the_threshold_fires_above_it_unless_refractory(v, since_spike, fires):
    threshold = _kernel(_lowered(_lif()), "group0", "thresholds")
    values = {"v_": v, "v0_": V0, "dt_": 1e-4, "t_": 0.01, "lastspike_": 0.01 - since_spike,
              "not_refractory_": since_spike > 0.002, "_refractory": 0.002}
    assert condition(threshold, values) is fires


def test_the_reset_sets_the_value_in_volt():
    reset = _kernel(_lowered(_lif()), "group0", "resets")
    assert _stores(reset, {"v_": -0.04, "v0_": V0, "dt_": 1e-4, "t_": 0.0})["v"] == pytest.approx(-0.06, rel=1e-15)


def test_a_delta_synapse_adds_its_weight_to_the_postsynaptic_variable():
    G = _lif()
    H = NeuronGroup(2, "v : volt")
    S = Synapses(G, H, "w : volt", on_pre="v_post += 2*w")
    network = _lowered(G, H, S)
    pathway = _kernel(network, "synapses2", "synapses")
    values = {"v_post_": -0.065, "w_": 0.0005, "dt_": 1e-4, "t_": 0.0}
    assert _stores(pathway, values)["v_post"] == pytest.approx(-0.064, rel=1e-15)


def test_poisson_input_draws_weight_times_binomial_n_rate_dt():
    """``var += weight * Binomial(N, rate*dt)`` (Brian2's PoissonInput): the probability is
    rate*dt, the count has N trials, and the target grows by weight times the count."""
    G = NeuronGroup(3, "v : volt")
    P = PoissonInput(G, "v", N=40, rate=250 * ms ** -1 / 1000, weight=0.5 * mV)
    kernel = _kernel(_lowered(G, P), "poissoninput1", "synapses")
    statements = {s.target: s for s in kernel.hoisted + kernel.statements}
    printed = {name: str(statement.expr) for name, statement in statements.items()}
    assert set(printed) >= {"_p", "_k", "v"}
    values = {"dt_": 1e-4, "_rate": 250.0, "_weight": 0.0005, "t_": 0.0, "N_": 40, "_n_sources": 40}
    env = dict(values)
    assert float(_evaluate(statements["_p"], kernel, env)) == pytest.approx(250.0 * 1e-4, rel=1e-14)
    assert "binomial" in printed["_k"] and "_n_sources" in printed["_k"] and "_p" in printed["_k"]
    env["_k"], env["v_"] = 3.0, -0.07
    assert float(_evaluate(statements["v"], kernel, env)) == pytest.approx(-0.07 + 3 * 0.0005, rel=1e-14)


def _evaluate(statement, kernel, env):
    from cpp_expression import evaluate_cpp
    from neurogen.compiler.printer import print_expr

    ints = kernel.integer_names | {l.local for l in kernel.loads if l.ctype != "double"}
    return evaluate_cpp(print_expr(statement.expr, ints), env)


def test_a_subclass_of_neurongroup_is_lowered_as_one():
    class MyGroup(NeuronGroup):
        pass

    G = MyGroup(4, "dv/dt = (v0 - v)/tau : volt\nv0 : volt", threshold="v > -50*mV", reset="v = -60*mV",
                method="exact", namespace={"tau": TAU * 1000 * ms})
    update = _kernel(_lowered(G), "group0", "groups")
    dt, v = 1e-4, -0.07
    assert _stores(update, {"v_": v, "v0_": V0, "dt_": dt, "tau_": TAU, "t_": 0.0})["v"] == pytest.approx(
        V0 + (v - V0) * math.exp(-dt / TAU), rel=1e-14)
