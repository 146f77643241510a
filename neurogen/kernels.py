"""Synaptic kernels as checked model text: exponential, alpha and biexponential responses.

A kernel is the response of a target variable ``g`` to one spike of weight ``w``. Written as
linear ODEs, it is integrated exactly (``method='exact'``, in a linear model; with ``g*(E - v)``
in ``dv/dt`` use ``'rk4'``, see ``Kernel.equations``), and the one thing simulators get
wrong is the normalization: the same two ODEs give a peak of ``w``, ``w/e`` or ``w*tau`` (in the
simulator's time unit) depending on the factor in the ``on_pre`` statement. Here the factor is
computed in Python, to full double precision, from the closed form::

    from neurogen import kernels
    k = kernels.alpha(5*ms, normalize='peak')                  # one spike of weight w peaks at w
    G = NeuronGroup(N, model + k.equations('g'))               # g in siemens (conductance input)
    S = Synapses(P, G, 'w : siemens', on_pre=k.on_pre('g', 'w'))
    # model: dv/dt = (gL*(EL - v) + <k.current('g')>)/C : volt, with E given to the kernel

``normalize`` (what one spike of weight ``w`` gives; the convention of other simulators):

- ``'peak'``: the response peaks at exactly ``w`` (NEST, NESTML, PyNN's alpha and beta synapses).
- ``'area'``: the response integrates to ``w`` times one second (its integral has the units of
  ``w*second``; ``g`` keeps the units of ``w``).
- ``None``: the raw ODE form, ``x += w`` into the kernel's first variable (Brian2's documentation's
  alpha synapse, which peaks at ``w/e``): see each function for its closed form.

Timing (the documented one-step alignment): a spike delivered in step ``k`` (time ``t_k``, no
delay) adds to the kernel's variables in the ``synapses`` slot of step ``k``, after that step's
state update. So the value of ``g`` after the synapses slot of step ``n`` is exactly
``sum_spikes w*kernel(t_n - t_k)`` (a StateMonitor with ``when='after_synapses'`` or ``'end'``
records this), and a StateMonitor in its default slot (``'start'`` of step ``n``) records
``sum_spikes w*kernel(t_n - dt - t_k)``: the convolution one step late.

The time constants and factors are numbers in the model text (``(0.005*second)``, ``repr`` of
the double), so a kernel needs no namespace, its model text means the same in Brian2, and two
kernels with different time constants are different model structures (compiled separately).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .errors import DimensionMismatchError
from .frontend.equations import Equations
from .units import Quantity, Unit, get_dimensions, second
from .units.dimensions import DIMENSIONLESS, unscaled_names

Normalize = Literal["peak", "area"] | None
Input = Literal["current", "conductance"]

_NORMALIZE = ("peak", "area", None)
_INPUT = ("current", "conductance")
#: how much longer than tau_decay tau_rise may be (rounding), before it is refused as swapped
_SWAP_TOLERANCE = 1e-9
#: the unit of ``g`` when ``equations()`` is not told: the unit of a weight of that input kind
_DEFAULT_UNIT = {"conductance": "siemens", "current": "amp"}


@dataclass(frozen=True)
class Kernel:
    """A synaptic kernel: ``equations(var)`` for the target group, ``on_pre(var, weight)`` for the
    Synapses, ``current(var)`` for the membrane equation; ``response(t)`` is its closed form.

    ``tau_rise`` is ``None`` for an exponential kernel (it jumps), equal to ``tau_decay`` for an
    alpha kernel. Times are in seconds (floats); ``reversal`` is model text or ``None``."""

    shape: Literal["exponential", "alpha", "biexponential"]
    tau_rise: float | None
    tau_decay: float
    normalize: Normalize
    input: Input
    reversal: str | None

    # ---- closed form -------------------------------------------------------------------------
    def _raw(self, t: np.ndarray) -> np.ndarray:
        """The raw form's response to one spike of weight 1 (``normalize=None``), for ``t >= 0``."""
        a = 1.0 / self.tau_decay
        if self.tau_rise is None:
            return np.exp(-a * t)
        # tau_r/(tau_d - tau_r)*(exp(-t/tau_d) - exp(-t/tau_r)) = a*t*exp(-a*t)*phi((b - a)*t)
        # with b = 1/tau_r and phi(x) = (1 - exp(-x))/x: no cancellation when tau_r ~ tau_d
        b_minus_a = (self.tau_decay - self.tau_rise) / (self.tau_decay * self.tau_rise)
        x = b_minus_a * t
        with np.errstate(invalid="ignore", divide="ignore"):
            phi = np.where(x == 0.0, 1.0, -np.expm1(-x) / np.where(x == 0.0, 1.0, x))
        return a * t * np.exp(-a * t) * phi

    @property
    def _raw_peak_time(self) -> float:
        if self.tau_rise is None:
            return 0.0
        if self.tau_rise == self.tau_decay:
            return self.tau_decay
        # ln(tau_d/tau_r)/(1/tau_r - 1/tau_d), with log1p: accurate when tau_r ~ tau_d
        ratio_minus_one = (self.tau_decay - self.tau_rise) / self.tau_rise
        return math.log1p(ratio_minus_one) * self.tau_decay * self.tau_rise / (self.tau_decay - self.tau_rise)

    @property
    def _raw_area(self) -> float:
        """Integral of the raw response in seconds: tau (exponential, alpha), tau_rise (biexponential)."""
        return self.tau_decay if self.tau_rise is None else self.tau_rise

    @property
    def factor(self) -> float:
        """The number ``on_pre`` multiplies the weight by: 1 (raw), 1/raw peak (``'peak'``: ``e``
        for alpha) or one second/raw area (``'area'``)."""
        if self.normalize == "peak":
            return 1.0 / float(self._raw(np.float64(self._raw_peak_time)))
        if self.normalize == "area":
            return 1.0 / self._raw_area
        return 1.0

    def response(self, t: object, w: float = 1.0) -> np.ndarray:
        """The closed form: the response of ``g`` to one spike of weight ``w`` at time 0, at times
        ``t`` (seconds or a time quantity); 0 before the spike, ``factor*w`` at 0 for an
        exponential kernel (it jumps)."""
        times = np.asarray(t / second if isinstance(t, Quantity) else t, dtype=float)
        values = self.factor * self._raw(np.maximum(times, 0.0))
        return np.where(times >= 0.0, values, 0.0) * w

    def __call__(self, t: object, w: float = 1.0) -> np.ndarray:
        """``k(t, w)`` is ``k.response(t, w)``: the kernel as a function, for convolutions."""
        return self.response(t, w)

    @property
    def peak(self) -> float:
        """The peak of the response to one spike of weight 1 (1 for ``'peak'``)."""
        return float(self.response(self._raw_peak_time))

    @property
    def time_to_peak(self) -> Quantity:
        """When the response peaks: 0 s for an exponential kernel, ``tau`` for alpha, and
        ``ln(tau_decay/tau_rise)*tau_rise*tau_decay/(tau_decay - tau_rise)`` for biexponential."""
        return self._raw_peak_time * second

    @property
    def area(self) -> Quantity:
        """The integral of the response to one spike of weight 1 (1 second for ``'area'``)."""
        return self.factor * self._raw_area * second

    # ---- model text --------------------------------------------------------------------------
    def _helper(self, var: str) -> str:
        """The hidden variable that rises into ``var`` (alpha, biexponential): ``x_<var>``; a
        Synapses name ``g_post`` keeps its suffix (``x_g_post``)."""
        for suffix in ("_post", "_pre"):
            if var.endswith(suffix) and len(var) > len(suffix):
                return f"x_{var[:-len(suffix)]}{suffix}"
        return f"x_{var}"

    def equations_text(self, var: str, unit: object = None) -> str:
        """The model lines of ``equations()`` as text (also valid Brian2 model text)."""
        var = _check_name(var, "the kernel's variable")
        unit_text = _unit_text(unit if unit is not None else _DEFAULT_UNIT[self.input])
        decay = _time_text(self.tau_decay)
        if self.tau_rise is None:
            return f"d{var}/dt = -{var}/{decay} : {unit_text}\n"
        helper = self._helper(var)
        return (f"d{var}/dt = ({helper} - {var})/{decay} : {unit_text}\n"
                f"d{helper}/dt = -{helper}/{_time_text(self.tau_rise)} : {unit_text}\n")

    def equations(self, var: str, unit: object = None) -> Equations:
        """The kernel's ODEs for a variable named ``var`` (plus ``x_<var>`` for alpha and
        biexponential kernels), linear, so ``method='exact'`` integrates them.

        ``unit`` is the unit of ``var``, which must be the unit of the weight (``'siemens'``,
        ``'amp'``, ``'1'``, a unit such as ``nS``: stored as its SI unit); by default the unit
        of the kernel's input: ``siemens`` for ``input='conductance'``, ``amp`` for ``'current'``.
        Add it to a model: ``NeuronGroup(N, model + k.equations('g'))``. Alone or with linear
        equations, ``method='exact'`` integrates it to rounding; with ``g*(E - v)`` in ``dv/dt``
        the equations are not linear, the automatic choice is ``euler`` (about 1% off for a 5 ms
        alpha kernel at dt = 0.1 ms): use ``method='rk4'`` (about 1e-8 there)."""
        return Equations(self.equations_text(var, unit))

    def on_pre(self, var: str, weight: str = "w") -> str:
        """The statement that applies one spike of ``weight`` (a name or expression of the
        Synapses) to ``var``: ``g += w`` (exponential) or ``x_g += <factor>*w``."""
        var = _check_name(var, "the kernel's variable")
        if not isinstance(weight, str) or not weight.strip():
            raise TypeError(f"{self.shape} kernel: on_pre({var!r}, weight): the weight must be a name or an "
                            f"expression of the Synapses (e.g. 'w'), got {weight!r}")
        weight = weight.strip()
        target = var if self.tau_rise is None else self._helper(var)
        factor = self.factor
        if factor == 1.0:
            return f"{target} += {weight}"
        term = weight if weight.isidentifier() else f"({weight})"
        return f"{target} += {factor!r}*{term}"

    def current(self, var: str, v: str = "v") -> str:
        """The term for the membrane equation: ``var*(E - v)`` for a conductance kernel (``E`` the
        kernel's reversal potential), ``var`` for a current kernel."""
        var = _check_name(var, "the kernel's variable")
        if self.input == "current":
            return var
        if self.reversal is None:
            raise ValueError(f"{self.shape} kernel: current({var!r}) of a conductance needs a reversal potential: "
                             f"give it to the kernel, e.g. kernels.{self.shape}(..., input='conductance', "
                             "E=0*mV) or E='E_exc' (a name of the model or namespace)")
        return f"{var}*({self.reversal} - {v})"


