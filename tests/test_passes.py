"""The IR passes (hoisting, loop invariants, pruning), without a compiler: a kernel computes the
same stores before and after them.

Kernels come from lowering real groups with random reset programs and ODEs (the code the
passes meet in practice); both versions are executed statement by statement on random values
(printed, then evaluated by C++'s grammar, ``cpp_expression``) and must store the same numbers.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from kernel_execution import execute
from model_strategies import numeric, statements
from neurogen import *
from builtins import all, any, sum  # the star import gives numpy's, as Brian2's does
from neurogen.compiler.ir import MatrixExp
from neurogen.compiler.lower.network import lower_network
from neurogen.frontend.namespace import resolve_externals
from neurogen.compiler.passes import hoist, hoist_invariants, prune
from neurogen.compiler.printer import cpp_name

NAMES = ("v", "w", "c1", "k")
MODEL = "v : 1\nw : 1\nk : integer\nr0 : 1\nr1 : 1"


def _kernels(group):
    externals = {id(group): resolve_externals(group, None, {"c1": 1.25})}
    return {k.name.split("_", 1)[1]: k for k in lower_network([group], externals).objects[0].kernels}


def _values(rng):
    values = {cpp_name(n): float(rng.uniform(0.2, 3) * rng.choice([-1, 1])) for n in ("v", "w", "r0", "r1", "c1")}
    values.update(k_=int(rng.integers(-4, 5)), i_=3, N_=7, t_=0.002, dt_=1e-4, lastspike_=-1e4,
                  not_refractory_=True, _refractory=0.0)
    return values


def _same_before_and_after(kernel, rng):
    for apply in (hoist, hoist_invariants, prune, lambda k: prune(hoist_invariants(hoist(k)))):
        changed = apply(kernel)
        for _ in range(3):
            values = _values(rng)
            before, after = execute(kernel, values), execute(changed, values)
            np.testing.assert_allclose(after, before, rtol=1e-12, atol=1e-300, equal_nan=True)


@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(statements(("r0", "r1"), NAMES, 4), numeric(NAMES, 6), numeric(NAMES, 6))
def test_passes_keep_what_reset_and_state_update_kernels_compute(program, rhs_v, rhs_w):
    start_scope()
    reset = "\n".join(f"{t} {op} {text}" for t, op, text in program)
    try:
        group = NeuronGroup(7, MODEL.replace("v : 1\nw : 1", f"dv/dt = ({rhs_v})/second : 1\n"
                                            f"dw/dt = ({rhs_w})/second : 1"),
                            threshold="True", reset=reset, method="rk4")
        kernels = _kernels(group)
    except EquationError as error:  # a constant division by zero: refused on purpose
        assert "division by zero" in str(error) or "too large" in str(error)
        return
    rng = np.random.default_rng(0)
    for name in ("stateupdate", "resetter"):
        _same_before_and_after(kernels[name], rng)


@pytest.mark.parametrize("model, method", [
    ("dv/dt = -v/tau + c1/tau : 1\ndw/dt = (v - w)/tau2 : 1", "exact"),
    ("dv/dt = (w - v)/tau : 1\ndw/dt = -w/tau2 : 1", "exact"),
    ("dv/dt = -(v - c1)/tau : 1\ndw/dt = -w/tau2 + v/tau : 1", "exponential_euler"),
])
def test_passes_keep_exact_and_exponential_euler_updates(model, method):
    group = NeuronGroup(3, model, method=method, namespace={"tau": 10 * ms, "tau2": 5 * ms, "c1": 1.5})
    externals = {id(group): resolve_externals(group, None, {})}
    kernel = lower_network([group], externals).objects[0].kernels[0]
    values = {"v_": 0.7, "w_": -0.3, "dt_": 1e-4, "tau_": 0.01, "tau2_": 0.005, "c1_": 1.5, "t_": 0.0}
    before = execute(kernel, values)
    after = execute(run_passes_kernel(kernel), values)
    np.testing.assert_allclose(after, before, rtol=1e-12)
    # the per-step work (exp(-dt/tau), the matrix exponential) left the loop
    assert not any(isinstance(s, MatrixExp) for s in run_passes_kernel(kernel).statements)


def run_passes_kernel(kernel):
    return prune(hoist_invariants(hoist(kernel)))


def test_prune_drops_unused_temporaries_and_loads():
    group = NeuronGroup(2, "dv/dt = -v/(10*ms) : 1\nw : 1", method="euler", threshold="v > 1",
                        reset="w = 2*v\nv = 0")
    kernels = _kernels(group)
    pruned = prune(kernels["stateupdate"])
    assert {l.local for l in pruned.loads} == {"v", "dt"}
