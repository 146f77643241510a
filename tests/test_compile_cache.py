"""Compilation and the cache, seen from separate processes (as users run scripts).

Each test uses its own cache folder with the (model-independent) shell copied in, and counts
"compiling network" lines that NEUROGEN_LOG=info prints.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Callable

import pytest

from neurogen.compiled import cache
from planted import NOBODY, plant_library

SCRIPT = textwrap.dedent("""
    import os, sys
    from neurogen import *
    if os.environ.get("EXTRA_FLAG"):
        prefs.codegen.cpp.extra_compile_args_gcc = [os.environ["EXTRA_FLAG"]]
    if os.environ.get("MAX_BYTES"):
        prefs.cache.max_bytes = int(os.environ["MAX_BYTES"])
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
    from neurogen.compiled.library import shell

    target = tmp_path / "cache"
    _copy_cache(Path(cache.cache_root()), target, _is_current_shell(shell()))
    return target


@pytest.fixture(scope="module")
def _script_built(tmp_path_factory) -> tuple[Path, str]:
    """A cache in which SCRIPT has run once (shell and model), and the RESULT line it printed."""
    from neurogen.compiled.library import shell

    template = tmp_path_factory.mktemp("built") / "cache"
    _copy_cache(Path(cache.cache_root()), template, _is_current_shell(shell()))
    line, compiles = run_script(template)
    assert compiles == 1
    return template, line


@pytest.fixture
def built_cache(_script_built, tmp_path) -> tuple[Path, str]:
    """A copy of ``_script_built``'s cache (to damage at will), and SCRIPT's RESULT line."""
    template, line = _script_built
    target = tmp_path / "built-cache"
    _copy_cache(template, target, lambda entry: True)
    return target, line


def _is_current_shell(module) -> Callable[[Path], bool]:
    """Selects the cache entry of the shell this session loaded, not older shells a long-lived
    cache may also hold (built from an earlier version of the shell's source)."""
    folder = Path(module.__file__).resolve().parent
    return lambda entry: entry.resolve() == folder


def _copy_cache(source: Path, target: Path, wanted) -> None:
    entries = target / f"v{cache.CACHE_FORMAT}" / "entries"
    for entry in (source / f"v{cache.CACHE_FORMAT}" / "entries").iterdir():
        if wanted(entry):
            shutil.copytree(entry, entries / entry.name)
    entries.mkdir(parents=True, exist_ok=True)
    note = source / f"v{cache.CACHE_FORMAT}" / "toolchain.json"
    if note.exists():
        shutil.copy2(note, entries.parent)
    for folder in (target, entries.parent, entries):  # private whatever the umask (else: refused)
        os.chmod(folder, 0o700)


def run_script(cache_dir: Path, script: str = SCRIPT, **env: str) -> tuple[str, int]:
    """(the script's RESULT line, how many networks it compiled)."""
    result = run_logged(cache_dir, script, **env)
    assert result.returncode == 0, result.stderr
    line = next(l for l in result.stdout.splitlines() if l.startswith("RESULT"))
    return line, result.stderr.count("compiling network")


def run_logged(cache_dir: Path, script: str = SCRIPT, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``script`` with neurogen's info log on stderr."""
    environment = {**os.environ, "NEUROGEN_CACHE_DIR": str(cache_dir), "NEUROGEN_LOG": "info", **env}
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=environment, timeout=300)


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
    if os.environ.get("MAX_BYTES"):
        prefs.cache.max_bytes = int(os.environ["MAX_BYTES"])
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


# --- damaged entries are found before loading and rebuilt, with one warning ------------------

DAMAGED = "discarding a damaged neurogen cache entry"


def _the(cache_dir: Path, pattern: str) -> Path:
    [path] = (cache_dir / f"v{cache.CACHE_FORMAT}" / "entries").glob(pattern)
    return path


