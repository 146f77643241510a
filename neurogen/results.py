"""Result files of a standalone program: a short text header (dtype, shape, unit), then the
raw values. Readable without the script that made them (``load_results(folder)``)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

MAGIC = "neurogen-result 1"


def read_result(path: str | Path) -> tuple[np.ndarray, str]:
    """(values, unit name) of one result file."""
    data = Path(path).read_bytes()
    header_end = data.find(b"\nend\n")
    if not data.startswith(MAGIC.encode() + b"\n") or header_end < 0:
        raise ValueError(f"{path}: not a neurogen result file (it must start with '{MAGIC}')")
    fields = dict(line.split(" ", 1) for line in data[:header_end].decode().splitlines()[1:])
    values = np.frombuffer(data[header_end + 5:], dtype=np.dtype(fields["dtype"])).copy()
    shape = tuple(int(n) for n in fields["shape"].split(",") if n)
    return values.reshape(shape), fields.get("unit", "1")


def load_results(directory: str | Path) -> dict[str, Any]:
    """Every result of a standalone run folder, as ``{'run0': {'group0.v': array, ...},
    'final': {...}}``; values with a unit come back as quantities."""
    from .units import Quantity
    from .units.definitions import parse_unit

    found: dict[str, Any] = {}
    for folder in sorted(p for p in Path(directory).iterdir() if p.is_dir()):
        found[folder.name] = {}
        for file in sorted(folder.glob("*.bin")):
            values, unit = read_result(file)
            if unit not in ("1", "") and values.dtype.kind == "f":
                values = Quantity(values, dim=parse_unit(unit))
            found[folder.name][file.stem] = values
    return found


def unit_name(dim: Any) -> str:
    """A dimension as a unit expression without spaces (``volt``, ``metre**2*kilogram``)."""
    from .units.definitions import get_unit

    return get_unit(dim).name.replace(" ", "")