def exponential(tau: Quantity, normalize: Normalize = "peak", input: Input = "conductance",
                E: object = None) -> Kernel:
    """An exponentially decaying response: ``dg/dt = -g/tau``, ``g += c*w``.

    ``g(t) = c*w*exp(-t/tau)`` for ``t >= 0``: it jumps to its peak ``c*w`` when the spike
    arrives. ``normalize='peak'`` and ``None`` (the raw form) both give ``c = 1`` (peak ``w``,
    Brian2's and NEST's exponential synapse); ``'area'`` gives ``c = 1 second/tau`` (integral
    ``w*second``)."""
    return Kernel("exponential", None, _tau(tau, "exponential", "tau"), _normalize(normalize, "exponential"),
                  _input(input, "exponential"), _reversal(E, input, "exponential"))


def alpha(tau: Quantity, normalize: Normalize = "peak", input: Input = "conductance",
          E: object = None) -> Kernel:
    """An alpha function: ``dg/dt = (x_g - g)/tau``, ``dx_g/dt = -x_g/tau``, ``x_g += c*w``.

    ``g(t) = c*w*(t/tau)*exp(-t/tau)``, peaking at ``t = tau``. ``normalize=None`` (``c = 1``)
    is Brian2's documented form: the peak is ``w/e``; ``'peak'`` gives ``c = e`` (peak exactly
    ``w``, as NEST, NESTML and PyNN define their alpha synapses); ``'area'`` gives
    ``c = 1 second/tau`` (integral ``w*second``). Writing the first equation as
    ``dg/dt = -g/tau + x_g`` (another simulator's form) makes ``x_g`` a rate and the response
    ``w*t*exp(-t/tau)``: ``tau`` times the kernel, in the simulator's time unit."""
    tau_value = _tau(tau, "alpha", "tau")
    return Kernel("alpha", tau_value, tau_value, _normalize(normalize, "alpha"), _input(input, "alpha"),
                  _reversal(E, input, "alpha"))


