"""Standalone: CUBA (4,000 neurons, ~320,000 synapses, 1 s) as a C++ project, against Brian2's
``cpp_standalone``: build time from scratch and run time, in one invocation.

The model is bench_synapses.py's (Brian2's CUBA example with a weight per synapse). Each
child script calls ``set_device('cpp_standalone', directory=..., build_on_run=False)``,
builds the model, ``run(1*second)``, then times
  build   ``device.build(run=False)``: writing the project and compiling it from scratch
          (a fresh project folder and an empty cache for both simulators)
  run     ``device.run()``: the program (a new process) plus reading its results back
and reports the spike count; "script" is the whole child process, which for neurogen also
includes compiling the one-off assignment and connect code that runs before the build
(Brian2 compiles that inside its build). Both run with 1 and 2 OpenMP threads (neurogen
splits only loops of at least 4,096 elements, so CUBA's 4,000 neurons stay on one thread; its
synaptic propagation is serial). A second child of each simulator repeats everything in a
fresh folder (best of 2 is printed).

    BRIAN2_PYTHON=/work/brian2env/bin/python python benchmarks/bench_standalone.py
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_synapses import BODY as SYNAPSES_BODY  # noqa: E402
from models import brian2_python, fresh_dir, note_brian2_skipped, ratio, run_child  # noqa: E402

MODEL = SYNAPSES_BODY.split("_start = _time.perf_counter()")[0] + '''
Ce.connect('i<3200', p=0.02)
Ci.connect('i>=3200', p=0.02)
Ce.w = we
Ci.w = wi
'''

BODY = '''
set_device('cpp_standalone', directory={directory!r}, build_on_run=False)
prefs.devices.cpp_standalone.openmp_threads = {threads}
''' + MODEL + '''
M = SpikeMonitor(P)
run(1*second)
_start = _time.perf_counter()
device.build(run=False)
build_time = _time.perf_counter() - _start
_start = _time.perf_counter()
device.run()
run_time = _time.perf_counter() - _start
report(build=build_time, run=run_time, spikes=int(M.num_spikes))
'''


def measure(backend: str, threads: int) -> dict:
    results = []
    for _ in range(2):
        project = fresh_dir(f"{backend}-project") / "project"
        body = BODY.replace("{directory!r}", repr(str(project))).replace("{threads}", str(threads))
        results.append(run_child(backend, body, fresh_dir(backend)))
    return {"build": min(r["build"] for r in results), "run": min(r["run"] for r in results),
            "script": min(r["wall"] for r in results), "spikes": results[0]["spikes"]}


def main() -> None:
    print("Standalone: CUBA, 4,000 neurons, ~320,000 synapses, run(1*second), dt = 0.1 ms (best of 2)")
    for threads in (1, 2):
        ours = measure("neurogen", threads)
        label = f"{threads} thread{'s' if threads > 1 else ' '}"
        print(f"  neurogen, {label}  build {ours['build']:.2f} s, run {ours['run']:.3f} s, "
              f"script {ours['script']:.2f} s, {ours['spikes']} spikes")
        if brian2_python() is None:
            continue
        theirs = measure("brian2", threads)
        print(f"  Brian2,   {label}  build {theirs['build']:.2f} s, run {theirs['run']:.3f} s, "
              f"script {theirs['script']:.2f} s, {theirs['spikes']} spikes")
        print(f"    build: {ratio(ours['build'], theirs['build'])}; run: {ratio(ours['run'], theirs['run'])}; "
              f"script: {ratio(ours['script'], theirs['script'])}")
    if brian2_python() is None:
        note_brian2_skipped()


if __name__ == "__main__":
    main()
