"""External names and object collection: the only place that inspects the caller's frame.

Names in model strings that are not variables resolve at ``run()`` time, as in Brian2: the
object's own ``namespace=``, else ``run(namespace=...)``, else the caller's locals and globals,
and always neurogen's units and constants. A unit (``mV``) is a literal of the model text;
any other value (``tau``) is runtime data, so changing it never recompiles.
"""
from __future__ import annotations

import ast
import math
import sys
import warnings
from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

import numpy as np

from ..errors import EquationError
from .equations import is_noise
from .expressions import FUNCTION_DIMS, Signature, names_in
from .functions import CppImplementation, Function, check_argument_types
from ..units import UNITS, DIMENSIONLESS, Dimension, Quantity, get_dimensions, second
from ..units.definitions import MODEL_ONLY_UNITS

#: Constants every model may use (Brian2 provides these too).
CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e, "inf": math.inf}


@dataclass(frozen=True, slots=True)
class External:
    """A resolved external name: a literal (units, constants) or a runtime scalar."""

    name: str
    dim: Dimension
    value: float
    literal: bool

    def key(self) -> str:
        """What this name contributes to the front-end key: literals by value, scalars by unit."""
        return f"{self.name}={self.value!r}" if self.literal else f"{self.name}:{self.dim!r}"

    @property
    def scalar(self) -> bool:
        """A runtime value (a struct member read once per call), not a literal of the code."""
        return not self.literal

    def fields(self) -> list[tuple[str, str, str, str]]:
        """Struct members the compiled code reads: (name, ctype, field kind, comment)."""
        return [] if self.literal else [(self.name, "double", "scalar", f"external constant, {self.dim or '1'}")]

    def runtime_values(self) -> dict[str, Any]:
        return {} if self.literal else {self.name: self.value}


class TimedFunction:
    """What a TimedArray is to the namespace: a function of time whose values, size and time
    step are data (``neurogen.objects.timedarray.TimedArray`` derives from it; the front end
    never imports user objects)."""

    dim: Dimension
    values_: np.ndarray
    dt_: float
    ndim: int


@dataclass(frozen=True, slots=True)
class TimedArrayExternal:
    """A TimedArray called in model code (``stim(t)``, ``stim(t, i)``): its values, size and
    ``dt`` are runtime data, so only its number of dimensions and unit shape the code."""

    name: str
    dim: Dimension
    function: TimedFunction
    literal: ClassVar[bool] = False
    scalar: ClassVar[bool] = False

    def key(self) -> str:
        return f"{self.name}:timedarray{self.function.ndim}:{self.dim!r}"

    def signature(self) -> Signature:
        args = (second.dim,) if self.function.ndim == 1 else (second.dim, DIMENSIONLESS)
        return Signature(args, self.dim)

    def fields(self) -> list[tuple[str, str, str, str]]:
        prefix = f"_timedarray_{self.name}"
        return [(f"{prefix}_values", "double", "array", f"TimedArray '{self.name}', {self.dim or '1'}"),
                (f"{prefix}_rows", "int64_t", "integer", "its number of time samples"),
                (f"{prefix}_columns", "int64_t", "integer", "its number of columns (1 for f(t))"),
                (f"{prefix}_dt", "double", "scalar", "its time step, second")]

    def runtime_values(self) -> dict[str, Any]:
        prefix, values = f"_timedarray_{self.name}", self.function.values_
        return {f"{prefix}_values": values.reshape(-1), f"{prefix}_rows": values.shape[0],
                f"{prefix}_columns": values.shape[1] if values.ndim == 2 else 1,
                f"{prefix}_dt": self.function.dt_}


@dataclass(frozen=True, slots=True)
class FunctionExternal:
    """A user :class:`~neurogen.frontend.functions.Function` called in model code: its units
    are checked like any call, and its C++ code (with its dependencies', each once) goes into
    the generated network; the code is part of the front-end key, so a changed implementation
    is a new build. It has no runtime data."""

    name: str
    function: Function
    sources: tuple[CppImplementation, ...]  # dependencies first; the last one is this function's
    literal: ClassVar[bool] = False
    scalar: ClassVar[bool] = False

    @property
    def cpp_name(self) -> str:
        return self.sources[-1].name

    @property
    def dim(self) -> Dimension:
        return self.function.return_dim()

    def key(self) -> str:
        code = ",".join(s.digest() for s in self.sources)
        return (f"{self.name}:function:{self.cpp_name}:{self.signature()!r}:{self.function.result_kind()}:"
                f"{self.function.stateless}:{code}")

    def signature(self) -> Signature:
        return Signature(self.function.arg_dims(), self.function.return_dim())

    def fields(self) -> list[tuple[str, str, str, str]]:
        return []

    def runtime_values(self) -> dict[str, Any]:
        return {}


