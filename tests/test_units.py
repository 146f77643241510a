"""Tests for neurogen.units: dimensions, quantities, unit names and parse_unit."""
from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

from neurogen import units
from neurogen.errors import DimensionMismatchError, EquationError
from neurogen.units import (
    DIMENSIONLESS, UNITS, Dimension, Quantity, Unit, Hz, amp, cm, cm2, farad, fail_for_dimension_mismatch,
    get_dimensions, get_unit, have_same_dimensions, is_dimensionless, kg, kohm, mA, meter, metre,
    mM, ms, msecond, mV, mvolt, nA, nS, ohm, parse_unit, parse_unit_value, pF, second, siemens,
    um2, volt)

VOLT = Dimension(m=2, kg=1, s=-3, A=-1)
SECOND = Dimension(s=1)


# ------------------------------------------------------------------------------ Dimension

def test_dimension_is_interned_hashable_and_compared_by_exponents():
    assert Dimension(m=2, kg=1, s=-3, A=-1) is VOLT
    assert Dimension((2, 1, -3, -1, 0, 0, 0)) == VOLT
    assert hash(Dimension(length=2, mass=1, time=-3, current=-1)) == hash(VOLT)
    assert {VOLT: 1}[get_dimensions(mV)] == 1
    assert Dimension() is DIMENSIONLESS and DIMENSIONLESS.is_dimensionless
    with pytest.raises(AttributeError):
        VOLT.dims = (0,) * 7


def test_dimension_arithmetic():
    assert VOLT / Dimension(A=1) == get_dimensions(ohm)
    assert SECOND ** -1 == get_dimensions(Hz)
    assert (SECOND ** 0.5) ** 2 is SECOND
    assert ((SECOND ** (1 / 3)) ** 3) is SECOND
    assert SECOND * SECOND ** -1 is DIMENSIONLESS


def test_dimension_str():
    assert str(VOLT) == "V"
    assert str(SECOND) == "s"
    assert str(Dimension(A=1)) == "A"
    assert str(get_dimensions(siemens)) == "S"
    assert str(get_dimensions(farad)) == "F"
    assert str(get_dimensions(ohm)) == "ohm"
    assert str(SECOND ** -1) == "Hz"
    assert str(DIMENSIONLESS) == "1"
    assert str(get_dimensions(siemens / meter ** 2)) == "S/m^2"  # issue 12: named units, not SI base units
    assert str(SECOND ** 0.5) == "s^0.5"
    assert repr(VOLT) == "Dimension(m=2, kg=1, s=-3, A=-1)"


def test_dimension_pickles_to_the_same_object():
    assert pickle.loads(pickle.dumps(VOLT)) is VOLT


# ------------------------------------------------------------------------ storage & units

def test_values_are_stored_in_si_units():
    assert float(np.asarray(10 * ms)) == 0.01
    assert np.asarray(10 * ms).dtype == np.float64
    assert float(np.asarray(3 * kohm)) == 3000.0
    assert float(np.asarray(1 * mM)) == 1.0  # mmolar = mol/m^3
    assert float(np.asarray(2 * cm2)) == pytest.approx(2e-4)
    assert float(np.asarray(1 * kg)) == 1.0
    assert type(np.asarray(10 * ms)) is np.ndarray


def test_unit_names_and_values():
    required = ("second ms msecond us usecond ns nsecond volt mV mvolt uV uvolt amp ampere mA uA "
                "nA namp pA pamp siemens mS msiemens uS usiemens nS nsiemens pS farad uF ufarad "
                "nF nfarad pF pfarad ohm kohm Mohm Gohm hertz Hz kHz khertz MHz meter metre mm "
                "mmetre um umetre cm cmetre nm kilogram kg gram mole mmolar molar mM uM kelvin "
                "candela coulomb joule watt newton liter litre meter2 metre2 cm2 um2 mm2 "
                "cm3").split()
    for name in required:
        assert isinstance(UNITS[name], Unit), name
        assert name in units.__all__
        assert getattr(units, name) is UNITS[name]
    assert float(UNITS["molar"]) == 1000.0
    assert float(UNITS["liter"]) == pytest.approx(1e-3)
    assert UNITS["ms"] is msecond and UNITS["metre"].dim is UNITS["meter"].dim
    assert get_dimensions(UNITS["coulomb"]) == get_dimensions(amp * second)
    assert get_dimensions(UNITS["joule"]) == get_dimensions(volt * amp * second)
    for name in ("Quantity", "Dimension", "DIMENSIONLESS", "get_dimensions", "Unit",
                 "have_same_dimensions", "fail_for_dimension_mismatch", "is_dimensionless",
                 "DimensionMismatchError"):
        assert name in units.__all__
    assert "V" not in UNITS and "S" not in UNITS  # Brian2 has no one-letter abbreviations


