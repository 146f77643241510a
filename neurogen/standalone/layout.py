"""The layout of a standalone project's network: every input ``network.cpp`` binds, in bind
order, with the rules its values must follow so that no kernel reads or writes outside an
array (``templates/standalone/FORMAT.md``, "Layout").

The runtime trusts the arrays Python binds; a standalone program reads them from files that
anyone can damage or edit. So the project carries this layout as compiled code
(``layout.hpp``, included by ``main.cpp``): a damaged plan cannot drop a rule, and the program
refuses a plan or data file that breaks one before it runs anything, instead of crashing.

The rules come from the objects (which group a synapse index points into, which count a CSR
list must end at); every array and integer input must have one, so a field added to the
lowering without a rule fails here (an internal error) rather than going unchecked.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Mapping

from ..binding import INTEGER, RESERVED, SCALAR, Binding, Slot
from ..objects.base import of_class
from ..objects.events import event_space
from ..objects.contributions import ContributionMonitor
from ..objects.monitors import EventMonitor, PopulationRateMonitor, StateMonitor
from ..objects.neurongroup import NeuronGroup
from ..objects.poissoninput import PoissonInput
from ..objects.runner import CodeRunner
from ..objects.spikegenerator import SpikeGeneratorGroup
from ..objects.synapses import Synapses

if TYPE_CHECKING:  # the IR imports sympy: not on the warm path (neurogen imports this module)
    from ..compiler.ir import NetworkIR, ObjectIR

LAYOUT_HEADER = "neurogen-layout 1"
INT32_LIMIT = 2**31 - 1      # indices and counts stored as int32_t
ANY = str(2**62)             # an upper bound that is not a limit (int64 values stay far from overflow)


def is_fresh(obj: Any, name: str) -> bool:
    """A monitor's record buffers are new for every run; everything else persists or is carried."""
    return isinstance(obj, (StateMonitor, PopulationRateMonitor, ContributionMonitor)) and name != "_indices"


def source_of(obj: Any, slot: Slot, binding: Binding) -> tuple[str, str]:
    """(source, carried dynamic key) of an array or integer input, as the plan lists it: spikes
    in transit are carried as the binding declares (``binding.Carry``)."""
    carry = binding.carry_into(slot.member, slot.name)
    if carry is not None:
        return "carried", f"{carry.member}.{carry.output}"
    if slot.kind == INTEGER:
        return "value", "-"
    return ("fresh", "-") if is_fresh(obj, slot.name) else ("persistent", "-")


def layout_text(network: NetworkIR, members: Mapping[str, Any]) -> str:
    """The layout file's text: ``dynamic`` lines, the ``reserved`` slots, then one line per
    input in bind order with its slot (all from the binding contract, ``neurogen.binding``)."""
    binding = network.binding()
    member_of = {id(obj): member for member, obj in members.items()}
    lines = [LAYOUT_HEADER]
    lines += [f"dynamic {s.index} {s.ctype} {s.key}" for s in binding.outputs]
    lines += [f"reserved {s.kind} {s.index} {s.name}" for s in RESERVED]
    rules: dict[str, Rules] = {}
    for o in network.objects:
        rules[o.member] = _rules_for(members[o.member])(o, members[o.member], lambda x: member_of[id(x)])
        rules[o.member].update(_common_rules(o))
    for slot in binding.inputs:
        obj, kind, key = members[slot.member], slot.kind, slot.key
        rule = rules[slot.member].get(slot.name)
        if rule is None and kind != SCALAR:
            kind_of = next(o.kind for o in network.objects if o.member == slot.member)
            raise AssertionError(f"standalone layout: no rule for the {kind} input {key} of a {kind_of}; "
                                 "every array and integer input needs one (neurogen/standalone/layout.py)")
        if kind == SCALAR:
            lines.append(" ".join(["scalar", str(slot.index), key, *([rule] if rule else [])]))
        elif kind == INTEGER:
            source, dynamic = source_of(obj, slot, binding)
            lines.append(" ".join(["integer", str(slot.index), key, source, dynamic,
                                   *([rule] if rule != "free" else [])]))
        else:
            source, dynamic = source_of(obj, slot, binding)
            lines.append(" ".join(["array", str(slot.index), slot.ctype, key, source, dynamic, rule]))  # type: ignore[list-item]
    return "\n".join(lines) + "\n"


def layout_header(text: str) -> str:
    """``layout.hpp``: the layout as a string constant compiled into ``main``."""
    delimiter = "neurogen_layout"
    assert f"){delimiter}\"" not in text
    return ("// neurogen generated: what network.cpp binds, in bind order, and the rules its values must\n"
            "// follow (FORMAT.md, \"Layout\"). main.cpp checks every plan and data file against it before\n"
            "// the first run. Do not edit: neurogen writes it with network.cpp.\n"
            "#pragma once\n\n"
            f"constexpr const char* kNetworkLayout = R\"{delimiter}({text}){delimiter}\";\n")


