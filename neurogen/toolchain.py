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
    """Everything about the toolchain that can change a binary (and so enters the cache key)."""

    compiler: str
    compiler_version: str
    flags: tuple[str, ...]
    machine: str
    cpu: str

    def key_parts(self) -> tuple[str, ...]:
        return (self.compiler, self.compiler_version, " ".join(self.flags), self.machine, self.cpu)


def build_config() -> BuildConfig:
    """Read ``prefs`` once into a frozen config."""
    cpp = prefs.codegen.cpp
    compiler = find_compiler(cpp.compiler)
    flags = list(BASE_FLAGS)
    if cpp.march_native:
        flags.append("-march=native")
    if cpp.warnings_as_errors:
        flags.append("-Werror")
    flags += list(cpp.extra_compile_args_gcc)
    cpu = _cpu_model() if cpp.march_native else ""
    return BuildConfig(compiler, compiler_version(compiler), tuple(flags), platform.machine(), cpu)


def find_compiler(preferred: str | None = None) -> str:
    candidates = [preferred] if preferred else [os.environ.get("CXX"), "c++", "g++", "clang++"]
    for name in candidates:
        if name:
            path = shutil.which(name)
            if path:
                return path
    raise CompilerNotFoundError(
        "no C++ compiler found (looked for " + ", ".join(c for c in candidates if c) + "). "
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
