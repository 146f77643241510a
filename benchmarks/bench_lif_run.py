"""Simulation speed: 10,000 LIF neurons at ~10 Hz, one SpikeMonitor, 1 s at dt = 0.1 ms.

Only the ``run(1*second)`` call is timed, after a ``run(1*ms)`` warm-up in the same process
(so compiling and loading are excluded). The timed run is repeated in the same process (the
simulation just continues); each repeat is one measurement. Single thread for both.

    BRIAN2_PYTHON=/work/brian2env/bin/python python benchmarks/bench_lif_run.py [--repeat N]
"""
from __future__ import annotations

import argparse
import sys
from statistics import median
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from models import (brian2_python, fresh_dir, lif, note_brian2_skipped, ratio, run_child,  # noqa: E402
                    summary, target)

BODY = '''
defaultclock.dt = 0.1*ms
''' + lif(10_000) + '''
run(1*ms)  # warm-up: compiles / loads everything
times, spikes = [], []
for _ in range({repeat}):
    before = M.num_spikes
    start = _time.perf_counter()
    run(1*second)
    times.append(_time.perf_counter() - start)
    spikes.append(int(M.num_spikes - before))
report(times=times, rate=sum(spikes) / (len(spikes) * N * 1.0), spikes=spikes)
'''

TARGET = 0.1


def measure(backend: str, repeat: int) -> dict:
    result = run_child(backend, BODY.replace("{repeat}", str(repeat)), fresh_dir(backend))
    print(f"  {backend:8s} run(1*second): {summary(result['times'])}   "
          f"mean rate {result['rate']:.2f} Hz, spikes per run {result['spikes'][0]}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed run(1*second) calls")
    args = parser.parse_args()

    print("Run benchmark: 10,000 LIF neurons (exact), SpikeMonitor, 1 s at dt = 0.1 ms")
    ours = measure("neurogen", args.repeat)
    print(f"  {'':8s} [{target(min(ours['times']), TARGET)}]")
    if brian2_python() is None:
        note_brian2_skipped()
        return
    theirs = measure("brian2", args.repeat)
    print(f"Ratio (best): {ratio(min(ours['times']), min(theirs['times']))}; "
          f"(median): {ratio(median(ours['times']), median(theirs['times']))}")


if __name__ == "__main__":
    main()
