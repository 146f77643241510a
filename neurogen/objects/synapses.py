"""``Synapses``: Brian2's synapse object (connectivity, synaptic variables, on_pre/on_post).

Synapses grow with each ``connect()``; their variables are numpy arrays of one element per
synapse, kept in creation order (``S.w = W[rows, cols]`` relies on it). Code runs in the
compiled step loop: the pathways (``on_pre``, ``on_post``), clock-driven equations and
summed variables; see :mod:`neurogen.compiler.lower.synapses`.
"""
from __future__ import annotations

import ast
from typing import Any, Mapping

import numpy as np

from ..frontend.equations import Equations, parse_equations
from ..errors import EquationError, NeurogenError
from ..frontend.expressions import Statement, names_in, parse_expression, replace_names
from ..frontend.temporaries import external_trees, local_temporaries
from ..units import DIMENSIONLESS, Quantity, second
from .clock import Clock
from .group import Group
from .validation import check_method, refuse_unsupported_arguments, require_spike_source
from .subgroup import underlying
from .indexing import SynapticSubgroup, rank_within_pairs, synaptic_indices
from .pathways import PathwayDelayView, PathwaySpec, PathwayView, pathway_specs
from .variables import VariableSpec, coerce_value, linked_view
from ..errors import DimensionMismatchError
from ..session import session
from .subgroup import Subgroup

#: Names every synaptic expression may use besides the model's own.
SYNAPSE_NAMES = ("i", "j", "N", "N_pre", "N_post", "N_incoming", "N_outgoing")


