"""Random model code through the compiled path, in every context, against plain numpy.

Each context runner takes a batch of model texts, builds ONE network that uses all of them
(many expressions per compiled module), runs it, and returns what the compiled code computed
next to numpy's value of the same text (``model_reference``). Contexts: subexpression (read
through a StateMonitor), one Euler step of an ODE, threshold (alone, with refractoriness, and
many conditions selected per neuron), reset statements, ``on_pre``/``on_post`` statements,
``(summed)`` variables, ``connect(condition=)`` / ``connect(p=)``, and string assignments.

Used by ``test_differential.py`` (a fixed seed, in CI) and ``differential_campaign.py`` (long runs).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np
import sympy

import neurogen as ng
from model_reference import evaluate, execute, mismatches, rows_of
from neurogen.errors import EquationError
from neurogen.frontend.expressions import parse_expression
from neurogen.compiler.ir import sym
from neurogen.frontend.namespace import CONSTANTS
from neurogen.compiler.symbolic import to_sympy

#: Names of a neuron's code: float variables (one named like a C++ keyword), an integer and a
#: boolean variable, two runtime constants (one named like a C macro), i and N.
NEURON_FLOATS = ("v", "u", "double")  # no "w": Brian2 refuses a neuron variable named like the synapses' w
NEURON_NAMES = NEURON_FLOATS + ("k", "b", "c1", "RAND_MAX", "i", "N")
NEURON_MODEL = "v : 1\nu : 1\ndouble : 1\nk : integer\nb : boolean\nsel : integer"
#: Names of synaptic code: a synaptic weight, pre- and postsynaptic variables, indices.
SYNAPSE_NAMES = ("w", "v_pre", "v_post", "v", "k_pre", "b_post", "double_pre", "c1", "RAND_MAX", "i", "j")
CONNECT_NAMES = ("v_pre", "v_post", "k_pre", "b_post", "double_post", "c1", "i", "j")
CONSTANT_VALUES = {"c1": 1.75, "RAND_MAX": -2.5}
N_NEURONS = 24


@dataclass
class Outcome:
    """What a batch found: mismatches (context, text, element, compiled, numpy), how many
    elements were compared, how many could not be judged, texts refused at compile time."""

    expressions: int = 0  # expressions and statements that went through compiled code
    checked: int = 0
    compared: int = 0
    unjudged: int = 0
    refused: list[str] = field(default_factory=list)
    wrong: list[tuple[str, str, int, float, float]] = field(default_factory=list)

    def add(self, context: str, text: str, actual: Any, compute: Callable[[Mapping[str, Any]], Any],
            env: Mapping[str, Any]) -> None:
        actual = np.asarray(actual, dtype=float)
        bad, unjudged = mismatches(actual, compute, env)
        self.checked += 1
        self.compared += actual.size - unjudged
        self.unjudged += unjudged
        truth = np.broadcast_to(np.asarray(compute(env), dtype=float), actual.shape)
        for index in bad[:3]:
            self.wrong.append((context, text, int(index), float(actual.flat[index]), float(truth.flat[index])))

    def report(self) -> str:
        lines = [f"{context}: {text!r} element {k}: compiled {got!r}, numpy {want!r}"
                 for context, text, k, got, want in self.wrong[:15]]
        return "\n".join(lines)


def compiles(text: str) -> bool:
    """False for a text neurogen refuses on purpose (a constant division by zero or overflow)."""
    def resolve(name: str) -> sympy.Expr:
        return sympy.Float(CONSTANTS[name]) if name in CONSTANTS else sym(name)
    try:
        to_sympy(parse_expression(text, "check"), resolve, "check")
    except EquationError as error:
        if "division by zero" in str(error) or "too large" in str(error):
            return False
        raise
    return True


#: The first elements of every group hold special values (whole numbers, zeros of both signs,
#: exact quotients such as 7/0.1, extremes); the others random ones.
SPECIAL = ((2.0, 3.0, -1.0), (0.0, -0.0, 0.5), (7.0, 0.1, 4.0), (1e-300, -2.5, 1e300), (-3.0, 0.5, 2.0))


def neuron_values(rng: np.random.Generator, n: int = N_NEURONS) -> dict[str, np.ndarray]:
    values = {name: rng.choice([-1.0, 1.0], n) * rng.uniform(0.1, 5.0, n) for name in NEURON_FLOATS}
    for element, special in enumerate(SPECIAL[:n]):
        for name, value in zip(NEURON_FLOATS, special):
            values[name][element] = value
    values["k"] = rng.integers(-5, 6, n).astype(float)
    values["b"] = rng.random(n) < 0.5
    return values


def neuron_env(values: Mapping[str, np.ndarray]) -> dict[str, Any]:
    n = len(values["v"])
    return {**values, **CONSTANT_VALUES, "i": np.arange(n, dtype=float), "N": np.full(n, float(n))}


def make_group(model: str, values: Mapping[str, np.ndarray], **kwargs: Any) -> ng.NeuronGroup:
    group = ng.NeuronGroup(len(values["v"]), NEURON_MODEL + "\n" + model, namespace=dict(CONSTANT_VALUES),
                           **kwargs)
    for name, array in values.items():
        setattr(group, name, array.astype(int) if name in ("k", "sel", "r2") else array)
    return group


def _run(*objects: Any) -> None:
    ng.Network(*objects).run(ng.defaultclock.dt)


# -- neuron contexts ------------------------------------------------------------------------

def run_subexpressions(texts: list[str], rng: np.random.Generator, outcome: Outcome) -> None:
    outcome.expressions += len(texts)
    values = neuron_values(rng)
    model = "\n".join(f"e{n} = {text} : 1" for n, text in enumerate(texts))
    group = make_group(model, values)
    monitor = ng.StateMonitor(group, [f"e{n}" for n in range(len(texts))], record=True)
    _run(group, monitor)
    env = neuron_env(values)
    for n, text in enumerate(texts):
        outcome.add("subexpression", text, getattr(monitor, f"e{n}")[:, 0], _expression(text), env)


def run_odes(texts: list[str], rng: np.random.Generator, outcome: Outcome) -> None:
    """One Euler step from y = 0: y = dt*f, so y/dt is f."""
    outcome.expressions += len(texts)
    values = neuron_values(rng)
    model = "\n".join(f"dy{n}/dt = ({text})/second : 1" for n, text in enumerate(texts))
    group = make_group(model, values, method="euler")
    _run(group)
    env = neuron_env(values)
    dt = float(ng.defaultclock.dt)
    for n, text in enumerate(texts):
        outcome.add("ODE (euler step)", text, np.asarray(getattr(group, f"y{n}")) / dt, _expression(text), env)


def run_thresholds(texts: list[str], rng: np.random.Generator, outcome: Outcome, *,
                   selected: list[str] = ()) -> None:
    """Each text the threshold of its own group (every other one refractory: the condition is
    then joined with not_refractory); ``selected`` conditions share one group, neuron n testing
    condition ``n % len(selected)`` (many conditions, one threshold)."""
    outcome.expressions += len(texts) + len(selected)
    objects, checks = [], []
    for n, text in enumerate(texts):
        values = neuron_values(rng)
        kwargs = {"refractory": 1 * ng.ms} if n % 2 else {}
        group = make_group("", values, threshold=text, **kwargs)
        monitor = ng.SpikeMonitor(group)
        objects += [group, monitor]
        checks.append((text, monitor, values))
    if selected:
        chosen = neuron_values(rng, 4 * len(selected))
        chosen["sel"] = (np.arange(4 * len(selected)) % len(selected)).astype(float)
        combined = " or ".join(f"(sel == {n} and ({text}))" for n, text in enumerate(selected))
        group = make_group("", chosen, threshold=combined)
        chosen_monitor = ng.SpikeMonitor(group)
        objects += [group, chosen_monitor]
    _run(*objects)
    for text, monitor, values in checks:
        outcome.add("threshold", text, _fired(monitor), _expression(text), neuron_env(values))
    if selected:
        fired = _fired(chosen_monitor)
        env = neuron_env(chosen)
        for n, text in enumerate(selected):
            rows = np.flatnonzero(chosen["sel"] == n)
            outcome.add("threshold (selected)", text, fired[rows], rows_of(_expression(text), rows), env)


def _fired(monitor: Any) -> np.ndarray:
    fired = np.zeros(monitor.source.N)
    fired[np.asarray(monitor.i)] = 1.0
    return fired


def run_resets(programs: list[list[tuple[str, str, str]]], rng: np.random.Generator, outcome: Outcome) -> None:
    """Each program (statements over r0..r3 and the neuron's names) the reset of its own group,
    with threshold 'True': one step runs it once for every neuron. r2 is an integer variable,
    r3 a boolean one (stores truncate, or test for non-zero)."""
    targets = ("r0", "r1", "r2", "r3")
    types = {"r2": "integer", "r3": "boolean"}
    outcome.expressions += sum(len(p) for p in programs)
    objects, checks = [], []
    for program in programs:
        values = neuron_values(rng)
        for name in targets:
            values[name] = rng.uniform(-2, 2, len(values["v"]))
        values["r2"], values["r3"] = np.trunc(values["r2"] * 3), values["r3"] > 0
        reset = "\n".join(f"{t} {op} {text}" for t, op, text in program)
        model = "\n".join(f"{t} : {types.get(t, '1')}" for t in targets)
        group = make_group(model, values, threshold="True", reset=reset)
        objects.append(group)
        checks.append((program, group, values))
    _run(*objects)
    for program, group, values in checks:
        shown = "; ".join(f"{t} {op} {text}" for t, op, text in program)
        for name in targets:
            outcome.add("reset", shown + f"  [{name}]", np.asarray(getattr(group, name), dtype=float),
                        lambda env, p=program, name=name: execute(p, env, types)[name], neuron_env(values))


# -- synapse contexts -----------------------------------------------------------------------

@dataclass
class _Pair:
    pre: Any
    post: Any
    pre_values: dict
    post_values: dict
    i: np.ndarray
    j: np.ndarray

    def env(self, weights: np.ndarray) -> dict[str, Any]:
        pre, post = self.pre_values, self.post_values
        return {"w": weights, "v_pre": pre["v"][self.i], "v_post": post["v"][self.j], "v": post["v"][self.j],
                "k_pre": pre["k"][self.i], "b_post": post["b"][self.j], "double_pre": pre["double"][self.i],
                **CONSTANT_VALUES, "i": self.i.astype(float), "j": self.j.astype(float)}


def _pair(rng: np.random.Generator, pre_threshold: str | None, post_threshold: str | None,
          post_model: str = "") -> _Pair:
    pre_values, post_values = neuron_values(rng), neuron_values(rng)
    pre = make_group("", pre_values, threshold=pre_threshold)
    post = make_group(post_model, post_values, threshold=post_threshold)
    i = np.repeat(np.arange(N_NEURONS), 2)
    j = rng.integers(0, N_NEURONS, len(i))
    return _Pair(pre, post, pre_values, post_values, i, j)


def run_pathways(programs: list[list[tuple[str, str, str]]], rng: np.random.Generator, outcome: Outcome,
                 pathway: str) -> None:
    """Each program (statements over the synaptic s0..s2) the on_pre (or on_post) code of its own
    Synapses; every neuron spikes in the first step, so it runs once for every synapse. s2 is an
    integer variable."""
    targets = ("s0", "s1", "s2")
    types = {"s2": "integer"}
    outcome.expressions += sum(len(p) for p in programs)
    pair = _pair(rng, "True" if pathway == "pre" else None, "True" if pathway == "post" else None)
    objects: list[Any] = [pair.pre, pair.post]
    checks = []
    for program in programs:
        code = "\n".join(f"{t} {op} {text}" for t, op, text in program)
        synapses = ng.Synapses(pair.pre, pair.post, "w : 1\n" + "\n".join(f"{t} : {types.get(t, '1')}" for t in targets),
                               namespace=dict(CONSTANT_VALUES), **{f"on_{pathway}": code})
        synapses.connect(i=pair.i, j=pair.j)
        weights = rng.uniform(-3, 3, len(pair.i))
        synapses.w = weights
        start = {t: rng.uniform(-2, 2, len(pair.i)) for t in targets}
        start["s2"] = np.trunc(start["s2"] * 3)
        for t in targets:
            setattr(synapses, t, start[t].astype(int) if t in types else start[t])
        objects.append(synapses)
        checks.append((program, synapses, {**pair.env(weights), **start}))
    _run(*objects)
    for program, synapses, env in checks:
        shown = "; ".join(f"{t} {op} {text}" for t, op, text in program)
        for name in targets:
            outcome.add(f"on_{pathway}", shown + f"  [{name}]", np.asarray(getattr(synapses, name), dtype=float),
                        lambda env_, p=program, name=name: execute(p, env_, types)[name], env)


def run_summed(texts: list[str], rng: np.random.Generator, outcome: Outcome) -> None:
    """``y<n>_post = text : 1 (summed)``: the sum over each target's synapses."""
    outcome.expressions += len(texts)
    pair = _pair(rng, None, None, post_model="\n".join(f"y{n} : 1" for n in range(len(texts))))
    model = "w : 1\n" + "\n".join(f"y{n}_post = {text} : 1 (summed)" for n, text in enumerate(texts))
    synapses = ng.Synapses(pair.pre, pair.post, model, namespace=dict(CONSTANT_VALUES))
    synapses.connect(i=pair.i, j=pair.j)
    weights = rng.uniform(-3, 3, len(pair.i))
    synapses.w = weights
    _run(pair.pre, pair.post, synapses)
    env = pair.env(weights)
    for n, text in enumerate(texts):
        def summed(env_: Mapping[str, Any], text: str = text) -> np.ndarray:
            per_synapse = np.broadcast_to(np.asarray(evaluate(text, env_), dtype=float), pair.i.shape)
            return np.bincount(pair.j, weights=per_synapse, minlength=N_NEURONS)
        outcome.add("summed", text, np.asarray(getattr(pair.post, f"y{n}")), summed, env)


def run_connect_conditions(selected: list[str], alone: list[str], rng: np.random.Generator,
                           outcome: Outcome) -> None:
    """Conditions of connect(): many selected per presynaptic neuron in one call (neuron i tests
    condition ``i % len(selected)``), and a few each in a call of its own."""
    outcome.expressions += len(selected) + len(alone)
    n_pre = max(N_NEURONS, 3 * len(selected))
    pre_values, post_values = neuron_values(rng, n_pre), neuron_values(rng)
    pre_values["sel"] = (np.arange(n_pre) % max(len(selected), 1)).astype(float)
    pre, post = make_group("", pre_values), make_group("", post_values)
    ii, jj = np.meshgrid(np.arange(n_pre), np.arange(N_NEURONS), indexing="ij")
    ii, jj = ii.ravel(), jj.ravel()
    env = {"v_pre": pre_values["v"][ii], "v_post": post_values["v"][jj], "k_pre": pre_values["k"][ii],
           "b_post": post_values["b"][jj], "double_post": post_values["double"][jj], **CONSTANT_VALUES,
           "i": ii.astype(float), "j": jj.astype(float)}
    jobs = []
    if selected:
        combined = " or ".join(f"(sel_pre == {n} and ({text}))" for n, text in enumerate(selected))
        jobs.append((combined, selected))
    jobs += [(text, [text]) for text in alone]
    for condition, texts in jobs:
        synapses = ng.Synapses(pre, post, "w : 1", namespace=dict(CONSTANT_VALUES))
        synapses.connect(condition=condition)
        made = np.zeros((n_pre, N_NEURONS))
        made[np.asarray(synapses.i), np.asarray(synapses.j)] = 1.0
        for n, text in enumerate(texts):
            rows = np.flatnonzero(pre_values["sel"][ii] == n) if len(texts) > 1 else np.arange(len(ii))
            context = "connect(condition=) selected" if len(texts) > 1 else "connect(condition=)"
            outcome.add(context, text, made.ravel()[rows], rows_of(_expression(text), rows), env)


def run_connect_probabilities(texts: list[str], rng: np.random.Generator, outcome: Outcome) -> None:
    """connect(p=text): pairs where p >= 1 must all be connected, p <= 0 never (in between it is
    random: not judged here); a p that is NaN for some pair must raise (numpy finds a NaN too)."""
    outcome.expressions += len(texts)
    pre_values, post_values = neuron_values(rng), neuron_values(rng)
    pre, post = make_group("", pre_values), make_group("", post_values)
    ii, jj = (a.ravel() for a in np.meshgrid(np.arange(N_NEURONS), np.arange(N_NEURONS), indexing="ij"))
    env = {"v_pre": pre_values["v"][ii], "v_post": post_values["v"][jj], "k_pre": pre_values["k"][ii],
           "b_post": post_values["b"][jj], "double_post": post_values["double"][jj], **CONSTANT_VALUES,
           "i": ii.astype(float), "j": jj.astype(float)}
    for text in texts:
        synapses = ng.Synapses(pre, post, "w : 1", namespace=dict(CONSTANT_VALUES))
        p = np.broadcast_to(np.asarray(evaluate(text, env), dtype=float), ii.shape)
        try:
            synapses.connect(p=text)
        except ValueError as exc:  # a probability that is NaN is an error (as in Brian2)
            if "is NaN for" not in str(exc) or not np.isnan(p).any():
                raise
            outcome.checked += 1
            continue
        made = np.zeros((N_NEURONS, N_NEURONS))
        made[np.asarray(synapses.i), np.asarray(synapses.j)] = 1.0
        certain = np.flatnonzero((p >= 1) | (p <= 0))
        outcome.add("connect(p=)", text, made.ravel()[certain],
                    rows_of(lambda env_, text=text: np.asarray(evaluate(text, env_), dtype=float) >= 1, certain), env)


def run_assignments(texts: list[str], rng: np.random.Generator, outcome: Outcome) -> None:
    """``G.y = text`` (each assignment compiles and runs at once)."""
    outcome.expressions += len(texts)
    values = neuron_values(rng)
    group = make_group("y : 1", values)
    env = neuron_env(values)
    for text in texts:
        group.y = text
        outcome.add("string assignment", text, np.asarray(group.y).copy(), _expression(text), env)


# -- helpers --------------------------------------------------------------------------------

def _expression(text: str) -> Callable[[Mapping[str, Any]], Any]:
    return lambda env: evaluate(text, env)
