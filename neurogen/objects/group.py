"""``Group``: an object with N elements and named state variables (NeuronGroup, later Synapses)."""
from __future__ import annotations

import ast
from typing import Any, Iterable

import numpy as np

from ..frontend.equations import Equations
from ..errors import NeurogenError
from ..units import DIMENSIONLESS, Quantity, second
from .attributes import refuse_read_only
from .base import SimObject, require_results
from .runner import CodeRunner
from .eventclock import EventClock
from .variables import (IndexView, LinkedVariableView, SubexpressionView, VariableSpec, VariableView, coerce_value,
                        subexpression_spec, wrap)
from .subgroup import Subgroup, slice_bounds
from .states import ExportedNames, get_states, set_states
from .clock import whole_steps
from .linked import Link, LinkedVariable, check_link_indices, hidden_name, make_link
from ..session import session

_DTYPES = {"float": "float64", "integer": "int32", "boolean": "bool"}


class Group(SimObject):
    """N elements with state arrays; subclasses declare ``_specs`` and provide ``_equations``."""

    _equations: Equations
    _indexed_by_synapse = False
    _exported_read_only: tuple[str, ...] = ("N", "i", "t", "dt", "t_in_timesteps")  # get_states() lists them  # Synapses: elements are synapses, which Brian2 also indexes by (i, j)

    def _init_state(self, n: int, specs: list[VariableSpec]) -> None:
        object.__setattr__(self, "_specs", {s.name: s for s in specs})
        object.__setattr__(self, "_state", {})
        object.__setattr__(self, "_N", n)
        equations = self.__dict__.get("_equations")
        links: dict[str, Link | None] = {eq.name: None for eq in equations or () if "linked" in eq.flags}
        object.__setattr__(self, "_links", links)  # linked variable -> its link (None: not linked yet)
        for spec in specs:
            size = 1 if spec.shared else n
            self._state[spec.name] = np.zeros(size, dtype=spec.numpy_dtype())
        self._assignments = 0  # how many string assignments ran (their random-number counter)

    @staticmethod
    def _specs_from_equations(equations: Equations) -> list[VariableSpec]:
        specs = []
        for eq in equations:
            if eq.kind == "subexpression" or "linked" in eq.flags:  # a linked variable reads another group
                continue
            specs.append(VariableSpec(
                eq.name, eq.dim, _DTYPES[eq.dtype], shared="shared" in eq.flags,
                constant="constant" in eq.flags,
            ))
        return specs

    def __getattr__(self, name: str) -> Any:
        specs = self.__dict__.get("_specs")
        if specs is None:
            raise AttributeError(name)
        if name in specs:
            return VariableView(self, specs[name])
        if name.endswith("_") and name[:-1] in specs:
            return VariableView(self, specs[name[:-1]], plain=True)
        links = self.__dict__.get("_links", {})
        if name in links or (name.endswith("_") and name[:-1] in links):
            return self._linked_view(name.removesuffix("_") if name not in links else name, name not in links)
        if name == "indices":
            return IndexView(self)
        if name == "i":
            return np.arange(self.N)
        if name == "t":
            return Quantity(self._clock_time, dim=second.dim)  # where its last run ended (whole steps)
        if name == "dt":
            return self.clock.dt
        if name == "t_in_timesteps":
            return np.asarray(whole_steps(self._clock_time, self.clock.dt_))
        if "_equations" in self.__dict__ and name in self._equations:
            return SubexpressionView(self, subexpression_spec(self, name))
        if "_equations" in self.__dict__ and name.endswith("_") and name[:-1] in self._equations:
            return SubexpressionView(self, subexpression_spec(self, name[:-1]), plain=True)  # G.I_
        raise AttributeError(f"{type(self).__name__} '{self.name}' has no variable '{name}'")

    @property
    def N(self) -> int:
        """The number of elements, fixed at construction (the compiled code relies on it)."""
        return self._N

    def __setattr__(self, name: str, value: Any) -> None:
        if "_specs" not in self.__dict__ or not self._assign(name, value, slice(None)):
            super().__setattr__(name, value)

    def _assign(self, name: str, value: Any, index: Any, subgroup: tuple[int, int] | None = None) -> bool:
        """``G.name = value`` over ``index`` if ``name`` is a variable (``v``, or ``v_``: SI
        values, units unchecked); False if it is not one. ``subgroup`` (start, size): the
        assignment was made through ``G[start:start + size]`` (see ``_set_variable``)."""
        specs = self._specs
        if name in self._links:
            if subgroup is not None or not (isinstance(index, slice) and index == slice(None)):
                raise NotImplementedError(f"{type(self).__name__} '{self.name}'.{name}: linking part of a group "
                                          "(through a subgroup) is not supported by neurogen yet")
            self._links[name] = make_link(self, name, value)
        elif isinstance(value, LinkedVariable) and name in specs:
            raise TypeError(f"Cannot link variable '{name}', it has to be marked as a linked variable with "
                            "'(linked)' in the model equations.")
        elif name in specs:
            self._set_variable(name, value, index, subgroup)
        elif name.endswith("_") and name[:-1] in specs:
            spec = specs[name[:-1]]
            if spec.dim != DIMENSIONLESS and not isinstance(value, str):
                value = Quantity(np.asarray(value), dim=spec.dim)
            self._set_variable(name[:-1], value, index, subgroup)
        elif "_equations" in self.__dict__ and name in self._equations:
            raise NeurogenError(f"{self.name}.{name} is a subexpression and cannot be assigned")
        else:
            return False
        return True

    def _read_only_names(self) -> set[str]:
        return super()._read_only_names() | {"i", "t", "dt", "N", "t_in_timesteps"}

    def _writable_names(self) -> set[str]:
        return super()._writable_names() | self._writable_variables()

    def _writable_variables(self) -> set[str]:
        return {n for n, s in self._specs.items() if not n.startswith("_") and not s.read_only}

    def __getitem__(self, item: Any) -> Any:
        start, stop = slice_bounds(item, self.N, self.name)
        return Subgroup(self, start, stop)

    def _set_variable(self, name: str, value: Any, index: Any, subgroup: tuple[int, int] | None = None) -> None:
        """Store ``value`` into ``name`` over ``index``. A string is an expression; written
        through a subgroup (``subgroup`` = (start, size)), its ``i`` and ``N`` are the
        subgroup's, as in Brian2."""
        spec = self._specs[name]
        if spec.read_only:
            refuse_read_only(f"{type(self).__name__} '{self.name}'", name)
        if spec.shared and subgroup is not None:  # the group's one value, also through a subgroup (Brian2)
            index = slice(None)
        coerced = None if isinstance(value, str) else coerce_value(value, spec, self.name)  # units, range
        if coerced is not None:
            _check_size(self, name, coerced, index)

        device = session().device
        if device is not None and device.recording:  # between standalone runs
            device.record_assignment(self, name, index, value)
            return
        if coerced is None:
            session().compiled().assign(self, name, value, index, subgroup)
            return
        self._state[name][index] = coerced

    def _specs_key(self) -> str:
        """The stored variables' types, as the front-end key sees them."""
        return ";".join(f"{n}:{s.dtype}:{s.shared}" for n, s in self._specs.items())

    def get_states(self, vars: Iterable[str] | None = None, units: bool = True, format: str = "dict",
                   subexpressions: bool = False, read_only_variables: bool = True, level: int = 0) -> Any:
        """Copies of its variables as ``{name: values}`` (``format='pandas'``: a DataFrame, which
        needs ``units=False``), as Brian2's: by default every public variable, the read-only
        ones (``N``, ``i``, ``t``, ...) unless ``read_only_variables=False``, subexpressions
        only with ``subexpressions=True``; ``units=False`` gives values in SI units."""
        return get_states(self, vars, units, format, subexpressions, read_only_variables)

    def set_states(self, values: Any, units: bool = True, format: str = "dict", level: int = 0) -> None:
        """Assign several variables at once from ``{name: values}`` (or a DataFrame with
        ``format='pandas'``, ``units=False``), with the checks of ``G.name = values``."""
        set_states(self, values, units, format)

    def _exported_names(self) -> ExportedNames:
        """What ``get_states`` lists (``neurogen.objects.states``)."""
        variables = [n for n, s in self._specs.items() if not n.startswith("_") and not s.read_only]
        read_only = [n for n, s in self._specs.items() if not n.startswith("_") and s.read_only]
        return ExportedNames([*self._exported_read_only, *read_only], variables,
                             [eq.name for eq in self._equations.of_kind("subexpression")])

    def _variable_dims(self) -> dict[str, Any]:
        """Dimensions of every name a model expression of this group may use."""
        dims = {name: spec.dim for name, spec in self._specs.items()}
        for eq in self._equations.of_kind("subexpression"):
            dims[eq.name] = eq.dim
        dims.update(i=DIMENSIONLESS, N=DIMENSIONLESS)
        dims.update(self._linked_dims())
        return dims

    def _dependencies(self) -> tuple[Any, ...]:
        """The groups its linked variables read: they must run in the same network."""
        return self._link_groups()

    def _before_run(self, dt: float) -> None:
        self._set_links()

    # -- linked variables (see neurogen.objects.linked) ---------------------------------------

    def _linked_dims(self) -> dict[str, Any]:
        """The linked variables, and the hidden names a link to a subexpression reads."""
        dims = {name: self._equations[name].dim for name in self._links}
        for link in self._links.values():
            if link is not None:
                dims.update({hidden_name(link.name, n): link.group._specs[n].dim for n in link.reads})
        return dims

    def _linked_view(self, name: str, plain: bool) -> Any:
        link = self._links[name]
        if link is None:
            raise TypeError(f"Link target for variable {name} has not been set.")
        kind = "float64" if link.subexpression or link.group._specs[link.target].dtype == "float64" \
            else link.group._specs[link.target].dtype
        return LinkedVariableView(self, VariableSpec(name, link.dim, kind), plain)

    def _set_links(self) -> dict[str, Link]:
        """The links a run uses; every linked variable must be linked (Brian2 fails to resolve it)."""
        for name, link in self._links.items():
            if link is None:
                raise TypeError(f"{type(self).__name__} '{self.name}': the linked variable '{name}' has not been "
                                f"linked; link it before run() ({self.name}.{name} = linked_var(group, 'name'))")
            check_link_indices(self, link)
        return {name: link for name, link in self._links.items() if link is not None}

    def _links_key(self) -> str:
        """What the links decide of the generated code (the front-end key)."""
        return ";".join(link.key() if link is not None else f"{name}:unlinked" for name, link in self._links.items())

    def _link_groups(self) -> tuple[Any, ...]:
        groups: list[Any] = []
        for link in self._links.values():
            if link is not None and all(link.group is not g for g in groups):
                groups.append(link.group)
        return tuple(groups)

    def _link_value(self, name: str) -> Any:
        """A link's index array (``_lnk_<x>_indices``) or element (``_lnk_<x>_offset``), bound at a run."""
        for link in self._links.values():
            if link is not None and name == f"_lnk_{link.name}_indices":
                return link.indices if link.indices is not None else np.zeros(0, dtype=np.int32)
            if link is not None and name == f"_lnk_{link.name}_offset":
                return link.offset
        return None

    def _link_sources(self, suffix: str = "") -> list[tuple[str, ast.expr]]:
        """The subexpressions links read, for resolving the external names they use (``suffix``:
        read by synaptic code as ``x_pre``/``x_post``)."""
        return [(f"linked variable '{link.name}' ('{link.target}' of '{link.group.name}')", link.expression(suffix))
                for link in self._links.values() if link is not None and link.subexpression]

    def _neuron_subexpression_sources(self, sources: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
        """Subexpressions of other groups that ``sources`` read (Synapses: ``F_pre``), parsed, so
        that their outside names are looked up too; a neuron group reads none."""
        return []

    def _code_names(self) -> set[str]:
        """Names the event code of this object (reset, on_pre/on_post, run_regularly) reads as
        its own; any other name such code assigns is a local temporary (frontend.temporaries)."""
        return set(self._variable_dims()) | set(self._specs) | {"t", "dt"}

    def _expression_value(self, name: str) -> Any:
        """The values (per element, or one) of a stored variable, ``i`` or ``N`` for an
        expression evaluated from Python (an index condition); None for other names."""
        spec = self._specs.get(name)
        if spec is not None and not name.startswith("_"):
            require_results(self)
            return wrap(self._state[name], spec)
        if name == "i":
            return np.arange(self.N)
        if name == "N":
            return self.N
        if name in self._links:
            return self._linked_view(name, False)[:]
        return None

    def _linked_name(self, name: str) -> tuple[Any, str, np.ndarray] | None:
        """(other group, its name, index per element) of a name read from another group
        (Synapses: ``v_pre``, ``v_post``, ``v``); None: a group reads only its own names."""
        return None

    def _per_element_writable(self, name: str) -> bool:
        """Whether shared variable ``name`` may be written per element (it then stops being
        shared); Synapses: ``delay``."""
        return False

    def _boolean_names(self) -> set[str]:
        """The names that are truth values by themselves (boolean variables and subexpressions)."""
        names = {n for n, s in self._specs.items() if s.dtype == "bool"}
        return names | {eq.name for eq in self._equations.of_kind("subexpression") if eq.dtype == "boolean"}

    def __len__(self) -> int:
        return self.N

    def run_regularly(self, code: str, dt: Any = None, clock: Any = None, when: str = "start",
                      order: int = 0, name: str | None = None, codeobj_class: Any = None) -> Any:
        """Brian2's ``run_regularly``: run ``code`` on this group's variables every ``dt`` (its
        clock by default) in slot ``when``; returns the ``CodeRunner``, which ``run()`` simulates
        with the group (a ``Network`` takes it with the group, or on its own)."""
        return self._add_runner(code, dt=dt, clock=clock, when=when, order=order, name=name)

    def run_at(self, code: str, times: Any, when: str = "start", order: int = 0, name: str | None = None,
               codeobj_class: Any = None) -> Any:
        """Brian2 2.10's ``run_at``: run ``code`` at the given ``times`` (an ``EventClock``),
        in the steps whose times they are by Brian2's clock rule; returns the ``CodeRunner``."""
        return self._add_runner_at(code, times, when=when, order=order, name=name)

    def _add_runner(self, code: str, **options: Any) -> CodeRunner:
        """A runner of this group (or, with ``element_range``, of a subgroup of it), kept with it."""
        runner = CodeRunner(self, code, **options)
        self.__dict__.setdefault("_contained", []).append(runner)
        return runner

    def _add_runner_at(self, code: str, times: Any, name: str | None = None, **options: Any) -> CodeRunner:
        clock = EventClock(times)
        owner = options.get("subgroup_name") or self.name
        runner = self._add_runner(code, clock=clock, name=name if name is not None else f"{owner}_run_at*",
                                  **options)
        clock.name = f"{runner.name}_eventclock"
        return runner

    def _contained_objects(self) -> tuple[SimObject, ...]:
        """Its runners (``run_regularly``): they run where the group runs."""
        return tuple(self.__dict__.get("_contained", ()))

    def run_on_event(self, event: str, code: str, when: str = "after_resets", order: int | None = None) -> Any:
        """Brian2's ``run_on_event``: not supported yet (custom events), refused naming it."""
        raise NotImplementedError(f"{type(self).__name__} '{self.name}'.run_on_event({event!r}, ...): code run on "
                                  "events (a Brian2 feature) is not supported by neurogen yet; for spikes, use reset=")

def _check_size(group: Group, name: str, value: Any, index: Any) -> None:
    """An array value must have one value per selected element (Brian2's ValueError), not
    numpy's "could not broadcast" (or, for an integer index, a silent first element)."""
    size = np.size(value)
    if np.ndim(value) == 0 or size == 1:
        return
    n = len(group._state[name])
    if isinstance(index, slice):
        selected = len(range(*index.indices(n)))
    elif np.ndim(index) == 0:
        selected = 1
    else:
        array = np.asarray(index)
        selected = int(np.count_nonzero(array)) if array.dtype == bool else array.size
    if size != selected:
        raise ValueError(f"{type(group).__name__} '{group.name}', {name}[...] = ...: {size} values for "
                         f"{selected} selected elements (provided values do not match the size of the indices)")