def biexponential(tau_rise: Quantity, tau_decay: Quantity, normalize: Normalize = "peak",
                  input: Input = "conductance", E: object = None) -> Kernel:
    """A difference of exponentials: ``dg/dt = (x_g - g)/tau_decay``, ``dx_g/dt = -x_g/tau_rise``,
    ``x_g += c*w``.

    ``g(t) = c*w*tau_rise/(tau_decay - tau_rise)*(exp(-t/tau_decay) - exp(-t/tau_rise))``,
    peaking at ``ln(tau_decay/tau_rise)*tau_rise*tau_decay/(tau_decay - tau_rise)``; the raw form
    (``normalize=None``, ``c = 1``) integrates to ``w*tau_rise``. With ``tau_rise == tau_decay``
    this is the alpha kernel of that ``tau`` under every ``normalize`` (the limit of the formula;
    the equations are the alpha kernel's): a dual exponential with equal time constants does
    not "match" an alpha synapse of peak ``w`` unless both are normalized the same way, the raw
    forms differ by ``e``. ``'peak'``: peak exactly ``w``; ``'area'``: ``c = 1 second/tau_rise``.

    ``tau_rise > tau_decay`` is refused: no response rises with the longer time constant (the
    formula is the same function with the names swapped: it rises with the shorter one, decays
    with the longer one), so the arguments are almost surely swapped. An excess within
    rounding (relative 1e-9, e.g. two computed values of one time constant) is accepted:
    the formulas hold for either order and the response is then the alpha kernel to ~1e-9."""
    rise = _tau(tau_rise, "biexponential", "tau_rise")
    decay = _tau(tau_decay, "biexponential", "tau_decay")
    if rise > decay * (1 + _SWAP_TOLERANCE):
        raise ValueError(f"biexponential: tau_rise ({rise!r} s) is longer than tau_decay ({decay!r} s); the "
                         "response rises with the shorter and decays with the longer time constant: "
                         "swap the arguments")
    return Kernel("biexponential", rise, decay, _normalize(normalize, "biexponential"),
                  _input(input, "biexponential"), _reversal(E, input, "biexponential"))