class Synapses(Group):
    """Connections between two groups, with Brian2's model language and semantics.

    >>> S = Synapses(G, G, 'w : 1', on_pre='v += w', delay=1*ms)   # doctest: +SKIP
    >>> S.connect(p=0.1); S.w = 'rand()*0.1'                        # doctest: +SKIP
    """

    _base_name = "synapses"
    _member_prefix = "synapses"
    _indexed_by_synapse = True
    _exported_read_only = ("N", "i", "j", "t", "dt", "t_in_timesteps", "N_incoming", "N_outgoing")
    _element_noun = "synapse"

    def __init__(self, source: Any, target: Any = None, model: str | Equations = "",
                 on_pre: str | None = None, pre: str | None = None, on_post: str | None = None,
                 post: str | None = None, connect: Any = None, delay: Any = None,
                 on_event: Any = "spike", multisynaptic_index: str | None = None,
                 namespace: Mapping[str, Any] | None = None, dtype: Any = None,
                 codeobj_class: Any = None, dt: Quantity | None = None, clock: Clock | None = None,
                 order: int = 0, method: str | None = None, method_options: Any = None,
                 name: str = "synapses*") -> None:
        target = source if target is None else target
        super().__init__(name=name, when="groups", order=order, dt=dt, clock=clock, namespace=namespace)
        where = f"Synapses '{self.name}'"
        refuse_unsupported_arguments(where, connect=connect, dtype=dtype,
                            codeobj_class=codeobj_class, method_options=method_options)
        on_pre = _one_of(on_pre, pre, "on_pre", "pre", where)
        on_post = _one_of(on_post, post, "on_post", "post", where)
        self.source, self.target = source, target
        self._source_group, self._source_start, _ = underlying(source)
        self._target_group, self._target_start, _ = underlying(target)
        self._equations = parse_equations(model or "", owner=where)
        self.method = check_method(method, where)
        self._check_equations()
        self._check_names_of_groups()
        self.on_pre = on_pre
        self.on_post = on_post
        self._pathways: dict[str, PathwaySpec] = pathway_specs(on_pre, on_post, on_event, where)
        for spec in self._pathways.values():
            _require_event(source if spec.side == "pre" else target, spec.event, f"{where}, {spec.where}")
        self._init_state(0, self._specs_from_equations(self._equations))
        self._check_pathway_names()
        self._delays_given: set[str] = set()   # delay variables given a value (delay=, S.x.delay = ...)
        self._add_internal_variables(delay)
        self._multisynaptic_index = self._add_multisynaptic_index(multisynaptic_index)
        self._connections = 0                  # connect() calls so far (variables are written after one)
        self._connectivity: dict[str, np.ndarray] | None = None  # CSR views, rebuilt when stale
        # spikes in transit of each queued pathway (by its key), carried from run to run
        self._queues: dict[str, dict[str, Any]] = {}
        for spec in self._pathways.values():
            temporaries = local_temporaries(spec.statements, self._code_names(), f"{where}, {spec.where}")
            for stmt in spec.statements:
                if stmt.target not in temporaries:
                    self._check_writable(stmt, spec.where)

    # -- construction checks ------------------------------------------------------------

    def _check_equations(self) -> None:
        where = f"Synapses '{self.name}'"
        reserved = set(SYNAPSE_NAMES) | {"lastupdate", "delay"}
        for eq in self._equations:
            if eq.name in reserved or eq.name.endswith(("_pre", "_post")) and "summed" not in eq.flags:
                raise EquationError(f"{where}, {eq.describe()}: '{eq.name}' is a reserved name in Synapses")
            if eq.kind == "differential":
                flags = eq.flags & {"clock-driven", "event-driven"}
                if len(flags) != 1:
                    raise EquationError(f"{where}, {eq.describe()}: a synaptic differential equation needs "
                                        "exactly one of the flags (clock-driven) or (event-driven)")
                if "unless refractory" in eq.flags:
                    raise EquationError(f"{where}, {eq.describe()}: (unless refractory) is for neurons")
            if "summed" in eq.flags:
                self._check_summed(eq)
            if "linked" in eq.flags and len(eq.flags) > 1:
                raise EquationError(f"{where}, {eq.describe()}: the 'linked' flag cannot be combined with other "
                                    "flags")
            if "constant over dt" in eq.flags:
                raise NotImplementedError(f"{where}, {eq.describe()}: '(constant over dt)' in Synapses is not "
                                          "supported by neurogen yet (it is in a NeuronGroup)")

    def _check_names_of_groups(self) -> None:
        """Brian2 refuses a synaptic variable named like a variable of the pre- or postsynaptic
        group (``v`` in the synapses would hide ``v_post``'s plain name): ValueError, its words."""
        mine = {eq.name for eq in self._equations if "summed" not in eq.flags} - {"lastupdate"}
        for side, group, quote in (("pre", self._source_group, ""), ("post", self._target_group, "'")):
            for name in sorted(mine & set(group._variable_dims())):
                raise ValueError(f"The {side}-synaptic variable {quote}{name}{quote} has the same name as a "
                                 f"synaptic variable, rename the synaptic variable (for example to '{name}_syn') "
                                 f"to avoid confusion (Synapses '{self.name}')")

    def _check_summed(self, eq: Any) -> None:
        where = f"Synapses '{self.name}', {eq.describe()}"
        for suffix, group in (("_post", self._target_group), ("_pre", self._source_group)):
            if eq.name.endswith(suffix):
                name = eq.name[: -len(suffix)]
                break
        else:
            raise EquationError(f"{where}: a (summed) variable must name its target, e.g. 'I_syn_post'")
        if name in group._links:
            raise NotImplementedError(f"{where}: a (summed) variable into the linked variable '{name}' is not "
                                      "supported by neurogen yet")
        if name not in group._equations or group._equations[name].kind != "parameter":
            raise EquationError(f"{where}: '{name}' must be a parameter of '{group.name}' (declared "
                                f"'{name} : unit' there) to receive a summed variable")
        target = group._equations[name]
        if target.dim != eq.dim:
            raise DimensionMismatchError(f"{where}: '{name}' of '{group.name}' has other units", target.dim, eq.dim)

    def _check_pathway_names(self) -> None:
        """A pathway is an attribute (``S.up``): its name must not be taken (Brian2's ValueError)."""
        for name in self._pathways:
            if (name in self._specs or name in self._equations or hasattr(type(self), name)
                    or name in (*SYNAPSE_NAMES, "delay", "lastupdate")):
                raise ValueError(f"Synapses '{self.name}': cannot add a pathway named '{name}', the synapses "
                                 "already have an attribute with this name")

    def _check_writable(self, stmt: Statement, pathway: str) -> None:
        where = f"Synapses '{self.name}', {pathway} line '{stmt.line}'"
        name = stmt.target
        group, base = self._group_of(name)
        if name in self._links or (group is not None and base in group._links):
            raise NotImplementedError(f"{where}: writing the linked variable '{name}' from synaptic code is not "
                                      "supported by neurogen yet (Brian2 writes to the variable it is linked to)")
        if name in self._specs and not self._specs[name].read_only and name not in ("delay", "lastupdate"):
            if self._equations.names and name in self._equations and "constant" in self._equations[name].flags:
                raise EquationError(f"{where}: '{name}' is a constant and cannot be written")
            return
        group, base = self._group_of(name)
        if group is None or base not in group._specs or group._specs[base].read_only:
            raise EquationError(f"{where}: '{name}' is not a variable that synaptic code can write "
                                "(a synaptic variable, or a variable of the pre-/postsynaptic group)")
        if base in group._equations and (group._equations[base].kind == "subexpression"
                                         or "constant" in group._equations[base].flags):
            raise EquationError(f"{where}: '{base}' of '{group.name}' cannot be written")

    def _group_of(self, name: str) -> tuple[Any, str]:
        """(group, variable) a non-synaptic name refers to: ``x_pre``, ``x_post``, or unsuffixed ``x``
        (postsynaptic, as in Brian2)."""
        if name.endswith("_pre"):
            return self._source_group, name[:-4]
        if name.endswith("_post"):
            return self._target_group, name[:-5]
        if name in self._target_group._specs:
            return self._target_group, name
        return None, name

    def _add_internal_variables(self, delay: Any) -> None:
        """``_synaptic_pre``/``_post`` (parent indices), the delays of the pathways, ``lastupdate``.

        Every presynaptic pathway has a delay (one shared value until one per synapse is set);
        a postsynaptic pathway delivers at once unless it is given a delay (then it is queued too).
        """
        specs = [VariableSpec("_synaptic_pre", DIMENSIONLESS, "int32", read_only=True),
                 VariableSpec("_synaptic_post", DIMENSIONLESS, "int32", read_only=True)]
        delays = self._delays_by_pathway(delay)
        for pathway in self._pathways.values():
            given = delays.get(pathway.name)
            if pathway.side == "pre" or given is not None:
                homogeneous = given is None or np.ndim(np.asarray(given)) == 0
                specs.append(VariableSpec(pathway.delay_variable, second.dim, "float64", shared=homogeneous))
        if self._equations.of_kind("differential") and any(
                "event-driven" in eq.flags for eq in self._equations):
            specs.append(VariableSpec("lastupdate", second.dim, "float64"))
        for spec in specs:
            self._specs[spec.name] = spec
            self._state[spec.name] = np.zeros(1 if spec.shared else 0, dtype=spec.numpy_dtype())
        for name, value in delays.items():
            variable = self._pathways[name].delay_variable
            self._delays_given.add(variable)
            self._set_delay(variable, value, slice(None))

    def _delays_by_pathway(self, delay: Any) -> dict[str, Any]:
        """``delay=``: the delay of the ``pre`` pathway, or a dict of delays by pathway name."""
        where = f"Synapses '{self.name}'"
        if delay is None:
            return {}
        if isinstance(delay, str):  # Brian2's TypeError: there are no synapses to evaluate it for yet
            raise TypeError(f"{where}: delay= has to be a quantity, got the string '{delay}'; "
                            "to set delays with an expression, assign S.delay = '...' after connect()")
        if not isinstance(delay, Mapping):
            if not any(p.side == "pre" for p in self._pathways.values()):
                raise EquationError(f"{where}: delay= given but there is no on_pre")
            if "pre" not in self._pathways:
                raise ValueError(f"{where}: cannot set the delay for pathway 'pre': unknown pathway (give "
                                 "delay={'name': ...} for the pathways of on_pre={...})")
            return {"pre": delay}
        for name, value in delay.items():
            if name not in self._pathways:
                raise ValueError(f"{where}: cannot set the delay for pathway '{name}': unknown pathway")
            if isinstance(value, str) or np.ndim(np.asarray(value)) != 0:
                raise TypeError(f"{where}: cannot set the delay for pathway '{name}': expected a scalar "
                                f"quantity, got {value!r}; assign S.{name}.delay = ... after connect() for "
                                "delays per synapse")
        return dict(delay)

    def _add_multisynaptic_index(self, name: str | None) -> str | None:
        """Brian2's ``multisynaptic_index='k'``: a read-only integer variable numbering the
        synapses of each (pre, post) pair 0, 1, ... in creation order (``S.w[i, j, k]``)."""
        if name is None:
            return None
        where = f"Synapses '{self.name}', multisynaptic_index={name!r}"
        if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
            raise TypeError(f"{where}: expected the name of a variable, e.g. 'k'")
        if name in self._specs or name in self._equations or name in SYNAPSE_NAMES:
            raise EquationError(f"{where}: '{name}' is already a name of these synapses")
        self._specs[name] = VariableSpec(name, DIMENSIONLESS, "int32", read_only=True)
        self._state[name] = np.zeros(0, dtype=np.int32)
        return name

    # -- connectivity -------------------------------------------------------------------

    def connect(self, condition: Any = None, i: Any = None, j: Any = None, p: Any = 1.0, n: Any = 1,
                skip_if_invalid: bool = False, namespace: Mapping[str, Any] | None = None,
                level: int = 0) -> None:
        """Brian2's ``connect``: index arrays, all-to-all, a condition, a probability, ``n``
        synapses per pair, or a generator (``j='k for k in range(i-3, i+4) if k != i'``)."""
        self._connections += 1  # as Brian2, counted even if it fails: its variables may be written
        if isinstance(i, str):
            raise NotImplementedError(f"Synapses '{self.name}'.connect(i='{i}'): generator syntax for i= "
                                      "(Brian2 supports it) is not supported yet; use a generator for j=")
        session().compiled().connect(self, condition=condition, i=i, j=j, p=p, n=n,
                                     skip_if_invalid=skip_if_invalid, namespace=namespace)

    def _add_synapses(self, pre: np.ndarray, post: np.ndarray) -> None:
        """Append synapses (parent indices); their variables start at 0 (delay: the shared value)."""
        count = len(pre)
        if count == 0:
            return
        total = self._N + count
        if total >= 2**31:
            raise NeurogenError(f"Synapses '{self.name}': more than 2**31 - 1 synapses")
        for name, spec in self._specs.items():
            if spec.shared:
                continue
            old = self._state[name]
            new = np.zeros(total, dtype=old.dtype)
            new[: len(old)] = old
            self._state[name] = new
        self._state["_synaptic_pre"][-count:] = pre
        self._state["_synaptic_post"][-count:] = post
        object.__setattr__(self, "_N", total)
        if self._multisynaptic_index is not None:
            self._state[self._multisynaptic_index][:] = rank_within_pairs(
                self._state["_synaptic_pre"], self._state["_synaptic_post"])
        self._connectivity = None

    def _csr(self, name: str) -> Any:
        """Synapses of each presynaptic (``_pre_*``) or postsynaptic (``_post_*``) neuron, in
        synapse order: ``_offsets`` (one per neuron, + 1), ``_in_order`` (1 if the synapses
        are stored sorted by that neuron) and ``_synapses`` (the order, unless in order: then
        empty, saving 4 bytes per synapse); made when needed."""
        if self._connectivity is None:
            self._connectivity = {}
        if name not in self._connectivity:
            side, kind = name[1:].split("_", 1)
            indices = self._state["_synaptic_pre" if side == "pre" else "_synaptic_post"]
            if kind == "offsets":
                group = self._source_group if side == "pre" else self._target_group
                value = _offsets(indices, group.N)
            elif kind == "in_order":  # then the CSR list is the identity: not stored
                value = int(bool(np.all(indices[1:] >= indices[:-1])))
            elif self._csr(f"_{side}_in_order"):
                value = np.zeros(0, dtype=np.int32)
            else:
                value = np.argsort(indices, kind="stable").astype(np.int32)
            self._connectivity[name] = value
        return self._connectivity[name]

    # -- what a run binds -----------------------------------------------------------------

    def _before_run(self, dt: float) -> None:
        """Delays are checked before the compiled code sizes its spike queue from them
        (``dt``: the network's time step, the queue's unit). A pathway that was never
        connected is refused, as in Brian2 (a forgotten ``connect()`` would do nothing)."""
        super()._before_run(dt)  # linked variables
        if self._pathways and not self._connections:
            raise TypeError(f"Synapses '{self.name}' does not do anything, since it has not created synapses "
                            "with 'connect'; set its active attribute to False if you intend to do this only "
                            "for a later run")
        for variable in self._delay_variables():
            delays = self._state[variable]
            if not delays.size:
                continue
            _check_delays(delays, self.name)
            own_dt = self.clock.dt_
            steps = np.floor(np.max(delays) / own_dt + 0.5) * round(own_dt / dt)
            if steps > MAX_DELAY_STEPS:
                raise ValueError(f"Synapses '{self.name}': a delay of {str(Quantity(np.max(delays), dim=second.dim))} "
                                 f"is {steps:.3g} time steps of dt = {str(Quantity(dt, dim=second.dim))}; delays of "
                                 f"up to 2**24 steps ({str(Quantity(MAX_DELAY_STEPS * dt, dim=second.dim))}) are "
                                 "supported")

    def _delay_variables(self) -> list[str]:
        """The delay variables that exist (a postsynaptic pathway without a delay has none)."""
        return [p.delay_variable for p in self._pathways.values() if p.delay_variable in self._specs]

    def _runtime_value(self, name: str) -> Any:
        """Values the compiled code needs besides the variables (sizes, connectivity, queue)."""
        if name.startswith("_lnk_"):
            return self._link_value(name)
        if name.startswith("_") and name.endswith(("_offsets", "_synapses", "_in_order")):  # not N_synapses
            return self._csr(name)
        values = {
            "N_pre": len(self.source), "N_post": len(self.target),
            "_source_start": self._source_start, "_target_start": self._target_start,
        }
        if name in values:
            return values[name]
        for pathway in self._pathways.values():
            prefix = f"_{pathway.key}_queue_"
            if name.startswith(prefix):
                queue = self._queue(pathway.key)
                part = name[len(prefix):]
                return len(queue["items"]) if part == "n" else queue[part]
        if name == "_n_incoming":
            return np.diff(self._csr("_post_offsets"))
        if name == "_n_outgoing":
            return np.diff(self._csr("_pre_offsets"))
        return None

    def _queue(self, key: str) -> dict[str, Any]:
        """The spikes in transit of one pathway (by its key) and the clock their steps count in."""
        return self._queues.get(key, {"items": np.zeros(0, np.int32), "steps": np.zeros(0, np.int64),
                                      "dt": 0.0, "every": 1})

    def _collect_carried(self, outputs: Mapping[str, np.ndarray]) -> None:
        """The spikes in transit the binding carries from this run into the next."""
        for pathway in self._pathways.values():
            items = outputs.get(f"_{pathway.key}_pending_items")
            if items is not None:
                self._collect_pending(pathway.key, items, outputs[f"_{pathway.key}_pending_steps"])

    def _collect_pending(self, key: str, items: np.ndarray, steps: np.ndarray) -> None:
        """Spikes still in transit after a run: the next run (or a restore) starts from them."""
        self._queues[key] = {**self._queue(key), "items": items.astype(np.int32), "steps": steps.astype(np.int64)}

    def _ran_with(self, dt: float, every: int) -> None:
        """The clock the steps of the spikes in transit count in after a run (its ``dt``, and
        network steps per step): a run with another dt converts them (see ``SpikeQueue``)."""
        for pathway in self._pathways.values():
            self._queues[pathway.key] = {**self._queue(pathway.key), "dt": dt, "every": every}

    # -- what users read ------------------------------------------------------------------

    @property
    def i(self) -> np.ndarray:
        """Presynaptic index of each synapse (within the source, or source subgroup)."""
        return synaptic_indices(self._state["_synaptic_pre"] - self._source_start, self)

    @property
    def j(self) -> np.ndarray:
        """Postsynaptic index of each synapse (within the target, or target subgroup)."""
        return synaptic_indices(self._state["_synaptic_post"] - self._target_start, self)

    @property
    def N_incoming(self) -> np.ndarray:
        """For each synapse: how many synapses of this object reach its postsynaptic neuron."""
        return np.diff(self._csr("_post_offsets"))[self._state["_synaptic_post"]].astype(np.int32)

    @property
    def N_outgoing(self) -> np.ndarray:
        """For each synapse: how many synapses of this object leave its presynaptic neuron."""
        return np.diff(self._csr("_pre_offsets"))[self._state["_synaptic_pre"]].astype(np.int32)

    @property
    def N_incoming_post(self) -> np.ndarray:
        """For each postsynaptic neuron (of the target, or target subgroup): its incoming synapses."""
        counts = np.diff(self._csr("_post_offsets")).astype(np.int32)
        return counts[self._target_start:self._target_start + self.N_post]

    @property
    def N_outgoing_pre(self) -> np.ndarray:
        """For each presynaptic neuron (of the source, or source subgroup): its outgoing synapses."""
        counts = np.diff(self._csr("_pre_offsets")).astype(np.int32)
        return counts[self._source_start:self._source_start + self.N_pre]

    @property
    def N_pre(self) -> int:
        return len(self.source)

    @property
    def N_post(self) -> int:
        return len(self.target)

    def __getitem__(self, item: Any) -> SynapticSubgroup:
        """``S[0, :]``, ``S['i > j']``: some synapses, usable as an index (Brian2's
        ``SynapticSubgroup``, e.g. ``StateMonitor(S, 'w', record=S[0, :])``)."""
        return SynapticSubgroup(self, self.indices[item])

    def __getattr__(self, name: str) -> Any:
        """Also ``S.v_pre``, ``S.v_post`` and ``S.v`` (a postsynaptic variable): the value per
        synapse, read-only (as Brian2's views of the pre- and postsynaptic groups)."""
        pathways = self.__dict__.get("_pathways")
        if pathways is not None and name in pathways:
            return PathwayView(self, pathways[name])
        if name in ("delay", "delay_") and pathways is not None and "pre" not in pathways:
            raise AttributeError(f"Synapses '{self.name}' do not have a 'pre' pathway, so 'delay' refers to "
                                 "nothing; use the delay of a pathway (S.<pathway>.delay)")
        if name in ("delay", "delay_") and "_specs" in self.__dict__ and self._delay_unset_and_shared("delay"):
            # Brian2: without delay= the delay is a synaptic variable, one value per synapse
            self._make_delays_heterogeneous("delay")
        try:
            return super().__getattr__(name)
        except AttributeError:
            if "_specs" in self.__dict__ and self._linked_name(name) is not None:
                return linked_view(self, name)
            raise

    def _expression_value(self, name: str) -> Any:
        values = {"i": lambda: self.i, "j": lambda: self.j, "N_incoming": lambda: self.N_incoming,
                  "N_outgoing": lambda: self.N_outgoing, "N_pre": lambda: self.N_pre,
                  "N_post": lambda: self.N_post}
        return values[name]() if name in values else super()._expression_value(name)

    def _linked_name(self, name: str) -> tuple[Any, str, np.ndarray] | None:
        if name.startswith("_"):
            return None
        for suffix, group, key in (("_pre", self._source_group, "_synaptic_pre"),
                                   ("_post", self._target_group, "_synaptic_post")):
            base = name[:-len(suffix)]
            if name.endswith(suffix) and base in group._variable_dims() and base != "N":
                return group, base, self._state[key]
        if name in self._target_group._variable_dims() and name not in ("i", "N") and name not in self._specs:
            return self._target_group, name, self._state["_synaptic_post"]
        return None

    def _per_element_writable(self, name: str) -> bool:
        return name in self._delay_variables()  # one delay for all synapses until one is set per synapse

    def _boolean_names(self) -> set[str]:
        names = super()._boolean_names()
        for suffixes, group in ((("_pre",), self._source_group), (("_post", ""), self._target_group)):
            names |= {n + suffix for n in group._boolean_names() for suffix in suffixes}
        return names

    def _refuse_assignment(self, name: str) -> None:
        group, base = self._group_of(name)
        if group is not None and base in group._specs and not base.startswith("_"):
            raise NotImplementedError(f"Synapses '{self.name}': assigning '{name}' (the variable '{base}' of "
                                      f"'{group.name}') through the synapses; assign {group.name}.{base} instead")
        super()._refuse_assignment(name)

    def _set_variable(self, name: str, value: Any, index: Any, subgroup: tuple[int, int] | None = None) -> None:
        if "_constructed" in self.__dict__ and not self._connections:
            # there is nothing to write to yet: a value set now would be lost (Brian2's error)
            shown = next((f"{p.name}.delay" for p in self._pathways.values() if p.delay_variable == name), name)
            raise TypeError(f"Synapses '{self.name}': cannot write to synaptic variable '{shown}', you need "
                            "to call connect(...) first")
        if name in self._delay_variables():
            self._set_delay(name, value, index)
            return
        super()._set_variable(name, value, index, subgroup)

    def _set_delay(self, name: str, value: Any, index: Any) -> None:
        spec = self._specs[name]
        if not isinstance(value, str):  # an expression's values are checked before the next run
            _check_delays(coerce_value(value, spec, self.name), self.name)
        per_synapse = isinstance(value, str) or np.ndim(np.asarray(value)) > 0 or not _is_everything(index)
        if spec.shared and per_synapse:  # becomes heterogeneous: one delay per synapse from now on
            self._make_delays_heterogeneous(name)
        super()._set_variable(name, value, index)

    def _delay_unset_and_shared(self, name: str) -> bool:
        """No ``delay=`` was given and none assigned yet: one (zero) delay kept for all synapses,
        which the compiled code handles faster; read from Python it is per synapse, as in Brian2."""
        spec = self._specs.get(name)
        return spec is not None and spec.shared and name not in self.__dict__.get("_delays_given", ())

    def _make_delays_heterogeneous(self, name: str) -> None:
        old = self._specs[name]
        self._specs[name] = VariableSpec(name, old.dim, old.dtype)
        self._state[name] = np.full(self._N, float(self._state[name][0]))

    def _delay_spec(self, pathway: PathwaySpec) -> VariableSpec:
        """The delay variable of a pathway; a postsynaptic pathway without one gets one now (zero:
        it is queued from now on, which delivers as before until a delay is set)."""
        name = pathway.delay_variable
        if name not in self._specs:
            self._specs[name] = VariableSpec(name, second.dim, "float64", shared=True)
            self._state[name] = np.zeros(1)
        return self._specs[name]

    def _pathway_delay(self, pathway: PathwaySpec, plain: bool) -> Any:
        """``S.up.delay`` (``plain``: ``S.up.delay_``); for the ``pre`` pathway the same as ``S.delay``."""
        name = self._delay_spec(pathway).name
        if self._delay_unset_and_shared(name):
            self._make_delays_heterogeneous(name)  # read per synapse, as Brian2
        return PathwayDelayView(self, self._specs[name], pathway.name, plain=plain)

    def _set_pathway_delay(self, pathway: PathwaySpec, value: Any, plain: bool = False) -> None:
        name = self._delay_spec(pathway).name
        self._assign(name + ("_" if plain else ""), value, slice(None))

    # -- what lowering and the front-end key need -----------------------------------------

    def _structure(self) -> tuple[str, ...]:
        return ("Synapses", self._equations.text, str(self.on_pre), str(self.on_post), str(self.method),
                "delay:" + ("none" if "delay" not in self._specs else
                            "shared" if self._specs["delay"].shared else "per-synapse"),
                *(f"pathway:{p.name}:{p.side}:{p.event}:" + ("none" if p.delay_variable not in self._specs else
                  "shared" if self._specs[p.delay_variable].shared else "per-synapse")
                  for p in self._pathways.values()),
                f"sub:{isinstance(self.source, Subgroup)},{isinstance(self.target, Subgroup)}", self._links_key())

    def _dependencies(self) -> tuple[Any, ...]:
        groups = [self._source_group, self._target_group]
        # the groups its own linked variables read, and those x_pre/x_post read through their links
        for group in (*self._link_groups(), *self._source_group._link_groups(), *self._target_group._link_groups()):
            if all(group is not o for o in groups):
                groups.append(group)
        return tuple(groups)

    def _variable_dims(self) -> dict[str, Any]:
        dims = {name: spec.dim for name, spec in self._specs.items() if not name.startswith("_")}
        for eq in self._equations.of_kind("subexpression"):
            if "summed" not in eq.flags:
                dims[eq.name] = eq.dim
        dims.update(self._linked_dims())
        for suffix, group in (("_pre", self._source_group), ("_post", self._target_group)):
            for name, dim in group._variable_dims().items():
                if name not in ("N",):
                    dims.setdefault(f"{name}{suffix}", dim)
        for name, dim in self._target_group._variable_dims().items():
            if name not in ("i", "N"):
                dims.setdefault(name, dim)
        dims.update({name: DIMENSIONLESS for name in SYNAPSE_NAMES})
        return dims

    def _expression_sources(self) -> list[tuple[str, ast.expr]]:
        sources = []
        owner = f"Synapses '{self.name}'"  # errors name the synapses and the line
        for eq in self._equations:
            if eq.expr is not None:
                sources.append((eq.describe(), parse_expression(eq.expr, f"{owner}, {eq.describe()}")))
        for pathway in self._pathways.values():
            temporaries = local_temporaries(pathway.statements, self._code_names(), f"{owner}, {pathway.where}")
            sources += external_trees(pathway.statements, temporaries, pathway.where)
        sources += self._neuron_subexpression_sources(sources)
        # linked variables, its own and those of the groups it reads as x_pre/x_post
        return (sources + self._link_sources() + self._source_group._link_sources("_pre")
                + self._target_group._link_sources("_post"))

    def _neuron_subexpression_sources(self, sources: list[tuple[str, ast.expr]]) -> list[tuple[str, ast.expr]]:
        """The pre-/postsynaptic subexpressions the synaptic code reads (``F_pre``, and those
        they read in turn), as it reads them: their outside names are looked up for the synapses."""
        found: list[tuple[str, ast.expr]] = []
        pending = [name for _, tree in sources for name in names_in(tree)[0]]
        seen: set[str] = set()
        own = set(self._specs) | set(self._equations.names) | set(SYNAPSE_NAMES)
        while pending:
            name = pending.pop()
            if name not in own and not name.endswith(("_pre", "_post")):
                name = f"{name}_post"  # unsuffixed: a postsynaptic name, as in Brian2
            if name in seen:
                continue
            seen.add(name)
            tree = self._neuron_subexpression(name)
            if tree is not None:
                found.append((f"'{name}'", tree))
                pending += names_in(tree)[0]
        return found

    def _neuron_subexpression(self, name: str) -> ast.expr | None:
        """The subexpression ``x`` of the pre- or postsynaptic group that ``name`` (``x_pre``,
        ``x_post``) reads, written in the synapses' names: its variables and subexpressions
        with the same suffix, ``i`` as ``i`` (presynaptic) or ``j``, ``N`` as ``N_pre``/``N_post``
        (Brian2 evaluates it with the synapse's pre-/postsynaptic index). None if it is not one."""
        if not name.endswith(("_pre", "_post")):
            return None
        group, base = self._group_of(name)
        eq = group._equations[base] if group is not None and base in group._equations else None
        if eq is None or eq.kind != "subexpression":
            return None
        suffix = name[len(base):]
        index = "i" if suffix == "_pre" else "j"
        renames = {n: (index if n == "i" else f"{n}{suffix}") for n in group._variable_dims()}
        where = f"Synapses '{self.name}', '{name}' ({group.name}, {eq.describe()})"
        return parse_expression(replace_names(eq.expr, renames, where, calls=False), where)


