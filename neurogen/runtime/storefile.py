"""``store(name, filename=...)`` / ``restore(name, filename=...)``: snapshots in a file.

Brian2 pickles its snapshots; loading a pickle runs whatever code the file names, so a
store file passed around (or swapped) could run anything. neurogen's store file holds data
only and is read without running any: a numpy ``.npz`` archive (whatever the file's name),
read with ``allow_pickle=False``, holding

- ``__neurogen_store__``: a JSON text: the format version and, per snapshot name, the
  network's time and dt, its random state (the restore count and numpy's generator), and per
  object (by name, as Brian2) its state as a tree of plain values (numbers, strings, lists,
  dicts, quantities) whose arrays are the archive's other entries;
- one entry per array (numeric or boolean dtypes only: no object arrays).

What is restored is the objects' *state* (variables, synapses made, spikes in transit,
monitor records, times), as in Brian2: the objects must exist, with the names and the model
(equations, variables) they had when stored; a model that differs is refused (``ValueError``).

A file is only ever replaced if it is a neurogen store file (several snapshot names share one
file, as in Brian2); any other file at that path is left alone with an error.
"""
from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from ..units import Quantity
from ..units.dimensions import Dimension

MARK = "__neurogen_store__"
FORMAT = 1


class NotAStoreFile(ValueError):
    """The path holds something other than a neurogen store file."""


# -- plain values <-> JSON and arrays -----------------------------------------------------

class _Encoder:
    def __init__(self) -> None:
        self.arrays: dict[str, np.ndarray] = {}

    def array(self, value: np.ndarray) -> str:
        if value.dtype.hasobject or value.dtype.kind not in "biufcSU":
            raise TypeError(f"an array of {value.dtype}")
        key = f"a{len(self.arrays)}"
        self.arrays[key] = np.array(value)  # a plain ndarray (a Quantity's numbers)
        return key

    def encode(self, value: Any) -> Any:
        """A tree of plain values as JSON, or ``TypeError`` for anything else."""
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, int):
            return {"int": str(value)}  # exact, also beyond 2**53
        if isinstance(value, float):
            return {"float": repr(value)}  # exact, also nan and inf
        if isinstance(value, Quantity):
            return {"quantity": self.array(np.asarray(value)), "dim": list(value.dim.dims)}
        if isinstance(value, np.ndarray):
            return {"array": self.array(value)}
        if isinstance(value, np.generic):
            return {"scalar": self.array(np.asarray(value))}
        if isinstance(value, Dimension):
            return {"dimension": list(value.dims)}
        if type(value) in (list, tuple, set, frozenset):  # not a named tuple (structure)
            kind = {list: "list", tuple: "tuple", set: "set", frozenset: "frozenset"}[type(value)]
            items = sorted(value, key=repr) if kind in ("set", "frozenset") else value
            return {kind: [self.encode(v) for v in items]}
        if type(value) is dict and all(isinstance(k, str) for k in value):
            return {"dict": {k: self.encode(v) for k, v in value.items()}}
        raise TypeError(f"a {type(value).__name__}")


_ARRAY_KINDS = ("array", "scalar", "quantity")
_SEQUENCES = {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}


def _kind(node: Any) -> str:
    """Which encoded value a JSON node is (see ``_Encoder.encode``)."""
    if node is None or isinstance(node, (bool, str)):
        return "plain"
    if isinstance(node, dict) and "quantity" in node and set(node) == {"quantity", "dim"}:
        return "quantity"
    if isinstance(node, dict) and len(node) == 1:
        kind = next(iter(node))
        if kind in ("int", "float", "array", "scalar", "dimension", "dict", *_SEQUENCES):
            return kind
    raise NotAStoreFile(f"unexpected value {str(node)[:60]!r}")


def _decode(node: Any, arrays: Any) -> Any:
    kind = _kind(node)
    if kind == "plain":
        return node
    body = node[kind]
    if kind == "int":
        return int(body)
    if kind == "float":
        return float(body)
    if kind in _ARRAY_KINDS:
        array = np.array(arrays[body])
        if kind == "scalar":
            return array[()]
        if kind == "quantity":
            return Quantity(array, dim=Dimension(float(x) for x in node["dim"]))
        return array
    if kind == "dimension":
        return Dimension(float(x) for x in body)
    if kind == "dict":
        return {k: _decode(v, arrays) for k, v in body.items()}
    return _SEQUENCES[kind](_decode(v, arrays) for v in body)


