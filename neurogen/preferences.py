"""``prefs``: the one mutable settings object, read once per build into a frozen config.

Names follow Brian2 where Brian2 has the setting (``prefs.codegen.cpp.extra_compile_args_gcc``);
assigning an unknown name raises, so a typo never silently does nothing. A setting whose type
is wrong (``extra_compile_args_gcc = '-O0'``, which would be read as the flags '-', 'O', '0')
raises ``PreferenceError`` (a ``TypeError``) when it is assigned, and again when it is read
for a build (a list can be changed in place).
"""
from __future__ import annotations

import numbers
import os
from typing import Any, Callable

import numpy as np

from .errors import PreferenceError

Validator = Callable[[str, Any], None]


class PreferenceGroup:
    """A fixed set of named settings; nested groups allow ``prefs.codegen.cpp.compiler``.
    ``checks`` validate a setting when it is assigned (a bad value fails there, naming it)."""

    def __init__(self, path: str, validators: dict[str, Validator] | None = None, **entries: Any) -> None:
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_entries", dict(entries))
        object.__setattr__(self, "_validators", dict(validators or {}))

    def __getattr__(self, name: str) -> Any:
        entries = object.__getattribute__(self, "_entries")
        if name not in entries:
            raise AttributeError(f"no preference '{self._path}.{name}'; known: {', '.join(sorted(entries))}")
        return entries[name]

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._entries or isinstance(self._entries[name], PreferenceGroup):
            raise AttributeError(f"no preference '{self._path}.{name}'; known: {', '.join(sorted(self._entries))}")
        self._check(name, value)
        self._entries[name] = value

    def validated(self, name: str) -> Any:
        """The setting ``name``, checked (as it is read for a build)."""
        value = getattr(self, name)
        self._check(name, value)
        return value

    def _check(self, name: str, value: Any) -> None:
        validator = self._validators.get(name)
        if validator is not None:
            validator(f"{self._path}.{name}", value)

    def __repr__(self) -> str:
        return f"<preferences {self._path}: {', '.join(sorted(self._entries))}>"


def _strings(path: str, value: Any) -> None:
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        raise PreferenceError(f"{path} must be a list of strings, one flag each (e.g. ['-O2', '-g']), "
                              f"got {value!r}")


def _codes(path: str, value: Any) -> None:
    if not isinstance(value, (list, tuple, set, frozenset)) or not all(isinstance(item, str) for item in value):
        raise PreferenceError(f"{path} must be a list of finding codes (e.g. ['set-without-dynamics']), "
                              f"got {value!r}")


def _switch(path: str, value: Any) -> None:
    if not isinstance(value, (bool, np.bool_)):
        raise PreferenceError(f"{path} must be True or False, got {value!r}")


def _command(path: str, value: Any) -> None:
    if value is not None and not isinstance(value, (str, os.PathLike)):
        raise PreferenceError(f"{path} must be None (then $CXX, else c++, g++ or clang++ on PATH) or a compiler "
                              f"command such as 'g++' or 'ccache g++', got {value!r}")


def _threads(path: str, value: Any) -> None:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise PreferenceError(f"{path} must be a whole number >= 0 (0 or 1: one thread), got {value!r}")
    if value < 0:
        raise ValueError(f"{path}: the number of threads must not be negative (0 or 1: one thread), got {value}")


def _float_dtype(path: str, value: Any) -> None:
    if value in ("float64", "double") or value is float or (isinstance(value, type) and value is np.float64) \
            or (isinstance(value, np.dtype) and value == np.float64):
        return
    if value in ("float32", "single") or value is np.float32 or (isinstance(value, np.dtype) and value == np.float32):
        raise NotImplementedError(f"{path} = float32: single-precision simulation (a Brian2 feature) is not "
                                  "supported by neurogen yet; it computes in float64")
    raise PreferenceError(f"{path} must be float64 or float32, got {value!r}")


def _target(path: str, value: Any) -> None:
    """Brian2's code generation targets all mean "compiled" here: the same model, the same results."""
    if value not in ("numpy", "cython", "auto"):
        raise PreferenceError(f"{path} must be 'numpy', 'cython' or 'auto' (neurogen always compiles C++), "
                              f"got {value!r}")


def _defaults() -> PreferenceGroup:
    cpp = PreferenceGroup(
        "prefs.codegen.cpp",
        validators={"compiler": _command, "extra_compile_args_gcc": _strings, "march_native": _switch,
                    "warnings_as_errors": _switch},
        compiler=None,                 # None: $CXX, else c++/g++/clang++ on PATH; may carry arguments
        extra_compile_args_gcc=[],     # appended to neurogen's explicit flag list
        march_native=True,             # -march=native (the CPU model then enters the cache key)
        warnings_as_errors=False,      # tests turn this on: compiler warnings in generated code are bugs
    )
    return PreferenceGroup(
        "prefs",
        codegen=PreferenceGroup("prefs.codegen", validators={"target": _target}, cpp=cpp, target="cython"),
        core=PreferenceGroup("prefs.core", validators={"default_float_dtype": _float_dtype},
                             default_float_dtype="float64"),
        # Brian2's logging settings, taken so scripts that set them run; neurogen logs through the
        # standard ``logging`` module ("neurogen" logger) and redirects nothing
        logging=PreferenceGroup("prefs.logging", std_redirection=True, std_redirection_to_file=True,
                                file_log=True, file_log_level="DEBUG", console_log_level="INFO",
                                delete_log_on_exit=True, save_script=True, file_log_max_size=10000000),
        cache=PreferenceGroup("prefs.cache", max_bytes=1 << 30),
        # the model checks run() warns about (neurogen.check): off, or some codes ignored
        checks=PreferenceGroup("prefs.checks", validators={"enabled": _switch, "ignore": _codes},
                               enabled=True, ignore=[]),
        devices=PreferenceGroup("prefs.devices", cpp_standalone=PreferenceGroup(
            "prefs.devices.cpp_standalone", validators={"openmp_threads": _threads},
            openmp_threads=0)),  # 0 or 1: one thread (more: not yet)
    )


prefs = _defaults()
