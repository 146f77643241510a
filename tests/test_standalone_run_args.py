"""``device.run(run_args=...)`` refuses what an assignment in Python would refuse, naming the
key and what it expects, before anything is written or run; ``device.run()`` needs a build;
``load_results`` takes a project folder too. One small project serves the whole module."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from neurogen import *
from runtime_device import back_to_runtime
from neurogen.errors import NeurogenError

pytestmark = pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake")

tau = 10 * ms


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A built and run project with a float, an integer and a boolean variable."""
    import neurogen
    from neurogen.session import session

    neurogen.start_scope()
    directory = tmp_path_factory.mktemp("run_args") / "project"
    set_device("cpp_standalone", directory=directory)
    try:
        G = NeuronGroup(5, """dv/dt = (2 - v)/tau : 1
                              x : integer
                              flag : boolean""", threshold="v > 1", reset="v = 0; x += 1", name="cells")
        G.x = 7
        M = SpikeMonitor(G)
        run(5 * ms)
        built = session().device
    finally:
        back_to_runtime()
    return directory, built, G, M


def _files(directory):
    return sorted((str(p.relative_to(directory)), p.stat().st_mtime_ns) for p in directory.rglob("*") if p.is_file())


REFUSED = {
    # name: (run_args from G, exception, what the message says)
    "integer out of range": (lambda G: {G.x: np.full(5, 2**40)}, OverflowError,
                             r"run_args: cells\.x: 1099511627776 is out of range for an integer variable \(int32"),
    "integer NaN": (lambda G: {G.x: np.full(5, np.nan)}, ValueError, r"run_args: cells\.x: cannot store NaN"),
    "integer scalar out of range": (lambda G: {G.x: -2**31 - 1}, OverflowError, r"cells\.x: -2147483649 is out of range"),
    "array for a constant": (lambda G: {"tau": np.ones(5) * ms}, ValueError,
                             r"run_args: the constant 'tau' takes one value, got 5"),
    "not a dict": (lambda G: [1, 2], TypeError, r"run_args must be a dict \{name: value\}.*got list"),
    "a group as key": (lambda G: {G: 1}, TypeError,
                       r"run_args: the key <NeuronGroup 'cells'> is neither the name of a constant"),
    "wrong size": (lambda G: {G.v: np.ones(3)}, ValueError, r"run_args: cells\.v needs one value or 5 values, got 3"),
    "wrong shape": (lambda G: {G.v: np.ones((5, 1))}, ValueError,
                    r"cells\.v needs one value or 5 values, got an array of shape \(5, 1\)"),
    "wrong unit": (lambda G: {G.v: np.ones(5) * mV}, DimensionMismatchError, r"run_args: cells\.v: .* in 1"),
    "constant in the wrong unit": (lambda G: {"tau": 5 * mV}, DimensionMismatchError, r"'tau' must be in units of s"),
    "not numbers": (lambda G: {G.v: [None] * 5}, TypeError, r"run_args: cells\.v must be a number or an array"),
    "a subgroup's variable": (lambda G: {G[1:3].v: 0.5}, NotImplementedError,
                              r"the variable of a subgroup \(cells\.v\[1:3\]\)"),
    "a variable's name as a constant": (lambda G: {"v": 0.5}, KeyError, r"use the variable as the key"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_run_args_are_checked_as_an_assignment_would_be_before_anything_runs(project, name):
    directory, built, G, M = project
    make, error, message = REFUSED[name]
    before, spikes, x = _files(directory), np.asarray(M.i).copy(), G.x[:].copy()
    with pytest.raises(error, match=message):
        built.run(run_args=make(G))
    assert _files(directory) == before  # nothing written, nothing run
    assert np.array_equal(np.asarray(M.i), spikes) and np.array_equal(G.x[:], x)


def test_valid_run_args_for_integer_and_boolean_variables_reach_the_program(project):
    directory, built, G, M = project
    built.run(run_args={G.x: np.arange(5) - 2**31, G.flag: [True, False, True, False, False], "tau": 20 * ms})
    assert G.x[:].tolist() == [-2**31 + k + int(np.sum(np.asarray(M.i) == k)) for k in range(5)]
    assert G.flag[:].tolist() == [True, False, True, False, False]
    built.run(run_args={G.x: 2.9})  # truncated, as G.x = 2.9
    assert set(G.x[:] - np.bincount(np.asarray(M.i), minlength=5)) == {2}


def test_load_results_takes_the_project_folder(project):
    directory, built, G, M = project
    built.run()
    from_project = load_results(directory)
    assert from_project.keys() == load_results(directory / "results").keys() == {"run0", "final"}
    assert np.array_equal(from_project["final"]["group0.x"], G.x[:])
    with pytest.raises(ValueError, match="holds result files itself; give the results folder"):
        load_results(directory / "results" / "final")
    with pytest.raises(FileNotFoundError, match="is not a folder"):
        load_results(directory / "nowhere")


def test_running_before_building_says_so(tmp_path):
    set_device("cpp_standalone", directory=tmp_path / "project", build_on_run=False)
    try:
        G = NeuronGroup(2, "dv/dt = -v/tau : 1")
        run(1 * ms)
        with pytest.raises(NeurogenError, match=r"not built yet .*build/main does not exist.*device\.build\(\)"):
            device.run()
        with pytest.raises(NeurogenError, match="was never compiled"):
            device.build(compile=False)
        assert not (tmp_path / "project").exists()  # refused before writing
    finally:
        back_to_runtime()
