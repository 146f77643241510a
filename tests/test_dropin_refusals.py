"""Issue 12, part 7: a Brian2 feature neurogen does not support yet raises ``NotImplementedError``
naming the feature — never a ``NameError`` (which reads as a typo), an ``AttributeError`` ("has no
variable 'run_regularly'") or a silently different simulation."""
from __future__ import annotations

import re

import pytest

import neurogen
from neurogen import *
from neurogen.objects.unsupported import FEATURES


@pytest.mark.parametrize("name", sorted(FEATURES))
def test_every_missing_brian2_name_exists_and_refuses_naming_the_feature(name):
    namespace: dict = {}
    exec("from neurogen import *", namespace)
    placeholder = namespace[name]
    feature = FEATURES[name][0]
    with pytest.raises(NotImplementedError, match=rf"^{name}: .*a Brian2 feature neurogen does not support yet"):
        placeholder()
    with pytest.raises(NotImplementedError, match=re.escape(feature)):
        placeholder(1, key=2)
    assert not isinstance(3, placeholder) if name[0].isupper() else True


@pytest.mark.parametrize("method", ["gsl_rk45", "gsl", ["gsl_rk2", "euler"]])
def test_gsl_integration_is_refused_when_the_group_is_made(method):
    with pytest.raises(NotImplementedError, match=r"NeuronGroup 'n': integration method 'gsl.*': Brian2's GSL "):
        NeuronGroup(2, "dv/dt = -v/ms : 1", method=method, name="n")


def test_a_method_that_is_no_name_is_a_type_error():
    with pytest.raises(TypeError, match=r"NeuronGroup 'n': method= must be the name of an integration method"):
        NeuronGroup(2, "dv/dt = -v/ms : 1", method=3, name="n")


def test_single_precision_is_refused_rather_than_silently_computed_in_double():
    with pytest.raises(NotImplementedError, match="float32: single-precision simulation"):
        prefs.core.default_float_dtype = float32
    assert prefs.core.default_float_dtype == "float64"
    prefs.core.default_float_dtype = float64  # what the scripts that compare both set back
    prefs.core.default_float_dtype = "float64"
    with pytest.raises(neurogen.PreferenceError, match="must be float64 or float32"):
        prefs.core.default_float_dtype = "int"


def test_brian2_targets_and_logging_preferences_are_taken():
    for target in ("numpy", "cython", "auto"):
        prefs.codegen.target = target  # all compiled here: the same results
    prefs.codegen.target = "cython"
    with pytest.raises(neurogen.PreferenceError, match="prefs.codegen.target must be"):
        prefs.codegen.target = "weave"
    prefs.logging.std_redirection = False  # Brian2's Kremer et al. example sets it
    prefs.logging.std_redirection = True


def test_a_list_of_methods_uses_the_first_that_applies_as_brian2():
    results = {}
    for method in (["exact", "euler"], "euler"):
        start_scope()
        G = NeuronGroup(2, "dv/dt = -v**2/(10*ms) : 1", method=method)  # not linear: exact does not apply
        G.v = [1, 2]
        run(1 * ms)
        results[str(method)] = G.v[:].copy()
    assert results["['exact', 'euler']"].tolist() == results["euler"].tolist()
    with pytest.raises(neurogen.EquationError, match=r"none of the integration methods given applies: 'exact': "):
        start_scope()
        H = NeuronGroup(2, "dv/dt = -v**2/(10*ms) : 1", method=("exact", "linear"))
        run(0.1 * ms)
    assert H.N == 2


@pytest.mark.parametrize("argument, value, feature", [
    ("dtype", {"v": "float32"}, "per-variable data types"),
    ("method_options", {"x": 1}, "options of integration methods"), ("codeobj_class", object, "choosing the code object class")])
def test_brian2_arguments_neurogen_cannot_honour_are_refused_naming_them(argument, value, feature):
    with pytest.raises(NotImplementedError, match=rf"NeuronGroup 'n': the argument {argument}= \({feature}"):
        NeuronGroup(2, "v : 1", name="n", **{argument: value})
    NeuronGroup(2, "v : 1", **{argument: None})  # Brian2's defaults are fine


def test_the_fourth_positional_argument_is_method_options_as_in_brian2():
    with pytest.raises(NotImplementedError, match="method_options="):
        NeuronGroup(2, "v : 1", "euler", "v > 1")  # Brian2 reads 'v > 1' as method_options too


def test_attributes_of_missing_classes_refuse_naming_the_feature_too():
    with pytest.raises(NotImplementedError, match="Morphology: multicompartment neurons"):
        Morphology.from_file("neuron.swc")
