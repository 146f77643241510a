"""Running a compiled network with network operations: the step loop in chunks, each ending
where an operation is due, with the operations called in between.

A network with C operations is built with C points in its schedule where the step loop can
pause (``NetworkIR.cuts``, one per operation in schedule order). A position in a run is
(step, segment): "in step ``step``, before segment ``segment``"; operation k (1-based, in
schedule order) is called at (s, k) for every step s its clock is due at. A chunk runs from
one position to the next (``Model.set_segment`` + ``ng_run``); afterwards the results are
collected and the times set, so an operation sees the state, monitors' records and clocks as
Brian2 shows them at that point. Spikes in transit leave and re-enter the compiled code
between chunks exactly as between two runs. ``stop()`` ends the run after the current step.

A network without operations never comes here: it runs in one call.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping, Sequence

from ..objects.validation import SLOTS
from .collect import collect_results
from ..session import session
from ..units import Quantity, second

Position = tuple[int, int]  # (step, segment)


def operation_key(obj: Any) -> tuple[int, Any, str]:
    """Where an object's (single) kernel or an operation sorts in a step: Brian2's (slot, order, name)."""
    return (SLOTS.index(obj.when), obj.order, obj.name)


def pauses(operations: Sequence[Any]) -> list[tuple[str, Any, str]]:
    """The (when, order, name) of each operation, in schedule order (lowering's ``pauses``)."""
    return [(o.when, o.order, o.name) for o in sorted(operations, key=operation_key)]


def frontend_parts(objects: Sequence[Any], operations: Sequence[Any]) -> list[str]:
    """What decides the pause points, as text for the front-end key: each operation's slot and
    order, and which objects' names sort before its name (a kernel of the same slot and order
    runs before it exactly then)."""
    parts = []
    for op in sorted(operations, key=operation_key):
        before = "".join("1" if o.name < op.name else "0" for o in objects)
        # kernels sort by Brian2's code object names (object name + '_' + kind): where one name
        # starts the other, the rest of the longer one decides too
        rests = [o.name[len(op.name):] if o.name.startswith(op.name) else
                 "-" + op.name[len(o.name):] if op.name.startswith(o.name) else "" for o in objects]
        parts.append(f"operation;when={op.when};order={op.order};names={before};{rests!r}")
    return parts


def segment_of(obj: Any, operations: Sequence[Any]) -> int:
    """The segment an object with one kernel in its own slot (a monitor) runs in."""
    key = operation_key(obj)
    return sum(1 for op in operations if operation_key(op) < key)


def records(first_step: int, last_step: int, every: int) -> tuple[int, int]:
    """(first record step, number of records) of an object running every ``every`` steps
    over steps ``first_step`` .. ``last_step`` (inclusive)."""
    first = -(-first_step // every) * every
    return first, max(0, last_step // every - first // every + 1) if last_step >= first else 0


@dataclass
class Chunk:
    """One call of the step loop: from ``begin`` to ``end`` (positions)."""

    begin: Position
    end: Position

    def steps(self, segment: int) -> tuple[int, int]:
        """First and last step (inclusive) at which a kernel of ``segment`` runs in this chunk."""
        (s0, b), (s1, e) = self.begin, self.end
        return (s0 if segment >= b else s0 + 1), (s1 if segment < e else s1 - 1)

    def span(self) -> tuple[int, int]:
        """First and last step (inclusive) this chunk runs any part of (an object whose kernels
        run in every segment: a ContributionMonitor)."""
        (s0, _), (s1, e) = self.begin, self.end
        return s0, (s1 if e > 0 else s1 - 1)

    def steps_of(self, obj: Any, segment: int) -> tuple[int, int]:
        return self.span() if obj._spans_steps else self.steps(segment)

    @property
    def empty(self) -> bool:
        return self.begin >= self.end


def due_points(operations: Sequence[Any], every: Mapping[int, int], step0: int, end: int) -> Iterator[tuple[int, int, Any]]:
    """(step, k, operation) for every call of an operation in steps [step0, end), in order."""
    ordered = sorted(operations, key=operation_key)
    step = step0
    while True:
        due = [-(-step // every[id(op)]) * every[id(op)] for op in ordered]
        step = min(due)
        if step >= end:
            return
        for k, (op, at) in enumerate(zip(ordered, due), start=1):
            if at == step:
                yield step, k, op
        step += 1


def run_in_chunks(operations: Sequence[Any], every: Mapping[int, int], step0: int, n_steps: int, dt: float,
                  run_chunk: Callable[[Chunk], tuple[int, BaseException | None]],
                  at_pause: Callable[[int], None], watchers: Sequence[Any] = ()) -> tuple[int, BaseException | None]:
    """Run ``n_steps`` from ``step0``, calling the operations where they are due.

    ``run_chunk(chunk)`` runs one chunk and returns (whole steps done, the exception that
    interrupted it or None); ``at_pause(step)`` brings the objects' times and records to that
    step before operations are called; ``watchers`` (ContributionMonitors) record what each
    operation changes. Returns (the step the run ended at, the interruption).
    An exception raised by an operation propagates (after ``at_pause``: the state is consistent).
    """
    state = session()
    state.stop_requested = False
    end = step0 + n_steps
    position: Position = (step0, 0)

    def advance(to: Position) -> tuple[int, BaseException | None]:
        chunk = Chunk(position, to)
        if chunk.empty:
            return to[0], None
        done, error = run_chunk(chunk)
        return (position[0] + done, error) if error is not None else (to[0], None)

    for step, k, op in due_points(operations, every, step0, end):
        reached, error = advance((step, k))
        if error is not None:
            return reached, error
        position = (step, k)
        at_pause(step)
        before = [w._values_now() for w in watchers]
        op._call(Quantity((step // every[id(op)]) * op.clock.dt_, dim=second.dim))  # its clock's t (Brian2)
        for watcher, values in zip(watchers, before):
            watcher._operation_ran(op, values)
        if state.stop_requested:  # Brian2: the current step is completed, then the run ends
            state.stop_requested = False
            return advance((step + 1, 0))
    return advance((end, 0))


def simulate(simulation: Any, members: Mapping[str, Any], operations: Sequence[Any], every: Mapping[int, int],
             values_for: Callable[[Mapping[str, int]], Any], *, step0: int, n_steps: int, dt: float, seed: int,
             interval: float, callback: Any, profile: Any, at_pause: Callable[[int], None]) -> tuple[int, BaseException | None]:
    """The chunked run of a loaded ``simulation`` (``runtime.simulation.Simulation``; None: no
    compiled objects, only operations).

    ``values_for(first_steps)`` gives the value provider of a chunk, ``first_steps`` being
    each member's first step in it (where its record buffer starts); each chunk allocates
    its records, runs, and has its results collected before the next operation is called.
    Returns (the step the run ended at, the exception that interrupted it or None).
    """
    segments = {m: segment_of(o, operations) for m, o in members.items()}

    def run_chunk(chunk: Chunk) -> tuple[int, BaseException | None]:
        if simulation is None:  # a network of operations only
            return chunk.end[0] - chunk.begin[0], None
        first_steps, rows = {}, {}
        for member, obj in members.items():
            first, last = chunk.steps_of(obj, segments[member])
            first_steps[member], rows[member] = records(first, last, every[id(obj)])
            obj._allocate(rows[member])
        (s0, b), (s1, e) = chunk.begin, chunk.end
        progress = None if callback is None else _offset(callback, s0 - step0)
        done, error = simulation.run(values_for(first_steps), dt=dt, t_start=s0 * dt, seed=seed, step0=s0,
                                     n_steps=s1 - s0, interval=interval, callback=progress, profile=profile,
                                     segment=(b, e))
        if error is not None:  # interrupted at a step boundary: the records of whole steps only
            stopped = Chunk(chunk.begin, (s0 + done, 0))
            rows = {m: records(*stopped.steps_of(o, segments[m]), every[id(o)])[1] for m, o in members.items()}
        collect_results(simulation.manifest.binding, members, simulation.dynamic(),
                        dt={m: o.clock.dt_ / every[id(o)] for m, o in members.items()}, rows=rows)
        return done, error

    watchers = [o for o in members.values() if o._spans_steps]  # ContributionMonitors
    return run_in_chunks(operations, every, step0, n_steps, dt, run_chunk, at_pause, watchers)


def _offset(callback: Callable[[int], Any], steps_before: int) -> Callable[[int], Any]:
    """A progress callback counting the steps of earlier chunks too."""
    return lambda steps_done: callback(steps_before + steps_done)
