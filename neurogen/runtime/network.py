"""``Network`` and ``run()``: collect objects, resolve names, and simulate in one C++ call.

A run resolves external names, computes the front-end key (text only), loads or builds the
compiled network, binds the objects' numpy arrays and values, and calls the step loop once.
"""
from __future__ import annotations

import copy
import logging
import math
import os
import sys
import weakref
from dataclasses import replace
from typing import Any, Callable, Iterable, Mapping

import numpy as np

from ..errors import NeurogenError
from ..inspection.warn import warn_model_findings
from ..objects.schedule import member_name, schedule_order
from .reachable import collect_objects
from .report import Reporter, report_function
from .storefile import read_snapshot, write_snapshot
from .summaries import ProfilingSummary, SchedulingSummary, code_object_name, schedule_entries
from .inputs import Values, first_record, value_provider
from ..frontend.namespace import External, resolve_externals
from .collect import collect_results
from ..nonfinite import warn_nan_constants, warn_nonfinite_state
from ..objects.base import SimObject
from ..objects.clock import whole_steps
from .simulation import Simulation, load_simulation
from ..session import session
from ..units import Quantity, second
from ..objects.subgroup import Subgroup
from ..objects.validation import check_namespace, check_quantity
from ..objects.group import Group
from ..objects.synapses import Synapses
from ..objects.operation import NetworkOperation
from ..objects.eventclock import EventClock
from ..objects.runner import CodeRunner
from ..objects.statemonitor import StateMonitor
from .operations import frontend_parts as operation_parts, operation_key, pauses, simulate as simulate_with_operations

log = logging.getLogger(__name__)


