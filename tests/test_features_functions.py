"""Issue 13 part 7: user functions in model code, as Brian2's "User-provided functions".

``Function(pyfunc, arg_units=, return_unit=)`` with a C++ implementation, ``@implementation('cpp',
code)`` on a ``@check_units`` function (Brian2 makes it a Function), ``dependencies`` and ``name``,
``declare_types``; a function with only Python code is refused (model code runs as compiled C++).
Results are compared with the same arithmetic in numpy.
"""
from __future__ import annotations

import shutil
from math import erf as math_erf

import numpy as np
import pytest

from neurogen import *
from neurogen.errors import EquationError
from runtime_device import back_to_runtime

tau = 10 * ms


def _scaled(cpp_factor: str = "2.0"):
    """``scaled(x) = factor*x`` for a voltage, with its C++ body."""
    @implementation("cpp", f"double scaled(double x) {{ return {cpp_factor}*x; }}")
    @check_units(x=volt, result=volt)
    def scaled(x):
        return float(cpp_factor) * x
    return scaled


def _relax_to(function, name="scaled"):
    """``dv/dt = (f(v0) - v)/tau`` from 0 for 1 ms: v = f(v0)*(1 - exp(-t/tau)) (exact method)."""
    G = NeuronGroup(3, f"dv/dt = ({name}(v0) - v)/tau : volt\nv0 : volt", method="exact",
                    namespace={name: function, "tau": tau})
    G.v0 = [1, 2, -3] * mV
    run(1 * ms)
    return np.asarray(G.v_)


def test_implementation_on_a_check_units_function_runs_in_the_compiled_loop():
    got = _relax_to(_scaled())
    expected = 2.0 * np.array([1e-3, 2e-3, -3e-3]) * (1 - np.exp(-0.1))
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_changed_cpp_code_is_a_new_build():
    """The front-end key holds the C++ code: a changed implementation is compiled, never the old one reused."""
    first = _relax_to(_scaled("2.0"))
    start_scope()
    second = _relax_to(_scaled("3.0"))
    np.testing.assert_allclose(second, first * 1.5, rtol=1e-12)


def test_function_with_arg_units_and_add_implementation():
    def gain(x, g):
        return x * g
    f = Function(gain, arg_units=[volt, 1], return_unit=volt)
    f.implementations.add_implementation("cpp", "double gain(double x, double g) { return x*g; }")
    f.implementations.add_implementation("numpy", gain)  # other targets: kept, not used
    G = NeuronGroup(2, "v = gain(v0, k) : volt\nv0 : volt\nk : 1", namespace={"gain": f})
    G.v0 = [1, 2] * mV
    G.k = [3, -0.5]
    M = StateMonitor(G, "v", record=True)
    run(0.2 * ms)
    np.testing.assert_allclose(np.asarray(M.v_)[:, 0], [3e-3, -1e-3], rtol=1e-12)
    assert f(2.0, 3.0) == 6.0  # calling a Function from Python calls its Python body


def test_dependencies_and_name_as_brian2_allows():
    """``name=``: the C++ name differs from the model's; ``dependencies``: code another
    function's code calls, placed before it and once even when called from two places."""
    square = Function(lambda x: x * x, arg_units=[1], return_unit=1)
    square.implementations.add_implementation("cpp", "double square_impl(double x) { return x*x; }",
                                              name="square_impl")

    @implementation("cpp", "double clip(double x) { return square_impl(x) + 1.0; }", name="clip",
                    dependencies={"square_impl": square})
    @check_units(x=1, result=1)
    def plus_one_squared(x):
        return x * x + 1

    G = NeuronGroup(3, "y = plus_one_squared(x) + square(x) : 1\nx : 1",
                    namespace={"plus_one_squared": plus_one_squared, "square": square})
    G.x = [0.5, -2, 3]
    M = StateMonitor(G, "y", record=True)
    run(0.1 * ms)
    x = np.array([0.5, -2, 3])
    np.testing.assert_allclose(np.asarray(M.y)[:, 0], 2 * x * x + 1, rtol=1e-12)


