"""``connect(condition=, p=, n=)`` and generator syntax, run as one generated C++ call.

For each presynaptic ``i`` the kernel walks the candidate targets (every ``j``, or the values
of a generator such as ``'k for k in range(i-3, i+4) if k != i'``), keeps those that pass the
condition and the probability, and appends ``n`` synapses each, in (i, candidate) order as
Brian2 does. Random numbers come from (seed, the Synapses' stream, -(call number), i,
candidate), so the result does not depend on what else ran.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from ..errors import EquationError, NotAConditionError
from ..frontend.expressions import is_condition, parse_expression
from ..frontend.namespace import External, resolve_externals, user_namespace
from .assignment import call_objects, call_values
from .simulation import load_simulation
from ..objects.schedule import CALLED
from ..session import session
from ..units import DIMENSIONLESS


@dataclass(frozen=True)
class Candidates:
    """Where targets come from: ``target`` for each ``variable`` in range(low, high, step)."""

    variable: str = "_k"
    low: str = "0"
    high: str = "N_post"
    step: str = "1"
    target: str = "_k"
    sample_p: str | None = None  # sample(..., p=): each candidate kept with this probability
    condition: str | None = None  # the generator's ``if``

    @classmethod
    def parse(cls, j: str, where: str) -> "Candidates":
        """Brian2's generator syntax, or a plain expression of ``i`` (``j='i'``: one target)."""
        try:
            tree = ast.parse(f"[{j}]", mode="eval").body
        except SyntaxError as exc:
            target, sep, condition = j.partition(" if ")
            if sep and " for " not in target:  # Brian2's 'i + 1 if i < 3': that one target, if
                parse_expression(target, where)
                parse_expression(condition, where)
                return cls(variable="_k", low="0", high="1", target=target.strip(), condition=condition.strip())
            raise EquationError(f"{where}: cannot parse j='{j}': {exc.msg}") from None
        if not isinstance(tree, ast.ListComp):
            parse_expression(j, where)
            return cls(variable="_k", low="0", high="1", target=j)
        if len(tree.generators) != 1 or not isinstance(tree.generators[0].target, ast.Name):
            raise EquationError(f"{where}: j='{j}' must be 'expr for var in range(...)' (one loop)")
        loop = tree.generators[0]
        call = loop.iter
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                and call.func.id in ("range", "sample")):
            raise EquationError(f"{where}: j='{j}': the loop must go over range(...) or sample(...)")
        args = [ast.unparse(a) for a in call.args]
        keywords = {k.arg: ast.unparse(k.value) for k in call.keywords}
        sample_p = None
        if call.func.id == "sample":
            if set(keywords) != {"p"}:
                raise NotImplementedError(f"{where}: j='{j}': sample() needs exactly the keyword p= "
                                          "(size= is not supported)")
            sample_p = keywords["p"]
        elif keywords:
            raise EquationError(f"{where}: j='{j}': range() takes no keywords")
        if not 1 <= len(args) <= 3:
            raise EquationError(f"{where}: j='{j}': range/sample take 1 to 3 positional arguments")
        low, high, step = {1: ["0", args[0], "1"], 2: [*args, "1"], 3: args}[len(args)]
        condition = " and ".join(f"({ast.unparse(c)})" for c in loop.ifs) or None
        return cls(loop.target.id, low, high, step, ast.unparse(tree.elt), sample_p, condition)


def connect_generated(synapses: Any, *, condition: Any, j: Any, p: Any, n: Any, skip_if_invalid: bool,
                      namespace: Mapping[str, Any] | None, where: str) -> None:
    if condition is not None and not isinstance(condition, str):
        raise TypeError(f"{where}: condition must be a string (or True/False), got {condition!r}")
    if isinstance(j, str) and (condition is not None or not is_one(p)):
        raise TypeError(f"{where}: with a generator for j=, put the condition and probability into it "
                        "('k for k in sample(N_post, p=0.1) if k != i')")
    candidates = Candidates.parse(j, where) if isinstance(j, str) else Candidates()
    for what, text in (("condition", condition), (f"j='{j}': the condition after 'if'", candidates.condition)):
        if text is not None:
            _check_condition(synapses, text, what, where)
    pieces = {
        "low": candidates.low, "high": candidates.high, "step": candidates.step,
        "target": candidates.target, "sample_p": candidates.sample_p, "if": candidates.condition,
        "condition": condition, "p": None if is_one(p) else p, "n": n,
    }
    _check_values(p, n, where)
    # a number for p or n is a value of the call, not code: changing it never recompiles
    numbers = {key: External(f"_connect_{key}", DIMENSIONLESS, float(value), literal=False)
               for key, value in pieces.items() if key in ("p", "n") and not isinstance(value, str)
               and value is not None}
    pieces = {k: (numbers[k].name if k in numbers else v) for k, v in pieces.items() if v is not None}
    sources = [(f"{where}, {key}='{text}'", parse_expression(text, f"{where}, {key}"))
               for key, text in pieces.items() if key not in numbers]
    scope = _ConnectScope(synapses, sources, candidates.variable)
    externals = resolve_externals(scope, namespace, user_namespace())
    externals.update({e.name: e for e in numbers.values()})

    objects = call_objects(synapses)
    parts = ["connect", *synapses._structure(), *(o._specs_key() for o in objects[1:]),
             repr(sorted(pieces.items())), candidates.variable, str(bool(skip_if_invalid)),
             ";".join(e.key() for e in externals.values())]

    def lower() -> Any:
        from ..compiler.lower.connect import lower_connect

        return lower_connect(objects, pieces, candidates.variable, bool(skip_if_invalid), externals, where)

    simulation = load_simulation(parts, lower)
    synapses._assignments += 1
    _, error = simulation.run(call_values(objects, np.zeros(0, np.int32), externals), dt=synapses.clock.dt_,
                              t_start=synapses._clock_time, seed=session().run_seed(),
                              step0=-synapses._assignments, n_steps=0, interval=CALLBACK_INTERVAL, callback=None)
    made = simulation.dynamic()
    if error is not None:  # Ctrl-C: no synapse is made
        raise error
    _raise_problem(made[(CALLED, "_error")], synapses, j, p, n, where)
    synapses._add_synapses(made[(CALLED, "_new_pre")], made[(CALLED, "_new_post")])


