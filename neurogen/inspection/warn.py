"""``run()``'s model checks: each finding a ``ModelWarning``, once per model structure per
process (a second run, or a sweep that rebuilds the same model, does not warn again), unless
``prefs.checks`` turns it off (``enabled = False``, or its code in ``ignore``)."""
from __future__ import annotations

import warnings
from typing import Any, Mapping

from ..frontend.namespace import namespace_of
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
    structure = tuple(part for obj in objects for part in (*obj._structure(), obj._specs_key()))
    index = {obj.name: k for k, obj in enumerate(objects)}
    warned = session().warned_findings
    for finding in model_findings(objects, externals, lambda o: namespace_of(o, run_namespace, frame_namespace)):
        if finding.code in ignore:
            continue
        key = (structure, finding.code, index.get(finding.object, -1), finding.line)  # names left out: a sweep's differ
        if key in warned:
            continue
        warned.add(key)
        warnings.warn(str(finding), ModelWarning, stacklevel=4)
