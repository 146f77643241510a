"""User functions in model code: Brian2's ``Function``, ``@implementation`` and ``declare_types``.

A function called from model code runs inside the compiled step loop, so it needs C++: the code
given with ``@implementation('cpp', code)`` (or ``f.implementations.add_implementation``). Its
units (``arg_units``/``return_unit``, or the ``@check_units`` annotation) are checked like every
other expression; its types (``arg_types``/``return_type``, or ``@declare_types``) say how C++
computes the result. Implementations for other targets (``numpy``, ``cython``) are kept and not
used. A function with only a Python body cannot run in the compiled loop: the namespace refuses
it, naming it (see :mod:`neurogen.frontend.namespace`).

Plain data and Python only (no sympy): the namespace reads these records, the compiler prints
calls and places the C++ code (:class:`CppImplementation`) once into the generated network.
"""
from __future__ import annotations

import ast
import hashlib
import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from ..units import DIMENSIONLESS, Dimension, get_dimensions

ARG_TYPES = ("boolean", "integer", "float", "any")
RETURN_TYPES = ("boolean", "integer", "float", "highest")
#: compiler keywords of Brian2's C++ implementations that neurogen applies to the generated code
_SUPPORTED_COMPILER_KWDS = ("headers", "define_macros")
_CPP_TARGETS = ("cpp", "cpp_standalone")
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


@dataclass(frozen=True, slots=True)
class CppImplementation:
    """One function's C++ source as it goes into the generated code: the name C++ calls it by,
    the ``#include`` lines and macros it needs, and its code (definitions, in the user's words)."""

    name: str
    code: str
    headers: tuple[str, ...] = ()
    macros: tuple[tuple[str, str], ...] = ()

    def digest(self) -> str:
        """What the front-end key holds of it: a changed implementation is a new build."""
        text = "\0".join([self.name, self.code, *self.headers, *(f"{k}={v}" for k, v in self.macros)])
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class FunctionImplementation:
    """An implementation for one target: ``code`` (C++: a string or Brian2's dict of code
    blocks), the name the code defines (``None``: the name the model calls it by), the functions
    its code calls (``dependencies``: name -> Function), and the target's compiler keywords."""

    name: str | None
    code: Any
    dependencies: Mapping[str, "Function"]
    namespace: Mapping[str, Any]
    compiler_kwds: Mapping[str, Any]


class FunctionImplementations(dict):
    """``Function.implementations``: target name -> :class:`FunctionImplementation`."""

    def add_implementation(self, target: str, code: Any = None, namespace: Mapping[str, Any] | None = None,
                           dependencies: Mapping[str, "Function"] | None = None,
                           availability_check: Callable[[], bool] | None = None, name: str | None = None,
                           compiler_kwds: Mapping[str, Any] | None = None) -> None:
        """Brian2's ``f.implementations.add_implementation(target, code, ...)``."""
        if not isinstance(target, str):
            raise TypeError(f"add_implementation: the target must be a name such as 'cpp', got {target!r}")
        for dependency, function in (dependencies or {}).items():
            if not isinstance(function, Function):
                raise TypeError(f"add_implementation: dependency '{dependency}' must be a Function, "
                                f"got {type(function).__name__}")
        if name is not None and not (isinstance(name, str) and _IDENTIFIER.match(name)):
            raise ValueError(f"add_implementation: name={name!r} is not a C++ function name")
        self[target] = FunctionImplementation(name, code, dict(dependencies or {}), dict(namespace or {}),
                                              dict(compiler_kwds or {}))


