"""Find the C++ compiler, fix the flags, and build: model libraries and the Cython shell.

Every build uses one explicit flag list (nothing inherited from Python's build config), no
``-ffast-math`` and ``-ffp-contract=off``, so the runtime and the standalone program compute
bit-identical results with the same compiler.
"""
from __future__ import annotations

import logging
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from .errors import CompilationError, CompilerNotFoundError
from .preferences import prefs

log = logging.getLogger(__name__)

# -fno-math-errno and -fno-trapping-math change no computed value (errno and FP exception
# flags are never read); they let GCC inline sqrt and if-convert selects such as
# `v = not_refractory ? v_new : v`, which is what makes the per-neuron loops vectorize.
BASE_FLAGS = ("-std=c++17", "-O3", "-fPIC", "-ffp-contract=off", "-fno-math-errno",
              "-fno-trapping-math", "-fvisibility=hidden", "-Wall", "-Wextra")


@dataclass(frozen=True, slots=True)
class BuildConfig:
    """Everything about the toolchain that can change a binary (and so enters the cache key).

    ``missing``: why this config cannot build (no compiler on this machine); such a config
    still finds cached builds made with ``compiler``, the compiler of the last build.
    """

    compiler: str
    compiler_version: str
    flags: tuple[str, ...]
    machine: str
    cpu: str
    missing: str = ""

    def key_parts(self) -> tuple[str, ...]:
        return (self.compiler, self.compiler_version, " ".join(self.flags), self.machine, self.cpu)

    def require_compiler(self) -> None:
        """Raise ``CompilerNotFoundError`` if this config can only look up builds."""
        if self.missing:
            raise CompilerNotFoundError(self.missing)


def build_config(last_build: Callable[[], tuple[str, str] | None] = lambda: None) -> BuildConfig:
    """Read ``prefs`` once into a frozen config.

    Compiler discovery may find nothing: a model that is fully cached still runs without a
    compiler. When no compiler is named (prefs, ``CXX``) and none is found, the config uses
    ``last_build()`` (compiler path and version of the last build, read only then) so that
    cached builds are found, and marks itself ``missing``. A compiler that *is* named but
    missing is always an error: it is never silently replaced by another one.
    """
    cpp = prefs.codegen.cpp
    named = named_compiler()
    missing = ""
    try:
        compiler = find_compiler(named)
        version = compiler_version(compiler)
    except CompilerNotFoundError as error:
        recorded = None if named else last_build()
        if recorded is None:
            raise
        (compiler, version) = recorded
        missing = f"{error} (Cached models run without one; this build needs it.)"
        log.debug("no C++ compiler found; looking for builds made with %s (building needs one)", compiler)
    flags = list(BASE_FLAGS)
    if cpp.march_native:
        flags.append("-march=native")
    if cpp.warnings_as_errors:
        flags.append("-Werror")
    flags += list(cpp.extra_compile_args_gcc)
    cpu = _cpu_model() if cpp.march_native else ""
    return BuildConfig(compiler, version, tuple(flags), platform.machine(), cpu, missing)


def named_compiler() -> tuple[str, str] | None:
    """``(where it is named, name)`` of the compiler the user chose, or None."""
    chosen = prefs.codegen.cpp.compiler
    if chosen:
        return "prefs.codegen.cpp.compiler", str(chosen)
    if os.environ.get("CXX"):
        return "the CXX environment variable", os.environ["CXX"]
    return None


DEFAULT_COMPILERS = ("c++", "g++", "clang++")


def find_compiler(named: tuple[str, str] | None = None) -> str:
    """Full path of the named compiler (only that one), else of the first default one on PATH."""
    if named is not None:
        source, name = named
        path = shutil.which(name)
        if path:
            return path
        raise CompilerNotFoundError(
            f"the C++ compiler {name!r} named by {source} was not found (neither an executable file "
            f"nor a command on PATH). Install it, correct {source}, or unset it to use the first of "
            + ", ".join(DEFAULT_COMPILERS) + " on PATH.")
    for name in DEFAULT_COMPILERS:
        path = shutil.which(name)
        if path:
            return path
    raise CompilerNotFoundError(
        "no C++ compiler found (looked for " + ", ".join(DEFAULT_COMPILERS) + " on PATH). "
        "Install one (e.g. 'apt-get install g++' or Xcode's command line tools), or set "
        "prefs.codegen.cpp.compiler or the CXX environment variable."
    )


@lru_cache(maxsize=8)
def compiler_version(compiler: str) -> str:
    result = subprocess.run([compiler, "--version"], capture_output=True, text=True, check=False)
    return result.stdout.strip()


@lru_cache(maxsize=1)
def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(("model name", "Model", "CPU part")):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def compile_shared_library(sources: list[Path], output: Path, config: BuildConfig,
                           include_dirs: list[Path], extra: tuple[str, ...] = ()) -> str:
    """Compile and link ``sources`` into a shared library; returns the compiler's messages."""
    config.require_compiler()
    command = [config.compiler, *config.flags, *extra, "-shared",
               *(f"-I{d}" for d in include_dirs), *map(str, sources), "-o", str(output)]
    if sys.platform == "darwin":
        command[1:1] = ["-undefined", "dynamic_lookup"]
    log.debug("compiling: %s", " ".join(command))
    result = subprocess.run(command, capture_output=True, text=True, cwd=output.parent, check=False)
    if result.returncode != 0:
        error = CompilationError(
            f"the C++ compiler failed (exit {result.returncode}); the build folder is kept at "
            f"{output.parent}\ncommand: {' '.join(command)}\n{result.stderr.strip()}"
        )
        error.keep_build_dir = True  # type: ignore[attr-defined]
        raise error
    return result.stderr


def cythonize(pyx: Path, output: Path) -> None:
    """Cython → C++ (the shell only: it is the one piece of Cython, built once per version)."""
    command = [sys.executable, "-m", "cython", "--cplus", "-3", str(pyx), "-o", str(output)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise CompilationError(f"Cython failed:\ncommand: {' '.join(command)}\n{result.stderr}")


def python_include_dirs() -> list[Path]:
    return [Path(sysconfig.get_paths()["include"])]


def extension_suffix() -> str:
    return sysconfig.get_config_var("EXT_SUFFIX") or ".so"
