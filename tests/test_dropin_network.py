"""Issue 12, part 5: Brian2's network utilities, as a Brian2 user's script uses them.

Each test states Brian2 2.9's documented (and, where noted, observed with the oracle)
behaviour: names, formats, types. Runs reuse the reference LIF structure (``lif_reference``)
so the compiled model is shared through the cache.
"""
from __future__ import annotations

import io
import logging
import re
import sys

import numpy as np
import pytest

import neurogen
from neurogen import (BrianLogger, Network, NeuronGroup, SpikeMonitor, collect, device, get_device,
                      StateMonitor, defaultclock, get_logger, ms, rand, restore, run, second, seed, set_device,
                      start_scope, store)
from neurogen.logger import NOTICE
from neurogen.runtime import simulation
from neurogen.runtime.report import format_wall_time

from lif_reference import lif


# -- seed() ---------------------------------------------------------------------------------

def test_seed_also_seeds_numpys_global_generator():
    """Brian2's seed(n) calls np.random.seed(n): rand() in a script repeats, and gives
    numpy's (and so Brian2's) sequence for that seed (seed(3); rand(3) observed in Brian2)."""
    seed(3)
    first = rand(3)
    np.testing.assert_allclose(first, [0.5507979, 0.70814782, 0.29090474], rtol=1e-7)
    seed(3)
    np.testing.assert_array_equal(rand(3), first)
    seed(2**40)  # numpy refuses seeds >= 2**32; neurogen's seeds go up to 2**64
    big = np.random.rand(2)
    seed(2**40)
    np.testing.assert_array_equal(np.random.rand(2), big)


# -- progress reports ------------------------------------------------------------------------

def test_report_text_prints_brian2s_lines(capsys):
    """Brian2 2.9 (oracle): 'Starting simulation at t=0. s for a duration of 10. ms' and
    '10. ms (100%) simulated in < 1s'."""
    G, M, S, R = lif(1, [5])
    net = Network(G, M, S, R)
    net.run(2 * ms, report="text")
    net.run(3 * ms, report="stdout")
    out = capsys.readouterr().out.splitlines()
    assert out == ["Starting simulation at t=0. s for a duration of 2. ms",
                   "2. ms (100%) simulated in < 1s",
                   "Starting simulation at t=2. ms for a duration of 3. ms",
                   "3. ms (100%) simulated in < 1s"]


def test_report_stderr_and_bad_report_arguments(capsys):
    G, M, S, R = lif(1, [5])
    net = Network(G, M, S, R)
    net.run(1 * ms, report="stderr")
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines()[-1] == "1. ms (100%) simulated in < 1s"
    with pytest.raises(ValueError, match="report"):  # Brian2: ValueError for an unknown string
        net.run(1 * ms, report="txt")
    with pytest.raises(TypeError, match="report"):  # and TypeError for what is not callable
        net.run(1 * ms, report=3)
    with pytest.raises(neurogen.DimensionMismatchError):
        net.run(1 * ms, report="text", report_period=1)
    assert float(net.t / ms) == pytest.approx(1.0)  # nothing ran


@pytest.mark.parametrize("seconds, text", [(0.5, "< 1s"), (12.5, "12s"), (123, "2m 3s"),
                                           (12345, "3h 25m 45s"), (90061, "1d 1h 1m 1s")])
def test_wall_times_are_formatted_as_brian2(seconds, text):
    assert format_wall_time(seconds) == text


# -- collect() -------------------------------------------------------------------------------

def test_collect_returns_the_objects_in_the_callers_scope_for_a_network():
    G, M, S, R = lif(1, [5])
    found = collect()
    assert isinstance(found, set)  # as Brian2's
    assert found == {G, M, S, R}
    net = Network(collect())
    net.run(1 * ms)
    assert float(G.t / ms) == pytest.approx(1.0)

    def inner():
        H = NeuronGroup(1, "v : 1", name="inner_group")
        return collect(), H

    inside, H = inner()
    assert inside == {H}  # the caller's locals (and globals), not its caller's, as Brian2


def test_collect_level_and_bad_level():
    G, M, S, R = lif(1, [5])

    def helper():
        return collect(level=1)

    assert helper() == {G, M, S, R}
    with pytest.raises(TypeError):
        collect(level="up")


# -- devices ---------------------------------------------------------------------------------