class Function:
    """A function usable in model code (Brian2's ``Function``).

    ``arg_units``/``return_unit`` default to the ``@check_units`` annotation of ``pyfunc``
    (Brian2 requires one of the two); ``arg_types`` default to ``'any'``, ``return_type`` to
    ``'float'`` (``'boolean'`` for ``result=bool``), or what ``@declare_types`` declared. Calling
    the Function from Python calls ``pyfunc``.
    """

    def __init__(self, pyfunc: Callable[..., Any], sympy_func: Any = None, arg_units: Any = None,
                 arg_names: Any = None, return_unit: Any = None, arg_types: Any = None,
                 return_type: str | None = None, stateless: bool = True, auto_vectorise: bool = False) -> None:
        self.pyfunc = pyfunc
        self.name = getattr(pyfunc, "__name__", "function")
        self.stateless = bool(stateless)
        self.auto_vectorise = bool(auto_vectorise)
        if arg_units is None:
            if not hasattr(pyfunc, "_arg_units"):
                raise ValueError(f"The Python function '{self.name}' does not specify how it deals with "
                                 "units, need to specify 'arg_units' or use the '@check_units' decorator.")
            arg_units = pyfunc._arg_units
            if return_unit is None:
                return_unit = pyfunc._return_unit
        if return_unit is None and not getattr(pyfunc, "_returns_bool", False):
            raise ValueError(f"The Python function '{self.name}' does not specify the unit of its "
                             "result: give 'return_unit' (or 'result=' to '@check_units').")
        self.arg_units = list(arg_units)
        self.arg_names = list(arg_names) if arg_names is not None else getattr(pyfunc, "_arg_names", None)
        self.return_unit = return_unit
        declared = getattr(pyfunc, "_arg_types", None)
        self.arg_types = list(arg_types if arg_types is not None else declared or ["any"] * len(self.arg_units))
        if return_type is None:
            return_type = getattr(pyfunc, "_return_type", None)
        if return_type is None:
            return_type = "boolean" if getattr(pyfunc, "_returns_bool", False) or return_unit is bool else "float"
        self.return_type = return_type
        self._check_declarations()
        self.implementations = FunctionImplementations()

    def _check_declarations(self) -> None:
        if len(self.arg_types) != len(self.arg_units):
            raise ValueError(f"Function '{self.name}': {len(self.arg_units)} argument unit(s) but "
                             f"{len(self.arg_types)} argument type(s)")
        for arg_type in self.arg_types:
            if arg_type not in ARG_TYPES:
                raise ValueError(f"Function '{self.name}': argument type {arg_type!r} is not one of {ARG_TYPES}")
        if self.return_type not in RETURN_TYPES:
            raise ValueError(f"Function '{self.name}': return type {self.return_type!r} is not one of {RETURN_TYPES}")
        if callable(self.return_unit) and not isinstance(self.return_unit, type) and not hasattr(self.return_unit, "dim"):
            raise NotImplementedError(f"Function '{self.name}': a return unit computed from the argument units "
                                      "(return_unit=lambda ...) is not supported by neurogen yet; give the unit")

    def __call__(self, *args: Any) -> Any:
        return self.pyfunc(*args)

    def __repr__(self) -> str:
        return f"<Function {self.name}>"

    # -- what the namespace and the compiler read ----------------------------------------------

    def arg_dims(self) -> tuple[Dimension, ...]:
        return tuple(_dimension(self.name, unit) for unit in self.arg_units)

    def return_dim(self) -> Dimension:
        return DIMENSIONLESS if self.return_unit is bool else _dimension(self.name, self.return_unit)

    def result_kind(self) -> str:
        """How C++ computes the result: ``double``, ``integer`` or ``bool``."""
        if self.return_type == "boolean":
            return "bool"
        if self.return_type == "integer":
            return "integer"
        if self.return_type == "highest":
            kinds = set(self.arg_types)
            return "double" if kinds & {"float", "any"} or not kinds else ("integer" if "integer" in kinds else "bool")
        return "double"

    def cpp_implementation(self) -> FunctionImplementation | None:
        for target in _CPP_TARGETS:
            if target in self.implementations:
                return self.implementations[target]
        return None

    def cpp_sources(self, called_as: str) -> list[CppImplementation]:
        """The C++ of this function and of its dependencies (dependencies first, each once), for
        a call by ``called_as``; raises if there is no C++ implementation."""
        found: dict[str, CppImplementation] = {}
        self._collect(called_as, found, ())
        return list(found.values())

    def _collect(self, called_as: str, found: dict[str, CppImplementation], chain: tuple[str, ...]) -> None:
        implementation = self.cpp_implementation()
        if implementation is None:
            raise NotImplementedError(missing_cpp_message(called_as, chain))
        name = implementation.name or called_as
        if name in chain:
            return
        for dependency, function in implementation.dependencies.items():
            function._collect(dependency, found, chain + (name,))
        source = _cpp_source(self.name, name, implementation)
        existing = found.get(name)
        if existing is not None and existing != source:
            raise ValueError(f"two different C++ implementations define the function '{name}' "
                             f"(needed by {' -> '.join(chain + (name,))}); give one of them another name "
                             "with @implementation('cpp', code, name=...)")
        found[name] = source


