"""Issue 13, part 1: equation text as Brian2 reads it.

Multi-line equations, local temporaries in event code, ``Equations(eqs, name=replacement)``
and reading a pre-/postsynaptic subexpression in synaptic code. Numbers are checked against
plain numpy evaluations of the same model (or closed forms); Brian2's behaviour where it
refuses input was read off Brian2 2.9 and is restated in each test's docstring.
"""
from __future__ import annotations

import numpy as np
import pytest

from neurogen import *
from neurogen.errors import EquationError, ModelSyntaxError


# -- multi-line equations ---------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "dv/dt = -v/tau +\n    1*mV/ms : volt",            # a trailing operator
    "dv/dt = -v/tau\n    + 1*mV/ms : volt",            # a leading operator (Brian2 joins the lines)
    "dv/dt = (-v/tau  # a comment\n   + 1*mV/ms) : volt",  # inside brackets, with a comment
])
def test_an_expression_continues_until_the_unit(text):
    eqs = Equations(text + "\nw : 1")
    assert eqs["v"].expr.replace("(", "").replace(")", "") == "-v/tau + 1*mV/ms"
    assert eqs["v"].lineno == 1 and eqs["w"].lineno == 3


def test_line_numbers_name_the_line_where_the_equation_starts():
    text = "\n# parameters\nw : 1\ndv/dt = (-v +\n  w*mV)/tau +\n  u : volt\nu : volt/second"
    eqs = Equations(text)
    assert [(e.name, e.lineno) for e in eqs] == [("w", 3), ("v", 4), ("u", 7)]
    with pytest.raises(EquationError, match="line 4"):
        Equations("\n\nx : 1\ndv/dt = (-v +\n  w)/tau : volt\ndv/dt = 1/second : 1")


def test_flags_may_continue_inside_their_parenthesis():
    eqs = Equations("x : 1 (shared,\n   constant)\ny : 1")
    assert eqs["x"].flags == {"shared", "constant"} and eqs["y"].lineno == 3


@pytest.mark.parametrize("text, message", [
    ("dv/dt = -v/tau\n   1*mV/ms : volt", "invalid syntax"),        # no operator to continue
    ("dv/dt = (-v/tau : volt\ndw/dt = -w/tau : 1", "never closed"),  # an unclosed bracket
    ("dv/dt = -v/tau \\\n   + 1*mV/ms : volt", "continuation"),       # Brian2 refuses a backslash too
])
def test_expressions_that_do_not_continue_are_syntax_errors(text, message):
    """Brian2 2.9 raises SyntaxError for all three, when the Equations are made."""
    with pytest.raises(SyntaxError, match=message) as info:
        Equations(text)
    assert isinstance(info.value, EquationError) and "line 1" in str(info.value)


@pytest.mark.parametrize("reset", ["v = (0 +\n 0.1)", "v = 0 +\n 0.1", "v = 0\n + 0.1", "v = clip(0.1,\n 0, 1)"])
def test_statements_do_not_continue_over_lines(reset):
    """Brian2 2.9 refuses each of these resets with a SyntaxError (its code statements are one
    line each, even inside brackets)."""
    with pytest.raises(ModelSyntaxError):
        NeuronGroup(2, "dv/dt = 1/ms : 1", threshold="v > 0.5", reset=reset)


def test_a_multiline_model_runs_as_its_one_line_form():
    tau = 10 * ms
    G = NeuronGroup(2, "dv/dt = (-v +\n   i*mV) / tau\n   + 0*mV/ms : volt", method="exact")
    run(5 * ms)
    expected = np.arange(2) * (1 - np.exp(-0.5)) * 1e-3
    assert np.allclose(G.v_[:], expected, rtol=1e-12, atol=0)


def test_point_current_belongs_to_spatialneuron():
    with pytest.raises(NotImplementedError, match="SpatialNeuron"):
        Equations("I = 1*nA : amp (point current)")


# -- Equations(eqs, name=replacement) ---------------------------------------------------------

