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

from ..binding import Binding
from .ir import FieldKind, NetworkIR


def struct_types(network: NetworkIR) -> dict[str, str]:
    """Object member -> its C++ struct type: the first object with the same kind and fields
    names the type that all of them use."""
    first: dict[tuple[Any, ...], str] = {}
    return {obj.member: first.setdefault((obj.kind, obj.fields), obj.struct) for obj in network.objects}


def input_positions(network: NetworkIR, binding: Binding) -> dict[str, dict[str, int]]:
    """Object member -> the slot its first field of each kind has in the binding contract.

    A table row holds only these; a field is read at first + its offset among the object's
    fields of its kind (``field_offsets``). The binding numbers each object's fields in order,
    so that holds; checked here, field by field, because a wrong slot would bind one value
    to another name without a word.
    """
    slots = {(s.member, s.name): s.index for s in binding.inputs + binding.outputs}
    positions: dict[str, dict[str, int]] = {}
    for obj in network.objects:
        bound = [f for f in obj.fields if f.kind != FieldKind.INTERNAL]
        first: dict[str, int] = {}
        for f in bound:
            first.setdefault(f.kind.value, slots[(obj.member, f.name)])
        positions[obj.member] = {kind: first.get(kind, 0) for kind in ("array", "scalar", "integer", "dynamic")}
        for f, offset in zip(obj.fields, field_offsets(obj.fields)):
            if f.kind != FieldKind.INTERNAL and slots[(obj.member, f.name)] != first[f.kind.value] + offset:
                raise AssertionError(f"internal error: {obj.member}.{f.name} is not where the binding puts it")
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
