"""Model checks (issue 14 part 2): each check fires on its mistake and stays silent on the
correct model next to it; run() warns once per model structure, silenced by prefs or warnings."""
from __future__ import annotations

import warnings

import pytest

import neurogen
from neurogen import (Hz, ModelWarning, Network, NeuronGroup, PoissonGroup, PoissonInput, SpikeMonitor,
                      StateMonitor, Synapses, check, linked_var, ms, prefs, run)
from neurogen.inspection.stability import growth, largest_stable_dt

tau = 10 * ms
v_rest = 0

FORUM_MISTAKES = """dv/dt = (-(v - v_rest) + I_int + I_ext)/tau : 1 (unless refractory)
I_int : 1
I_ext : 1"""


def forum_network(n=20, mistakes=True):
    """The forum network (issue 14); ``mistakes``: as rewritten to separate the contributions."""
    model = FORUM_MISTAKES if mistakes else "dv/dt = -(v - v_rest)/tau : 1 (unless refractory)"
    G = NeuronGroup(n, model, threshold="v > 1", reset="v = v_rest", refractory=2 * ms, method="exact")
    S = Synapses(G, G, "w : 1", on_pre="I_int = w" if mistakes else "v += w", delay=1.5 * ms)
    S.connect(p=0.2)
    S.w = 0.01
    P = PoissonInput(G, "I_ext" if mistakes else "v", N=400, rate=10 * Hz, weight=0.01)
    return G, S, P


def codes(findings):
    return sorted(f.code for f in findings)


def test_the_forum_mistakes_are_named_with_object_line_and_fix():
    G, S, P = forum_network()
    found = {f.code: f for f in check(G, S, P)}
    assert set(found) == {"set-without-dynamics", "accumulates-without-decay"}
    clamp = found["set-without-dynamics"]
    assert (clamp.object, clamp.line) == (S.name, "I_int = w")
    assert "stays at the last value" in clamp.message and "+=" in clamp.fix
    accumulates = found["accumulates-without-decay"]
    assert accumulates.object == P.name and accumulates.line.startswith("I_ext +=")
    assert "without decay" in accumulates.message and "decay" in accumulates.fix
    assert str(clamp).startswith("set-without-dynamics: ")


def test_the_forum_network_as_written_has_no_finding():
    assert check(*forum_network(mistakes=False)) == []


def test_a_set_or_add_that_something_brings_back_is_no_mistake():
    P = PoissonGroup(5, 50 * Hz)
    # cleared every step by run_regularly: an input per step, on purpose
    G = NeuronGroup(5, "dv/dt = (I - v)/tau : 1\nI : 1")
    G.run_regularly("I = 0", when="end")
    S = Synapses(P, G, "w : 1", on_pre="I = w")
    S.connect()
    # added to by a pathway, cleared by the postsynaptic spike
    H = NeuronGroup(5, "dv/dt = (x - v)/tau : 1\nx : 1", threshold="v > 1", reset="v = 0; x = 0")
    T = Synapses(P, H, "w : 1", on_pre="x += w")
    T.connect()
    # a value kept for reading (the time of the last input), read by no equation
    K = NeuronGroup(5, "dv/dt = -v/tau : 1\nlast_input : second")
    U = Synapses(P, K, on_pre="last_input = t")
    U.connect()
    M = StateMonitor(K, "last_input", record=0)
    assert check(P, G, S, H, T, K, U, M) == []


def test_a_summed_target_written_by_something_else_is_overwritten():
    P = PoissonGroup(3, 50 * Hz)
    G = NeuronGroup(3, "dv/dt = (I_syn - v)/tau : 1\nI_syn : 1")
    S = Synapses(G, G, "w : 1\nI_syn_post = w*v_pre : 1 (summed)")
    S.connect()
    right = check(P, G, S)
    assert right == []
    T = Synapses(P, G, "w : 1", on_pre="I_syn += w")
    T.connect()
    found = check(P, G, S, T)
    assert codes(found) == ["summed-overwritten"]
    assert found[0].object == S.name and "I_syn_post" in found[0].line and T.name in found[0].message


@pytest.mark.parametrize("method, tau_fast, unstable", [
    ("euler", 0.04 * ms, True), ("euler", 0.06 * ms, False),  # |1 + dt*lambda| <= 1: dt <= 2 tau
    ("rk2", 0.04 * ms, True), ("rk2", 0.06 * ms, False),
    ("heun", 0.04 * ms, True),
    ("rk4", 0.0355 * ms, True), ("rk4", 0.0365 * ms, False),  # rk4's real limit: dt*|lambda| <= 2.7853
    ("exact", 0.001 * ms, False), ("exponential_euler", 0.001 * ms, False),
])
def test_an_explicit_method_with_dt_too_large_for_the_fastest_time_constant(method, tau_fast, unstable):
    G = NeuronGroup(2, """dv/dt = (g - v)/(10*ms) : 1
                          dg/dt = -g/tau_fast : 1""", method=method, namespace={"tau_fast": tau_fast})
    found = check(G)
    assert codes(found) == (["unstable-dt"] if unstable else [])
    if unstable:
        assert found[0].line == "dg/dt = -g/tau_fast : 1" and "dt" in found[0].fix