def test_a_string_renames_a_name_everywhere_at_once():
    """As COBAHH_approximated builds its gating variables (Brian2 2.9's text, reordered)."""
    eqs = Equations("dx/dt = (xinf - x)/tau : 1 (unless refractory)", x="m", xinf="m_inf", tau="tau_m")
    assert eqs.names == ("m",) and eqs["m"].flags == {"unless refractory"}
    assert eqs["m"].expr.replace(" ", "") == "(m_inf-m)/tau_m"
    swapped = Equations("dv/dt = (w - v)/tau : volt\ndw/dt = -w/tau : volt", v="w", w="v")
    assert [(e.name, e.expr.replace(" ", "")) for e in swapped] == [("w", "(v-w)/tau"), ("v", "-v/tau")]
    assert Equations(Equations("x = f*2 : 1"), f="g")["x"].expr.replace(" ", "") == "g*2"


def test_a_value_replaces_an_external_name_exactly():
    """-E with E = -70 mV keeps its sign (the value is put in as a tree, not pasted as text)."""
    E, tau = -70 * mV, 10 * ms
    G = NeuronGroup(1, Equations("dv/dt = (-E - v)/tau_v : volt", E=E, tau_v=tau), method="exact")
    run(2 * ms)
    assert G.v_[0] == pytest.approx(0.070 * (1 - np.exp(-0.2)), rel=1e-12)
    third = Equations("x = c : 1", c=1 / 3)["x"].expr
    assert eval(third) == 1 / 3  # every digit kept


def test_a_subexpression_renamed_by_substitution_runs():
    G = NeuronGroup(2, Equations("v : volt\ny = 1/(1 + exp((v_half - v)/k)) : 1", y="m_inf", v_half="vh",
                                 k="k_m"), namespace={"vh": -40 * mV, "k_m": 5 * mV})
    G.v = [-40, -30] * mV
    assert np.allclose(G.m_inf[:], 1 / (1 + np.exp(np.array([0.0, -2.0]))), rtol=1e-12)
    assert G.m_inf[:, None].shape == (2, 1)  # matplotlib's x[:, None] on a view, as Brian2 allows


def test_bad_substitutions():
    """Brian2 2.9: a model variable replaced by a value is a ValueError, a renaming that defines
    a name twice an EquationError, a name the model does not use is ignored."""
    eqs = "dv/dt = (g*(E - v) + I)/tau : volt\nI : amp\ng = gbar*m : siemens"
    for name in ("v", "I", "g"):
        with pytest.raises(ValueError, match=f"model variable '{name}'"):
            Equations(eqs, **{name: 3})
    with pytest.raises(EquationError, match="defined twice"):
        Equations(eqs, v="I")
    with pytest.raises(SyntaxError, match="reserved"):
        Equations(eqs, v="t")
    with pytest.raises(EquationError, match="must be a name"):
        Equations(eqs, tau="3*ms")  # Brian2 pastes the text: '/3*ms', which divides by 3 only
    for bad in ([1, 2], None, np.ones(2) * mV):
        with pytest.raises(TypeError, match="scalar number or quantity"):
            Equations(eqs, E=bad)
    def lines(e):
        return [(q.name, (q.expr or "").replace(" ", ""), q.unit) for q in e]
    assert lines(Equations(eqs, unused="x", other=3)) == lines(Equations(eqs))


# -- local temporaries in event code ------------------------------------------------------------

TEMP_MODEL = "w : 1\nq : second"
#: Locals: ``a`` (const, reads the integer i), ``b`` (assigned three times: a plain local),
#: ``tau`` (shadows the external tau below: the local is used), ``ms`` (shadows a unit).
TEMP_RESET = """a = w*2 + i
b = a
b += q/second*1000
b *= 0.5
w = b/4
tau = 0.002*second
ms = 3
q = a*tau + tau/ms"""
tau = 50 * ms  # shadowed by the reset's local


def _temporaries_model():
    G = NeuronGroup(4, TEMP_MODEL, threshold="True", reset=TEMP_RESET, name="temps")
    G.w = [0.5, 1.0, -2.0, 3.0]
    G.q = [1, 0, 2, 5] * ms
    return G


def _temporaries_numpy(steps):
    w, q, i = np.array([0.5, 1.0, -2.0, 3.0]), np.array([1e-3, 0, 2e-3, 5e-3]), np.arange(4)
    for _ in range(steps):
        a = w * 2 + i
        b = (a + q / 1e-3) * 0.5
        w = b / 4
        q = a * 2e-3 + 2e-3 / 3
    return w, q


