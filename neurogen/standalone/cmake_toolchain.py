"""A standalone project's compiler settings (``neurogen-toolchain.cmake``), from the same
``toolchain.BuildConfig`` the runtime compiles with.

So ``prefs.codegen.cpp.compiler`` (or ``CXX``), ``march_native``, ``warnings_as_errors`` and
``extra_compile_args_gcc`` reach a standalone build exactly as they reach the runtime's:
``network.cpp`` is compiled with the runtime's flag list, by the runtime's compiler command,
and ``main.cpp`` with the same flags (plus its own warnings and optimisation level,
``CMakeLists.txt``). The file is generated with the project and owned by neurogen
(``project_files``: never written over once edited).
"""
from __future__ import annotations

from ..errors import CompilerNotFoundError
from ..compiled.toolchain import BuildConfig, compile_flags
from ..compiled.library import current_toolchain

FILE = "neurogen-toolchain.cmake"


def cmake_quoted(text: str) -> str:
    """``text`` as one element of a CMake list in a quoted argument (no expansion, no split)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace(";", "\\;")
    return f'"{escaped}"'


def project_toolchain() -> str:
    """The settings of this machine's builds (``compiled.library.current_toolchain``); without any compiler
    known here, the flags only (CMake then finds a compiler where the project is built)."""
    try:
        return toolchain_cmake(current_toolchain())
    except CompilerNotFoundError:
        return toolchain_cmake(BuildConfig("", "", compile_flags(), "", ""))


def toolchain_cmake(config: BuildConfig) -> str:
    """The settings file ``CMakeLists.txt`` includes before ``project()``."""
    command = ";".join(cmake_quoted(word)[1:-1] for word in config.command())
    flags = ";".join(cmake_quoted(flag)[1:-1] for flag in config.flags)
    compiler = (f'set(CMAKE_CXX_COMPILER "{command}")  # the program, then any arguments of the command\n'
                'set(NEUROGEN_CXX_COMPILER "${CMAKE_CXX_COMPILER}")  # CMakeLists.txt checks the build folder uses it\n'
                if command else "# no compiler known where neurogen wrote this project: CMake chooses one\n")
    return (
        "# neurogen generated: the compiler and flags neurogen's runtime builds this network with\n"
        "# (neurogen/toolchain.py, BuildConfig: prefs.codegen.cpp.compiler or CXX, march_native,\n"
        "# warnings_as_errors, extra_compile_args_gcc). Included by CMakeLists.txt before project().\n"
        "# Do not edit: neurogen writes it with the project (and never over an edited copy).\n"
        f"# compiler version: {config.compiler_version.splitlines()[0] if config.compiler_version else '?'}\n"
        f"{compiler}"
        f'set(NEUROGEN_FLAGS "{flags}")\n'
        "set(CMAKE_EXPORT_COMPILE_COMMANDS ON)  # build/compile_commands.json: what was run\n")