# -- rules of each kind of object -----------------------------------------------------------
#
# A rule is a list of space-separated items (FORMAT.md): count=E, in=L,H (every value in
# [L, H)), offsets=E, spikes=E, grouped=E, delays=DT,EVERY, pending, records=FIRST,EVERY,
# positive; E an integer expression of numbers, integer inputs (`group0.N`) and element
# counts of array inputs (`#statemonitor3._t`), with + - *.

Rules = dict[str, str]
MemberOf = Callable[[Any], str]
RuleMaker = Callable[["ObjectIR", Any, MemberOf], Rules]


def _common_rules(o: ObjectIR) -> Rules:
    rules = {"_every": f"in=1,{ANY}", "_dt": "positive", "_stream": "free"}
    for f in o.fields:  # TimedArray data: values[rows][columns], dt > 0
        if f.name.startswith("_timedarray_") and f.name.endswith("_values"):
            prefix = f"{o.member}.{f.name[:-len('_values')]}"
            base = f.name[:-len("_values")]
            rules[f.name] = f"count={prefix}_rows*{prefix}_columns"
            rules[f"{base}_rows"] = f"in=1,{ANY}"
            rules[f"{base}_columns"] = f"in=1,{ANY}"
            rules[f"{base}_dt"] = "positive"
    return rules


def _no_rules(o: ObjectIR, obj: Any, member_of: MemberOf) -> Rules:
    return {}


def _state_counts(o: ObjectIR, obj: Any, size: str) -> Rules:
    """A variable has one element per neuron (synapse), a shared one a single element."""
    return {name: "count=1" if spec.shared else f"count={size}" for name, spec in obj._specs.items()}


def _links(o: ObjectIR, obj: Any, member_of: MemberOf, rules: Rules) -> Rules:
    """A linked variable reads the linked group's array at its index array, its one element or
    its index variable: every such index must be an element of that group."""
    for link in obj._links.values():
        if link is None:
            continue
        target = f"{member_of(link.group)}.N"
        if link.mode == "array":
            rules[f"_lnk_{link.name}_indices"] = f"count={o.member}.N in=0,{target}"
        elif link.mode == "scalar":
            rules[f"_lnk_{link.name}_offset"] = f"in=0,{target}"
        elif link.mode == "variable" and not link.variable.startswith("_"):
            rules[link.variable] += f" in=0,{target}"
    return rules


def _neurons(o: ObjectIR, obj: Any, member_of: MemberOf) -> Rules:
    n = f"{o.member}.N"
    rules = _links(o, obj, member_of, _state_counts(o, obj, n))
    rules.update({"N": f"in=0,{INT32_LIMIT}", "_spikespace": f"count={n}+1 spikes={n}"})
    for event in obj._events:  # custom events: a space each, as the spikes'
        rules[event_space(obj, event)] = f"count={n}+1 spikes={n}"
    return rules


def _spike_generator(o: ObjectIR, obj: Any, member_of: MemberOf) -> Rules:
    m = o.member
    return {"N": f"in=0,{INT32_LIMIT}", "_spikespace": f"count={m}.N+1 spikes={m}.N",
            "_n_spikes": f"in=0,{ANY}", "_period_steps": f"in=0,{ANY}",
            "_spike_steps": f"count={m}._n_spikes grouped={m}.N",
            "_spike_indices": f"count={m}._n_spikes in=0,{m}.N"}


def _synapses(o: ObjectIR, obj: Any, member_of: MemberOf) -> Rules:
    m = o.member
    source, target = member_of(obj._source_group), member_of(obj._target_group)
    rules = _links(o, obj, member_of, _state_counts(o, obj, f"{m}.N"))
    rules.update({
        "N": f"in=0,{INT32_LIMIT + 1}",
        "_source_start": f"in=0,{source}.N+1", "N_pre": f"in=0,{source}.N-{m}._source_start+1",
        "_target_start": f"in=0,{target}.N+1", "N_post": f"in=0,{target}.N-{m}._target_start+1",
        "_synaptic_pre": f"count={m}.N in={m}._source_start,{m}._source_start+{m}.N_pre",
        "_synaptic_post": f"count={m}.N in={m}._target_start,{m}._target_start+{m}.N_post",
        "_n_incoming": f"count={target}.N", "_n_outgoing": f"count={source}.N",
    })
    for side, spiking in (("pre", source), ("post", target)):
        p = f"{m}._{side}"
        rules.update({
            f"_{side}_offsets": f"count={spiking}.N+1 offsets={m}.N",
            f"_{side}_synapses": f"count={m}.N-{p}_in_order*{m}.N in=0,{m}.N",
            f"_{side}_in_order": "in=0,2",
        })
    for pathway in obj._pathways.values():
        delay = obj._specs.get(pathway.delay_variable)
        if delay is None:
            continue
        rules[pathway.delay_variable] += f" delays={m}._dt,{m}._every"
        spiking = source if pathway.side == "pre" else target
        p = f"{m}._{pathway.key}"
        key = pathway.key
        rules.update({
            # spikes in transit: spiking neurons (one delay) or synapses (one delay each)
            f"_{key}_queue_items": f"count={p}_queue_n in=0,{spiking if delay.shared else m}.N",
            f"_{key}_queue_steps": f"count={p}_queue_n pending",
            f"_{key}_queue_n": f"in=0,{ANY}",
            # the clock the steps in transit count in (converted when dt changed between runs;
            # its dt is 0 before the first run, and prepare() converts only from a positive one)
            f"_{key}_queue_every": f"in=1,{ANY}",
        })
    return rules


