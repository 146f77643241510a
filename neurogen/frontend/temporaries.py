"""Local temporaries of event code (reset, on_pre/on_post, run_regularly): Brian2's rules.

A statement ``r = u * x`` whose target is not a model variable declares a local of that code
block, as in Brian2 (a C++ local; its unit is the right-hand side's). Brian2 2.9's rules, which
this module checks before anything is compiled:

- the local exists from its first assignment on: reading it earlier, or starting with
  ``+=``, is an error (Brian2: ``KeyError: 'Unknown identifier'``), even when a constant of that
  name exists outside: within the block the name is the local's;
- it may be assigned again (in the same units); it shadows any external name, unit or function
  of that name (``tau = 2*ms`` in a reset is a local, the outside ``tau`` is not read);
- names ending in ``_pre``/``_post`` refer to pre-/postsynaptic variables, never to a local.

Text only (no sympy): the object layer uses it to check code when it is given and to leave
locals out of the external names a run resolves; lowering uses it to declare the locals.
"""
from __future__ import annotations

import ast
from typing import Collection, Sequence

from ..errors import EquationError
from .expressions import Statement, names_in, parse_expression


def local_temporaries(statements: Sequence[Statement], variables: Collection[str],
                      where: str) -> dict[str, bool]:
    """The locals of a code block, in order of first assignment, each with whether it is
    assigned more than once (then C++ holds it in a plain local, else a ``const`` one).

    ``variables``: every name the block's object defines (its variables, subexpressions,
    ``i``, ``N``, ``t``...): a target among them is a variable write, checked elsewhere."""
    assigned: dict[str, bool] = {}
    for position, stmt in enumerate(statements):
        here = f"{where}, line {stmt.lineno}: '{stmt.line}'"
        used = names_in(parse_expression(stmt.expr, here))[0]
        early = sorted(n for n in used if _is_local_name(n, variables) and n not in assigned
                       and any(s.target == n for s in statements[position:]))
        if early:
            raise EquationError(f"{here}: '{early[0]}' is read before it is assigned; it is a local "
                                "value of this code (assigned on a later line), so it has no value here")
        target = stmt.target
        if not _is_local_name(target, variables):
            continue
        if target.startswith("_"):
            raise NotImplementedError(f"{here}: the local name '{target}' starts with '_'; neurogen reserves "
                                      "such names for its own values (Brian2 accepts them): please rename it")
        if target in assigned:
            assigned[target] = True
        elif stmt.op != "=":
            raise EquationError(f"{here}: '{target}' is not a variable of the model, and as a local value "
                                f"of this code it has no value yet to apply '{stmt.op}' to")
        else:
            assigned[target] = False
    return assigned


def _is_local_name(name: str, variables: Collection[str]) -> bool:
    return name not in variables and not name.endswith(("_pre", "_post"))


def external_trees(statements: Sequence[Statement], temporaries: Collection[str],
                   where: str) -> list[tuple[str, ast.expr]]:
    """Each statement's right-hand side as the namespace sees it: the names it must find
    outside the object. A local is not one of them, so it is replaced by the number 0 (the
    trees serve name lookup only)."""
    sources = []
    for stmt in statements:
        label = f"{where} '{stmt.line}'"
        tree = parse_expression(stmt.expr, label)
        if temporaries:
            tree = _Unname(temporaries).visit(tree)
        sources.append((label, tree))
    return sources


class _Unname(ast.NodeTransformer):
    def __init__(self, names: Collection[str]) -> None:
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return ast.Constant(0) if node.id in self.names else node
