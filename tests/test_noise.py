"""White noise (``xi``) against theory: Ornstein-Uhlenbeck statistics, Brownian scaling with dt,
shared and independent noises, geometric Brownian motion under heun and milstein, Brian2's
rules and errors, and reproducibility. Seeds are fixed, so every statistical test is
deterministic; each tolerance is 4 standard errors of the estimate (computed from the
theoretical distribution) plus, where the scheme has one, its known discretisation bias.
"""
from __future__ import annotations

import logging
import math

import numpy as np
import pytest
import sympy

from neurogen import *
from neurogen.compiler.integrators import integrate
from neurogen.compiler.ir import sym
from neurogen.compiler.lower.common import DRAW_BASES


def _gaussian_product_cov(pairs1: np.ndarray, pairs2: np.ndarray, rho: np.ndarray, n: int) -> float:
    """Cov of the means of ``x_a x_b`` over ``pairs1`` and of ``x_c x_d`` over ``pairs2``, for ``n``
    independent stationary zero-mean Gaussian sequences of variance 1 with correlation
    ``rho[|lag|]`` (Isserlis: Cov(x_a x_b, x_c x_d) = rho_ac rho_bd + rho_ad rho_bc)."""
    a, b = pairs1[:, 0][:, None], pairs1[:, 1][:, None]
    c, d = pairs2[:, 0][None, :], pairs2[:, 1][None, :]
    terms = rho[abs(a - c)] * rho[abs(b - d)] + rho[abs(a - d)] * rho[abs(b - c)]
    return float(terms.sum()) / (len(pairs1) * len(pairs2) * n)


# ---------------------------------------------------------------------------------------------
# Ornstein-Uhlenbeck: stationary variance and autocorrelation


def test_ornstein_uhlenbeck_variance_and_correlation_time_match_euler_maruyama():
    """``dv/dt = -v/tau + sigma*sqrt(2/tau)*xi``: variance sigma^2, correlation exp(-lag/tau).

    Euler-Maruyama makes v the AR(1) recursion v' = (1 - h) v + sigma sqrt(2h) N(0,1) with
    h = dt/tau, whose stationary variance is exactly sigma^2 2h/(1 - (1 - h)^2) (about
    sigma^2 (1 + h/2), an O(dt/tau) bias) and whose lag-k correlation is (1 - h)^k (about
    exp(-k h)). With h = 0.05 the bias (2.6% in the variance) is larger than the statistical
    error, so the test checks the discrete values within 4 standard errors, and the
    continuous ones within bias + 4 standard errors.
    """
    seed(2024)
    tau, sigma = 10 * ms, 2.0
    n, burn, k = 10_000, 10, 40              # neurons, tau of burn-in, snapshots one tau apart
    G = NeuronGroup(n, "dv/dt = -v/tau + sigma*sqrt(2/tau)*xi : 1", method="euler", dt=0.5 * ms)
    M = StateMonitor(G, "v", record=True, dt=tau)
    run((burn + k) * tau)
    v = np.asarray(M.v)[:, burn:burn + k] / sigma  # (neurons, snapshots), unit variance in theory
    assert v.shape == (n, k)

    h = 0.05
    var_em = 2 * h / (1 - (1 - h) ** 2)
    rho_em = (1 - h) ** round(1 / h)           # lag of one tau = 20 steps
    var_hat = float(np.mean(v * v))
    cov_hat = float(np.mean(v[:, :-1] * v[:, 1:]))
    rho_hat = cov_hat / var_hat

    # Standard errors from the theoretical AR(1) correlations between snapshots (they are one
    # tau apart, so neither the snapshots nor the products are independent): Isserlis for the
    # covariances, the delta method for the ratio rho_hat.
    rho_lags = rho_em ** np.arange(k + 1)
    same = np.stack([np.arange(k), np.arange(k)], axis=1)
    lag1 = np.stack([np.arange(k - 1), np.arange(1, k)], axis=1)
    var_s = var_em**2 * _gaussian_product_cov(same, same, rho_lags, n)
    var_c = var_em**2 * _gaussian_product_cov(lag1, lag1, rho_lags, n)
    cov_sc = var_em**2 * _gaussian_product_cov(same, lag1, rho_lags, n)
    se_var = math.sqrt(var_s)
    se_rho = math.sqrt(var_c - 2 * rho_em * cov_sc + rho_em**2 * var_s) / var_em
    print(f"variance {var_hat:.5f} (EM {var_em:.5f}, continuous 1, se {se_var:.5f}); "
          f"lag-tau correlation {rho_hat:.5f} (EM {rho_em:.5f}, 1/e {math.exp(-1):.5f}, se {se_rho:.5f})")

    assert abs(var_hat - var_em) <= 4 * se_var
    assert abs(var_hat - 1.0) <= (var_em - 1.0) + 4 * se_var
    assert abs(rho_hat - rho_em) <= 4 * se_rho
    assert abs(rho_hat - math.exp(-1)) <= abs(math.exp(-1) - rho_em) + 4 * se_rho
    # each neuron has its own noise: neighbours are uncorrelated (se 1/sqrt(n))
    assert abs(np.corrcoef(v[:-1, -1], v[1:, -1])[0, 1]) <= 4 / math.sqrt(n - 1)