def test_units_are_read_only_constants():
    x = mV
    with pytest.raises(ValueError):
        x *= 2
    assert float(mV) == 0.001
    assert copy.copy(mV) is mV and copy.deepcopy(mV) is mV
    assert pickle.loads(pickle.dumps(mV)) is mV
    assert repr(mV) == "mvolt" and str(mV) == "mV" and str(ms) == "ms"


# ----------------------------------------------------------------------------- arithmetic

def test_arithmetic_combines_dimensions():
    assert (3 * mV * 2 * nA).dim == get_dimensions(volt * amp)
    assert (mV / nA).dim == get_dimensions(ohm)
    assert (1 / ms).dim == get_dimensions(Hz)
    assert ((2 * mV) ** 2).dim == VOLT ** 2
    assert (10 * nS * 5 * mV).dim == Dimension(A=1)
    assert np.allclose(np.asarray((2 * ms) * (3 * Hz)), 0.006)
    assert isinstance(np.arange(3) * mV, Quantity)
    assert (np.arange(3) * mV).dim is VOLT
    assert ([1, 2] * mV).dim is VOLT and (mV * [1, 2]).dim is VOLT


def test_addition_requires_same_dimensions():
    assert float(np.asarray(1 * mV + 2 * mV)) == pytest.approx(0.003)
    assert (1 * mV - 2 * volt).dim is VOLT
    with pytest.raises(DimensionMismatchError) as info:
        3 * mV + 2 * second
    message = str(info.value)
    assert "V" in message and "s" in message and "units are V and s" in message
    assert info.value.dims == (VOLT, SECOND)
    with pytest.raises(DimensionMismatchError):
        1 * mV + 1
    with pytest.raises(DimensionMismatchError):
        np.array([1.0]) - 1 * ms


def test_plain_zero_fits_any_unit_as_documented_by_brian2():
    assert sum([1 * mV, 2 * mV]).dim is VOLT  # builtin sum starts at 0
    assert (0 + 1 * second).dim is SECOND
    assert (np.zeros(3) + 1 * mV).dim is VOLT
    assert 0 == 0 * mV
    assert bool(1 * mV < np.inf) and bool(-np.inf < 1 * mV)
    with pytest.raises(DimensionMismatchError):
        Quantity(0.0) + 1 * mV  # a dimensionless *quantity* zero is not a wildcard


def test_dimensionless_quantities_mix_with_numbers():
    ratio = (10 * ms) / ms
    assert ratio == 10
    assert float(ratio) == 10.0
    assert ratio + 1 == 11 and ratio * 2 == 20
    assert np.allclose(ratio, 10) and int(ratio) == 10
    assert is_dimensionless(ratio)
    assert repr(ratio) == "10.0"
    assert range(int((3 * ms) / ms)) == range(3)


def test_power_needs_dimensionless_scalar_exponent():
    assert (ms ** 0.5).dim == SECOND ** 0.5
    assert ((4 * ms ** 2) ** 0.5).dim is SECOND
    assert (2 * mV ** -1).dim == VOLT ** -1
    assert get_dimensions((3 * mV) ** 0) is DIMENSIONLESS
    assert get_dimensions(2 ** ((np.arange(3) * ms) / ms)) is DIMENSIONLESS
    with pytest.raises(DimensionMismatchError):
        2 ** (1 * mV)
    with pytest.raises(DimensionMismatchError):
        mV ** (1 * ms)
    with pytest.raises(TypeError):
        (np.arange(3) * mV) ** np.array([1, 2, 3])


def test_unary_operations_keep_units():
    q = np.array([-1.0, 2.0]) * mV
    assert (-q).dim is VOLT and abs(q).dim is VOLT
    assert np.array_equal(np.asarray(abs(q)), [0.001, 0.002])
    assert (+q).dim is VOLT


