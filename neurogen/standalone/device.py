"""Brian2's ``cpp_standalone`` device: ``run()`` records the run; ``build()`` writes a C++
project (the network.cpp the runtime compiles, a standalone ``main.cpp``, initial arrays as
data files and a plan of the runs), builds it with CMake, runs it, and reads the results back
into the monitors and groups. The formats are in ``templates/standalone/FORMAT.md``.

Assignments and ``connect()`` run before, as in the runtime (they are generated C++ too):
their results are the project's initial data, so a standalone program starts from exactly
the state a runtime run would.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from ..binding import Binding, Slot
from ..compiled.library import current_toolchain
from ..errors import NeurogenError
from ..runtime.collect import collect_results
from ..nonfinite import warn_nonfinite_state
from ..objects.group import Group
from ..preferences import prefs
from .project_files import ProjectFolder
from ..resources import static_headers, templates_dir
from .results import read_result, unit_name
from .layout import layout_header, layout_text, source_of
from .cmake_toolchain import FILE as TOOLCHAIN_FILE, project_toolchain
from .unit_table import units_header
from .run_args import NewValues, convert_run_args
from ..session import session
from ..objects.variables import coerce_value
from ..units import second

DEFAULT_DT = 1e-4  # second: Brian2's defaultclock.dt, which a reinitialised device starts from

@dataclass
class _Run:
    """One recorded ``run()``: its plan lines and what to do with its results."""

    index: int
    lines: list[str]
    members: dict[str, Any]
    shapes: dict[str, tuple[int, ...]]             # fresh buffers: key -> buffer shape
    dt: float = 0.0                                # the network's time step in this run
    span: tuple[float, float] = (0.0, 0.0)          # its start and end time, second


class StandaloneDevice:
    """Records runs and turns them into a standalone C++ project (``set_device``)."""

    def __init__(self, directory: str | Path | None = "output", build_on_run: bool = True) -> None:
        self.directory = _project_directory(directory)
        self.requested_directory = directory  # None: a new temporary folder again after reinit()
        self.build_on_run = build_on_run
        self.has_been_run = False
        self.reinitialized = False  # made by device.reinit(): activate() starts a fresh defaultclock
        self._runs: list[_Run] = []
        self._files: dict[str, str] | None = None      # generated sources, the same for every run
        self._layout: str | None = None                # the network's inputs and their rules (layout.hpp)
        self._binding = Binding((), (), ())              # the network's binding contract (the same for every run)
        self._persistent: dict[str, tuple[np.ndarray, bytes, str]] = {}  # key -> (array, initial bytes, unit)
        self._seen: dict[str, bytes] = {}              # key -> its bytes when last recorded
        self._params: dict[str, Any] = {}              # --set name -> dimension
        self._aliases: dict[str, str] = {}             # "G.v" -> key
        # struct member -> its object's records before the first run (by member, not id(): a device
        # pickled into another process, as multiprocessing sends it, holds copies of the objects)
        self._marks: dict[str, Any] = {}
        self._assignments: list[tuple[str, np.ndarray, np.ndarray]] = []  # for the next run
        self._events: list[tuple[str, Any]] = []       # ("run", _Run), ("store" | "restore", name)
        self._assigned_at_store: dict[str, list[Any]] = {}
        self._extra_data: dict[str, bytes] = {}        # data files of assignments

    # -- recording --------------------------------------------------------------------------

    def record_run(self, objects: list[Any], externals: Mapping[int, Any], members: dict[str, Any],
                   values: Any, *, step0: int, n_steps: int, dt: float, seed: int, make_ir: Any) -> None:
        """Add a run to the plan (called by ``run()`` instead of running the compiled network)."""
        if self.has_been_run:
            raise NeurogenError("the standalone project was already built and run; for several runs use "
                                "set_device('cpp_standalone', build_on_run=False) and call device.build() "
                                "after the last run(), or device.reinit() and device.activate() to start "
                                "a new project (as in Brian2)")
        from ..compiler.passes import run_passes
        from ..compiler.render import render_network

        network = run_passes(make_ir())
        files = render_network(network)
        binding = network.binding()
        if self._files is None:
            self._files = files
            self._layout = layout_text(network, members)
            self._binding = binding
        elif files != self._files or layout_text(network, members) != self._layout:
            raise NotImplementedError("standalone: every run() of a project must simulate the same objects "
                                      "and equations (the network changed between runs)")
        run = _Run(len(self._runs), [f"run {len(self._runs)} {step0} {n_steps} {dt!r} {step0 * dt!r} {seed}"],
                   members, {}, dt, (step0 * dt, (step0 + n_steps) * dt))
        for member, obj in members.items():
            self._marks.setdefault(member, _copy_records(obj))
        for slot in binding.inputs:  # in bind order, as layout.hpp lists them
            obj = members[slot.member]
            run.lines.append(self._line(run, obj, slot, values(slot.member, slot.name, slot.kind), externals[id(obj)]))
        for number, (key, indices, values) in enumerate(self._assignments):
            file = f"assign/{key}@{run.index}.{number}.bin"
            self._extra_data[file] = indices.astype("<i8").tobytes() + np.ascontiguousarray(values).tobytes()
            run.lines.append(f"assign {key} {file} {len(indices)}")
        self._assignments = []
        run.lines.append("end")
        self._runs.append(run)
        self._events.append(("run", run))

    def record_event(self, kind: str, name: str) -> None:
        """``store(name)`` / ``restore(name)``: the program keeps or restores its whole state."""
        if not name or any(c.isspace() for c in name):
            raise ValueError(f"{kind}(): a standalone snapshot name needs characters and no spaces, got {name!r}")
        # Values assigned before a store are part of its state: they go to the program with the
        # next run, and again after each restore of it (they are absolute values).
        if kind == "store":
            self._assigned_at_store[name] = list(self._assignments)
        else:  # values assigned since the store are undone; those pending at the store are not
            self._assignments = list(self._assigned_at_store.get(name, []))
        self._events.append((kind, name))

    def _line(self, run: _Run, obj: Any, slot: Slot, value: Any, externals: Mapping[str, Any]) -> str:
        key, name, ctype, kind = slot.key, slot.name, slot.ctype, slot.kind
        if kind == "scalar":
            external = externals.get(name)
            param = name if external is not None and external.scalar and not name.startswith("_") else "-"
            if param == "-":
                return f"scalar {key} {float(value)!r} -"
            self._params[param] = external.dim
            return f"scalar {key} {float(value)!r} {param} {unit_name(external.dim)}"
        source, dynamic = source_of(obj, slot, self._binding)
        if kind == "integer":
            return f"integer {key} carried {dynamic}" if source == "carried" else f"integer {key} {int(value)}"
        array = np.ascontiguousarray(value)
        unit = unit_name(obj._input_dim(name))
        if source == "fresh":
            run.shapes[key] = array.shape
            return f"array {ctype} {key} - fresh {array.size} {unit}"
        if source == "carried":
            if run.index == 0 and array.size:
                raise NotImplementedError("standalone: spikes in transit from runtime runs before "
                                          "set_device('cpp_standalone')")
            return f"array {ctype} {key} - carried {dynamic} {unit}"
        if key not in self._persistent:
            self._persistent[key] = (value, array.tobytes(), unit)
            self._seen[key] = array.tobytes()
            alias = f"{obj.name}.{name}"
            if not name.startswith("_") and isinstance(obj, Group) and name in obj._specs:
                self._aliases[alias] = key
        elif array.tobytes() != self._seen[key]:
            raise NotImplementedError(f"standalone: '{obj.name}.{name}' changed between run() calls other "
                                      "than by assigning numbers to a variable (e.g. by connect() or "
                                      "set_spikes()); that is not supported in standalone mode yet")
        alias = next((a for a, k in self._aliases.items() if k == key), "-")
        return f"array {ctype} {key} {alias} persistent {key}.bin {array.size} {unit}"

    @property
    def recording(self) -> bool:
        """Runs are recorded but not simulated yet: Python's copies of the state are stale."""
        return bool(self._runs) and not self.has_been_run

    def record_assignment(self, group: Any, name: str, index: Any, value: Any) -> None:
        """``G.v[...] = values`` between runs: applied by the program before the next run."""
        where = f"standalone: {group.name}.{name} = ... between run() calls"
        if isinstance(value, str):
            raise NotImplementedError(f"{where}: a string expression depends on the simulated state, "
                                      "which exists only in the C++ program (assign numbers)")
        array = group._state[name]
        key = next((k for k, (a, _, _) in self._persistent.items() if a is array), None)
        if key is None:
            raise NotImplementedError(f"{where}: '{name}' is not an array of the recorded network")
        changed = array.copy()
        changed[index] = coerce_value(value, group._specs[name], group.name)
        indices = np.arange(array.size, dtype=np.int64).reshape(array.shape)[index].reshape(-1)
        self._assignments.append((key, indices, changed.reshape(-1)[indices]))
        array[...] = changed
        self._seen[key] = array.tobytes()  # not a change the next run() must refuse

    def _monitors(self) -> dict[str, Any]:
        return {member: obj for recorded in self._runs for member, obj in recorded.members.items()}

    def _last_run(self) -> _Run:
        return next(item for kind, item in reversed(self._events) if kind == "run")

    # -- the project ----------------------------------------------------------------------

    def build(self, directory: str | Path | None = None, compile: bool = True, run: bool = True,
              run_args: Mapping[Any, Any] | None = None, clean: bool = False, debug: bool = False,
              with_output: bool = True) -> None:
        """Write the project (only files whose content changed), build it and run it
        (Brian2's signature; ``clean`` starts the build folder afresh)."""
        if debug:
            raise NotImplementedError("device.build(debug=True): debug builds of standalone projects")
        if directory is not None:
            self.directory = _project_directory(directory)
        if not self._runs:
            raise NeurogenError("device.build(): no run() was recorded")
        # Everything that can be refused is refused before anything is written.
        if run:
            self._new_values(run_args)
            if not compile and not (self.directory / "build" / "main").is_file():
                raise NeurogenError(f"device.build(compile=False, run=True): the project in {self.directory} "
                                    "was never compiled (build/main does not exist)")
        if compile:
            _cmake()
            _check_cmake_path(self.directory)
        self._write_project([name for name, used in (("build", compile), ("results", run)) if used])
        if clean and compile:  # build/ is neurogen's (the check above): all of it goes
            shutil.rmtree(self.directory / "build", ignore_errors=True)
        if compile:
            self._compile()
        if run:
            self.run(run_args=run_args)

    def _write_project(self, directories: list[str]) -> None:
        """Every file of the project, written only where neurogen may (``project_files``),
        and the folders CMake and the program will fill, claimed in the same check."""
        assert self._files is not None
        sources = {**self._files, **static_headers(),
                   "main.cpp": (templates_dir() / "standalone" / "main.cpp").read_text(),
                   "CMakeLists.txt": (templates_dir() / "standalone" / "CMakeLists.txt").read_text(),
                   "layout.hpp": layout_header(self._layout or ""),
                   "units.hpp": units_header(),
                   TOOLCHAIN_FILE: project_toolchain(),
                   "README.md": _readme(self)}
        files = {name: text.encode() for name, text in sources.items()}
        for key, (_, initial, _) in self._persistent.items():
            files[f"data/{key}.bin"] = initial
        for file, data in self._extra_data.items():
            files[f"data/{file}"] = data
        plan = ["neurogen-plan 1"]
        plan += [f"dynamic {s.index} {s.ctype} {s.key} {'second' if s.name == 't' else '1'}"  # spike times; others: counts
                 for s in self._binding.outputs]
        for kind, item in self._events:
            plan += item.lines if kind == "run" else [f"{kind} {item}"]
        files["data/plan.txt"] = ("\n".join(plan) + "\n").encode()
        ProjectFolder(self.directory).write(files, directories)

    def _compile(self) -> None:
        build = ProjectFolder(self.directory).claim_directory("build")
        cmake = _cmake()
        current_toolchain().require_compiler()  # the compiler neurogen-toolchain.cmake names
        settings = (self.directory / TOOLCHAIN_FILE).read_text()
        used = build / "neurogen-toolchain.used"  # the settings the build folder was configured with
        if (build / "CMakeCache.txt").exists() and (not used.is_file() or used.read_text() != settings):
            # CMake keeps the compiler of a build folder's first configure: start afresh (build/ is ours)
            (build / "CMakeCache.txt").unlink()
            shutil.rmtree(build / "CMakeFiles", ignore_errors=True)
        if not (build / "CMakeCache.txt").exists():  # the compiler and flags: neurogen-toolchain.cmake
            _call([cmake, "-S", str(self.directory), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release"], "configure")
            used.write_text(settings)
        _call([cmake, "--build", str(build), "-j", "2"], "build")

    def run(self, run_args: Mapping[Any, Any] | None = None, results_directory: str | Path | None = None) -> None:
        """Run the built program (again), with new values for parameters and initial arrays."""
        new_values = self._new_values(run_args)  # checked before anything is written or run
        program = self.directory / "build" / "main"
        if not program.is_file():
            raise NeurogenError(f"device.run(): the project in {self.directory} is not built yet ({program} does "
                                "not exist); call device.build() first (it compiles and runs the program; "
                                "device.build(run=False) only compiles it)")
        results = (Path(results_directory) if results_directory
                   else ProjectFolder(self.directory).claim_directory("results"))
        threads = max(1, int(prefs.devices.cpp_standalone.openmp_threads))
        command = [str(program), "--project", str(self.directory), "--results", str(results),
                   "--threads", str(threads), *self._set_arguments(new_values)]
        _call(command, "run")
        self._apply(results)
        self.has_been_run = True

    def _new_values(self, run_args: Any) -> NewValues:
        arrays = {alias: (key, np.asarray(self._persistent[key][0])) for alias, key in self._aliases.items()}
        return convert_run_args(run_args, self._params, arrays)

    def _set_arguments(self, new_values: NewValues) -> list[str]:
        """The program's ``--set`` arguments; new initial arrays become files in data/run_args/,
        named by their content: several processes running one built project at once with
        different values (Brian2's ``standalone_multiple_processes``) never write one file."""
        names = {alias: f"data/run_args/{key}.{hashlib.sha256(data).hexdigest()[:16]}.bin"
                 for alias, (key, data) in new_values.arrays.items()}
        files = {names[alias]: data for alias, (_, data) in new_values.arrays.items()}
        if files:
            ProjectFolder(self.directory).write(files)
        arguments = []
        for alias in new_values.arrays:
            arguments += ["--set", f"{alias}=@{self.directory / names[alias]}"]
        for name, number in new_values.constants.items():
            arguments += ["--set", f"{name}={number!r}"]
        return arguments

    def _apply(self, results: Path) -> None:
        """Results → monitors (run by run, as the runtime collects them) and final states."""
        monitors = self._monitors()
        for member, records in self._marks.items():  # what they held before these runs
            _put_records(monitors[member], records)
        stored: dict[str, dict[str, Any]] = {}
        for kind, recorded in self._events:
            if kind == "store":  # what the monitors held then comes back at a restore
                stored[recorded] = {member: _copy_records(obj) for member, obj in monitors.items()}
                continue
            if kind == "restore":
                for member, records in stored[recorded].items():
                    _put_records(monitors[member], records)
                continue
            folder = results / f"run{recorded.index}"
            members = recorded.members
            outputs = {(s.member, s.name): read_result(folder / f"{s.key}.bin")[0]
                       for s in self._binding.outputs if s.member in members}
            for key, shape in recorded.shapes.items():  # the run's fresh record buffers
                member, name = key.split(".", 1)
                outputs[(member, name)] = read_result(folder / f"{key}.bin")[0].reshape(shape)
            collect_results(self._binding, members, outputs, dt={m: recorded.dt for m in members},
                            rows={m: recorded.shapes.get(f"{m}._t", (0,))[0] for m in members},
                            carried=recorded is self._last_run())
        for key, (array, _, _) in self._persistent.items():
            final = results / "final" / f"{key}.bin"
            if final.exists() and isinstance(array, np.ndarray):
                array[...] = read_result(final)[0].reshape(array.shape)
        runs = [item for kind, item in self._events if kind == "run"]
        if runs:  # as after a runtime run: variables that became NaN or infinite are reported
            warn_nonfinite_state(list(runs[-1].members.values()), runs[0].span[0], runs[-1].span[1])


# -- helpers ------------------------------------------------------------------------------

_RECORDS = ("_i", "_t", "_rate")


def _copy_records(obj: Any) -> dict[str, Any]:
    """A monitor's recorded chunks (lists of arrays, never changed in place) and counts."""
    saved: dict[str, Any] = {k: list(v) for k, v in vars(obj).items() if k in _RECORDS and isinstance(v, list)}
    if isinstance(vars(obj).get("_values"), dict):
        saved["_values"] = {k: list(v) for k, v in obj._values.items()}
    return saved


def _put_records(obj: Any, saved: dict[str, Any]) -> None:
    for name, value in saved.items():
        setattr(obj, name, {k: list(v) for k, v in value.items()} if name == "_values" else list(value))


def _project_directory(directory: str | Path | None) -> Path:
    """The project folder: ``None`` makes a new temporary one (as Brian2); an empty name is an
    error (it would silently mean the current folder)."""
    if directory is None:
        return Path(tempfile.mkdtemp(prefix="neurogen_standalone_")).resolve()
    if not isinstance(directory, (str, os.PathLike)):
        raise TypeError(f"standalone: the project directory must be a path, got {directory!r}")
    if not str(directory).strip():
        raise ValueError("standalone: the project directory name is empty; give a folder name "
                         "(directory='.' for the current folder, None for a new temporary one)")
    return Path(directory).resolve()


def _cmake() -> str:
    cmake = shutil.which("cmake")
    if cmake is None:
        raise NeurogenError("standalone: cmake is not installed (needed to build the project)")
    return cmake


_CMAKE_BREAKS = ';"\\$:|'
"""Characters that CMake or the Makefiles it writes cannot take in a project's path (tried with
CMake 3.25: a list separator, quoting, variable and generator expressions, make's rule syntax)."""


def _check_cmake_path(directory: Path) -> None:
    """Refuse a project path CMake cannot build in, before anything is written."""
    bad = sorted({c for c in str(directory) if c in _CMAKE_BREAKS or ord(c) < 32 or ord(c) == 127})
    if bad:
        shown = " ".join(repr(c) for c in bad)
        raise ValueError(f"standalone: CMake cannot build a project in {str(directory)!r}: its path contains {shown}; "
                         f"choose a folder whose path has none of {' '.join(_CMAKE_BREAKS)} and no control "
                         "characters (or build(compile=False) to only write the project)")


def _call(command: list[str], what: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, errors="replace")
    if result.returncode != 0:
        raise NeurogenError(f"standalone {what} failed (exit {result.returncode}): {' '.join(command)}\n"
                            f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}")


def _readme(device: StandaloneDevice) -> str:
    params = ", ".join(f"`{p}`" for p in sorted(device._params)) or "none"
    arrays = ", ".join(f"`{a}`" for a in sorted(device._aliases)) or "none"
    return f"""# neurogen standalone project

Generated by neurogen; builds and runs without Python:

    cmake -S . -B build && cmake --build build
    build/main --project . --results results [--set NAME=VALUE]... [--set NAME@K=VALUE]...

Parameters (`--set NAME=VALUE`, a number in SI units or with a unit suffix such as `12ms`):
{params}. Initial arrays (`--set NAME=VALUE` fills it, `--set NAME=@file` loads raw values): {arrays}.

Results: `results/run<k>/<object>.<array>.bin` for what run k recorded (spike monitors' `i`
and `t`, state monitors' `_rec_<variable>` and `_t`) and `results/final/` for the state after
the last run. Each file is a short text header (`dtype`, `shape`, `unit`, `end`) followed by
the raw values; `neurogen.load_results(folder)` reads a whole folder. Formats:
FORMAT.md in neurogen's templates/standalone.

`neurogen-project.json` lists the files neurogen wrote here (with their sha256): neurogen
never overwrites a file it did not write or one edited since, so to change a file for good,
work on a copy of the project (delete an edited file to get neurogen's version back).
"""


# -- Brian2's device API ---------------------------------------------------------------------

class RuntimeDevice:
    """Brian2's runtime device: ``run()`` simulates at once (neurogen's compiled runtime).

    ``get_device()`` returns it when no standalone device is set. As Brian2's, its ``build()``
    and ``reinit()`` do nothing, so a script written for both devices runs in either.
    """

    build_on_run = True

    def __init__(self) -> None:
        self.build_options: dict[str, Any] = {}

    def activate(self, build_on_run: bool = True, **options: Any) -> None:
        """Brian2's ``device.activate()``: the runtime stays the device (options are kept, unused)."""
        self.build_on_run = build_on_run
        self.build_options = dict(options)

    def reinit(self) -> None:
        """Nothing to forget: the runtime records nothing."""

    def build(self, **options: Any) -> None:
        """Nothing to build: the runtime has run already (Brian2's runtime does nothing either)."""

    def __repr__(self) -> str:
        return "RuntimeDevice()"


def get_device() -> Any:
    """The current device (Brian2's ``get_device()``): the standalone device after
    ``set_device('cpp_standalone')``, else the runtime device."""
    current = session().device
    if current is not None:
        return current
    if session().runtime_device is None:
        session().runtime_device = RuntimeDevice()
    return session().runtime_device


def set_device(name: str, directory: str | Path | None = "output", build_on_run: bool = True,
               **options: Any) -> None:
    """``set_device('cpp_standalone', directory=..., build_on_run=...)`` or ``set_device('runtime')``."""
    current = session().device
    if current is not None and current.recording:
        raise NeurogenError(f"set_device({name!r}): {len(current._runs)} run(s) were recorded for the standalone "
                            "project but not built; call device.build() first (or device.reinit() to drop them)")
    if name == "runtime":
        session().previous_device = current
        session().device = None
        return
    if name != "cpp_standalone":
        raise NotImplementedError(f"set_device: the device {name!r} (neurogen has 'runtime' and 'cpp_standalone')")
    unknown = set(options) - {"with_output"}
    if unknown:
        raise NotImplementedError(f"set_device('cpp_standalone'): the options {sorted(unknown)}")
    session().previous_device = current
    session().device = StandaloneDevice(directory, build_on_run)


def reset_device(device: Any = None) -> None:
    """Brian2's ``reset_device()``: back to the device used before the last ``set_device``
    (the runtime if there was none), or to ``device`` (a name or a device)."""
    if isinstance(device, str):
        set_device(device)
        return
    state = session()
    target = device if device is not None else state.previous_device
    if isinstance(target, RuntimeDevice):
        target = None
    if target is not None and not isinstance(target, StandaloneDevice):
        raise TypeError(f"reset_device: expected a device or its name, got {target!r}")
    state.previous_device, state.device = state.device, target


def export_project(network: Any, directory: str | Path, duration: Any) -> StandaloneDevice:
    """Write (and build) a standalone project for ``network.run(duration)``, without changing the
    global device; returns the device, whose ``run(run_args=...)`` runs the program."""
    previous = session().device
    device = StandaloneDevice(directory, build_on_run=False)
    session().device = device
    try:
        network.run(duration, level=1)
    finally:
        session().device = previous
    device.build(run=False)
    return device


def reinit_device() -> None:
    """Brian2's ``device.reinit()``: forget the recorded runs, keeping the directory as it was
    asked for (``directory=None``: another new temporary folder) and ``build_on_run``."""
    current = session().device
    if current is not None:
        fresh = StandaloneDevice(current.requested_directory, current.build_on_run)
        fresh.reinitialized = True
        session().device = fresh


def reinit_devices() -> None:
    """Brian2's ``reinit_devices()`` (``brian2.devices.device``): reinitialise the device (the
    recorded runs are dropped) and the default clock (``dt`` 0.1 ms again), as Brian2 does."""
    reinit_device()
    current = session().device
    if current is not None:
        current.reinitialized = False
    session().defaultclock.dt = DEFAULT_DT * second


class _DeviceProxy:
    """``device`` as Brian2 scripts use it (``device.build()``): the current device, runtime or
    standalone (Brian2's ``CurrentDeviceProxy``)."""

    def reinit(self) -> None:
        reinit_device()

    def activate(self, build_on_run: bool = True, **options: Any) -> None:
        """Brian2's ``device.activate()`` after ``reinit()``: the current device again, with
        these options (in runtime mode the runtime stays; nothing to activate)."""
        current = session().device
        if current is None:
            get_device().activate(build_on_run, **options)
            return
        # As Brian2: the options given here replace the earlier ones (no directory: "output"),
        # and a device made by reinit() starts with a new default clock (dt 0.1 ms).
        set_device("cpp_standalone", directory=options.pop("directory", "output"),
                   build_on_run=build_on_run, **options)
        if current.reinitialized:
            session().defaultclock.dt = DEFAULT_DT * second

    def __getattr__(self, name: str) -> Any:
        return getattr(get_device(), name)

    def __repr__(self) -> str:
        return f"<device: the current device, {get_device()!r}>"


device = _DeviceProxy()