class Network:
    """A set of objects simulated together (Brian2's ``Network``).

    >>> net = Network(G, M)       # doctest: +SKIP
    >>> net.run(100*ms)           # doctest: +SKIP
    """

    def __init__(self, *objects: Any, name: str = "network") -> None:
        self.name = name
        self.objects: list[SimObject] = []
        self._t = 0.0           # seconds: the end time of the last run, as Brian2 keeps it
        self._dt: float | None = None
        self._simulation: Simulation | None = None
        self._stored: dict[str, Any] = {}
        self._profiling_info: list[tuple[str, Quantity]] | None = None
        self._profile_names: tuple[str, list[str]] | None = None  # (front-end key, call names)
        self.add(*objects)

    def add(self, *objects: Any) -> None:
        for obj in _flatten(objects):
            if not isinstance(obj, SimObject):
                raise TypeError(f"Network.add: {obj!r} is not a neurogen object")
            for one in (obj, *obj._contained_objects()):  # a group's runners come with it (Brian2)
                if one not in self.objects:
                    self.objects.append(one)

    def remove(self, *objects: Any) -> None:
        for obj in _flatten(objects):
            if obj not in self.objects:  # Brian2's KeyError
                raise KeyError(f"Network.remove: {obj!r} is not part of the network '{self.name}'")
            self.objects.remove(obj)
            for contained in obj._contained_objects():  # its runners leave with it (Brian2)
                if contained in self.objects:
                    self.objects.remove(contained)

    def stop(self) -> None:
        """Brian2's ``Network.stop()``: from a network operation, end the run after this step."""
        session().stop_requested = True

    def __contains__(self, obj: Any) -> bool:
        return obj in self.objects

    def __getitem__(self, name: str) -> SimObject:
        """``net['G']``: the object of that name (Brian2's)."""
        for obj in self.objects:
            if obj.name == name:
                return obj
        raise KeyError(f"No object with name {name!r} found in the network '{self.name}'")

    def __delitem__(self, name: str) -> None:
        """``del net['G']``: remove the object of that name (Brian2's)."""
        self.objects.remove(self[name])

    @property
    def t_(self) -> float:
        return self._t

    @property
    def t(self) -> Quantity:
        return Quantity(self.t_, dim=second.dim)

    def run(self, duration: Quantity, report: str | Callable[..., Any] | None = None,
            report_period: Quantity = 10 * second, namespace: Mapping[str, Any] | None = None,
            profile: bool | None = None, level: int = 0) -> None:
        """Simulate for ``duration``: one compiled call for all steps of all objects.
        ``profile=True`` times each code object (``profiling_info``, ``profiling_summary``)."""
        frame = _caller_frame(level, "Network.run")
        frame_namespace = {**frame.f_globals, **frame.f_locals}
        del frame
        _run(self, duration, report, report_period, namespace, frame_namespace, profile)

    def store(self, name: str = "default", filename: str | os.PathLike[str] | None = None) -> None:
        """Keep a copy of every object's state and records, the time and the random state
        (Brian2's ``store``); with ``filename``, in that file (see ``runtime.storefile``:
        data only, never a pickle; an existing file is replaced only if it is a neurogen store
        file). With the standalone device the program keeps the state; Python keeps the times."""
        _check_snapshot_name(name, "store")
        device = session().device
        if device is not None:
            if filename is not None:
                raise NotImplementedError("store(filename=...) with the standalone device (the program "
                                          "keeps its snapshots in memory)")
            device.record_event("store", name)
            snapshots = {id(o): {"_time": o._time} for o in self.objects}
            self._stored[name] = (self._t, self._dt, session().random_epoch, None, snapshots, {})
            return
        header = (self._t, self._dt, session().random_epoch, np.random.get_state())
        if filename is None:
            clocks = {id(o.clock): (o.clock, o.clock._dt) for o in self.objects}  # dt comes back too
            self._stored[name] = (*header, {id(o): _snapshot(o) for o in self.objects}, clocks)
            return
        _check_unique_names(self.objects)
        write_snapshot(filename, name, {"t": header[0], "dt": header[1], "random_epoch": header[2],
                                        "numpy_random": header[3],
                                        "clock_dt": {o.name: o.clock._dt for o in self.objects}},
                       {o.name: (_model_of(o), _file_state(o)) for o in self.objects})

    def restore(self, name: str = "default", filename: str | os.PathLike[str] | None = None,
                restore_random_state: bool = False) -> None:
        """Return to a stored state (Brian2's ``restore``). As in Brian2, later random numbers
        are new ones unless ``restore_random_state=True`` (then a re-run repeats the stored run
        exactly, and numpy's global generator is back where it was too)."""
        _check_snapshot_name(name, "restore")
        if filename is not None:
            self._restore_file(name, filename, restore_random_state)
            return
        if name not in self._stored:
            raise KeyError(f"Network.restore: nothing stored under the name {name!r}")
        device = session().device
        t, dt, epoch, numpy_state, snapshots, clocks = self._stored[name]
        if (device is not None) != (numpy_state is None):
            raise NotImplementedError(f"Network.restore({name!r}): stored with one device, restored with another")
        if device is not None:
            device.record_event("restore", name)
        self._t, self._dt = t, dt
        _restore_random(epoch, numpy_state, restore_random_state)
        for clock, clock_dt in clocks.values():  # Brian2 restores each clock's dt
            clock._dt = clock_dt
        for obj in self.objects:
            if id(obj) in snapshots:
                _restore_snapshot(obj, snapshots[id(obj)])
                obj.clock._t = obj._clock_time

    def _restore_file(self, name: str, filename: str | os.PathLike[str], restore_random_state: bool) -> None:
        if session().device is not None:
            raise NotImplementedError("restore(filename=...) with the standalone device")
        header, stored = read_snapshot(filename, name)
        _check_unique_names(self.objects)
        by_name = {o.name: o for o in self.objects}
        missing = sorted(set(by_name) - set(stored))
        if missing:  # Brian2's KeyError, both ways
            raise KeyError(f"restore({name!r}, filename={str(filename)!r}): the file has no state for "
                           f"{missing}; objects are matched by name (the names they had when stored)")
        unused = sorted(set(stored) - set(by_name))
        if unused:
            raise KeyError(f"restore({name!r}, filename={str(filename)!r}): the file holds the state of "
                           f"{unused}, which are not part of this network (objects are matched by name)")
        for obj_name, (model, _) in stored.items():
            if model != _model_of(by_name[obj_name]):
                raise ValueError(f"restore({name!r}, filename={str(filename)!r}): '{obj_name}' was stored "
                                 "with another model (equations, variables or kind); restore needs the "
                                 "objects as they were when stored")
        for obj_name, (_, state) in stored.items():
            _check_sizes(by_name[obj_name], state, name, filename)
        self._t, self._dt = float(header["t"]), header["dt"]
        _restore_random(int(header["random_epoch"]), header["numpy_random"], restore_random_state)
        for obj_name, clock_dt in header.get("clock_dt", {}).items():  # Brian2 restores each clock's dt
            by_name[obj_name].clock._dt = float(clock_dt)
        for obj_name, (_, state) in stored.items():
            obj = by_name[obj_name]
            _restore_snapshot(obj, state)
            obj.clock._t = obj._clock_time

    def scheduling_summary(self) -> SchedulingSummary:
        """Brian2's table of what runs when: each code object (kernel), the object it is part of,
        its clock, slot, order and whether it is active, in the order the step loop runs them.
        Names are resolved as a run would (from the caller's frame)."""
        frame = sys._getframe(1)
        frame_namespace = {**frame.f_globals, **frame.f_locals}
        del frame
        return _scheduling_summary(self.objects, frame_namespace)

    @property
    def profiling_info(self) -> list[tuple[str, Quantity]]:
        """Brian2's ``(code object name, time)`` of the last run with ``profile=True``,
        longest first (a ``ValueError`` if it was run without profiling, as Brian2)."""
        if self._profiling_info is None:
            raise ValueError("No profiling info collected (did you run with 'profile=True?')")
        return sorted(self._profiling_info, key=lambda item: float(item[1] / second), reverse=True)