def test_declared_types_integer_and_boolean_results():
    @implementation("cpp", "int half_floor(int n) { return n / 2; }")
    @declare_types(n="integer", result="integer")
    @check_units(n=1, result=1)
    def half_floor(n):
        return n // 2

    @implementation("cpp", "bool above(double v, double limit) { return v > limit; }")
    @check_units(v=volt, limit=volt, result=bool)
    def above(v, limit):
        return v > limit

    G = NeuronGroup(4, "m = half_floor(i)/2 : 1\nb = 3*above(v, 1*mV) : 1\nv : volt")
    G.v = [0, 2, 0.5, 3] * mV
    M = StateMonitor(G, ["m", "b"], record=True)
    run(0.1 * ms)
    np.testing.assert_array_equal(np.asarray(M.m)[:, 0], [0, 0, 0.5, 0.5])  # (i // 2)/2, not integer 0
    np.testing.assert_array_equal(np.asarray(M.b)[:, 0], [0, 3, 0, 3])


def test_stateful_function_is_called_every_step_for_every_element():
    """``stateless=False``: never hoisted out of the loop, even with arguments that are the same
    for every element (a counter sees every call)."""
    counter = Function(lambda scale: 0.0, arg_units=[1], return_unit=1, stateless=False)
    counter.implementations.add_implementation(
        "cpp", "double next_count(double scale) { static double n = 0.0; n += 1.0; return scale*n; }",
        name="next_count")
    H = NeuronGroup(3, "dx/dt = counter(scale)/ms : 1", method="euler",
                    namespace={"counter": counter, "scale": 2.0})
    run(0.2 * ms)
    # 2 steps x 3 elements = 6 calls: dt/ms * 2 * ((1+2+3) for the first step, (4+5+6) for the second)
    np.testing.assert_allclose(np.asarray(H.x), 0.2 * (np.array([1, 2, 3]) + np.array([4, 5, 6])), rtol=1e-12)


def test_subexpression_calling_a_function_reads_from_python_with_its_python_body():
    G = NeuronGroup(2, "y = scaled(v0) : volt\nv0 : volt", namespace={"scaled": _scaled()})
    G.v0 = [1, 2] * mV
    np.testing.assert_allclose(np.asarray(G.y_), [2e-3, 4e-3])


@pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake")
def test_user_functions_in_standalone(tmp_path):
    set_device("cpp_standalone", directory=tmp_path / "project")
    try:
        got = _relax_to(_scaled())
    finally:
        back_to_runtime()
    expected = 2.0 * np.array([1e-3, 2e-3, -3e-3]) * (1 - np.exp(-0.1))
    np.testing.assert_allclose(got, expected, rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# refusals and unit errors


def test_python_only_function_is_refused_naming_it_and_the_fix():
    @check_units(x=volt, result=volt)
    def only_python(x):
        return x

    G = NeuronGroup(1, "dv/dt = (only_python(v) - v)/tau : volt")
    with pytest.raises(NotImplementedError, match=r"'only_python' has only a Python implementation.*"
                                                  r"@implementation\('cpp', code\)"):
        run(0.1 * ms)


def test_a_dependency_without_cpp_is_refused_naming_the_chain():
    helper = Function(lambda x: x, arg_units=[1], return_unit=1)

    @implementation("cpp", "double outer(double x) { return helper(x); }", dependencies={"helper": helper})
    @check_units(x=1, result=1)
    def outer(x):
        return x

    G = NeuronGroup(1, "y = outer(x) : 1\nx : 1")
    M = StateMonitor(G, "y", record=0)
    with pytest.raises(NotImplementedError, match=r"'helper' \(needed by outer\) has only a Python implementation"):
        run(0.1 * ms)


def test_function_without_units_is_refused_as_brian2_does():
    def plain(x):
        return x
    with pytest.raises(ValueError, match="'plain' does not specify how it deals with units"):
        Function(plain)
    with pytest.raises(ValueError, match="'plain' does not specify how it deals with units"):
        implementation("cpp", "double plain(double x) { return x; }")(plain)


@pytest.mark.parametrize("model, error, message", [
    ("dv/dt = (scaled(v0/mV) - v)/tau : volt\nv0 : volt", DimensionMismatchError, r"argument 1 of scaled\(\) must be in V"),
    ("dv/dt = (scaled(v0) - v)/tau : 1\nv0 : volt", DimensionMismatchError, r"scaled\(v0\) - v.*units are V and 1"),
    ("dv/dt = (scaled(v0, v0) - v)/tau : volt\nv0 : volt", EquationError, r"scaled\(\) takes 1 argument"),
])
def test_units_and_arguments_are_checked(model, error, message):
    G = NeuronGroup(1, model, namespace={"scaled": _scaled(), "tau": tau})
    with pytest.raises(error, match=message):
        run(0.1 * ms)


def test_two_implementations_under_one_cpp_name_are_refused():
    a = Function(lambda x: x, arg_units=[1], return_unit=1)
    a.implementations.add_implementation("cpp", "double f(double x) { return x; }", name="f")
    b = Function(lambda x: x, arg_units=[1], return_unit=1)
    b.implementations.add_implementation("cpp", "double f(double x) { return 2*x; }", name="f")
    G = NeuronGroup(1, "y = a(x) + b(x) : 1\nx : 1", namespace={"a": a, "b": b})
    M = StateMonitor(G, "y", record=0)
    with pytest.raises(ValueError, match=r"two different C\+\+ implementations of the user function .f."):
        run(0.1 * ms)


def test_unsupported_implementation_options_are_refused_naming_them():
    @implementation("cpp", "double g(double x) { return x; }", libraries=["m"])
    @check_units(x=1, result=1)
    def g(x):
        return x

    G = NeuronGroup(1, "y = g(x) : 1\nx : 1")
    M = StateMonitor(G, "y", record=0)
    with pytest.raises(NotImplementedError, match="libraries"):
        run(0.1 * ms)


# ---------------------------------------------------------------------------------------------
# (constant over dt) subexpressions: Brian2's SubexpressionUpdater, 'before_start' of every step

# Brian2 2.9.0 (numpy target) for _COD_MODEL with v = [0.1, 0.9], 3 steps of 0.1 ms:
COD_V = [[0.1, 0.1, 0.10062790519529313], [0.9, 0.0, 0.0006279051952931338]]
COD_I = [[0.1, 0.1627905195293134, 0.2259611387595974], [0.9, 0.06279051952931337, 0.12596113875959739]]
COD_FINAL = {"I": [0.2259611387595974, 0.12596113875959739], "J": [0.2892625521166608, 0.1892625521166608],
             "v": [0.10188123753093617, 0.0018812375309361765]}
_COD_MODEL = '''dv/dt = (I - v)/(10*ms) : 1
I = sin(2*pi*100*Hz*t) + v : 1 (constant over dt)
J = sin(2*pi*100*Hz*t) + v : 1'''


def _constant_over_dt_run():
    G = NeuronGroup(2, _COD_MODEL, method="euler", threshold="v > 0.5", reset="v = 0", name="cod")
    G.v = [0.1, 0.9]
    M = StateMonitor(G, ["v", "I", "J"], record=True)
    net = Network(G, M)
    net.run(0.3 * ms)
    return G, M, net


def _check_constant_over_dt(G, M):
    """I is computed before the monitor records ('start') and before the state update: at the
    step's start, from v after the previous step's reset; J (plain) is computed where it is read."""
    np.testing.assert_allclose(np.asarray(M.v), COD_V, rtol=1e-9)
    np.testing.assert_allclose(np.asarray(M.I), COD_I, rtol=1e-9)
    np.testing.assert_allclose(np.asarray(M.J), COD_I, rtol=1e-9)  # recorded at 'start': the same values
    for name, values in COD_FINAL.items():  # after the run: I is stored, J computed now
        np.testing.assert_allclose(np.asarray(getattr(G, name)), values, rtol=1e-9)


def test_constant_over_dt_is_brian2s_subexpression_update():
    G, M, net = _constant_over_dt_run()
    _check_constant_over_dt(G, M)
    first = str(net.scheduling_summary()).splitlines()[2]
    assert "cod_subexpression_update (SubexpressionUpdater)" in first and "before_start" in first
    G.I = 5  # a stored variable, writable as in Brian2 (the next step computes it again)
    assert list(np.asarray(G.I)) == [5.0, 5.0]


@pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake")
def test_constant_over_dt_in_standalone(tmp_path):
    set_device("cpp_standalone", directory=tmp_path / "project")
    try:
        G, M, _ = _constant_over_dt_run()
        _check_constant_over_dt(G, M)
    finally:
        back_to_runtime()


def test_constant_over_dt_random_value_is_one_draw_per_step_used_everywhere():
    """``r = rand()`` flagged: one number per neuron and step, the same for every use in it."""
    seed(11)
    G = NeuronGroup(50, "r = rand() : 1 (constant over dt)\ndx/dt = r/ms : 1\ny = 2*r : 1", method="euler")
    M = StateMonitor(G, ["r", "x", "y"], record=True)
    run(2 * ms)
    r, x, y = np.asarray(M.r), np.asarray(M.x), np.asarray(M.y)
    np.testing.assert_allclose(np.diff(x, axis=1), 0.1 * r[:, :-1], rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(y, 2 * r)
    assert np.all((r >= 0) & (r < 1)) and len(np.unique(r)) == r.size  # a new number every time


def test_constant_over_dt_in_synapses_is_refused_naming_it():
    G = NeuronGroup(2, "v : 1")
    with pytest.raises(NotImplementedError, match=r"constant over dt.*Synapses"):
        Synapses(G, G, "r = rand() : 1 (constant over dt)")


def test_a_function_used_as_a_value_is_an_error():
    f = Function(lambda x: x, arg_units=[1], return_unit=1)
    G = NeuronGroup(1, "y = f + 1 : 1", namespace={"f": f})
    M = StateMonitor(G, "y", record=0)
    with pytest.raises(EquationError, match="'f' was used like a variable/constant, but it is a function"):
        run(0.1 * ms)


def test_functions_in_string_assignments_synaptic_code_headers_and_macros():
    """A call in ``G.v = '...'`` and in ``on_pre`` (one-off and pathway kernels); ``headers=``
    and ``define_macros=`` reach the generated code (and the macro ends with the user code)."""
    @implementation("cpp", "double shifted(double x) { return std::fma(x, 1.0, OFFSET); }",
                    headers=["<cmath>"], define_macros=[("OFFSET", "0.25")])
    @check_units(x=1, result=1)
    def shifted(x):
        return x + 0.25

    G = NeuronGroup(3, "x : 1", threshold="i == 0")
    G.x = "shifted(i)"
    np.testing.assert_allclose(np.asarray(G.x), [0.25, 1.25, 2.25])
    S = Synapses(G, G, on_pre="x_post = shifted(x_post)")
    S.connect(i=0, j=[1, 2])
    run(0.25 * ms)  # steps at 0, 0.1, 0.2 ms: three spikes of neuron 0, each shifting x of 1 and 2
    np.testing.assert_allclose(np.asarray(G.x), [0.25, 2.0, 3.0])


def test_includes_in_the_code_and_a_function_cpp_already_has():
    """``#include`` lines of the code go before the user namespace (a header inside it would
    break); ``code=None`` with ``name=``: a function C++ already has (here C's erf)."""
    @implementation("cpp", """
    #include <complex>
    double summed3(double a) { return std::real(std::complex<double>(6*a, 1.0)); }
    """)
    @check_units(a=1, result=1)
    def summed3(a):
        return 6 * a

    erf = Function(lambda x: x, arg_units=[1], return_unit=1)
    erf.implementations.add_implementation("cpp", None, name="erf")
    G = NeuronGroup(2, "y = summed3(x) + erf(x) : 1\nx : 1", namespace={"summed3": summed3, "erf": erf})
    G.x = [0.5, -1]
    M = StateMonitor(G, "y", record=True)
    run(0.1 * ms)
    np.testing.assert_allclose(np.asarray(M.y)[:, 0], [3 + math_erf(0.5), -6 + math_erf(-1)], rtol=1e-14)


@pytest.mark.parametrize("call, received", [
    ("half_floor(x)", r"\['float'\]"),          # a float would be truncated by C++'s int parameter
    ("half_floor(i > 1)", r"\['boolean'\]"),
    ("half_floor(i/2)", r"\['float'\]"),
])
def test_declared_argument_types_are_checked_as_brian2_does(call, received):
    """Brian2 2.9 refuses each of these with this TypeError; ``half_floor(i)`` and
    ``half_floor(i + 1)`` (integers) run."""
    @implementation("cpp", "int half_floor(int n) { return n / 2; }")
    @declare_types(n="integer", result="integer")
    @check_units(n=1, result=1)
    def half_floor(n):
        return n // 2

    G = NeuronGroup(2, f"m = {call} : 1\nx : 1")
    M = StateMonitor(G, "m", record=True)
    with pytest.raises(TypeError, match=r"Function 'half_floor' takes arguments with types \['integer'\] but "
                                        r"received " + received):
        run(0.1 * ms)


def test_functions_in_connect_conditions():
    @implementation("cpp", "int parity_difference(int a, int b) { return (a - b) % 2; }")
    @declare_types(a="integer", b="integer", result="integer")
    @check_units(a=1, b=1, result=1)
    def parity_difference(a, b):
        return (a - b) % 2

    G = NeuronGroup(4, "v : 1")
    S = Synapses(G, G)
    S.connect(condition="parity_difference(i, j) == 0 and i != j")
    assert sorted(zip(np.asarray(S.i).tolist(), np.asarray(S.j).tolist())) == [(0, 2), (1, 3), (2, 0), (3, 1)]
