"""``Dimension``: the seven SI base exponents of a physical quantity."""
from __future__ import annotations

import functools
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
        if self is DIMENSIONLESS:
            return "1"
        return _DIM_SYMBOLS.get(self) or " ".join(
            s if e == 1 else f"{s}^{_fmt_exponent(e)}" for s, e in zip(_BASE_SYMBOLS, self.dims) if e)

    def __repr__(self) -> str:
        parts = ", ".join(f"{s}={_fmt_exponent(e)}" for s, e in zip(_BASE_SYMBOLS, self.dims) if e)
        return f"Dimension({parts})"

    def _base_expression(self) -> str:
        """Python-style product of base units, used to display unnamed dimensions."""
        return " * ".join(n if e == 1 else f"{n} ** {_fmt_exponent(e)}"
                          for n, e in zip(_BASE_NAMES, self.dims) if e)


DIMENSIONLESS = Dimension()
_DIM_SYMBOLS: dict[Dimension, str] = {}  # filled from the unit table: volt's -> "V", ...


@functools.lru_cache(maxsize=4096)
def _combine(a: Dimension, b: Dimension, sign: float) -> Dimension:
    """Cached product (sign 1) or quotient (sign -1): programs repeat the same pairs."""
    return Dimension(x + sign * y for x, y in zip(a.dims, b.dims))


@functools.lru_cache(maxsize=4096)
def _power(a: Dimension, power: float) -> Dimension:
    return Dimension(x * power for x in a.dims)
