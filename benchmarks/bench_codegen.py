"""Code generation alone (no compiler) for the 4,000-neuron LIF model (method='exact').

neurogen: the pipeline a cold run() goes through before compiling, called directly:
resolve_externals -> lower_network -> run_passes -> render_network (see network._run and
build._build_network). Imports (sympy, jinja2, neurogen's modules) happen before timing.
The first call in the process is the number that matters (a cold build pays it once);
repeats show what is left once Python-level caches are warm.

Brian2 has no separate code-generation entry point, so we time ``Network.before_run()``:
  - target 'cython' on a warm on-disk cache: code generation plus loading the cached
    extension modules (no compiler runs; the cache is filled by an earlier process);
  - target 'numpy': code generation plus Python's compile() of the generated code.
Both are what each Brian2 run() pays before the first time step, also on a warm cache.

    BRIAN2_PYTHON=/work/brian2env/bin/python python benchmarks/bench_codegen.py [--repeat N]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from models import (brian2_python, fresh_dir, lif, note_brian2_skipped, ratio, run_child,  # noqa: E402
                    summary, target)

NEUROGEN_IMPORTS = '''
import jinja2, sympy
from neurogen.compiler.lower.network import lower_network
from neurogen.frontend.namespace import resolve_externals
from neurogen.compiler.passes import run_passes
from neurogen.compiler.render import render_network
'''

BODY = '''
if BACKEND == 'neurogen':
''' + "".join(f"    {line}\n" for line in NEUROGEN_IMPORTS.strip().splitlines()) + '''
else:
    prefs.codegen.target = '{target}'
''' + lif(4000) + '''
namespace = dict(globals())


def codegen():
    if BACKEND == 'neurogen':
        objects = sorted([G, M], key=lambda o: o._creation_index)
        externals = {id(o): resolve_externals(o, None, namespace) for o in objects}
        return render_network(run_passes(lower_network(objects, externals)))
    net._clocks = {obj.clock for obj in net.sorted_objects}  # as Network.run() does
    net.before_run(namespace)
    net.after_run()


if BACKEND == 'brian2':
    net = Network(G, M)


{prime}
times = []
for _ in range({repeat}):
    start = _time.perf_counter()
    codegen()
    times.append(_time.perf_counter() - start)
report(first=times[0], repeats=times[1:])
'''

TARGET = 0.2


def body(target_name: str = "cython", repeat: int = 5, prime: bool = False) -> str:
    prime_code = "run(defaultclock.dt)  # fill the on-disk cache\nimport sys; sys.exit(0)" if prime else ""
    return BODY.replace("{target}", target_name).replace("{repeat}", str(repeat)).replace("{prime}", prime_code)


def show(label: str, result: dict) -> None:
    print(f"  {label:38s} first call {result['first']:.3f} s;  repeats {summary(result['repeats'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="calls per process (first + repeats)")
    parser.add_argument("--processes", type=int, default=3, help="processes (first call: best/median)")
    args = parser.parse_args()

    print("Code generation benchmark: 4,000-neuron LIF (exact) + SpikeMonitor, no compiler")
    cache = fresh_dir("codegen")
    ours = [run_child("neurogen", body(repeat=args.repeat), cache) for _ in range(args.processes)]
    for r in ours:
        show("neurogen lower+passes+render", r)
    first = [r["first"] for r in ours]
    print(f"  neurogen first call over processes: {summary(first)}   [{target(min(first), TARGET)}]")
    if brian2_python() is None:
        note_brian2_skipped()
        return
    b_cache = fresh_dir("brian2-codegen")
    run_child("brian2", body(prime=True), b_cache)  # compile once so the timed runs are warm
    cython = [run_child("brian2", body("cython", args.repeat), b_cache) for _ in range(args.processes)]
    for r in cython:
        show("Brian2 before_run, cython, warm cache", r)
    numpy = [run_child("brian2", body("numpy", args.repeat), b_cache) for _ in range(args.processes)]
    for r in numpy:
        show("Brian2 before_run, numpy", r)
    b_first = [r["first"] for r in cython]
    n_first = [r["first"] for r in numpy]
    print(f"  Brian2 cython first call over processes: {summary(b_first)}")
    print(f"  Brian2 numpy  first call over processes: {summary(n_first)}")
    print("Ratios (best first call; >1 means neurogen is faster)")
    print(f"  vs Brian2 cython before_run: {ratio(min(first), min(b_first))}")
    print(f"  vs Brian2 numpy  before_run: {ratio(min(first), min(n_first))}")
    best_repeat = min(min(r["repeats"]) for r in ours)
    print(f"  repeats (best): neurogen {best_repeat:.3f} s, "
          f"{ratio(best_repeat, min(min(r['repeats']) for r in cython))} (cython)")


if __name__ == "__main__":
    main()