CALLBACK_INTERVAL = 0.1  # seconds of wall time between checks for Ctrl-C, as in run()


def _raise_problem(error: np.ndarray, synapses: Any, j: Any, p: Any, n: Any, where: str) -> None:
    """The problem that stopped the generated call, as ``(code, i, value)`` (see connect.j2)."""
    if not len(error):
        return
    code, i, value = (int(x) for x in error)
    generator = f"j='{j}'" if isinstance(j, str) else "the targets"
    if code == 1:
        shown = "not a valid index" if value == -2**63 else str(value)
        raise IndexError(f"{where}: {generator} gave j={shown} for i={i}, outside the allowed range 0 to "
                         f"{len(synapses.target) - 1}; pass skip_if_invalid=True to leave such targets out")
    if code == 2:
        raise ValueError(f"{where}: {generator}: range() arg 3 must not be zero (for i={i})")
    if code == 3:
        shown = "more than 2**62" if value == -2**63 else str(value)
        raise ValueError(f"{where}: n={n!r} gives {shown} synapses for one pair (i={i}); Synapses "
                         f"'{synapses.name}' can hold at most 2**31 - 1 synapses")
    if code == 4:
        raise KeyboardInterrupt
    if code == 5:
        raise ValueError(f"{where}: {generator}, n={n!r}: a range bound, step or n is NaN or beyond "
                         f"+-2**62 (for i={i})")
    if code == 6:
        raise MemoryError(f"{where}: the new synapses of Synapses '{synapses.name}' do not fit in memory")
    if code in (7, 9):
        what = f"p={p!r}" if code == 7 else f"{generator}: sample(..., p=)"
        raise ValueError(f"{where}: {what} is NaN for i={i}, {'j=' if code == 7 else 'candidate '}{value}; "
                         "a probability must be a number")
    if code == 8:
        shown = "below -2**62" if value == -2**63 else str(value)
        raise ValueError(f"{where}: n={n!r} is {shown} for i={i}; a number of synapses must not be negative")
    raise AssertionError(f"internal error: connect problem code {code}")


def _check_condition(synapses: Any, condition: str, what: str, where: str) -> None:
    """``condition=`` (and a generator's ``if``) must be a truth value, as Brian2 requires
    (``'i + j'`` is refused, not read as ``i + j != 0``; Brian2 2.9 indexes with the number
    in a generator's ``if``); boolean pre-/postsynaptic variables count as one."""
    booleans = set()
    for suffixes, group in ((("_pre",), synapses._source_group), (("_post", ""), synapses._target_group)):
        names = {n for n, s in group._specs.items() if s.dtype == "bool"} | {
            eq.name for eq in group._equations.of_kind("subexpression") if eq.dtype == "boolean"}
        booleans |= {n + suffix for n in names for suffix in suffixes}
    if not is_condition(parse_expression(condition, f"{where}, {what}"), booleans):
        raise NotAConditionError(f"{where}, {what}: '{condition}' is not a boolean expression (expected e.g. "
                                 "'i != j' or 'rand() < 0.1', as Brian2 requires)")


def is_one(p: Any) -> bool:
    """``p`` is the number 1 (connect every candidate), not an expression."""
    return not isinstance(p, str) and float(p) == 1.0


def _check_values(p: Any, n: Any, where: str) -> None:
    if not isinstance(p, str) and not 0.0 <= float(p) <= 1.0:
        raise ValueError(f"{where}: p must be a probability between 0 and 1, got {p!r}")
    if not isinstance(n, str) and (isinstance(n, bool) or not float(n).is_integer() or n < 0):
        raise ValueError(f"{where}: n must be a non-negative integer or an expression, got {n!r}")


class _ConnectScope:
    """The names connect expressions see: the synapse's (no synaptic variables yet) plus the
    generator's loop variable."""

    def __init__(self, synapses: Any, sources: list[tuple[str, ast.expr]], variable: str) -> None:
        self.synapses, self.sources, self.variable = synapses, sources, variable
        self.name, self.namespace = synapses.name, synapses.namespace
        self._described_as = "Synapses"  # what error messages call it
        self._specs, self._equations = {}, None  # typed names: only i, j, N (user functions' argument types)

    def _variable_dims(self) -> dict[str, Any]:
        return {**self.synapses._variable_dims(), self.variable: DIMENSIONLESS}

    def _expression_sources(self) -> list[tuple[str, ast.expr]]:
        return self.sources + self.synapses._neuron_subexpression_sources(self.sources)

    def _value_externals(self) -> dict[str, External]:
        return {}
