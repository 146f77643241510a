"""What ``render`` needs to keep generated code O(distinct structures), not O(objects).

Objects whose members are equal share one C++ struct type; where they start in ``bind``'s
input arrays is a table (one row per object), so ``bind`` and the ``dynamic_*`` functions
loop over it instead of spelling out every member of every object; consecutive calls of one
shared kernel in the step loop become one loop over a table of the objects it serves. 400
groups of one model then cost the compiler a few table rows each, not a few hundred lines
(GCC's optimiser is superlinear in the length of one function). Plain data only: no Jinja2.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from .ir import FieldKind, NetworkIR

#: ``bind`` reads the network's own values first: scalars dt, t_start; integer seed.
FIRST_INPUT = {"array": 0, "scalar": 2, "integer": 1, "dynamic": 0}


def struct_types(network: NetworkIR) -> dict[str, str]:
    """Object member -> its C++ struct type: the first object with the same kind and fields
    names the type that all of them use."""
    first: dict[tuple[Any, ...], str] = {}
    return {obj.member: first.setdefault((obj.kind, obj.fields), obj.struct) for obj in network.objects}


def input_positions(network: NetworkIR) -> dict[str, dict[str, int]]:
    """Object member -> where its fields start in each of bind's inputs (in manifest order:
    objects in order, each object's fields in order, counted per kind)."""
    counters = dict(FIRST_INPUT)
    positions = {}
    for obj in network.objects:
        positions[obj.member] = dict(counters)
        for f in obj.fields:
            if f.kind != FieldKind.INTERNAL:
                counters[f.kind.value] += 1
    return positions


def field_offsets(fields: Sequence[Any]) -> list[int]:
    """Each field's position among the object's fields of its kind."""
    seen: dict[str, int] = {}
    offsets = []
    for f in fields:
        offsets.append(seen.get(f.kind.value, 0))
        seen[f.kind.value] = offsets[-1] + 1
    return offsets


def tables(network: NetworkIR, structs: Mapping[str, str],
           positions: Mapping[str, Mapping[str, int]]) -> list[dict[str, Any]]:
    """One table per struct type that several objects share: their members and input positions."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for obj in network.objects:
        rows.setdefault(structs[obj.member], []).append({"member": obj.member, **positions[obj.member]})
    return [{"struct": struct, "name": f"_{struct.lower()}_objects", "rows": r}
            for struct, r in rows.items() if len(r) > 1]


def batches(calls: Sequence[Mapping[str, Any]], prefix: str) -> list[dict[str, Any]]:
    """Consecutive calls of one function, as one batch (its rows: each call's arguments)."""
    out: list[dict[str, Any]] = []
    for call in calls:
        if out and out[-1]["function"] == call["function"]:
            out[-1]["rows"].append(call["args"])
        else:
            out.append({"function": call["function"], "parameters": call["parameters"],
                        "rows": [call["args"]]})
    for index, batch in enumerate(out):
        batch["table"] = f"_{prefix}_{index}"
    return out
