"""Find the C++ compiler, fix the flags, and build: model libraries and the Cython shell.

Every build uses one explicit flag list (nothing inherited from Python's build config), no
``-ffast-math`` and ``-ffp-contract=off``, so the runtime and the standalone program compute
bit-identical results with the same compiler.
"""
from __future__ import annotations

import logging
import os
import platform
import shlex
import shutil
import struct
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from ..errors import CompilationError, CompilerNotFoundError
from ..preferences import prefs

log = logging.getLogger(__name__)

# -fno-math-errno and -fno-trapping-math change no computed value (errno and FP exception
# flags are never read); they let GCC inline sqrt and if-convert selects such as
# `v = not_refractory ? v_new : v`, which is what makes the per-neuron loops vectorize.
BASE_FLAGS = ("-std=c++17", "-O3", "-fPIC", "-ffp-contract=off", "-fno-math-errno",
              "-fno-trapping-math", "-fvisibility=hidden", "-Wall", "-Wextra")


@dataclass(frozen=True, slots=True)
class BuildConfig:
    """Everything about the toolchain that can change a binary (and so enters the cache key).

    ``compiler``: the compiler command, its program as a full path, then any arguments, as
    one shell-quoted string (``/usr/bin/ccache g++``; see ``command``).
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

    def command(self) -> list[str]:
        """The compiler command as program and arguments."""
        return shlex.split(self.compiler)

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
    cpu = _cpu_model() if cpp.march_native else ""
    return BuildConfig(compiler, version, compile_flags(), platform.machine(), cpu, missing)


def compile_flags() -> tuple[str, ...]:
    """The flag list of every network build, runtime and standalone (``prefs`` checked)."""
    cpp = prefs.codegen.cpp
    flags = list(BASE_FLAGS)
    if cpp.validated("march_native"):
        flags.append("-march=native")
    if cpp.validated("warnings_as_errors"):
        flags.append("-Werror")
    flags += list(cpp.validated("extra_compile_args_gcc"))
    return tuple(flags)


def named_compiler() -> tuple[str, str] | None:
    """``(where it is named, command)`` of the compiler the user chose, or None."""
    chosen = prefs.codegen.cpp.validated("compiler")
    if chosen:
        return "prefs.codegen.cpp.compiler", os.fspath(chosen)
    if os.environ.get("CXX"):
        return "the CXX environment variable", os.environ["CXX"]
    return None


DEFAULT_COMPILERS = ("c++", "g++", "clang++")


def find_compiler(named: tuple[str, str] | None = None) -> str:
    """The named compiler command (only that one) with its program as a full path, else the
    full path of the first default compiler on PATH.

    A named command may carry arguments, split as a shell would (``CXX="ccache g++"``,
    ``"clang++ --gcc-toolchain=/opt/gcc"``); a path with spaces must then be quoted.
    """
    if named is not None:
        source, text = named
        try:
            words = shlex.split(text)
        except ValueError as error:
            raise CompilerNotFoundError(f"the C++ compiler command {text!r} named by {source} cannot be split "
                                        f"into words as a shell would ({error}); quote it properly") from None
        path = shutil.which(words[0]) if words else None
        if path:
            return shlex.join([path, *words[1:]])
        program = f"{words[0]!r} of the command {text!r}" if len(words) > 1 else repr(text)
        raise CompilerNotFoundError(
            f"the C++ compiler {program} named by {source} was not found (neither an executable file "
            f"nor a command on PATH). Install it, correct {source}, or unset it to use the first of "
            + ", ".join(DEFAULT_COMPILERS) + " on PATH.")
    for name in DEFAULT_COMPILERS:
        path = shutil.which(name)
        if path:
            return shlex.join([path])
    raise CompilerNotFoundError(
        "no C++ compiler found (looked for " + ", ".join(DEFAULT_COMPILERS) + " on PATH). "
        "Install one (e.g. 'apt-get install g++' or Xcode's command line tools), or set "
        "prefs.codegen.cpp.compiler or the CXX environment variable."
    )


@lru_cache(maxsize=8)
def compiler_version(compiler: str) -> str:
    """What ``compiler --version`` prints (part of every key)."""
    try:
        result = subprocess.run([*shlex.split(compiler), "--version"], capture_output=True, text=True,
                                errors="replace", check=False)
    except OSError as error:
        raise CompilerNotFoundError(f"the C++ compiler {compiler} cannot be run: {error}") from None
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
                           include_dirs: list[Path], extra: tuple[str, ...] = (),
                           export: str = "") -> str:
    """Compile and link ``sources`` into a shared library; returns the compiler's messages.

    The result is checked before anyone installs it: a shared library for this machine (that
    exports ``export``), not whatever a broken compiler command left behind (nothing, a
    preprocessed file, an object file, garbage, a 32-bit library).
    """
    config.require_compiler()
    command = [*config.command(), *config.flags, *extra, "-shared",
               *(f"-I{d}" for d in include_dirs), *map(str, sources), "-o", str(output)]
    if sys.platform == "darwin":
        command += ["-undefined", "dynamic_lookup"]
    log.debug("compiling: %s", " ".join(command))
    try:
        result = subprocess.run(command, capture_output=True, text=True, errors="replace",
                                cwd=output.parent, check=False)
    except OSError as error:
        raise CompilationError(f"the C++ compiler could not be started: {error}\ncommand: {shlex.join(command)}") from None
    log_path = output.parent / "compiler.log"
    log_path.write_text(f"command: {shlex.join(command)}\n{result.stdout}{result.stderr}")
    problem = (f"the C++ compiler failed (exit {result.returncode})" if result.returncode != 0
               else library_problem(output, export))
    if problem:
        error = CompilationError(
            f"{problem}; the build folder is kept at {output.parent}\ncommand: {shlex.join(command)}\n"
            f"{excerpt((result.stdout + result.stderr).strip(), log_path)}")
        error.keep_build_dir = True  # type: ignore[attr-defined]
        raise error
    return excerpt(result.stderr, log_path)


_EXCERPT_CHARS = 8000


def excerpt(text: str, log_path: Path) -> str:
    """``text``, or its head and tail when it is long (a compiler can print megabytes)."""
    if len(text) <= _EXCERPT_CHARS:
        return text
    half = _EXCERPT_CHARS // 2
    head, tail = text[:half], text[-half:]
    left_out = text[half:-half]
    return (f"{head}\n[... {left_out.count(chr(10)) + 1} lines ({len(left_out)} characters) left out; "
            f"the whole output is in {log_path} ...]\n{tail}")


_ELF_MACHINES = {"x86_64": 62, "amd64": 62, "aarch64": 183, "arm64": 183, "i386": 3, "i686": 3,
                 "armv7l": 40, "ppc64le": 21, "ppc64": 21, "s390x": 22, "riscv64": 243}


def library_problem(path: Path, export: str = "") -> str:
    """Why ``path`` is not a shared library for this machine (exporting ``export``), or ''.

    Reads the file only (loading it would run its code): the ELF header on Linux and other
    ELF systems (type ET_DYN, this process's word size, byte order and machine), the Mach-O
    magic on macOS; the symbol's name among its strings.
    """
    try:
        data = path.read_bytes() if path.is_file() and not path.is_symlink() else None
    except OSError as error:
        return f"the compiler reported success, but its output {path} cannot be read ({error})"
    if data is None:
        return f"the compiler reported success but did not write the shared library {path}"
    what = f"the compiler reported success, but {path} ({len(data)} bytes) is not a shared library for this machine"
    if sys.platform == "darwin":
        if data[:4] not in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe"):
            return f"{what} (no Mach-O header)"
    elif sys.platform != "win32":
        reason = _elf_problem(data)
        if reason:
            return f"{what} ({reason})"
    if export and export.encode() + b"\0" not in data:
        return f"the compiler reported success, but {path} does not export {export}"
    return ""


def _elf_problem(data: bytes) -> str:
    if len(data) < 20 or data[:4] != b"\x7fELF":
        return "no ELF header: " + (repr(data[:16]) if data else "an empty file")
    bits = {1: 32, 2: 64}.get(data[4])
    if bits != 8 * struct.calcsize("P"):
        return f"a {bits}-bit ELF file, but this Python is {8 * struct.calcsize('P')}-bit"
    order = {1: "<", 2: ">"}.get(data[5])
    if order != ("<" if sys.byteorder == "little" else ">"):
        return "an ELF file of the other byte order"
    kind, machine = struct.unpack(order + "HH", data[16:20])
    if kind != 3:  # ET_DYN
        names = {1: "an object file (ET_REL)", 2: "an executable (ET_EXEC)", 4: "a core dump"}
        return f"{names.get(kind, f'ELF type {kind}')}, not a shared object (ET_DYN)"
    expected = _ELF_MACHINES.get(platform.machine().lower())
    if expected is not None and machine != expected:
        return f"built for ELF machine {machine}, this machine ({platform.machine()}) is {expected}"
    return ""


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
