"""ContributionMonitor → kernels around each kernel that writes its variable.

For every step kernel that stores into the monitored variable (found from the kernels' stores,
the one source of truth for what compiled code writes), the monitor gets two kernels placed
around it in the step loop: ``before`` copies the recorded elements' values, ``after`` adds
``value - copy`` to the record plane of that writer's source in this step's row. They only read
the variable, so the dynamics are the same with and without the monitor.

The planes are the monitor's sources, found from the model text before the run
(:mod:`neurogen.objects.writers`); every writing kernel must map to one of them and every
source must have a kernel, else lowering stops with an internal error instead of recording a
wrong split.
"""
from __future__ import annotations

from dataclasses import replace

from ...errors import NeurogenError
from ...objects.events import event_space
from ...objects.contributions import ZEROED, ContributionMonitor
from ...objects.protocol import ContributionMonitorModel, ModelObject
from ..ir import ContributionOptions, FieldKind, Kernel, ObjectIR
from ..printer import cpp_name
from .common import ObjectContext, build_kernel

#: the templates whose kernel writes a target through ``options.target`` (not its stores)
_SUMMED_TEMPLATES = ("summed_zero", "summed")


def lower_contributionmonitor(ctx: ObjectContext) -> list[Kernel]:
    """The monitor's own fields and the kernel recording each row's time; the kernels around the
    writers are added by :func:`add_contribution_kernels` once every object is lowered."""
    mon = ctx.obj
    ctx.add_fields((
        ("_indices", "int32_t", FieldKind.ARRAY, "recorded elements, indices in the group"),
        ("_n_indices", "int64_t", FieldKind.INTEGER, "number of recorded elements"),
        ("_first_step", "int64_t", FieldKind.INTEGER, "step of the first record of this run"),
        ("_t", "double", FieldKind.ARRAY, "record times of this run, second"),
        ("_before", "double", FieldKind.ARRAY, f"{mon.variable} of the recorded elements before a writer ran"),
        ("_delta", "double", FieldKind.ARRAY, f"change of {mon.variable} per (step, source, element)"),
    ))
    return [build_kernel(ctx, name="clock", template="contribution", when="start", order=mon.order,
                         statements=(), access={}, source=ctx.members[id(mon._source_group)],
                         comment=[f"contributions to {mon.variable}: the time of this step's records"],
                         options=ContributionOptions("clock", "", 0, len(mon._run_sources)))]


def writes_variable(kernel: Kernel, member: str, variable: str) -> bool:
    """Whether ``kernel`` stores into ``variable`` of the object at ``member``."""
    params = {"_grp": kernel.owner, "_src": kernel.source, **dict(kernel.roles)}
    field = cpp_name(variable)
    targets = [ref for _, ref in kernel.stores]
    if kernel.template in _SUMMED_TEMPLATES:
        targets.append(kernel.options.target)
    for ref in targets:
        param, _, name = ref.partition(".")
        if name == field and params.get(param) == member:
            return True
    return False


def add_contribution_kernels(objects: list[ModelObject], lowered: list[ObjectIR],
                             members: dict[int, str]) -> tuple[list[ObjectIR], dict[str, list[tuple[str, str, str]]]]:
    """Each ContributionMonitor's ``before``/``after`` kernels, added to its object; and, by writer
    kernel name, the (monitor member, before kernel, after kernel) to place around it."""
    around: dict[str, list[tuple[str, str, str]]] = {}
    result = list(lowered)
    owners = {o.member: obj for obj, o in zip(objects, lowered)}
    for position, (obj, o) in enumerate(zip(objects, lowered)):
        if o.kind != "ContributionMonitor":
            continue
        mon: ContributionMonitorModel = obj  # type: ignore[assignment]
        group_member = members[id(mon._source_group)]
        writers = [(w, k) for w in lowered for k in w.kernels
                   if k.phase == "step" and writes_variable(k, group_member, mon.variable)]
        planes = _planes(mon, writers, owners)
        ctx = ObjectContext(obj, o.member, {}, members)
        kernels = list(o.kernels)
        for n, (_, kernel) in enumerate(writers):
            # no object names in the code: the build is shared by networks that differ only in names
            before = build_kernel(ctx, name=f"before{n}", template="contribution", when=kernel.when,
                                  order=kernel.order, statements=(), access={}, source=group_member,
                                  comment=[f"contributions to {mon.variable}: its values before a writer runs"],
                                  options=ContributionOptions("before", f"_src.{cpp_name(mon.variable)}", 0,
                                                              len(mon._run_sources)))
            after = replace(before, name=f"{o.member}_after{n}",
                            comment=(f"contributions to {mon.variable}: the change {kernel.name} made "
                                     f"(record plane {planes[n]})",),
                            options=replace(before.options, mode="after", plane=planes[n]))
            kernels += [before, after]
            around.setdefault(kernel.name, []).append((o.member, before.name, after.name))
        result[position] = replace(o, kernels=tuple(kernels))
    return result, around


def _planes(mon: ContributionMonitorModel, writers: list[tuple[ObjectIR, Kernel]],
            owners: dict[str, ModelObject]) -> list[int]:
    """The record plane (source) of each writing kernel; every source must have one."""
    planes = []
    for _, kernel in writers:
        if kernel.template == "summed_zero":  # its own plane: the monitor splits it among the sums
            planes.append(mon._run_sources.index(ZEROED))
            continue
        owner = owners[kernel.owner]
        kind, part = _kind_of(kernel, owner)
        matches = [w.source for w in mon._writes if w.writer is owner and w.kind == kind and w.part == part]
        if not matches:
            raise NeurogenError(f"internal error: ContributionMonitor '{mon.name}': the kernel {kernel.name} "
                                f"({kind} {part}) writes {mon.variable}, but none of its sources "
                                f"({', '.join(mon._run_sources)}) is that writer")
        planes.append(mon._run_sources.index(matches[0]))
    compiled = {mon._run_sources.index(w.source) for w in mon._writes}  # network operations are Python
    missing = compiled - set(planes)
    if missing:
        raise NeurogenError(f"internal error: ContributionMonitor '{mon.name}': no compiled code writes "
                            f"{mon.variable} for {', '.join(mon._run_sources[p] for p in sorted(missing))}")
    return planes


def _kind_of(kernel: Kernel, owner: ModelObject) -> tuple[str, str]:
    """What a writing kernel is, in the terms of :class:`neurogen.objects.writers.Write`."""
    template = kernel.template
    if template == "pathway":
        specs = [p for p in owner._pathways.values() if p.key == kernel.options.pathway]
        return "pathway", specs[0].where if specs else ""
    if template in _SUMMED_TEMPLATES:
        return "summed", ""
    if template == "poissoninput":
        return "poissoninput", ""
    if template in ("scalar", "regular"):
        return "run_regularly", ""
    if template == "reset":
        events = [e for e in ("spike", *owner._events) if event_space(owner, e) == kernel.options.space]
        event = events[0] if events else ""
        return ("reset", "spike") if event == "spike" and "spike" in owner._event_code else (
            ("reset", "") if event == "spike" else ("event", event))
    if kernel.name.endswith("_subexpression_update"):
        return "(constant over dt)", ""
    return "state update", ""


LOWERERS = {ContributionMonitor: lower_contributionmonitor}