def _flatten(objects: Iterable[Any]) -> Iterable[Any]:
    for obj in objects:
        if isinstance(obj, (list, tuple, set)):
            yield from _flatten(obj)
        else:
            yield obj


#: What an object is made of rather than its state: a group's runners, a runner's code, an
#: operation's function. A snapshot leaves them alone (restoring them would swap in copies).
_STRUCTURE = frozenset({"_contained", "_statements", "code", "function", "_takes_time"})


def _snapshot(obj: Any) -> dict[str, Any]:
    """An object's own state; references to other objects (a synapse's groups) stay as they are."""
    keep = {k: v for k, v in obj.__dict__.items()
            if k not in ("_clock", "namespace") and k not in _STRUCTURE and not isinstance(v, (SimObject, Subgroup))}
    return copy.deepcopy(keep)


#: What makes an object this process's object, not its state: never taken from a file.
_IDENTITY = frozenset({"name", "_scope_id", "_creation_index", "_constructed"})


def _file_state(obj: Any) -> dict[str, Any]:
    return {k: v for k, v in _snapshot(obj).items() if k not in _IDENTITY}


def _model_of(obj: Any) -> str:
    """What a stored state must match to be restored into ``obj``: its kind and model."""
    return "\n".join((type(obj).__name__, *obj._structure(), obj._specs_key()))


def _check_sizes(obj: Any, state: Mapping[str, Any], name: str, filename: Any) -> None:
    """A stored group must have the size of the group it is restored into (a Synapses may
    have made or lost synapses since, as with a snapshot in memory)."""
    if isinstance(obj, Synapses):
        return
    current = _snapshot(obj).get("_state", {})
    for variable, array in dict(state.get("_state", {})).items():
        if variable in current and np.shape(array) != np.shape(current[variable]):
            raise ValueError(f"restore({name!r}, filename={str(filename)!r}): '{obj.name}.{variable}' was stored "
                             f"with shape {np.shape(array)}, but has shape {np.shape(current[variable])} now")


def _check_snapshot_name(name: Any, what: str) -> None:
    if not isinstance(name, str):
        raise TypeError(f"{what}(name=...): expected a string, got {type(name).__name__} {name!r}")


