"""Differential tests: random model code compiled in every context against plain numpy.

Hypothesis draws the code (``model_strategies``) at fixed seeds; each test builds one network
holding a whole batch (``differential``), so CI checks well over 1,000 expressions and
statements in a handful of compiled modules. A longer search with fresh seeds:
``python tests/differential_campaign.py --batches 20``.
"""
from __future__ import annotations

import numpy as np
import pytest

import differential as d
from model_strategies import collect, condition, numeric, statements

# random code makes NaN and infinities on purpose; neurogen's warnings about them are expected
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def _texts(strategy, count: int, seed: int, outcome: d.Outcome) -> list[str]:
    texts = collect(strategy, count, seed)
    kept = [t for t in texts if d.compiles(t)]
    outcome.refused += [t for t in texts if t not in kept]
    return kept


def _programs(targets: tuple[str, ...], names: tuple[str, ...], count: int, seed: int) -> list:
    programs = collect(statements(targets, names, 6), count, seed)
    return [p for p in programs if all(d.compiles(f"x / ({text})" if op == "/=" else text) for _, op, text in p)]


def _verify(outcome: d.Outcome, minimum: int) -> None:
    assert not outcome.wrong, "compiled code differs from numpy:\n" + outcome.report()
    assert outcome.expressions >= minimum, vars(outcome)
    # most elements must be judged (finite, well-conditioned), or the test would prove little
    assert outcome.compared >= 0.5 * (outcome.compared + outcome.unjudged), vars(outcome)


def test_subexpressions_and_odes():
    outcome = d.Outcome()
    rng = np.random.default_rng(1)
    texts = _texts(numeric(d.NEURON_NAMES), 220, 11, outcome) + _texts(condition(d.NEURON_NAMES), 90, 12, outcome)
    d.run_subexpressions(texts, rng, outcome)
    d.run_odes(_texts(numeric(d.NEURON_NAMES), 200, 13, outcome), rng, outcome)
    _verify(outcome, 480)


def test_thresholds_and_resets():
    outcome = d.Outcome()
    rng = np.random.default_rng(2)
    d.run_thresholds(_texts(condition(d.NEURON_NAMES), 16, 21, outcome), rng, outcome,
                     selected=_texts(condition(d.NEURON_NAMES), 24, 22, outcome))
    d.run_resets(_programs(("r0", "r1", "r2", "r3"), d.NEURON_NAMES, 30, 23), rng, outcome)
    _verify(outcome, 200)


def test_synaptic_code():
    outcome = d.Outcome()
    rng = np.random.default_rng(3)
    d.run_pathways(_programs(("s0", "s1", "s2"), d.SYNAPSE_NAMES, 12, 31), rng, outcome, "pre")
    d.run_pathways(_programs(("s0", "s1", "s2"), d.SYNAPSE_NAMES, 6, 32), rng, outcome, "post")
    d.run_summed(_texts(numeric(d.SYNAPSE_NAMES), 80, 33, outcome), rng, outcome)
    _verify(outcome, 180)


def test_connect_and_assignments():
    outcome = d.Outcome()
    rng = np.random.default_rng(4)
    d.run_connect_conditions(_texts(condition(d.CONNECT_NAMES), 100, 41, outcome),
                             _texts(condition(d.CONNECT_NAMES), 4, 42, outcome), rng, outcome)
    d.run_connect_probabilities(_texts(numeric(d.CONNECT_NAMES), 3, 43, outcome)
                                + _texts(condition(d.CONNECT_NAMES), 2, 45, outcome), rng, outcome)
    d.run_assignments(_texts(numeric(d.NEURON_NAMES), 8, 44, outcome), rng, outcome)
    _verify(outcome, 110)
