"""Every example in examples/ runs (short durations through NEUROGEN_EXAMPLE_DURATION)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.py"))


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(example, tmp_path):
    env = {**os.environ, "NEUROGEN_EXAMPLE_DURATION": "0.05", "MPLBACKEND": "Agg"}
    result = subprocess.run([sys.executable, str(example)], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