def test_the_automatic_method_of_a_nonlinear_model_is_euler_and_is_checked():
    G = NeuronGroup(1, "dv/dt = -v/(0.01*ms) + 0.01*v**2/ms : 1")  # not linear: Brian2 picks euler
    assert codes(check(G)) == ["unstable-dt"]
    H = NeuronGroup(1, "dv/dt = -v/(0.01*ms) : 1")  # linear: exact, stable for any dt
    assert check(H) == []


def test_an_unstable_equilibrium_is_not_a_dt_problem():
    G = NeuronGroup(1, "dv/dt = v/(0.01*ms) : 1", method="euler")  # grows in any method
    assert check(G) == []


def test_per_neuron_time_constants_check_the_fastest():
    G = NeuronGroup(3, "dv/dt = -v/tau_v : 1\ntau_v : second (constant)", method="euler")
    G.tau_v = [10, 5, 1] * ms
    assert check(G) == []
    G.tau_v = [10, 0.01, 1] * ms
    found = check(G)
    assert codes(found) == ["unstable-dt"] and "0.01 ms" in found[0].message


def test_the_stability_functions_against_their_closed_forms():
    for z in (-0.5, -1.5, -2.0, -2.5, -1 + 1j):
        assert growth("euler", z) == pytest.approx(abs(1 + z))
        assert growth("rk2", z) == pytest.approx(abs(1 + z + z * z / 2))
    assert largest_stable_dt("euler", -1000.0, 1.0) == pytest.approx(2e-3, rel=1e-9)
    assert largest_stable_dt("rk4", -1000.0, 1.0) == pytest.approx(2.785293563e-3, rel=1e-6)


def test_a_variable_nothing_uses_is_named():
    G = NeuronGroup(2, "dv/dt = -v/tau : 1\nunused_x : 1")
    found = check(G)
    assert codes(found) == ["unused-variable"]
    assert found[0].object == G.name and found[0].line == "unused_x : 1"
    source = NeuronGroup(1, "dummy : 1", threshold="t > 1*ms")  # a placeholder model: empty on purpose
    assert check(source) == []
    placeholders = NeuronGroup(3, "v : 1\nk : integer\ns : 1 (shared)", threshold="True")
    assert check(placeholders) == []


def test_a_variable_read_recorded_linked_written_or_set_is_used():
    G = NeuronGroup(2, "dv/dt = -v/tau : 1\nx : 1\ny : 1\nz : 1\nq : 1\nr : 1\ns : 1",
                    threshold="v > x", reset="v = 0")
    M = StateMonitor(G, "y", record=0)
    H = NeuronGroup(2, "z_link : 1 (linked)")
    H.z_link = linked_var(G, "z")
    G.run_regularly("q = 1")
    S = Synapses(G, G, on_pre="r_post += 1")
    S.connect(j="i")
    G.s = 3  # set by the user: kept for reading afterwards
    assert check(G, M, H, S) == []
    assert check(Network(G, M, H, S)) == []


def test_an_outside_name_shadowing_a_model_variable_is_named_in_brian2s_words():
    v = 3  # noqa: F841  (the outside name the check finds)
    G = NeuronGroup(2, "dv/dt = -v/tau : 1")
    found = check(G)
    assert codes(found) == ["shadowed-constant"]
    assert found[0].message == (f"'v' is an internal variable of group '{G.name}', but also exists in the run "
                                "namespace with the value 3. The internal variable will be used.")


def test_check_accepts_a_network_and_skips_objects_it_does_not_know():
    G, S, P = forum_network()
    net = Network(G, S, P, SpikeMonitor(G), StateMonitor(G, "v", record=0))
    assert codes(check(net)) == ["accumulates-without-decay", "set-without-dynamics"]
    with pytest.raises(TypeError, match="objects to check"):
        check()


# -- run() ------------------------------------------------------------------------------------