def _reindex(node: Any, arrays: Any, encoder: "_Encoder") -> Any:
    """A stored value with its arrays moved into ``encoder``'s numbering (a file rewritten)."""
    kind = _kind(node)
    if kind in _ARRAY_KINDS:
        return {**node, kind: encoder.array(np.asarray(arrays[node[kind]]))}
    if kind == "dict":
        return {"dict": {k: _reindex(v, arrays, encoder) for k, v in node["dict"].items()}}
    if kind in _SEQUENCES:
        return {kind: [_reindex(v, arrays, encoder) for v in node[kind]]}
    return node


# -- snapshots ----------------------------------------------------------------------------

def encode_snapshot(snapshot: dict[str, Any], encoder: _Encoder) -> dict[str, Any]:
    """An object's snapshot; a member that is not plain data is structure, which a file
    does not keep (the object has it): such members are left out."""
    encoded = {}
    for key, value in snapshot.items():
        try:
            encoded[key] = encoder.encode(value)
        except TypeError:
            continue
    return encoded


def write_snapshot(path: str | os.PathLike[str], name: str, header: dict[str, Any],
                   objects: dict[str, tuple[str, dict[str, Any]]]) -> None:
    """Add (or replace) the snapshot ``name`` in the store file at ``path``.

    ``objects``: object name -> (its model's fingerprint, its snapshot). The file is written
    next to the old one and moved into place, so a failure never leaves half a file.
    """
    path = Path(os.path.realpath(path))  # the user's symlink stays a symlink: its target is updated
    existing, arrays_of = _read(path) if path.exists() else ({"format": FORMAT, "snapshots": {}}, {})
    mode = path.stat().st_mode & 0o777 if path.exists() else None
    encoder = _Encoder()
    snapshots: dict[str, Any] = {}
    for other, body in existing["snapshots"].items():  # keep the others, with their arrays
        if other != name:
            snapshots[other] = {
                "header": _reindex(body["header"], arrays_of, encoder),
                "objects": {obj: {"model": entry["model"],
                                  "state": {k: _reindex(v, arrays_of, encoder) for k, v in entry["state"].items()}}
                            for obj, entry in body["objects"].items()}}
    snapshots[name] = {
        "header": encoder.encode(header),
        "objects": {obj: {"model": model, "state": encode_snapshot(snap, encoder)}
                    for obj, (model, snap) in objects.items()},
    }
    text = json.dumps({"format": FORMAT, "snapshots": snapshots})
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent or ".")
    try:
        with os.fdopen(handle, "wb") as file:
            np.savez(file, **{MARK: np.array(text)}, **encoder.arrays)
        if mode is not None:  # a file the user shared (0644) stays shared
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def read_snapshot(path: str | os.PathLike[str], name: str) -> tuple[dict[str, Any], dict[str, tuple[str, dict[str, Any]]]]:
    """(header, {object name: (model fingerprint, state)}) of snapshot ``name`` in a store file."""
    data, arrays = _read(Path(path))
    if name not in data["snapshots"]:
        raise KeyError(f"restore(): the file {str(path)!r} holds no snapshot named {name!r} "
                       f"(it has {sorted(data['snapshots'])})")
    body = data["snapshots"][name]
    try:
        header = _decode(body["header"], arrays)
        objects = {obj: (str(entry["model"]), {k: _decode(v, arrays) for k, v in entry["state"].items()})
                   for obj, entry in body["objects"].items()}
    except (KeyError, TypeError, ValueError) as exc:
        raise NotAStoreFile(f"{path}: a damaged neurogen store file ({type(exc).__name__}: {exc})") from None
    return header, objects


def _read(path: Path) -> tuple[dict[str, Any], Any]:
    """The JSON index and the arrays of a store file; ``NotAStoreFile`` for anything else."""
    try:
        archive = np.load(path, allow_pickle=False)
    except (ValueError, OSError, zipfile.BadZipFile, EOFError):
        raise NotAStoreFile(_NOT_OURS.format(path=path)) from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise NotAStoreFile(_NOT_OURS.format(path=path))
    with archive:
        if MARK not in archive.files:
            raise NotAStoreFile(_NOT_OURS.format(path=path))
        try:
            data = json.loads(str(archive[MARK]))
            if data.get("format") != FORMAT or not isinstance(data.get("snapshots"), dict):
                raise ValueError(f"format {data.get('format')!r}, this neurogen reads format {FORMAT}")
            arrays = {key: archive[key] for key in archive.files if key != MARK}
        except (ValueError, TypeError, AttributeError, OSError, zipfile.BadZipFile) as exc:
            raise NotAStoreFile(f"{path}: a neurogen store file this neurogen cannot read ({exc})") from None
    return data, arrays


_NOT_OURS = ("{path} is not a neurogen store file (one written by store(filename=...)); neurogen neither "
             "replaces nor reads other files there (a Brian2 store file is a pickle, which neurogen does "
             "not load: loading a pickle can run code). Choose another file name.")
