"""The package's import structure (issue 11): no import circles, user objects below the compiler.

The graph counts every import, also those inside functions and under ``TYPE_CHECKING`` (an
import placed in a function still ties the modules together; hiding a circle there is how the
old 26-module circle grew).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "neurogen"


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _imported(module: str, path: Path, node: ast.Import | ast.ImportFrom, modules: dict[str, Path]) -> list[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        base = ".".join(package[:len(package) - node.level + 1] + ([node.module] if node.module else [])) \
            if node.level else str(node.module)
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
    return [name for name in names if name in modules and name != module]


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                graph[module].update(_imported(module, path, node, modules))
    return graph


def circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def test_the_circle_finder_finds_a_planted_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert circles(graph) == [{"a", "b", "c"}]


def test_no_import_circle_outside_the_units_package():
    found = circles(import_graph())
    # units.quantity formats itself with units.definitions' table, which is made of quantities
    allowed = {frozenset({"neurogen.units.definitions", "neurogen.units.quantity"})}
    assert [sorted(c) for c in found if frozenset(c) not in allowed] == []
    assert max((len(c) for c in found), default=0) <= 5


#: The layers, bottom up: what each package may import besides itself (and ``neurogen.units``,
#: ``neurogen.errors``). The front end never reaches sympy or Jinja2; user objects never reach
#: the compiler or the runtime (they ask the session's backend); the compiler knows nothing
#: of how its output is built, loaded or run.
MAY_IMPORT = {
    "neurogen.frontend": (),
    "neurogen.objects": ("neurogen.frontend", "neurogen.session", "neurogen.preferences"),
    "neurogen.compiler": ("neurogen.frontend", "neurogen.objects", "neurogen.session", "neurogen.binding",
                          "neurogen.nonfinite", "neurogen.resources"),
    "neurogen.compiled": ("neurogen.compiler", "neurogen.binding", "neurogen.preferences", "neurogen.resources"),
    "neurogen.runtime": ("neurogen.frontend", "neurogen.objects", "neurogen.compiler", "neurogen.compiled",
                         "neurogen.session", "neurogen.binding", "neurogen.nonfinite", "neurogen.preferences",
                         "neurogen.logger", "neurogen.inspection"),
    # model checks and explain: read objects and their text; numbers through numpy, not sympy
    "neurogen.inspection": ("neurogen.frontend", "neurogen.objects", "neurogen.compiler", "neurogen.session",
                            "neurogen.preferences", "neurogen.logger"),
    # the vocabulary every layer shares imports no layer (the session makes the default Clock)
    "neurogen.binding": (),
    "neurogen.nonfinite": (),
    "neurogen.resources": (),
    "neurogen.preferences": (),
    "neurogen.logger": (),
    "neurogen.session": ("neurogen.objects.clock",),
    # synaptic kernels are model text: they need the parser and units, nothing that runs a model
    "neurogen.kernels": ("neurogen.frontend",),
}


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_each_layer_imports_only_the_layers_below_it(package):
    allowed = (package, "neurogen.units", "neurogen.errors", *MAY_IMPORT[package])
    graph = import_graph()
    wrong = {module: sorted(t for t in targets if not (t + ".").startswith(tuple(a + "." for a in allowed)))
             for module, targets in graph.items() if (module + ".").startswith(package + ".")}
    assert {m: t for m, t in wrong.items() if t} == {}


#: What a module may import inside a function, and why: the compiler (sympy, Jinja2) only on a
#: cold path, optional or heavy third-party modules only when used, and the one units circle.
LAZY_IMPORTS_ALLOWED = ("neurogen.compiler.", "Cython", "matplotlib", "pandas", "pwd", "logging", "os",
                        "neurogen.units.definitions")


def test_imports_inside_functions_only_keep_the_cold_path_lazy():
    """An import placed in a function to hide a circle is how the old 26-module circle grew;
    the only ones left keep sympy, Jinja2, Cython and matplotlib off the warm path."""
    modules = _modules()
    hidden = []
    for module, path in modules.items():
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import):
                    targets = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    targets = _imported(module, path, node, modules) or [str(node.module)]
                else:
                    continue
                hidden += [f"{module}:{node.lineno} {t}" for t in targets
                           if not (t + ".").startswith(LAZY_IMPORTS_ALLOWED) and not t.startswith(LAZY_IMPORTS_ALLOWED)]
    assert hidden == []


def _underscore_members_defined_in(where: Path) -> set[str]:
    """``_name`` members the classes of a module (or package) define: methods, class attributes,
    ``self._name = ``."""
    found: set[str] = set()
    for path in ([where] if where.is_file() else where.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        found.add(item.name)
                    elif isinstance(item, (ast.Assign, ast.AnnAssign)):
                        targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                        found.update(t.id for t in targets if isinstance(t, ast.Name))
            elif (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
                  and isinstance(node.value, ast.Name) and node.value.id == "self"):
                found.add(node.attr)
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr == "__setattr__" and len(node.args) >= 2
                  and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)):
                found.add(node.args[1].value)  # object.__setattr__(self, "_specs", ...)
    return {name for name in found if name.startswith("_") and not name.startswith("__")}


def _declared_in_protocol() -> set[str]:
    tree = ast.parse((PACKAGE / "objects" / "protocol.py").read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    names.add(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    names.add(item.target.id)
    return names


def test_other_packages_read_user_objects_only_through_the_declared_protocol():
    """An underscore member of a user object read outside ``neurogen.objects`` must be declared
    in ``neurogen/objects/protocol.py`` (model names never start with ``_``; see there why)."""
    members = _underscore_members_defined_in(PACKAGE / "objects")
    declared = _declared_in_protocol()
    undeclared: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        if "objects" in path.relative_to(PACKAGE).parts:
            continue
        own = _underscore_members_defined_in(path)  # a class of that module has one of that name
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and node.attr in members - own - declared
                    and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))):
                undeclared.setdefault(node.attr, set()).add(path.name)
    assert undeclared == {}


def test_every_subpackage_is_installed():
    """pyproject.toml lists the packages setuptools installs: a subpackage missing there exists
    in a checkout but not in an installed neurogen (neurogen.devices was missing once)."""
    root = Path(__file__).resolve().parent.parent
    line = next(line for line in (root / "pyproject.toml").read_text().splitlines() if line.startswith("packages = ["))
    listed = set(ast.literal_eval(line.split("=", 1)[1].strip()))
    found = {".".join(p.parent.relative_to(root).parts) for p in (root / "neurogen").rglob("__init__.py")}
    assert found - listed == set()