#: the externals called as functions in model code: a dimension lookup gives their ``signature()``
CALLED_EXTERNALS = (TimedArrayExternal, FunctionExternal)


def runtime_values(externals: Mapping[str, "External | TimedArrayExternal | FunctionExternal"]) -> dict[str, Any]:
    """Every struct member's value the externals of one object supply at a run."""
    return {k: v for e in externals.values() for k, v in e.runtime_values().items()}


class ExpressionScope:
    """Some expressions of a group, resolved like the group's own model expressions.

    Used for a string assignment (``G.v = 'v0 + 1*mV'``) and for reading a subexpression from
    Python: their names are looked up where the group's are, without requiring every other
    name of the model to be defined yet.
    """

    def __init__(self, group: Any, sources: list[tuple[str, ast.expr]]) -> None:
        self.group, self.sources = group, sources
        self.name, self.namespace = group.name, group.namespace
        self._described_as = type(group).__name__  # what error messages call it
        self._specs, self._equations = group._specs, group._equations  # the variables' types

    def _variable_dims(self) -> dict[str, Any]:
        return self.group._variable_dims()

    def _expression_sources(self) -> list[tuple[str, ast.expr]]:
        return self.sources

    def _value_externals(self) -> dict[str, External]:
        return {}


Sources = list[tuple[str, ast.expr]]


def external_names(obj: Any, expressions: Sources) -> dict[str, str]:
    """Names ``expressions`` of ``obj`` use that are neither its variables nor functions,
    each with where it is first used (for error messages)."""
    own = set(obj._variable_dims()) | {"t", "dt", "True", "False"}
    found: dict[str, str] = {}
    for where, tree in expressions:
        names, functions = names_in(tree)
        for name in sorted(names - own):
            if is_noise(name):  # white noise: drawn by the state update, not looked up
                continue
            found.setdefault(name, where)
        for function in sorted(functions - set(FUNCTION_DIMS)):
            found.setdefault(function, f"{where}, as a function")
    return dict(sorted(found.items()))


def resolve_externals(obj: Any, run_namespace: Mapping[str, Any] | None,
                      frame_namespace: Mapping[str, Any], warn_shadowed: bool = True) -> dict[str, External]:
    """Resolve every external name of ``obj``; an unknown name raises naming the object.
    ``warn_shadowed``: warn about a model variable that an outside name shadows (``run()``
    leaves that to the model checks, which warn once per model structure)."""
    if obj.namespace is not None:
        sources = [obj.namespace]
    elif run_namespace is not None:
        sources = [run_namespace]
    else:
        sources = [frame_namespace]
    expressions = obj._expression_sources()  # parsed once: both checks below read them
    if warn_shadowed:
        _warn_shadowed(obj, sources[0], expressions)
    names = external_names(obj, expressions)
    for name, where in names.items():
        if name.startswith("_"):  # neurogen's own names (_dt, _refractory...) start with '_'
            raise NotImplementedError(
                f"{_owner(obj)}, {where}: the constant '{name}' starts with '_'; neurogen "
                "reserves such names for its own values (Brian2 accepts them): please rename it")
    resolved = {name: _resolve(name, sources, obj, where) for name, where in names.items()}
    functions = {name: e.function for name, e in resolved.items() if isinstance(e, FunctionExternal)}
    if functions:
        types = _variable_types(obj)
        for where, tree in expressions:
            check_argument_types(tree, types, functions, f"{_owner(obj)}, {where}")
    resolved.update(obj._value_externals())  # numbers an object passes as runtime values
    return resolved


def _variable_types(obj: Any) -> dict[str, str]:
    """Brian2's types of an object's names that are not floats: its integer and boolean
    variables and subexpressions, and the indices ``i``, ``j``, ``N``."""
    kinds = {"int32": "integer", "int64": "integer", "bool": "boolean"}
    types = {"i": "integer", "j": "integer", "N": "integer"}
    types.update({name: kinds[spec.dtype] for name, spec in obj._specs.items() if spec.dtype in kinds})
    if obj._equations is not None:
        types.update({eq.name: eq.dtype for eq in obj._equations if eq.dtype != "float"})
    return types


def _warn_shadowed(obj: Any, namespace: Mapping[str, Any], expressions: Sources) -> None:
    """Brian2 warns when a model variable also names a value outside: the model's wins."""
    for name, _ in shadowed_names(obj, namespace, expressions):
        warnings.warn(f"{_owner(obj)}: '{name}' is a model variable and also "
                      "a name outside the model; the model variable is used", UserWarning, stacklevel=5)


