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


def test_the_tests_shared_models_have_no_finding():
    """The models other tests share (lif_reference, Brian2's COBAHH of test_cobahh: Hodgkin-Huxley
    with euler at a small dt must not look unstable), built as those tests build them."""
    from lif_reference import lif
    from test_cobahh import COBAHH

    from neurogen import Equations, NeuronGroup, Synapses, check, cm, defaultclock, mV, ms, msiemens, nS, siemens
    from neurogen import ufarad, umetre

    assert check(*lif(5, periods=[3, 0, 7])) == []
    area = 20000 * umetre**2
    namespace = dict(Cm=(1 * ufarad * cm**-2) * area, gl=(5e-5 * siemens * cm**-2) * area, El=-60 * mV,
                     EK=-90 * mV, ENa=50 * mV, g_na=(100 * msiemens * cm**-2) * area,
                     g_kd=(30 * msiemens * cm**-2) * area, VT=-63 * mV, taue=5 * ms, taui=10 * ms,
                     Ee=0 * mV, Ei=-80 * mV, we=6 * nS, wi=67 * nS)
    for method, dt in (("exponential_euler", 0.1 * ms), ("euler", 0.01 * ms), ("rk4", 0.05 * ms)):
        defaultclock.dt = dt
        P = NeuronGroup(40, model=Equations(COBAHH), threshold="v>-20*mV", refractory=3 * ms, method=method,
                        namespace=namespace)
        P.v = "El + (((i * 7919) % 100) / 100. * 10 - 10)*mV"
        Ce = Synapses(P[:32], P, on_pre="ge+=we", namespace=namespace)
        Ce.connect(p=0.1)
        assert check(P, Ce) == [], method
