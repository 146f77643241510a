"""Standalone projects: the same model gives bit-identical results to the runtime; parameters
and initial values change without compiling; the folder builds and runs without Python."""
from __future__ import annotations

import os
import shutil
import subprocess

import numpy as np
import pytest

from neurogen import *
from runtime_device import back_to_runtime
from neurogen.standalone.results import read_result

pytestmark = pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake")

tau = 10 * ms


def _model():
    """Neurons, synapses with delays, PoissonInput, monitors; random numbers from the seed."""
    start_scope()
    defaultclock.dt = 0.1 * ms
    seed(42)
    G = NeuronGroup(200, "dv/dt = -v/tau : 1 (unless refractory)", threshold="v > 1", reset="v = 0",
                    refractory=2 * ms, method="exact", name="neurons")
    G.v = "rand()"
    S = Synapses(G, G, "w : 1", on_pre="v += w", delay=1.5 * ms)
    S.connect(p=0.05)
    S.w = "0.2*rand()"
    S.delay = "1*ms + rand()*2*ms"
    P = PoissonInput(G, "v", N=400, rate=10 * Hz, weight=0.03)
    M = SpikeMonitor(G)
    V = StateMonitor(G, "v", record=[0, 7])
    return G, S, P, M, V


def _outcome(G, M, V):
    return np.asarray(M.i).copy(), np.asarray(M.t_).copy(), np.asarray(V.v).copy(), G.v[:].copy()


def _same_as_runtime(script, tmp_path):
    """``script()`` (returning G, M, V) under the runtime and as a standalone project (built after
    its last run): identical spikes, traces and final state."""
    set_device("runtime")
    reference = _outcome(*script())
    set_device("cpp_standalone", directory=tmp_path / "project", build_on_run=False)
    try:
        G, M, V = script()
        device.build()
        _same(_outcome(G, M, V), reference)
    finally:
        back_to_runtime()
    return M


def _same(a, b):
    for x, y in zip(a, b):
        assert x.shape == y.shape and np.array_equal(x, y)


@pytest.fixture
def runtime_reference():
    set_device("runtime")
    G, S, P, M, V = _model()
    run(30 * ms)
    first = _outcome(G, M, V)
    return first


def test_standalone_is_bit_identical_to_the_runtime(tmp_path, runtime_reference):
    set_device("cpp_standalone", directory=tmp_path / "project")
    try:
        G, S, P, M, V = _model()
        run(30 * ms)  # builds and runs the project (build_on_run=True)
        assert M.num_spikes > 20
        _same(_outcome(G, M, V), runtime_reference)
    finally:
        back_to_runtime()


def test_several_runs_with_a_constant_changed_between_them(tmp_path):
    global tau
    set_device("runtime")
    G, S, P, M, V = _model()
    run(10 * ms)
    tau = 5 * ms
    run(10 * ms)
    reference = _outcome(G, M, V)
    tau = 10 * ms
    set_device("cpp_standalone", directory=tmp_path / "project", build_on_run=False)
    try:
        G, S, P, M, V = _model()
        run(10 * ms)
        tau = 5 * ms
        run(10 * ms)
        device.build()
        _same(_outcome(G, M, V), reference)
    finally:
        tau = 10 * ms
        back_to_runtime()


def test_run_args_change_values_without_compiling(tmp_path):
    project = tmp_path / "project"
    set_device("cpp_standalone", directory=project)
    try:
        G, S, P, M, V = _model()
        run(20 * ms)
        spikes = M.num_spikes
        objects = {p: p.stat().st_mtime_ns for p in (project / "build").rglob("*.o")}
        binary = (project / "build" / "main").stat().st_mtime_ns
        device.run(run_args={"tau": 1 * ms})  # leakier: fewer spikes
        fewer = M.num_spikes
        device.run(run_args={G.v: np.zeros(200)})  # all start at rest: other spikes
        assert fewer < spikes
        assert objects and {p: p.stat().st_mtime_ns for p in (project / "build").rglob("*.o")} == objects
        assert (project / "build" / "main").stat().st_mtime_ns == binary
        with pytest.raises(KeyError, match="not a parameter"):
            device.run(run_args={"tau_unknown": 1 * ms})
        with pytest.raises(DimensionMismatchError):
            device.run(run_args={"tau": 1 * mV})
        with pytest.raises(NotImplementedError, match="not in the build"):
            device.run(run_args={G.v: "rand()"})
    finally:
        back_to_runtime()