def test_get_device_and_device_calls_in_runtime_mode_keep_the_runtime():
    """Brian2: get_device() is the RuntimeDevice; device.reinit(), device.activate() and
    device.build() do nothing in runtime mode. Before, activate() switched to standalone
    and the next run() built a C++ project."""
    assert type(get_device()).__name__ == "RuntimeDevice"
    assert get_device().build_on_run is True
    device.reinit()
    device.activate()
    device.build()
    assert type(get_device()).__name__ == "RuntimeDevice"
    assert neurogen.session().device is None
    G, M, S, R = lif(1, [5])
    run(1 * ms)  # the runtime: simulated now, no project
    assert float(G.t / ms) == pytest.approx(1.0)


def test_set_device_and_reset_device(tmp_path):
    from neurogen import reset_device

    set_device("cpp_standalone", directory=tmp_path / "project", build_on_run=False)
    try:
        assert type(get_device()).__name__ == "StandaloneDevice"
        assert get_device() is neurogen.session().device
        reset_device()  # back to the device before: the runtime
        assert type(get_device()).__name__ == "RuntimeDevice"
        reset_device("runtime")
        assert type(get_device()).__name__ == "RuntimeDevice"
        with pytest.raises(TypeError):
            reset_device(3)
    finally:
        set_device("runtime")


# -- logging ---------------------------------------------------------------------------------

@pytest.fixture
def console_level():
    """Restore the console's level and filters after a test changes them."""
    handler = neurogen.logger.console()
    level, filters = handler.level, list(handler.filters)
    logger_level = logging.getLogger("neurogen").level
    yield handler
    handler.setLevel(level)
    handler.filters[:] = filters
    logging.getLogger("neurogen").setLevel(logger_level)


def test_brianlogger_levels_map_to_pythons_logging(console_level, caplog):
    assert console_level.level == NOTICE  # by default: warnings and the compile notice
    BrianLogger.log_level_debug()
    assert console_level.level == logging.DEBUG
    assert logging.getLogger("neurogen").getEffectiveLevel() == logging.DEBUG
    BrianLogger.log_level_info()
    assert console_level.level == logging.INFO
    BrianLogger.log_level_warn()
    assert console_level.level == logging.WARNING
    BrianLogger.log_level_error()
    assert console_level.level == logging.ERROR
    BrianLogger.log_level_info()
    with caplog.at_level(logging.DEBUG, logger="neurogen"):
        get_logger("neurogen.myscript").info("from my script")
        BrianLogger("neurogen").warn("a warning", name_suffix="part")
        logger = get_logger("neurogen.once")
        logger.info("only once", once=True)
        logger.info("only once", once=True)
        BrianLogger.info("class-level call")
    records = [(r.name, r.levelno, r.getMessage()) for r in caplog.records]
    assert ("neurogen.myscript", logging.INFO, "from my script") in records
    assert ("neurogen.part", logging.WARNING, "a warning") in records
    assert [r for r in records if r[2] == "only once"] == [("neurogen.once", logging.INFO, "only once")]
    assert ("neurogen", logging.INFO, "class-level call") in records


def _console_lines(handler, emit):
    """What neurogen's console prints when the application configured no logging."""
    root = logging.getLogger()
    saved, root.handlers = root.handlers, []
    stream, saved_err = io.StringIO(), sys.stderr
    sys.stderr = stream
    try:
        emit()
    finally:
        sys.stderr, root.handlers = saved_err, saved
    return stream.getvalue().splitlines()


def test_console_prints_brian2s_format_and_suppresses(console_level):
    BrianLogger.log_level_info()
    lines = _console_lines(console_level, lambda: get_logger("neurogen.a.b").info("shown"))
    assert lines == ["INFO       shown [neurogen.a.b]"]  # Brian2's '%(levelname)-10s %(message)s [%(name)s]'
    BrianLogger.suppress_name("b")
    BrianLogger.suppress_hierarchy("neurogen.c")
    lines = _console_lines(console_level, lambda: (get_logger("neurogen.a.b").info("hidden by name"),
                                                   get_logger("neurogen.c.d").warn("hidden by hierarchy"),
                                                   get_logger("neurogen.cd").warn("not in the hierarchy")))
    assert lines == ["WARNING    not in the hierarchy [neurogen.cd]"]
    BrianLogger.log_level_warn()
    assert _console_lines(console_level, lambda: get_logger("neurogen.x").info("below warn")) == []


# -- the first-compile notice ----------------------------------------------------------------