def _poisson_input(o: ObjectIR, obj: Any, member_of: MemberOf) -> Rules:
    m, target = o.member, member_of(obj._group)
    return {"N": f"in=0,{ANY}", "_start": f"in=0,{target}.N+1", "_size": f"in=0,{target}.N-{m}._start+1"}


def _monitored_range(o: ObjectIR, obj: Any, member_of: MemberOf) -> Rules:
    """A spike or rate monitor of a subgroup watches ``[_start, _start + _size)`` of its group."""
    m, source = o.member, member_of(obj._source_group)
    if not obj._watches_part:
        return {}
    return {"_start": f"in=0,{source}.N+1", "_size": f"in=0,{source}.N-{m}._start+1"}


def _spike_monitor(o: ObjectIR, obj: Any, member_of: MemberOf) -> Rules:
    size = f"{o.member}._size" if obj._watches_part else f"{member_of(obj._source_group)}.N"
    return {"count": f"count={size}", **_monitored_range(o, obj, member_of)}


def _state_monitor(o: ObjectIR, obj: Any, member_of: MemberOf) -> Rules:
    m = o.member
    rules = {"_indices": f"count={m}._n_indices in=0,{member_of(obj._source_group)}.N",
             "_n_indices": f"in=0,{INT32_LIMIT}", "_first_step": "free",
             "_t": f"records={m}._first_step,{m}._every"}
    for var in obj.record_variables:
        rules[f"_rec_{var}"] = f"count=#{m}._t*{m}._n_indices"
    return rules


def _contribution_monitor(o: ObjectIR, obj: Any, member_of: MemberOf) -> Rules:
    m = o.member
    return {"_indices": f"count={m}._n_indices in=0,{member_of(obj._source_group)}.N",
            "_n_indices": f"in=0,{INT32_LIMIT}", "_first_step": "free",
            "_t": f"records={m}._first_step,{m}._every", "_before": f"count={m}._n_indices",
            "_delta": f"count=#{m}._t*{m}._n_indices*{len(obj._run_sources)}"}


def _rate_monitor(o: ObjectIR, obj: Any, member_of: MemberOf) -> Rules:
    m = o.member
    return {"_first_step": "free", "_t": f"records={m}._first_step,{m}._every", "_rate": f"count=#{m}._t",
            **_monitored_range(o, obj, member_of)}


def _code_runner(o: ObjectIR, obj: Any, member_of: MemberOf) -> Rules:
    """run_at: the sorted steps of its event clock; a neuron group's runner: its range of
    elements (a subgroup's) inside the group."""
    m = o.member
    rules = {"_event_steps": f"count={m}._n_events", "_n_events": f"in=0,{ANY}"} if obj._on_events else {}
    if not isinstance(obj.group, Synapses):
        n = f"{member_of(obj.group)}.N"
        rules.update({"_subgroup_start": f"in=0,{n}+1", "_subgroup_N": f"in=0,{n}-{m}._subgroup_start+1"})
    return rules


_RULES: dict[type, RuleMaker] = {
    NeuronGroup: _neurons, SpikeGeneratorGroup: _spike_generator, Synapses: _synapses,
    PoissonInput: _poisson_input, EventMonitor: _spike_monitor, StateMonitor: _state_monitor,
    PopulationRateMonitor: _rate_monitor, CodeRunner: _code_runner, ContributionMonitor: _contribution_monitor,
}


def _rules_for(obj: Any) -> RuleMaker:
    """The rules of ``obj``'s class or nearest base class (a PoissonGroup or a subclass of
    NeuronGroup follows a NeuronGroup's), as lowering finds lowerers."""
    return of_class(_RULES, obj) or _no_rules
