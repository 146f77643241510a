"""A standalone project's unit table (``units.hpp``), generated from ``neurogen.units``.

``main.cpp`` checks the unit of a ``--set`` value (``tau=12ms``) against the plan's unit of the
input (``second``), so it must know unit names. It gets them from this generated table, never
from a copy kept by hand: every name ``neurogen.units`` defines for an unscaled unit (scale 1:
``second``, ``amp``/``ampere``, ``mmolar``/``mM``...) and its symbol (``s``, ``A``), with the
dimension ``neurogen.units`` gives it. Names with a power digit (``metre2``) are left out:
``main.cpp`` reads the digit as a power of ``metre``. Prefixes (``m`` in ``ms``) are
``main.cpp``'s own: a value's unit is a prefix letter and a name from this table.
"""
from __future__ import annotations

from dataclasses import dataclass

from .results import unit_name
from ..units.definitions import UNITS

#: Units a ``--set`` value may carry after its number (with a prefix), by the name plans use
#: for them; the others are understood only in the plan's unit expressions.
VALUE_UNITS = frozenset({"second", "volt", "amp", "hertz", "siemens", "farad", "ohm", "metre"})


@dataclass(frozen=True)
class UnitEntry:
    name: str
    canonical: str                  # how plans write the unit (``results.unit_name``), for messages
    exponents: tuple[float, ...]    # m kg s A K mol cd
    in_values: bool


def unit_table() -> list[UnitEntry]:
    """Every unscaled unit of ``neurogen.units`` by each of its names and its symbol, once."""
    entries: dict[str, UnitEntry] = {}
    for name, unit in UNITS.items():
        if unit.scale != 1.0:
            continue
        canonical = unit_name(unit.dim)
        for label in (name, unit.dispname):
            if label and label.isalpha() and label not in entries:
                entries[label] = UnitEntry(label, canonical, tuple(float(e) for e in unit.dim.dims),
                                           canonical in VALUE_UNITS)
    return sorted(entries.values(), key=lambda e: (not e.in_values, e.canonical, e.name))


def units_header() -> str:
    """``units.hpp``: the table as C++ (``kUnitTable``), included by ``main.cpp``."""
    def number(x: float) -> str:
        return str(int(x)) if x.is_integer() else repr(x)

    rows = [f'    {{"{e.name}", "{e.canonical}", {{{", ".join(number(x) for x in e.exponents)}}}, '
            f'{"true" if e.in_values else "false"}}},' for e in unit_table()]
    return ("// neurogen generated from neurogen.units: the unit names main.cpp understands in plan units\n"
            "// and --set values (FORMAT.md). Do not edit: neurogen writes it with the project.\n"
            "#pragma once\n\n"
            "struct UnitTableEntry {\n"
            "    const char* name;\n"
            "    const char* canonical;  // how plans write it (for messages)\n"
            "    double exponents[7];    // m kg s A K mol cd\n"
            "    bool in_values;         // allowed after a number (with a prefix) in --set values\n"
            "};\n\n"
            "constexpr UnitTableEntry kUnitTable[] = {\n" + "\n".join(rows) + "\n};\n")