def _restore_random(epoch: int, numpy_state: Any, restore_random_state: bool) -> None:
    state = session()
    state.random_epoch = epoch if restore_random_state else state.random_epoch + 1
    if restore_random_state and numpy_state is not None:
        np.random.set_state(tuple(numpy_state))


def _restore_snapshot(obj: Any, snapshot: dict[str, Any]) -> None:
    for key, value in copy.deepcopy(snapshot).items():
        if key == "_state":
            for name, array in value.items():
                if obj._state[name].shape == array.shape:
                    obj._state[name][...] = array  # in place: the arrays stay shared with C++
                else:  # synapses made since the snapshot
                    obj._state[name] = array
        else:
            obj.__dict__[key] = value


# -- running -----------------------------------------------------------------------------

_REPORT_INTERVAL = 0.1  # seconds of wall time between checks for Ctrl-C
MAX_STEPS = 2**62  # steps are int64 in the compiled code (with room for step + delay)


def _run(net: Network, duration: Quantity, report: Any, report_period: Any,
         namespace: Mapping[str, Any] | None, frame_namespace: Mapping[str, Any],
         profile: bool | None = None) -> None:
    seconds = check_quantity(duration, second, "run(duration)")
    profile = _check_profile(profile)
    report_period = check_quantity(report_period, second, "run(report_period)")
    if report is not None:
        report_function(report)  # a bad report argument fails before anything runs
    namespace = check_namespace(namespace, "run()")
    if not seconds >= 0 or math.isinf(seconds):
        raise ValueError(f"run(): the duration must be a finite time, not negative, got {duration}")
    _check_unique_names(net.objects)
    objects = [o for o in net.objects if o.active]
    operations = [o for o in objects if isinstance(o, NetworkOperation)]  # Python, not compiled
    for obj in objects:
        obj._join_network(objects)
    _check_dependencies(objects)
    dt = min((o.clock.dt_ for o in objects if not isinstance(o.clock, EventClock)),  # event clocks: no step
             default=session().defaultclock.dt_)
    for obj in objects:
        obj._before_run(dt)
    start = _start_time(net, objects)
    if net._dt is not None and dt != net._dt:
        _check_new_dt(start, dt)
    net._dt = dt
    step0 = whole_steps(start, dt)
    n_steps = whole_steps(start + seconds, dt) - step0
    if step0 + n_steps > MAX_STEPS:
        raise ValueError(f"run({seconds:g} s) from t = {start:g} s would end at step {step0 + n_steps:.3g} of "
                         f"dt = {dt:g} s; a simulation can count up to 2**62 steps ({MAX_STEPS * dt:.3g} s "
                         "at this dt)")
    net._profiling_info = [] if profile else None  # as Brian2: a run without profiling erases it
    if not objects or n_steps == 0:
        net._t = start + seconds
        _reached(objects, net.t_, None)  # they reached the new time too (the next run starts there)
        return
    objects.sort(key=lambda o: o._creation_index)
    every = {id(o): _every(o, dt) for o in objects}
    if operations and session().device is not None:
        raise NotImplementedError(f"NetworkOperation '{operations[0].name}': network operations (Python code "
                                  "called during a run) cannot run in a standalone project (Brian2 2.9 "
                                  "skips them without a word); use run_regularly for code on model variables")
    everything, objects = objects, [o for o in objects if not isinstance(o, NetworkOperation)]
    externals = {id(o): resolve_externals(o, namespace, frame_namespace, warn_shadowed=False) for o in objects}
    warn_nan_constants(objects, externals)
    warn_model_findings(objects, externals, namespace, frame_namespace)  # once per model structure
    for obj in objects:  # this run's record buffers (monitors; nothing for other objects)
        obj._allocate(_records(step0, n_steps, every[id(obj)]))
    if session().device is not None:
        if profile:
            raise NotImplementedError("run(profile=True) with the standalone device (profiling times the "
                                      "runtime's step loop)")
        _record_standalone(net, objects, externals, every, step0, n_steps, dt, start + seconds)
        return
    parts = (_frontend_parts(objects, externals, every) + operation_parts(objects, operations)
             + (["profile"] if profile else []))
    if objects:  # only network operations: nothing to compile
        net._simulation = load_simulation(parts, lambda: _lower(objects, externals, profile, operations),
                                          net._simulation)
    members = {member_name(o, k): o for k, o in enumerate(objects)}
    callback, interval = _callback(report, report_period, seconds, start, n_steps)
    timers = _profile_timers(net, objects, externals) if profile and objects else None
    seed = session().run_seed()
    if operations:
        def at_pause(step: int) -> None:  # operations see the time (and records) of this step
            net._t = step * dt
            _reached(everything, net.t_, every)

        try:
            end, error = simulate_with_operations(
                net._simulation, members, operations, every,
                lambda first_steps: _values(members, externals, every, first_steps), step0=step0,
                n_steps=n_steps, dt=dt, seed=seed, interval=interval, callback=callback,
                profile=None if timers is None else timers[1], at_pause=at_pause)
        except BaseException:
            _reached(everything, net.t_, every)  # an operation raised: the time of its pause
            raise
        done = end - step0
    else:
        done, error = net._simulation.run(_values(members, externals, every, step0), dt=dt, t_start=step0 * dt,
                                          seed=seed, step0=step0, n_steps=n_steps, interval=interval,
                                          callback=callback, profile=None if timers is None else timers[1])
        collect_results(net._simulation.manifest.binding, members, net._simulation.dynamic(),
                        dt={m: o.clock.dt_ / every[id(o)] for m, o in members.items()},  # steps: the network's
                        rows={m: _records(step0, done, every[id(o)]) for m, o in members.items()})
    if timers is not None:
        net._profiling_info = _profiling_info(*timers)
    net._t = start + seconds if done == n_steps else (step0 + done) * dt  # interrupted or stopped: a step
    _reached(everything, net.t_, every)
    if isinstance(callback, Reporter) and error is None:
        callback.finish()
    if error is not None:
        raise error
    warn_nonfinite_state(objects, start, net.t_)