def test_a_run_that_compiles_says_so_in_one_line(monkeypatch, console_level):
    """A model not in the cache is lowered and compiled: one line says so before the wait
    (once per process)."""
    monkeypatch.setattr(neurogen.session(), "compile_notice_given", False)
    calls = []

    def compiled_network(key, config, make_ir):
        calls.append(key)
        raise KeyboardInterrupt  # stop here: the notice must already have been given

    def fake_compiled_network(key, config, make_ir):
        try:
            make_ir()
        except Exception:  # noqa: BLE001 (only the notice matters here)
            pass
        return compiled_network(key, config, make_ir)

    monkeypatch.setattr(simulation, "compiled_network", fake_compiled_network)
    G, M, S, R = lif(1, [5])
    lines = []

    def go():
        with pytest.raises(KeyboardInterrupt):
            Network(G, M, S, R).run(1 * ms)

    lines = _console_lines(console_level, go)
    assert lines == [simulation.COMPILE_NOTICE]
    assert calls
    assert _console_lines(console_level, go) == []  # said once


def test_a_warm_run_says_nothing(caplog, console_level):
    G, M, S, R = lif(1, [5])
    Network(G, M, S, R).run(1 * ms)  # compiled (or found) now
    start_lines = _console_lines(console_level, lambda: None)
    assert start_lines == []
    G, M, S, R = lif(1, [5])
    with caplog.at_level(logging.DEBUG, logger="neurogen"):
        lines = _console_lines(console_level, lambda: Network(G, M, S, R).run(1 * ms))
    assert lines == []
    assert not [r for r in caplog.records if r.levelno >= NOTICE]


def test_the_notice_comes_when_loading_the_shell_takes_long(monkeypatch, console_level):
    """Building the runtime shell (first use of a neurogen version) takes seconds; loading a
    cached one milliseconds. The notice comes if it takes longer than SHELL_NOTICE_AFTER."""
    import threading

    release = threading.Event()
    monkeypatch.setattr(neurogen.session(), "compile_notice_given", False)
    monkeypatch.setattr(simulation, "SHELL_NOTICE_AFTER", 0.0)

    def slow_shell():
        release.wait(5)  # the notice timer fires meanwhile
        raise KeyboardInterrupt

    given = []
    monkeypatch.setattr(simulation, "notice", lambda name, message: (given.append(message), release.set()))
    monkeypatch.setattr(simulation, "shell", slow_shell)
    G, M, S, R = lif(1, [7])
    G.v = 0 * neurogen.volt  # a fresh front-end key is not needed: a new Network has no Simulation
    with pytest.raises(KeyboardInterrupt):
        Network(G, M, S, R).run(1 * ms)
    assert given == [simulation.COMPILE_NOTICE]


# -- store / restore with a file ---------------------------------------------------------------

def _state_of(G, M, S):
    return (np.asarray(G.v[:]).copy(), np.asarray(M.i).copy(), np.asarray(M.t / second).copy(),
            np.asarray(S.t / second).copy(), np.asarray(S.v / neurogen.volt).copy())


def test_store_to_a_file_and_restore_into_new_objects_of_the_same_names(tmp_path):
    """Brian2: restore(filename=) needs the objects to exist with the names they had when
    stored; the state (variables, records, time) comes back, also in a new script."""
    path = tmp_path / "state.pkl"  # Brian2 users name it anything; the content is neurogen's
    G, M, S, R = lif(3, [5, 7, 0])
    net = Network(G, M, S, R)
    net.run(2 * ms)
    net.store("after_2ms", filename=path)
    stored = _state_of(G, M, S)
    net.run(3 * ms)
    later = _state_of(G, M, S)
    net.restore("after_2ms", filename=path)
    assert float(net.t / ms) == pytest.approx(2.0)
    assert float(G.t / ms) == pytest.approx(2.0)
    for got, want in zip(_state_of(G, M, S), stored):
        np.testing.assert_array_equal(got, want)
    net.run(3 * ms)  # deterministic model: the same continuation
    for got, want in zip(_state_of(G, M, S), later):
        np.testing.assert_array_equal(got, want)

    neurogen.start_scope()  # a new script: new objects, the same names
    G2, M2, S2, R2 = lif(3, [5, 7, 0])
    net2 = Network(G2, M2, S2, R2)
    net2.restore("after_2ms", filename=str(path))
    for got, want in zip(_state_of(G2, M2, S2), stored):
        np.testing.assert_array_equal(got, want)
    net2.run(3 * ms)
    for got, want in zip(_state_of(G2, M2, S2), later):
        np.testing.assert_array_equal(got, want)


