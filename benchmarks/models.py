"""Shared model text and the machinery to run it under neurogen or Brian2 in a child process.

Every benchmark builds a child script as ``prelude + body``. The prelude differs between the
two simulators only in its import line (``from neurogen import *`` vs ``from brian2 import *``);
the body is the same text for both. The child reports its numbers with ``report(...)``, which
prints one ``BENCH_RESULT {json}`` line that the parent picks up.
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# A leaky integrate-and-fire group. Each neuron relaxes towards its own v0; v0 is spread
# evenly over [-56, -46] mV, so the 40% of neurons with v0 above threshold fire regularly at
# up to ~33 Hz and the group's mean rate is ~9.5 Hz. No randomness: both simulators compute
# the same spikes.
LIF = '''
N = {N}
tau = 20*ms
G = NeuronGroup(N, """dv/dt = (v0 - v)/tau : volt (unless refractory)
                      v0 : volt""",
                threshold='v > -50*mV', reset='v = -60*mV', refractory=5*ms, method='exact')
G.v = -60*mV
G.v0 = linspace(-56, -46, N)*mV
M = SpikeMonitor(G)
'''

PRELUDE = '''\
import time as _time
_T0 = _time.perf_counter()
from {backend} import *
_T_IMPORT = _time.perf_counter()
BACKEND = {backend!r}
prefs.codegen.target = 'cython'


def report(**values):
    import json as _json
    import resource as _resource
    # the peak resident memory of this process so far (Linux: KiB), unless the body gave one
    values.setdefault("peak_rss_mib", _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss / 1024)
    print('BENCH_RESULT', _json.dumps(values), flush=True)

'''


#: the timed part of a child script: ``run(1*second)`` ``{repeat}`` times after a ``run(1*ms)``
#: warm-up (which builds or loads the code); the times go into ``times``
TIMED_RUNS = '''
run(1*ms)  # warm-up: builds or loads the code
times = []
for _ in range({repeat}):
    _start = _time.perf_counter()
    run(1*second)
    times.append(_time.perf_counter() - _start)
'''


def lif(n: int) -> str:
    return LIF.format(N=n)


def script(backend: str, body: str) -> str:
    return PRELUDE.format(backend=backend) + body


def brian2_python() -> str | None:
    """The interpreter with Brian2 installed, from $BRIAN2_PYTHON (None: skip Brian2)."""
    return os.environ.get("BRIAN2_PYTHON") or None


def note_brian2_skipped() -> None:
    print("\nBrian2: skipped (set BRIAN2_PYTHON to an interpreter that has brian2, e.g. "
          "BRIAN2_PYTHON=/work/brian2env/bin/python)")


def run_child(backend: str, body: str, cache_dir: Path | str) -> dict:
    """Run ``body`` under ``backend`` ('neurogen' or 'brian2') as ``python script.py``.

    Returns the child's reported values plus ``wall`` (seconds for the whole process) and
    ``compiles`` (how many compiled libraries the child added to the cache folder).
    """
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if backend == "neurogen":
        python = sys.executable
        env["PYTHONPATH"] = str(REPO)
        env["NEUROGEN_CACHE_DIR"] = str(cache_dir)
    else:
        python = brian2_python()
        env["CYTHON_CACHE_DIR"] = str(cache_dir)  # Brian2 caches in $CYTHON_CACHE_DIR/brian_extensions
    libraries = _libraries(cache_dir)
    with tempfile.TemporaryDirectory(prefix="neurogen-bench-") as work:
        path = Path(work) / "script.py"
        path.write_text(script(backend, body))
        start = time.perf_counter()
        proc = subprocess.run([python, str(path)], cwd=work, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{backend} child failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    lines = [line for line in proc.stdout.splitlines() if line.startswith("BENCH_RESULT ")]
    result = json.loads(lines[-1][len("BENCH_RESULT "):]) if lines else {}
    result["wall"] = wall
    result["compiles"] = len(_libraries(cache_dir) - libraries)
    return result


def _libraries(cache_dir: Path | str) -> set[Path]:
    """Compiled libraries in a cache folder (neurogen's entries or Brian2's brian_extensions)."""
    return set(Path(cache_dir).rglob("*.so"))


def fresh_dir(prefix: str) -> Path:
    """An empty temporary directory (removed at exit), e.g. a cold cache."""
    path = Path(tempfile.mkdtemp(prefix=f"neurogen-bench-{prefix}-"))
    import atexit

    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def summary(values: list[float]) -> str:
    """'best 0.123 s, median 0.130 s (n=5)'."""
    return f"best {min(values):.3f} s, median {statistics.median(values):.3f} s (n={len(values)})"


def ratio(neurogen: float, brian2: float) -> str:
    """Speed-up of neurogen over Brian2 (>1: neurogen is faster)."""
    return f"Brian2/neurogen = {brian2 / neurogen:.1f}x" if neurogen > 0 else "n/a"


def target(value: float, limit: float) -> str:
    return f"target <= {limit:g} s: {'met' if value <= limit else 'MISSED'}"