# ---------------------------------------------------------------------------------------------
# Brownian motion: sqrt(dt) scaling; one name = one noise, two names = two noises

BROWNIAN = """dx/dt = s*xi_a : 1
              dy/dt = s*xi_a : 1
              dz/dt = s*xi_1 : 1
              dw/dt = s*xi_2 : 1"""


def _brownian(n: int, duration, dt, seed_value: int | None = 7) -> NeuronGroup:
    start_scope()
    if seed_value is not None:
        seed(seed_value)
    s = 3.0 / sqrt(second)
    G = NeuronGroup(n, BROWNIAN, method="euler", dt=dt)
    run(duration, namespace={"s": s})
    return G


@pytest.mark.parametrize("dt", [0.1 * ms, 1 * ms])
def test_brownian_variance_is_s2_t_whatever_dt(dt):
    """x(T) is a sum of T/dt independent N(0, s^2 dt) steps: Var = s^2 T exactly for any dt.

    The sample variance of n values has standard error s^2 T sqrt(2/(n-1)); the mean has
    s sqrt(T/n). With a noise scaled by dt instead of sqrt(dt), or the same sample reused over
    steps, the variance would be off by a factor of 10 or more.
    """
    n, T = 20_000, 100 * ms
    G = _brownian(n, T, dt)
    expected = 9.0 * float(T)
    for name in "xzw":
        values = np.asarray(getattr(G, name))
        assert abs(np.var(values, ddof=1) - expected) <= 4 * expected * math.sqrt(2 / (n - 1)), name
        assert abs(np.mean(values)) <= 4 * math.sqrt(expected / n), name


def test_one_noise_name_is_one_sample_two_names_are_independent():
    """``xi_a`` in dx/dt and dy/dt: identical increments (correlation 1). ``xi_1``, ``xi_2`` and
    ``xi_a``: independent (sample correlation within 4/sqrt(n) of 0)."""
    n = 20_000
    G = _brownian(n, 20 * ms, 0.1 * ms)
    x, y, z, w = (np.asarray(getattr(G, name)) for name in "xyzw")
    np.testing.assert_array_equal(x, y)
    for first, second_ in ((z, w), (x, z), (x, w)):
        assert abs(np.corrcoef(first, second_)[0, 1]) <= 4 / math.sqrt(n)


def test_bare_xi_in_two_equations_is_refused_as_in_brian2():
    with pytest.raises(EquationError, match=r"'xi' is already used in line 1.*xi_<name>"):
        NeuronGroup(1, "dx/dt = xi/sqrt(ms) : 1\ndy/dt = xi/sqrt(ms) : 1")


