"""The compiler command and what it produces: a broken compiler (one that writes nothing, text,
an object file, garbage, or megabytes of errors) is a clear ``CompilationError`` naming the
command, and nothing it made is installed in the cache; a compiler command may carry
arguments (``CXX="ccache g++"``); compiler preferences of the wrong type are refused."""
from __future__ import annotations

import os
import shlex
import stat
from pathlib import Path

import pytest

from neurogen import prefs

from neurogen.compiled import cache
from neurogen.errors import CompilationError, PreferenceError
from neurogen.compiled.toolchain import BuildConfig, build_config, compile_shared_library, find_compiler, library_problem

SOURCE = 'extern "C" __attribute__((visibility("default"))) int ng_abi_version() { return 1; }\n'


def _script(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _config(command: str, *flags: str) -> BuildConfig:
    return BuildConfig(command, "test", ("-std=c++17", "-fPIC", *flags), "x86_64", "")


def _compile(tmp_path: Path, command: str, *flags: str, source: str = SOURCE) -> Path:
    folder = tmp_path / "build"
    folder.mkdir(exist_ok=True)
    (folder / "lib.cpp").write_text(source)
    compile_shared_library([folder / "lib.cpp"], folder / "lib.so", _config(command, *flags), [],
                           export="ng_abi_version")
    return folder / "lib.so"


def _fake_compilers(folder: Path) -> dict[str, tuple[str, str]]:
    """name: (compiler command, what the error says)."""
    garbage = _script(folder, "garbage.sh", 'while [ $# -gt 0 ]; do [ "$1" = -o ] && echo garbage > "$2"; shift; done\n')
    return {
        "true": ("true", "did not write the shared library"),
        "echo": ("/bin/echo", "did not write the shared library"),
        "preprocessor only": ("g++ -E", "no ELF header"),
        "object file": ("g++ -c", "an object file (ET_REL), not a shared object"),
        "garbage": (shlex.quote(str(garbage)), "no ELF header: b'garbage\\n'"),
    }


@pytest.mark.parametrize("name", ["true", "echo", "preprocessor only", "object file", "garbage"])
def test_a_compiler_that_reports_success_without_a_library_is_an_error(tmp_path, name):
    command, expected = _fake_compilers(tmp_path)[name]
    with pytest.raises(CompilationError) as error:
        _compile(tmp_path, command)
    message = str(error.value)
    assert expected in message, message
    assert f"command: {shlex.join(shlex.split(command))} -std=c++17" in message  # the command, as run
    assert getattr(error.value, "keep_build_dir", False)


def test_a_library_without_the_entry_point_is_an_error(tmp_path):
    with pytest.raises(CompilationError, match="does not export ng_abi_version"):
        _compile(tmp_path, "g++", source="int something_else() { return 0; }\n")


def test_a_real_library_passes(tmp_path):
    library = _compile(tmp_path, "g++")
    assert library_problem(library, "ng_abi_version") == ""
    assert "command: " in (library.parent / "compiler.log").read_text()


def test_broken_compiler_output_is_not_installed_in_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROGEN_CACHE_DIR", str(tmp_path / "cache"))
    key = cache.compute_key(["broken compiler test"])
    with pytest.raises(CompilationError, match="did not write"):
        cache.install(key, lambda folder: _compile(folder, "true"))
    assert cache.lookup(key) is None


def test_megabytes_of_compiler_errors_are_cut_to_head_and_tail(tmp_path):
    spew = _script(tmp_path, "spew.sh", 'yes "error: something terrible in line 1234" | head -c 5000000 >&2\n'
                                        'echo "the last line" >&2\nexit 1\n')
    with pytest.raises(CompilationError) as error:
        _compile(tmp_path, str(spew))
    message = str(error.value)
    assert len(message) < 12_000
    assert "error: something terrible" in message and message.rstrip().endswith("the last line")
    log = tmp_path / "build" / "compiler.log"
    assert f"left out; the whole output is in {log}" in message
    assert len(log.read_text()) > 5_000_000


def test_a_compiler_command_may_carry_arguments(tmp_path, monkeypatch):
    """CXX="ccache g++" (ccache is not installed here: a launcher script in a folder with a
    space stands in for it): the program is found on PATH or by path, the rest are arguments."""
    folder = tmp_path / "my tools"
    folder.mkdir()
    launcher = _script(folder, "launch", f'echo "$@" >> "{tmp_path}/launched"\nexec "$@"\n')
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("CXX", "launch g++")
    config = build_config()
    assert config.command() == [str(launcher), "g++"] and "g++" in config.compiler_version
    monkeypatch.setenv("CXX", f"{shlex.quote(str(launcher))} g++")
    assert find_compiler(("the CXX environment variable", os.environ["CXX"])) == config.compiler
    library = _compile(tmp_path, config.compiler)
    assert library_problem(library, "ng_abi_version") == ""
    assert (tmp_path / "launched").read_text().startswith("g++ ")


@pytest.mark.parametrize("command, expected", [("launch-xyz g++", "'launch-xyz' of the command 'launch-xyz g++'"),
                                               ("'g++", "cannot be split into words")])
def test_a_compiler_command_that_cannot_be_used_is_named(monkeypatch, command, expected):
    from neurogen.errors import CompilerNotFoundError

    monkeypatch.setenv("CXX", command)
    with pytest.raises(CompilerNotFoundError) as error:
        build_config(lambda: None)
    assert expected in str(error.value) and "named by the CXX environment variable" in str(error.value)


@pytest.mark.parametrize("name, value", [("extra_compile_args_gcc", "-O0"), ("extra_compile_args_gcc", ["-O0", 2]),
                                         ("compiler", 5), ("march_native", "yes"), ("warnings_as_errors", 1)])
def test_compiler_preferences_of_the_wrong_type_are_refused(name, value):
    before = getattr(prefs.codegen.cpp, name)
    with pytest.raises(PreferenceError, match=f"prefs.codegen.cpp.{name} must be"):
        setattr(prefs.codegen.cpp, name, value)
    assert getattr(prefs.codegen.cpp, name) == before
    assert isinstance(PreferenceError("x"), TypeError)


def test_a_flag_list_changed_in_place_is_checked_when_it_is_read():
    prefs.codegen.cpp.extra_compile_args_gcc.append(3)
    try:
        with pytest.raises(PreferenceError, match=r"extra_compile_args_gcc must be a list of strings.*\[3\]"):
            build_config()
    finally:
        prefs.codegen.cpp.extra_compile_args_gcc = []


def test_openmp_threads_takes_a_whole_number():
    with pytest.raises(PreferenceError, match="openmp_threads must be a whole number"):
        prefs.devices.cpp_standalone.openmp_threads = "2"
