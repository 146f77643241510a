"""The only place that touches Jinja2: ``NetworkIR`` → a sorted ``{filename: text}`` bundle.

Templates receive one explicit context made of plain strings and lists; the C++ for each
statement comes from :mod:`neurogen.compiler.printer`. Nothing here depends on object names,
addresses or time, so the same model renders the same bytes in every process.
"""
from __future__ import annotations

import dataclasses
import json
from collections import Counter
from functools import lru_cache
from typing import Any

import jinja2

from ..binding import RESERVED
from ..frontend.functions import CppImplementation
from .ir import Assign, ConnectOptions, FieldKind, Kernel, NetworkIR, PoissonInputOptions
from .analysis import free_names, normal_draws
from .printer import USER_NAMESPACE, cpp_comment, cpp_name, print_expr, print_statement
from .render_layout import batches, field_offsets, input_positions, struct_types, tables
from ..resources import templates_dir


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )


def render_network(network: NetworkIR) -> dict[str, str]:
    """The generated sources of one network (static headers are added by the build).

    Objects with the same struct members share one struct type, and kernels with the same
    code (which reach objects only through their struct parameters) share one function,
    called once per object: compile time grows with the distinct structures, not the objects
    (see :mod:`neurogen.compiler.render_layout`).
    """
    env = _environment()
    structs = struct_types(network)
    positions = input_positions(network, network.binding())
    users = Counter(structs.values())  # objects per struct type
    objects = [_object_context(o, structs[o.member], users[structs[o.member]], positions[o.member])
               for o in network.objects]
    functions: dict[str, dict[str, Any]] = {}   # sharing key -> the one function
    calls: dict[str, dict[str, Any]] = {}       # kernel name -> how to call it
    for obj, context in zip(network.objects, objects):
        context["kernels"] = []
        for kernel in obj.kernels:
            kctx = _kernel_context(kernel, structs)
            key = json.dumps(kctx, sort_keys=True)
            if key not in functions:
                functions[key] = {**kctx, "name": kernel.name, "users": []}
                context["kernels"].append(functions[key])
            function = functions[key]
            function["users"].append(obj.member)
            calls[kernel.name] = {"function": function["name"], "parameters": kctx["parameters"],
                                  "args": _arguments(kernel)}
    for function in functions.values():  # one body for many call sites: never inlined into each
        function["shared"] = len(function["users"]) > 1
    context = {
        "objects": objects,
        "tables": [{**t, "fields": next(o["fields"] for o in objects if o["struct"] == t["struct"])}
                   for t in tables(network, structs, positions)],
        **_schedule(network, calls),
        "calls": batches([calls[k] for _, k in network.calls], "calls"),
        "prepare": batches([calls[k] for _, k in network.prepare], "prepare"),
        "finish": batches([calls[k] for _, k in network.finish], "finish"),
        "reserved": [{"name": s.name, "ctype": s.ctype, "kind": s.kind, "index": s.index} for s in RESERVED],
        "profile": network.profile,
        "user_code": _user_code(network),
        "user_namespace": USER_NAMESPACE,
    }
    files = {
        "network.hpp": env.get_template("network.hpp.j2").render(context),
        "network.cpp": env.get_template("network.cpp.j2").render(context),
    }
    return dict(sorted(files.items()))


def _schedule(network: NetworkIR, calls: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The step loop's calls as batches (``schedule``) and, with network operations, split
    into the segments between the points where the loop can pause (``segments``; a batch
    never spans a pause)."""
    ordered = [calls[k] for _, k in network.schedule]
    if not network.cuts:
        return {"schedule": batches(ordered, "schedule"), "segments": []}
    bounds = [0, *network.cuts, len(ordered)]
    segments = [batches(ordered[a:b], f"schedule{g}") for g, (a, b) in enumerate(zip(bounds, bounds[1:]))]
    return {"schedule": [b for segment in segments for b in segment], "segments": segments}


def _user_code(network: NetworkIR) -> dict[str, Any]:
    """The user functions' C++ (Brian2's ``@implementation('cpp', ...)``), each once, in the
    order first needed (dependencies before their users), with the headers and macros it needs."""
    sources: dict[str, CppImplementation] = {}
    for kernel in network.kernels():
        for source in kernel.user_code:
            existing = sources.setdefault(source.name, source)
            if existing != source:
                raise ValueError(f"two different C++ implementations of the user function '{source.name}' "
                                 "are called in one network; give one of them another name with "
                                 "@implementation('cpp', code, name=...)")
    headers = sorted({h for s in sources.values() for h in s.headers})
    macros: dict[str, str] = {}
    for source in sources.values():
        for key, value in source.macros:
            if macros.setdefault(key, value) != value:
                raise ValueError(f"two user functions define the macro '{key}' differently "
                                 f"({macros[key]!r} and {value!r})")
    return {"headers": headers, "macros": sorted(macros.items()),
            "functions": [{"name": s.name, "code": s.code} for s in sources.values()]}


def _arguments(kernel: Kernel) -> list[str]:
    """The objects a kernel's struct parameters are bound to, in parameter order."""
    return [member for _, member in _parameters(kernel)]


