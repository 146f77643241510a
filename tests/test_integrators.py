"""Integrators checked against analytic solutions by executing their output with numpy."""
from __future__ import annotations

import logging
import math

import numpy as np
import pytest
import sympy
from scipy.integrate import solve_ivp
from scipy.linalg import expm

from neurogen.errors import EquationError
from neurogen.compiler.integrators import METHODS, integrate
from neurogen.compiler.ir import DT, T, Assign, Integration, MatrixExp, sym

v, w, x, y, g, h = (sym(n) for n in "v w x y g h".split())
I, tau, tau1, tau2, omega = (sym(n) for n in ("I", "tau", "tau1", "tau2", "omega"))


# ---------------------------------------------------------------------------------------------
# numeric harness: run an Integration the way the generated C++ would


def _compile(expr: sympy.Expr):
    """A function of the environment dict (names -> floats) evaluating ``expr``."""
    expr = sympy.sympify(expr)
    args = sorted(expr.free_symbols, key=lambda s: s.name)
    func = sympy.lambdify(args, expr, "numpy")
    names = [a.name for a in args]
    return lambda env: func(*(env[n] for n in names))


def run(integration: Integration, state: dict[str, float], params: dict[str, float],
        dt: float, steps: int, t0: float = 0.0) -> dict[str, float]:
    """Step ``steps`` times; statements see the old values, updates are applied simultaneously."""
    program = []
    for st in integration.statements:
        if isinstance(st, MatrixExp):
            program.append((st, [_compile(e) for e in st.matrix]))
        else:
            assert isinstance(st, Assign) and st.declare and st.target.startswith("_")
            program.append((st, _compile(st.expr)))
    updates = [(name, _compile(expr)) for name, expr in integration.updates]
    env = {**params, **state, "t": t0, "dt": dt}
    for _ in range(steps):
        for st, code in program:
            if isinstance(st, MatrixExp):
                matrix = np.array([float(f(env)) for f in code]).reshape(st.size, st.size)
                propagator = expm(matrix)
                for r in range(st.size):
                    for c in range(st.size):
                        env[st.entry(r, c).name] = propagator[r, c]
            else:
                env[st.target] = float(code(env))
        new = {name: float(f(env)) for name, f in updates}
        env.update(new)
        env["t"] += dt
    return {name: env[name] for name in state}


def measured_order(errors: list[float], dts: list[float]) -> float:
    """Slope of log(error) against log(dt)."""
    return float(np.polyfit(np.log(dts), np.log(errors), 1)[0])


# ---------------------------------------------------------------------------------------------
# exact


def test_exact_1d_closed_form_matches_analytic_solution():
    result = integrate([("v", (I - v) / tau)], "exact")
    assert result.method == "exact" and result.statements == ()
    (name, update), = result.updates
    assert name == "v" and sym("_P") not in update.free_symbols
    assert not any(s.name.startswith("_P") for s in update.free_symbols)
    assert sympy.simplify(update - (I + (v - I) * sympy.exp(-DT / tau))) == 0
    params, v0, dt, steps = {"I": 2.0, "tau": 0.01}, -0.5, 1e-4, 1000
    got = run(result, {"v": v0}, params, dt, steps)["v"]
    t_end = dt * steps
    expected = 2.0 + (v0 - 2.0) * math.exp(-t_end / 0.01)
    assert got == pytest.approx(expected, rel=1e-12)


def test_exact_1d_without_offset_or_decay():
    (_, decay), = integrate([("v", -v / tau)], "exact").updates
    assert sympy.simplify(decay - v * sympy.exp(-DT / tau)) == 0
    (_, drift), = integrate([("v", I / tau)], "exact").updates
    assert sympy.simplify(drift - (v + DT * I / tau)) == 0


def _alpha_solution(g0: float, h0: float, t1: float, t2: float, t: float) -> tuple[float, float]:
    h_t = h0 * math.exp(-t / t2)
    if t1 == t2:
        return (g0 + h0 * t / t1) * math.exp(-t / t1), h_t
    c = h0 * t2 / (t2 - t1)
    return (g0 - c) * math.exp(-t / t1) + c * math.exp(-t / t2), h_t


