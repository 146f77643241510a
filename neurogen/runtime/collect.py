"""Results of a call of a compiled network back into its objects: one collector for the
runtime (after ``ng_run``) and for a standalone program's result files (``standalone``).

What comes back is named by the binding contract (``neurogen.binding``): per object, error
records (warned about, ``nonfinite``), the spikes in transit the binding declares carried
(``SimObject._collect_carried``), and everything else it recorded
(``SimObject._collect_results``: spike records, a standalone run's record buffers).
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from ..binding import Binding
from ..nonfinite import is_error_record, warn_recorded_errors
from ..objects.protocol import ModelObject

Outputs = Mapping[tuple[str, str], np.ndarray]
"""(member, field) -> values: dynamic outputs, and (standalone) the run's fresh record buffers."""


def collect_results(binding: Binding, members: Mapping[str, ModelObject], outputs: Outputs, *,
                    dt: Mapping[str, float], rows: Mapping[str, int], carried: bool = True) -> None:
    """Put one call's ``outputs`` into the objects of ``members``.

    ``dt`` (per member): the time of one network step, for the steps error records name;
    ``rows`` (per member): how many records this call made; ``carried``: whether the spikes
    in transit are the objects' new ones (a standalone program's last run only).
    """
    for member, obj in members.items():
        own = {name: values for (m, name), values in outputs.items() if m == member}
        errors = {name: values for name, values in own.items() if is_error_record(name)}
        if errors:
            warn_recorded_errors(obj, errors, dt[member])
        carried_outputs = {c.output for c in binding.carried if c.member == member}
        if carried and carried_outputs:
            obj._collect_carried({name: own[name] for name in carried_outputs})
        obj._collect_results({name: values for name, values in own.items()
                              if name not in carried_outputs and name not in errors}, rows[member])
