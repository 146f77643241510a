"""Run every benchmark in turn (each prints its own numbers).

    BRIAN2_PYTHON=/work/brian2env/bin/python python benchmarks/bench_all.py
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

for name in ("bench_codegen.py", "bench_build.py", "bench_lif_run.py", "bench_synapses.py",
             "bench_inputs.py", "bench_standalone.py", "bench_many_groups.py", "bench_contributions.py"):
    print(f"=== {name} ===", flush=True)
    subprocess.run([sys.executable, str(HERE / name)], check=True)
    print(flush=True)