def missing_cpp_message(name: str, chain: tuple[str, ...] = ()) -> str:
    via = f" (needed by {' -> '.join(chain)})" if chain else ""
    return (f"the function '{name}'{via} has only a Python implementation, and model code runs as compiled "
            f"C++ where Python cannot be called: add a C++ implementation with "
            f"@implementation('cpp', code) (or {name}.implementations.add_implementation('cpp', code))")


def _cpp_source(function: str, name: str, implementation: FunctionImplementation) -> CppImplementation:
    code = implementation.code
    if isinstance(code, Mapping):
        unknown = set(code) - {"support_code", "hashdefine_code"}
        if unknown:
            raise NotImplementedError(f"Function '{function}': C++ code blocks {sorted(unknown)} are not supported "
                                      "by neurogen (only 'support_code' and 'hashdefine_code')")
        code = "\n".join(str(code.get(block, "")) for block in ("hashdefine_code", "support_code"))
    if code is None and implementation.name is not None:  # a function C++ already has (a library's)
        code = f"using ::{name};"
    if not isinstance(code, str) or not code.strip():
        raise ValueError(f"Function '{function}': the C++ implementation needs its code as a string "
                         f"(or name= of a function C++ already has), got {code!r}")
    code, included = _split_includes(code)
    if implementation.namespace:
        raise NotImplementedError(f"Function '{function}': values passed to C++ code with namespace= "
                                  f"({', '.join(sorted(implementation.namespace))}) are not supported by neurogen yet")
    kwds = dict(implementation.compiler_kwds)
    unsupported = sorted(set(kwds) - set(_SUPPORTED_COMPILER_KWDS))
    if unsupported:
        raise NotImplementedError(f"Function '{function}': the compiler keyword(s) {', '.join(unsupported)} of its "
                                  "C++ implementation are not supported by neurogen yet (headers= and "
                                  "define_macros= are)")
    headers = tuple(str(h) for h in kwds.get("headers", ())) + tuple(h for h in included if h not in kwds.get("headers", ()))
    for header in headers:
        if not re.fullmatch(r'<[^<>"\n]+>|"[^<>"\n]+"', header):
            raise ValueError(f"Function '{function}': header {header!r} must be '<name>' or '\"name\"'")
    macros = []
    for macro in kwds.get("define_macros", ()):
        key, value = macro
        if not _IDENTIFIER.match(str(key)) or "\n" in str(value):
            raise ValueError(f"Function '{function}': define_macros entry {macro!r} is not (NAME, value)")
        macros.append((str(key), "" if value is None else str(value)))
    return CppImplementation(name, code, headers, tuple(macros))


_INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*(<[^<>"\n]+>|"[^<>"\n]+")[ \t]*$', re.MULTILINE)


def _split_includes(code: str) -> tuple[str, tuple[str, ...]]:
    """The ``#include`` lines of a function's code, moved out of it: its code goes inside a C++
    namespace, where a header's declarations must not land (Brian2 puts the code at file scope)."""
    headers = tuple(dict.fromkeys(m.group(1) for m in _INCLUDE.finditer(code)))
    return _INCLUDE.sub("", code), headers


def _dimension(function: str, unit: Any) -> Dimension:
    if unit is bool:
        return DIMENSIONLESS
    try:
        return get_dimensions(unit)
    except (TypeError, AttributeError):
        raise TypeError(f"Function '{function}': {unit!r} is not a unit") from None


def implementation(target: str, code: Any = None, namespace: Mapping[str, Any] | None = None,
                   dependencies: Mapping[str, Function] | None = None, discard_units: bool | None = None,
                   name: str | None = None, **compiler_kwds: Any) -> Callable[[Any], Function]:
    """Brian2's decorator: add an implementation for ``target`` to a function (made a
    :class:`Function` from its ``@check_units`` annotation if it is not one)."""
    def decorate(function: Any) -> Function:
        result = function if isinstance(function, Function) else Function(function)
        result.implementations.add_implementation(target, code, namespace=namespace, dependencies=dependencies,
                                                  name=name, compiler_kwds=compiler_kwds)
        return result
    return decorate


def declare_types(**types: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Brian2's decorator declaring argument types (``'boolean'``, ``'integer'``, ``'float'``,
    ``'any'``) and the result type (``result=``; also ``'highest'``)."""
    def annotate(function: Callable[..., Any]) -> Callable[..., Any]:
        target = getattr(function, "_orig_func", function)
        code = target.__code__
        names = list(getattr(function, "_arg_names", code.co_varnames[:code.co_argcount]))
        for key, value in types.items():
            if key != "result" and key not in names:
                raise ValueError(f"declare_types: '{function.__name__}' has no argument '{key}'")
            allowed = RETURN_TYPES if key == "result" else ARG_TYPES
            if value not in allowed:
                raise ValueError(f"declare_types: type {value!r} of '{key}' is not one of {allowed}")
        function._arg_types = [types.get(n, "any") for n in names]  # type: ignore[attr-defined]
        function._return_type = types.get("result", "float")  # type: ignore[attr-defined]
        return function
    return annotate


# -- Brian2's argument types ---------------------------------------------------------------------

#: builtin model functions whose result is not a float, to Brian2
_BUILTIN_TYPES = {"int": "integer", "poisson": "integer"}


def expression_type(node: ast.AST, names: Mapping[str, str], functions: Mapping[str, Function]) -> str:
    """Brian2's type of an expression: ``'boolean'`` (conditions, boolean variables),
    ``'integer'`` (integer variables, ``i``, whole-number literals and arithmetic on them but
    ``/``) or ``'float'``; ``names``: the types of typed names (others are floats)."""
    if isinstance(node, (ast.Compare, ast.BoolOp)) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)):
        return "boolean"
    if isinstance(node, ast.Constant):
        value = node.value
        return "boolean" if isinstance(value, bool) else "integer" if isinstance(value, int) else "float"
    if isinstance(node, ast.Name):
        return "boolean" if node.id in ("True", "False") else names.get(node.id, "float")
    if isinstance(node, ast.UnaryOp):
        return _highest([expression_type(node.operand, names, functions)])
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Div):
            return "float"
        return _highest([expression_type(node.left, names, functions), expression_type(node.right, names, functions)])
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        function = functions.get(node.func.id)
        if function is None:
            return _BUILTIN_TYPES.get(node.func.id, "float")
        if function.return_type == "highest":
            return _highest([expression_type(a, names, functions) for a in node.args])
        return function.return_type
    return "float"


def _highest(types: list[str]) -> str:
    """Arithmetic's type: float if any operand is, else integer (booleans count as integers)."""
    return "float" if "float" in types else "integer"


def check_argument_types(tree: ast.AST, names: Mapping[str, str], functions: Mapping[str, Function],
                         where: str) -> None:
    """Brian2's check of declared argument types (``arg_types``/``@declare_types``; ``'any'``
    accepts every type): a float passed where C++ takes an integer would be truncated silently."""
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions):
            continue
        function = functions[node.func.id]
        if all(t == "any" for t in function.arg_types) or len(node.args) != len(function.arg_types):
            continue  # the argument count is checked with the units
        received = [expression_type(a, names, functions) for a in node.args]
        if any(d not in ("any", r) for d, r in zip(function.arg_types, received)):
            raise TypeError(f"{where}: Function '{node.func.id}' takes arguments with types "
                            f"{function.arg_types} but received {received} (in '{ast.unparse(node)}')")
