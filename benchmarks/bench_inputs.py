"""Inputs: PoissonInput cost against Brian2, and the random generator's throughput against numpy.

PoissonInput: 10,000 neurons (``v : 1``, no dynamics, so the input is all there is to
compute), ``PoissonInput(G, 'v', N=1000, rate=10*Hz, weight=1.0)``, dt = 0.1 ms: each step
draws 10,000 Binomial(1000, 0.001) counts. ``run(1*second)`` after a ``run(1*ms)`` warm-up,
repeated; the same child script for both simulators (Brian2: runtime target ``cython``).
A second case, ``rate=200*Hz`` (N*p = 20 per step), is where Brian2 switches to a normal
approximation while neurogen keeps drawing exact binomials (inversion through a guide table set
up once per step, since p is the same for every neuron; see templates/static/distributions.hpp).

Generator throughput (neurogen only, one process): ``G.x = 'rand()'`` (and ``randn()``,
``poisson(3.5)``) over 10^7 elements on a warm cache, against numpy's ``default_rng``
(PCG64) drawing the same number of values; and binomial counts through PoissonInput
(one step over 10^7 neurons) against ``rng.binomial``.

    BRIAN2_PYTHON=/work/brian2env/bin/python python benchmarks/bench_inputs.py [--repeat N]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from models import TIMED_RUNS, brian2_python, fresh_dir, note_brian2_skipped, ratio, run_child, summary  # noqa: E402

BODY = '''
defaultclock.dt = 0.1*ms
seed(1)
G = NeuronGroup(10000, 'v : 1')
P = PoissonInput(G, 'v', N=1000, rate={rate}*Hz, weight=1.0)
''' + TIMED_RUNS + '''import numpy as _np
report(times=times, mean=float(_np.mean(G.v[:])))
'''


def poisson_input(rate: int, repeat: int) -> None:
    expected = 1000 * rate * 1.0 * (1e-3 + repeat)  # N * rate * weight * simulated time
    body = BODY.replace("{rate}", str(rate)).replace("{repeat}", str(repeat))
    ours = run_child("neurogen", body, fresh_dir("neurogen"))
    print(f"  rate {rate} Hz (N*p = {1000 * rate * 1e-4:g} per step)")
    print(f"    neurogen  run(1*second): {summary(ours['times'])}; mean v {ours['mean']:.0f} "
          f"(expected {expected:.0f})")
    if brian2_python() is None:
        return
    theirs = run_child("brian2", body, fresh_dir("brian2"))
    print(f"    Brian2    run(1*second): {summary(theirs['times'])}; mean v {theirs['mean']:.0f}")
    print(f"    ratio Brian2/neurogen (best): {ratio(min(ours['times']), min(theirs['times']))}")


def throughput(repeat: int) -> None:
    """Values per second: neurogen's compiled draws vs numpy's generator, same process."""
    import os
    import tempfile

    os.environ["NEUROGEN_CACHE_DIR"] = tempfile.mkdtemp(prefix="neurogen-bench-rng-")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from neurogen import Hz, NeuronGroup, Network, PoissonInput, defaultclock, ms, seed

    n = 10_000_000
    rng = np.random.default_rng(1)
    seed(1)
    G = NeuronGroup(n, "x : 1")

    def best(action) -> float:
        action()  # warm-up (compiles once)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            action()
            times.append(time.perf_counter() - start)
        return min(times)

    rows = [("uniform  rand()", lambda: setattr(G, "x", "rand()"), lambda: rng.random(n)),
            ("normal   randn()", lambda: setattr(G, "x", "randn()"), lambda: rng.standard_normal(n)),
            ("Poisson  poisson(3.5)", lambda: setattr(G, "x", "poisson(3.5)"), lambda: rng.poisson(3.5, n))]
    defaultclock.dt = 0.1 * ms
    H = NeuronGroup(n, "v : 1")
    P = PoissonInput(H, "v", N=1000, rate=10 * Hz, weight=1.0)
    net = Network(H, P)
    rows.append(("binomial Binomial(1000, 0.001) via PoissonInput", lambda: net.run(0.1 * ms),
                 lambda: rng.binomial(1000, 0.001, n)))
    print(f"  generator throughput, {n:.0e} values (best of {repeat}; numpy: default_rng, PCG64)")
    for label, ours, numpy_draw in rows:
        a, b = best(ours), best(numpy_draw)
        print(f"    {label:<50} neurogen {n / a / 1e6:7.1f} M/s   numpy {n / b / 1e6:7.1f} M/s   "
              f"ratio numpy/neurogen time {b / a:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("PoissonInput: 10,000 neurons, N=1000 sources each, dt = 0.1 ms, run(1*second)")
    for rate in (10, 200):
        poisson_input(rate, args.repeat)
    if brian2_python() is None:
        note_brian2_skipped()
    throughput(args.repeat)


if __name__ == "__main__":
    main()