def test_same_seed_same_numbers_different_seed_different_numbers():
    first = np.asarray(_brownian(100, 5 * ms, 0.1 * ms, seed_value=11).x)
    again = np.asarray(_brownian(100, 5 * ms, 0.1 * ms, seed_value=11).x)
    other = np.asarray(_brownian(100, 5 * ms, 0.1 * ms, seed_value=12).x)
    np.testing.assert_array_equal(first, again)
    assert not np.any(first == other)
    # two contiguous runs draw the numbers of one long run
    start_scope()
    seed(11)
    G = NeuronGroup(100, BROWNIAN, method="euler", dt=0.1 * ms)
    run(2 * ms, namespace={"s": 3.0 / sqrt(second)})
    run(3 * ms, namespace={"s": 3.0 / sqrt(second)})
    np.testing.assert_array_equal(np.asarray(G.x), first)


# ---------------------------------------------------------------------------------------------
# multiplicative noise: geometric Brownian motion


@pytest.mark.parametrize("method", ["heun", "milstein"])
def test_geometric_brownian_motion_is_stratonovich_with_heun_and_milstein(method):
    """``dx/dt = mu*x + s*x*xi`` read as Stratonovich has x(T) = x0 exp(mu T + s W(T)), so
    E[x(T)] = x0 exp((mu + s^2/2) T); read as Ito, E[x(T)] = x0 exp(mu T).

    Brian2 documents heun as a Stratonovich method; its derivative-free milstein adds
    g' g dW^2/2 (the Ito form has dW^2 - dt), which is Stratonovich too: Brian2 2.9 gives
    E[x(T)] = exp(s^2 T/2) for both (checked offline). One step multiplies x by an
    independent factor whose mean is exactly known:
      heun:     1 + mu h + s^2 h/2
      milstein: 1 + mu h + s^2 h/2 + s mu h^1.5/2
    so E[x_n] = x0 * that^n. For heun that is within 3e-4 (relative) of the continuous value
    here; Brian2's milstein support point x + f dt + g sqrt(dt) adds a bias of about
    s mu T sqrt(dt)/2 (0.6% here), which this checks too. Tolerance: 4 standard errors of
    the mean of n log-normal values, sd = x0 sqrt((exp(s^2 T) - 1) exp(2 mu T + s^2 T)).
    """
    seed(99)
    mu, s, T, h, n = 1.0, 1.0, 0.5, 0.5e-3, 20_000
    G = NeuronGroup(n, "dx/dt = mu*x + s*x*xi : 1", method=method, dt=h * second)
    G.x = 1.0
    run(T * second, namespace={"mu": mu / second, "s": s / sqrt(second)})
    x = np.asarray(G.x)

    factor = 1 + mu * h + s**2 * h / 2 + (s * mu * h**1.5 / 2 if method == "milstein" else 0)
    discrete = factor ** round(T / h)
    stratonovich, ito = math.exp((mu + s**2 / 2) * T), math.exp(mu * T)
    se = math.sqrt((math.exp(s**2 * T) - 1) * math.exp(2 * mu * T + s**2 * T) / n)
    print(f"{method}: mean {x.mean():.4f}, discrete {discrete:.4f}, Stratonovich {stratonovich:.4f}, "
          f"Ito {ito:.4f}, se {se:.4f}")
    bias = s * mu * T * math.sqrt(h) / 2 if method == "milstein" else 0.0
    assert abs(discrete / stratonovich - 1 - bias) < 3e-4
    assert abs(x.mean() - discrete) <= 4 * se
    assert abs(x.mean() - ito) > 20 * se
    assert np.all(x > 0)


# ---------------------------------------------------------------------------------------------
# Synapses: clock-driven equations take noise too


