"""The backend the session holds for user objects: string assignments and ``connect``.

User objects sit below the compiler and the runtime and never import them; what they need
compiled (``G.v = 'expr'``, ``S.connect('i != j')``) they ask of ``session().compiled()``,
this class, installed when ``neurogen`` is imported.
"""
from __future__ import annotations

from typing import Any

from .assignment import run_assignment
from .connect import connect


class CompiledBackend:
    """Runs one-off generated code for user objects (see :class:`neurogen.session.Backend`)."""

    def assign(self, group: Any, variable: str, expression: str, index: Any,
               subgroup: tuple[int, int] | None) -> None:
        run_assignment(group, variable, expression, index, subgroup)

    def connect(self, synapses: Any, *, condition: Any, i: Any, j: Any, p: Any, n: Any,
                skip_if_invalid: bool, namespace: Any) -> None:
        connect(synapses, condition=condition, i=i, j=j, p=p, n=n, skip_if_invalid=skip_if_invalid,
                namespace=namespace)
