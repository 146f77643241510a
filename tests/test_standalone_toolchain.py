"""One source of compiler settings for both modes (issue 11, part 4): a standalone project is
compiled by the compiler and with the flags the runtime uses (``toolchain.BuildConfig``),
through the generated ``neurogen-toolchain.cmake``."""
from __future__ import annotations

import json
import shlex
import shutil
import subprocess

import pytest

from neurogen import *
from neurogen.standalone.cmake_toolchain import toolchain_cmake
from neurogen.compiled.toolchain import BuildConfig, find_compiler

pytestmark = pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake")


def test_the_settings_file_gives_cmake_the_exact_command_and_flags(tmp_path):
    """Flags with spaces, quotes, semicolons and dollars arrive as the runtime passes them."""
    flags = ("-O3", '-DNAME="a b"', "-DLIST=x;y", "-DCOST=$5", "-DPATH=C:\\dir")
    command = shlex.join(["/opt/my compilers/g++", "--gcc-toolchain=/x"])  # as BuildConfig holds it
    config = BuildConfig(command, "g++ 12", flags, "x86_64", "")
    (tmp_path / "settings.cmake").write_text(toolchain_cmake(config))
    (tmp_path / "show.cmake").write_text(
        'include("${CMAKE_CURRENT_LIST_DIR}/settings.cmake")\n'
        'foreach(item IN LISTS CMAKE_CXX_COMPILER NEUROGEN_FLAGS)\n  message("<${item}>")\nendforeach()\n')
    done = subprocess.run(["cmake", "-P", str(tmp_path / "show.cmake")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    shown = [line[1:-1] for line in done.stderr.splitlines()]
    assert shown == ["/opt/my compilers/g++", "--gcc-toolchain=/x", *flags]


def test_compiler_preferences_reach_the_standalone_build(tmp_path):
    """``prefs.codegen.cpp.compiler`` and ``extra_compile_args_gcc`` set in Python are what
    CMake compiles both files with (they never reached a standalone project before), also
    when they change after the project's build folder was configured (CMake would keep the
    compiler of its first configure)."""
    compiler = shlex.split(find_compiler())[0]
    cpp = prefs.codegen.cpp
    before = (cpp.compiler, list(cpp.extra_compile_args_gcc))
    set_device("cpp_standalone", directory=tmp_path / "project", build_on_run=False)
    try:
        G = NeuronGroup(3, "dv/dt = -v/(10*ms) : 1", threshold="v > 1", reset="v = 0", method="exact")
        M = SpikeMonitor(G)
        run(1 * ms)
        device.build(run=False)
        cpp.compiler = f"{compiler} -DNEUROGEN_VIA_COMPILER_PREF=1"
        cpp.extra_compile_args_gcc = ["-DNEUROGEN_VIA_EXTRA_ARGS=1"]
        device.build(run=False)
    finally:
        device.reinit()
        set_device("runtime")
        cpp.compiler, cpp.extra_compile_args_gcc = before
    commands = json.loads((tmp_path / "project" / "build" / "compile_commands.json").read_text())
    by_file = {entry["file"].rsplit("/", 1)[-1]: entry["command"] for entry in commands}
    assert set(by_file) == {"main.cpp", "network.cpp"}
    for command in by_file.values():
        words = shlex.split(command)
        assert words[0] == compiler and words[1] == "-DNEUROGEN_VIA_COMPILER_PREF=1"
        assert "-DNEUROGEN_VIA_EXTRA_ARGS=1" in words and "-ffp-contract=off" in words
