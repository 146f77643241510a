"""Objects → one ``NetworkIR``: each object's lowerer by kind, then the schedule and phases.

Separate from :mod:`neurogen.compiler.lower.common` (the helpers every lowerer shares), so the lowerers import
those helpers and this module imports the lowerers: no circle.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

from ..ir import FieldKind, Kernel, NetworkIR, ObjectIR
from .common import ObjectContext, struct_name
from .contributions import LOWERERS as CONTRIBUTIONS, add_contribution_kernels
from .inputs import LOWERERS as INPUTS
from .monitors import LOWERERS as MONITORS
from .neurons import LOWERERS as NEURONS
from .regular import LOWERERS as RUNNERS
from .spikegenerator import LOWERERS as SPIKEGENERATORS
from .synapses import LOWERERS as SYNAPSES
from ...frontend.namespace import External
from ...objects.base import of_class
from ...objects.validation import SLOTS
from ...objects.schedule import member_name

Lowerer = Callable[[ObjectContext], list[Kernel]]


def lower_network(objects: list[Any], externals: Mapping[int, Mapping[str, External]],
                  pauses: Sequence[tuple[str, int | float, str]] = ()) -> NetworkIR:
    """Lower objects (in creation order: it decides their members) into one ``NetworkIR``; the
    schedule puts their kernels in Brian2's order (slot, ``order``, name), by the names Brian2
    gives its code objects (``sort_name``: ``S_a`` before ``S_b``, ``neurongroup_1_stateupdater``
    before ``neurongroup_stateupdater``), else the object's name (the front-end key holds what
    decides that order, see runtime.network).
    ``pauses``: the (when, order, name) of each network operation, in schedule order; each
    becomes a point where the step loop can stop and resume (``NetworkIR.cuts``)."""
    lowerers: dict[type, Lowerer] = {**NEURONS, **MONITORS, **SYNAPSES, **SPIKEGENERATORS, **INPUTS,
                                   **RUNNERS, **CONTRIBUTIONS}
    members = {id(o): member_name(o, k) for k, o in enumerate(objects)}
    lowered = []
    for obj in objects:
        ctx = ObjectContext(obj, members[id(obj)], externals[id(obj)], members)
        ctx.add_field("_every", "int64_t", FieldKind.INTEGER, "runs every _every steps (its clock)")
        ctx.add_field("_dt", "double", FieldKind.SCALAR, "time step of its clock, second")
        kernels = _lowerer(lowerers, obj)(ctx)
        lowered.append(ObjectIR(ctx.member, struct_name(ctx.member), type(obj).__name__,
                                _description(obj), tuple(ctx.fields), tuple(kernels)))
    lowered, around = add_contribution_kernels(objects, lowered, members)
    placed = {name for calls in around.values() for _, before, after in calls for name in (before, after)}
    schedule = sorted(
        ((SLOTS.index(k.when), k.order, k.sort_name or obj.name, pos, o.member, k.name)
         for obj, o in zip(objects, lowered) for pos, k in enumerate(o.kernels)
         if k.phase == "step" and k.name not in placed),
    )
    # a ContributionMonitor's kernels go right around each kernel writing its variable (same key)
    keyed = []
    for slot, k_order, name, _, member, kernel in schedule:
        calls = around.get(kernel, [])
        keyed += [((slot, k_order, name), m, before) for m, before, _ in calls]
        keyed.append(((slot, k_order, name), member, kernel))
        keyed += [((slot, k_order, name), m, after) for m, _, after in reversed(calls)]
    order = [(m, k) for _, m, k in keyed]

    def phase(name: str) -> tuple[tuple[str, str], ...]:
        return tuple((o.member, k.name) for o in lowered for k in o.kernels if k.phase == name)

    cuts = tuple(sum(1 for key, *_ in keyed if key < (SLOTS.index(when), p_order, p_name))
                 for when, p_order, p_name in pauses)
    return NetworkIR(tuple(lowered), tuple(order), phase("call"), phase("prepare"), phase("finish"), cuts=cuts)


def _lowerer(lowerers: Mapping[type, Lowerer], obj: Any) -> Lowerer:
    lowerer = of_class(lowerers, obj)
    if lowerer is not None:
        return lowerer
    raise NotImplementedError(f"{type(obj).__name__} '{obj.name}': objects of this kind cannot run yet")


def _description(obj: Any) -> tuple[str, ...]:
    equations = obj._equations
    lines = [f"{type(obj).__name__}"]
    if equations is not None:
        lines += [eq.line for eq in equations]
    return tuple(lines)

