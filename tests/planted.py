"""A planted library: its start-up code writes a marker file, so a test can tell whether it ran."""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
import textwrap
from pathlib import Path

NOBODY = 65534
"""A uid that is not the test's (tests running as root give files to it with chown)."""

PLANTED_SOURCE = textwrap.dedent("""
    #include <stdio.h>
    __attribute__((constructor)) static void planted(void) {
        FILE* f = fopen(MARKER, "w");
        if (f) { fputs("foreign code ran", f); fclose(f); }
    }
""")


def plant_library(target: Path, marker: Path) -> None:
    """Replace ``target`` by a library whose start-up code writes ``marker`` (keeping its mode)."""
    compiler = os.environ.get("CXX") or shutil.which("c++") or shutil.which("g++")
    assert compiler, "planting a library needs a C++ compiler"
    source = target.parent / "planted.c"
    source.write_text(PLANTED_SOURCE)
    mode = stat.S_IMODE(target.stat().st_mode)
    subprocess.run([compiler, "-x", "c", "-shared", "-fPIC", f'-DMARKER="{marker}"', str(source),
                    "-o", str(target)], check=True, capture_output=True)
    source.unlink()
    os.chmod(target, mode)
