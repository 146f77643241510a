"""Run a compiled network: bind numpy buffers and values, and call the step loop once.

Zero copy: the C++ code works on the objects' own numpy arrays; only spike records kept by
the C++ side are copied out after a run.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from . import cache
from .build import Manifest, compiled_network, shell
from .errors import NeurogenError

log = logging.getLogger(__name__)

_NUMPY_DTYPES = {"double": np.float64, "int32_t": np.int32, "int64_t": np.int64, "char": np.uint8,
                 "uint32_t": np.uint32}


def load_simulation(frontend_parts: Sequence[str], make_ir: Callable[[], Any],
                    current: "Simulation | None" = None) -> "Simulation":
    """The loaded network for a model: ``current`` if it still fits, else found or built.

    A cache entry that fails to load (a truncated library) is discarded and rebuilt once.
    """
    library, manifest = compiled_network(frontend_parts, make_ir)
    if current is not None and current.manifest == manifest:
        return current
    try:
        return Simulation(library, manifest)
    except ImportError as exc:
        log.warning("discarding a corrupt cache entry and rebuilding: %s", exc)
        library, manifest = compiled_network(frontend_parts, make_ir)
        return Simulation(library, manifest)


# -- running ------------------------------------------------------------------------------

class Simulation:
    """A loaded network instance: binds buffers and runs steps."""

    def __init__(self, library: Path, manifest: Manifest) -> None:
        self.manifest = manifest
        self.library = library
        try:
            self.model = shell().Model(str(library))
        except ImportError:
            cache.discard(manifest.module)  # corrupt entry: never load it again
            raise

    def run(self, values: Callable[[str, str, str], Any], *, dt: float, t_start: float, seed: int,
            step0: int, n_steps: int, interval: float, callback: Any) -> tuple[int, BaseException | None]:
        """``values(member, field, kind)`` supplies every input named in the manifest."""
        arrays, keep, scalars, integers = [], [], [dt, t_start], [_as_int64(seed)]
        for member, name, ctype, kind in self.manifest.fields:
            if kind == "array":
                array = values(member, name, kind)
                _check_array(array, ctype, member, name)
                keep.append(array)
                arrays.append(array.ctypes.data)
            elif kind == "scalar":
                scalars.append(float(values(member, name, kind)))
            elif kind == "integer":
                integers.append(_as_int64(int(values(member, name, kind))))
        inputs = (np.array(arrays + [0], dtype=np.uintp), np.array([a.size for a in keep] + [0], dtype=np.int64),
                  np.array(scalars, dtype=np.float64), np.array(integers, dtype=np.int64))
        return self.model.run(*(a.ctypes.data for a in inputs), step0, n_steps, interval, callback)

    def dynamic(self) -> dict[tuple[str, str], np.ndarray]:
        """C++-owned records since the last call, as numpy arrays."""
        result = {}
        for index, (member, name, ctype) in enumerate(self.manifest.dynamic()):
            dtype = np.dtype(_NUMPY_DTYPES[ctype])
            result[(member, name)] = np.frombuffer(self.model.dynamic(index, dtype.itemsize), dtype=dtype)
        return result


def _as_int64(value: int) -> int:
    return value - (1 << 64) if value >= (1 << 63) else value


def _check_array(array: np.ndarray, ctype: str, member: str, name: str) -> None:
    expected = np.dtype(_NUMPY_DTYPES[ctype])
    if not isinstance(array, np.ndarray) or array.dtype != expected or not array.flags.c_contiguous:
        raise NeurogenError(f"internal error: {member}.{name} must be a contiguous {expected} array")


def assign_expression(group: Any, variable: str, expression: str, index: Any) -> None:
    """``G.v = 'expr'``: run the assignment as generated C++ (see :mod:`neurogen.assignment`)."""
    from .assignment import run_assignment

    run_assignment(group, variable, expression, index)