def _record_standalone(net: Network, objects: list[Any], externals: Mapping[int, Mapping[str, External]],
                       every: Mapping[int, int], step0: int, n_steps: int, dt: float, end: float) -> None:
    """Standalone device: the run goes into the project's plan (built now if build_on_run)."""
    device = session().device
    members = {member_name(o, k): o for k, o in enumerate(objects)}
    device.record_run(objects, externals, members, _values(members, externals, every, step0),
                      step0=step0, n_steps=n_steps, dt=dt, seed=session().run_seed(),
                      make_ir=lambda: _lower(objects, externals))
    net._t = end
    _reached(objects, net.t_, every)
    if device.build_on_run:
        device.build()


def _reached(objects: list[Any], time: float, every: Mapping[int, int] | None) -> None:
    """After a run (or recording one): each object's time (the network's, which the next run
    continues from), its clock's (whole steps, as Brian2's ``G.t``), and the clock its spikes
    in transit count in (``every``; None: no step ran)."""
    for obj in objects:
        obj._time = time
        obj.clock._t = obj._clock_time
        if every is not None:
            obj._ran_with(obj.clock.dt_, every[id(obj)])


def _check_new_dt(time: float, dt: float) -> None:
    """Brian2 refuses a new dt that does not divide the current time into whole steps."""
    steps = time / dt
    if abs(steps - round(steps)) > 1e-4:
        raise ValueError(f"the time {time:g} s is not a whole number of steps of the new dt "
                         f"{dt:g} s (as in Brian2, change dt only at such a time)")


def _start_time(net: Network, objects: list[SimObject]) -> float:
    """Where this run starts: the network's time, or (first run) the time its objects reached.

    Objects carry the time of their last run; one that another network moved elsewhere
    cannot join (Brian2 refuses too), since its state would not match this network's time.
    """
    times = {o.name: o._time for o in objects if o._time is not None}
    if net._dt is None and times:
        start = next(iter(times.values()))
    else:
        start = net.t_
    for name, reached in times.items():
        if abs(reached - start) > 1e-9:
            raise NeurogenError(
                f"'{name}' was simulated up to t={reached:g} s by another network, but this run starts at "
                f"t={start:g} s; run all objects in one Network (or restore() them) instead"
            )
    return start


