"""Checks of who writes a neuron variable (``objects.writers``): a synapse that sets or adds
to a variable nothing brings back, and a ``(summed)`` target written by something else too."""
from __future__ import annotations

from typing import Any, Iterable

from ..frontend.expressions import names_in, parse_expression
from ..objects.neurongroup import NeuronGroup
from ..objects.writers import ODE, SUMMED, Write, network_writes
from .findings import Finding
from .linear import ode_expressions

#: writers that run for the group itself, not per incoming spike (they can bring a value back)
_OWN_KINDS = ("state update", "reset", "event", "run_regularly", "summed")


def writer_findings(objects: Iterable[Any]) -> list[Finding]:
    """``set-without-dynamics``, ``accumulates-without-decay`` and ``summed-overwritten``."""
    by_variable: dict[tuple[int, str], list[Write]] = {}
    for write in network_writes(objects):
        by_variable.setdefault((id(write.group), write.variable), []).append(write)
    findings: list[Finding] = []
    read_by_odes: dict[int, set[str]] = {}
    for writes in by_variable.values():
        group, variable = writes[0].group, writes[0].variable
        if not isinstance(group, NeuronGroup):
            continue  # a Synapses' variable written by other synapses (its equations are not listed)
        findings += _summed_overwritten(writes)
        if any(w.kind in _OWN_KINDS or w.op == ODE for w in writes):
            continue  # its own dynamics, a reset or other code of the group brings it back
        if id(group) not in read_by_odes:
            read_by_odes[id(group)] = _read_by_odes(group)
        if variable not in read_by_odes[id(group)]:
            continue  # no differential equation reads it: a value kept for reading, not a drive
        sets = [w for w in writes if w.op == "="]
        adds = [w for w in writes if w.op in ("+=", "-=")]
        if sets and not adds:
            findings += [_set_without_dynamics(w) for w in _once(sets)]
        if adds and not sets and len({w.op for w in adds}) == 1:  # '+=' and '-=': a pulse ('up'/'down')
            findings += [_accumulates(w) for w in _once(adds)]
    return findings


def _read_by_odes(group: Any) -> set[str]:
    """Names the group's differential equations read (through subexpressions too)."""
    names: set[str] = set()
    for name, text in ode_expressions(group).items():
        names |= names_in(parse_expression(text, f"{group.name}, d{name}/dt"))[0]
    return names


def _once(writes: list[Write]) -> list[Write]:
    seen: set[tuple[int, str, str]] = set()
    unique = []
    for w in writes:
        if (id(w.writer), w.part, w.line) not in seen:
            seen.add((id(w.writer), w.part, w.line))
            unique.append(w)
    return unique


def _where(w: Write) -> str:
    return w.writer.name


def _its(w: Write) -> str:
    """How a message names the writing code: ``on_pre``, ``the PoissonInput``."""
    return f"its {w.part}" if w.part else "the PoissonInput" if w.kind == "poissoninput" else f"its {w.kind}"


def _set_without_dynamics(w: Write) -> Finding:
    return Finding(
        "set-without-dynamics", _where(w), w.line,
        f"{_its(w)} sets '{w.variable}' of '{w.group.name}', which has no differential equation and nothing else "
        f"writes it, while the group's differential equations read it: after the first spike it stays at "
        f"the last value set, for good (a clamp, not a synaptic input).",
        f"to add each spike's effect use '{w.variable} += ...' and give '{w.variable}' a decay "
        f"(d{w.variable}/dt = -{w.variable}/tau_syn), or write the spike into the variable it drives "
        f"(e.g. 'v += w', a delta synapse); to separate the inputs' contributions, use a "
        f"ContributionMonitor instead of rewriting the model.")


def _accumulates(w: Write) -> Finding:
    return Finding(
        "accumulates-without-decay", _where(w), w.line,
        f"{_its(w)} adds to '{w.variable}' of '{w.group.name}', which has no differential equation, no "
        f"reset and no other code bringing it back, while the group's differential equations read it: it "
        f"only grows with every input spike, without decay.",
        f"give '{w.variable}' a decay (d{w.variable}/dt = -{w.variable}/tau_syn : ... in the model), or "
        f"target the variable it drives (e.g. PoissonInput(G, 'v', ...) or on_pre='v += w'); to "
        f"separate the inputs' contributions, use a ContributionMonitor instead of rewriting the model.")


def _summed_overwritten(writes: list[Write]) -> list[Finding]:
    summed = [w for w in writes if w.op == SUMMED]
    others = [w for w in writes if w.op != SUMMED]
    if not summed or not others:
        return []
    s = summed[0]
    other = others[0]
    return [Finding(
        "summed-overwritten", _where(s), s.line,
        f"the (summed) variable replaces '{s.variable}' of '{s.group.name}' with the sum over synapses "
        f"every step, but '{other.writer.name}' ('{other.line}') also writes it: that write is overwritten at "
        f"the next step.",
        f"declare '{s.variable}' only as the (summed) target (a parameter '{s.variable} : ...' that nothing "
        f"else writes), and give the other input a variable of its own that the model adds.")]