def _truncated_and_run(cache_dir: Path, pattern: str):
    """Cut the cached file ``pattern`` to half its size, then run the script again (it must work)."""
    path = _the(cache_dir, pattern)
    os.truncate(path, path.stat().st_size // 2)
    result = run_logged(cache_dir)
    assert result.returncode == 0, result.stderr
    return result


def test_truncated_library_is_rebuilt_with_one_warning(built_cache):
    """It used to crash every later run with SIGBUS."""
    cache_dir, first = built_cache
    result = _truncated_and_run(cache_dir, "*/network.so")
    assert result.stderr.count(DAMAGED) == 1 and result.stderr.count("compiling network") == 1
    assert f"RESULT {first.split()[1]} " in result.stdout
    second, compiles = run_script(cache_dir)
    assert compiles == 0 and second.split()[1] == first.split()[1] and second.endswith("SYMPY False")


def _drop_first_field(text: str) -> str:
    data = json.loads(text)
    data["fields"] = data["fields"][1:]
    return json.dumps(data)


@pytest.mark.parametrize("damage", [_drop_first_field, lambda text: "", lambda text: "{"],
                         ids=["missing-field", "empty", "invalid-json"])
def test_damaged_manifest_is_rebuilt_with_one_warning(built_cache, damage):
    """A manifest missing a field used to segfault; an empty or invalid one failed forever.

    (The shape of a manifest that matches its record is checked too: test_manifest_shape_is_checked.)
    """
    cache_dir, first = built_cache
    manifest = _the(cache_dir, "*/manifest.json")
    manifest.write_text(damage(manifest.read_text()))
    result = run_logged(cache_dir)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count(DAMAGED) == 1
    assert result.stderr.count("compiling network") == 0  # the library itself was fine
    assert f"RESULT {first.split()[1]} " in result.stdout
    again, compiles = run_script(cache_dir)
    assert compiles == 0 and again.split()[1] == first.split()[1] and again.endswith("SYMPY False")


@pytest.mark.parametrize("text", ["", "{", "[]", '{"module": "k"}', '{"module": "k", "fields": [["a", "b"]]}',
                                  '{"module": "k", "fields": [["a", "b", "c", 4]]}'])
def test_manifest_shape_is_checked(text):
    from neurogen.compiled.library import Manifest
    from neurogen.errors import DamagedCacheEntryError

    with pytest.raises(DamagedCacheEntryError, match="invalid manifest"):
        Manifest.from_json(text)


def test_damaged_shell_is_rebuilt_with_one_warning(built_cache):
    """A damaged shell used to fail with ImportError (or SIGBUS) in every later process."""
    cache_dir, first = built_cache
    result = _truncated_and_run(cache_dir, "*/_neurogen_shell*.so")
    assert result.stderr.count("discarding neurogen's damaged runtime shell") == 1
    assert "building neurogen's runtime shell" in result.stderr
    assert f"RESULT {first.split()[1]} " in result.stdout


# --- planted code never runs -------------------------------------------------------------------

@pytest.mark.parametrize("target", ["*/network.so", "*/_neurogen_shell*.so"], ids=["model", "shell"])
@pytest.mark.parametrize("situation", ["same-owner", "group-writable", "foreign-owner"])
def test_planted_library_never_runs(built_cache, tmp_path, target, situation):
    """A library placed in the cache runs its start-up code when loaded: it must not be loaded."""
    if situation == "same-owner" and target.startswith("*/_neurogen_shell"):
        pytest.skip("same as the damaged shell, which is rebuilt (test_damaged_shell_is_rebuilt_with_one_warning)")
    if situation == "foreign-owner" and os.geteuid() != 0:
        pytest.skip("making a file belong to another user needs root (test_cache_trust simulates it)")
    cache_dir, first = built_cache
    library = _the(cache_dir, target)
    marker = tmp_path / "marker"
    plant_library(library, marker)
    if situation == "group-writable":
        os.chmod(library.parent.parent, 0o770)  # the entries folder
    elif situation == "foreign-owner":
        os.chown(library, NOBODY, -1)
        os.chown(library.parent, NOBODY, -1)
    result = run_logged(cache_dir)
    assert not marker.exists()
    if situation == "same-owner":  # it does not match the recorded sha256: rebuilt
        assert result.returncode == 0, result.stderr
        assert f"RESULT {first.split()[1]} " in result.stdout and result.stderr.count(DAMAGED) == 1
    else:
        assert result.returncode != 0
        assert "UntrustedCacheError: refusing to load compiled code from the neurogen cache" in result.stderr
        assert "group" in result.stderr if situation == "group-writable" else "belongs to user" in result.stderr


# --- the size cap --------------------------------------------------------------------------------

def test_max_bytes_zero_keeps_only_the_latest_build(cache_dir, built_cache):
    """Every run used to fail: the entry just built was evicted before it was loaded."""
    result = run_logged(cache_dir, SYNAPSE_SCRIPT, MAX_BYTES="0")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("compiling network") == 4
    assert len(_entries(cache_dir)) == 2  # the network's library and manifest: the latest build
    expected, _ = run_synapse_script(built_cache[0])  # the same with the default cap
    assert f"{expected}\n" in result.stdout


def test_max_bytes_must_be_a_whole_number_of_bytes():
    from neurogen import prefs
    from neurogen.compiled.library import max_bytes

    for bad in (-1, 1.5, "100", None, float("nan"), True):
        prefs.cache.max_bytes = bad
        try:
            with pytest.raises(ValueError, match="prefs.cache.max_bytes"):
                max_bytes()
        finally:
            prefs.cache.max_bytes = 1 << 30
    prefs.cache.max_bytes = 2e9
    try:
        assert max_bytes() == 2_000_000_000
    finally:
        prefs.cache.max_bytes = 1 << 30


# --- the compiler --------------------------------------------------------------------------------

def test_cached_model_runs_without_any_compiler(built_cache, tmp_path):
    cache_dir, first = built_cache
    no_compilers = tmp_path / "empty-bin"
    no_compilers.mkdir()
    environment = {"PATH": str(no_compilers), "CXX": ""}
    second, compiles = run_script(cache_dir, **environment)
    assert compiles == 0 and second.split()[1] == first.split()[1]
    result = run_logged(cache_dir, **environment, EQS="dv/dt = (I - v)/tau : volt\nI : volt (constant)")
    assert result.returncode != 0
    assert "CompilerNotFoundError: no C++ compiler found" in result.stderr
    assert "Cached models run without one; this build needs it" in result.stderr


@pytest.mark.parametrize("where", ["CXX", "prefs"])
def test_a_named_compiler_that_is_missing_is_an_error_not_replaced(monkeypatch, where):
    from neurogen import prefs
    from neurogen.errors import CompilerNotFoundError
    from neurogen.compiled.toolchain import build_config

    if where == "CXX":
        monkeypatch.setenv("CXX", "no-such-cxx-xyz")
        expected = "'no-such-cxx-xyz' named by the CXX environment variable was not found"
    else:
        prefs.codegen.cpp.compiler = "no-such-cxx-xyz"
        expected = "'no-such-cxx-xyz' named by prefs.codegen.cpp.compiler was not found"
    try:
        with pytest.raises(CompilerNotFoundError, match=expected):
            build_config(lambda: ("/usr/bin/c++", "a compiler of the last build"))
    finally:
        prefs.codegen.cpp.compiler = None


def test_a_compiler_that_writes_nothing_installs_nothing(cache_dir):
    """CXX=true 'succeeds' without writing a library: the shell (its key names the compiler)
    and the model are refused with the command named, and the cache gains no entry."""
    before = {e.key for e in _entries(cache_dir)}
    result = run_logged(cache_dir, CXX="true")
    assert result.returncode != 0
    assert "CompilationError: the compiler reported success but did not write the shared library" in result.stderr
    assert "command: /usr/bin/true -std=c++17" in result.stderr or "command: /bin/true -std=c++17" in result.stderr
    assert {e.key for e in _entries(cache_dir)} == before
