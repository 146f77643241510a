"""Stochastic differential equations: white noise ``xi``/``xi_<name>`` with Brian2's meaning.

``dx/dt = f(x, t) + sum_k g_k(x, t)*xi_k`` is the SDE ``dx = f dt + sum_k g_k dW_k``. Each step
draws one Wiener increment ``dW_k = sqrt(dt)*N(0, 1)`` per element and noise name (from the
counter-based generator, see ``noise`` in :mod:`neurogen.compiler.symbolic`), so one name used in two
equations is one sample, and two names are independent. The methods are Brian2's, written
from their definitions:

- ``euler``: Euler-Maruyama ``x + f dt + g dW``, additive noise only (no ``g_k`` depends on a
  state variable or on ``t``), where the Ito and Stratonovich readings agree.
- ``heun``: stochastic Heun ``x + f dt + (g(x, t) + g(x + g dW, t + dt)) dW/2`` with one support
  point per noise: Stratonovich.
- ``milstein``: derivative-free Milstein ``x + f dt + g dW + (g(s, t) - g(x, t)) dW^2/(2 sqrt(dt))``
  with ``s = x + f dt + g sqrt(dt)``, diagonal noise only. Brian2's scheme has ``dW^2`` where
  the Ito form has ``dW^2 - dt``, so it solves the Stratonovich equation too (checked against
  Brian2 2.9: geometric Brownian motion grows by ``exp(s^2 T/2)`` with both methods).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy

from ..frontend.equations import is_noise
from ..errors import EquationError
from .integration_common import (Equations, cannot, depends_on_time, describe, describe_all, first_that_applies,
                                 temporary)
from .ir import DT, T, Assign, Integration, Statement, sym
from .symbolic import noise

HANDLES_NOISE = ("the methods for stochastic equations are 'euler' (Euler-Maruyama, additive noise "
                 "only), 'heun' and 'milstein' (both Stratonovich)")


@dataclass(frozen=True)
class SDE:
    """``dx_i/dt = drift[i] + sum_k diffusion[k][i]*noises[k]`` (a factor is 0 where unused)."""

    names: tuple[str, ...]
    rhs: tuple[sympy.Expr, ...]
    drift: tuple[sympy.Expr, ...]
    noises: tuple[sympy.Symbol, ...]
    diffusion: tuple[tuple[sympy.Expr, ...], ...]

    @property
    def states(self) -> tuple[sympy.Symbol, ...]:
        return tuple(sym(n) for n in self.names)

    def cannot(self, method: str, i: int, why: str) -> EquationError:
        return cannot(method, self.names[i], self.rhs[i], why)


def noise_symbols(eqs: Equations) -> list[sympy.Symbol]:
    """The noise names of a system, sorted: noise ``k`` is draw ``k`` of each element and step."""
    found = {s for _, rhs in eqs for s in rhs.free_symbols if is_noise(s.name)}
    return sorted(found, key=lambda s: s.name)


def integrate_stochastic(eqs: Equations, method: str | None) -> Integration:
    """Integrate a system with noise; ``None`` chooses as Brian2 (euler if additive, else heun)."""
    sde = split(eqs)
    if method is None:
        return _choose(sde)
    if method not in SCHEMES:
        i = next(i for i, rhs in enumerate(sde.rhs) if rhs.free_symbols & set(sde.noises))
        shown = ", ".join(s.name for s in sde.noises)
        raise sde.cannot(method, i, f"it has white noise ({shown}); {HANDLES_NOISE}")
    return SCHEMES[method](sde)


def _choose(sde: SDE) -> Integration:
    # Brian2 tries exact first, which never takes noise; heun applies to every stochastic system
    return first_that_applies(("euler", "heun"), lambda candidate: SCHEMES[candidate](sde),
                              describe_all(list(zip(sde.names, sde.rhs))))


def split(eqs: Equations) -> SDE:
    """Separate drift and noise factors; each noise must enter linearly (``... + g*xi``)."""
    noises = tuple(noise_symbols(eqs))
    drift, columns = [], []
    for name, rhs in eqs:
        factors = [sympy.diff(rhs, xi) for xi in noises]
        for xi, g in zip(noises, factors):
            if g.has(*noises):
                raise EquationError(
                    f"cannot integrate {describe(name, rhs)}: it cannot be split into a deterministic "
                    f"and a stochastic part; the noise {xi} must appear as '... + g*{xi}' with g free "
                    "of noise")
        drift.append(rhs.xreplace({xi: sympy.S.Zero for xi in noises}))
        columns.append(factors)
    diffusion = tuple(tuple(column[k] for column in columns) for k in range(len(noises)))
    return SDE(tuple(n for n, _ in eqs), tuple(r for _, r in eqs), tuple(drift), noises, diffusion)


def _multiplicative(sde: SDE) -> tuple[int, str] | None:
    """Brian2's rule: noise is multiplicative if a factor depends on a state variable or on
    ``t`` (not counting TimedArray calls, constant over a step)."""
    states = set(sde.states)
    for xi, column in zip(sde.noises, sde.diffusion):
        for i, g in enumerate(column):
            names = sorted(s.name for s in g.free_symbols & states)
            names += ["t"] if depends_on_time(g) else []
            if names:
                return i, f"the factor of {xi} depends on {', '.join(names)}"
    return None


def _draws(sde: SDE) -> tuple[list[Statement], list[sympy.Symbol]]:
    """``_sqrt_dt`` (hoisted out of the loop) and one Wiener increment per noise name."""
    statements: list[Statement] = [Assign("_sqrt_dt", sympy.sqrt(DT), declare=True,
                                          comment="white noise grows with sqrt(dt)")]
    increments = []
    for k, xi in enumerate(sde.noises):
        assign, dw = temporary(f"_{xi.name}", sym("_sqrt_dt") * noise(sympy.Integer(k)),
                           f"{xi.name}: Wiener increment sqrt(dt)*N(0,1) of this step, "
                           "the same in every equation using it")
        statements.append(assign)
        increments.append(dw)
    return statements, increments


def _euler(sde: SDE) -> Integration:
    """Euler-Maruyama: ``x + f dt + sum_k g_k dW_k``."""
    why = _multiplicative(sde)
    if why is not None:
        raise sde.cannot("euler", why[0], f"{why[1]}, so its noise is multiplicative and 'euler' "
                         "(Euler-Maruyama) takes additive noise only; use 'heun' or 'milstein'")
    statements, dws = _draws(sde)
    updates = []
    for i, (name, x) in enumerate(zip(sde.names, sde.states)):
        noise_terms = sum((column[i] * dw for column, dw in zip(sde.diffusion, dws)), sympy.S.Zero)
        updates.append((name, x + DT * sde.drift[i] + noise_terms))
    return Integration("euler", tuple(statements), tuple(updates))


def _heun(sde: SDE) -> Integration:
    """Stochastic Heun (Stratonovich): the noise factor averaged over a support point per noise."""
    statements, dws = _draws(sde)
    states = sde.states
    terms = [sympy.S.Zero] * len(states)
    for xi, column, dw in zip(sde.noises, sde.diffusion, dws):
        needed = set().union(*(g.free_symbols for g in column)) & set(states)
        shift: dict[sympy.Expr, sympy.Expr] = {T: T + DT}
        for j, x in enumerate(states):
            if x in needed and column[j] != 0:
                assign, shift[x] = temporary(f"_support_{xi.name}_{x.name}", x + column[j] * dw,
                                         f"{x.name} moved by {xi.name} alone (Heun support point)")
                statements.append(assign)
        for i, g in enumerate(column):
            if g != 0:
                terms[i] += (g + g.xreplace(shift)) * dw / 2
    updates = tuple((name, x + DT * f + term)
                    for name, x, f, term in zip(sde.names, states, sde.drift, terms))
    return Integration("heun", tuple(statements), updates)


def _check_diagonal(sde: SDE) -> None:
    """Brian2's milstein takes diagonal noise: one noise per equation, one equation per noise."""
    owner: dict[sympy.Symbol, int] = {}
    for i in range(len(sde.names)):
        used = [xi for xi, column in zip(sde.noises, sde.diffusion) if column[i] != 0]
        if len(used) > 1:
            raise sde.cannot("milstein", i, f"it has several noises ({', '.join(map(str, used))}); "
                             "'milstein' needs diagonal noise (one noise per equation, each noise "
                             "in one equation); use 'heun'")
        for xi in used:
            if xi in owner:
                raise sde.cannot("milstein", i, f"the noise {xi} also drives d{sde.names[owner[xi]]}/dt; "
                                 "'milstein' needs diagonal noise (each noise in one equation); "
                                 "use 'heun'")
            owner[xi] = i