@pytest.mark.parametrize("t1, t2", [(5e-3, 3e-3), (4e-3, 4e-3)])
def test_exact_coupled_biexponential_including_equal_time_constants(t1, t2):
    result = integrate([("g", (h - g) / tau1), ("h", -h / tau2)], "exact")
    prop, = result.statements
    assert isinstance(prop, MatrixExp) and prop.target == "_P" and prop.size == 3
    assert [n for n, _ in result.updates] == ["g", "h"]
    # h does not see g and there is no drive: those propagator entries are structurally zero
    assert dict(result.updates)["h"] == prop.entry(1, 1) * h
    g0, h0, dt, steps = 0.2, 1.0, 1e-4, 200
    got = run(result, {"g": g0, "h": h0}, {"tau1": t1, "tau2": t2}, dt, steps)
    g_t, h_t = _alpha_solution(g0, h0, t1, t2, dt * steps)
    assert got["g"] == pytest.approx(g_t, rel=1e-12)
    assert got["h"] == pytest.approx(h_t, rel=1e-12)


def test_exact_damped_oscillator_with_complex_eigenvalues():
    result = integrate([("x", -omega * y - x / tau), ("y", omega * x - y / tau)], "exact")
    assert isinstance(result.statements[0], MatrixExp)
    params = {"omega": 2 * math.pi * 50.0, "tau": 0.02}
    x0, y0, dt, steps = 1.0, -0.3, 1e-4, 300
    got = run(result, {"x": x0, "y": y0}, params, dt, steps)
    t_end = dt * steps
    decay, phase = math.exp(-t_end / params["tau"]), params["omega"] * t_end
    expected_x = decay * (x0 * math.cos(phase) - y0 * math.sin(phase))
    expected_y = decay * (x0 * math.sin(phase) + y0 * math.cos(phase))
    assert got["x"] == pytest.approx(expected_x, rel=1e-12, abs=1e-14)
    assert got["y"] == pytest.approx(expected_y, rel=1e-12, abs=1e-14)


def test_exact_coupled_with_drive_and_uncoupled_variable():
    eqs = [("v", (I - v) / tau), ("x", (y - x) / tau1 + I / tau), ("y", -x / tau2 + 1 / tau)]
    result = integrate(eqs, "linear")
    assert result.method == "exact" and [n for n, _ in result.updates] == ["v", "x", "y"]
    prop, = result.statements
    assert prop.size == 3 and not any(s.name.startswith("_P") for s in result.updates[0][1].free_symbols)
    params = {"I": 0.5, "tau": 0.01, "tau1": 0.004, "tau2": 0.007}
    state, dt, steps = {"v": 0.1, "x": 0.3, "y": -0.2}, 1e-4, 300
    got = run(result, state, params, dt, steps)
    rhs = sympy.lambdify([T, (v, x, y)], [e.subs({sym(k): val for k, val in params.items()})
                                          for _, e in eqs])
    ref = solve_ivp(lambda t, s: rhs(t, s), (0, dt * steps), list(state.values()),
                    method="DOP853", rtol=1e-13, atol=1e-15).y[:, -1]
    np.testing.assert_allclose([got["v"], got["x"], got["y"]], ref, rtol=1e-9)


def test_exact_uses_one_propagator_per_coupled_group():
    eqs = [("g", (h - g) / tau1), ("h", -h / tau2), ("x", -omega * y), ("y", omega * x)]
    result = integrate(eqs, "exact")
    assert [s.target for s in result.statements] == ["_P", "_P2"]
    assert {s.name for s in dict(result.updates)["y"].free_symbols} >= {"_P2_1_0", "_P2_1_1"}


def test_exact_treats_other_symbols_and_functions_of_constants_as_constant():
    ext = sympy.Function("ext")
    result = integrate([("v", (ext(I) - v) / tau)], "exact")
    assert result.statements == () and ext(I) in result.updates[0][1].atoms(sympy.Function)


@pytest.mark.parametrize("rhs, why", [
    (-v ** 2 / tau, "not linear"),
    (sympy.sin(T) / tau - v / tau, "time"),
    (sympy.Function("ext")(v) / tau, "not linear"),
])
def test_exact_refuses_nonlinear_and_time_dependent(rhs, why):
    with pytest.raises(EquationError) as info:
        integrate([("v", rhs)], "exact")
    message = str(info.value)
    assert "exact" in message and f"dv/dt = {sympy.sstr(rhs)}" in message and why in message


