"""Who changes which neuron variable during a run, and how: the writers of a network.

A variable of a NeuronGroup can change in a step through its own differential equation (the
state update), its reset or other event code, ``run_regularly``/``run_at`` code, the
``on_pre``/``on_post`` code and ``(summed)`` variables of Synapses, and PoissonInputs. Each
such place is a :class:`Write`, found from the objects' parsed model text alone (no sympy,
no compiled code): the ContributionMonitor records one source per writer, the model checks
(``neurogen.check``) and ``explain`` reason about the same list, so all three agree on what
"writes ``v``" means.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from ..frontend.expressions import Statement
from .events import SPIKE
from .neurongroup import NeuronGroup
from .poissoninput import PoissonInput
from .runner import CodeRunner
from .subgroup import underlying
from .synapses import Synapses
from .validation import SLOTS

#: what a differential equation does to its variable (``op`` of a state-update write)
ODE = "ode"
#: what a ``(summed)`` variable does to its target (``op`` of a summed write)
SUMMED = "summed"


@dataclass(frozen=True)
class Write:
    """One place that changes ``variable`` of ``group`` (a NeuronGroup: the array's owner).

    ``writer``: the object whose code it is (the group itself, a Synapses, a PoissonInput, a
    CodeRunner); ``kind``: ``'state update'``, ``'reset'``, ``'event'`` (other event code),
    ``'pathway'`` (``on_pre``/``on_post``), ``'summed'``, ``'poissoninput'``,
    ``'run_regularly'``, ``'(constant over dt)'`` (the subexpression's value, stored each step); ``op``: ``=``, ``+=``, ``-=``, ``*=``, ``/=``, :data:`ODE` or
    :data:`SUMMED`; ``line``: the model or code line; ``part``: the pathway or event name
    (empty for the others); ``when``/``order``: where in a step it runs."""

    writer: Any
    kind: str
    group: Any
    variable: str
    op: str
    line: str
    when: str
    order: int
    part: str = ""
    expr: str = ""

    @property
    def source(self) -> str:
        """The writer as a ContributionMonitor names it: ``'neurongroup: state update'``,
        ``'synapses: on_pre'``, ``'poissoninput'``, ``'neurongroup: reset'``, ..."""
        name = self.writer.name
        if self.kind in ("poissoninput", "run_regularly"):
            return name
        if self.kind == "pathway":
            return f"{name}: {self.part}"
        if self.kind == "event":
            return f"{name}: on {self.part}"
        if self.kind == "summed":
            return f"{name}: (summed)"
        return f"{name}: {self.kind}"

    def sort_key(self) -> tuple[int, int, str]:
        return SLOTS.index(self.when), self.order, self.writer.name


def network_writes(objects: Iterable[Any]) -> list[Write]:
    """Every write to a NeuronGroup variable by the (active) ``objects``, in schedule order."""
    writes: list[Write] = []
    for obj in objects:
        if isinstance(obj, NeuronGroup):
            writes += _group_writes(obj)
        elif isinstance(obj, Synapses):
            writes += _synapse_writes(obj)
        elif isinstance(obj, PoissonInput):
            weight = obj.weight if isinstance(obj.weight, str) else repr(obj.weight)
            writes.append(Write(obj, "poissoninput", obj._group, obj.target_var, "+=",
                                f"{obj.target_var} += {weight} * Binomial(N={obj.N}, p=rate*dt)",
                                obj.when, obj.order, expr=weight))
        elif isinstance(obj, CodeRunner):
            writes += _runner_writes(obj)
    return sorted(writes, key=Write.sort_key)


def writes_to(objects: Iterable[Any], group: Any, variable: str) -> list[Write]:
    """The writes to ``variable`` of ``group`` (or of the group a subgroup is part of)."""
    owner = underlying(group)[0]
    return [w for w in network_writes(objects) if w.group is owner and w.variable == variable]


def _group_writes(group: NeuronGroup) -> list[Write]:
    writes = [Write(group, "state update", group, eq.name, ODE, eq.line, group.when, group.order, expr=eq.expr)
              for eq in group._equations.of_kind("differential")]
    writes += [Write(group, "(constant over dt)", group, eq.name, "=", eq.line, "before_start", group.order,
                     expr=eq.expr)
               for eq in group._equations.of_kind("parameter") if "constant over dt" in eq.flags]
    if group.threshold is not None and group.reset is not None:
        writes += _statement_writes(group, "reset", group, group._reset_statements, "resets", group.order)
    for event, code in group._event_code.items():
        writes += _statement_writes(group, "reset" if event == SPIKE else "event", group, code.statements,
                                    code.when, code.order if code.order is not None else group.order,
                                    part=event)
    return writes


def _synapse_writes(syn: Synapses) -> list[Write]:
    writes = []
    for pathway in syn._pathways.values():
        for stmt in pathway.statements:
            group, base = syn._group_of(stmt.target)
            if group is not None and stmt.target not in syn._specs:
                writes.append(Write(syn, "pathway", group, base, stmt.op, stmt.line, "synapses",
                                    -1 if pathway.side == "pre" else 1,  # Brian2's order of pathways
                                    part=pathway.where, expr=stmt.expr))
    for eq in syn._equations.of_kind("subexpression"):
        if "summed" in eq.flags:
            group, base = syn._group_of(eq.name)
            writes.append(Write(syn, "summed", group, base, SUMMED, eq.line, "groups", -1, expr=eq.expr))
    return writes


def _runner_writes(runner: CodeRunner) -> list[Write]:
    owner = runner.group
    if isinstance(owner, Synapses):
        targets = [(stmt, *owner._group_of(stmt.target)) for stmt in runner._statements
                   if stmt.target not in owner._specs]
        return [Write(runner, "run_regularly", group, base, stmt.op, stmt.line, runner.when, runner.order,
                      expr=stmt.expr) for stmt, group, base in targets if group is not None]
    return _statement_writes(runner, "run_regularly", underlying(owner)[0], runner._statements,
                             runner.when, runner.order)


def _statement_writes(writer: Any, kind: str, group: Any, statements: Iterable[Statement], when: str,
                      order: int, part: str = "") -> list[Write]:
    """Writes of code run for a group's elements: assignments to its stored variables (local
    temporaries are not variables and change nothing)."""
    return [Write(writer, kind, group, stmt.target, stmt.op, stmt.line, when, order, part=part, expr=stmt.expr)
            for stmt in statements if stmt.target in group._specs]