def test_floor_division_modulo_and_divmod():
    assert float((7 * ms) // (2 * ms)) == 3.0
    assert ((7 * ms) % (2 * ms)).dim is SECOND
    quotient, remainder = divmod(7 * ms, 2 * ms)
    assert float(quotient) == 3.0 and remainder.dim is SECOND
    with pytest.raises(DimensionMismatchError):
        (3 * mV) % (5 * mA)


def test_in_place_operations_on_quantities():
    q = np.arange(3) * mV
    q += 1 * mV
    q += 0
    assert q.dim is VOLT and np.allclose(np.asarray(q), [0.001, 0.002, 0.003])
    with pytest.raises(DimensionMismatchError):
        q += 1
    q *= 2 * ms
    assert q.dim == VOLT * SECOND


# ---------------------------------------------------------------------------- comparisons

def test_comparisons_return_plain_bool_arrays():
    q = np.arange(4) * mV
    result = q >= 2 * mV
    assert type(result) is np.ndarray and result.dtype == bool
    assert result.tolist() == [False, False, True, True]
    assert (q == 1 * mV).tolist() == [False, True, False, False]
    assert (q != 1 * mV).sum() == 3
    assert bool(3 * mV < 1 * volt) and bool(1 * volt > 3 * mV)
    assert bool(1000 * mV == 1 * volt)


@pytest.mark.parametrize("compare", [
    lambda: 3 * mV < 5 * mA, lambda: 3 * mV >= 5, lambda: 5 * second == 3 * volt,
    lambda: 5 * second != 3 * volt, lambda: 3 <= 5 * mA])
def test_comparisons_require_same_dimensions(compare):
    with pytest.raises(DimensionMismatchError):
        compare()


def test_comparison_with_none_is_false():
    assert (1 * mV == None) is False  # noqa: E711
    assert (1 * mV != None) is True  # noqa: E711


# --------------------------------------------------------------------------------- ufuncs

def test_ufuncs_change_or_check_dimensions():
    assert np.sqrt(4 * ms * ms).dim is SECOND
    assert np.allclose(np.asarray(np.sqrt(4 * ms * ms)), 0.002)
    assert np.square(3 * mV).dim == VOLT ** 2
    assert np.abs(-3 * mV).dim is VOLT
    assert get_dimensions(np.exp((10 * ms) / ms)) is DIMENSIONLESS
    assert np.allclose(np.sin(np.pi / 2 * (ms / ms)), 1.0)
    for func in (np.exp, np.log, np.sin, np.cos, np.tanh, np.log10):
        with pytest.raises(DimensionMismatchError) as info:
            func(3 * mV)
        assert "V" in str(info.value)
    assert type(np.isnan(np.array([1.0, np.nan]) * mV)) is np.ndarray
    assert np.floor(1.5 * (mV / mV)) == 1


def test_reductions_and_numpy_functions_keep_units():
    q = np.array([1.0, 2.0, 3.0, 6.0]) * mV
    for result, value in [(np.sum(q), 12), (q.sum(), 12), (np.mean(q), 3), (q.mean(), 3),
                          (np.max(q), 6), (np.min(q), 1), (q.max(), 6), (np.median(q), 2.5),
                          (np.std(np.array([1.0, 3.0]) * mV), 1)]:
        assert result.dim is VOLT
        assert float(np.asarray(result)) == pytest.approx(value * 1e-3)
    assert np.var(q).dim == VOLT ** 2
    assert np.cumsum(q).dim is VOLT and np.diff(q).dim is VOLT
    assert np.allclose(np.asarray(np.diff(q)), [0.001, 0.001, 0.003])
    clipped = np.clip(q, 2 * mV, 3 * mV)
    assert clipped.dim is VOLT and np.allclose(np.asarray(clipped), [0.002, 0.002, 0.003, 0.003])
    assert np.clip(q, 0, np.inf).dim is VOLT
    assert np.maximum(q, 2 * mV).dim is VOLT
    assert np.sort(q[::-1]).dim is VOLT
    assert (np.ones((2, 3)) * nA).sum(axis=1).dim == Dimension(A=1)
    assert (np.array([2.0, 3.0]) * mV).prod().dim == VOLT ** 2
    assert np.round(3.14159 * mV, 4).dim is VOLT
    assert type(np.argsort(q)) is np.ndarray and np.argmax(q) == 3
    with pytest.raises(DimensionMismatchError):
        np.clip(q, 1 * ms, 2 * ms)
    with pytest.raises(DimensionMismatchError):
        np.cumprod(q)


def test_isclose_allclose_array_equal():
    q = np.array([1.0, 2.0]) * mV
    zero = 0 * volt  # as Brian2, atol must be given in the values' units (the default 1e-8 has none)
    assert np.allclose(q, [1.0, 2.0] * mV, atol=zero)
    assert np.allclose(q, q + 1e-12 * volt, atol=zero)
    assert not np.allclose(q, 2 * q, atol=zero)
    assert np.isclose(1 * mV, 1.0000001 * mV, atol=zero)
    assert type(np.isclose(q, q, atol=zero)) is np.ndarray
    with pytest.raises(DimensionMismatchError, match="atol"):
        np.allclose(q, q)
    assert np.allclose(q, q, atol=1e-6 * volt)
    with pytest.raises(DimensionMismatchError):
        np.allclose(q, np.array([1.0, 2.0]) * ms)
    with pytest.raises(DimensionMismatchError):
        np.allclose(q, q, atol=1 * ms)
    assert np.array_equal(q, np.array([1.0, 2.0]) * mV)
    assert not np.array_equal(1 * mV, 1 * mA)
    assert not np.array_equal(q, 2 * q)


def test_concatenate_stack_and_dot():
    q = np.arange(3) * mV
    for result in (np.concatenate([q, q]), np.hstack([q, q]), np.vstack([q, q]),
                   np.stack([q, q]), np.append(q, 1 * mV)):
        assert result.dim is VOLT
    assert np.concatenate([q, q]).shape == (6,)
    with pytest.raises(DimensionMismatchError):
        np.concatenate([q, np.arange(3) * ms])
    assert np.dot(q, q).dim == VOLT ** 2 and (q @ q).dim == VOLT ** 2


# ---------------------------------------------------------------------- indexing & co.

def test_indexing_and_slicing_keep_units():
    q = np.arange(5) * mV
    element = q[2]
    assert isinstance(element, Quantity) and element.dim is VOLT and element.ndim == 0
    assert float(element) == pytest.approx(0.002)
    assert q[1:3].dim is VOLT and q[q > 2 * mV].dim is VOLT and q[[0, 4]].dim is VOLT
    grid = np.ones((2, 3)) * nA
    assert grid[0].dim == Dimension(A=1) and grid[0, 1].dim == Dimension(A=1)
    assert grid.T.dim == Dimension(A=1) and grid.reshape(6).dim == Dimension(A=1)


def test_len_and_iteration():
    q = np.arange(3) * mV
    assert len(q) == 3
    items = list(q)
    assert all(isinstance(x, Quantity) and x.dim is VOLT for x in items)
    assert [float(x) for x in items] == pytest.approx([0.0, 0.001, 0.002])
    with pytest.raises(TypeError):
        iter(1 * mV)


def test_setitem_checks_units():
    q = np.zeros(3) * mV
    q[0] = 5 * mV
    q[1:] = [1 * mV, 2 * mV]
    q[2] = 0
    assert np.allclose(np.asarray(q), [0.005, 0.001, 0.0])
    with pytest.raises(DimensionMismatchError):
        q[0] = 5
    with pytest.raises(DimensionMismatchError):
        q[0] = 5 * ms


def test_float_and_conversions():
    assert float(3 * mV) == pytest.approx(0.003)  # like Brian2: the SI value
    assert np.asarray(np.arange(2) * mV).tolist() == [0.0, 0.001]
    assert np.array(2 * mV) == 0.002
    assert round((3.6 * ms) / ms) == 4


def test_quantity_constructor():
    q = Quantity(5, dim=VOLT)
    assert q.dim is VOLT and q.dimensions is VOLT and float(q) == 5.0
    assert Quantity(np.arange(3)).dim is DIMENSIONLESS
    assert Quantity(np.arange(3)).dtype == np.float64
    assert Quantity([1 * mV, 2 * mV]).dim is VOLT
    assert Quantity(2 * mV).dim is VOLT
    with pytest.raises(DimensionMismatchError):
        Quantity([1 * mV, 2 * second])


# ------------------------------------------------------------------------- repr and str

def test_repr_and_str_like_brian2():
    assert repr(10 * ms) == "10. * msecond"
    assert str(10 * ms) == "10. ms"
    assert repr(15 * mV) == "15. * mvolt"
    assert repr(-70 * mV) == "-70. * mvolt"
    assert repr(np.array([1.0, 2.0]) * mV) == "array([1., 2.]) * mvolt"
    assert str([10, 20, 30] * Hz) == "[10. 20. 30.] Hz"
    assert repr(2 * second) == "2. * second"
    assert repr(3 * nS) == "3. * nsiemens"
    assert repr(5 * pF) == "5. * pfarad"
    assert repr(2 * kohm) == "2. * kohm"
    assert repr(1 * kg) == "1. * kilogram"
    assert repr(0.5 * Hz) == "0.5 * hertz"  # Brian2 2.9: the prefix that puts the value nearest 10
    assert repr(3 * um2) == "3. * umetre2"
    assert repr(0 * mV) == "0. * volt"
    assert repr(np.arange(3.0)) == "array([0., 1., 2.])"
    assert repr(Quantity(np.arange(3.0))) == "Quantity(array([0., 1., 2.]))"


def test_repr_of_unnamed_dimensions():  # issue 12: two named units rather than SI base units
    assert repr(1 * volt / metre) == "1. * volt / metre"
    assert str(2 * volt / second) == "2. V/s"


# ---------------------------------------------------------------------------- pickling

def test_pickle_and_copy_keep_units():
    q = np.arange(3) * mV
    for clone in (pickle.loads(pickle.dumps(q)), copy.copy(q), copy.deepcopy(q), q.copy()):
        assert isinstance(clone, Quantity) and clone.dim is VOLT
        assert np.array_equal(clone, q)
    scalar = pickle.loads(pickle.dumps(10 * ms))
    assert scalar.dim is SECOND and float(scalar) == 0.01


# ------------------------------------------------------------------------ helper functions

def test_get_dimensions():
    assert get_dimensions(3) is DIMENSIONLESS
    assert get_dimensions(np.arange(3)) is DIMENSIONLESS
    assert get_dimensions(np.float64(2.0)) is DIMENSIONLESS
    assert get_dimensions(5 * mV) is VOLT
    assert get_dimensions(VOLT) is VOLT
    with pytest.raises(TypeError):
        get_dimensions("volt")


def test_have_same_dimensions_and_is_dimensionless():
    assert have_same_dimensions(mV, volt)
    assert have_same_dimensions(3, ms / second)
    assert not have_same_dimensions(mV, ms)
    assert is_dimensionless(3.0) and is_dimensionless(ms / second)
    assert not is_dimensionless(ms)


def test_fail_for_dimension_mismatch():
    assert fail_for_dimension_mismatch(3 * mV, 1 * volt) == (VOLT, VOLT)
    fail_for_dimension_mismatch(3)
    with pytest.raises(DimensionMismatchError) as info:
        fail_for_dimension_mismatch(3 * mV, 1 * ms, "Bad value {value}", value=3 * mV)
    assert str(info.value) == "Bad value 3. mV (units are V and s)."
    with pytest.raises(DimensionMismatchError) as info:
        fail_for_dimension_mismatch(3 * mV)
    assert "unit is V" in str(info.value)


def test_get_unit():
    assert get_unit(VOLT) is volt
    assert get_unit(SECOND ** -1) is UNITS["hertz"]
    assert get_unit(get_dimensions(siemens / metre ** 2)).dim == get_dimensions(siemens / metre ** 2)


# ----------------------------------------------------------------------------- parse_unit

@pytest.mark.parametrize("text, expected", [
    ("1", DIMENSIONLESS),
    ("volt", VOLT),
    ("siemens/meter**2", get_dimensions(siemens) / Dimension(m=2)),
    ("amp/meter**2", Dimension(m=-2, A=1)),
    ("1/second", SECOND ** -1),
    ("volt**2", VOLT ** 2),
    ("Hz", SECOND ** -1),
    ("second**-1", SECOND ** -1),
    ("farad/metre**2", get_dimensions(farad) / Dimension(m=2)),
    ("ohm*metre", get_dimensions(ohm) * Dimension(m=1)),
    ("metre**0.5", Dimension(m=0.5)),
    ("(volt*second)/(amp)", VOLT * SECOND / Dimension(A=1)),
    ("mmolar", Dimension(m=-3, mol=1)),
    (" kg ", Dimension(kg=1)),
])
def test_parse_unit(text, expected):
    assert parse_unit(text) is expected


@pytest.mark.parametrize("text, fragment", [
    ("mV", "use 'volt', not 'mV'"),
    ("siemens/cm**2", "use 'metre', not 'cm'"),
    ("ms", "'second', not 'ms'"),
    ("2*volt", "not a base unit"),
])
def test_parse_unit_rejects_scaled_units_like_brian2(text, fragment):
    with pytest.raises(ValueError) as info:
        parse_unit(text)
    assert fragment in str(info.value)


@pytest.mark.parametrize("text, fragment", [
    ("foo", "'foo'"),
    ("volt/bar", "'bar'"),
    ("V", "'V'"),
    ("volt +", "Cannot parse"),
    ("volt)", "Cannot parse"),
    ("", "Empty"),
    ("volt + volt", "Unsupported"),
    ("volt**volt", "plain numbers"),
    ("__import__('os')", "Unsupported"),
    ("volt.real", "Unsupported"),
])
def test_parse_unit_errors(text, fragment):
    with pytest.raises(EquationError) as info:
        parse_unit(text)
    assert isinstance(info.value, ValueError)
    assert fragment in str(info.value)


def test_parse_unit_value():
    assert float(parse_unit_value("mV")) == 0.001
    assert parse_unit_value("siemens/cm**2").dim == get_dimensions(siemens / cm ** 2)
    assert float(parse_unit_value("siemens/cm**2")) == pytest.approx(1e4)