def test_one_file_holds_several_snapshots_and_the_magic_network_uses_it(tmp_path):
    path = tmp_path / "snapshots"
    G, M, S, R = lif(2, [5, 7])
    store("start", filename=path)
    run(2 * ms)
    store("later", filename=path)
    v_later = np.asarray(G.v[:]).copy()
    restore("start", filename=path)
    assert float(G.t / ms) == 0.0 and len(M.i) == 0
    restore("later", filename=path)
    np.testing.assert_array_equal(np.asarray(G.v[:]), v_later)
    store("start", filename=path)  # replaces that snapshot, keeps the other
    restore("later", filename=path)
    with pytest.raises(KeyError, match="no snapshot named 'missing'"):
        restore("missing", filename=path)


def test_store_never_replaces_a_file_neurogen_did_not_write(tmp_path):
    G, M, S, R = lif(1, [5])
    net = Network(G, M, S, R)
    precious = tmp_path / "notes.txt"
    precious.write_text("my notes")
    with pytest.raises(ValueError, match="not a neurogen store file"):
        net.store(filename=precious)
    assert precious.read_text() == "my notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # no temporary left
    with pytest.raises(ValueError, match="not a neurogen store file"):
        net.restore(filename=precious)


def test_restore_never_unpickles_a_file(tmp_path):
    """A Brian2 store file is a pickle; loading one runs the code it names. neurogen refuses it."""
    import os
    import pickle

    marker = tmp_path / "code_ran"

    class Payload:
        def __reduce__(self):
            return (os.mkdir, (str(marker),))

    path = tmp_path / "brian2_state.pkl"
    path.write_bytes(pickle.dumps({"default": Payload()}))
    G, M, S, R = lif(1, [5])
    with pytest.raises(ValueError, match="not a neurogen store file"):
        Network(G, M, S, R).restore(filename=path)
    assert not marker.exists()


def test_restore_from_a_file_checks_names_and_models(tmp_path):
    path = tmp_path / "state"
    G, M, S, R = lif(1, [5])
    Network(G, M, S, R).store(filename=path)
    with pytest.raises(KeyError, match="lif_rate"):  # stored, but not in this network (Brian2's KeyError)
        Network(G, M, S).restore(filename=path)
    H = NeuronGroup(1, "v : 1", name="other")
    with pytest.raises(KeyError, match="other"):  # in the network, not in the file
        Network(G, M, S, R, H).restore(filename=path)
    neurogen.start_scope()
    G2 = NeuronGroup(1, "dv/dt = -v/(10*ms) : volt", name="lif")  # same name, another model
    M2 = SpikeMonitor(NeuronGroup(1, "v : 1", threshold="v > 1", name="src"), name="lif_spikes")
    with pytest.raises(ValueError, match="another model"):
        Network(G2, M2, S, R).restore(filename=path)
    with pytest.raises(TypeError):
        Network(G, M, S, R).store(name=3, filename=path)
    neurogen.start_scope()
    G3, M3, S3, R3 = lif(3, [5, 7, 0])  # the same model and names, another size
    with pytest.raises(ValueError, match=r"'lif.v' was stored with shape \(1,\), but has shape \(3,\)"):
        Network(G3, M3, S3, R3).restore(filename=path)
    assert float(G3.t / ms) == 0.0  # nothing restored


def test_restore_random_state_also_restores_numpys_generator(tmp_path):
    """Brian2's docs: restore_random_state=True also restores numpy's random generator."""
    G, M, S, R = lif(1, [5])
    net = Network(G, M, S, R)
    seed(11)
    net.store("in_memory")
    net.store("in_file", filename=tmp_path / "s")
    first = np.random.rand(3)
    net.restore("in_memory", restore_random_state=True)
    np.testing.assert_array_equal(np.random.rand(3), first)
    net.restore("in_file", filename=tmp_path / "s", restore_random_state=True)
    np.testing.assert_array_equal(np.random.rand(3), first)
    net.restore("in_file", filename=tmp_path / "s")  # not asked: numpy's numbers go on
    assert not np.array_equal(np.random.rand(3), first)


# -- scheduling_summary() --------------------------------------------------------------------

