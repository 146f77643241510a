"""Many small objects of one structure: N LIF groups of 10 neurons, each with a SpikeMonitor.

What it measures is how compile time grows with the number of *objects* when they all have
one structure (issue 11, part 5): neurogen compiles one kernel per distinct structure and
calls it once per object, so a first run should cost about the same for 100 or 400 groups.

For each N (default 100, 200, 400), every measurement a new ``python script.py`` process:

  first run   a fresh cache folder holding only the Cython shell (copied from a first build),
              so the model is compiled and the shell is not
  warm run    the same script again on that folder: everything cached

Brian2 runs the same script with runtime target ``numpy`` (no compiler: its first run is its
warm run) and, with ``--cython``, target ``cython`` on a fresh and then the filled
``$CYTHON_CACHE_DIR`` (slow: Brian2's generated code names each object's arrays, so it
compiles a module per object, several seconds each: N = 100 took more than 20 minutes). The run is short (``run(10*ms)``, 100 steps): the number that matters
is the set-up before the first step, which the child reports as ``run()``'s time apart from
its import. The spike count is the same in both simulators (no randomness).

    BRIAN2_PYTHON=/work/b2venv/bin/python python benchmarks/bench_many_groups.py [--groups 100 200 400] [--cython]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import shell_only_copy  # noqa: E402
from models import brian2_python, fresh_dir, note_brian2_skipped, ratio, run_child  # noqa: E402

BODY = '''
prefs.codegen.target = {target!r}
tau = 20*ms
groups, monitors = [], []
for k in range({n}):
    G = NeuronGroup(10, """dv/dt = (v0 - v)/tau : volt (unless refractory)
                          v0 : volt""",
                    threshold='v > -50*mV', reset='v = -60*mV', refractory=5*ms, method='exact')
    G.v = -50.5*mV
    G.v0 = linspace(-56, -46, 10)*mV
    groups.append(G)
    monitors.append(SpikeMonitor(G))
_T_MADE = _time.perf_counter()
net = Network(groups, monitors)  # Brian2's run() would not collect objects held in lists
net.run(10*ms)
_T_RUN = _time.perf_counter()
report(import_time=_T_IMPORT - _T0, make=_T_MADE - _T_IMPORT, run=_T_RUN - _T_MADE,
       spikes=sum(int(m.num_spikes) for m in monitors))
'''

SHELL_ONLY = '''
G = NeuronGroup(1, 'v : 1')
run(0.1*ms)
'''


def body(n: int, target: str = "cython") -> str:
    return BODY.format(n=n, target=target)


def line(label: str, result: dict) -> str:
    return (f"    {label:<22} whole process {result['wall']:7.2f} s   run() {result['run']:7.2f} s   "
            f"objects made {result['make']:5.2f} s   compiled libraries {result['compiles']}   "
            f"spikes {result['spikes']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, nargs="+", default=[100, 200, 400],
                        help="numbers of groups (each with its SpikeMonitor)")
    parser.add_argument("--cython", action="store_true", help="also run Brian2 with target 'cython' (a compile per object: very slow)")
    args = parser.parse_args()

    print("Many groups: N NeuronGroups of 10 LIF neurons (exact) + N SpikeMonitors, run(10*ms)")
    shell_source = fresh_dir("shell")
    run_child("neurogen", SHELL_ONLY, shell_source)  # builds the shell (and a one-line model)
    ours: dict[int, tuple[dict, dict]] = {}
    theirs: dict[int, dict[str, dict]] = {}
    for n in args.groups:
        print(f"N = {n}")
        folder = shell_only_copy(shell_source)
        first = run_child("neurogen", body(n), folder)
        warm = run_child("neurogen", body(n), folder)
        ours[n] = (first, warm)
        print(line("neurogen first run", first))
        print(line("neurogen warm run", warm))
        if brian2_python() is None:
            continue
        theirs[n] = {"numpy": run_child("brian2", body(n, "numpy"), fresh_dir("brian2-numpy"))}
        print(line("Brian2 numpy", theirs[n]["numpy"]))
        if args.cython:
            cython_dir = fresh_dir("brian2-cython")
            theirs[n]["cython cold"] = run_child("brian2", body(n, "cython"), cython_dir)
            theirs[n]["cython warm"] = run_child("brian2", body(n, "cython"), cython_dir)
            print(line("Brian2 cython, cold", theirs[n]["cython cold"]))
            print(line("Brian2 cython, warm", theirs[n]["cython warm"]))

    if len(args.groups) > 1:
        low, high = min(args.groups), max(args.groups)
        growth = ours[high][0]["run"] / ours[low][0]["run"]
        print(f"Growth of neurogen's first run() from N = {low} to {high} ({high / low:g}x the objects): "
              f"{growth:.2f}x")
    if brian2_python() is None:
        note_brian2_skipped()
        return
    print("Ratios (whole process; >1 means neurogen is faster)")
    for n in args.groups:
        first, warm = ours[n]
        parts = [f"first run vs Brian2 numpy {ratio(first['wall'], theirs[n]['numpy']['wall'])}",
                 f"warm run vs Brian2 numpy {ratio(warm['wall'], theirs[n]['numpy']['wall'])}"]
        if args.cython:
            parts += [f"first run vs cython cold {ratio(first['wall'], theirs[n]['cython cold']['wall'])}",
                      f"warm run vs cython warm {ratio(warm['wall'], theirs[n]['cython warm']['wall'])}"]
        print(f"  N = {n}: " + "; ".join(parts))


if __name__ == "__main__":
    main()