def test_exact_sees_through_hidden_constants():
    one = sympy.sin(w) ** 2 + sympy.cos(w) ** 2
    result = integrate([("v", -v * one / tau), ("w", -w * one / tau)], "exact")
    assert result.statements == ()
    assert sympy.simplify(dict(result.updates)["v"] - v * sympy.exp(-DT / tau)) == 0


def test_exact_refuses_random_numbers():
    rand = sympy.Function("rand")
    with pytest.raises(EquationError, match="random"):
        integrate([("v", (rand() - v) / tau)], "exact")
    assert integrate([("v", (rand() - v) / tau)], None).method == "euler"


def test_exact_refuses_state_dependent_coupling():
    with pytest.raises(EquationError, match=r"dv/dt = .*coefficient of v"):
        integrate([("v", -w * v), ("w", -w / tau)], "exact")


# ---------------------------------------------------------------------------------------------
# explicit Runge-Kutta methods


@pytest.mark.parametrize("method, order", [("euler", 1), ("rk2", 2), ("rk4", 4)])
def test_convergence_order_on_nonlinear_equation(method, order):
    result = integrate([("v", -v ** 2 / tau)], method)
    v0, tau_value, t_end = 1.0, 1.0, 2.0
    exact = v0 / (1 + v0 * t_end / tau_value)
    dts = [0.1, 0.05, 0.025, 0.0125]
    errors = [abs(run(result, {"v": v0}, {"tau": tau_value}, dt, round(t_end / dt))["v"] - exact)
              for dt in dts]
    assert measured_order(errors, dts) == pytest.approx(order, abs=0.2)


@pytest.mark.parametrize("method, order", [("euler", 1), ("rk2", 2), ("rk4", 4)])
def test_convergence_order_with_explicit_time_dependence(method, order):
    result = integrate([("v", sympy.cos(T / tau) / tau)], method)
    t0, t_end = 0.3, 2.3  # start away from 0 so that a wrong t would show
    dts = [0.1, 0.05, 0.025, 0.0125]
    errors = []
    for dt in dts:
        got = run(result, {"v": math.sin(t0)}, {"tau": 1.0}, dt, round((t_end - t0) / dt), t0=t0)["v"]
        errors.append(abs(got - math.sin(t_end)))
    assert measured_order(errors, dts) == pytest.approx(order, abs=0.2)


def test_rk_stages_are_declared_temporaries_and_updates_are_simultaneous():
    eqs = [("x", -omega * y), ("y", omega * x)]
    result = integrate(eqs, "rk4")
    assert [s.target for s in result.statements] == ["_k1_x", "_k1_y", "_k2_x", "_k2_y", "_k3_x", "_k3_y"]
    # a rotation: rk4 is accurate, and the harness applies updates simultaneously
    got = run(result, {"x": 1.0, "y": 0.0}, {"omega": 1.0}, 0.01, 100)
    assert got["x"] == pytest.approx(math.cos(1.0), abs=1e-9)
    assert got["y"] == pytest.approx(math.sin(1.0), abs=1e-9)


def test_rk2_is_the_midpoint_method():
    result = integrate([("v", -v / tau)], "rk2")
    k1 = sym("_k1_v")
    assert result.statements == (Assign("_k1_v", -DT * v / tau, declare=True),)
    assert sympy.simplify(result.updates[0][1] - (v - DT * (v + k1 / 2) / tau)) == 0


def test_opaque_functions_are_evaluated_at_the_stage_values():
    ext = sympy.Function("ext")
    result = integrate([("v", ext(v, T))], "rk2")
    assert ext(v + sym("_k1_v") / 2, T + DT / 2) in result.updates[0][1].atoms(sympy.Function)


@pytest.mark.parametrize("method", ["heun", "milstein"])
def test_stochastic_methods_without_noise_give_the_euler_numbers(method):
    """Brian2's heun and milstein are forward Euler for deterministic equations."""
    eqs = [("v", (I - v * w) / tau), ("w", sympy.sin(v) - w / tau)]
    result, euler = integrate(eqs, method), integrate(eqs, "euler")
    assert result.method == method
    state, params = {"v": 0.3, "w": 1.2}, {"I": 1.0, "tau": 0.5}
    assert run(result, state, params, 0.01, 50) == run(euler, state, params, 0.01, 50)


