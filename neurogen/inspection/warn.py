"""``run()``'s model checks: each finding a ``ModelWarning``, once per model structure per
process (a second run, or a sweep that rebuilds the same model, does not warn again), unless
``prefs.checks`` turns it off (``enabled = False``, or its code in ``ignore``).

The checks take about 10 ms for a small network; a run of a structure already checked with the
same time steps and external constants skips them (a sweep over a constant is checked for each
value; state and per-neuron parameters changed between runs are not looked at again)."""
from __future__ import annotations

import warnings
from typing import Any, Mapping

from ..frontend.namespace import External, namespace_of
from ..preferences import prefs
from ..session import session
from .checks import model_findings
from .findings import ModelWarning


def warn_model_findings(objects: list[Any], externals: Mapping[int, Mapping[str, Any]],
                        run_namespace: Mapping[str, Any] | None, frame_namespace: Mapping[str, Any]) -> None:
    """Check the objects of a run and warn about what is new for their structure."""
    if not prefs.checks.validated("enabled"):
        return
    ignore = set(prefs.checks.validated("ignore"))
    if session().device is not None:  # a standalone program may set initial values (run_args)
        ignore.add("unused-variable")
    structure = tuple(part for obj in objects for part in (*obj._structure(), obj._specs_key()))
    warned = session().warned_findings
    values = tuple((obj.clock.dt_, tuple(sorted((name, e.value) for name, e in externals[id(obj)].items()
                                                 if isinstance(e, External))))
                   for obj in objects)
    if ("checked", structure, values) in warned:
        return
    warned.add(("checked", structure, values))
    index = {obj.name: k for k, obj in enumerate(objects)}
    for finding in model_findings(objects, externals, lambda o: namespace_of(o, run_namespace, frame_namespace)):
        if finding.code in ignore:
            continue
        key = (structure, finding.code, index.get(finding.object, -1), finding.line)  # names left out: a sweep's differ
        if key in warned:
            continue
        warned.add(key)
        warnings.warn(str(finding), ModelWarning, stacklevel=4)
