"""What neurogen's compiler and runtime read of user objects: the one declared, typed contract.

Code outside :mod:`neurogen.objects` (lowering, the namespace, the runtime, the standalone
device) reads a user object only through the members declared in these protocols, and types
the objects it receives with them (``ObjectContext.obj`` is a :class:`ModelObject`).

Why the members start with an underscore: model names never do (Brian2 refuses them), while a
public attribute would take a name from the model — a NeuronGroup refuses a variable that is
also one of its attributes, and Brian2 accepts variables named ``structure``, ``pathways`` or
``equations``. So on a user object a leading underscore means "neurogen's, never a model
name"; which of those members other packages may use is what this module says.
``tests/test_structure.py`` checks that no other underscore member of a user object is read
outside ``neurogen.objects``.
"""
from __future__ import annotations

import ast
from typing import Any, ClassVar, Mapping, Protocol

import numpy as np

from ..frontend.equations import Equations
from ..frontend.expressions import Statement
from ..units import Dimension
from .events import EventCode
from .pathways import PathwaySpec
from .variables import VariableSpec


class ClockModel(Protocol):
    dt_: float
    _t: float                            # where the clock stands, second (set after a run)


class ModelObject(Protocol):
    """Every object a network runs."""

    name: str
    when: str
    order: int
    active: bool
    clock: ClockModel
    namespace: Mapping[str, Any] | None
    _member_prefix: ClassVar[str]  # its C++ struct member: prefix + position (``group3``)
    _creation_index: int           # creation order in the session (run() order, random streams)
    _scope_id: int                 # the start_scope() it was created in
    _time: float | None            # simulated time its last run reached, second
    _specs: Mapping[str, VariableSpec]  # stored variables (none: an empty mapping)
    _equations: Equations | None
    _refractory: Any                    # False: never refractory
    _element_noun: ClassVar[str]        # "neuron" or "synapse", for messages
    _described_as: str | None           # what error messages call it (None: its class name)
    _nonfinite: frozenset[str] | set[str]  # variables NaN or infinite after its last run
    _spans_steps: ClassVar[bool]        # its kernels run in several slots: records span whole steps

    @property
    def _clock_time(self) -> float:
        """Where its clock stands (whole steps of the last run)."""

    def _structure(self) -> tuple[str, ...]:
        """Everything of it that decides the generated code, as text (the front-end key)."""

    def _specs_key(self) -> str:
        """The types of its stored variables, for the front-end key."""

    def _dependencies(self) -> tuple[Any, ...]:
        """Objects it reads from; they must run in the same network."""

    def _contained_objects(self) -> tuple[Any, ...]:
        """Objects that run wherever it runs (a group's runners)."""

    def _variable_dims(self) -> dict[str, Dimension]:
        """Dimensions of the names its model code may use as its own."""

    def _expression_sources(self) -> list[tuple[str, ast.expr]]:
        """Its model expressions, parsed, each with where it was written."""

    def _value_externals(self) -> dict[str, Any]:
        """Numbers it passes to its code as runtime values (``External``), by name."""

    def _runtime_value(self, name: str) -> Any:
        """The value of a struct member it supplies itself at a run (``None``: not one of its)."""

    def _collect_results(self, outputs: Mapping[str, np.ndarray], rows: int) -> None:
        """What the compiled code recorded for it in a call, and how many records (rows)."""

    def _collect_carried(self, outputs: Mapping[str, np.ndarray]) -> None:
        """The outputs carried into the next run (spikes in transit)."""

    def _before_run(self, dt: float) -> None:
        """Check and prepare for a run whose smallest time step is ``dt``."""

    def _allocate(self, n_records: int) -> None:
        """Buffers for the records a run will make (monitors)."""

    def _join_network(self, objects: Any) -> None:
        """Before a run: the objects it runs with (a ContributionMonitor finds its writers)."""

    def _input_dim(self, name: str) -> Dimension:
        """The unit of its compiled input ``name`` (plans and result files carry it)."""

    def _ran_with(self, dt: float, every: int) -> None:
        """A run ended; it ran every ``every`` steps of ``dt``."""


