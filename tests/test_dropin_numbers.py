"""Issue 12, part 6: numbers as Brian2 takes them — sizes given as integral floats (computed as
``epsilon * N_E``), numpy integer and float scalars, ``range`` objects as index arrays.

Brian2 2.9 (observed): ``NeuronGroup(10000.0)``, ``NeuronGroup(np.float64(4))``, ``PoissonGroup(5.0)``,
``SpikeGeneratorGroup(5.0, ...)`` and ``PoissonInput(..., N=0.2 * 20)`` are accepted; ``range`` works as
indices for ``connect``, variables, ``StateMonitor(record=)``, ``SpikeGeneratorGroup`` and as
``TimedArray`` values. Where Brian2 silently truncates a fractional size (``NeuronGroup(10.5)`` has 10
neurons, ``PoissonInput(N=4.5)`` draws Binomial(4.5, p)), neurogen refuses: that is a mistake in
the script, not a size.
"""
from __future__ import annotations

import numpy as np
import pytest

from neurogen import *


@pytest.mark.parametrize("size", [10.0, np.float64(4), np.float32(3), np.int64(7), np.int32(2), np.uint16(5),
                                  0.1 * 3 * 10])
def test_integral_sizes_are_taken_as_brian2_takes_them(size):
    expected = int(round(float(size)))
    assert NeuronGroup(size, "v : 1").N == expected
    assert len(NeuronGroup(size, "v : 1")) == expected
    assert PoissonGroup(size, 3 * Hz).N == expected
    assert SpikeGeneratorGroup(size, [0], [1] * ms).N == expected
    G = NeuronGroup(2, "v : 1")
    assert PoissonInput(G, "v", N=size, rate=1 * Hz, weight=1).N == expected
    assert isinstance(PoissonInput(G, "v", N=size, rate=1 * Hz, weight=1).N, int)


def test_a_size_computed_as_a_fraction_of_another_works():
    N_E, epsilon = 10000, 0.1
    G = NeuronGroup(2, "v : 1")
    P = PoissonInput(G, "v", N=epsilon * N_E, rate=10 * Hz, weight=0.1)
    assert P.N == 1000


@pytest.mark.parametrize("size", [10.5, 0.5, float("nan"), float("inf")])
def test_a_fractional_size_is_refused_not_truncated(size):
    with pytest.raises(ValueError, match=r"NeuronGroup 'neurongroup.*': N, the number of neurons, must be an "
                                         r"integer from 1 to"):
        NeuronGroup(size, "v : 1")
    G = NeuronGroup(2, "v : 1")
    with pytest.raises(ValueError, match="N, the number of Poisson sources, must be an integer"):
        PoissonInput(G, "v", N=size, rate=1 * Hz, weight=1)
    with pytest.raises(TypeError, match="N, the number of neurons, must be an integer"):  # Brian2: TypeError
        SpikeGeneratorGroup(size, [], [] * ms)


@pytest.mark.parametrize("size", ["3", True, 4 * ms, [3]])
def test_a_size_that_is_no_number_is_a_type_error(size):
    with pytest.raises(TypeError, match="N, the number of neurons, must be an integer"):
        NeuronGroup(size, "v : 1")


def test_range_objects_and_numpy_integers_as_indices():
    G = NeuronGroup(6, "v : 1")
    G.v[range(2, 4)] = 5
    assert G.v[:].tolist() == [0, 0, 5, 5, 0, 0]
    assert G.v[range(1, 4)].tolist() == [0, 5, 5]
    assert G.v[np.int64(3)] == 5 and G.v[np.int32(0)] == 0
    S = Synapses(G, G, "w : 1")
    S.connect(i=range(3), j=range(3, 6))
    S.connect(i=np.int64(5), j=np.int32(0))
    assert list(zip(S.i[:], S.j[:])) == [(0, 3), (1, 4), (2, 5), (5, 0)]
    M = StateMonitor(G, "v", record=range(3))
    assert list(M.record) == [0, 1, 2]
    assert list(StateMonitor(G, "v", record=np.int64(4)).record) == [4]
    gen = SpikeGeneratorGroup(3, range(3), [1, 2, 3] * ms)
    assert gen.N == 3
    ta = TimedArray(range(3), dt=1 * ms)
    assert ta.values.tolist() == [0, 1, 2]
    assert G[np.int64(2):].N == 4


def test_a_model_may_declare_radians_as_brian2s_jeffress_example():
    G = NeuronGroup(2, "dtheta/dt = angular_speed : radian\nangular_speed : radian/second")
    G.angular_speed = 2 * pi / second
    assert G.theta[:].tolist() == [0.0, 0.0]  # radian is dimensionless, as in Brian2
    assert (G.angular_speed[:] / Hz).tolist() == [2 * pi, 2 * pi]
    namespace: dict = {}
    exec("from neurogen import *", namespace)
    assert "radian" not in namespace  # as Brian2's star import


def test_physical_constants_module_as_brian2s():
    from neurogen.units.constants import faraday_constant, gas_constant, zero_celsius, elementary_charge

    # Brian2 2.9: faraday_constant = 96485.33289 C/mol, gas_constant = 8.3144598 J/(mol K)
    assert abs(float(faraday_constant / (coulomb / mole)) - 96485.33289) < 1e-6
    assert abs(float(gas_constant / (joule / mole / kelvin)) - 8.3144598) < 1e-12
    assert float(zero_celsius / kelvin) == 273.15 and float(elementary_charge / coulomb) == 1.6021766208e-19
    thermal_voltage = gas_constant * (zero_celsius + 36 * kelvin) / faraday_constant
    assert abs(float(thermal_voltage / mV) - 26.64047654) < 1e-6


def test_statemonitor_record_takes_whole_floats_as_brian2():
    G = NeuronGroup(4, "v : 1")
    assert list(StateMonitor(G, "v", record=2.0).record) == [2]
    assert list(StateMonitor(G, "v", record=[1.0, 3.0]).record) == [1, 3]
    with pytest.raises(TypeError, match="record= must be True, False or integer indices"):
        StateMonitor(G, "v", record=1.5)


def test_a_range_assigned_to_a_variable_as_brian2s_tetzlaff_example():
    G = NeuronGroup(4, "x : 1")
    G.x = range(4)
    assert G.x[:].tolist() == [0, 1, 2, 3]
