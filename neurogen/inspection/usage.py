"""Variables nothing uses (``unused-variable``) and model variables an outside name shadows
(``shadowed-constant``, Brian2's warning and wording)."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

import numpy as np

from ..frontend.expressions import names_in
from ..frontend.namespace import shadowed_names
from ..objects.spikemonitor import EventMonitor
from ..objects.statemonitor import StateMonitor
from ..objects.neurongroup import NeuronGroup
from ..objects.runner import CodeRunner
from ..objects.synapses import Synapses
from ..objects.writers import network_writes
from .findings import Finding


def read_names(objects: Iterable[Any]) -> set[str]:
    """Every name any object reads: its expressions (``x_pre``/``x_post`` also as ``x``), what
    monitors record, what linked variables point to. Generous on purpose: a variable whose name
    is read anywhere counts as read (a false 'unused' would be a bug; a missed one is not)."""
    names: set[str] = set()
    for obj in objects:
        for _, tree in obj._expression_sources():
            for name in names_in(tree)[0]:
                names.add(name)
                names.add(name.removesuffix("_pre").removesuffix("_post"))
        if isinstance(obj, (EventMonitor, StateMonitor)):
            names.update(obj.record_variables)
        if isinstance(obj, (NeuronGroup, Synapses)):
            for link in obj._links.values():
                if link is not None:
                    names.update((link.target, link.variable, *link.reads))
    return names


def _written_names(objects: Iterable[Any]) -> set[str]:
    names = {w.variable for w in network_writes(objects)}
    for obj in objects:
        if isinstance(obj, Synapses):
            names.update(stmt.target for pathway in obj._pathways.values() for stmt in pathway.statements)
        if isinstance(obj, CodeRunner):
            names.update(stmt.target for stmt in obj._statements)
    return names


def unused_findings(objects: list[Any]) -> list[Finding]:
    """A floating-point parameter of a group that no code reads or writes, no monitor records,
    no link points to, and that still holds its initial zeros (a value the user set is kept for
    reading)."""
    groups = [o for o in objects if isinstance(o, (NeuronGroup, Synapses))]
    if not groups:
        return []
    used = read_names(objects) | _written_names(objects)
    # a model string shared by several groups: a variable one of them sets counts as used in all
    used |= {name for group in groups for name in group._equations.names
             if name in group._state and np.any(np.asarray(group._state[name]) != 0)}
    findings = []
    for group in groups:
        idle = [eq for eq in group._equations.of_kind("parameter") if eq.name not in used]
        if len(idle) == len(group._equations.names):
            continue  # nothing but placeholders ('dummy : 1' of a spike source): the model is empty on purpose
        unused = [eq for eq in idle if _unused(group, eq.name, used)]
        for eq in unused:
            findings.append(Finding(
                "unused-variable", group.name, eq.line,
                f"'{eq.name}' is never read or written during a run (no equation, threshold, reset, synapse, "
                f"monitor or linked variable uses it) and still holds its initial zeros.",
                f"remove '{eq.line}' from the model, or use it (it may be a misspelling of a name "
                f"the model means)."))
    return findings


def _unused(group: Any, name: str, used: set[str]) -> bool:
    """Never read or written, and still zeros. Integer and boolean variables are left out: they
    are indices, labels and flags, set and read from Python (connect conditions, analysis)."""
    if name in used or name in group._links or name not in group._state:
        return False
    if group._equations[name].dtype != "float":
        return False
    values = np.asarray(group._state[name])
    return values.size > 0 and not np.any(values != 0)


def shadowed_findings(objects: Iterable[Any], namespace_of: Callable[[Any], Mapping[str, Any]]) -> list[Finding]:
    """Brian2's warning: a model variable that also exists outside (the model's is used)."""
    findings = []
    for obj in objects:
        if obj._equations is None:
            continue
        for name, value in shadowed_names(obj, namespace_of(obj), obj._expression_sources()):
            findings.append(Finding(
                "shadowed-constant", obj.name, obj._equations[name].line if name in obj._equations else "",
                f"'{name}' is an internal variable of group '{obj.name}', but also exists in the run namespace "
                f"with the value {value!r}. The internal variable will be used.",
                f"rename the outside '{name}' or the model variable, so each name means one thing."))
    return findings
