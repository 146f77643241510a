"""The binding contract between a compiled network and its two drivers.

``ng_run(net, arrays, sizes, scalars, integers, ...)`` takes every input of the network in
four flat arrays. Which value goes into which slot is decided here, once, and nowhere else:

- ``network.cpp``'s ``bind`` (``templates/network.cpp.j2``) reads each struct member from the
  slot a ``Binding`` gives it (rendered from the IR through :meth:`neurogen.compiler.ir.NetworkIR.binding`);
- the runtime (``runtime.Simulation.run``) fills the arrays by the same slots, from the
  ``Binding`` its manifest holds (the warm path: no IR, no sympy);
- a standalone program gets the slots compiled in (``layout.hpp``, written by
  ``standalone.layout`` from the same ``Binding``) and places the plan's values by them.

The contract also declares the spikes in transit (:class:`Carry`): an input that each run
loads from a dynamic output of the previous one (the contents of ``_pre_pending_items`` become
``_pre_queue_items``, their count ``_pre_queue_n``). The lowering declares this on the input's
``Field`` (``carried_from``); the drivers only ever ask the ``Binding``, never edit names.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

ARRAY, SCALAR, INTEGER, DYNAMIC = "array", "scalar", "integer", "dynamic"
INPUT_KINDS = (ARRAY, SCALAR, INTEGER)


@dataclass(frozen=True)
class Slot:
    """One value crossing the boundary: a struct member, and where ``ng_run`` finds it.

    ``index`` is the position in its kind's array (``arrays``/``sizes``, ``scalars``,
    ``integers``); for a dynamic output (a C++-owned ``std::vector``) it is the id that
    ``ng_dynamic_size/data/clear`` take.
    """

    member: str   # the object's struct member in ``Network`` ("" for the network's own values)
    name: str     # the field's model name (C++ renames it; see ``printer.cpp_name``)
    ctype: str
    kind: str     # array | scalar | integer | dynamic
    index: int

    @property
    def key(self) -> str:
        """``member.name``: how plans, layouts, results and messages name it."""
        return f"{self.member}.{self.name}" if self.member else self.name


@dataclass(frozen=True)
class Carry:
    """An input that each run loads from a dynamic output of the previous run (spikes in
    transit). An array input takes the output's contents, an integer input its element
    count; before the first run (or for a new object) the output is empty."""

    member: str
    input: str
    output: str


#: The network's own values, bound before any object's: ``net.dt``, ``net.t_start``, ``net.seed``.
DT = Slot("", "dt", "double", SCALAR, 0)
T_START = Slot("", "t_start", "double", SCALAR, 1)
SEED = Slot("", "seed", "uint64_t", INTEGER, 0)
RESERVED = (DT, T_START, SEED)

Fields = Iterable[tuple[str, str, str, str]]     # (member, name, ctype, kind) in declaration order
Carries = Iterable[tuple[str, str, str]]         # (member, input, output)


@dataclass(frozen=True)
class Binding:
    """Every input and dynamic output of one compiled network, with its slot."""

    inputs: tuple[Slot, ...]    # arrays, scalars and integers, in declaration (= bind) order
    outputs: tuple[Slot, ...]   # dynamic outputs, by id
    carried: tuple[Carry, ...]

    @classmethod
    def from_fields(cls, fields: Fields, carried: Carries = ()) -> "Binding":
        """The binding of fields in declaration order: each kind numbered on from its reserved slots.

        Internal fields (C++-only state) take no slot. A carry that names no such input or
        output of its object is an internal error (``ValueError``).
        """
        next_index = {kind: sum(1 for r in RESERVED if r.kind == kind) for kind in (*INPUT_KINDS, DYNAMIC)}
        inputs, outputs = [], []
        for member, name, ctype, kind in fields:
            if kind not in next_index:
                continue
            slot = Slot(member, name, ctype, kind, next_index[kind])
            next_index[kind] += 1
            (outputs if kind == DYNAMIC else inputs).append(slot)
        binding = cls(tuple(inputs), tuple(outputs), tuple(Carry(*c) for c in carried))
        binding._check_carried()
        return binding

    def fields(self) -> tuple[tuple[str, str, str, str], ...]:
        """(member, name, ctype, kind) of every input and output, as a manifest stores them."""
        return tuple((s.member, s.name, s.ctype, s.kind) for s in self.inputs + self.outputs)

    def size(self, kind: str) -> int:
        """How many slots ``ng_run``'s array of this kind has (reserved ones included)."""
        return sum(1 for s in self.inputs + RESERVED if s.kind == kind)

    def of_kind(self, kind: str) -> tuple[Slot, ...]:
        return tuple(s for s in self.inputs if s.kind == kind)

    def carry_into(self, member: str, name: str) -> Carry | None:
        """How the input ``member.name`` is carried from the previous run, if it is."""
        return next((c for c in self.carried if (c.member, c.input) == (member, name)), None)

    def output(self, member: str, name: str) -> Slot:
        return next(s for s in self.outputs if (s.member, s.name) == (member, name))

    def _check_carried(self) -> None:
        inputs = {(s.member, s.name): s for s in self.inputs}
        outputs = {(s.member, s.name): s for s in self.outputs}
        for carry in self.carried:
            target, source = inputs.get((carry.member, carry.input)), outputs.get((carry.member, carry.output))
            if target is None or source is None or target.kind == SCALAR or (
                    target.kind == ARRAY and target.ctype != source.ctype):
                raise ValueError(f"internal error: {carry.member}.{carry.input} cannot be carried from "
                                 f"{carry.member}.{carry.output}")
