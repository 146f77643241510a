"""Result files of standalone programs: a damaged or foreign file is refused with a
ValueError naming the file and the problem, never read as wrong numbers."""
from __future__ import annotations

import shutil

import pytest

from neurogen import *
from neurogen.standalone.results import read_result


def _result(header: bytes, body: bytes = b"") -> bytes:
    return b"neurogen-result 1\n" + header + b"end\n" + body


@pytest.mark.parametrize("content, problem", [
    (b"", "not a neurogen result file"),
    (b"\x00\x01\x02", "not a neurogen result file"),
    (b"neurogen-result 1\ndtype <f8\nshape 2\n", "no 'end' line"),
    (_result(b"dtype <f8\nshape 2\nunit volt\n", b"\x00" * 15), "holds 15 bytes of values, but its header says 2"),
    (_result(b"dtype <f8\nshape 2\nunit volt\n", b"\x00" * 24), "truncated or damaged"),
    (_result(b"dtype object\nshape 1\nunit 1\n", b"\x00" * 8), "unknown dtype 'object'"),
    (_result(b"dtype <f8\nshape two\nunit 1\n", b""), "bad shape 'two'"),
    (_result(b"dtype <f8\nshape -1\nunit 1\n", b""), "negative size"),
    (_result(b"shape 1\nunit 1\n", b"\x00" * 8), "lacks its 'dtype'"),
    (_result(b"dtype <f8\nshape 1\ngarbage\n", b"\x00" * 8), "bad header line 'garbage'"),
    (_result(b"dtype <f8\nshape 1\nunit \xff\n", b"\x00" * 8), "not ASCII"),
])
def test_a_damaged_result_file_is_refused_naming_it(tmp_path, content, problem):
    path = tmp_path / "group0.v.bin"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="group0.v.bin") as error:
        read_result(path)
    assert problem in str(error.value)
    (tmp_path / "run0").mkdir()
    shutil.move(path, tmp_path / "run0" / path.name)
    with pytest.raises(ValueError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        load_results(tmp_path)


def test_a_result_file_with_an_unknown_unit_is_refused_by_load_results(tmp_path):
    (tmp_path / "run0").mkdir()
    (tmp_path / "run0" / "x.bin").write_bytes(_result(b"dtype <f8\nshape 1\nunit furlong\n", b"\x00" * 8))
    with pytest.raises(ValueError, match="x.bin: unit 'furlong'"):
        load_results(tmp_path)
    values, unit = read_result(tmp_path / "run0" / "x.bin")  # the raw values are still readable
    assert unit == "furlong" and values.tolist() == [0.0]
