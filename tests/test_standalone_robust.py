"""Standalone programs and bad input: a damaged plan or data file gives a clear error (exit
code 2, a message naming the file and the problem), never a crash; values on the command
line are finite numbers; a Unicode constant works. One project (built once for the whole
module) serves every test that runs the program."""
from __future__ import annotations

from random import Random  # the module name "random" is numpy.random.random after the star import, as in Brian2
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from neurogen import *
from runtime_device import back_to_runtime
from neurogen.standalone.results import read_result

needs_cmake = pytest.mark.skipif(shutil.which("cmake") is None, reason="needs cmake")

τ = 10 * ms  # a Unicode constant name (Python allows it, so do neurogen's models)
stim = TimedArray([0.1, 0.5, 0.2], dt=2 * ms)
stim2 = TimedArray(np.linspace(0, 0.3, 30).reshape(3, 10), dt=2 * ms)


def _rich_model():
    """Every kind of object and every array with an index rule: subgroups, both pathways,
    shared and per-synapse delays, CSR lists in and out of order, spike generator with a
    period, monitors of neurons, subgroups and synapses, PoissonInput onto a subgroup, TimedArrays."""
    seed(3)
    G = NeuronGroup(10, """dv/dt = (stim(t) + stim2(t, i) + 1.2 - v)/τ + I/ms : 1 (unless refractory)
                           I : 1
                           gs : 1""", threshold="v > 1", reset="v = 0", refractory=1 * ms,
                    method="euler", name="neurons")
    G.v = "rand()"
    P = PoissonGroup(6, rates=300 * Hz)
    SG = SpikeGeneratorGroup(4, [0, 1, 3, 3], [1, 2, 2, 4] * ms, period=5 * ms)
    S1 = Synapses(P, G[2:8], "w : 1\ngs_post = w : 1 (summed)", on_pre="v += w", on_post="w += 0.01",
                  delay=1 * ms)
    S1.connect(p=0.5)
    S1.w = 0.1
    S2 = Synapses(SG, G, "x : 1", on_pre="v += 0.2")
    S2.connect(i=[0, 3, 1], j=[5, 1, 2])
    S2.delay = [1, 2, 0.5] * ms
    PI = PoissonInput(G[1:4], "v", N=10, rate=50 * Hz, weight=0.05)
    M = SpikeMonitor(G)
    V1 = StateMonitor(G, ["v", "I"], record=[0, 9])
    V2 = StateMonitor(S1, "w", record=[0, 1])
    R = PopulationRateMonitor(P)
    MS = SpikeMonitor(G[2:6], variables="v")  # monitors of subgroups: their range is checked
    RS = PopulationRateMonitor(G[1:4])
    return [G, P, SG, S1, S2, PI, M, V1, V2, R, MS, RS]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The rich model as a built project (two runs), and its device (to run it again)."""
    import neurogen
    from neurogen.session import session

    neurogen.start_scope()
    neurogen.defaultclock.dt = 0.1 * ms
    neurogen.prefs.codegen.cpp.warnings_as_errors = True
    directory = tmp_path_factory.mktemp("robust") / "project"
    set_device("cpp_standalone", directory=directory, build_on_run=False)
    try:
        objects = _rich_model()
        run(5 * ms)
        objects[0].v[:3] = 0.2  # an `assign` line
        run(3 * ms)
        device.build(run=False)
        built = session().device
    finally:
        back_to_runtime()
    yield directory, built, objects


def _main(directory: Path, *arguments: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(directory / "build" / "main"), *arguments], capture_output=True, timeout=120,
                          cwd=cwd)


def _damaged_copy(project_dir: Path, tmp_path: Path, damage) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(project_dir / "data", copy / "data")
    damage(copy / "data")
    return copy


def _run_copy(project, tmp_path, damage) -> subprocess.CompletedProcess:
    directory, _, _ = project
    copy = _damaged_copy(directory, tmp_path, damage)
    return _main(directory, "--project", str(copy), "--results", str(tmp_path / "results"))


def _set_element(file: str, dtype: str, index: int, value) -> callable:
    def damage(data: Path) -> None:
        values = np.fromfile(data / file, dtype=dtype)
        values[index] = value
        values.tofile(data / file)
    return damage


def _replace_in_plan(old: str, new: str) -> callable:
    def damage(data: Path) -> None:
        text = (data / "plan.txt").read_text()
        assert old in text, old
        (data / "plan.txt").write_text(text.replace(old, new, 1))
    return damage


def _replace_all_in_plan(old: str, new: str) -> callable:
    def damage(data: Path) -> None:
        text = (data / "plan.txt").read_text()
        assert old in text, old
        (data / "plan.txt").write_text(text.replace(old, new))
    return damage


def _plan_line(project, start: str) -> str:
    directory, _, _ = project
    return next(line for line in (directory / "data" / "plan.txt").read_text().splitlines() if line.startswith(start))


# -- damaged plan and data files: exit code 2 with a message, never a signal -----------------

DAMAGES = {
    # name: (damage, what the message must say)
    "synapse index beyond N": (_set_element("synapses3._synaptic_post.bin", "<i4", 0, 10**9),
                               ["synapses3._synaptic_post.bin", "element 0 is 1000000000", "outside [2, 8)"]),
    "negative synapse index": (_set_element("synapses3._synaptic_pre.bin", "<i4", 1, -5),
                               ["synapses3._synaptic_pre.bin", "element 1 is -5"]),
    "CSR offset past the end": (_set_element("synapses3._pre_offsets.bin", "<i8", 6, 10**9),
                                ["synapses3._pre_offsets.bin", "last offset", "synapse count"]),
    "CSR offsets decreasing": (_set_element("synapses3._post_offsets.bin", "<i8", 3, -1),
                               ["synapses3._post_offsets.bin", "never decrease"]),
    "CSR list entry beyond N": (_set_element("synapses3._post_synapses.bin", "<i4", 2, 10**6),
                                ["synapses3._post_synapses.bin", "element 2 is 1000000"]),
    "NaN delay": (_set_element("synapses4.delay.bin", "<f8", 0, np.nan), ["synapses4.delay.bin", "is nan", "delay"]),
    "negative delay": (_set_element("synapses4.delay.bin", "<f8", 1, -1e-3), ["synapses4.delay.bin", "finite time >= 0"]),
    "huge delay": (_set_element("synapses3.delay.bin", "<f8", 0, 1e12), ["synapses3.delay.bin", "longest delay"]),
    "monitor index beyond N": (_set_element("statemonitor7._indices.bin", "<i4", 0, 10**8),
                               ["statemonitor7._indices.bin", "outside [0, 10)"]),
    "spike generator index": (_set_element("spikegenerator2._spike_indices.bin", "<i4", 0, 4),
                              ["spikegenerator2._spike_indices.bin", "outside [0, 4)"]),
    "spike generator steps unsorted": (_set_element("spikegenerator2._spike_steps.bin", "<i8", 0, 10**6),
                                       ["spikegenerator2._spike_steps.bin", "must not decrease"]),
    "spike count in the spikespace": (_set_element("group0._spikespace.bin", "<i4", 10, 10**8),
                                      ["group0._spikespace.bin", "spike count"]),
    "data file too short": (lambda d: (d / "synapses3.w.bin").write_bytes((d / "synapses3.w.bin").read_bytes()[:-3]),
                            ["synapses3.w.bin", "bytes, expected"]),
    "data file missing": (lambda d: (d / "group0.v.bin").unlink(), ["group0.v.bin", "cannot read"]),
    # 8 TiB: the file's size is checked before anything is allocated (not "out of memory"
    # after a long zero-fill when the machine has that much)
    "huge count of a persistent array": (_replace_all_in_plan(" persistent group0.v.bin 10 ",
                                                              " persistent group0.v.bin 1099511627776 "),
                                         ["group0.v.bin", "holds 80 bytes, expected 8796093022208"]),
    "group size in the plan": (_replace_in_plan("integer group0.N 10\n", "integer group0.N 100000000\n"),
                               ["plan.txt", "group0.v has 10 elements", "needs 100000000"]),
    "clock interval 0": (_replace_in_plan("integer group0._every 1\n", "integer group0._every 0\n"),
                         ["plan.txt", "group0._every is 0"]),
    "a line missing": (_replace_in_plan("array double group0.I ", "#rray double group0.I "),
                       ["plan.txt", "where the network binds array 'group0.I'"]),
    "monitor buffer too small": (_replace_in_plan("array double statemonitor7._rec_v - fresh 100 ",
                                                  "array double statemonitor7._rec_v - fresh 2 "),
                                 ["plan.txt", "statemonitor7._rec_v has 2 elements", "needs 100"]),
    "wrong dynamic ctype": (_replace_in_plan("dynamic 5 double spikemonitor6.t", "dynamic 5 int32_t spikemonitor6.t"),
                            ["plan.txt", "dynamic output 5", "double 'spikemonitor6.t' in the network"]),
    "TimedArray without rows": (_replace_in_plan("integer group0._timedarray_stim_rows 3\n",
                                                 "integer group0._timedarray_stim_rows 0\n"),
                                ["plan.txt", "group0._timedarray_stim_rows is 0"]),
    "monitored subgroup beyond its group": (_replace_in_plan("integer spikemonitor10._start 2\n",
                                                             "integer spikemonitor10._start 9\n"),
                                            ["plan.txt", "spikemonitor10._size is 4, outside [0, 2)"]),
    "monitored subgroup too large": (_replace_in_plan("integer ratemonitor11._size 3\n",
                                                      "integer ratemonitor11._size 30\n"),
                                     ["plan.txt", "ratemonitor11._size is 30, outside [0, 10)"]),
    "subgroup beyond its group": (_replace_in_plan("integer synapses3._target_start 2\n",
                                                   "integer synapses3._target_start 7\n"),
                                  ["plan.txt", "synapses3.N_post is 6, outside [0, 4)"]),
    "plan truncated": (lambda d: (d / "plan.txt").write_text(
                           "".join((d / "plan.txt").read_text().splitlines(keepends=True)[:100])),
                       ["plan.txt", "run 0 is not closed by 'end'"]),
    "garbage header": (lambda d: (d / "plan.txt").write_bytes(b"\x7fELF\x00\x01garbage\n"),
                       ["plan.txt", "must start with 'neurogen-plan 1'"]),
    "binary garbage in a key": (_replace_in_plan("group0.lastspike ", "group0.last\xff\x01spike "),
                                ["plan.txt", "bad key", "\\x01"]),
    "an assign beyond the array": (_set_element("assign/group0.v@1.0.bin", "<i8", 0, 10**6),
                                   ["assign", "out of range"]),
}


@needs_cmake
@pytest.mark.parametrize("name", sorted(DAMAGES))
def test_a_damaged_plan_or_data_file_is_refused_with_a_clear_message(project, tmp_path, name):
    damage, expected = DAMAGES[name]
    done = _run_copy(project, tmp_path, damage)
    message = done.stderr.decode()
    assert done.returncode == 2, (done.returncode, message)
    assert message.startswith("error: ") and message.count("\n") == 1, message
    for part in expected:
        assert part in message, (part, message)
    assert not (tmp_path / "results" / "run0").exists()  # refused before the first run


@needs_cmake
def test_the_undamaged_copy_runs(project, tmp_path):
    done = _run_copy(project, tmp_path, lambda data: None)
    assert done.returncode == 0, done.stderr
    assert len(read_result(tmp_path / "results" / "run1" / "spikemonitor6.i.bin")[0]) > 0


@needs_cmake
def test_random_damage_never_crashes_the_program(project, tmp_path):
    """A fixed-seed fuzz loop over the real project's files: byte changes, truncation, lines
    deleted, swapped or repeated, numbers replaced by extreme values. Every outcome is exit 0
    (a damage that still makes a valid plan) or exit 2 with one error line: never a signal."""
    directory, _, _ = project
    rng = Random(20240610)
    files = sorted(str(p.relative_to(directory / "data")) for p in (directory / "data").rglob("*.bin"))
    extremes = ["0", "-1", "1", "2147483647", "2147483648", "-9223372036854775808", "9223372036854775807",
                "4611686018427387904", "nan", "inf", "", "x"]
    outcomes = {0: 0, 2: 0}
    for trial in range(40):
        def damage(data: Path) -> None:
            on_plan = trial % 2 == 0
            target = data / ("plan.txt" if on_plan else rng.choice(files))
            content = bytearray(target.read_bytes())
            kind = rng.choice(["bytes", "truncate", "lines"] if on_plan else ["bytes", "truncate", "word"])
            if kind == "bytes" and content:
                for _ in range(rng.randint(1, 3)):
                    content[rng.randrange(len(content))] = rng.randrange(256)
            elif kind == "truncate":
                content = content[:rng.randrange(len(content) + 1)]
            elif kind == "word" and len(content) >= 4:
                at = rng.randrange(len(content) // 4) * 4
                content[at:at + 4] = rng.choice([b"\xff\xff\xff\x7f", b"\x00\x00\x00\x80", b"\xff\xff\xff\xff",
                                                 b"\x00\x00\xf8\x7f", b"\x40\x42\x0f\x00"])
            elif kind == "lines":
                lines = content.decode().split("\n")
                i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
                action = rng.choice(["delete", "swap", "repeat", "number"])
                if action == "delete":
                    del lines[i]
                elif action == "swap":
                    lines[i], lines[j] = lines[j], lines[i]
                elif action == "repeat":
                    lines.insert(i, lines[j])
                else:
                    fields = lines[i].split(" ")
                    fields[rng.randrange(len(fields))] = rng.choice(extremes)
                    lines[i] = " ".join(fields)
                content = bytearray("\n".join(lines).encode())
            target.write_bytes(bytes(content))

        shutil.rmtree(tmp_path / "copy", ignore_errors=True)
        done = _run_copy(project, tmp_path, damage)
        assert done.returncode in (0, 2), (trial, done.returncode, done.stderr)
        if done.returncode == 2:
            assert done.stderr.startswith(b"error: "), (trial, done.stderr)
        outcomes[done.returncode] += 1
    assert outcomes[2] >= 20  # most damage is noticed (the rest still makes a valid project)


def test_every_array_and_integer_input_needs_a_rule():
    """A field added to the lowering without a layout rule fails loudly, not unchecked."""
    from neurogen.compiler.ir import Field, FieldKind, NetworkIR, ObjectIR
    from neurogen.standalone.layout import layout_text

    field = Field("_mystery", "int32_t", FieldKind.ARRAY)
    network = NetworkIR((ObjectIR("group0", "Group0", "NeuronGroup", ("NeuronGroup",), (field,), ()),), ())
    group = NeuronGroup(2, "v : 1")
    with pytest.raises(AssertionError, match="no rule for the array input group0._mystery"):
        layout_text(network, {"group0": group})


# -- values on the command line ----------------------------------------------------------------

@needs_cmake
@pytest.mark.parametrize("setting", ["τ=nan", "τ=inf", "τ=-infinity ms", "τ@1=nan", "neurons.v=nan",
                                     "neurons.v=inf"])
def test_command_line_values_must_be_finite(project, tmp_path, setting):
    directory, _, _ = project
    done = _main(directory, "--project", str(directory), "--results", str(tmp_path), "--set", setting)
    assert done.returncode == 2 and "not a finite number" in done.stderr.decode(), done.stderr.decode()
    params = tmp_path / "params.txt"
    params.write_text(f"# constants\n{setting}\n", encoding="utf-8")
    done = _main(directory, "--project", str(directory), "--results", str(tmp_path), "--params", str(params))
    message = done.stderr.decode()
    assert done.returncode == 2 and "params.txt:2" in message and "not a finite number" in message, message


@needs_cmake
def test_run_args_with_a_nan_constant_are_refused_in_python(project):
    _, built, _ = project
    with pytest.raises(ValueError, match="'τ' must be a finite number"):
        built.run(run_args={"τ": float("nan") * ms})
    with pytest.raises(ValueError, match="finite"):
        built.run(run_args={"τ": float("inf") * ms})


@needs_cmake
def test_a_unicode_constant_works_in_a_project_as_in_the_runtime(project, tmp_path):
    """`τ` is a parameter of the plan, `--set τ=12ms` changes it, and the results are those
    of the runtime with τ = 12 ms."""
    global τ
    directory, built, objects = project
    assert " τ second" in (directory / "data" / "plan.txt").read_text(encoding="utf-8")
    built.run(run_args={"τ": 12 * ms})
    M = objects[6]
    standalone = (np.asarray(M.i).copy(), np.asarray(M.t_).copy(), objects[0].v[:].copy(),
                  np.asarray(objects[7].v).copy())
    done = _main(directory, "--project", str(directory), "--results", str(tmp_path / "cli"), "--set", "τ=12ms")
    assert done.returncode == 0, done.stderr.decode()
    cli = load_results(tmp_path / "cli")
    assert np.array_equal(np.concatenate([cli["run0"]["spikemonitor6.i"], cli["run1"]["spikemonitor6.i"]]),
                          standalone[0])
    τ = 12 * ms
    try:
        objects = _rich_model()
        run(5 * ms)
        objects[0].v[:3] = 0.2
        run(3 * ms)
    finally:
        τ = 10 * ms
    M = objects[6]
    runtime = (np.asarray(M.i), np.asarray(M.t_), objects[0].v[:], np.asarray(objects[7].v))
    assert len(runtime[0]) >= 3 and runtime[3].shape == (2, 80)
    for a, b in zip(standalone, runtime):
        assert np.array_equal(a, b)