class ModelGroup(ModelObject, Protocol):
    """A group of elements with state: NeuronGroup, Synapses, SpikeGeneratorGroup."""

    N: int
    _specs: Mapping[str, VariableSpec]   # stored variables, in the compiled struct's order
    _equations: Equations
    _state: dict[str, np.ndarray]        # the variables' arrays (the compiled code works on them)
    _assignments: int                    # string assignments so far (their random-number counter)
    _links: Mapping[str, Any]            # linked variable -> its objects.linked.Link (None: not linked)

    def _code_names(self) -> set[str]:
        """Names its event code reads as its own (others it assigns are local temporaries)."""

    def _neuron_subexpression_sources(self, sources: list[tuple[str, ast.expr]]) -> list[tuple[str, ast.expr]]:
        """Other groups' subexpressions that ``sources`` read (``F_pre``), parsed."""


class NeuronGroupModel(ModelGroup, Protocol):
    threshold: str | None
    method: str | None
    _refractory: Any                     # False, a time in seconds, or a condition (text)
    _reset_statements: tuple[Statement, ...]
    _events: Mapping[str, str]           # custom events: name -> condition (text)
    _event_code: Mapping[str, EventCode]  # run_on_event: the code run on each event

    def _event_slot(self, event: str) -> tuple[str, int | float]:
        """(when, order) of the test of ``event``."""


class SynapsesModel(ModelGroup, Protocol):
    _source_group: ModelGroup            # the groups indices refer to (a subgroup's parent)
    _target_group: ModelGroup
    _source_start: int                   # where a subgroup source/target starts in its parent
    _target_start: int
    _pathways: Mapping[str, PathwaySpec]  # by Brian2's pathway name

    def _group_of(self, name: str) -> tuple[ModelGroup | None, str]:
        """The group a synaptic name (``v_post``, ``w``) belongs to, and its base name."""

    def _neuron_subexpression(self, name: str) -> ast.expr | None:
        """A pre-/postsynaptic subexpression (``F_pre``) in the synapses' names, or None."""

    def _add_synapses(self, pre: np.ndarray, post: np.ndarray) -> None:
        """Append synapses (parent indices)."""


class PoissonInputModel(ModelObject, Protocol):
    target_var: str
    _group: ModelGroup                   # the group receiving the input

    def _expression(self, what: str) -> str:
        """``rate`` or ``weight`` as model text."""


class CodeRunnerModel(ModelObject, Protocol):
    """A group's ``run_regularly`` code."""

    group: ModelGroup                    # the group whose variables the code reads and writes
    _statements: tuple[Statement, ...]   # its code, line by line
    _on_events: bool                     # run_at: only in the steps of its EventClock

    def _where(self) -> str:
        """How error messages name it (its group and its name)."""


class NetworkOperationModel(ModelObject, Protocol):
    """A Python function called during a run (``NetworkOperation``)."""

    def _call(self, t: Any) -> None:
        """Call the function (with ``t`` if it takes it)."""


class MonitorModel(ModelObject, Protocol):
    """Spike, state and rate monitors: record buffers bound at a run (``_runtime_value``),
    records taken after it (``_collect_results``)."""

    source: Any                          # the monitored group, subgroup or synapses (as given)
    _source_group: ModelGroup            # the group whose arrays the code reads (a subgroup's parent)
    _watches_part: bool                  # Spike/rate monitor of a subgroup: its range is _start, _size
    record: Any                          # StateMonitor: which elements; SpikeMonitor: whether i, t
    record_variables: list[str]          # which variables (SpikeMonitor: at each spike)
    _values: dict[str, list[np.ndarray]]  # StateMonitor: the records of each run, by variable


class ContributionMonitorModel(ModelObject, Protocol):
    """A ContributionMonitor: the recorded variable's writers, found before the run."""

    variable: str
    _source_group: ModelGroup            # the group whose array it reads (a subgroup's parent)
    _writes: list[Any]                   # objects.writers.Write of each place writing the variable
    _operations: list[Any]               # the network operations of this run (each a source too)
    _run_sources: list[str]              # this run's sources, in the order of its record planes

    def _values_now(self) -> np.ndarray:
        """The recorded elements' current values (before a network operation runs)."""

    def _operation_ran(self, operation: Any, before: np.ndarray) -> None:
        """Add what ``operation`` changed since ``before`` to its record of the current step."""
