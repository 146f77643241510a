"""Linked variables in kernels: a linked name is a load from the linked group's own array.

The kernel reaches the linked group through a struct parameter of its own (a *role*,
``_lnk0``, ``_lnk_pre0``, ...: one per linked group), so it reads that group's array at the
moment the kernel runs, never a copy. The element read follows the link's mode
(:mod:`neurogen.objects.linked`): the kernel's element, one element (``_lnk_<x>_offset``,
bound at each run), an index array of the linking group (``_lnk_<x>_indices``), or an integer
variable of the linking group. A link to a subexpression reads the variables it uses the same
way, under hidden names, and the subexpression is converted with them.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import sympy

from ..ir import FieldKind
from ..printer import field_ref
from .common import Access, ObjectContext
from ...objects.linked import hidden_name


@dataclass
class LinkScope:
    """How a kernel reads the linked variables of one group."""

    access: dict[str, Access] = field(default_factory=dict)
    roles: list[tuple[str, str]] = field(default_factory=list)
    subexpressions: dict[str, ast.expr] = field(default_factory=dict)  # linked name -> rewritten tree
    unavailable: dict[str, str] = field(default_factory=dict)         # linked name -> why it cannot be read


def add_link_fields(ctx: ObjectContext) -> None:
    """The linking group's own struct members a link needs (its index array or element)."""
    for link in _links(ctx.obj):
        if link.mode == "array":
            ctx.add_field(f"_lnk_{link.name}_indices", "int32_t", FieldKind.ARRAY,
                          f"the element of the linked group each element reads ({link.name})")
        elif link.mode == "scalar":
            ctx.add_field(f"_lnk_{link.name}_offset", "int64_t", FieldKind.INTEGER,
                          f"the element of the linked group every element reads ({link.name})")


def link_fields(group: Any) -> list[tuple[str, str, FieldKind]]:
    """(name, ctype, kind) of the struct members ``add_link_fields`` adds, for a group that is
    only read (the structs of a one-off call)."""
    fields = []
    for link in _links(group):
        if link.mode == "array":
            fields.append((f"_lnk_{link.name}_indices", "int32_t", FieldKind.ARRAY))
        elif link.mode == "scalar":
            fields.append((f"_lnk_{link.name}_offset", "int64_t", FieldKind.INTEGER))
    return fields


def link_scope(group: Any, struct_ref: str, members: Mapping[int, str], *, suffix: str = "",
               element_index: str = "") -> LinkScope:
    """Access paths of ``group``'s linked variables (named ``<x><suffix>``) in a kernel that
    reaches ``group`` through ``struct_ref`` at the local ``element_index`` ("" for the
    kernel's own element). Links whose group is not among ``members`` are ``unavailable``."""
    scope = LinkScope()
    roles: dict[int, str] = {}
    for link in _links(group):
        local = link.name + suffix
        member = members.get(id(link.group))
        if member is None:
            scope.unavailable[local] = f"'{link.group.name}', which it is linked to, is not part of this call"
            continue
        if id(link.group) not in roles:
            roles[id(link.group)] = f"_lnk{suffix}{len(roles)}"
            scope.roles.append((roles[id(link.group)], member))
        role = roles[id(link.group)]
        index = _index_local(scope, link, struct_ref, suffix, element_index)
        for name in (link.reads if link.subexpression else (link.target,)):
            spec = link.group._specs[name]
            source = field_ref(role, name)
            target = hidden_name(link.name, name) + suffix if link.subexpression else local
            if link.mode == "scalar":
                offset = field_ref(struct_ref, f"_lnk_{link.name}_offset")
                scope.access[target] = Access(spec.ctype, f"{source}[{offset}]", True)
            else:
                scope.access[target] = Access(spec.ctype, source, False, index)
        if link.subexpression:
            scope.subexpressions[local] = link.expression(suffix)
    return scope


def _index_local(scope: LinkScope, link: Any, struct_ref: str, suffix: str, element_index: str) -> str:
    """The local holding the linked group's element (declaring it when it is a link's own)."""
    if link.mode == "element":
        return element_index
    if link.mode == "array":
        local = f"_lnk_{link.name}_index{suffix}"
        scope.access[local] = Access("int32_t", field_ref(struct_ref, f"_lnk_{link.name}_indices"), False,
                                     element_index)
        return local
    if link.mode == "variable":
        return {"_synaptic_pre": "_ipre", "_synaptic_post": "_jpost"}.get(link.variable, link.variable + suffix)
    return ""


def refusing(scope: LinkScope, where: str,
             then: Callable[[str], sympy.Expr | None] | None = None) -> Callable[[str], sympy.Expr | None]:
    """A resolver's ``special`` that refuses the names ``scope`` cannot read, then asks ``then``."""
    def special(name: str) -> sympy.Expr | None:
        if name in scope.unavailable:
            raise NotImplementedError(f"{where}: reading the linked variable '{name}' here is not supported by "
                                      f"neurogen yet ({scope.unavailable[name]})")
        return then(name) if then is not None else None
    return special


def _links(group: Any) -> list[Any]:
    links = getattr(group, "_links", None) or {}
    return [link for link in links.values() if link is not None]