def test_temporaries_in_a_reset_match_numpy():
    G = _temporaries_model()
    run(0.5 * ms)  # five resets
    w, q = _temporaries_numpy(5)
    assert np.allclose(G.w[:], w, rtol=1e-13, atol=0) and np.allclose(G.q_[:], q, rtol=1e-13, atol=0)
    # Brian2 2.9's cython target, printed to 8 decimals (its numpy target differs: there 'b = a'
    # makes b the same array as a, so 'b += ...' changes a too)
    assert np.allclose(G.w[:], [0.3264974, 1.21565755, 1.46614583, 3.51790365], rtol=0, atol=5.1e-9)
    assert np.allclose(G.q_[:], [0.00209896, 0.00751302, 0.00845833, 0.02066146], rtol=0, atol=5.1e-9)


@pytest.mark.skipif(__import__("shutil").which("cmake") is None, reason="needs cmake")
def test_temporaries_in_standalone_give_the_runtime_numbers(tmp_path):
    from runtime_device import back_to_runtime
    G = _temporaries_model()
    run(0.5 * ms)
    runtime = G.w[:].copy(), G.q_[:].copy()
    set_device("cpp_standalone", directory=tmp_path / "project", build_on_run=False)
    try:
        start_scope()
        G = _temporaries_model()
        run(0.5 * ms)
        device.build()
        assert np.array_equal(G.w[:], runtime[0]) and np.array_equal(G.q_[:], runtime[1])
    finally:
        back_to_runtime()


def test_temporaries_in_on_pre_match_numpy():
    """Stimberg et al. 2018's synapse: ``r_S = u_S * x_S`` is released, then used twice."""
    times = np.array([1.0, 3.0, 4.0, 4.5]) * ms
    source = SpikeGeneratorGroup(1, np.zeros(4, dtype=int), times)
    target = NeuronGroup(3, "g : 1")
    S = Synapses(source, target, "u_S : 1\nx_S : 1\nw : 1",
                 on_pre="r_S = u_S * x_S\nx_S -= r_S\nu_S += 0.1*(1 - u_S)\ng_post += w*r_S")
    S.connect()
    S.u_S, S.x_S, S.w = 0.2, 1.0, [1.0, 2.0, 0.5]
    run(6 * ms)
    u, x, g = 0.2, 1.0, 0.0
    for _ in times:
        r = u * x
        x -= r
        u += 0.1 * (1 - u)
        g += r
    assert np.allclose(S.x_S[:], x, rtol=1e-13) and np.allclose(S.u_S[:], u, rtol=1e-13)
    assert np.allclose(target.g[:], g * np.array([1.0, 2.0, 0.5]), rtol=1e-13)


@pytest.mark.parametrize("reset, error, message", [
    ("w = a\na = 2", EquationError, "'a' is read before it is assigned"),   # Brian2: KeyError
    ("a = a + 1", EquationError, "'a' is read before it is assigned"),
    ("a += 1\nw = a", EquationError, "no value yet"),                       # Brian2: KeyError
    ("a = 3*ms\nw = a", DimensionMismatchError, "'a' has the wrong units"),   # as Brian2
    ("a = 2\na = 3*ms\nq = a", DimensionMismatchError, "wrong units"),         # as Brian2
    ("_a = 2\nw = _a", NotImplementedError, "starts with '_'"),
    ("s = 3", EquationError, "subexpression"),                               # Brian2: SyntaxError
])
def test_bad_temporaries(reset, error, message):
    with pytest.raises(error, match=message):
        G = NeuronGroup(1, TEMP_MODEL + "\ns = 2*w : 1", threshold="True", reset=reset)
        run(0.1 * ms)


# -- pre-/postsynaptic subexpressions read in synaptic code ----------------------------------

