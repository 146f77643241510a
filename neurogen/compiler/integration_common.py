"""What the deterministic and the stochastic integrators share: equation descriptions for
error messages, temporaries, the time-dependence test, and the log of the method choice.

Its own module so that :mod:`neurogen.compiler.integrators` (which hands noisy equations to
:mod:`neurogen.compiler.stochastic`) and :mod:`neurogen.compiler.stochastic` both import it, not each other.
"""
from __future__ import annotations

import logging
from typing import Callable, Sequence

import sympy

from ..errors import EquationError
from .ir import T, Assign, Integration, sym
from .symbolic import TIMED_ARRAY_PREFIX, model_text

#: The log of the automatic method choice (a stable name users filter on, whatever the module).
logger = logging.getLogger("neurogen.integrators")

Equations = Sequence[tuple[str, sympy.Expr]]


def describe(name: str, rhs: sympy.Expr) -> str:
    return f"d{name}/dt = {model_text(rhs)}"


def describe_all(eqs: Equations) -> str:
    return "; ".join(describe(n, r) for n, r in eqs) or "no equations"


def cannot(method: str, name: str, rhs: sympy.Expr, why: str) -> EquationError:
    return EquationError(f"integration method '{method}' cannot integrate {describe(name, rhs)}: {why}")


def temporary(name: str, expr: sympy.Expr, comment: str = "") -> tuple[Assign, sympy.Symbol]:
    return Assign(name, expr, declare=True, comment=comment), sym(name)


def depends_on_time(rhs: sympy.Expr) -> bool:
    """``t`` outside TimedArray calls. A TimedArray is constant over a step, so Brian2 (and we)
    integrate ``dv/dt = (-v + R*stim(t))/tau`` exactly, with ``stim`` at the start of the step."""
    calls = [f for f in rhs.atoms(sympy.Function) if type(f).__name__.startswith(TIMED_ARRAY_PREFIX)]
    return rhs.xreplace({call: sympy.Dummy() for call in calls}).has(T)


def first_that_applies(candidates: Sequence[str], integrate_with: Callable[[str], Integration],
                       equations: str) -> Integration:
    """Brian2's automatic choice: the first method of ``candidates`` that can integrate the
    ``equations`` (described for the log), logged as Brian2 logs it."""
    for candidate in candidates:
        try:
            result = integrate_with(candidate)
        except EquationError as err:
            logger.debug("integration method %r does not apply: %s", candidate, err)
            continue
        logger.info("No numerical integration method specified for %s, using method %r", equations, candidate)
        return result
    raise AssertionError(f"{candidates[-1]} applies to every system it is offered")  # pragma: no cover
