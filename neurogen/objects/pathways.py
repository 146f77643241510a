"""The pathways of a ``Synapses``: ``on_pre``/``on_post`` as strings or dicts of named code.

Brian2 makes one ``SynapticPathway`` per entry: ``on_pre='v += w'`` is the pathway ``pre``,
``on_pre={'up': 'I += w', 'down': 'I -= w'}`` the pathways ``up`` and ``down``, each triggered
by an event of the source (``on_post``: of the target), with its own spike queue and delay,
reachable as ``S.up`` (``S.up.delay``). This module turns the arguments into specs; the
pathway kernels are made in :mod:`neurogen.compiler.lower.synapses`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ..frontend.expressions import Statement, parse_statements
from .variables import VariableSpec, VariableView

SIDES = ("pre", "post")
#: Pathways beyond the two default ones each get a random-number range of their own (see
#: ``compiler.lower.common.DRAW_BASES``): at most this many per Synapses.
MAX_PATHWAYS = 64


@dataclass(frozen=True)
class PathwaySpec:
    """One pathway: its Brian2 name, which group's events trigger it (``side``: the source for
    ``pre``, the target for ``post``), the event (``spike`` or a custom event), its code, and
    ``key``, the prefix of its C++ members (its queue): the side's name for the default pathways
    (``_pre_queue``), ``pathway<k>`` for the others, so no user name reaches C++."""

    name: str
    side: str
    event: str
    code: str
    statements: tuple[Statement, ...]
    key: str

    @property
    def delay_variable(self) -> str:
        """The variable that holds its delay: ``delay`` for the ``pre`` pathway (``S.delay``
        is ``S.pre.delay`` in Brian2), a hidden one for every other pathway."""
        return "delay" if self.key == "pre" else f"_{self.key}_delay"

    @property
    def where(self) -> str:
        return f"on_{self.side}" if self.name == self.side else f"on_{self.side}['{self.name}']"


def pathway_specs(on_pre: Any, on_post: Any, on_event: Any, where: str) -> dict[str, PathwaySpec]:
    """Specs of every pathway, in Brian2's order (``on_pre`` entries, then ``on_post``), by name."""
    events = _events(on_event, where)
    specs: dict[str, PathwaySpec] = {}
    for side, argument in zip(SIDES, (on_pre, on_post)):
        if not argument:
            continue
        if isinstance(argument, str):
            entries: Mapping[Any, Any] = {side: argument}
        elif isinstance(argument, Mapping):
            entries = argument
        else:
            raise TypeError(f"{where}, on_{side}: expected a string of statements or a dict of pathway names "
                            f"and statements, got {type(argument).__name__}")
        for name, code in entries.items():
            if not isinstance(name, str):
                raise TypeError(f"{where}: keys for the 'on_{side}' argument have to be strings, got "
                                f"{type(name).__name__} instead")
            if not name.isidentifier() or name.startswith("_"):
                raise ValueError(f"{where}: '{name}' (in on_{side}) is not a valid pathway name")
            if name in specs:
                raise ValueError(f"{where}: cannot add a pathway named '{name}' twice")
            if not isinstance(code, str):
                raise TypeError(f"{where}: the code of pathway '{name}' has to be a string, got "
                                f"{type(code).__name__}")
            key = side if name == side else f"pathway{len(specs)}"
            label = f"on_{side}" if name == side else f"on_{side}['{name}']"
            specs[name] = PathwaySpec(name, side, events.get(name, events[""]), code,
                                      tuple(parse_statements(code, f"{where}, {label}")), key)
    if len(specs) > MAX_PATHWAYS:
        raise NotImplementedError(f"{where}: more than {MAX_PATHWAYS} pathways")
    unknown = sorted(set(events) - {""} - set(specs))
    if unknown:
        raise ValueError(f"{where}: on_event names the pathway '{unknown[0]}', which does not exist")
    return specs


def _events(on_event: Any, where: str) -> dict[str, str]:
    """``on_event``: one event for every pathway, or a dict by pathway name (others: ``spike``);
    the default is under the key ``""``."""
    if isinstance(on_event, str):
        return {"": on_event}
    if isinstance(on_event, Mapping):
        for name, event in on_event.items():
            if not isinstance(name, str) or not isinstance(event, str):
                raise TypeError(f"{where}: on_event has to map pathway names to event names (strings)")
        return {"": "spike", **on_event}
    raise TypeError(f"{where}: on_event has to be an event name or a dict of pathway names and event names, "
                    f"got {type(on_event).__name__}")


class PathwayDelayView(VariableView):
    """``S.up.delay``: the delay variable of a pathway, named as Brian2 names it in messages."""

    __slots__ = ("pathway",)

    def __init__(self, group: Any, spec: VariableSpec, pathway: str, plain: bool = False) -> None:
        super().__init__(group, spec, plain)
        self.pathway = pathway

    @property
    def _label(self) -> str:
        return f"{self.group.name}_{self.pathway}.delay{'_' if self.plain else ''}"


class PathwayView:
    """``S.pre``, ``S.up``: a pathway as Brian2 exposes it (its ``delay``, ``code``, ``event``,
    ``when``, ``order``)."""

    __slots__ = ("_synapses", "_spec")

    def __init__(self, synapses: Any, spec: PathwaySpec) -> None:
        object.__setattr__(self, "_synapses", synapses)
        object.__setattr__(self, "_spec", spec)

    code = property(lambda self: self._spec.code)
    event = property(lambda self: self._spec.event)
    prepost = property(lambda self: self._spec.side)
    objname = property(lambda self: self._spec.name)
    name = property(lambda self: f"{self._synapses.name}_{self._spec.name}")
    when = property(lambda self: "synapses")
    order = property(lambda self: -1 if self._spec.side == "pre" else 1)

    @property
    def delay(self) -> Any:
        return self._synapses._pathway_delay(self._spec, plain=False)

    @delay.setter
    def delay(self, value: Any) -> None:
        self._synapses._set_pathway_delay(self._spec, value)

    @property
    def delay_(self) -> Any:
        return self._synapses._pathway_delay(self._spec, plain=True)

    @delay_.setter
    def delay_(self, value: Any) -> None:
        self._synapses._set_pathway_delay(self._spec, value, plain=True)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("delay", "delay_"):
            object.__setattr__(self, name, value)  # the property's setter
            return
        raise AttributeError(f"pathway '{self.name}': only its delay can be set, not '{name}'")

    def __repr__(self) -> str:
        return f"<SynapticPathway {self.name!r}: {self._spec.where} {self._spec.code!r}>"
