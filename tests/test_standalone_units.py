"""The standalone unit table (``units.hpp``) is generated from ``neurogen.units`` (issue 11,
part 4): every unit in it is one ``neurogen.units`` defines, with its dimension, and every
unit name a plan can carry is in it. No compiler needed."""
from __future__ import annotations

import re

import numpy as np

from neurogen import *
from neurogen.standalone.results import unit_name
from neurogen.standalone.unit_table import VALUE_UNITS, unit_table, units_header
from neurogen.units.definitions import UNITS


def _header_entries() -> list[tuple[str, str, tuple[float, ...], bool]]:
    rows = re.findall(r'\{"(\w+)", "(\w+)", \{([^}]*)\}, (true|false)\}', units_header())
    return [(name, canonical, tuple(float(x) for x in exps.split(",")), flag == "true")
            for name, canonical, exps, flag in rows]


def test_every_unit_in_the_generated_table_is_the_one_of_neurogen_units():
    entries = _header_entries()
    assert len(entries) == len(unit_table()) > 30
    assert len({name for name, *_ in entries}) == len(entries)
    for name, canonical, exponents, in_values in entries:
        units = [u for n, u in UNITS.items() if n == name or u.dispname == name]
        assert units, name
        for unit in units:
            assert unit.scale == 1.0 and tuple(unit.dim.dims) == exponents, name
            assert unit_name(unit.dim) == canonical
        assert in_values == (canonical in VALUE_UNITS)


def test_every_unscaled_unit_a_plan_can_name_is_in_the_table():
    names = {name for name, *_ in _header_entries()}
    for name, unit in UNITS.items():
        if unit.scale == 1.0:
            written = unit_name(unit.dim)
            assert written.rstrip("23") in names, (name, written)
            if name.isalpha():
                assert name in names
    assert {"s", "second", "V", "volt", "A", "amp", "ampere", "Hz", "hertz", "S", "siemens", "F", "farad",
            "ohm", "m", "metre", "meter"} == {name for name, *_, in_values in _header_entries() if in_values}


def test_the_project_carries_the_generated_table(tmp_path):
    set_device("cpp_standalone", directory=tmp_path / "project", build_on_run=False)
    try:
        G = NeuronGroup(3, "dv/dt = -v/(10*ms) : volt", method="exact")
        run(1 * ms)
        device.build(compile=False, run=False)
        assert (tmp_path / "project" / "units.hpp").read_text() == units_header()
    finally:
        device.reinit()
        set_device("runtime")