def _parameters(kernel: Kernel) -> list[tuple[str, str]]:
    """(C++ parameter, object member) of each struct a kernel reaches."""
    source = [("_src", kernel.source)] if kernel.source != kernel.owner else []
    return [("_grp", kernel.owner), *source, *kernel.roles]


def _object_context(obj: Any, struct: str, users: int, first: dict[str, int]) -> dict[str, Any]:
    return {
        "member": obj.member,
        "struct": struct,
        "defines_struct": struct == obj.struct,  # the type is named after its first object
        "struct_users": users,
        "kind": obj.kind,
        "description": [cpp_comment(line) for line in obj.description],
        "first": first,  # where its fields start in bind's inputs, per kind
        "owns_memory": any(f.kind in (FieldKind.DYNAMIC, FieldKind.INTERNAL) for f in obj.fields),
        "fields": [{"name": cpp_name(f.name), "ctype": f.ctype, "kind": f.kind.value, "comment": cpp_comment(f.comment),
                    "offset": offset}
                   for f, offset in zip(obj.fields, field_offsets(obj.fields))],
    }


def _kernel_context(kernel: Kernel, structs: dict[str, str]) -> dict[str, Any]:
    """Everything a kernel template reads; nothing in it names the object the kernel serves
    (the kernel's name is added by the caller), so equal contexts are one shared function."""
    written = {s.target for s in kernel.statements + kernel.hoisted
               if isinstance(s, Assign) and not s.declare} | {n for n, _ in kernel.stores}
    ctypes = {l.local: l.ctype for l in kernel.loads}
    used_later = free_names(kernel.hoisted + kernel.statements)
    # names C++ does not hold as a double: read as double(name) in arithmetic
    ints = kernel.integer_names | {l.local for l in kernel.loads if l.ctype != "double"}

    element = cpp_name(kernel.element)

    def lines(statements: Any, element: str) -> list[str]:
        out: list[str] = []
        for stmt in statements:
            out += print_statement(stmt, ctypes, ints, frozenset(used_later), element)
        return out

    index = {l.local: cpp_name(l.index) if l.index else element for l in kernel.loads}

    def load(l: Any) -> dict[str, Any]:
        return {"local": cpp_name(l.local), "ctype": l.ctype, "source": l.source, "mutable": l.local in written,
                "index": index[l.local]}

    options = kernel.options
    expressions = ({key: print_expr(expr, ints) for key, expr in options.expressions}
                   if isinstance(options, ConnectOptions) else {})
    condition = print_expr(kernel.condition, ints) if kernel.condition is not None else None
    return {
        # the random helpers the code calls: only those are defined (no unused lambdas)
        "uses": [f"_{name}" for name in ("rand", "randn", "poisson", "binomial") if name in kernel.random_functions],
        "template": f"kernels/{kernel.template}.j2",
        "parameters": [{"name": name, "type": structs[member]} for name, member in _parameters(kernel)],
        "comment": [cpp_comment(line) for line in kernel.comment],
        "scalar_loads": [load(l) for l in kernel.loads if l.scalar],
        "vector_loads": [load(l) for l in kernel.loads if not l.scalar],
        "hoisted": lines(kernel.hoisted, "-1"),
        "statements": lines(kernel.statements, element),
        "stores": [{"local": cpp_name(n), "target": t, "index": index.get(n, element)} for n, t in kernel.stores],
        "element": element,
        # a synapse kernel may reach one array through two locals (v_pre, v_post of one group)
        "restrict": kernel.restrict,
        "condition": condition,
        "random": kernel.random,
        "draw_base": kernel.draw_base or 0,
        # white noise (xi) of a state update: its own draws, apart from the rand() of any kernel
        "noise_base": kernel.noise_base,
        # PoissonInput: draw 0's first uniforms come from a block drawn beforehand
        "first_uniforms": isinstance(options, PoissonInputOptions) and options.first_uniforms,
        # PoissonInput: p is the same for every element (hoisted out of the loop), so the
        # sampler may set up a table for it once per call (distributions.hpp)
        "invariant_p": isinstance(options, PoissonInputOptions) and any(
            isinstance(s, Assign) and s.target == "_p" for s in kernel.hoisted),
        # state updates and assignments draw their normals for a block of elements at once
        "normal_batch": _normal_batch(kernel),
        # the template's own options (ir.*Options), read as attributes that must exist
        "options": _options(options),
        "expressions": expressions,
    }


def _normal_batch(kernel: Kernel) -> dict[str, Any] | None:
    """For a state update or an assignment that takes standard normals (``randn()``, white
    noise): the draws to take per block of elements (``ng::rand_normal_batch``, vectorized
    Philox); the numbers are those of ``ng::rand_normal`` one by one. None otherwise."""
    if kernel.template not in ("vector", "assign"):
        return None
    draws = normal_draws([*kernel.statements, kernel.condition])
    if not draws["randn"] and not draws["noise"]:
        return None
    return {name: {"draws": found, "rows": max(found) + 1 if found else 0} for name, found in draws.items()}


def _options(options: Any) -> dict[str, Any]:
    """A kernel's typed options as plain data (the sharing key is its JSON); connect()'s
    expressions are printed into ``expressions`` instead."""
    if options is None:
        return {}
    return {f.name: getattr(options, f.name) for f in dataclasses.fields(options) if f.name != "expressions"}
