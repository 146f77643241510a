"""Synapses: Brian2's CUBA example (4,000 LIF neurons, ~320,000 synapses), 1 s at dt = 0.1 ms.

The model is Brian2's examples/CUBA.py: 3,200 excitatory and 800 inhibitory neurons,
``dv/dt = (ge+gi-(v-El))/taum`` with exponential currents ``ge`` (5 ms) and ``gi`` (10 ms),
``connect('i<3200', p=0.02)`` / ``connect('i>=3200', p=0.02)``, no delay, exact
integration, ``v`` initialised with ``rand()``; one change: each synapse has its own weight
(``'w : volt'``, ``on_pre='ge += w'``, set to ``we`` / ``wi``), the case a user with a weight
matrix has, so the memory per synapse includes one double. Each child
process (the same script for both simulators, runtime target ``cython`` for Brian2) measures:

  connect    the two ``connect()`` calls (generating the synapses; for both simulators this
             includes generating/compiling or loading the code that draws them)
  warm-up    ``run(1*ms)``: builds or loads the network's code; not part of the run time
  run        ``run(1*second)`` after the warm-up, repeated; the simulation just continues
  spikes     the spikes of each timed second (random numbers differ between the two
             simulators, so counts agree statistically, not exactly)
  memory     bytes per synapse of the arrays that hold one value per synapse (listed below),
             and "resident": what is really allocated for them (Brian2's dynamic arrays
             over-allocate) plus per-neuron arrays and Brian2's C++ spike queue (estimated)

The first child of each simulator starts with an empty cache (so connect and warm-up include
compiling), the following ``--warm N`` children reuse that cache. Run times are taken from the
warm children only.

    BRIAN2_PYTHON=/work/brian2env/bin/python python benchmarks/bench_synapses.py [--warm N] [--repeat N]
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from models import brian2_python, fresh_dir, note_brian2_skipped, ratio, run_child, summary  # noqa: E402

BODY = '''
import numpy as _np
defaultclock.dt = 0.1*ms
seed(1)
taum = 20*ms
taue = 5*ms
taui = 10*ms
Vt = -50*mV
Vr = -60*mV
El = -49*mV
eqs = """
dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
dge/dt = -ge/taue : volt
dgi/dt = -gi/taui : volt
"""
P = NeuronGroup(4000, eqs, threshold='v>Vt', reset='v = Vr', refractory=5*ms, method='exact')
P.v = 'Vr + rand() * (Vt - Vr)'
P.ge = 0*mV
P.gi = 0*mV
we = (60*0.27/10)*mV  # excitatory synaptic weight (voltage)
wi = (-20*4.5/10)*mV  # inhibitory synaptic weight
Ce = Synapses(P, P, 'w : volt', on_pre='ge += w')
Ci = Synapses(P, P, 'w : volt', on_pre='gi += w')
_start = _time.perf_counter()
Ce.connect('i<3200', p=0.02)
Ci.connect('i>=3200', p=0.02)
connect_time = _time.perf_counter() - _start
Ce.w = we
Ci.w = wi
M = SpikeMonitor(P)
_start = _time.perf_counter()
run(1*ms)  # warm-up: builds or loads the code
warmup_time = _time.perf_counter() - _start
times, spikes = [], []
for _ in range({repeat}):
    before = M.num_spikes
    _start = _time.perf_counter()
    run(1*second)
    times.append(_time.perf_counter() - _start)
    spikes.append(int(M.num_spikes - before))


def _memory(S):
    """{array: bytes} of the per-synapse arrays, and extra notes (not counted)."""
    n = len(S)
    counted, notes = {}, {}
    if BACKEND == 'neurogen':
        for name, arr in S._state.items():       # synaptic variables and internal ones
            if _np.ndim(arr) == 1 and _np.size(arr) == n:
                counted[name] = int(arr.nbytes)
        # CSR connectivity the run made (pre/post side: built on first use)
        for name, arr in (getattr(S, '_connectivity', None) or {}).items():
            if not isinstance(arr, _np.ndarray):
                continue
            if _np.size(arr) == n:
                counted['csr' + name] = int(arr.nbytes)
            else:
                notes['per-neuron csr' + name] = int(arr.nbytes)
    else:
        from brian2.devices.device import get_device
        seen = set()
        for name, var in S.variables.items():
            owner = getattr(var, 'owner', None)
            if (not hasattr(var, 'get_value') or getattr(owner, 'name', None) != S.name
                    or getattr(var, 'size', None) != n or id(var) in seen):
                continue
            seen.add(id(var))                    # i, _presynaptic_idx, _synaptic_pre: one array
            counted[name] = int(var.get_value().nbytes)
            array = get_device().arrays.get(var)
            if hasattr(array, '_data'):          # DynamicArray1D over-allocates (factor 2)
                notes['allocated ' + name] = int(array._data.nbytes)
        # Brian2's C++ spike queue holds, for each presynaptic neuron, a std::vector<int> of its
        # synapses (grown by push_back: capacity 2**ceil(log2(k))) plus one int per delay
        # (one in all for a homogeneous delay). Not readable from Python: estimated.
        k = _np.bincount(_np.asarray(S.i[:]), minlength=len(S.source))
        k = k[k > 0]
        capacity = 2 ** _np.ceil(_np.log2(k)).astype(_np.int64)
        notes['spike queue estimate (int32 per synapse, with capacity slack)'] = int(4 * capacity.sum())
    return counted, notes


memory = {}
for _name, _S in (('Ce', Ce), ('Ci', Ci)):
    counted, notes = _memory(_S)
    memory[_name] = dict(n=len(_S), counted=counted, notes=notes)
report(connect_time=connect_time, warmup_time=warmup_time, times=times, spikes=spikes,
       synapses=len(Ce) + len(Ci), memory=memory)
'''


def measure(backend: str, warm: int, repeat: int) -> tuple[dict, list[dict]]:
    cache = fresh_dir(backend)
    cold = run_child(backend, BODY.replace("{repeat}", "1"), cache)
    warms = [run_child(backend, BODY.replace("{repeat}", str(repeat)), cache) for _ in range(warm)]
    return cold, warms


def bytes_per_synapse(result: dict) -> float:
    total = sum(sum(m["counted"].values()) for m in result["memory"].values())
    return total / result["synapses"]


def resident_bytes_per_synapse(result: dict) -> float:
    """Counted arrays at their allocated size, plus every other note (per-neuron arrays, queue)."""
    total = 0
    for m in result["memory"].values():
        notes = m["notes"]
        total += sum(notes.get(f"allocated {name}", nbytes) for name, nbytes in m["counted"].items())
        total += sum(nbytes for note, nbytes in notes.items() if not note.startswith("allocated "))
    return total / result["synapses"]


def show(backend: str, cold: dict, warms: list[dict]) -> dict:
    times = [t for r in warms for t in r["times"]]
    spikes = [s for r in [cold, *warms] for s in r["spikes"]]
    connect = [r["connect_time"] for r in warms]
    print(f"  {backend}")
    print(f"    synapses           {cold['synapses']} (Ce {cold['memory']['Ce']['n']}, Ci {cold['memory']['Ci']['n']})")
    print(f"    connect(), cold    {cold['connect_time']:.3f} s (empty cache: includes compiling)")
    print(f"    connect(), warm    {summary(connect)}")
    print(f"    warm-up run(1*ms)  cold {cold['warmup_time']:.3f} s, warm "
          f"{min(r['warmup_time'] for r in warms):.3f} s (build or load; not in the run time)")
    print(f"    run(1*second)      {summary(times)}; per child: "
          + "; ".join(" ".join(f"{t:.3f}" for t in r["times"]) for r in warms))
    print(f"    spikes per second  {spikes} (median {statistics.median(spikes):.0f}, "
          f"{statistics.median(spikes) / 4000:.2f} Hz per neuron)")
    mem = cold["memory"]["Ce"]
    per_syn = {name: nbytes / mem["n"] for name, nbytes in mem["counted"].items()}
    print(f"    bytes per synapse  {bytes_per_synapse(cold):.2f}: "
          + ", ".join(f"{name} {b:.2f}" for name, b in per_syn.items()) + " (Ce; Ci alike)")
    for note, nbytes in mem["notes"].items():
        print(f"      not counted: {note}: {nbytes / mem['n']:.2f} bytes per synapse (Ce)")
    print(f"    resident per synapse {resident_bytes_per_synapse(cold):.2f} bytes (all synapses)")
    return dict(connect_cold=cold["connect_time"], connect=min(connect), run=min(times),
                run_median=statistics.median(times), spikes=statistics.median(spikes),
                bytes=bytes_per_synapse(cold), resident=resident_bytes_per_synapse(cold))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm", type=int, default=3, help="child processes on a warm cache")
    parser.add_argument("--repeat", type=int, default=2, help="timed run(1*second) calls per warm child")
    args = parser.parse_args()

    print("Synapses benchmark: CUBA, 4,000 neurons, connect(p=0.02) -> ~320,000 synapses, "
          "run(1*second) at dt = 0.1 ms")
    ours = show("neurogen", *measure("neurogen", args.warm, args.repeat))
    if brian2_python() is None:
        note_brian2_skipped()
        return
    theirs = show("brian2 (runtime target 'cython')", *measure("brian2", args.warm, args.repeat))

    print("\n  | measurement | neurogen | Brian2 | ratio |")
    print("  |---|---|---|---|")
    rows = [("connect(), cold cache", "connect_cold", "s"), ("connect(), warm (best)", "connect", "s"),
            ("run(1*second) (best)", "run", "s"), ("run(1*second) (median)", "run_median", "s")]
    for label, key, unit in rows:
        print(f"  | {label} | {ours[key]:.3f} {unit} | {theirs[key]:.3f} {unit} | "
              f"{ratio(ours[key], theirs[key])} |")
    print(f"  | spikes per second (median) | {ours['spikes']:.0f} | {theirs['spikes']:.0f} | "
          f"{ours['spikes'] / theirs['spikes']:.3f} (neurogen/Brian2) |")
    print(f"  | bytes per synapse (counted arrays) | {ours['bytes']:.2f} | {theirs['bytes']:.2f} | "
          f"{theirs['bytes'] / ours['bytes']:.2f} (Brian2/neurogen) |")
    print(f"  | bytes per synapse (resident, estimated for Brian2's queue) | {ours['resident']:.2f} | "
          f"{theirs['resident']:.2f} | {theirs['resident'] / ours['resident']:.2f} (Brian2/neurogen) |")


if __name__ == "__main__":
    main()
