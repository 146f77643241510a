"""Cold build and warm start of a 4,000-neuron LIF group with a SpikeMonitor, run(100*ms).

Each measurement is a new ``python script.py`` process. We report the whole process's wall
time and, printed by the child, the time from after ``from ... import *`` to after ``run()``.

  (a) first build: empty cache folder, so the Cython shell is built too
  (b) cold build: a fresh cache folder holding only the shell's entry, so only the model compiles
  (c) warm start: the same model again with everything cached

Brian2 runs the same script (runtime target 'cython') with a fresh $CYTHON_CACHE_DIR for
cold starts and the filled one for warm starts.

    BRIAN2_PYTHON=/work/brian2env/bin/python python benchmarks/bench_build.py [--cold N] [--warm N]
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from models import (brian2_python, fresh_dir, lif, note_brian2_skipped, ratio, run_child,  # noqa: E402
                    summary, target)

BODY = lif(4000) + '''
run(100*ms)
_T_RUN = _time.perf_counter()
report(import_time=_T_IMPORT - _T0, after_import=_T_RUN - _T_IMPORT, spikes=int(M.num_spikes))
'''

COLD_TARGET, WARM_TARGET = 3.0, 1.0


def measure(backend: str, cache_dirs: list[Path]) -> list[dict]:
    return [run_child(backend, BODY, d) for d in cache_dirs]


def show(label: str, results: list[dict], limit: float | None = None) -> None:
    wall = [r["wall"] for r in results]
    inner = [r["after_import"] for r in results]
    print(f"  {label}")
    print(f"    whole process      {summary(wall)}" + (f"   [{target(min(wall), limit)}]" if limit else ""))
    print(f"    import -> result   {summary(inner)}")
    print(f"    import itself      {summary([r['import_time'] for r in results])}")
    print(f"    compiled libraries per run: {sorted({r['compiles'] for r in results})}, "
          f"spikes: {sorted({r['spikes'] for r in results})}")


def shell_only_copy(source: Path) -> Path:
    """A fresh cache folder holding only the shell's entry copied from ``source``."""
    shell_so = next(source.rglob("_neurogen_shell*.so"))
    entry = shell_so.parent
    target_dir = fresh_dir("shell-only")
    copy = target_dir / entry.relative_to(source)
    shutil.copytree(entry, copy)
    for folder in copy.parents:  # neurogen refuses a cache others can write (umask 002 would do that)
        if folder == target_dir.parent:
            break
        folder.chmod(0o700)
    return target_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", type=int, default=3, help="repeats of each cold measurement")
    parser.add_argument("--warm", type=int, default=5, help="repeats of the warm measurement")
    args = parser.parse_args()

    print("Build benchmark: 4,000-neuron LIF (exact), SpikeMonitor, run(100*ms); times in seconds")
    print("neurogen")
    first_dirs = [fresh_dir("cold") for _ in range(args.cold)]
    first = measure("neurogen", first_dirs)
    show("(a) first build, empty cache (shell + model; no target)", first, None)
    model_dirs = [shell_only_copy(first_dirs[0]) for _ in range(args.cold)]
    cold = measure("neurogen", model_dirs)
    show("(b) cold build, shell already cached (model only)", cold, COLD_TARGET)
    warm = measure("neurogen", [model_dirs[-1]] * args.warm)
    show("(c) warm start, everything cached", warm, WARM_TARGET)

    if brian2_python() is None:
        note_brian2_skipped()
        return
    print("Brian2 (runtime target 'cython')")
    b_cold_dirs = [fresh_dir("brian2-cold") for _ in range(args.cold)]
    b_cold = measure("brian2", b_cold_dirs)
    show("cold, empty $CYTHON_CACHE_DIR", b_cold)
    b_warm = measure("brian2", [b_cold_dirs[-1]] * args.warm)
    show("warm, filled $CYTHON_CACHE_DIR", b_warm)

    print("Ratios (best of each; >1 means neurogen is faster)")
    for label, ours, theirs in [("(a) first build vs Brian2 cold", first, b_cold),
                                ("(b) cold build  vs Brian2 cold", cold, b_cold),
                                ("(c) warm start  vs Brian2 warm", warm, b_warm)]:
        wall = ratio(min(r["wall"] for r in ours), min(r["wall"] for r in theirs))
        inner = ratio(min(r["after_import"] for r in ours), min(r["after_import"] for r in theirs))
        print(f"  {label}: whole process {wall}; import -> result {inner}")


if __name__ == "__main__":
    main()