# ---------------------------------------------------------------------------------------------
# exponential Euler


def test_exponential_euler_is_exact_for_linear_equations():
    eq = [("v", (I - v) / tau)]
    params, dt, steps = {"I": 2.0, "tau": 0.01}, 1e-4, 1000
    got = run(integrate(eq, "exponential_euler"), {"v": -0.5}, params, dt, steps)["v"]
    exact = run(integrate(eq, "exact"), {"v": -0.5}, params, dt, steps)["v"]
    assert got == pytest.approx(exact, rel=1e-12)


def test_exponential_euler_falls_back_to_euler_without_self_dependence():
    result = integrate([("v", I / tau + w), ("w", -w / tau)], "exponential_euler")
    assert sympy.simplify(dict(result.updates)["v"] - (v + DT * (I / tau + w))) == 0
    assert dict(result.updates)["w"] == w * sympy.exp(sym("_A_w") * DT)


def test_exponential_euler_is_first_order_on_conditionally_linear_system():
    # HH-like: conductance gated by w, w relaxing to a sigmoid of v
    E, C, gbar, gl, El, tauw = 1.0, 1.0, 2.0, 0.5, -1.0, 0.7
    eqs = [("v", (gbar * w ** 2 * (E - v) + gl * (El - v)) / C),
           ("w", (1 / (1 + sympy.exp(-4 * v)) - w) / tauw)]
    result = integrate(eqs, "exponential_euler")
    assert {s.target for s in result.statements} == {"_A_v", "_BA_v", "_A_w", "_BA_w"}
    rhs = sympy.lambdify([(v, w)], [e for _, e in eqs])
    state, t_end = {"v": -0.8, "w": 0.1}, 2.0
    ref = solve_ivp(lambda t, s: rhs(s), (0, t_end), list(state.values()),
                    method="DOP853", rtol=1e-12, atol=1e-14).y[:, -1]
    dts = [0.1, 0.05, 0.025, 0.0125]
    errors = []
    for dt in dts:
        got = run(result, state, {}, dt, round(t_end / dt))
        errors.append(max(abs(got["v"] - ref[0]), abs(got["w"] - ref[1])))
    assert measured_order(errors, dts) == pytest.approx(1, abs=0.2)


def test_exponential_euler_refuses_equation_nonlinear_in_own_variable():
    with pytest.raises(EquationError, match=r"exponential_euler.*dv/dt = -v\*\*2/tau.*not linear in v"):
        integrate([("v", -v ** 2 / tau)], "exponential_euler")


# ---------------------------------------------------------------------------------------------
# method choice and errors


def test_default_method_is_exact_for_linear_and_euler_otherwise(caplog):
    with caplog.at_level(logging.INFO, logger="neurogen.integrators"):
        assert integrate([("v", (I - v) / tau)], None).method == "exact"
        assert integrate([("v", -v ** 2 / tau)], None).method == "euler"
        assert integrate([("v", sympy.sin(T) - v / tau)], None).method == "euler"
    chosen = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert len(chosen) == 3 and "'exact'" in chosen[0] and "'euler'" in chosen[1]
    assert "dv/dt = (I - v)/tau" in chosen[0]


def test_registry_has_all_methods():
    assert set(METHODS) == {"exact", "linear", "euler", "rk2", "rk4", "exponential_euler", "heun",
                            "milstein"}
    result = METHODS["rk4"]([("v", -v / tau)])
    assert isinstance(result, Integration) and result.method == "rk4"


def test_unknown_method_lists_the_available_ones():
    with pytest.raises(ValueError, match=r"'gillespie'.*exact.*milstein.*rk4"):
        integrate([("v", -v / tau)], "gillespie")


@pytest.mark.parametrize("noise", ["xi", "xi_1"])
def test_stochastic_equations_go_to_the_stochastic_methods(noise):
    """More in test_noise.py: additive noise chooses euler (Euler-Maruyama); exact refuses it."""
    eqs = [("v", -v / tau + sym(noise) / sympy.sqrt(tau))]
    assert integrate(eqs, None).method == "euler"
    with pytest.raises(EquationError, match=r"'exact' cannot integrate dv/dt.*white noise"):
        integrate(eqs, "exact")


def test_no_equations():
    assert integrate([], None) == Integration("exact", (), ())