def test_clock_driven_synaptic_noise():
    """An OU process per synapse: variance at the end within 4 standard errors of the EM value
    (one snapshot of n independent synapses: se = V sqrt(2/(n-1)))."""
    seed(5)
    defaultclock.dt = 0.5 * ms
    tau = 10 * ms
    P = NeuronGroup(100, "v : 1")
    S = Synapses(P, P, "dw/dt = -w/tau + sqrt(2/tau)*xi : 1 (clock-driven)")
    S.connect()
    run(10 * tau)
    w = np.asarray(S.w)
    h = 0.05
    var_em = 2 * h / (1 - (1 - h) ** 2)
    assert abs(np.var(w, ddof=1) - var_em) <= 4 * var_em * math.sqrt(2 / (len(w) - 1))


# ---------------------------------------------------------------------------------------------
# methods, the automatic choice and errors (no compilation needed)

v, u, tau_, sigma_ = (sym(n) for n in ("v", "u", "tau", "sigma"))
XI, XI1, XI2 = sym("xi"), sym("xi_1"), sym("xi_2")
ADDITIVE = [("v", -v / tau_ + sigma_ * sympy.sqrt(2 / tau_) * XI)]
MULTIPLICATIVE = [("v", -v / tau_ + v * XI / sympy.sqrt(tau_))]


def test_additive_noise_gives_one_update_for_euler_heun_and_milstein():
    """With additive noise heun's support point and milstein's correction vanish."""
    updates = {m: integrate(ADDITIVE, m).updates for m in ("euler", "heun", "milstein")}
    assert updates["euler"] == updates["heun"] == updates["milstein"]
    (name, update), = updates["euler"]
    dw = sym("_xi")
    assert sympy.simplify(update - (v - sym("dt") * v / tau_ + sigma_ * sympy.sqrt(2 / tau_) * dw)) == 0


def test_automatic_choice_is_euler_for_additive_and_heun_for_multiplicative(caplog):
    with caplog.at_level(logging.INFO, logger="neurogen.integrators"):
        assert integrate(ADDITIVE, None).method == "euler"
        assert integrate(MULTIPLICATIVE, None).method == "heun"
        # a noise factor that depends on t is multiplicative too (Brian2's rule)
        assert integrate([("v", sympy.sin(sym("t") / tau_) * XI)], None).method == "heun"
    chosen = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert "'euler'" in chosen[0] and "'heun'" in chosen[1] and "dv/dt" in chosen[0]


def test_euler_refuses_multiplicative_noise_naming_the_equation():
    with pytest.raises(EquationError, match=r"'euler' cannot integrate dv/dt = .*v\*xi.*multiplicative"
                                            r".*'heun' or 'milstein'"):
        integrate(MULTIPLICATIVE, "euler")


@pytest.mark.parametrize("method", ["exact", "linear", "rk2", "rk4", "exponential_euler"])
def test_deterministic_methods_refuse_noise_and_name_the_stochastic_ones(method):
    with pytest.raises(EquationError, match=rf"'{method}' cannot integrate dv/dt = .*xi.*white noise"
                                            r".*'euler'.*'heun'.*'milstein'"):
        integrate(ADDITIVE, method)


def test_milstein_needs_diagonal_noise_and_noise_must_enter_linearly():
    with pytest.raises(EquationError, match=r"milstein.*several noises.*diagonal.*'heun'"):
        integrate([("v", XI1 + XI2)], "milstein")
    with pytest.raises(EquationError, match=r"milstein.*du/dt.*xi_1 also drives dv/dt"):
        integrate([("v", XI1), ("u", XI1)], "milstein")
    with pytest.raises(EquationError, match=r"dv/dt = xi\*\*2.*'\.\.\. \+ g\*xi'"):
        integrate([("v", XI**2)], "heun")


def test_noise_draws_are_named_after_the_noise_and_have_their_own_draw_range():
    result = integrate([("v", XI2 - v / tau_), ("u", XI1 * u)], "heun")
    draws = {s.target: s for s in result.statements if s.target.startswith("_xi")}
    assert set(draws) == {"_xi_1", "_xi_2"}                   # sorted names: draws 0 and 1
    assert "xi_2: Wiener increment" in draws["_xi_2"].comment
    assert len(set(DRAW_BASES.values())) == len(DRAW_BASES)   # never a rand() draw of any kernel


