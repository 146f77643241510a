"""``Dimension``: the seven SI base exponents of a physical quantity, and how units of a
dimension are named (``V``, ``V/s``, ``A/m^2``, ``ohm m``) in messages and printed quantities."""
from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from typing import Any, Iterable

_BASE_SYMBOLS = ("m", "kg", "s", "A", "K", "mol", "cd")
_BASE_NAMES = ("metre", "kilogram", "second", "amp", "kelvin", "mole", "candela")
_BASE_INDEX = {name: i for i, name in enumerate(_BASE_SYMBOLS)}
_BASE_INDEX.update(length=0, mass=1, time=2, current=3, temperature=4, substance=5,
                   luminosity=6)


def _norm_exponent(value: float) -> float:
    """Snap float noise to a simple fraction n/d (d <= 12) so that (s**(1/3))**3 is s."""
    value = float(value)
    if value.is_integer():
        return value + 0.0  # -0.0 -> 0.0
    for denominator in range(2, 13):
        numerator = round(value * denominator)
        if abs(value - numerator / denominator) < 1e-9:
            return numerator / denominator
    return value


def _fmt_exponent(value: float) -> str:
    return str(int(value)) if value.is_integer() else f"{value:g}"


class Dimension:
    """Exponents of the seven SI base units; immutable and interned (equal means identical)."""

    __slots__ = ("dims", "_hash")
    _cache: dict[tuple[float, ...], Dimension] = {}

    def __new__(cls, exponents: Iterable[float] = (), **named: float) -> Dimension:
        exps = [float(e) for e in exponents] or [0.0] * 7
        if len(exps) != 7:
            raise ValueError(f"A Dimension needs 7 exponents, got {len(exps)}")
        for key, value in named.items():
            if key not in _BASE_INDEX:
                raise TypeError(f"Unknown base dimension {key!r}")
            exps[_BASE_INDEX[key]] = float(value)
        key = tuple(_norm_exponent(e) for e in exps)
        if key not in cls._cache:
            self = cls._cache[key] = object.__new__(cls)
            object.__setattr__(self, "dims", key)
            object.__setattr__(self, "_hash", hash(key))
        return cls._cache[key]

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Dimension objects are immutable")

    def __reduce__(self) -> tuple[Any, ...]:
        return (Dimension, (self.dims,))

    @property
    def is_dimensionless(self) -> bool:
        return self is DIMENSIONLESS

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Dimension) and self.dims == other.dims

    def __hash__(self) -> int:
        return self._hash

    def __mul__(self, other: Dimension) -> Dimension:
        return _combine(self, other, 1.0) if isinstance(other, Dimension) else NotImplemented

    def __truediv__(self, other: Dimension) -> Dimension:
        return _combine(self, other, -1.0) if isinstance(other, Dimension) else NotImplemented

    def __pow__(self, power: float) -> Dimension:
        return _power(self, float(power))

    def __str__(self) -> str:
        """The unscaled unit's display name (``V``, ``V/s``, ``A/m^2``), as Brian2 shows units in
        messages; SI base units (``m^2 kg s^-4 A^-1``) only where no two named units fit."""
        return unscaled_names(self)[0]

    def __repr__(self) -> str:
        parts = ", ".join(f"{s}={_fmt_exponent(e)}" for s, e in zip(_BASE_SYMBOLS, self.dims) if e)
        return f"Dimension({parts})"



DIMENSIONLESS = Dimension()


def get_or_create_dimension(*args: Any, **named: float) -> Dimension:
    """Brian2's name: a Dimension from 7 exponents (a sequence) or named ones (``length=1``, ``m=1``)."""
    if len(args) > 1:
        raise TypeError("get_or_create_dimension takes one sequence of 7 exponents or keywords")
    return Dimension(args[0] if args else (), **named)


@functools.lru_cache(maxsize=4096)
def _combine(a: Dimension, b: Dimension, sign: float) -> Dimension:
    """Cached product (sign 1) or quotient (sign -1): programs repeat the same pairs."""
    return Dimension(x + sign * y for x, y in zip(a.dims, b.dims))


@functools.lru_cache(maxsize=4096)
def _power(a: Dimension, power: float) -> Dimension:
    return Dimension(x * power for x in a.dims)


# ------------------------------------------------------------------------------------ names