def _check_unique_names(objects: list[SimObject]) -> None:
    """Brian2 refuses two objects of one name in a network: results, standalone files and
    error messages are found by name, so one would silently stand for the other."""
    by_name: dict[str, list[SimObject]] = {}
    for obj in objects:
        by_name.setdefault(obj.name, []).append(obj)
    clashes = {name: found for name, found in by_name.items() if len(found) > 1}
    if clashes:
        shown = "; ".join(f"'{name}' names " + " and ".join(_describe(o) for o in found)
                          for name, found in clashes.items())
        raise ValueError(f"All objects in a network need to have unique names (as in Brian2): {shown}; "
                         "give each a name of its own (name=...)")


def _describe(obj: SimObject) -> str:
    size = f" of {obj.N} {obj._element_noun}s" if isinstance(
        obj, Group) else ""
    return f"a {type(obj).__name__}{size}"


def _check_dependencies(objects: list[SimObject]) -> None:
    for obj in objects:
        for dep in obj._dependencies():
            if dep not in objects:
                raise NeurogenError(
                    f"{type(obj).__name__} '{obj.name}' uses {type(dep).__name__} '{dep.name}', "
                    "which is not part of the network (add it, or keep a name referring to it)"
                )


def _every(obj: SimObject, dt: float) -> int:
    if isinstance(obj.clock, EventClock):  # looked at in every step; its kernels test their event steps
        if not isinstance(obj, (CodeRunner, StateMonitor)):
            raise NotImplementedError(f"{type(obj).__name__} '{obj.name}' on an EventClock is not supported yet "
                                      "(run_at code and StateMonitors are); use dt=")
        return 1
    ratio = obj.clock.dt_ / dt
    every = int(round(ratio))
    if abs(ratio - every) > 1e-9 * ratio:
        raise NotImplementedError(
            f"{obj.name}: its dt ({obj.clock.dt}) is not an integer multiple of the network's "
            "smallest dt; clocks of unrelated time steps are not supported yet"
        )
    return every


def _frontend_parts(objects: list[Any], externals: Mapping[int, Mapping[str, External]],
                    every: Mapping[int, int]) -> list[str]:
    """Everything that decides the generated code, as text (no sympy needed)."""
    index = {id(o): k for k, o in enumerate(objects)}
    rank = {id(o): k for k, o in enumerate(schedule_order(objects))}  # names only order a slot
    parts = []
    for obj in objects:
        parts += list(obj._structure())
        parts.append(f"when={obj.when};order={obj.order};rank={rank[id(obj)]}")
        # Brian2 orders code objects by their names (object name + '_' + kind): where one
        # object's name starts another's, the rest of that name decides too.
        parts.append(repr(sorted(o.name[len(obj.name):] for o in objects
                                 if o is not obj and o.name.startswith(obj.name))))
        parts.append(",".join(str(index.get(id(d), -1)) for d in obj._dependencies()))
        parts.append(";".join(e.key() for e in externals[id(obj)].values()))
        parts.append(obj._specs_key())
    return parts


def _check_profile(profile: Any) -> bool:
    if profile is None or isinstance(profile, (bool, np.bool_)):
        return bool(profile)
    raise TypeError(f"run(profile=...): expected True or False, got {profile!r}")


