"""Devices as Brian2 scripts use them (issue 13, part 8): ``set_device(..., directory=None)``,
several standalone builds in one process (``device.reinit(); device.activate()``), a built
project run from other processes, and the module paths scripts import (``brian2.devices``,
``brian2.devices.device``, ``brian2.core.functions``), and the star-import name ``codegen``.

Brian2 2.9's behaviour, checked with it: after ``device.reinit()``, ``device.activate()`` starts
from a new default clock (dt 0.1 ms) and from its own options only (no ``directory``: the
folder ``output``); ``directory=None`` is a new temporary folder for each project.
"""
from __future__ import annotations

import pickle
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest

import neurogen
from neurogen import (NeuronGroup, Network, SpikeMonitor, codegen, defaultclock, device, get_device, ms,
                      run, set_device)
from runtime_device import back_to_runtime

pytestmark = pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake")


def _neuron(tau_ms: float = 10.0):
    """A deterministic neuron whose firing depends on tau (a constant parameter set per run)."""
    G = NeuronGroup(1, "dv/dt = (2 - v)/tau : 1\ntau : second (constant)", threshold="v > 1", reset="v = 0",
                    method="euler", name="neuron")
    G.tau = tau_ms * ms
    M = SpikeMonitor(G, name="spike_monitor")
    return G, M


def _runtime_spikes(tau_ms: float) -> np.ndarray:
    G, M = _neuron(tau_ms)
    Network(G, M).run(30 * ms)
    return np.asarray(M.t_).copy()


def _is_new_temporary_folder(path: Path) -> bool:
    return Path(tempfile.gettempdir()).resolve() in path.resolve().parents


def test_several_standalone_builds_in_one_process_with_temporary_folders():
    references = [_runtime_spikes(10.0), _runtime_spikes(4.0)]
    folders = []
    try:
        set_device("cpp_standalone", directory=None)
        for tau_ms, reference in zip((10.0, 4.0), references):
            folders.append(get_device().directory)
            assert _is_new_temporary_folder(folders[-1])
            G, M = _neuron(tau_ms)
            Network(G, M).run(30 * ms)  # built and run at once (build_on_run)
            np.testing.assert_array_equal(np.asarray(M.t_), reference)
            device.reinit()  # directory=None is kept as asked: a new temporary folder again
            folders.append(get_device().directory)
            assert folders[-1] != folders[-2]
            device.activate(directory=None)
        assert len(set(folders)) == len(folders)  # each project its own new folder, as Brian2
    finally:
        back_to_runtime()
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)


def test_activate_after_reinit_starts_as_brian2_does(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    try:
        set_device("cpp_standalone", directory=tmp_path / "first", build_on_run=False)
        defaultclock.dt = 0.05 * ms
        device.reinit()  # the directory and build_on_run are kept...
        assert get_device().directory == (tmp_path / "first").resolve()
        assert get_device().build_on_run is False
        device.activate()  # ...until activate() gives its own options (Brian2: directory 'output')
        assert get_device().directory == (tmp_path / "output").resolve()
        assert get_device().build_on_run is True
        assert float(defaultclock.dt / ms) == pytest.approx(0.1)  # a new default clock, as Brian2
        defaultclock.dt = 0.05 * ms
        device.activate(build_on_run=False, directory=tmp_path / "second")  # not after reinit: dt stays
        assert float(defaultclock.dt / ms) == pytest.approx(0.05)
    finally:
        back_to_runtime()


def test_a_built_project_runs_in_copies_of_the_device_with_different_values(tmp_path):
    """As ``standalone_multiple_processes``: multiprocessing pickles the device and the network
    into each worker, which runs the built program with its own ``run_args`` (new initial
    arrays are files named by their content, so runs never write one file)."""
    from neurogen.devices import device_module

    references = {tau: _runtime_spikes(tau) for tau in (4.0, 10.0)}
    original = None
    try:
        set_device("cpp_standalone", directory=tmp_path / "project", build_on_run=False)
        G, M = _neuron()
        net = Network(G, M)
        net.run(30 * ms)
        get_device().build(run=False, directory=tmp_path / "project")
        original = get_device()
        for k, tau in enumerate((4.0, 10.0)):
            copy_net, copy_device = pickle.loads(pickle.dumps((net, get_device())))
            device_module.active_device = copy_device  # what the example's workers do
            copy_device.run(run_args={copy_net["neuron"].tau: tau * ms}, results_directory=tmp_path / f"result{k}")
            np.testing.assert_array_equal(np.asarray(copy_net["spike_monitor"].t_), references[tau])
            device_module.active_device = original
        assert len(list((tmp_path / "project" / "data" / "run_args").glob("*.bin"))) == 2
    finally:
        back_to_runtime()


def test_brian2_module_paths_scripts_import():
    from neurogen.core.functions import timestep
    from neurogen.devices import device_module
    from neurogen.devices.device import reinit_devices, reset_device  # noqa: F401

    assert device_module.active_device is get_device()
    # Brian2's timestep: int((t + 1e-3*dt)/dt), values from Brian2 2.9
    assert timestep(0.3 * ms, 0.1 * ms) == 3
    assert list(timestep(np.array([0.1, 0.25]) * ms, 0.1 * ms)) == [1, 2]
    assert timestep(0.3e-3, 1e-4) == 3
    codegen.target = "numpy"  # Brian2 scripts set it (Brian2_2012/Fig3AB); it changes nothing here
    assert "codegen" in neurogen.__all__


def test_setting_active_device_makes_it_current(tmp_path):
    from neurogen.devices import device_module
    from neurogen.devices.device import reinit_devices

    try:
        set_device("cpp_standalone", directory=tmp_path / "project", build_on_run=False)
        standalone = get_device()
        set_device("runtime")
        device_module.active_device = standalone
        assert get_device() is standalone
        defaultclock.dt = 0.05 * ms
        G, M = _neuron()
        run(1 * ms)
        assert standalone.recording
        reinit_devices()  # Brian2: the recorded runs dropped, the default clock back to 0.1 ms
        assert not get_device().recording
        assert float(defaultclock.dt / ms) == pytest.approx(0.1)
        with pytest.raises(TypeError, match="expected a device"):
            device_module.active_device = "cpp_standalone"
    finally:
        back_to_runtime()
