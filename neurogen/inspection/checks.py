"""``neurogen.check``: probable mistakes in a model that runs, found from its text and values.

Each check reads the objects it knows (groups, synapses, PoissonInputs, runners, monitors as
readers) and skips any other. A check that cannot evaluate something (a function without Python
code) finds nothing rather than failing: checks advise, they never stop a model from running.
"""
from __future__ import annotations

import logging
from typing import Any, Callable, Iterable, Mapping

from ..frontend.namespace import namespace_of, resolve_externals, user_namespace
from ..objects.operation import NetworkOperation
from .findings import Finding
from .stability import stability_findings
from .usage import shadowed_findings, unused_findings
from .writes import writer_findings

_log = logging.getLogger("neurogen.inspection")


def check(*objects_or_network: Any) -> list[Finding]:
    """The findings of every model check for these objects (or a ``Network``'s): each with its
    ``code``, the object, the model line, what goes wrong and the fix. External names resolve
    as ``run()`` would resolve them from the caller (or the objects' ``namespace=``)."""
    if not objects_or_network:
        raise TypeError("check() takes the objects to check (groups, synapses, ...) or a Network")
    objects = [o for o in expand(objects_or_network) if not isinstance(o, NetworkOperation)]  # Python code
    frame = user_namespace()
    externals = {id(o): resolve_externals(o, None, frame, warn_shadowed=False) for o in objects}
    return model_findings(objects, externals, lambda o: namespace_of(o, None, frame))


def expand(items: Iterable[Any]) -> list[Any]:
    """Networks replaced by their objects, and each object's contained ones (its runners)."""
    found: list[Any] = []
    for item in items:
        members = item.objects if isinstance(getattr(item, "objects", None), list) else [item]
        for obj in members:
            for one in (obj, *obj._contained_objects()):
                if one not in found:
                    found.append(one)
    return found


def model_findings(objects: list[Any], externals: Mapping[int, Mapping[str, Any]],
                   namespace_of: Callable[[Any], Mapping[str, Any]]) -> list[Finding]:
    """Every check over ``objects`` (their external names resolved in ``externals``)."""
    checks: list[Callable[[], list[Finding]]] = [
        lambda: writer_findings(objects),
        lambda: stability_findings(objects, externals),
        lambda: unused_findings(objects),
        lambda: shadowed_findings(objects, namespace_of),
    ]
    findings: list[Finding] = []
    for run_check in checks:
        try:
            findings += run_check()
        except Exception as error:  # noqa: BLE001  (advice must never stop a run)
            _log.debug("a model check failed: %r", error)
    return findings
