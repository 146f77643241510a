"""connect(): index arrays, all-to-all, conditions, probabilities, n, generator syntax.

Conditions and generators must give exactly the pairs a direct Python evaluation gives;
probabilities are checked against the binomial distribution (fixed seeds, 4 sigma).
"""
from __future__ import annotations

import numpy as np
import pytest

from neurogen import Hz, NeuronGroup, Synapses, mV, ms, seed


def groups(n_pre=30, n_post=20):
    G = NeuronGroup(n_pre, "x : 1", threshold="x > 1")
    H = NeuronGroup(n_post, "y : 1")
    G.x = "i*0.5"
    H.y = "i*0.25"
    return G, H


def pairs(S):
    return list(zip(S.i.tolist(), S.j.tolist()))


def test_arrays_all_to_all_and_several_calls_add_up():
    G, H = groups(3, 2)
    S = Synapses(G, H, "w : 1")
    S.connect(i=[2, 0], j=[1, 1])
    S.connect()
    S.connect(i=1, j=[0, 1], n=2)
    assert pairs(S) == [(2, 1), (0, 1), (0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1),
                        (1, 0), (1, 0), (1, 1), (1, 1)]
    assert len(S) == S.N == 12 and S.w[:].shape == (12,)


def test_condition_gives_exactly_the_matching_pairs():
    G, H = groups()
    S = Synapses(G, H, "w : 1")
    S.connect(condition="i != j and abs(x_pre - 2*y_post) < 3 and (i + j) % 3 != 0")
    x, y = np.arange(30) * 0.5, np.arange(20) * 0.25
    expected = [(i, j) for i in range(30) for j in range(20)
                if i != j and abs(x[i] - 2 * y[j]) < 3 and (i + j) % 3 != 0]
    assert pairs(S) == expected


def test_generator_syntax_gives_exactly_the_generated_pairs():
    G, H = groups()
    S = Synapses(G, H)
    S.connect(j="k for k in range(i-3, i+4, 2) if k != i", skip_if_invalid=True)
    expected = [(i, k) for i in range(30) for k in range(i - 3, i + 4, 2) if k != i and 0 <= k < 20]
    assert pairs(S) == expected
    S2 = Synapses(G, H)
    S2.connect(j="i % 20")  # one target per source: a plain expression
    assert pairs(S2) == [(i, i % 20) for i in range(30)]
    S3 = Synapses(G, H)
    with pytest.raises(IndexError, match="skip_if_invalid"):
        S3.connect(j="k for k in range(i, i+2)")
    assert len(S3) == 0


def test_n_as_number_and_expression():
    G, H = groups(4, 3)
    S = Synapses(G, H)
    S.connect(condition="i == j", n="i + 1")
    assert pairs(S) == [(0, 0), (1, 1), (1, 1), (2, 2), (2, 2), (2, 2)]
    S2 = Synapses(G, H)
    S2.connect(p=1.0, n=3, condition="j == 0")
    assert pairs(S2) == [(i, 0) for i in range(4) for _ in range(3)]


@pytest.mark.parametrize("p", [0.02, 0.3, "0.5*exp(-abs(i-j)/10.)"])
def test_probabilities_follow_the_binomial_distribution(p):
    seed(11)
    G, H = groups(300, 200)
    S = Synapses(G, H)
    S.connect(p=p)
    i, j = np.meshgrid(np.arange(300), np.arange(200), indexing="ij")
    prob = np.full(i.shape, p) if not isinstance(p, str) else 0.5 * np.exp(-np.abs(i - j) / 10.0)
    mean, var = prob.sum(), (prob * (1 - prob)).sum()
    assert abs(len(S) - mean) < 4 * np.sqrt(var)
    if isinstance(p, str):  # the distance dependence: near pairs far more often than far ones
        near = np.abs(i - j) <= 5
        mean, var = prob[near].sum(), (prob[near] * (1 - prob[near])).sum()
        assert abs(np.sum(np.abs(S.i - S.j) <= 5) - mean) < 4 * np.sqrt(var)


def test_sample_generator_and_its_rate():
    seed(5)
    G, H = groups(200, 100)
    S = Synapses(G, H)
    S.connect(j="k for k in sample(N_post, p=0.1) if k != i")
    n = 200 * 100 - 100
    assert abs(len(S) - 0.1 * n) < 4 * np.sqrt(n * 0.1 * 0.9)
    assert not np.any(S.i == S.j)