def shadowed_names(obj: Any, namespace: Mapping[str, Any], expressions: Sources) -> list[tuple[str, Any]]:
    """The model variables of ``obj`` its expressions read that ``namespace`` (where its
    external names resolve) also defines as a number, with that number (the model's wins)."""
    own = set(obj._variable_dims()) - {"i", "N"}
    used: set[str] = set()
    for _, tree in expressions:
        used |= names_in(tree)[0]
    found = []
    for name in sorted(own & used):
        value = namespace.get(name)
        if isinstance(value, (int, float, np.number, np.ndarray)) and not isinstance(value, bool):
            found.append((name, value))
    return found


def namespace_of(obj: Any, run_namespace: Mapping[str, Any] | None,
                 frame_namespace: Mapping[str, Any]) -> Mapping[str, Any]:
    """Where the external names of ``obj`` resolve: its own ``namespace=``, else the run's, else
    the caller's frame (as :func:`resolve_externals` looks)."""
    if obj.namespace is not None:
        return obj.namespace
    return run_namespace if run_namespace is not None else frame_namespace


def _resolve(name: str, sources: list[Mapping[str, Any]], obj: Any,
             where: str) -> External | TimedArrayExternal | FunctionExternal:
    called = where.endswith("as a function")
    for source in sources:
        if name in source:
            if called and isinstance(source[name], TimedFunction):
                return TimedArrayExternal(name, source[name].dim, source[name])
            if called and callable(source[name]):
                return _function(name, source[name], obj, where[:-len(", as a function")])
            if not called:
                return _external(name, source[name], obj)
    if called:
        raise EquationError(f"{_owner(obj)}, {where[:-len(', as a function')]}: "
                            f"unknown function '{name}'")
    if name in UNITS:
        return _external(name, UNITS[name], obj)
    if name in CONSTANTS:
        return External(name, DIMENSIONLESS, CONSTANTS[name], literal=True)
    if name in MODEL_ONLY_UNITS:  # '0.5*radian/second' in model code, as Brian2 reads it: the number 1
        return External(name, DIMENSIONLESS, 1.0, literal=True)
    owner = _owner(obj)
    raise EquationError(
        f"{where if where.startswith(owner) else f'{owner}, {where}'}: the name '{name}' is not a model variable "
        "and is not defined in the namespace (define it before run(), or pass namespace=)"
    )


def _function(name: str, value: Any, obj: Any, where: str) -> FunctionExternal:
    """A user function called in model code: a :class:`Function` (a ``@check_units`` Python
    function is made one, as Brian2 does) with a C++ implementation."""
    if not isinstance(value, Function):
        if not hasattr(value, "_arg_units"):
            raise NotImplementedError(
                f"{_owner(obj)}, {where}: '{name}' is a Python function without units and without "
                f"C++ code; model code runs as compiled C++: wrap it as Function({name}, arg_units=[...], "
                f"return_unit=...) and add a C++ implementation with @implementation('cpp', code)")
        value = Function(value)
    try:
        sources = value.cpp_sources(name)
    except NotImplementedError as error:
        raise NotImplementedError(f"{_owner(obj)}, {where}: {error}") from None
    except ValueError as error:
        raise ValueError(f"{_owner(obj)}, {where}: {error}") from None
    return FunctionExternal(name, value, tuple(sources))


def _external(name: str, value: Any, obj: Any) -> External:
    if callable(value) and not isinstance(value, (Quantity, np.ndarray)):
        raise EquationError(f"{_owner(obj)}: '{name}' was used like a variable/constant, but it is a "
                            f"function (call it with its arguments: {name}(...))")
    literal = name in UNITS and value is UNITS[name]
    if isinstance(value, int) and not -2**1023 < value < 2**1023:
        raise TypeError(f"{_owner(obj)}: external '{name}' is an integer of {len(str(abs(value)))} digits, "
                        "too large for a double (model code computes in doubles)")
    array = np.asarray(value)
    if array.ndim != 0 or array.dtype.kind not in "biuf":
        raise TypeError(
            f"{_owner(obj)}: external '{name}' must be a scalar number or "
            f"quantity, got {type(value).__name__}"
        )
    return External(name, get_dimensions(value), float(array), literal)


def _owner(obj: Any) -> str:
    """``NeuronGroup 'G'``: the object an error is about (a scope stands for its group)."""
    return f"{obj._described_as or type(obj).__name__} '{obj.name}'"


def user_namespace() -> dict[str, Any]:
    """The names visible in the first frame outside neurogen: where the user wrote the line
    (``G.v = 'v0 + rand()*mV'``, ``G.I``) that needs them."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").startswith("neurogen"):
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return {}
    namespace = {**frame.f_globals, **frame.f_locals}
    del frame
    return namespace
