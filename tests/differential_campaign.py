"""A long differential campaign: fresh random model code through every context, many batches.

    python tests/differential_campaign.py --batches 20 [--seed 7]

Each batch compiles one network per context group with hundreds of expressions (see
``differential.py``) and compares every element with numpy. Prints the counts and every
mismatch; exits non-zero if any was found. CI runs a fixed-seed version (test_differential.py).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
os.environ.setdefault("NEUROGEN_CACHE_DIR", tempfile.mkdtemp(prefix="neurogen-campaign-"))

import neurogen  # noqa: E402
import differential as d  # noqa: E402
from model_strategies import collect, condition, numeric, statements  # noqa: E402


def batch(seed: int, outcome: d.Outcome) -> None:
    rng = np.random.default_rng(seed)
    seeds = iter(range(seed * 100, seed * 100 + 100))

    def texts(strategy, count):
        drawn = collect(strategy, count, next(seeds))
        kept = [t for t in drawn if d.compiles(t)]
        outcome.refused += [t for t in drawn if t not in kept]
        return kept

    def programs(targets, names, count):
        drawn = collect(statements(targets, names, 6), count, next(seeds))
        return [p for p in drawn if all(d.compiles(f"x / ({t})" if op == "/=" else t) for _, op, t in p)]

    runs = [
        lambda: d.run_subexpressions(texts(numeric(d.NEURON_NAMES), 200) + texts(condition(d.NEURON_NAMES), 80),
                                     rng, outcome),
        lambda: d.run_odes(texts(numeric(d.NEURON_NAMES), 200), rng, outcome),
        lambda: d.run_thresholds(texts(condition(d.NEURON_NAMES), 12), rng, outcome,
                                 selected=texts(condition(d.NEURON_NAMES), 40)),
        lambda: d.run_resets(programs(("r0", "r1", "r2", "r3"), d.NEURON_NAMES, 30), rng, outcome),
        lambda: d.run_pathways(programs(("s0", "s1", "s2"), d.SYNAPSE_NAMES, 12), rng, outcome, "pre"),
        lambda: d.run_pathways(programs(("s0", "s1", "s2"), d.SYNAPSE_NAMES, 6), rng, outcome, "post"),
        lambda: d.run_summed(texts(numeric(d.SYNAPSE_NAMES), 80), rng, outcome),
        lambda: d.run_connect_conditions(texts(condition(d.CONNECT_NAMES), 100), texts(condition(d.CONNECT_NAMES), 2),
                                         rng, outcome),
        lambda: d.run_connect_probabilities(texts(numeric(d.CONNECT_NAMES), 2) + texts(condition(d.CONNECT_NAMES), 2),
                                            rng, outcome),
        lambda: d.run_assignments(texts(numeric(d.NEURON_NAMES), 4), rng, outcome),
    ]
    for run in runs:
        neurogen.start_scope()
        run()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=RuntimeWarning)  # random code makes NaN on purpose
    outcome = d.Outcome()
    start = time.perf_counter()
    for k in range(args.batches):
        batch(args.seed + k, outcome)
        print(f"batch {k + 1}/{args.batches} (seed {args.seed + k}): {outcome.expressions} expressions and "
              f"statements, {outcome.compared} elements compared, {outcome.unjudged} not judged, "
              f"{len(outcome.refused)} refused at compile time, {len(outcome.wrong)} wrong "
              f"({time.perf_counter() - start:.0f} s)", flush=True)
    if outcome.wrong:
        print("MISMATCHES:\n" + outcome.report())
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