def _milstein(sde: SDE) -> Integration:
    """Derivative-free Milstein with Brian2's ``dW^2`` correction (Stratonovich)."""
    _check_diagonal(sde)
    statements, dws = _draws(sde)
    states = sde.states
    sqrt_dt = sym("_sqrt_dt")
    terms = [sympy.S.Zero] * len(states)
    for xi, column, dw in zip(sde.noises, sde.diffusion, dws):
        for i, g in enumerate(column):
            if g == 0:
                continue
            support: dict[sympy.Expr, sympy.Expr] = {}
            for j, x in enumerate(states):
                if x in g.free_symbols:
                    value = x + DT * sde.drift[j] + (sqrt_dt * g if j == i else 0)
                    assign, support[x] = temporary(f"_support_{xi.name}_{x.name}", value,
                                               f"{x.name} at the Milstein support point of {xi.name}")
                    statements.append(assign)
            terms[i] += g * dw + (g.xreplace(support) - g) * dw**2 / (2 * sqrt_dt)
    updates = tuple((name, x + DT * f + term)
                    for name, x, f, term in zip(sde.names, states, sde.drift, terms))
    return Integration("milstein", tuple(statements), updates)


SCHEMES: dict[str, Callable[[SDE], Integration]] = {
    "euler": _euler,
    "heun": _heun,
    "milstein": _milstein,
}
