"""Linked variables (``x : 1 (linked)``): a name of one group that reads a variable of another.

``G.x = linked_var(H, 'y')`` makes ``x`` in ``G``'s code read ``H.y`` itself, never a copy: the
compiled code reads ``H``'s array through a struct parameter of the kernel (one per linked
group), so every read sees the value of that moment. Which element of ``H`` an element of ``G``
reads is the link's *mode* (Brian2's index rules):

- ``element``: the same index (the groups have the same size);
- ``scalar``: one element for all (``H.y`` is shared, or ``H`` has one element and ``G`` more;
  Synapses always read a one-element group this way), ``offset`` naming it;
- ``array``: an index array given as ``index=`` (one entry per element of ``G``, checked against
  ``H``'s size), kept by ``G`` and bound at each run;
- ``variable``: ``index='name'``, an integer variable of ``G`` holding each element's index
  (for Synapses also ``'i'``/``'j'``, the pre- and postsynaptic index), checked before each run.

A link to a subexpression of ``H`` (Brian2 allows it) reads the variables that subexpression
uses through the link; they appear in ``G``'s code under hidden names (``hidden_name``).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import DimensionMismatchError
from ..frontend.expressions import names_in, parse_expression
from .subgroup import Subgroup


class LinkedVariable:
    """What ``linked_var`` returns: the group (or subgroup) and variable to link to, and the
    index given (None: Brian2's automatic rule)."""

    __slots__ = ("group", "name", "index")

    def __init__(self, group: Any, name: str, index: Any = None) -> None:
        self.group, self.name, self.index = group, name, index

    def __repr__(self) -> str:
        return f"linked_var({getattr(self.group, 'name', self.group)!r}, {self.name!r})"


def linked_var(group_or_variable: Any, name: str | None = None, index: Any = None) -> LinkedVariable:
    """Brian2's ``linked_var``: ``linked_var(H, 'y')``, ``linked_var(H.y)`` or
    ``linked_var(H[2:5], 'y')``, optionally with ``index=`` (an integer array, one entry per
    element of the linking group, or the name of one of its integer variables)."""
    view_group = getattr(group_or_variable, "group", None)
    spec = getattr(group_or_variable, "spec", None)
    if view_group is not None and spec is not None:  # G.y or G[2:5].y
        if name is not None:
            raise ValueError("Cannot give a variable and a variable name at the same time.")
        start, stop = getattr(group_or_variable, "start", None), getattr(group_or_variable, "stop", None)
        group = Subgroup(view_group, start, stop) if start is not None else view_group
        return LinkedVariable(group, spec.name, index)
    if name is None:
        raise ValueError("Need to provide a variable name")
    return LinkedVariable(group_or_variable, name, index)


def hidden_name(link_name: str, variable: str) -> str:
    """The name under which the linking group's code reads ``variable`` of the linked group,
    for a link to a subexpression (never a model name: it starts with an underscore)."""
    return f"_lnk_{link_name}__{variable}"


@dataclass(frozen=True, eq=False)
class Link:
    """One linked variable, resolved: which array of which group each element reads."""

    name: str                 # the linked variable of the linking group
    group: Any                # the group whose array is read (a subgroup's parent)
    target: str               # its variable, or subexpression
    dim: Any
    mode: str                 # "element", "scalar", "array" or "variable" (see the module)
    offset: int = 0           # scalar: the element read
    indices: np.ndarray | None = None  # array: per element of the linking group, into ``group``
    variable: str = ""        # variable: the linking group's integer variable holding the index
    reads: tuple[str, ...] = field(default=())  # subexpression: the stored variables it reads

    @property
    def subexpression(self) -> bool:
        return self.target not in self.group._specs

    def key(self) -> str:
        """What of the link decides the generated code (the front-end key)."""
        dtypes = ",".join(f"{n}:{self.group._specs[n].dtype}:{self.group._specs[n].shared}"
                          for n in (self.reads if self.subexpression else (self.target,)))
        expr = self.group._equations[self.target].expr if self.subexpression else ""
        return f"{self.name}->{self.target}[{self.mode}:{self.variable}]{dtypes}{expr}"

    def expression(self, suffix: str = "") -> ast.expr:
        """A subexpression link: the subexpression (and those it uses, inlined), with the linked
        group's variables renamed to their hidden names (``suffix``: as synaptic code reads a
        pre- or postsynaptic group's, ``_pre``/``_post``)."""
        return _inline(self.group, self.target, self.name, set(), suffix)

    def element_indices(self, owner: Any) -> np.ndarray:
        """The element of ``group`` each element of ``owner`` reads (Python reads and writes)."""
        n = owner.N
        if self.mode == "scalar":
            return np.full(n, self.offset, dtype=np.int64)
        if self.mode == "element":
            return np.arange(n, dtype=np.int64)
        if self.mode == "array":
            return self.indices.astype(np.int64)
        return np.asarray(owner._state[self.variable], dtype=np.int64)


def _inline(group: Any, name: str, link_name: str, seen: set[str], suffix: str) -> ast.expr:
    eq = group._equations[name]
    tree = parse_expression(eq.expr, f"{type(group).__name__} '{group.name}', {eq.describe()}")

    class Rename(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> Any:
            if node.id in group._specs:
                return ast.copy_location(ast.Name(hidden_name(link_name, node.id) + suffix, ast.Load()), node)
            if node.id in group._equations and group._equations[node.id].kind == "subexpression":
                if node.id in seen:
                    raise ValueError(f"{group.name}: subexpressions refer to each other in a cycle")
                return _inline(group, node.id, link_name, seen | {node.id}, suffix)
            if node.id in ("i", "N"):
                raise NotImplementedError(f"linking to the subexpression '{name}' of '{group.name}', which "
                                          f"reads '{node.id}' of its group")
            return node

    return Rename().visit(tree)


def _stored_reads(group: Any, name: str, seen: frozenset[str] = frozenset()) -> set[str]:
    eq = group._equations[name]
    names = names_in(parse_expression(eq.expr, f"{group.name}, {eq.describe()}"))[0]
    reads = {n for n in names if n in group._specs}
    for n in names:
        if n in group._equations and group._equations[n].kind == "subexpression" and n not in seen:
            reads |= _stored_reads(group, n, seen | {name})
    return reads


def make_link(owner: Any, name: str, value: Any) -> Link:
    """``owner.name = value``: Brian2's checks, in Brian2's order and with its exception types."""
    if not isinstance(value, LinkedVariable):
        raise ValueError("Cannot set a linked variable directly, link it to another variable using 'linked_var'.")
    if isinstance(value.group, Subgroup):
        group, start, size = value.group.parent, value.group.start, value.group.N
    else:
        group, start, size = value.group, 0, None
    where = f"{type(owner).__name__} '{owner.name}', linked variable '{name}'"
    specs = getattr(group, "_specs", None)
    if specs is None:
        raise TypeError(f"{where}: can only link to a variable of a group, not to {value.group!r}")
    if getattr(group, "_indexed_by_synapse", False):
        raise NotImplementedError(f"Linking to variable {value.name} is not supported, can only link to state "
                                  "variables of fixed size.")
    links = group.__dict__.get("_links", {})
    if value.name in links:
        raise NotImplementedError(f"{where}: linking to '{value.name}' of '{group.name}', itself a linked "
                                  "variable, is not supported by neurogen yet; link to its target directly")
    equations = group.__dict__.get("_equations")
    is_subexpression = (value.name not in specs and equations is not None and value.name in equations
                        and equations[value.name].kind == "subexpression")
    if (value.name not in specs and not is_subexpression) or value.name.startswith("_"):
        raise KeyError(f"{where}: '{group.name}' has no variable '{value.name}' to link to")
    if group is owner:
        raise NotImplementedError(f"{where}: linking a variable to its own group is not supported by neurogen "
                                  "yet")
    dim = equations[value.name].dim if is_subexpression else specs[value.name].dim
    own_dim = owner._equations[name].dim
    if own_dim != dim:
        raise DimensionMismatchError(f"Unit of variable '{name}' does not match its link target '{value.name}'",
                                     own_dim, dim)
    shared = not is_subexpression and specs[value.name].shared
    length = 1 if shared else (size if size is not None else group.N)
    reads = tuple(sorted(_stored_reads(group, value.name))) if is_subexpression else ()
    if is_subexpression and any(specs[n].shared for n in reads):
        raise NotImplementedError(f"{where}: linking to the subexpression '{value.name}' of '{group.name}', "
                                  "which reads a shared variable, is not supported by neurogen yet")
    base = dict(name=name, group=group, target=value.name, dim=dim, reads=reads)
    dynamic = owner._indexed_by_synapse
    if value.index is None:
        if shared or (length == 1 and (dynamic or owner.N != 1)):
            return Link(mode="scalar", offset=0 if shared else start, **base)
        if len(owner) != length:
            raise ValueError(f"Cannot link variable '{name}' to '{value.name}', the size of the target group "
                             f"does not match ({len(owner)} != {length}). You can provide an indexing scheme "
                             "with the 'index' keyword to link groups with different sizes")
        if start == 0:
            return Link(mode="element", **base)
        if dynamic:
            raise NotImplementedError(f"{where}: linking synapses to a subgroup is not supported by neurogen yet")
        return Link(mode="array", indices=np.arange(start, start + length, dtype=np.int32), **base)
    if isinstance(value.index, str):
        return Link(mode="variable", variable=_index_variable(owner, value.index, where, start), **base)
    if dynamic:
        raise TypeError("Cannot link a variable with an index array for a class with dynamic size – use a "
                        "variable name instead.")
    try:
        indices = np.asarray(value.index)
    except (TypeError, ValueError):
        indices = np.asarray([1.5])
    if not np.issubdtype(indices.dtype, np.integer):
        raise TypeError("The index for a linked variable has to be an integer array")
    if indices.ndim != 1 or indices.size != len(owner):
        raise TypeError(f"Index array for linked variable '{name}' has to be a one-dimensional array of length "
                        f"{len(owner)}, but has shape {indices.shape!s}")
    if indices.min() < 0 or indices.max() >= length:
        raise ValueError(f"Index array for linked variable {name} contains values outside of the valid range "
                         f"[0, {length}[")
    absolute = (indices + (0 if shared else start)).astype(np.int32)
    return Link(mode="array", indices=absolute, **base)


def _index_variable(owner: Any, index: str, where: str, start: int) -> str:
    """``index='name'``: an integer, per-element variable of the linking group (Synapses: also
    ``i`` and ``j`` of whole source and target groups)."""
    if owner._indexed_by_synapse and index in ("i", "j"):
        if (owner._source_start if index == "i" else owner._target_start) != 0:
            raise NotImplementedError(f"{where}: index='{index}' of synapses from or to a subgroup is not "
                                      "supported by neurogen yet")
        found = "_synaptic_pre" if index == "i" else "_synaptic_post"
    else:
        spec = owner._specs.get(index)
        if spec is None or index.startswith("_"):
            raise ValueError(f"Index variable '{index}' not found.")
        if spec.shared:
            raise ValueError(f"Index variable '{index}' should use the default index itself.")
        if spec.dtype not in ("int32", "int64"):
            raise TypeError(f"Index variable '{index}' should be an integer parameter.")
        found = index
    if start != 0:
        raise NotImplementedError(f"{where}: an index variable into a subgroup is not supported by neurogen yet; "
                                  "link to the whole group and add the subgroup's start to the index")
    return found


def check_link_indices(owner: Any, link: Link) -> None:
    """Before a run: the indices a link will read exist (an index variable changes with the
    user's assignments; synapses grow with ``connect``)."""
    where = f"{type(owner).__name__} '{owner.name}', linked variable '{link.name}'"
    target_n = link.group.N
    if link.mode == "element" and owner.N != target_n:
        raise ValueError(f"{where}: {owner.N} elements read '{link.target}' of '{link.group.name}' "
                         f"({target_n} elements) element by element; the sizes must match")
    if link.mode == "variable":
        values = owner._state[link.variable]
        if values.size and (values.min() < 0 or values.max() >= target_n):
            bad = values[(values < 0) | (values >= target_n)][0]
            shown = link.variable.replace("_synaptic_pre", "i").replace("_synaptic_post", "j")
            raise IndexError(f"{where}: the index variable '{shown}' holds {int(bad)}, outside of "
                             f"'{link.group.name}' (valid: 0 to {target_n - 1})")