@dataclass(frozen=True)
class Family:
    """A named unit and its prefixed forms (``volt``: ``mvolt``, ``kvolt``...).

    ``power10`` is the unprefixed unit's scale (gram: -3, molar: 3); ``prefixes`` those its
    display may use (Brian2 shows every SI prefix from y to Y except c, d, da and h).
    """

    symbol: str
    name: str
    dim: Dimension
    power10: int
    prefixes: tuple[str, ...]


PREFIXES = {"y": -24, "z": -21, "a": -18, "f": -15, "p": -12, "n": -9, "u": -6, "m": -3, "c": -2,
            "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18, "Z": 21, "Y": 24}
_DISPLAY_PREFIXES = tuple(p for p in PREFIXES if p != "c")


def _family(symbol: str, name: str, power10: int = 0, prefixes: tuple[str, ...] = _DISPLAY_PREFIXES,
            **exponents: float) -> Family:
    return Family(symbol, name, Dimension(**exponents), power10, prefixes)


#: Named units by how readily a message or a printed quantity uses them (``V/s`` before ``A/F``).
FAMILIES: tuple[Family, ...] = (
    _family("V", "volt", m=2, kg=1, s=-3, A=-1),
    _family("A", "amp", A=1),
    _family("S", "siemens", m=-2, kg=-1, s=3, A=2),
    _family("F", "farad", m=-2, kg=-1, s=4, A=2),
    _family("ohm", "ohm", m=2, kg=1, s=-3, A=-2),
    _family("s", "second", s=1),
    _family("m", "metre", m=1),
    _family("Hz", "hertz", s=-1),
    _family("g", "gram", -3, kg=1),
    _family("mol", "mole", mol=1),
    _family("M", "molar", 3, m=-3, mol=1),
    _family("K", "kelvin", 0, ("",), K=1),
    _family("cd", "candela", cd=1),
    _family("C", "coulomb", s=1, A=1),
    _family("W", "watt", m=2, kg=1, s=-3),
    _family("J", "joule", m=2, kg=1, s=-2),
    _family("N", "newton", m=1, kg=1, s=-2),
    _family("Pa", "pascal", m=-1, kg=1, s=-2),
    _family("Wb", "weber", m=2, kg=1, s=-2, A=-1),
    _family("T", "tesla", kg=1, s=-2, A=-1),
    _family("H", "henry", m=2, kg=1, s=-2, A=-2),
)
#: Families used only for a dimension of their own (``lx``), never as a part of a compound name.
_SINGLE_ONLY = frozenset({"M", "lx", "Gy", "kat"})
#: Families a compound name uses only if nothing plainer fits (``A/m^2``, not ``T/H``).
_RARE = frozenset({"C", "W", "J", "N", "Pa", "Wb", "T", "H"})
_EXTRA_FAMILIES = (_family("lx", "lux", m=-2, cd=1), _family("Gy", "gray", m=2, s=-2),
                   _family("kat", "katal", s=-1, mol=1))


@dataclass(frozen=True)
class Factor:
    """One factor of a unit name: a family raised to a power (``m^2`` in ``A/m^2``)."""

    family: Family
    power: float

    def scale_exponent(self, prefix: str) -> float:
        return (PREFIXES[prefix] + self.family.power10) * self.power

    def unscaled_prefix(self) -> str | None:
        """The prefix that makes this family's unit unscaled (``k`` for gram, ``m`` for molar)."""
        return next((p for p in self.family.prefixes if PREFIXES[p] + self.family.power10 == 0), None)

    def names(self, prefix: str, alone: bool) -> tuple[str, str]:
        """(display name, Python name): ``mV^2``/``mvolt2`` alone, ``m^2``/``metre ** 2`` in a compound."""
        symbol, name = prefix + self.family.symbol, prefix + self.family.name
        if name == "kgram":
            name = "kilogram"
        if self.power == 1:
            return symbol, name
        power = _fmt_exponent(self.power)
        if alone and self.power in (2, 3):
            return f"{symbol}^{power}", f"{name}{power}"
        return f"{symbol}^{power}", f"{name} ** {power}"


@dataclass(frozen=True)
class UnitName:
    """How a dimension's units are named: one factor (``mV``), two (``mV/s``, ``ohm m``), or SI
    base units (``m^2 kg s^-4 A^-1``, when nothing shorter fits). Only the first factor takes a
    prefix, so a display picks its scale from the first factor's prefixes."""

    factors: tuple[Factor, ...]
    quotient: bool = False
    base: bool = False  # SI base units: no prefix, powers as ``metre ** 2``

    def prefixes(self) -> tuple[str, ...]:
        return ("",) if self.base else self.factors[0].family.prefixes

    def names(self, prefix: str) -> tuple[str, str]:
        """(display name, Python name) with ``prefix`` on the first factor."""
        if self.base:
            return (" ".join(f.names("", False)[0] for f in self.factors),
                    " * ".join(f.names("", False)[1] for f in self.factors))
        if len(self.factors) == 1:
            return self.factors[0].names(prefix, alone=True)
        first, second = self.factors
        (d1, n1), (d2, n2) = first.names(prefix, False), second.names(_unscaled(second), False)
        return (f"{d1}/{d2}", f"{n1} / {n2}") if self.quotient else (f"{d1} {d2}", f"{n1} * {n2}")

    def scale_exponent(self, prefix: str) -> float:
        if self.base:
            return 0.0
        return self.factors[0].scale_exponent(prefix) + sum(
            f.scale_exponent(_unscaled(f)) for f in self.factors[1:])


def _unscaled(factor: Factor) -> str:
    return factor.unscaled_prefix() or ""


def _base_name(dim: Dimension) -> UnitName:
    base = {f.symbol: f for f in FAMILIES}
    kilogram = Family("kg", "kilogram", Dimension(kg=1), 0, ("",))
    families = [base["m"], kilogram, base["s"], base["A"], base["K"], base["mol"], base["cd"]]
    return UnitName(tuple(Factor(f, e) for f, e in zip(families, dim.dims) if e), base=True)


@functools.lru_cache(maxsize=1024)
def unit_name(dim: Dimension) -> UnitName:
    """The shortest readable name of ``dim``'s units: a named unit to a power (``V``, ``mV^2``),
    else a quotient or product of two (``V/s``, ``A/m^2``, ``ohm m``: fewest powers first, then
    the order of ``FAMILIES``), else SI base units."""
    if dim is DIMENSIONLESS:
        return UnitName(())
    for power in (1, 2, 3, -1, -2, -3):  # V^-1 and S^-1 but not H^-1 (nor M^-1, lx^-1 ...)
        for family in FAMILIES + _EXTRA_FAMILIES:
            if family.dim ** power is dim and (power > 0 or family.symbol not in _SINGLE_ONLY | _RARE):
                return UnitName((Factor(family, float(power)),))
    base = _base_name(dim)
    if len(base.factors) <= 1:  # m^-2, s^-4: a named base unit to a power
        return UnitName(base.factors)
    best: tuple[tuple[int, int, int, int], UnitName] | None = None
    for (i, a), (j, b) in itertools.product(enumerate(FAMILIES), repeat=2):
        if i == j or b.symbol in _SINGLE_ONLY or (a.symbol in _SINGLE_ONLY and a.symbol != "M"):
            continue
        for pa, pb in itertools.product((1, 2, 3), repeat=2):
            for quotient in (True, False):
                if quotient and _combine(a.dim ** pa, b.dim, -float(pb)) is not dim:
                    continue
                if not quotient and (i > j or a.symbol == "M"
                                     or _combine(a.dim ** pa, b.dim ** pb, 1.0) is not dim):
                    continue
                if (a.symbol == "Hz" and pa > 1) or (b.symbol == "Hz" and pb > 1):
                    continue  # V/s^2, not V Hz^2
                cost = pa + pb + 2 * (a.symbol in _RARE) + 2 * (b.symbol in _RARE)
                key = (cost, i, j, 0 if quotient else 1)  # ohm m before m/S, V/s before V Hz
                if best is None or key < best[0]:
                    best = key, UnitName((Factor(a, float(pa)), Factor(b, float(pb))), quotient)
    return best[1] if best is not None else base


def base_unit_names(dim: Dimension) -> tuple[str, str]:
    """(display name, Python name) in SI base units: ``("m^2 kg s^-4 A^-1", "metre ** 2 * ...")``."""
    return _base_name(dim).names("") if dim is not DIMENSIONLESS else ("1", "1")


def unscaled_names(dim: Dimension) -> tuple[str, str]:
    """(display name, Python name) of ``dim``'s unscaled unit: ``("V/s", "volt / second")``."""
    if dim is DIMENSIONLESS:
        return "1", "1"
    name = unit_name(dim)
    return name.names("" if name.base else _unscaled(name.factors[0]))
