"""What a ContributionMonitor costs: the forum network with and without it.

The forum network: 1,000 LIF neurons (``dv/dt = -(v - v_rest)/tau``, refractory 2 ms), delta
synapses ``on_pre='v += w'`` with delay 1.5 ms (p = 0.05, ~50,000 synapses) and
``PoissonInput(N=400, rate=10*Hz, weight=0.01)``, dt = 0.1 ms, ``run(1*second)`` after a
``run(1*ms)`` warm-up, repeated. Cases (neurogen): no monitor; a StateMonitor of v of every
neuron (the records one would need to see v at all); a ContributionMonitor of 10 neurons and of
every neuron (4 sources: state update, synapses, PoissonInput, reset). Brian2 (runtime target
``cython``) runs the network without a monitor and with the StateMonitor of every neuron; it
has no ContributionMonitor (the forum's answer was to rewrite the model).

    BRIAN2_PYTHON=/work/b2venv/bin/python python benchmarks/bench_contributions.py [--repeat N]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from models import TIMED_RUNS, brian2_python, fresh_dir, note_brian2_skipped, ratio, run_child, summary  # noqa: E402

BODY = '''
defaultclock.dt = 0.1*ms
seed(1)
tau = 10*ms
v_rest = 0.5
G = NeuronGroup(1000, 'dv/dt = -(v - v_rest)/tau : 1 (unless refractory)', threshold='v > 1',
                reset='v = v_rest', refractory=2*ms, method='exact')
G.v = 'v_rest + 0.5*rand()'
S = Synapses(G, G, 'w : 1', on_pre='v += w', delay=1.5*ms)
S.connect(p=0.05)
S.w = '0.04*randn()'
P = PoissonInput(G, 'v', N=400, rate=10*Hz, weight=0.01)
spikes = SpikeMonitor(G)
{monitor}
''' + TIMED_RUNS + '''report(times=times, spikes=int(spikes.num_spikes))
'''

CASES = {
    "no monitor": "",
    "StateMonitor(v, all 1000)": "M = StateMonitor(G, 'v', record=True)",
    "ContributionMonitor(v, 10)": "C = ContributionMonitor(G, 'v', record=range(10))",
    "ContributionMonitor(v, all 1000)": "C = ContributionMonitor(G, 'v', record=True)",
}
BRIAN2_CASES = ("no monitor", "StateMonitor(v, all 1000)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ours = {}
    for case, monitor in CASES.items():
        body = BODY.replace("{monitor}", monitor).replace("{repeat}", str(args.repeat))
        ours[case] = run_child("neurogen", body, fresh_dir("neurogen"))
        print(f"neurogen  {case:34s} run(1*second): {summary(ours[case]['times'])}, {ours[case]['spikes']} spikes, "
              f"peak memory {ours[case]['peak_rss_mib']:.0f} MiB")
    base = min(ours["no monitor"]["times"])
    for case in CASES:
        print(f"  {case:42s} / no monitor: {min(ours[case]['times']) / base:.2f}")
    if brian2_python() is None:
        note_brian2_skipped()
        return
    for case in BRIAN2_CASES:
        body = BODY.replace("{monitor}", CASES[case]).replace("{repeat}", str(args.repeat))
        theirs = run_child("brian2", body, fresh_dir("brian2"))
        print(f"Brian2    {case:34s} run(1*second): {summary(theirs['times'])}, {theirs['spikes']} spikes, "
              f"peak memory {theirs['peak_rss_mib']:.0f} MiB; {ratio(min(ours[case]['times']), min(theirs['times']))}")
        print(f"  neurogen ContributionMonitor(v, all 1000) against Brian2 {case}: "
              f"{ratio(min(ours['ContributionMonitor(v, all 1000)']['times']), min(theirs['times']))}")


if __name__ == "__main__":
    main()