#: Brian2 2.9's table for this network (printed by the oracle, byte for byte).
BRIAN2_SCHEDULE = """\
              object                |             part of              |       Clock dt       |    when    | order | active
------------------------------------+----------------------------------+----------------------+------------+-------+-------
lif_state (StateMonitor)            | lif_state (StateMonitor)         | 100. us (every step) | start      |     0 |  yes  
lif_stateupdater (StateUpdater)     | lif (NeuronGroup)                | 100. us (every step) | groups     |     0 |  yes  
lif_spike_thresholder (Thresholder) | lif (NeuronGroup)                | 100. us (every step) | thresholds |     0 |  yes  
lif_spikes (SpikeMonitor)           | lif_spikes (SpikeMonitor)        | 100. us (every step) | thresholds |     1 |  yes  
syn_pre (SynapticPathway)           | syn (Synapses)                   | 100. us (every step) | synapses   |    -1 |   no  
lif_spike_resetter (Resetter)       | lif (NeuronGroup)                | 100. us (every step) | resets     |     0 |  yes  
lif_rate (PopulationRateMonitor)    | lif_rate (PopulationRateMonitor) | 100. us (every step) | end        |     0 |  yes  """


def _lif_with_inactive_synapses():
    G, M, S, R = lif(2, [5, 7])
    syn = neurogen.Synapses(G, G, "w : volt", on_pre="v += w", name="syn")
    syn.connect(i=0, j=1)
    syn.active = False
    return G, M, S, R, syn


def test_scheduling_summary_prints_brian2s_table():
    G, M, S, R, syn = _lif_with_inactive_synapses()
    summary = Network(G, M, S, R, syn).scheduling_summary()
    assert str(summary) == BRIAN2_SCHEDULE
    assert repr(summary) == BRIAN2_SCHEDULE
    assert [e.name for e in summary.entries][:2] == ["lif_state", "lif_stateupdater"]
    assert summary.entries[4].active is False and summary.entries[4].owner_name == "syn"
    assert str(neurogen.scheduling_summary()) == BRIAN2_SCHEDULE  # the objects visible here


def test_scheduling_summary_of_the_magic_network_leaves_the_next_run_alone():
    """Brian2's global scheduling_summary() makes its next run() fail ('already been run in
    the context of another network'); neurogen's only looks."""
    G, M, S, R = lif(1, [5])
    text = str(neurogen.scheduling_summary())
    assert "lif_stateupdater (StateUpdater)" in text
    run(1 * ms)
    assert float(G.t / ms) == pytest.approx(1.0)


def test_scheduling_summary_counts_steps_of_slower_clocks():
    G, M, S, R = lif(1, [5], state_dt=1 * ms)
    rows = str(Network(G, M, S, R).scheduling_summary()).splitlines()
    assert rows[2].startswith("lif_state (StateMonitor)")
    assert "| 1. ms (every 10 steps) |" in rows[2]
    assert "| 100. us (every step)   |" in rows[3]


# -- profiling -------------------------------------------------------------------------------

LIF_CODE_OBJECTS = {"lif_state", "lif_stateupdater", "lif_spike_thresholder", "lif_spikes",
                    "lif_spike_resetter", "lif_rate"}


def test_run_with_profile_times_each_code_object():
    G, M, S, R = lif(2, [5, 7])
    net = Network(G, M, S, R)
    with pytest.raises(ValueError, match="profile=True"):  # Brian2's error before any profiled run
        net.profiling_info
    net.run(5 * ms, profile=True)
    info = net.profiling_info
    assert {name for name, _ in info} == LIF_CODE_OBJECTS
    times = [float(t / second) for _, t in info]
    assert all(t >= 0 for t in times) and sum(times) > 0
    assert times == sorted(times, reverse=True)  # longest first, as Brian2
    assert all(t.dim == second.dim for _, t in info)
    assert_spikes_unchanged = len(M.i)
    net.run(5 * ms)  # as Brian2: a run without profiling erases the info
    with pytest.raises(ValueError):
        net.profiling_info
    assert len(M.i) > assert_spikes_unchanged


def test_profiling_summary_is_brian2s_table():
    G, M, S, R = lif(2, [5, 7])
    run(5 * ms, profile=True)
    text = str(neurogen.profiling_summary())  # the magic network's last run
    lines = text.splitlines()
    assert lines[:2] == ["Profiling summary", "================="]
    assert len(lines) == 2 + len(LIF_CODE_OBJECTS)
    row = re.compile(r"^(\S+)\s{4,}\s*(\d+\.\d\d) (ms|s)    \s*(\d+\.\d\d) %$")
    rows = [row.match(line) for line in lines[2:]]
    assert all(rows), lines
    assert {r.group(1) for r in rows} == LIF_CODE_OBJECTS
    assert sum(float(r.group(4)) for r in rows) == pytest.approx(100, abs=0.05)
    assert len({len(line) for line in lines[2:]}) == 1  # aligned columns
    short = str(neurogen.profiling_summary(show=2)).splitlines()  # the longest two (padded to them)
    assert [line.split() for line in short[2:]] == [line.split() for line in lines[2:4]]
    with pytest.raises(TypeError):
        neurogen.profiling_summary(show="all")


