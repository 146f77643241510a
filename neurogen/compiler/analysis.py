"""Questions about IR statements that lowering, the passes and rendering all ask: which names
they read, which random functions they call (read from the sympy trees, never from C++ text)."""
from __future__ import annotations

from typing import Any, Iterable

import sympy

from .ir import Assign, MatrixExp
from .symbolic import binomial, noise, poisson, rand, randn

_RANDOM_HELPERS = {rand: "rand", randn: "randn", poisson: "poisson", binomial: "binomial"}


def free_names(items: Iterable[Any]) -> set[str]:
    names: set[str] = set()
    for item in items:
        if item is None:
            continue
        if isinstance(item, Assign):
            names |= {s.name for s in item.expr.free_symbols}
        elif isinstance(item, MatrixExp):
            for entry in item.matrix:
                names |= {s.name for s in entry.free_symbols}
        else:
            names |= {s.name for s in item.free_symbols}
    return names


def random_functions(items: Iterable[Any]) -> frozenset[str]:
    """The random functions (``rand``, ``randn``, ``poisson``, ``binomial``) that statements or
    expressions call, read from the sympy trees (white noise is ``noise_base``'s)."""
    exprs = [e for item in items if item is not None
             for e in (item.matrix if isinstance(item, MatrixExp) else
                       [item.expr] if isinstance(item, Assign) else [item])]
    # one walk per expression, comparing each node's function (atoms() per function was 4 walks,
    # each through sympy's slow isinstance checks for undefined functions: 1 s for 400 groups)
    return frozenset(name for e in exprs for node in sympy.preorder_traversal(e)
                     if (name := _RANDOM_HELPERS.get(node.func)) is not None)


def normal_draws(items: Iterable[Any]) -> dict[str, list[int]]:
    """The draw indices of the standard normals that statements take, per helper: ``randn``
    (``randn()`` calls) and ``noise`` (white noise), so a kernel can draw them for a block of
    elements at once (``ng::rand_normal_batch``)."""
    exprs = [e for item in items if item is not None
             for e in (item.matrix if isinstance(item, MatrixExp) else
                       [item.expr] if isinstance(item, Assign) else [item])]
    found: dict[str, set[int]] = {"randn": set(), "noise": set()}
    for e in exprs:
        for node in sympy.preorder_traversal(e):
            name = "randn" if node.func == randn else "noise" if node.func == noise else None
            if name is not None and node.args and node.args[0].is_Integer:
                found[name].add(int(node.args[0]))
    return {name: sorted(draws) for name, draws in found.items()}
