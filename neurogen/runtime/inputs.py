"""The value of any input of a compiled network: one provider for every call of one.

A run (runtime or recorded into a standalone plan), a string assignment and a generated
``connect()`` all bind their inputs through :func:`value_provider`; the binding contract
(``neurogen.binding``) says where each value goes, this module what it is. In order:

1. values of this one call (an assignment's indices, its subgroup);
2. what the object answers for its own field (``SimObject._runtime_value``: sizes,
   connectivity, spikes in transit, monitor buffers, spike-generator data);
3. the object's external names (constants, TimedArrays: ``namespace.runtime_values``);
4. a state array (``obj._state``);
5. what every object has: its clock (``_every``, ``_dt``, ``_first_step``), random stream, size.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from ..binding import ARRAY
from ..frontend.namespace import External, runtime_values
from ..objects.schedule import stream_id
from ..objects.protocol import ModelObject

Values = Callable[[str, str, str], Any]
"""``values(member, name, kind)``: the value of one input (what ``runtime.Simulation.run`` takes)."""


def first_record(step0: int, every: int) -> int:
    """The first step at or after ``step0`` on which an object running every ``every`` steps runs."""
    return -(-step0 // every) * every


def value_provider(members: Mapping[str, ModelObject], externals: Mapping[str, Mapping[str, External]], *,
                   every: Mapping[str, int], step0: int | Mapping[str, int],
                   call: Mapping[str, Mapping[str, Any]] | None = None) -> Values:
    """The provider for one call: ``members`` maps struct members to their objects,
    ``externals`` and ``every`` (network steps per step of its clock) are by member, ``call``
    holds values that only this call binds (by member, then field name); ``step0``: the first
    step, or each member's first step (a chunk of a run with network operations)."""
    runtime = {member: runtime_values(externals.get(member, {})) for member in members}
    call = call or {}

    def value(member: str, name: str, kind: str) -> Any:
        obj = members[member]
        own_call = call.get(member, {})
        if name in own_call:
            return own_call[name]
        found = obj._runtime_value(name)
        if found is not None:
            return found
        if name in runtime[member]:
            return runtime[member][name]
        if kind == ARRAY:
            return obj._state[name]
        first = step0[member] if isinstance(step0, Mapping) else step0
        return _clock_and_size(obj, name, every[member], first, member)
    return value


def _clock_and_size(obj: Any, name: str, every: int, step0: int, member: str) -> Any:
    if name == "_every":
        return every
    if name == "_dt":
        return obj.clock.dt_
    if name == "_first_step":
        return first_record(step0, every)
    if name == "_stream":
        return stream_id(obj)
    if name == "N":
        return obj.N
    raise KeyError(f"internal error: no value for {member}.{name}")