def _profile_timers(net: Network, objects: list[Any],
                    externals: Mapping[int, Mapping[str, External]]) -> tuple[list[str], np.ndarray]:
    """The code object name of each call of the step loop, and a zeroed array the compiled
    loop (a profiling build) adds each call's seconds to. The names come from lowering the
    network again (once per loaded model: profiling is not the warm path); their number must
    be what the library was compiled with, so the loop never writes outside the array."""
    simulation = net._simulation
    assert simulation is not None  # the profiling build, loaded
    key = simulation.frontend_key
    if net._profile_names is None or net._profile_names[0] != key:
        network_ir = _lower(objects, externals)
        owners = {o.member: obj for obj, o in zip(objects, network_ir.objects)}
        kernels = {k.name: k for o in network_ir.objects for k in o.kernels}
        names = [code_object_name(owners[m], k, m, kernels[k].template, kernels[k].sort_name)[0] for m, k in network_ir.schedule]
        net._profile_names = (key, names)
    names = net._profile_names[1]
    if len(names) != simulation.profile_slots:
        raise NeurogenError(f"internal error: the compiled network times {simulation.profile_slots} calls, "
                            f"its schedule has {len(names)}")
    return names, np.zeros(len(names))


def _profiling_info(names: list[str], seconds: np.ndarray) -> list[tuple[str, Quantity]]:
    """(code object name, time) per code object, in schedule order (calls of one name add up)."""
    totals: dict[str, float] = {}
    for name, spent in zip(names, seconds.tolist()):
        totals[name] = totals.get(name, 0.0) + spent
    return [(name, Quantity(spent, dim=second.dim)) for name, spent in totals.items()]


def _lower(objects: list[Any], externals: Mapping[int, Mapping[str, External]], profile: bool = False,
           operations: list[Any] | None = None) -> Any:
    """The network's IR; with ``profile``, for a build whose step loop times each call
    (a build of its own, so runs without profiling pay nothing for it); with network
    ``operations``, a build whose step loop can pause where they are due."""
    from ..compiler.lower.network import lower_network

    network_ir = lower_network(objects, externals, pauses(operations or ()))
    return replace(network_ir, profile=True) if profile else network_ir