def test_neuron_subexpressions_read_by_synapses_match_numpy():
    """Tetzlaff 2015's F_pre: a neuron subexpression (reading another one, i, N and outside
    constants) evaluated with each synapse's pre- or postsynaptic index, in a clock-driven
    equation, a summed variable and on_pre (unsuffixed F: the postsynaptic one)."""
    F_max, beta, epsilon = 2.0, 3.0, 0.5
    G = NeuronGroup(5, """F = F_max/(1 + exp(beta*(epsilon - u))) : 1
                          H = F*i + N : 1
                          u : 1
                          I : 1""", threshold="True")
    G.u = np.linspace(-1, 1, 5)
    S = Synapses(G, G, """dw/dt = (F_pre*F_post + H_pre)/second : 1 (clock-driven)
                          x : 1
                          I_post = w*F_pre : 1 (summed)""",
                 on_pre="x += F_pre - H", method="euler")
    pre, post = np.array([0, 1, 2, 3, 4, 0]), np.array([1, 2, 3, 4, 0, 4])
    S.connect(i=pre, j=post)
    w0 = np.linspace(0.1, 0.6, 6)
    S.w = w0
    run(0.1 * ms)  # one step: the summed variable reads w before the update, on_pre once
    u = np.linspace(-1, 1, 5)
    F = F_max / (1 + np.exp(beta * (epsilon - u)))
    H = F * np.arange(5) + 5
    assert np.allclose(S.w[:], w0 + 1e-4 * (F[pre] * F[post] + H[pre]), rtol=1e-13, atol=0)
    assert np.allclose(G.I[:], np.bincount(post, weights=w0 * F[pre], minlength=5), rtol=1e-13, atol=0)
    assert np.allclose(S.x[:], F[pre] - H[post], rtol=1e-13, atol=0)


def test_an_unknown_pre_name_is_still_refused():
    G = NeuronGroup(2, "u : 1", threshold="True")
    S = Synapses(G, G, "x : 1", on_pre="x += nothing_pre")
    S.connect()
    with pytest.raises((NotImplementedError, EquationError), match="nothing_pre"):
        run(0.1 * ms)


def test_connect_conditions_and_assignments_read_neuron_subexpressions():
    F_max = 2.0
    G = NeuronGroup(3, "F = F_max*u : 1\nu : 1")
    G.u = [0.1, 0.2, 0.3]
    S = Synapses(G, G, "w : 1")
    S.connect(condition="F_pre > 0.3")
    assert list(S.i[:]) == [1, 1, 1, 2, 2, 2] and list(S.j[:]) == [0, 1, 2, 0, 1, 2]
    S.w = "F_pre + F_post"
    F = 2.0 * np.array([0.1, 0.2, 0.3])
    assert np.allclose(S.w[:], F[S.i[:]] + F[S.j[:]], rtol=1e-15)


def test_connect_with_one_conditional_target():
    """Brian2's j='i + 1 if i < 3' (Stimberg et al. 2018, example 4): one target per i, if."""
    G = NeuronGroup(5, "v : 1")
    S = Synapses(G, G)
    S.connect(j="i + 1 if i < 3")
    assert list(S.i[:]) == [0, 1, 2] and list(S.j[:]) == [1, 2, 3]
    S2 = Synapses(G, G)
    S2.connect(j="i + 10 if i < 3", skip_if_invalid=True)
    assert len(S2) == 0
    with pytest.raises(IndexError, match="outside the allowed range"):
        Synapses(G, G).connect(j="i + 10 if i < 3")


def test_an_external_named_like_a_connectivity_array():
    """An outside constant 'N_synapses' (Stimberg et al. 2018) was taken for the synapses' own
    CSR array '_pre_synapses' (both end in '_synapses'): a TypeError before the fix."""
    N_synapses = 3
    G = NeuronGroup(5, "v : 1")
    E = Synapses(G, G, "y : 1")
    E.connect(j="i if i < N_synapses")
    E.y = "N_synapses*1.5"
    assert list(E.j[:]) == [0, 1, 2] and np.all(E.y[:] == 4.5)


def test_boolean_and_integer_temporaries_compute_as_brian2():
    """Brian2 2.9 (cython) gives w = [1, 1] and x = [0.5, 1.5]: a local takes any value of its
    right-hand side (a truth value, an integer) and computes on in doubles; compiled with
    warnings as errors."""
    G = NeuronGroup(2, "v : 1\nw : 1\nx : 1", threshold="True",
                    reset="b = v > 0.7\nw = 1*(not b)\nk = i\nk = k + 0.5\nx = k")
    G.v = 0.6
    run(0.1 * ms)
    assert list(G.w[:]) == [1.0, 1.0] and list(G.x[:]) == [0.5, 1.5]


def test_the_star_import_has_pylab_tick_formatters():
    """Brian2's star import brings pylab's ScalarFormatter, MaxNLocator... (Stimberg et al. 2018)."""
    import neurogen
    namespace: dict = {}
    exec("from neurogen import *", namespace)
    for name in ("ScalarFormatter", "FormatStrFormatter", "MaxNLocator"):
        assert name in namespace and name in neurogen.__all__
