"""Compilation and the cache, seen from separate processes (as users run scripts).

Each test uses its own cache folder with the (model-independent) shell copied in, and counts
"compiling network" lines that NEUROGEN_LOG=info prints.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from neurogen import cache

SCRIPT = textwrap.dedent("""
    import os, sys
    from neurogen import *
    if os.environ.get("EXTRA_FLAG"):
        prefs.codegen.cpp.extra_compile_args_gcc = [os.environ["EXTRA_FLAG"]]
    tau = float(os.environ.get("TAU_MS", "10")) * ms
    eqs = os.environ.get("EQS", "dv/dt = (I - v)/tau : volt (unless refractory)\\nI : volt (constant)")
    G = NeuronGroup(20, eqs, threshold="v > 15*mV", reset="v = 0*mV", refractory=2*ms, method="exact")
    G.I = 30*mV
    M = SpikeMonitor(G)
    run(50*ms)
    print("RESULT", M.num_spikes, "SYMPY", "sympy" in sys.modules)
""")


@pytest.fixture
def cache_dir(tmp_path):
    """A fresh cache holding only the runtime shell (built once per test session)."""
    from neurogen.build import shell

    shell()
    target = tmp_path / "cache"
    for entry in cache.entries():
        if any(entry.path.glob("_neurogen_shell*")):
            shutil.copytree(entry.path, target / f"v{cache.CACHE_FORMAT}" / "entries" / entry.key)
    return target


def run_script(cache_dir: Path, **env: str) -> tuple[str, int]:
    """(the script's RESULT line, how many networks it compiled)."""
    environment = {**os.environ, "NEUROGEN_CACHE_DIR": str(cache_dir), "NEUROGEN_LOG": "info", **env}
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                            env=environment, timeout=300)
    assert result.returncode == 0, result.stderr
    line = next(l for l in result.stdout.splitlines() if l.startswith("RESULT"))
    return line, result.stderr.count("compiling network")


def test_second_process_finds_the_build_and_imports_no_sympy(cache_dir):
    first, compiles = run_script(cache_dir, PYTHONHASHSEED="1")
    assert compiles == 1
    second, compiles = run_script(cache_dir, PYTHONHASHSEED="2")
    assert compiles == 0
    assert first.split()[1] == second.split()[1]
    assert second.endswith("SYMPY False")


def test_changing_a_parameter_value_does_not_compile(cache_dir):
    first, _ = run_script(cache_dir)
    second, compiles = run_script(cache_dir, TAU_MS="5")
    assert compiles == 0
    assert int(second.split()[1]) > int(first.split()[1])  # faster charging: more spikes


def test_changing_an_equation_or_a_flag_compiles_a_new_model(cache_dir):
    run_script(cache_dir)
    _, compiles = run_script(cache_dir, EQS="dv/dt = (I - v)/tau : volt\nI : volt (constant)")
    assert compiles == 1
    _, compiles = run_script(cache_dir, EXTRA_FLAG="-O2")
    assert compiles == 1


def test_concurrent_processes_build_once(cache_dir):
    environment = {**os.environ, "NEUROGEN_CACHE_DIR": str(cache_dir), "NEUROGEN_LOG": "info"}
    processes = [subprocess.Popen([sys.executable, "-c", SCRIPT], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=environment) for _ in range(3)]
    outputs = [p.communicate(timeout=300) for p in processes]
    assert all(p.returncode == 0 for p in processes), [e for _, e in outputs]
    assert sum(err.count("compiling network") for _, err in outputs) == 1
    assert len({out for out, _ in outputs}) == 1


def test_failed_build_is_reported_and_not_cached(cache_dir):
    environment = {**os.environ, "NEUROGEN_CACHE_DIR": str(cache_dir), "EXTRA_FLAG": "-fno-such-flag-xyz"}
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                            env=environment, timeout=300)
    assert result.returncode != 0
    assert "CompilationError" in result.stderr and "command:" in result.stderr
    assert "-fno-such-flag-xyz" in result.stderr
    before = {e.key for e in _entries(cache_dir)}
    _, compiles = run_script(cache_dir)
    assert compiles == 1
    assert len({e.key for e in _entries(cache_dir)} - before) == 2  # library + manifest, once


def test_corrupt_library_is_rebuilt(cache_dir):
    run_script(cache_dir)
    for library in (cache_dir / f"v{cache.CACHE_FORMAT}" / "entries").glob("*/network.so"):
        library.write_bytes(b"not a library")
    result, compiles = run_script(cache_dir)
    assert compiles == 1
    assert result.startswith("RESULT")


def _entries(cache_dir: Path) -> list:
    old = os.environ.get("NEUROGEN_CACHE_DIR")
    os.environ["NEUROGEN_CACHE_DIR"] = str(cache_dir)
    try:
        return cache.entries()
    finally:
        os.environ["NEUROGEN_CACHE_DIR"] = old  # type: ignore[assignment]


SYNAPSE_SCRIPT = textwrap.dedent("""
    import os, sys
    from neurogen import *
    seed(1)
    w_max = float(os.environ.get("W_MAX", "0.2"))
    G = NeuronGroup(50, "dv/dt = (1.2 - v)/(10*ms) : 1", threshold="v > 1", reset="v = 0", method="exact")
    G.v = "rand()"
    S = Synapses(G, G, "w : 1", on_pre="v += w", delay=1*ms)
    S.connect(condition="i != j", p=float(os.environ.get("P", "0.1")))
    S.w = "rand()*w_max"
    M = SpikeMonitor(G)
    run(50*ms)
    print("RESULT", M.num_spikes, len(S), "SYMPY", "sympy" in sys.modules)
""")


def run_synapse_script(cache_dir: Path, **env: str) -> tuple[str, int]:
    environment = {**os.environ, "NEUROGEN_CACHE_DIR": str(cache_dir), "NEUROGEN_LOG": "info", **env}
    result = subprocess.run([sys.executable, "-c", SYNAPSE_SCRIPT], capture_output=True, text=True,
                            env=environment, timeout=300)
    assert result.returncode == 0, result.stderr
    line = next(l for l in result.stdout.splitlines() if l.startswith("RESULT"))
    return line, result.stderr.count("compiling network")


def test_synapses_warm_start_compiles_nothing_and_values_never_compile(cache_dir):
    first, compiles = run_synapse_script(cache_dir)
    assert compiles == 4  # G.v = 'rand()', connect, the weight assignment, the network
    second, compiles = run_synapse_script(cache_dir)
    assert compiles == 0 and second.split()[1:3] == first.split()[1:3] and second.endswith("SYMPY False")
    third, compiles = run_synapse_script(cache_dir, P="0.2", W_MAX="0.1")
    assert compiles == 0 and third.split()[2] != first.split()[2]
