"""Run Brian2's example scripts with ``from brian2 import *`` swapped for neurogen, and keep score.

Usage::

    python compat/run_examples.py BRIAN2_EXAMPLES_FOLDER [--brian2-python PY] [--timeout S]
                                  [--jobs J] [--only TEXT]... [--json OUT] [--reference IN]

The folder is the ``examples/`` folder of a checkout of brian-team/brian2 (fetch it; it is never
committed here). Each script runs in a fresh temporary copy of its folder (scripts write files and
import their siblings), with ``MPLBACKEND=Agg`` so plots go nowhere, once with neurogen (every
``brian2`` import in the copied folder rewritten to ``neurogen``) and, when ``--brian2-python`` or
``BRIAN2_PYTHON`` names an interpreter with Brian2, once unchanged with Brian2. A script "runs" when
it exits with status 0 within the timeout; a script Brian2 does not finish within the timeout
counts in the denominator (it is slow, not broken; give a longer ``--timeout`` to settle it).

The score is "neurogen runs N of the M scripts that Brian2 runs here", then each script's outcome
with the first line of its error. Two denominators are printed: all scripts, and issue 13's
point-neuron set (without ``compartmental/``, SpatialNeuron scripts, and scripts that need a package
or the network). ``--reference`` reuses a Brian2 outcome file written by an earlier ``--json`` so the
slow Brian2 half need not run again.

Why a script and not a test: it takes many minutes, needs Brian2 in another interpreter and code we
do not ship; its result goes into the README and the issue notes.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

#: Folders and scripts outside issue 13's denominator: multicompartment models (SpatialNeuron is
#: out of scope), modules that are imported by examples rather than run, and scripts needing
#: packages that are not installable here or the network.
NOT_POINT_NEURON = ("compartmental/",)
SPATIAL_NEURON_SCRIPTS = ("frompapers/Brette_2012/Fig1.py", "frompapers/Brette_2012/Fig3AB.py",
                          "frompapers/Brette_2012/Fig3CF.py", "frompapers/Brette_2012/Fig4.py",
                          "frompapers/Brette_2012/Fig5A.py")
HELPER_MODULES = ("frompapers/Brette_2012/params.py", "frompapers/Stimberg_et_al_2018/plot_utils.py")
NEEDS_UNAVAILABLE = (
    "advanced/modelfitting_sbi.py",  # sbi and torch
    "advanced/opencv_movie.py",  # cv2 and a movie download
    "advanced/compare_GSL_to_conventional.py",  # the GSL library
    "frompapers/Diehl_Cook_2015.py",  # the MNIST download
    "frompapers/Maass_Natschlaeger_Markram_2002.py",  # progressbar
    "multiprocessing/03_standalone_joblib.py",  # joblib
)

IMPORT_FROM = re.compile(r"^(\s*)from\s+brian2(\.[\w.]+)?\s+import\b", re.MULTILINE)
IMPORT_AS = re.compile(r"^(\s*)import\s+brian2(\.[\w.]+)?\s+as\s+", re.MULTILINE)
IMPORT_PLAIN = re.compile(r"^(\s*)import\s+brian2\s*$", re.MULTILINE)


@dataclass
class Outcome:
    """How one script ended under one simulator."""

    status: str  # "ok", "error", "timeout"
    seconds: float
    error: str = ""


def swap_imports(source: str) -> str:
    """The script as a Brian2 user would change it: every brian2 import becomes neurogen's."""
    source = IMPORT_FROM.sub(lambda m: f"{m.group(1)}from neurogen{m.group(2) or ''} import", source)
    source = IMPORT_AS.sub(lambda m: f"{m.group(1)}import neurogen{m.group(2) or ''} as ", source)
    return IMPORT_PLAIN.sub(lambda m: f"{m.group(1)}import neurogen as brian2", source)


def first_error_line(stderr: str) -> str:
    """The exception line of a traceback (the last line naming an error), else the last line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in reversed(lines):
        if re.match(r"^[\w.]+(Error|Exception|Interrupt|Exit)\b", line) or line.startswith("Traceback"):
            return line[:300]
    return lines[-1][:300] if lines else ""


def run_one(folder: Path, script: str, python: str, swap: bool, timeout: float) -> Outcome:
    """Run ``script`` (relative to ``folder``) in a temporary copy of its own directory."""
    source_dir = (folder / script).parent
    with tempfile.TemporaryDirectory(prefix="compat-") as temporary:
        work = Path(temporary) / "example"
        shutil.copytree(source_dir, work, ignore=shutil.ignore_patterns("__pycache__", "output*"))
        if swap:
            for path in work.rglob("*.py"):
                path.write_text(swap_imports(path.read_text(encoding="utf-8")), encoding="utf-8")
        environment = dict(os.environ, MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
        started = time.perf_counter()
        try:
            finished = subprocess.run([python, Path(script).name], cwd=work, env=environment,
                                      capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return Outcome("timeout", time.perf_counter() - started, f"no end within {timeout:.0f} s")
        seconds = time.perf_counter() - started
        if finished.returncode == 0:
            return Outcome("ok", seconds)
        return Outcome("error", seconds, first_error_line(finished.stderr) or f"exit {finished.returncode}")


def point_neuron(script: str) -> bool:
    """Whether ``script`` is in issue 13's denominator."""
    return not (script.startswith(NOT_POINT_NEURON) or script in SPATIAL_NEURON_SCRIPTS
                or script in NEEDS_UNAVAILABLE)


