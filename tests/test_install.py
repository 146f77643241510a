"""The installed (non-editable) package works in a fresh venv, run from outside the source tree."""
from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
import textwrap
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

SCRIPT = textwrap.dedent("""
    import neurogen, sys
    from neurogen import *
    tau = 10*ms
    G = NeuronGroup(3, 'dv/dt = (1.5 - v)/tau : 1', threshold='v > 1', reset='v = 0', method='exact')
    M = SpikeMonitor(G)
    run(50*ms)
    print(neurogen.__file__)
    print(M.num_spikes)
""")


def test_wheel_installs_into_a_fresh_venv_and_runs(tmp_path):
    wheels = tmp_path / "wheels"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                            "-w", str(wheels), str(REPO)], capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    wheel = next(wheels.glob("neurogen-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    # dependencies come from this interpreter's site-packages (after the venv's own entries)
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "deps.pth").write_text("\n".join(_dependency_paths()) + "\n")
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--target", purelib,
                              str(wheel)], capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run([str(python), "-c", SCRIPT], capture_output=True, text=True, cwd=elsewhere,
                            env={**os.environ, "PYTHONPATH": ""}, timeout=300)
    assert result.returncode == 0, result.stderr
    location, spikes = result.stdout.split()
    assert location.startswith(str(env_dir))
    assert int(spikes) == 3 * 4  # period tau*ln(3) = 11 ms: spikes near 11, 22, 33, 44 ms


def _dependency_paths() -> list[str]:
    paths = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *site.getsitepackages()}
    return sorted(p for p in paths if Path(p).is_dir())