def _records(step0: int, n_steps: int, every: int) -> int:
    return max(0, -(-(step0 + n_steps - first_record(step0, every)) // every))


def _values(members: Mapping[str, Any], externals: Mapping[int, Mapping[str, External]],
            every: Mapping[int, int], step0: int) -> Values:
    """The inputs of a run (runtime or standalone), from the one value provider."""
    return value_provider(members, {m: externals[id(o)] for m, o in members.items()},
                          every={m: every[id(o)] for m, o in members.items()}, step0=step0)


# -- progress reports ---------------------------------------------------------------------

def _callback(report: Any, report_period: float, duration: float, t_start: float,
              n_steps: int) -> tuple[Any, float]:
    """The callback the step loop calls: it always lets Ctrl-C through, and reports if asked."""
    if report is None:
        return None, _REPORT_INTERVAL
    return Reporter(report, report_period, duration, t_start, n_steps), min(_REPORT_INTERVAL, report_period)


# -- run() without a Network ----------------------------------------------------------------

def current_magic_network() -> "MagicNetwork":
    """The session's magic network (Brian2's ``magic_network``), made on first use."""
    state = session()
    if state.magic_network is None:
        state.magic_network = MagicNetwork()
    return state.magic_network


def _magic_network_for(objects: list[SimObject]) -> "MagicNetwork":
    """The magic network holding ``objects``; it starts afresh if none of them ran in it last."""
    net = current_magic_network()
    if not any(o in net.previous for o in objects):
        net._t, net._dt, net._simulation = 0.0, None, None
    net.objects = list(objects)
    return net


class MagicNetwork(Network):
    """The network ``run()`` builds from the objects reachable in the caller's frame.

    It holds its objects only during a run (weakly in between), so objects a script drops
    are freed. Time continues while any object of the previous run takes part again; a run
    of only new objects (e.g. after ``start_scope()``) starts at t = 0.
    """

    def __init__(self) -> None:
        super().__init__(name="magicnetwork")
        self.previous: "weakref.WeakSet[SimObject]" = weakref.WeakSet()


def _caller_frame(level: Any, what: str) -> Any:
    """The frame ``level`` levels above the caller of ``what`` (whose names a run looks up)."""
    if isinstance(level, bool) or not isinstance(level, (int, np.integer)):
        raise TypeError(f"{what}(level=...): expected a whole number of frames, got {level!r}")
    if level < 0:
        raise ValueError(f"{what}(level={level}): level must not be negative")
    frame = sys._getframe(2)  # the caller of run() / Network.run()
    for up in range(int(level)):
        frame = frame.f_back
        if frame is None:
            raise ValueError(f"{what}(level={level}): the caller has only {up} enclosing frames")
    return frame


def collect(level: int = 0) -> set[SimObject]:
    """Brian2's ``collect()``: the objects visible from the caller (those ``run()`` would
    simulate), for ``Network(collect())``. As ``run()``, it also finds objects inside lists,
    tuples, dicts and sets, and only those created since the last ``start_scope()``."""
    frame = _caller_frame(level, "collect")
    try:
        return set(collect_objects(frame, warn=False))
    finally:
        del frame


def _scheduling_summary(objects: list[SimObject], frame_namespace: Mapping[str, Any]) -> SchedulingSummary:
    objects = sorted(objects, key=lambda o: o._creation_index)
    operations = [o for o in objects if isinstance(o, NetworkOperation)]
    objects = [o for o in objects if not isinstance(o, NetworkOperation)]
    externals = {id(o): resolve_externals(o, None, frame_namespace) for o in objects}
    network_ir = _lower(objects, externals, operations=operations)
    return SchedulingSummary(schedule_entries(objects, network_ir, sorted(operations, key=operation_key)))


def scheduling_summary(net: Network | None = None) -> SchedulingSummary:
    """Brian2's ``scheduling_summary()``: the table of ``net``, or of the objects a ``run()``
    here would simulate (it does not touch the magic network: the next run is unchanged)."""
    frame = sys._getframe(1)
    frame_namespace = {**frame.f_globals, **frame.f_locals}
    objects = net.objects if net is not None else collect_objects(frame, warn=False)
    del frame
    return _scheduling_summary(objects, frame_namespace)


def profiling_summary(net: Network | None = None, show: int | None = None) -> ProfilingSummary:
    """Brian2's ``profiling_summary()``: the time per code object of ``net``'s last run with
    ``profile=True`` (the magic network's if no ``net``), longest first; ``show``: the first rows."""
    if net is None:
        net = session().magic_network
        if net is None:
            raise ValueError("No profiling info collected (did you run with 'profile=True?')")
    return ProfilingSummary(net.profiling_info, show)


def store(name: str = "default", filename: str | os.PathLike[str] | None = None) -> None:
    """Brian2's ``store()``: snapshot the objects of the magic network (those visible here),
    in memory or in ``filename`` (``Network.store``)."""
    _on_magic_network("store", name, filename=filename)


def restore(name: str = "default", filename: str | os.PathLike[str] | None = None,
            restore_random_state: bool = False) -> None:
    """Brian2's ``restore()``: bring the magic network's objects back to a stored snapshot."""
    _on_magic_network("restore", name, filename=filename, restore_random_state=restore_random_state)


def _on_magic_network(method: str, name: str, **options: Any) -> None:
    objects = collect_objects(sys._getframe(2))
    net = _magic_network_for(objects)
    try:
        getattr(net, method)(name, **options)
        if method == "restore":
            net.previous = weakref.WeakSet(objects)  # time continues from the snapshot
    finally:
        net.objects = []


def run(duration: Quantity, report: Any = None, report_period: Quantity = 10 * second,
        namespace: Mapping[str, Any] | None = None, profile: bool | None = None, level: int = 0) -> None:
    """Collect the objects visible from the caller (also inside containers) and run them."""
    frame = _caller_frame(level, "run")
    objects = collect_objects(frame)
    frame_namespace = {**frame.f_globals, **frame.f_locals}  # type: ignore[union-attr]
    del frame
    net = _magic_network_for(objects)
    try:
        _run(net, duration, report, report_period, namespace, frame_namespace, profile)
    finally:
        net.previous = weakref.WeakSet(objects)
        net.objects = []