# ---------------------------------------------------------------------------------------------
# units and where xi may appear (Brian2's rules)


def _lower(*objects, **names):
    from neurogen.compiler.lower.network import lower_network
    from neurogen.frontend.namespace import resolve_externals

    externals = {id(o): resolve_externals(o, names, {}) for o in objects}
    return lower_network(list(objects), externals)


def test_noise_has_units_of_one_over_sqrt_second():
    sigma, tau = 2 * mV, 10 * ms
    ok = NeuronGroup(1, "dv/dt = -v/tau + sigma*xi*tau**-0.5 : volt")
    ok2 = NeuronGroup(1, "dv/dt = -v/tau + sqrt(2/tau)*xi : 1")
    _lower(ok, ok2, sigma=sigma, tau=tau)
    with pytest.raises(DimensionMismatchError, match=r"'dv/dt = -v/tau \+ sigma\*xi : volt'"):
        _lower(NeuronGroup(1, "dv/dt = -v/tau + sigma*xi : volt"), sigma=sigma, tau=tau)
    with pytest.raises(DimensionMismatchError, match=r"'dv/dt = -v/tau \+ xi : 1'"):
        _lower(NeuronGroup(1, "dv/dt = -v/tau + xi : 1"), tau=tau)


def test_noise_only_in_differential_equations():
    tau = 10 * ms
    with pytest.raises(EquationError, match=r"'xi' can only appear in a differential equation"):
        NeuronGroup(1, "dv/dt = I/tau : 1\nI = xi*tau**0.5 : 1")
    # xi_<name> through a subexpression into a differential equation is fine (as in Brian2)
    _lower(NeuronGroup(1, "dv/dt = I*tau**-0.5 : 1\nI = xi_1 : second**-0.5"), tau=tau)
    for options in ({"threshold": "v > xi*sqrt(second)"},
                    {"threshold": "v > 1", "reset": "v = xi*sqrt(second)"}):
        G = NeuronGroup(1, "dv/dt = -v/tau : 1", **options)
        with pytest.raises(EquationError, match=r"white noise 'xi' can only be used in differential"):
            _lower(G, tau=tau)
    G = NeuronGroup(1, "dv/dt = I*tau**-0.5 : 1\nI = xi_1 : second**-0.5")
    with pytest.raises(EquationError, match=r"StateMonitor.*white noise 'xi_1'"):
        _lower(G, StateMonitor(G, "I", record=True), tau=tau)
    with pytest.raises(EquationError, match=r"white noise 'xi_1'.*cannot be read"):
        G.I
    with pytest.raises(EquationError, match=r"reserved"):
        NeuronGroup(1, "xi_1 : 1")


def test_event_driven_equations_refuse_noise():
    tau = 10 * ms
    P = NeuronGroup(1, "v : 1", threshold="v > 1")
    S = Synapses(P, P, "dw/dt = -w/tau + xi*tau**-0.5 : 1 (event-driven)", on_pre="v += w")
    S.connect()
    with pytest.raises(EquationError, match=r"event-driven.*white noise.*clock-driven"):
        _lower(P, S, tau=tau)


def test_generated_code_names_the_noise():
    from neurogen.compiler.passes import run_passes
    from neurogen.compiler.render import render_network

    G = NeuronGroup(1, "dv/dt = -v/tau + v*xi_input*tau**-0.5 : 1", method="heun")
    code = render_network(run_passes(_lower(G, tau=10 * ms)))["network.cpp"]
    assert "const double _xi_input = _sqrt_dt*_noise(0);  // xi_input: Wiener increment" in code
    assert "_support_xi_input_v" in code and "state update (heun)" in code
