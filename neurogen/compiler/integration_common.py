"""What the deterministic and the stochastic integrators share: equation descriptions for
error messages, temporaries, the time-dependence test, and the log of the method choice.

Its own module so that :mod:`neurogen.compiler.integrators` (which hands noisy equations to
:mod:`neurogen.compiler.stochastic`) and :mod:`neurogen.compiler.stochastic` both import it, not each other.
"""
from __future__ import annotations

import logging
from typing import Sequence

import sympy

from ..errors import EquationError
from .ir import T, Assign, sym
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