def find_scripts(folder: Path, only: list[str] | None) -> list[str]:
    """The example scripts under ``folder``; with ``only``, those whose path contains one of its texts."""
    scripts = sorted(str(path.relative_to(folder)) for path in folder.rglob("*.py"))
    scripts = [script for script in scripts if script not in HELPER_MODULES]
    return [script for script in scripts if not only or any(text in script for text in only)]


def run_all(folder: Path, scripts: list[str], python: str, swap: bool, timeout: float,
            jobs: int, label: str) -> dict[str, Outcome]:
    outcomes: dict[str, Outcome] = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(run_one, folder, script, python, swap, timeout): script for script in scripts}
        for future in concurrent.futures.as_completed(futures):
            script = futures[future]
            outcomes[script] = future.result()
            print(f"  [{label} {len(outcomes)}/{len(scripts)}] {outcomes[script].status:7} "
                  f"{outcomes[script].seconds:6.1f} s  {script}", file=sys.stderr, flush=True)
    return outcomes


def score(scripts: list[str], ours: dict[str, Outcome], brian2: dict[str, Outcome] | None) -> str:
    """The report: the two scores, then a line per script."""
    lines = []
    for title, chosen in (("all example scripts", scripts),
                          ("point-neuron scripts (issue 13's denominator)", [s for s in scripts if point_neuron(s)])):
        if brian2 is not None:
            baseline = [s for s in chosen if brian2[s].status in ("ok", "timeout")]
            ran = [s for s in baseline if ours[s].status == "ok"]
            slow = sum(brian2[s].status == "timeout" for s in baseline)
            lines.append(f"{title}: neurogen runs {len(ran)} of the {len(baseline)} that Brian2 runs "
                         f"({slow} of them past the timeout in Brian2; {len(chosen)} scripts)")
        else:
            ran = [s for s in chosen if ours[s].status == "ok"]
            lines.append(f"{title}: neurogen runs {len(ran)} of {len(chosen)}")
    lines.append("")
    width = max(len(script) for script in scripts)
    for script in scripts:
        theirs = f"brian2 {brian2[script].status:7} " if brian2 is not None else ""
        outcome = ours[script]
        lines.append(f"{script:{width}}  {theirs}neurogen {outcome.status:7} {outcome.seconds:6.1f} s  {outcome.error}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="Brian2's examples/ folder")
    parser.add_argument("--brian2-python", default=os.environ.get("BRIAN2_PYTHON"),
                        help="an interpreter with Brian2 installed (default: $BRIAN2_PYTHON)")
    parser.add_argument("--python", default=sys.executable, help="the interpreter with neurogen")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per script")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", action="append",
                        help="run only scripts whose path contains this text (repeat for several)")
    parser.add_argument("--json", type=Path, help="write every outcome to this file")
    parser.add_argument("--reference", type=Path, help="Brian2's outcomes from an earlier --json")
    parser.add_argument("--brian2-only", action="store_true",
                        help="run only the Brian2 half (to write a --reference file with --json)")
    arguments = parser.parse_args()

    folder = arguments.folder.resolve()
    scripts = find_scripts(folder, arguments.only)
    if not scripts:
        parser.error(f"no example scripts found in {folder}")
    brian2: dict[str, Outcome] | None = None
    if arguments.reference is not None:
        stored = json.loads(arguments.reference.read_text())["brian2"]
        brian2 = {script: Outcome(**stored[script]) for script in scripts if script in stored}
        missing = [script for script in scripts if script not in brian2]
        if missing:
            parser.error(f"--reference has no Brian2 outcome for {', '.join(missing)}")
    elif arguments.brian2_python:
        brian2 = run_all(folder, scripts, arguments.brian2_python, False, arguments.timeout,
                         arguments.jobs, "brian2")
    if arguments.brian2_only:
        if brian2 is None:
            parser.error("--brian2-only needs --brian2-python or BRIAN2_PYTHON")
        ours = {}
        print(f"Brian2 runs {sum(o.status == 'ok' for o in brian2.values())} of {len(scripts)} scripts")
    else:
        ours = run_all(folder, scripts, arguments.python, True, arguments.timeout, arguments.jobs, "neurogen")
        print(score(scripts, ours, brian2))
    if arguments.json is not None:
        arguments.json.write_text(json.dumps({
            "neurogen": {script: asdict(outcome) for script, outcome in ours.items()},
            "brian2": {script: asdict(outcome) for script, outcome in (brian2 or {}).items()},
        }, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
