"""TimedArray: Brian2's sample rule on aligned and non-aligned grids, 2-D f(t, i), units,
exact integration of a piecewise-constant input, values as data (no recompiling), errors."""
from __future__ import annotations

import logging

import numpy as np
import pytest

from neurogen import *

DT = 0.1 * ms


@pytest.fixture(autouse=True)
def _fresh():
    start_scope()
    defaultclock.dt = DT
    yield


def _recorded(expression, n=1, duration=1.5 * ms, **names):
    G = NeuronGroup(n, f"x = {expression} : 1", namespace=names)
    M = StateMonitor(G, "x", record=True)
    run(duration)
    return M.x[:]


@pytest.mark.parametrize("ta_dt, expected", [
    # what Brian2 2.9 recorded at t = 0, 0.1, ..., 1.4 ms for values [0, 1, 2, 3]
    (0.25 * ms, [0, 0, 0, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3]),
    (0.3 * ms, [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3]),
    (0.2 * ms, [0, 0, 1, 1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3]),
])
def test_sample_rule_matches_brian2(ta_dt, expected):
    ta = TimedArray([0.0, 1, 2, 3], dt=ta_dt)
    assert np.array_equal(_recorded("ta(t)", ta=ta)[0], expected)


def test_two_dimensional_values_per_neuron():
    ta2 = TimedArray([[0.0, 1, 2], [10, 11, 12]], dt=0.2 * ms)
    x = _recorded("ta2(t, i)", n=3, duration=0.5 * ms, ta2=ta2)
    assert np.array_equal(x, [[0, 0, 10, 10, 10], [1, 1, 11, 11, 11], [2, 2, 12, 12, 12]])


def test_step_current_integrated_exactly():
    """A 1 nA pulse from 5 to 10 ms into dv/dt = (-v + R*stim(t))/tau: the input is constant
    over each step, so 'exact' (Brian2 chooses it too) matches the analytic solution."""
    stim = TimedArray(np.r_[0, 1, 0] * nA, dt=5 * ms)
    R, tau = 10 * Mohm, 10 * ms
    H = NeuronGroup(1, "dv/dt = (-v + R*stim(t))/tau : volt")
    M = StateMonitor(H, "v", record=0)
    run(15 * ms)
    t = np.asarray(M.t / ms)
    on = np.clip(t - 5, 0, 5)
    expected = 10 * (1 - np.exp(-on / 10)) * np.exp(-np.clip(t - 10, 0, None) / 10)
    assert np.max(np.abs(np.asarray(M.v[0] / mV) - expected)) < 1e-9


def test_in_statements_and_from_python():
    ta = TimedArray([1.0, 2.0, 3.0] * mV, dt=1 * ms)
    G = NeuronGroup(2, "v : volt", threshold="v > ta(t)", reset="v = ta(t) - 5*mV")
    G.v = "ta(2*ms)"
    assert np.allclose(G.v[:] / mV, 3)
    assert np.allclose(ta([0.5, 1.5, 99] * ms) / mV, [1, 2, 3])  # clipped after the end
    run(0.1 * ms)  # v = 3 mV > 1 mV: both spike, reset to 1 - 5 = -4 mV
    assert np.allclose(G.v[:] / mV, -4)


def test_new_values_run_without_compiling(caplog):
    ta = TimedArray([1.0, 2.0], dt=1 * ms)
    G = NeuronGroup(1, "x = ta(t) : 1")
    M = StateMonitor(G, "x", record=0)
    run(2 * ms)
    with caplog.at_level(logging.INFO, logger="neurogen"):
        ta = TimedArray([5.0, 6.0, 7.0], dt=0.5 * ms)  # the name now refers to other data
        run(1 * ms)
    assert not [r for r in caplog.records if "compiling" in r.getMessage()]
    assert np.array_equal(M.x[0][20:], [7.0] * 10)  # t >= 2 ms: past the end, the last value


def test_errors_name_the_problem():
    ta = TimedArray([1.0, 2.0], dt=1 * ms)
    ta2 = TimedArray([[1.0, 2.0]], dt=1 * ms)
    for model, error, match in [
        ("x = ta(5) : 1", DimensionMismatchError, "argument 1 of ta"),
        ("x = ta(t, i) : 1", EquationError, r"ta\(\) takes 1 argument"),
        ("x = ta2(t) : 1", EquationError, r"ta2\(\) takes 2 argument"),
        ("x = ta(t) : volt", DimensionMismatchError, "x = ta"),
    ]:
        start_scope()
        G = NeuronGroup(1, model)
        with pytest.raises(error, match=match):
            run(DT)
    with pytest.raises(ValueError, match="1-D"):
        TimedArray(np.zeros((2, 2, 2)), dt=1 * ms)
    with pytest.raises(DimensionMismatchError):
        TimedArray([1.0], dt=1)


@pytest.mark.parametrize("ta_dt, every, shift", [(0.3001 * ms, 3, 141), (0.2001 * ms, 2, 64),
                                                 (0.10001 * ms, 1, 200)])
def test_nearly_aligned_grids_follow_brian2s_tolerance(ta_dt, every, shift):
    """A TimedArray dt a hair above a multiple of the step: Brian2 2.9 (cython) recorded
    k = step // every up to step `shift` (a tolerance of dt_ta/(2K), K a power of two), then
    k = (step - 1) // every, over 200 steps; a plain floor(t/dt_ta) would lag from the start."""
    ta = TimedArray(np.arange(400.0), dt=ta_dt)
    steps = np.arange(200)
    expected = np.where(steps < shift, steps // every, (steps - 1) // every)
    assert np.array_equal(_recorded("ta(t)", duration=20 * ms, ta=ta)[0], expected)
    assert np.array_equal(ta(steps * DT, dt=DT), expected)  # the same from Python


def test_column_outside_a_two_dimensional_array_is_nan():
    """As Brian2's compiled code: NaN, never a read outside the array."""
    ta2 = TimedArray([[1.0, 2.0]], dt=1 * ms)
    x = _recorded("ta2(t, i)", n=4, duration=0.1 * ms, ta2=ta2)
    assert np.array_equal(x[:2, 0], [1.0, 2.0]) and np.all(np.isnan(x[2:, 0]))


def test_messages_show_model_syntax_not_internal_names():
    stim = TimedArray([1.0, 2.0], dt=1 * ms)
    G = NeuronGroup(1, "dv/dt = (stim(t)*poisson(3) + rand() - v)/ms : 1", method="exact")
    with pytest.raises(EquationError) as error:
        run(DT)
    text = str(error.value)
    assert "stim(t)" in text and "poisson(3)" in text and "rand()" in text
    assert "timedarray" not in text and "rand(0" not in text
