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


def test_sympy_does_not_rewrite_numbers_into_other_results():
    """Bugs: sympy split exp(a - 745.0) into 2.8e-324*exp(a), pulled whole numbers out of
    floor (floor(a + 1) as floor(a) + 1), computed (a/3)**1000 exactly (refused as too large)
    and reasoned 1/0**a into no value. Compiled values now follow the text."""
    a = np.array([745.0, -790.0, -1e-17, 3.0, 0.0, 2.0])
    texts = {"exp(a - 745.0)": lambda a: np.exp(a - 745.0), "exp(a + 800.0)": lambda a: np.exp(a + 800.0),
             "floor(a + 1)": lambda a: np.floor(a + 1), "ceil(a - 1)": lambda a: np.ceil(a - 1),
             "(a/3)**1000": lambda a: (a / 3) ** 1000, "1/0**a": lambda a: 1 / 0.0**a}
    names = {text: f"e{k}" for k, text in enumerate(texts)}
    G = NeuronGroup(len(a), "a : 1\n" + "\n".join(f"{n} = {t} : 1" for t, n in names.items()))
    G.a = a
    M = StateMonitor(G, list(names.values()), record=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        run(0.1 * ms)
    for text, reference in texts.items():
        with np.errstate(all="ignore"):
            expected = reference(a)
        np.testing.assert_allclose(getattr(M, names[text])[:, 0], expected, rtol=1e-12, err_msg=text)


def test_reading_a_subexpression_from_python_computes_as_the_compiled_code():
    """Bug: G.e evaluated with numpy's own types: k*2 wrapped at 32 bits, bb + bb was True,
    tanh(bb) a float16, -bb and chained comparisons raised."""
    G = NeuronGroup(3, """a : 1
                          k : integer
                          bb : boolean
                          e1 = k*2 + bb + bb : 1
                          e2 = tanh(bb) + (a < 1 < 3) - bb : 1
                          e3 = a*2 : integer
                          e4 = a : boolean""")
    G.a, G.k, G.bb = [1.7, -1.3, 0.0], [-2**31, 3, 4], [True, False, True]
    M = StateMonitor(G, ["e1", "e2", "e3", "e4"], record=True)
    run(0.1 * ms)
    for name in ("e1", "e2", "e3", "e4"):
        np.testing.assert_array_equal(np.asarray(getattr(G, name), dtype=float), getattr(M, name)[:, 0])
    assert list(G.e1) == [-2.0**32 + 2, 6.0, 10.0]
    assert list(G.e3) == [3, -2, 0] and list(G.e4) == [True, True, False]


def test_reading_with_constants_gives_ieee_values_as_the_compiled_code():
    """Bug: constants stayed Python floats in a G.e read: c**3.0 raised OverflowError, p/z
    ZeroDivisionError, q**0.5 gave a complex number (the compiled code: inf, inf, NaN)."""
    G = NeuronGroup(2, "a : 1\ne1 = a*c**3.0 : 1\ne2 = a + p/z : 1\ne3 = a + q**0.5 : 1",
                    namespace={"c": 1e300, "p": 3.0, "z": 0.0, "q": -4.0})
    G.a = [1.0, 2.0]
    M = StateMonitor(G, ["e1", "e2", "e3"], record=True)
    run(0.1 * ms)
    for name in ("e1", "e2", "e3"):
        np.testing.assert_array_equal(np.asarray(getattr(G, name)), getattr(M, name)[:, 0])
