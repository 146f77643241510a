"""The operations with jumps (``%``, ``//``, ``floor``, ``int``, ``sign``, ``clip``, comparisons)
and IEEE arithmetic, compiled, against numpy bit for bit over special values: zeros of both
signs, infinities, NaN, exact quotients (7/0.1), values beyond 32-bit integers, subnormals.

The differential tests cannot judge these at their jumps (a value there depends on rounding),
so they are checked here exactly, as Python's and numpy's semantics define them.
"""
from __future__ import annotations

import warnings

import numpy as np

from neurogen import *

SPECIAL = np.array([0.0, -0.0, 1.0, -1.0, 0.1, 7.0, -7.0, 2.5, -2.5, 3.0, 1e300, -1e300, 5e-324,
                    np.inf, -np.inf, np.nan, 3e9, -3e9, 9007199254740993.0, 0.3])

EXPRESSIONS = {
    "a % b": np.remainder, "a // b": np.floor_divide, "a / b": np.true_divide, "a * b": np.multiply,
    "a + b": np.add, "a - b": np.subtract, "(a < b) + 0.0": np.less, "(a >= b) + 0.0": np.greater_equal,
    "(a == b) + 0.0": np.equal, "(a != b) + 0.0": np.not_equal,
    "clip(a, b, 2.0)": lambda a, b: np.minimum(np.maximum(a, b), 2.0),
    "floor(a)": lambda a, b: np.floor(a), "ceil(a)": lambda a, b: np.ceil(a),
    "int(a)": lambda a, b: np.trunc(a), "sign(a)": lambda a, b: np.sign(a), "abs(a)": lambda a, b: np.abs(a),
    "a**2": lambda a, b: np.square(a), "a**0.5": lambda a, b: np.sqrt(a), "a**-1": lambda a, b: 1.0 / a,
    "-a": lambda a, b: -a, "a % 0.1": lambda a, b: np.remainder(a, 0.1), "a // 0.1": lambda a, b: np.floor_divide(a, 0.1),
}


def _same_bits(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Equal as doubles, NaN equal to NaN, and zeros of the same sign."""
    return ((x == y) & (np.signbit(x) == np.signbit(y))) | (np.isnan(x) & np.isnan(y))


def test_operations_with_jumps_and_ieee_arithmetic_are_numpys_bit_for_bit():
    a, b = (grid.ravel() for grid in np.meshgrid(SPECIAL, SPECIAL, indexing="ij"))
    names = {text: f"e{k}" for k, text in enumerate(EXPRESSIONS)}
    model = "a : 1\nb : 1\n" + "\n".join(f"{name} = {text} : 1" for text, name in names.items())
    G = NeuronGroup(len(a), model)
    G.a, G.b = a, b
    M = StateMonitor(G, list(names.values()), record=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the NaN and infinities are intended
        run(0.1 * ms)
    wrong = []
    for text, reference in EXPRESSIONS.items():
        compiled = getattr(M, names[text])[:, 0]
        with np.errstate(all="ignore"):
            expected = np.asarray(reference(a, b), dtype=float)
        same = _same_bits(compiled, expected)
        if text.startswith("clip"):  # numpy's own clip gives either zero for a bound of the other sign
            same |= (compiled == 0) & (expected == 0)
        bad = np.flatnonzero(~same)
        wrong += [f"{text} at a={a[k]!r}, b={b[k]!r}: compiled {compiled[k]!r}, numpy {expected[k]!r}"
                  for k in bad[:3]]
    assert not wrong, "\n".join(wrong)
