"""Run the model checks over Brian2's example scripts: false positives are bugs (issue 14).

Usage::

    python compat/check_examples.py BRIAN2_EXAMPLES_FOLDER [--timeout S] [--only TEXT]...

Each script runs (imports swapped to neurogen, as ``run_examples.py`` does) in a temporary copy
of its folder until its first ``run()``: there the network's findings (every check, prefs and the
once-per-structure rule aside) are printed and the script stops, so nothing is compiled. A
script that builds other networks after its first run is checked only up to there. The output
lists each script's findings; a finding on a correct model is a bug in a check.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from run_examples import HELPER_MODULES, NEEDS_UNAVAILABLE, swap_imports

WRAPPER = """
import runpy, sys
import neurogen.runtime.network as network
from neurogen.inspection.checks import model_findings
from neurogen.frontend.namespace import namespace_of
class _Checked(BaseException):
    pass
def report(objects, externals, run_namespace, frame_namespace):
    for f in model_findings(objects, externals, lambda o: namespace_of(o, run_namespace, frame_namespace)):
        print(f"NEUROGEN-FINDING {f}", file=sys.stderr)
    raise _Checked()
network.warn_model_findings = report
sys.argv = [sys.argv[1]]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
except _Checked:
    print("NEUROGEN-CHECKED", file=sys.stderr)
"""


def check_script(folder: Path, script: Path, timeout: float) -> tuple[str, list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "scripts"
        shutil.copytree(script.parent, copy)
        for path in copy.rglob("*.py"):
            path.write_text(swap_imports(path.read_text(encoding="utf-8")), encoding="utf-8")
        env = {**os.environ, "MPLBACKEND": "Agg"}
        try:
            result = subprocess.run([sys.executable, "-c", WRAPPER, str(copy / script.name)], cwd=copy, env=env,
                                    capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return "timeout", []
    lines = result.stderr.splitlines()
    findings = [line[len("NEUROGEN-FINDING "):] for line in lines if line.startswith("NEUROGEN-FINDING ")]
    if "NEUROGEN-CHECKED" in lines:
        return "checked", findings
    if result.returncode == 0:
        return "no run", findings
    return f"error: {lines[-1] if lines else result.returncode}", findings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--only", action="append", default=[])
    args = parser.parse_args()
    scripts = sorted(p for p in args.folder.rglob("*.py")
                     if str(p.relative_to(args.folder)) not in HELPER_MODULES + NEEDS_UNAVAILABLE
                     and (not args.only or any(o in str(p) for o in args.only)))
    total = 0
    for script in scripts:
        status, findings = check_script(args.folder, script, args.timeout)
        total += len(findings)
        print(f"{script.relative_to(args.folder)}: {status}, {len(findings)} finding(s)")
        for finding in findings:
            print(f"    {finding}")
    print(f"{total} finding(s) in {len(scripts)} scripts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