def test_exported_folder_builds_and_runs_without_python(tmp_path):
    G, S, P, M, V = _model()
    net = Network(G, S, P, M, V)
    project = tmp_path / "exported"
    export_project(net, project, 20 * ms)
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path)}  # no Python, no neurogen
    build = project / "build"  # as the README says: PROJECT/build/main finds PROJECT/data
    shutil.rmtree(build)  # export_project built it; build again from scratch without Python
    for command in (["cmake", "-S", str(project), "-B", str(build)], ["cmake", "--build", str(build)]):
        subprocess.run(command, check=True, env=env, capture_output=True)
    done = subprocess.run([str(build / "main"), "--results", str(tmp_path / "r"), "--set", "tau=12ms"],
                          env=env, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    results = load_results(tmp_path / "r")
    assert len(results["run0"]["spikemonitor3.i"]) == len(results["run0"]["spikemonitor3.t"]) > 0
    t, unit = read_result(tmp_path / "r" / "run0" / "spikemonitor3.t.bin")
    assert unit == "second" and np.all(np.diff(t) >= 0)
    bad = subprocess.run([str(build / "main"), "--project", str(project), "--set", "tau=12mV_nonsense"],
                         env=env, capture_output=True, text=True)
    assert bad.returncode == 2 and "tau" in bad.stderr
    unknown = subprocess.run([str(build / "main"), "--project", str(project), "--set", "nope=1"],
                             env=env, capture_output=True, text=True)
    assert unknown.returncode == 2 and "nope" in unknown.stderr
    wrong_unit = subprocess.run([str(build / "main"), "--project", str(project), "--set", "tau=3mV"],
                                env=env, capture_output=True, text=True)
    assert wrong_unit.returncode == 2 and "tau" in wrong_unit.stderr


def test_values_assigned_between_runs_as_in_the_runtime(tmp_path):
    def script():
        G, S, P, M, V = _model()
        run(5 * ms)
        G.v[:50] = 0.9
        S.w[10:20] = 0.5
        G.v["i >= 150"] = 0.8  # Brian2's indexing by condition and by neuron pair
        S.w[3, :] = 0.25
        S.w["j == i + 1"] = 0.1
        run(5 * ms)
        return G, M, V

    _same_as_runtime(script, tmp_path)


def test_reading_or_computing_from_state_before_the_build_is_refused(tmp_path):
    """As in Brian2: Python has no values until the program ran."""
    set_device("cpp_standalone", directory=tmp_path / "project", build_on_run=False)
    try:
        G, S, P, M, V = _model()
        run(1 * ms)
        with pytest.raises(NotImplementedError, match="before device.build"):
            G.v[:]
        with pytest.raises(NotImplementedError, match="before device.build"):
            M.num_spikes
        with pytest.raises(NotImplementedError, match="string expression"):
            G.v = "v + 0.1"
    finally:
        back_to_runtime()


def test_results_do_not_depend_on_the_thread_count(tmp_path, runtime_reference):
    """Random numbers are addressed per element, so splitting the state update and the
    PoissonInput over threads changes nothing (Brian2's standalone does not promise this)."""
    set_device("cpp_standalone", directory=tmp_path / "project", build_on_run=False)
    try:
        G, S, P, M, V = _model()
        G2 = NeuronGroup(5000, "dv/dt = (2 - v)/tau + 0.1*rand()/ms : 1", threshold="v > 1", reset="v = 0",
                         method="euler")  # large enough for the threaded loops
        P2 = PoissonInput(G2, "v", N=50, rate=100 * Hz, weight=0.01)
        M2 = SpikeMonitor(G2)
        run(30 * ms)
        device.build()
        _same(_outcome(G, M, V), runtime_reference)
        one = (np.asarray(M2.i).copy(), G2.v[:].copy())
        prefs.devices.cpp_standalone.openmp_threads = 2
        device.run()
        _same(_outcome(G, M, V), runtime_reference)
        _same((np.asarray(M2.i), G2.v[:]), one)
    finally:
        prefs.devices.cpp_standalone.openmp_threads = 0
        back_to_runtime()


def _normals_and_counts():
    """randn() in an assignment and a state update, white noise (in blocks of 64 elements), and
    PoissonInput counts at N*p >= 10: through a table (p the same for all) and by BTRS (a rate
    per neuron); 5000 neurons, enough for the threaded loops."""
    start_scope()
    defaultclock.dt = 0.1 * ms
    seed(7)
    G = NeuronGroup(5000, """dv/dt = -v/tau + 0.2*xi/sqrt(ms) + 0.01*randn()/ms : 1
                             r : Hz""", method="euler", name="noisy")
    G.v = "randn()"
    G.r = "(200 + 200*rand())*Hz"
    PoissonInput(G, "v", N=1000, rate=400 * Hz, weight=0.001)
    PoissonInput(G, "v", N=1000, rate="r", weight=0.001)
    V = StateMonitor(G, "v", record=[0, 4999])
    return G, V


def test_normals_and_binomial_counts_are_the_same_in_standalone_and_for_any_thread_count(tmp_path):
    set_device("runtime")
    G, V = _normals_and_counts()
    run(3 * ms)
    reference = (np.asarray(V.v).copy(), G.v[:].copy())
    set_device("cpp_standalone", directory=tmp_path / "project", build_on_run=False)
    try:
        G, V = _normals_and_counts()
        run(3 * ms)
        device.build()
        _same((np.asarray(V.v), G.v[:]), reference)
        prefs.devices.cpp_standalone.openmp_threads = 2
        device.run()
        _same((np.asarray(V.v), G.v[:]), reference)
    finally:
        prefs.devices.cpp_standalone.openmp_threads = 0
        back_to_runtime()


def test_store_and_restore_inside_the_program_as_in_the_runtime(tmp_path):
    """Brian2's standalone mode refuses store()/restore(); neurogen's program keeps the whole
    state (variables, spikes in transit, monitors' counts) and restores it."""
    def script():
        G, S, P, M, V = _model()
        store("start")
        run(5 * ms)
        G.v[:5] = 0.5  # assigned before the store: part of its state
        store("after5")
        run(5 * ms)
        restore("start")
        run(3 * ms)
        restore("after5")
        run(5 * ms)
        return G, M, V

    M = _same_as_runtime(script, tmp_path)
    assert float(M.t[-1] / ms) < 10  # the discarded runs' spikes are gone


def test_a_long_run_can_stop_and_resume_from_a_checkpoint(tmp_path):
    project = tmp_path / "project"
    set_device("cpp_standalone", directory=project, build_on_run=False)
    try:
        G, S, P, M, V = _model()
        run(5 * ms)
        run(5 * ms)
        device.build(run=False)
    finally:
        back_to_runtime()
    main = [str(project / "build" / "main"), "--project", str(project)]
    whole = subprocess.run(main + ["--results", str(tmp_path / "whole")], capture_output=True, text=True)
    assert whole.returncode == 0, whole.stderr
    checkpoint = str(tmp_path / "state.ckpt")
    first = subprocess.run(main + ["--results", str(tmp_path / "split"), "--checkpoint", checkpoint,
                                   "--stop-after", "1"], capture_output=True, text=True)
    assert first.returncode == 0 and not (tmp_path / "split" / "run1").exists()
    rest = subprocess.run(main + ["--results", str(tmp_path / "split"), "--resume", checkpoint],
                          capture_output=True, text=True)
    assert rest.returncode == 0, rest.stderr
    whole_results, split_results = load_results(tmp_path / "whole"), load_results(tmp_path / "split")
    for folder in ("run1", "final"):
        for key, values in whole_results[folder].items():
            assert np.array_equal(np.asarray(split_results[folder][key]), np.asarray(values)), key
    other = subprocess.run(main + ["--resume", checkpoint, "--set", "tau=11ms"], capture_output=True, text=True)
    assert other.returncode == 2 and "checkpoint" in other.stderr


def test_an_unchanged_model_is_not_rebuilt_and_brian2s_device_calls_work(tmp_path):
    project = tmp_path / "project"
    stamps = None
    for _ in range(2):  # the same script twice: the second build compiles nothing
        set_device("cpp_standalone", directory=project, build_on_run=False)
        try:
            G, S, P, M, V = _model()
            run(5 * ms)
            device.build(directory=project, compile=True, run=True)
            spikes = M.num_spikes
            device.reinit()
            device.activate(build_on_run=False, directory=project)
        finally:
            back_to_runtime()
        current = {p: p.stat().st_mtime_ns for p in (project / "build").rglob("*.o")}
        assert stamps is None or current == stamps
        stamps = current
    assert spikes > 0


def test_restore_undoes_values_assigned_after_the_store_and_subgroup_writes(tmp_path):
    def script():
        G, S, P, M, V = _model()
        run(2 * ms)
        store("a")
        G.v[0] = 0.99  # undone by the restore
        restore("a")
        G[3:7].v[1] = 0.5  # element 4
        run(2 * ms)
        return G, M, V

    _same_as_runtime(script, tmp_path)


def test_misuse_of_the_device_is_refused_with_the_reason(tmp_path):
    set_device("cpp_standalone", directory=tmp_path / "project", build_on_run=False)
    try:
        G, S, P, M, V = _model()
        run(1 * ms)
        with pytest.raises(NeurogenError, match="not built"):
            set_device("runtime")  # the recorded run would be lost
        device.build()
        with pytest.raises(NeurogenError, match="already built and run"):
            run(1 * ms)
        with pytest.raises(ValueError, match="neurons.v needs one value or 200"):
            device.run(run_args={G.v: [1.0, 2.0]})
    finally:
        back_to_runtime()


def test_result_files_of_state_and_rate_monitors_carry_the_recorded_units(tmp_path):
    """Bug: a StateMonitor's record buffer ``_rec_v`` was written with unit '1' (its variable
    was looked up as '_v'), so load_results gave plain numbers where the values are volts."""
    set_device("cpp_standalone", directory=str(tmp_path / "p"), build_on_run=False)
    try:
        G = NeuronGroup(2, "dv/dt = -v/(10*ms) : volt\nI = v/(5*ohm) : amp", threshold="v > 2*mV",
                        method="exact")
        G.v = 1 * mV
        M = StateMonitor(G, ["v", "I"], record=True)
        R = PopulationRateMonitor(G)
        run(1 * ms)
        device.build(directory=str(tmp_path / "p"))
        results = load_results(tmp_path / "p" / "results")["run0"]
        member, rate = next(k.split(".")[0] for k in results if k.endswith("._rec_v")), "ratemonitor2"
        assert results[f"{member}._rec_v"].dim == volt.dim
        assert results[f"{member}._rec_I"].dim == amp.dim
        assert results[f"{member}._t"].dim == second.dim and results[f"{rate}._rate"].dim == Hz.dim
        np.testing.assert_allclose(np.asarray(M.v[0]), np.asarray(results[f"{member}._rec_v"]).reshape(-1, 2)[:, 0])
        assert len(R.t) == 10
    finally:
        back_to_runtime()
