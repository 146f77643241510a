"""``prefs``: the one mutable settings object, read once per build into a frozen config.

Names follow Brian2 where Brian2 has the setting (``prefs.codegen.cpp.extra_compile_args_gcc``);
assigning an unknown name raises, so a typo never silently does nothing.
"""
from __future__ import annotations

from typing import Any


class PreferenceGroup:
    """A fixed set of named settings; nested groups allow ``prefs.codegen.cpp.compiler``."""

    def __init__(self, path: str, **entries: Any) -> None:
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_entries", dict(entries))

    def __getattr__(self, name: str) -> Any:
        entries = object.__getattribute__(self, "_entries")
        if name not in entries:
            raise AttributeError(f"no preference '{self._path}.{name}'; known: {', '.join(sorted(entries))}")
        return entries[name]

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._entries or isinstance(self._entries[name], PreferenceGroup):
            raise AttributeError(f"no preference '{self._path}.{name}'; known: {', '.join(sorted(self._entries))}")
        self._entries[name] = value

    def __repr__(self) -> str:
        return f"<preferences {self._path}: {', '.join(sorted(self._entries))}>"


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
            "prefs.devices.cpp_standalone", openmp_threads=0)),  # 0 or 1: one thread (more: not yet)
    )


prefs = _defaults()