def test_same_seed_same_synapses_other_seed_other_synapses():
    def build(value):
        seed(value)
        G, H = groups(50, 50)
        S = Synapses(G, H)
        S.connect(p=0.1)
        return pairs(S)

    first, again, other = build(3), build(3), build(4)
    assert first == again and first != other


def test_bad_connect_arguments():
    G, H = groups(3, 2)
    S = Synapses(G, H)
    with pytest.raises(ValueError, match="probability"):
        S.connect(p=1.5)
    with pytest.raises(TypeError, match="generator"):
        S.connect(j="k for k in range(3)", p=0.5)
    with pytest.raises(TypeError):
        S.connect(i=[0], j=[1], condition="i == j")
    with pytest.raises(Exception, match="unknown_name"):
        S.connect(condition="unknown_name > 0")
    with pytest.raises(Exception, match="does not exist"):
        Synapses(G, H, "w : 1").connect(condition="w > 0")
    assert len(S) == 0


@pytest.mark.parametrize("kwargs", [dict(condition="i + j"), dict(condition="1"), dict(condition="i*1.5"),
                                    dict(condition="x_pre"), dict(j="k for k in range(3) if k")])
def test_a_condition_that_is_not_boolean_is_refused(kwargs):
    """Bug: condition='i + j' was read as i + j != 0; Brian2 raises TypeError ('Condition 'i + j'
    is not a boolean condition'). Brian2 2.9 indexes with the number in a generator's if."""
    G, H = groups(3, 3)
    S = Synapses(G, H)
    with pytest.raises(TypeError, match="is not a boolean expression"):
        S.connect(**kwargs)
    assert len(S) == 0


def test_boolean_conditions_are_accepted():
    G = NeuronGroup(3, "x : 1\nb : boolean\nc = x > 0 : boolean")
    G.b = [True, False, True]
    G.x = [1, 0, 0]
    for condition, expected in (("True", 9), ("b_pre", 6), ("b_post and x_pre > 0", 2), ("not b", 3),
                                ("i != j", 6)):  # Brian2 2.9's counts
        S = Synapses(G, G)
        S.connect(condition=condition)
        assert len(S) == expected, condition


@pytest.mark.parametrize("kwargs", [dict(p=0.5 * Hz), dict(p=0.5 * mV), dict(p=[0.5]), dict(n=1 * mV),
                                    dict(condition="i != j", p=0.5 * Hz), dict(j="i", n=2 * ms)])
def test_a_probability_or_count_with_units_is_refused(kwargs):
    """Bug: p=0.5*Hz was taken as its SI value 0.5 (and 0.5*mV as 0.0005); Brian2 raises
    TypeError ('p must be float or string', 'n must be int or string')."""
    G, H = groups(3, 3)
    S = Synapses(G, H)
    with pytest.raises(TypeError, match=f"{next(iter(set(kwargs) - {'condition', 'j'}))} must be a number"):
        S.connect(**kwargs)
    assert len(S) == 0
    S.connect(p=0.5 * Hz / Hz)  # a dimensionless quantity is a number


@pytest.mark.parametrize("kwargs, message", [
    (dict(p="sqrt(-1.0)"), r"p='sqrt\(-1.0\)' is NaN for i=0, j=0"),
    (dict(condition="i != j", p="0.5*(j > 1) + sqrt(1.0 - i)"), r"is NaN for i=2, j=0"),
    (dict(j="k for k in sample(3, p=log(-1.0*i))"), r"sample\(..., p=\) is NaN for i=1, candidate 0"),
    (dict(n="i - 1"), r"n='i - 1' is -1 for i=0; a number of synapses must not be negative"),
    (dict(j="i", n="-1.0/(i - 2)"), r"is below -2\*\*62 for i=2"),
])
def test_a_probability_that_is_nan_or_a_negative_count_is_an_error(kwargs, message):
    """Bug: p='sqrt(-1.0)' (NaN) and n='i-5' (negative) silently made no synapse; Brian2 raises
    (NameError for NaN, 'negative dimensions are not allowed' for n). Nothing is made."""
    G, H = groups(3, 3)
    S = Synapses(G, H)
    with pytest.raises(ValueError, match=message):
        S.connect(**kwargs)
    assert len(S) == 0
    S.connect(n="i - 0.5")  # between -1 and 1: no synapse, as int() truncates (Brian2 too)
    assert pairs(S) == [(2, 0), (2, 1), (2, 2)]  # n = -0.5, 0.5, 1.5