# ---- argument checks and model text ---------------------------------------------------------
def _tau(value: object, kernel: str, name: str) -> float:
    if isinstance(value, str) or get_dimensions(value) != second.dim:
        raise DimensionMismatchError(f"{kernel}: {name} must be a time (e.g. 5*ms), got {value!r}",
                                     get_dimensions(value) if not isinstance(value, str) else DIMENSIONLESS)
    array = np.asarray(value / second, dtype=float)
    if array.ndim != 0:
        raise ValueError(f"{kernel}: {name} must be a single time, got shape {array.shape}")
    number = float(array)
    if not (number > 0.0 and math.isfinite(number)):
        raise ValueError(f"{kernel}: {name} must be positive and finite, got {number!r} s")
    return number


def _normalize(value: object, kernel: str) -> Normalize:
    if value not in _NORMALIZE or isinstance(value, bool):
        raise ValueError(f"{kernel}: normalize must be 'peak' (peak w), 'area' (integral w*second) or None "
                         f"(the raw form), got {value!r}")
    return value  # type: ignore[return-value]


def _input(value: object, kernel: str) -> Input:
    if value not in _INPUT:
        raise ValueError(f"{kernel}: input must be 'conductance' (current g*(E - v)) or 'current', got {value!r}")
    return value  # type: ignore[return-value]


def _reversal(value: object, input: object, kernel: str) -> str | None:
    """The reversal potential as model text: a quantity as its exact SI value, a string (a name
    or expression of the model or namespace) in parentheses."""
    if value is None:
        return None
    if input != "conductance":
        raise ValueError(f"{kernel}: E (a reversal potential) only means something for input='conductance'")
    if isinstance(value, str):
        if not value.strip():
            raise ValueError(f"{kernel}: E must be a quantity (0*mV) or a name of the model, got an empty string")
        return value.strip() if value.strip().isidentifier() else f"({value.strip()})"
    array = np.asarray(value, dtype=float)  # a quantity's values are SI values
    if array.ndim != 0 or not math.isfinite(float(array)):
        raise ValueError(f"{kernel}: E must be a single finite value, got {value!r}")
    return _quantity_text(float(array), get_dimensions(value))


def _quantity_text(number: float, dim: object) -> str:
    """A number in SI units as exact model text: ``(-0.08*volt)``."""
    python_name = unscaled_names(dim)[1]  # type: ignore[arg-type]
    return f"({number!r})" if python_name == "1" else f"({number!r}*{python_name})"


def _time_text(seconds: float) -> str:
    return _quantity_text(seconds, second.dim)


def _unit_text(unit: object) -> str:
    """A unit for a model line: a string as written (checked when the equations are parsed),
    a unit or quantity as its SI unit's name."""
    if isinstance(unit, str):
        return unit.strip()
    if isinstance(unit, (int, float)) and unit == 1:
        return "1"
    if isinstance(unit, Unit):
        return unscaled_names(get_dimensions(unit))[1].replace(" ", "")
    raise TypeError(f"kernel equations: unit must be a unit (siemens, amp), a unit's name or '1', got {unit!r}")


def _check_name(var: object, what: str) -> str:
    if not isinstance(var, str) or not var.isidentifier():
        raise TypeError(f"{what} must be a model variable name (e.g. 'g'), got {var!r}")
    return var