def _run_forum(duration=0.5 * ms):
    G, S, P = forum_network(n=4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run(duration)
    return [str(w.message).split(":")[0] for w in caught if issubclass(w.category, ModelWarning)]


@pytest.fixture
def fresh_warned():
    """Forget which findings were warned (they are warned once per structure per process)."""
    neurogen.session().warned_findings.clear()
    yield
    prefs.checks.enabled = True
    prefs.checks.ignore = []


def test_run_warns_each_finding_once_per_model_structure(fresh_warned):
    assert sorted(_run_forum()) == ["accumulates-without-decay", "set-without-dynamics"]
    neurogen.start_scope()
    assert _run_forum() == []  # the same structure rebuilt (a sweep): no second warning


def test_a_second_run_of_the_same_network_does_not_warn_again(fresh_warned):
    G, S, P = forum_network(n=4)  # noqa: F841  (run() finds them by name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run(0.2 * ms)
        run(0.2 * ms)
    assert len([w for w in caught if issubclass(w.category, ModelWarning)]) == 2


def test_prefs_silence_a_code_or_all_checks(fresh_warned):
    prefs.checks.ignore = ["set-without-dynamics"]
    assert _run_forum() == ["accumulates-without-decay"]
    neurogen.session().warned_findings.clear()
    neurogen.start_scope()
    prefs.checks.ignore = []
    prefs.checks.enabled = False
    assert _run_forum() == []
    with pytest.raises(neurogen.PreferenceError):
        prefs.checks.ignore = "set-without-dynamics"


def test_the_warnings_module_silences_a_code_by_message_or_all_by_category(fresh_warned):
    G, S, P = forum_network(n=4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", message="set-without-dynamics")
        run(0.2 * ms)
    assert [str(w.message).split(":")[0] for w in caught if issubclass(w.category, ModelWarning)] == [
        "accumulates-without-decay"]
    neurogen.session().warned_findings.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=ModelWarning)
        run(0.2 * ms)
    assert [w for w in caught if issubclass(w.category, ModelWarning)] == []


def test_a_correct_model_runs_without_a_model_warning(fresh_warned):
    G, S, P = forum_network(n=4, mistakes=False)  # noqa: F841
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModelWarning)
        run(0.2 * ms)


def test_the_standalone_device_warns_when_the_run_is_recorded(fresh_warned, tmp_path):
    neurogen.set_device("cpp_standalone", directory=str(tmp_path / "project"), build_on_run=False)
    try:
        G, S, P = forum_network(n=4)  # noqa: F841
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            run(0.2 * ms)
        assert sorted(str(w.message).split(":")[0] for w in caught if issubclass(w.category, ModelWarning)) == [
            "accumulates-without-decay", "set-without-dynamics"]
    finally:
        neurogen.reset_device()


def test_a_check_that_cannot_evaluate_a_model_finds_nothing_rather_than_failing():
    G = NeuronGroup(2, "dv/dt = -v/tau + 0*rand()/ms : 1", method="euler")
    assert check(G) == []


def test_a_pulse_added_then_taken_back_does_not_accumulate():
    """Brian2's Izhikevich_2003 example: 'up' adds, 'down' (delayed) takes the same back."""
    G = NeuronGroup(5, "dv/dt = (I - v)/tau : 1\nI : 1", threshold="v > 1", reset="v = 0")
    S = Synapses(G, G, "w : 1", on_pre={"up": "I += w", "down": "I -= w"}, delay={"up": 0 * ms, "down": 1 * ms})
    S.connect(p=0.5)
    assert check(G, S) == []


def test_a_synaptic_variable_with_its_own_equation_is_not_a_neuron_variable_without_one():
    """Brian2's Izhikevich_2007 example: dopamine synapses add to 'd' of STDP synapses, which decays."""
    G = NeuronGroup(2, "dv/dt = -v/tau : 1", threshold="v > 1", reset="v = 0")
    stdp = Synapses(G, G, "w : 1\ndd/dt = -d/tau : 1 (clock-driven)", on_pre="v_post += w*d")
    stdp.connect()
    D = NeuronGroup(1, "dx/dt = -x/tau : 1", threshold="x > 1", reset="x = 0")
    reward = Synapses(D, stdp, on_pre="d_post += 0.1")
    reward.connect()
    assert check(G, stdp, D, reward) == []


def test_a_model_string_shared_by_two_synapses_uses_its_variables_in_both():
    G = NeuronGroup(4, "dv/dt = -v/tau : 1", threshold="v > 1", reset="v = 0")
    model = "w : 1\nlabel : integer (constant)"
    A = Synapses(G, G, model, on_pre="v_post += w")
    B = Synapses(G, G, model, on_pre="v_post -= w")
    A.connect()
    B.connect()
    A.label = 3  # set on one of them only
    assert check(G, A, B) == []


def test_a_sweep_over_a_constant_is_checked_for_each_value(fresh_warned):
    G = NeuronGroup(1, "dv/dt = -v/tau_fast : 1", method="euler")  # noqa: F841  (run() finds it)
    found = []
    for tau_fast in (1 * ms, 0.01 * ms):  # noqa: B007  (run() reads it from this frame)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            run(0.1 * ms)
        found.append([str(w.message).split(":")[0] for w in caught if issubclass(w.category, ModelWarning)])
    assert found == [[], ["unstable-dt"]]


def test_integer_and_boolean_variables_are_labels_not_unused():
    G = NeuronGroup(3, "dv/dt = -v/tau : 1\nlabel : integer\nflag : boolean")
    assert check(G) == []


def test_the_star_import_gives_check_explain_and_model_warning():
    assert {"ModelWarning", "check", "explain"} <= set(neurogen.__all__)
    assert issubclass(neurogen.ModelWarning, UserWarning)


def test_check_skips_network_operations():
    G, S, P = forum_network(mistakes=False)
    op = neurogen.NetworkOperation(lambda: None, dt=1 * ms, name="checked_operation")  # a name: the default takes a number
    assert check(Network(G, S, P, op)) == []
