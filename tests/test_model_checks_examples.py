"""No false positives (issue 14 part 2): every example in examples/ runs with every model check
reported (prefs and once-per-structure aside), and none finds anything but the mistakes an
example shows on purpose. (The tests' own models are guarded by the suite's warning filter:
pyproject.toml turns a ModelWarning into an error; Brian2's gallery: compat/check_examples.py.)"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.py"))

#: mistakes an example makes on purpose, to show the checks naming them: file -> codes
DELIBERATE: dict[str, set[str]] = {"forum_contributions.py": {"set-without-dynamics", "accumulates-without-decay"},
                                   "exp_current_network.py": {"set-without-dynamics"}}  # I_set, the clamp shown

#: runs a script with each run's findings printed (all of them, every run)
WRAPPER = """
import runpy, sys
import neurogen.runtime.network as network
from neurogen.inspection.checks import model_findings
from neurogen.frontend.namespace import namespace_of
original = network.warn_model_findings
def report(objects, externals, run_namespace, frame_namespace):
    for f in model_findings(objects, externals, lambda o: namespace_of(o, run_namespace, frame_namespace)):
        print(f"NEUROGEN-FINDING {f.code} | {f.object} | {f.line} | {f.message}", file=sys.stderr)
    return original(objects, externals, run_namespace, frame_namespace)
network.warn_model_findings = report
sys.argv = [sys.argv[1]]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def findings_of(script: Path, cwd: Path) -> list[str]:
    env = {**os.environ, "NEUROGEN_EXAMPLE_DURATION": "0.02", "MPLBACKEND": "Agg"}
    result = subprocess.run([sys.executable, "-c", WRAPPER, str(script)], capture_output=True, text=True,
                            env=env, cwd=cwd, timeout=600)
    assert result.returncode == 0, result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith("NEUROGEN-FINDING ")]


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_no_check_finds_anything_in_an_example_but_its_deliberate_mistakes(example, tmp_path):
    found = findings_of(example, tmp_path)
    allowed = DELIBERATE.get(example.name, set())
    assert [line for line in found if line.split()[1] not in allowed] == []