#: The longest delay, in steps of the network: the spike queue keeps a list for each step.
MAX_DELAY_STEPS = 2**24


def _check_delays(delays: np.ndarray, name: str) -> None:
    """Delays must be finite and not negative (Brian2 does not check: NaN or huge delays
    made the queue's size undefined, an abort in C++)."""
    bad = ~np.isfinite(delays) | (delays < 0)
    if np.any(bad):
        k = int(np.flatnonzero(bad.reshape(-1))[0])
        value = Quantity(float(delays.reshape(-1)[k]), dim=second.dim)
        which = f"the delay of synapse {k}" if delays.size > 1 else "the delay"
        raise ValueError(f"Synapses '{name}': {which} is {value}; delays must be finite and not negative")


def _offsets(indices: np.ndarray, n: int) -> np.ndarray:
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(indices, minlength=n), out=offsets[1:])
    return offsets


def _is_everything(index: Any) -> bool:
    return isinstance(index, slice) and index == slice(None)


def _require_event(group: Any, event: str, where: str) -> None:
    """The group whose events trigger a pathway must define that event (Brian2's ValueError)."""
    source = underlying(group)[0]
    if event == "spike":
        require_spike_source(source, where)
    elif event not in getattr(source, "_events", {}):
        raise ValueError(f"{where}: group '{source.name}' does not define an event '{event}'")


def _one_of(new: Any, old: Any, new_name: str, old_name: str, where: str) -> Any:
    if new is not None and old is not None:
        raise TypeError(f"{where}: give {new_name}= or its old name {old_name}=, not both")
    return new if new is not None else old
