"""``PoissonGroup``: independent Poisson spike trains (Brian2's ``PoissonGroup``).

A NeuronGroup whose threshold is ``rand() < rates*dt``: each neuron spikes in a step with
probability ``rates*dt``, independently of every other neuron and step. ``rates`` is a
variable (a quantity or an array, changeable between runs) or, given as a string, a
subexpression evaluated every step (time-dependent rates such as ``'5*Hz*(1 + sin(2*pi*t/second))'``).
"""
from __future__ import annotations

from typing import Any, Mapping

from ..frontend.expressions import parse_expression
from ..units import Quantity
from .clock import Clock
from .neurongroup import NeuronGroup


class PoissonGroup(NeuronGroup):
    """``PoissonGroup(N, rates)``: ``rates`` in Hz, as a quantity, an array or a string."""

    _base_name = "poissongroup"
    _member_prefix = "poissongroup"

    def __init__(self, N: int, rates: Any, dt: Quantity | None = None, clock: Clock | None = None,
                 when: str = "thresholds", order: int = 0, namespace: Mapping[str, Any] | None = None,
                 name: str = "poissongroup*") -> None:
        if when != "thresholds":
            raise NotImplementedError(f"PoissonGroup: when={when!r} (only the default 'thresholds')")
        if isinstance(rates, str):  # checked before it becomes a model line the user did not write
            parse_expression(rates, f"PoissonGroup '{name}', rates '{rates}'")
        model = f"rates = {rates} : Hz" if isinstance(rates, str) else "rates : Hz"
        super().__init__(N, model, threshold="rand() < rates*dt", dt=dt, clock=clock, order=order,
                         namespace=namespace, name=name)
        self.when = when
        if not isinstance(rates, str):
            self.rates = rates
