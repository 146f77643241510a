"""The intermediate representation: frozen, hashable descriptions of what the C++ does.

Everything here is plain data. sympy appears only inside expressions; every symbol is
made by :func:`sym` so that two modules naming ``v`` mean the same symbol.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Literal, Union

import sympy

from ..binding import Binding
from ..frontend.functions import CppImplementation


def sym(name: str) -> sympy.Symbol:
    """The one way to make a symbol for a model name.

    No assumptions on purpose: told that ``x`` is real, sympy rewrites ``sqrt(-x**2)`` as
    ``I*Abs(x)`` and ``log(-exp(x))`` as ``x + I*pi``, where the compiled (and Brian2's, and
    numpy's) double arithmetic gives NaN; without assumptions it keeps the model's forms."""
    return sympy.Symbol(name)


DT = sym("dt")
T = sym("t")


@dataclass(frozen=True, slots=True)
class Assign:
    """``target = expr``; ``declare`` makes a new local (``const double``), else it writes a variable
    (or a local declared ``mutable`` before: a temporary of event code assigned more than once)."""

    target: str
    expr: sympy.Expr
    declare: bool = False
    comment: str = ""
    mutable: bool = False  # with declare: a plain ``double`` local, assigned again later


@dataclass(frozen=True, slots=True)
class MatrixExp:
    """Locals ``{target}_{r}_{c}`` = entries of ``expm(matrix)`` (``matrix`` row-major, ``size``²).

    Exact integration of coupled linear systems computes its propagator from runtime values
    this way, so coincident time constants and complex eigenvalues need no special formula.
    """

    target: str
    size: int
    matrix: tuple[sympy.Expr, ...]
    comment: str = ""

    def entry(self, row: int, col: int) -> sympy.Symbol:
        return sym(f"{self.target}_{row}_{col}")


Statement = Union[Assign, MatrixExp]


@dataclass(frozen=True, slots=True)
class Integration:
    """What an integrator produces for one set of differential equations.

    ``statements`` compute temporaries (declared locals, names starting with ``_``) from the
    values at the start of the step; ``updates`` give each variable's new value in terms of
    those temporaries and the old values. Lowering writes the updates back (guarding the
    ``(unless refractory)`` ones), so every update sees only old values.
    """

    method: str
    statements: tuple[Statement, ...]
    updates: tuple[tuple[str, sympy.Expr], ...]
    comments: tuple[tuple[str, str], ...] = field(default=())


class FieldKind(Enum):
    """How a struct member gets its value at each run."""

    ARRAY = "array"      # pointer to a numpy array's data (zero copy)
    SCALAR = "scalar"    # a double: an external constant or a per-run value
    INTEGER = "integer"  # an int64: sizes, step offsets, random streams
    DYNAMIC = "dynamic"  # a std::vector the C++ side grows (spike records), copied out after a run
    INTERNAL = "internal"  # C++-only state (a spike queue); the runtime never binds it


@dataclass(frozen=True, slots=True)
class Field:
    """A member of an object's C++ struct."""

    name: str
    ctype: str
    kind: FieldKind
    comment: str = ""
    carried_from: str = ""  # an input loaded at each run from this dynamic output of the last run (binding.Carry)


@dataclass(frozen=True, slots=True)
class Load:
    """``const ctype local = source[index]`` at the top of a loop body (or once, if scalar)."""

    local: str
    ctype: str
    source: str           # C++ expression of the array, e.g. ``_src.v``
    scalar: bool = False  # a shared variable: element 0, read once per call
    index: str = ""       # the C++ index into ``source``; empty: the kernel's element


# -- what a kernel's template needs beyond its statements: one typed record per template ------

@dataclass(frozen=True, slots=True)
class ThresholdOptions:
    refractory: bool  # a spike sets lastspike and not_refractory
    space: str = "_spikespace"  # the member listing the neurons with the event (custom: _event<k>_space)


@dataclass(frozen=True, slots=True)
class ResetOptions:
    space: str = "_spikespace"  # the event whose neurons the code runs for (its space)


@dataclass(frozen=True, slots=True)
class SpikeMonitorOptions:
    record: bool  # keep (i, t) of every spike, not only the counts
    part: bool = False  # it watches part of its group (a subgroup: _start, _size)
    variables: tuple[str, ...] = ()  # recorded at each spike, each computed into the local _value_<name>
    space: str = "_spikespace"  # the event it records (EventMonitor: _event<k>_space)


@dataclass(frozen=True, slots=True)
class RateMonitorOptions:
    part: bool = False  # it watches part of its group (a subgroup: _start, _size)


@dataclass(frozen=True, slots=True)
class StateMonitorOptions:
    variables: tuple[str, ...]  # recorded, each computed into the local _value_<name>


@dataclass(frozen=True, slots=True)
class RunnerOptions:
    events: bool  # run_at: the kernel runs only in the steps listed in its _event_steps
    ranged: bool = False  # a neuron group's runner: elements [_subgroup_start, +_subgroup_N) (a subgroup's)


PathwayMode = Literal["heterogeneous", "homogeneous", "direct"]


@dataclass(frozen=True, slots=True)
class PathwayOptions:
    pathway: str       # "pre", "post" or "pathway<k>": names the queue members (_pre_queue)
    mode: PathwayMode  # a delay per synapse, one shared delay, or delivery at once (on_post)
    spikes: str        # the kernel parameter whose events trigger it (_pre, _post)
    ordered: bool      # deliver in synapse order: a neuron variable is set or read back
    side: str = "pre"  # "pre" or "post": names the CSR arrays (_pre_offsets)
    delay: str = "_grp.delay_"       # C++ access to its delay array
    events: str = "_spikespace"      # the member of ``spikes`` listing this step's events


@dataclass(frozen=True, slots=True)
class QueueOptions:
    pathway: str
    mode: PathwayMode
    delay: str = "_grp.delay_"       # C++ access to its delay array


@dataclass(frozen=True, slots=True)
class SummedOptions:
    target: str      # the summed variable's array, through _pre or _post (``_post.v_``)
    start: str       # struct member: the first target neuron in its group
    size: str        # struct member: the number of target neurons
    index: str = ""  # the local indexing the target per synapse (_jpost, _ipre); "": zeroing


@dataclass(frozen=True, slots=True)
class PoissonInputOptions:
    first_uniforms: bool  # draw 0's first uniforms for a block of neurons at once


@dataclass(frozen=True, slots=True)
class ConnectOptions:
    expressions: tuple[tuple[str, sympy.Expr], ...]  # connect()'s pieces: low, high, step, n, p, ...
    draws_per_candidate: int  # the candidate's draws: its expressions' and then p's
    skip_if_invalid: bool
    if_reads_target: bool     # a generator's ``if`` reads j: tested after the range check


@dataclass(frozen=True, slots=True)
class ContributionOptions:
    mode: Literal["clock", "before", "after"]  # record the row's time; copy the values; add the change
    variable: str  # C++ access to the monitored variable's array (``_src.v_``)
    plane: int     # the source whose record the change is added to
    planes: int    # the number of sources (record planes per row)


KernelOptions = Union[ThresholdOptions, ResetOptions, SpikeMonitorOptions, StateMonitorOptions, RateMonitorOptions,
                      PathwayOptions, QueueOptions, SummedOptions, PoissonInputOptions, ConnectOptions, RunnerOptions,
                      ContributionOptions]

Phase = Literal["step", "call", "prepare", "finish"]


@dataclass(frozen=True, slots=True)
class Kernel:
    """One function of the step loop (or a one-off call), rendered from ``templates/kernels``.

    ``hoisted`` statements run once per call (values the same for every element);
    ``statements`` run per element between ``loads`` and ``stores``.

    The kernel reaches objects only through its struct parameters: ``_grp`` (``owner``),
    ``_src`` (``source``, when another object) and the named ``roles`` (a synapse's ``_pre``
    and ``_post`` groups), never through a member of ``Network``; so its code does not
    depend on which object it serves, and objects of one structure share one function.

    Random numbers are decided here, not by the renderer: ``draw_base`` is the first draw
    index of the kernel's range (None: it draws nothing), ``noise_base`` that of its white
    noise, ``random_functions`` the random functions its expressions call (``rand``,
    ``randn``, ``poisson``, ``binomial``), so only those helpers are defined.
    """

    name: str
    template: str
    owner: str
    source: str
    when: str
    order: int
    loads: tuple[Load, ...]
    stores: tuple[tuple[str, str], ...]
    hoisted: tuple[Statement, ...]
    statements: tuple[Statement, ...]
    condition: sympy.Expr | None = None
    integer_names: frozenset[str] = frozenset()
    comment: tuple[str, ...] = ()
    roles: tuple[tuple[str, str], ...] = ()  # (C++ parameter, object member), besides _grp/_src
    phase: Phase = "step"    # in the step loop, a one-off call, or before/after every run
    element: str = "i"       # the loop's element (a model name, or _s for synapses, _i)
    restrict: bool = True    # its pointers never alias (a synapse's v_pre and v_post may)
    outputs: tuple[str, ...] = ()  # locals the template reads besides the stores (kept by prune)
    draw_base: int | None = None
    noise_base: int | None = None
    random_functions: frozenset[str] = frozenset()
    options: KernelOptions | None = None
    user_code: tuple[CppImplementation, ...] = ()  # C++ of the user functions it calls (with dependencies)
    sort_name: str = ""      # the name Brian2 schedules it by, if not its object's (a pathway: S_up)

    @property
    def random(self) -> bool:
        return self.draw_base is not None


@dataclass(frozen=True, slots=True)
class ObjectIR:
    """One object of the network: its C++ struct (``member`` of ``Network``) and its kernels."""

    member: str
    struct: str
    kind: str
    description: tuple[str, ...]
    fields: tuple[Field, ...]
    kernels: tuple[Kernel, ...]


@dataclass(frozen=True, slots=True)
class NetworkIR:
    """Everything the renderer needs: objects, the step schedule, one-off calls."""

    objects: tuple[ObjectIR, ...]
    schedule: tuple[tuple[str, str], ...]  # (object member, kernel name), in execution order
    calls: tuple[tuple[str, str], ...] = ()  # run once before the step loop (assignments)
    prepare: tuple[tuple[str, str], ...] = ()  # every run, before the loop (load spike queues)
    finish: tuple[tuple[str, str], ...] = ()   # every run, after the loop (save spike queues)
    profile: bool = False  # run(profile=True): a build whose step loop times each call (a key of its own)
    # network operations: where the step loop may pause for one, as positions in ``schedule``
    # (one per operation, in their schedule order; see runtime.operations); none: no pausing code
    cuts: tuple[int, ...] = ()

    def kernels(self) -> tuple[Kernel, ...]:
        return tuple(k for o in self.objects for k in o.kernels)

    def binding(self) -> Binding:
        """The binding contract of this network: its fields in declaration order, and the
        inputs the lowering declared carried (``Field.carried_from``)."""
        fields = [(o.member, f.name, f.ctype, f.kind.value) for o in self.objects for f in o.fields]
        carried = [(o.member, f.name, f.carried_from) for o in self.objects for f in o.fields if f.carried_from]
        return Binding.from_fields(fields, carried)