def test_profiling_times_every_object_of_a_shared_kernel():
    """Groups of one structure share kernels, called from a table in the loop: each call has
    its own slot."""
    G, M, S, R = lif(2, [5, 7])
    H = NeuronGroup(2, G._equations, threshold="v > vt", reset="v = vr", method="exact", name="lif_twin",
                    namespace=G.namespace)
    net = Network(G, M, S, R, H)
    net.run(2 * ms, profile=True)
    names = {name for name, _ in net.profiling_info}
    assert names == LIF_CODE_OBJECTS | {"lif_twin_stateupdater", "lif_twin_spike_thresholder",
                                        "lif_twin_spike_resetter"}


def test_profile_argument_errors(tmp_path):
    G, M, S, R = lif(1, [5])
    net = Network(G, M, S, R)
    with pytest.raises(TypeError, match="profile"):
        net.run(1 * ms, profile="yes")
    set_device("cpp_standalone", directory=tmp_path / "project", build_on_run=False)
    try:
        with pytest.raises(NotImplementedError, match="profile"):
            net.run(1 * ms, profile=True)
    finally:
        device.reinit()
        set_device("runtime")


def test_only_a_profiling_build_has_timing_code():
    """Runs without profile=True use a build whose step loop has no timing at all (zero cost);
    run(profile=True) builds (and caches) a variant that times each call."""
    from dataclasses import replace

    from neurogen.compiler.lower.network import lower_network
    from neurogen.compiler.render import render_network
    from neurogen.frontend.namespace import resolve_externals

    G, M, S, R = lif(2, [5, 7])
    objects = [G, M, S, R]
    network_ir = lower_network(objects, {id(o): resolve_externals(o, None, {}) for o in objects})
    plain = render_network(network_ir)["network.cpp"]
    timed = render_network(replace(network_ir, profile=True))["network.cpp"]
    assert "seconds_now" not in plain and "PROFILE_SLOTS = 0;" in plain
    assert timed.count("+= seconds_now() - _t0") == len(network_ir.schedule)
    assert f"PROFILE_SLOTS = {len(network_ir.schedule)};" in timed


@pytest.mark.parametrize("to_file", [False, True])
def test_restore_brings_back_the_clocks_dt_as_brian2(tmp_path, to_file):
    """Brian2 2.9: after store(), dt = 0.05 ms and restore(), dt is 0.1 ms again and a 0.5 ms run
    records 5 steps (reviewer's finding: neurogen kept 0.05 ms, recording 10)."""
    start_scope()
    defaultclock.dt = 0.1 * ms
    G = NeuronGroup(1, "dv/dt = 1/ms : 1", name="G")
    M = StateMonitor(G, "v", record=0, name="M")
    run(0.5 * ms)
    options = {"filename": str(tmp_path / "state.ngstore")} if to_file else {}
    store("s", **options)
    defaultclock.dt = 0.05 * ms
    run(0.5 * ms)
    restore("s", **options)
    assert float(defaultclock.dt / ms) == pytest.approx(0.1)
    run(0.5 * ms)
    assert len(M.t) == 10


def test_a_store_file_behind_a_symlink_is_updated_in_place_with_its_mode(tmp_path):
    """The reviewer's finding: store(filename=link) replaced the user's symlink with a new file
    (the target kept the old snapshots) and every rewrite made the file 0600."""
    import os

    start_scope()
    G = NeuronGroup(2, "v : 1", name="G")
    G.v = [1, 2]
    real, link = tmp_path / "real.ngstore", tmp_path / "link.ngstore"
    store("a", filename=str(real))
    os.chmod(real, 0o644)
    link.symlink_to(real)
    G.v = [3, 4]
    store("b", filename=str(link))
    assert link.is_symlink() and (os.stat(real).st_mode & 0o777) == 0o644
    G.v = [0, 0]
    restore("b", filename=str(real))
    assert G.v[:].tolist() == [3, 4]
    restore("a", filename=str(real))
    assert G.v[:].tolist() == [1, 2]
