"""Result files of a standalone program: a short text header (dtype, shape, unit), then the
raw values. Readable without the script that made them (``load_results(folder)``).

A damaged or foreign file is refused with a ``ValueError`` naming the file and what is wrong
(the format is in ``templates/standalone/FORMAT.md``), never read as wrong numbers.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from ..units import Quantity
from ..units.definitions import parse_unit, table_unit_name

MAGIC = "neurogen-result 1"
DTYPES = ("<f8", "<i4", "<i8", "|u1", "<u4")  # the element types a program writes
_END = b"\nend\n"


def read_result(path: str | Path) -> tuple[np.ndarray, str]:
    """(values, unit name) of one result file."""
    path = Path(path)
    data = path.read_bytes()

    def damaged(problem: str) -> ValueError:
        return ValueError(f"{path}: {problem}")

    if not data.startswith(MAGIC.encode() + b"\n"):
        raise damaged(f"not a neurogen result file (it must start with '{MAGIC}')")
    header_end = data.find(_END)
    if header_end < 0:
        raise damaged("the header has no 'end' line: the file is truncated or damaged")
    try:
        lines = data[:header_end].decode("ascii").split("\n")[1:]
    except UnicodeDecodeError:
        raise damaged("the header is not ASCII text: the file is damaged") from None
    fields: dict[str, str] = {}
    for line in lines:
        name, space, value = line.partition(" ")
        if not space or name in fields:
            raise damaged(f"bad header line {line!r} (expected 'dtype', 'shape' and 'unit' once each)")
        fields[name] = value
    if "dtype" not in fields or "shape" not in fields:
        raise damaged("the header lacks its 'dtype' or 'shape' line")
    if fields["dtype"] not in DTYPES:
        raise damaged(f"unknown dtype {fields['dtype']!r} (one of {', '.join(DTYPES)})")
    dtype = np.dtype(fields["dtype"])
    try:
        shape = tuple(int(n) for n in fields["shape"].split(",") if n)
    except ValueError:
        raise damaged(f"bad shape {fields['shape']!r} (whole numbers separated by commas)") from None
    if any(n < 0 for n in shape):
        raise damaged(f"bad shape {fields['shape']!r} (negative size)")
    body = data[header_end + len(_END):]
    expected = int(np.prod(shape, dtype=object)) * dtype.itemsize
    if len(body) != expected:
        raise damaged(f"holds {len(body)} bytes of values, but its header says {fields['shape']} x "
                      f"{fields['dtype']} = {expected} bytes: the file is truncated or damaged")
    return np.frombuffer(body, dtype=dtype).copy().reshape(shape), fields.get("unit", "1")


def load_results(directory: str | Path) -> dict[str, Any]:
    """Every result of a standalone run folder, as ``{'run0': {'group0.v': array, ...},
    'final': {...}}``; values with a unit come back as quantities. ``directory`` is the
    program's results folder (``--results``), or a project folder (then its ``results/``)."""
    folder = _results_folder(Path(directory))
    found: dict[str, Any] = {}
    for run in sorted(p for p in folder.iterdir() if p.is_dir()):
        found[run.name] = {}
        for file in sorted(run.glob("*.bin")):
            values, unit = read_result(file)
            if unit not in ("1", "") and values.dtype.kind == "f":
                try:
                    dim = parse_unit(unit)
                except (ValueError, KeyError) as error:
                    raise ValueError(f"{file}: unit {unit!r} in its header is not understood ({error})") from None
                values = Quantity(values, dim=dim)
            found[run.name][file.stem] = values
    return found


def _results_folder(directory: Path) -> Path:
    """The results folder ``load_results`` reads: ``directory`` itself, or the ``results/``
    of a project folder (recognised by its plan); a clear error for anything else."""
    if not directory.is_dir():
        raise FileNotFoundError(f"load_results: {directory} is not a folder (give the results folder a standalone "
                                "program wrote, or its project folder)")
    if (directory / "data" / "plan.txt").is_file():  # a project folder
        if not (directory / "results").is_dir():
            raise FileNotFoundError(f"load_results: the standalone project {directory} has no results/ folder yet "
                                    "(run the program first: device.run(), or build/main --project ...)")
        return directory / "results"
    if any(directory.glob("*.bin")):
        raise ValueError(f"load_results: {directory} holds result files itself; give the results folder that "
                         f"holds it ({directory.parent}), whose run<k>/ and final/ folders are read")
    return directory


def unit_name(dim: Any) -> str:
    """A dimension as a unit expression without spaces (``volt``, ``metre**2*kilogram``)."""
    return table_unit_name(dim).replace(" ", "")
