"""``prefs``: the one mutable settings object, read once per build into a frozen config.

Names follow Brian2 where Brian2 has the setting (``prefs.codegen.cpp.extra_compile_args_gcc``);
assigning an unknown name raises, so a typo never silently does nothing.
"""
from __future__ import annotations

from typing import Any, Callable


class PreferenceGroup:
    """A fixed set of named settings; nested groups allow ``prefs.codegen.cpp.compiler``.
    ``checks`` validate a setting when it is assigned (a bad value fails there, naming it)."""

    def __init__(self, path: str, checks: dict[str, Callable[[str, Any], Any]] | None = None,
                 **entries: Any) -> None:
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_entries", dict(entries))
        object.__setattr__(self, "_checks", dict(checks or {}))

    def __getattr__(self, name: str) -> Any:
        entries = object.__getattribute__(self, "_entries")
        if name not in entries:
            raise AttributeError(f"no preference '{self._path}.{name}'; known: {', '.join(sorted(entries))}")
        return entries[name]

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._entries or isinstance(self._entries[name], PreferenceGroup):
            raise AttributeError(f"no preference '{self._path}.{name}'; known: {', '.join(sorted(self._entries))}")
        if name in self._checks:
            value = self._checks[name](f"{self._path}.{name}", value)
        self._entries[name] = value

    def __repr__(self) -> str:
        return f"<preferences {self._path}: {', '.join(sorted(self._entries))}>"


def _thread_count(what: str, value: Any) -> int:
    """A number of threads: a whole number, 0 (or 1) meaning one thread."""
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{what}: expected a whole number of threads, got {value!r}")
    if value < 0:
        raise ValueError(f"{what}: the number of threads must not be negative, got {value}")
    return int(value)


def _defaults() -> PreferenceGroup:
    cpp = PreferenceGroup(
        "prefs.codegen.cpp",
        compiler=None,                 # None: $CXX, else c++/g++/clang++ on PATH
        extra_compile_args_gcc=[],     # appended to neurogen's explicit flag list
        march_native=True,             # -march=native (the CPU model then enters the cache key)
        warnings_as_errors=False,      # tests turn this on: compiler warnings in generated code are bugs
    )
    return PreferenceGroup(
        "prefs",
        codegen=PreferenceGroup("prefs.codegen", cpp=cpp, target="cython"),
        core=PreferenceGroup("prefs.core", default_float_dtype="float64"),
        cache=PreferenceGroup("prefs.cache", max_bytes=1 << 30),
        devices=PreferenceGroup("prefs.devices", cpp_standalone=PreferenceGroup(
            "prefs.devices.cpp_standalone", checks={"openmp_threads": _thread_count}, openmp_threads=0)),  # 0 or 1: one thread (more: not yet)
    )


prefs = _defaults()
