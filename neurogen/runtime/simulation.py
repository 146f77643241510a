"""Run a compiled network: bind numpy buffers and values, and call the step loop once.

Zero copy: the C++ code works on the objects' own numpy arrays; only spike records kept by
the C++ side are copied out after a run.
"""
from __future__ import annotations

import logging
import threading
from typing import Any, Callable, Sequence

import numpy as np

from ..compiled import cache
from ..binding import ARRAY, DT, INTEGER, SCALAR, SEED, T_START
from ..compiled.library import LIBRARY, Manifest, compiled_network, current_toolchain, frontend_key, shell
from ..errors import DamagedCacheEntryError, NeurogenError
from ..logger import notice
from ..session import session

log = logging.getLogger(__name__)

_NUMPY_DTYPES = {"double": np.float64, "int32_t": np.int32, "int64_t": np.int64, "char": np.uint8,
                 "uint32_t": np.uint32}


def load_simulation(frontend_parts: Sequence[str], make_ir: Callable[[], Any],
                    current: "Simulation | None" = None) -> "Simulation":
    """The loaded network for a model: ``current`` if it still fits, else found or built.

    A cached library that is damaged (or fails to load) is discarded and rebuilt once, with
    one warning; a cache that others could write raises ``UntrustedCacheError``.
    """
    config = current_toolchain()
    key = frontend_key(frontend_parts, config)
    if current is not None and current.frontend_key == key:
        return current  # loaded (and verified) before: repeated runs touch no file
    announce = CompileNotice()
    make_ir = announce.before(make_ir)
    with announce.if_slower_than(SHELL_NOTICE_AFTER):
        model_type = shell().Model  # first: building the shell could evict the library loaded next
    manifest = compiled_network(key, config, make_ir)
    if current is not None and current.manifest == manifest:
        return current
    try:
        return Simulation(model_type, manifest, key)
    except (DamagedCacheEntryError, ImportError) as exc:
        log.warning("discarding a damaged neurogen cache entry and building it again: %s", exc)
        cache.discard(manifest.module)
    return Simulation(model_type, compiled_network(key, config, make_ir), key)


COMPILE_NOTICE = ("neurogen: compiling the model to C++ (the first use of a model structure takes "
                  "seconds; later runs use the cache)...")
SHELL_NOTICE_AFTER = 1.0  # seconds: loading a cached shell takes milliseconds, building it many seconds


class CompileNotice:
    """One line telling the user that neurogen compiles (a new user otherwise waits seconds in
    silence), once per process and never on a warm run. It comes when a model (a network, a
    string assignment, a ``connect``) has to be lowered (no manifest for its structure is
    cached: it is compiled unless an equal library is), or when loading the runtime shell
    takes longer than a cached load can (it is being built)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def give(self) -> None:
        with self._lock:
            if not session().compile_notice_given:
                session().compile_notice_given = True
                notice(__name__, COMPILE_NOTICE)

    def before(self, make_ir: Callable[[], Any]) -> Callable[[], Any]:
        def announced() -> Any:
            self.give()
            return make_ir()
        return announced

    def if_slower_than(self, seconds: float) -> "_Timer":
        return _Timer(seconds, self.give)


class _Timer:
    """``with _Timer(s, f):`` calls ``f`` (on another thread) if the block takes more than ``s`` seconds."""

    def __init__(self, seconds: float, action: Callable[[], None]) -> None:
        self.timer = threading.Timer(seconds, action)
        self.timer.daemon = True

    def __enter__(self) -> None:
        self.timer.start()

    def __exit__(self, *exc: Any) -> None:
        self.timer.cancel()


# -- running ------------------------------------------------------------------------------

class Simulation:
    """A loaded network instance: binds buffers and runs steps."""

    def __init__(self, model_type: Any, manifest: Manifest, frontend_key: str) -> None:
        """Load ``manifest``'s library with the shell's ``Model``, after ``cache.verified_file``."""
        self.manifest = manifest
        self.frontend_key = frontend_key
        found = cache.verified_file(manifest.module, LIBRARY)
        if found is None:
            raise DamagedCacheEntryError(f"the compiled library {manifest.module[:12]} was removed from the cache")
        self.library = found.path
        self.model = model_type(str(found.path))

    @property
    def profile_slots(self) -> int:
        """How many calls the compiled step loop times when profiling (one per call per step)."""
        return int(self.model.profile_slots)

    def run(self, values: Callable[[str, str, str], Any], *, dt: float, t_start: float, seed: int,
            step0: int, n_steps: int, interval: float, callback: Any,
            profile: np.ndarray | None = None, segment: tuple[int, int] = (0, 0)) -> tuple[int, BaseException | None]:
        """``values(member, field, kind)`` supplies every input of the manifest's binding;
        each goes into the slot the binding gives it (as ``network.cpp``'s ``bind`` reads it).
        ``profile``: float64 seconds per call of the step loop (``profile_slots`` of them), to add to.
        ``segment``: (first segment of the first step, segment the run stops before in the step
        after the last; 0: none), for networks with network operations (``runtime.operations``)."""
        self.model.set_segment(*segment)
        binding = self.manifest.binding
        n_arrays = binding.size(ARRAY)
        arrays, sizes = np.zeros(n_arrays + 1, dtype=np.uintp), np.zeros(n_arrays + 1, dtype=np.int64)
        scalars, integers = np.zeros(binding.size(SCALAR)), np.zeros(binding.size(INTEGER), dtype=np.int64)
        scalars[DT.index], scalars[T_START.index], integers[SEED.index] = dt, t_start, _as_int64(seed)
        keep = []
        for slot in binding.inputs:
            value = values(slot.member, slot.name, slot.kind)
            if slot.kind == ARRAY:
                _check_array(value, slot.ctype, slot.member, slot.name)
                keep.append(value)
                arrays[slot.index], sizes[slot.index] = value.ctypes.data, value.size
            elif slot.kind == SCALAR:
                scalars[slot.index] = float(value)
            else:
                integers[slot.index] = _as_int64(int(value))
        if profile is None:
            return self.model.run(*(a.ctypes.data for a in (arrays, sizes, scalars, integers)), step0, n_steps,
                                  interval, callback)
        _check_array(profile, "double", "", "profile")
        self.model.set_profile(profile.ctypes.data, profile.size)
        try:
            return self.model.run(*(a.ctypes.data for a in (arrays, sizes, scalars, integers)), step0, n_steps,
                                  interval, callback)
        finally:
            self.model.set_profile(0, 0)

    def dynamic(self) -> dict[tuple[str, str], np.ndarray]:
        """C++-owned records since the last call, as numpy arrays."""
        result = {}
        for slot in self.manifest.binding.outputs:
            dtype = np.dtype(_NUMPY_DTYPES[slot.ctype])
            result[(slot.member, slot.name)] = np.frombuffer(self.model.dynamic(slot.index, dtype.itemsize),
                                                             dtype=dtype)
        return result


def _as_int64(value: int) -> int:
    return value - (1 << 64) if value >= (1 << 63) else value


def _check_array(array: np.ndarray, ctype: str, member: str, name: str) -> None:
    expected = np.dtype(_NUMPY_DTYPES[ctype])
    if not isinstance(array, np.ndarray) or array.dtype != expected or not array.flags.c_contiguous:
        raise NeurogenError(f"internal error: {member}.{name} must be a contiguous {expected} array")
