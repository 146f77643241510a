"""Nothing the user had in a standalone project's folder is lost: neurogen writes only files
it owns (recorded in the folder's manifest), never one it did not write or one edited since,
and uses build/ and results/ only if it made them."""
from __future__ import annotations

import shutil

import pytest

from neurogen import *
from builtins import all, any, sum  # the star import gives numpy's, as Brian2's does
from runtime_device import back_to_runtime
from neurogen.standalone.project_files import MANIFEST

τ = 10 * ms


def _write_only(directory, **build):
    """Record a tiny model and write its project (no compiling)."""
    set_device("cpp_standalone", directory=directory, build_on_run=False)
    try:
        seed(5)  # the same plan every time
        G = NeuronGroup(3, "dv/dt = -v/τ : 1", name="cells")
        run(1 * ms)
        device.build(compile=False, run=False, **build)
    finally:
        back_to_runtime()


def test_an_empty_directory_name_is_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_text("mine")
    for empty in ("", "  "):
        with pytest.raises(ValueError, match="directory name is empty"):
            set_device("cpp_standalone", directory=empty)
    assert (tmp_path / "README.md").read_text() == "mine" and sorted(p.name for p in tmp_path.iterdir()) == ["README.md"]
    with pytest.raises(ValueError, match="empty"):
        export_project(Network(NeuronGroup(1, "v : 1")), "", 1 * ms)


def test_files_neurogen_did_not_write_are_never_overwritten(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "README.md").write_text("my notes")
    (folder / "main.cpp").write_text("int main() { return 0; }")
    (folder / "other.txt").write_text("untouched")
    with pytest.raises(FileExistsError) as error:
        _write_only(folder)
    assert "README.md (not written by neurogen)" in str(error.value)
    assert "main.cpp (not written by neurogen)" in str(error.value)
    assert (folder / "README.md").read_text() == "my notes"
    assert (folder / "main.cpp").read_text() == "int main() { return 0; }"
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "main.cpp", "other.txt"]  # nothing written


def test_a_project_written_into_the_current_folder_keeps_the_users_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("keep me")
    _write_only(".")
    assert (tmp_path / "notes.txt").read_text() == "keep me"
    assert (tmp_path / "main.cpp").exists() and (tmp_path / MANIFEST).exists()


def test_rewriting_a_project_works_but_a_file_edited_since_is_refused(tmp_path):
    folder = tmp_path / "project"
    _write_only(folder)
    stamps = {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST}
    _write_only(folder)  # the same project again: nothing is rewritten
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps
    (folder / "main.cpp").write_text((folder / "main.cpp").read_text() + "// my change\n")
    with pytest.raises(FileExistsError, match=r"main\.cpp \(changed since neurogen wrote it\)"):
        _write_only(folder)
    assert (folder / "main.cpp").read_text().endswith("// my change\n")
    (folder / "main.cpp").unlink()  # the user gives it up: neurogen writes it again
    _write_only(folder)
    assert "my change" not in (folder / "main.cpp").read_text()


def _listing(folder):
    return sorted((str(p.relative_to(folder)), p.read_bytes() if p.is_file() else None) for p in folder.rglob("*"))


@pytest.mark.parametrize("name, build", [("build", {"clean": True}), ("build", {"run": False}),
                                         ("results", {})])
def test_a_build_or_results_folder_neurogen_did_not_make_is_refused_before_anything_is_written(tmp_path, name, build):
    folder = tmp_path / "project"
    (folder / name / "final").mkdir(parents=True)
    (folder / name / "final" / "group0.v.bin").write_text("my precious results")
    before = _listing(folder)
    set_device("cpp_standalone", directory=folder, build_on_run=False)
    try:
        G = NeuronGroup(3, "dv/dt = -v/τ : 1")
        run(1 * ms)
        with pytest.raises(FileExistsError, match=f"'{name}' exists and neurogen did not create it"):
            device.build(**build)
    finally:
        back_to_runtime()
    assert _listing(folder) == before  # not one project file written, nothing deleted


@pytest.mark.parametrize("name", ["p;x", "p\nnewline", "p:x", 'p"x', "p$(touch PWNED)"])
def test_a_folder_cmake_cannot_build_in_is_refused_before_anything_is_written(tmp_path, name):
    set_device("cpp_standalone", directory=tmp_path / name, build_on_run=False)
    try:
        G = NeuronGroup(3, "dv/dt = -v/τ : 1")
        run(1 * ms)
        with pytest.raises(ValueError, match="CMake cannot build a project in"):
            device.build()
        device.build(compile=False, run=False)  # writing the project is fine
    finally:
        back_to_runtime()
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
    assert (tmp_path / name / "main.cpp").exists() and not (tmp_path / name / "build").exists()


def test_a_foreign_manifest_is_not_overwritten(tmp_path):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / MANIFEST).write_text("{my own json}")
    with pytest.raises(FileExistsError, match=f"{MANIFEST} exists but is not a manifest neurogen wrote"):
        _write_only(folder)
    assert (folder / MANIFEST).read_text() == "{my own json}"


def test_no_directory_means_a_new_temporary_folder_as_in_brian2():
    set_device("cpp_standalone", directory=None, build_on_run=False)
    try:
        folder = device.directory
        assert folder.is_dir() and not any(folder.iterdir())
    finally:
        back_to_runtime()
    shutil.rmtree(folder)
