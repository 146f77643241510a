"""Is ``dt`` small enough for an explicit integration method (``unstable-dt``)?

An explicit method multiplies a decaying mode ``exp(lambda*t)`` by ``R(dt*lambda)`` per step
(``R(z) = 1 + z`` for Euler, the truncated exponential series for the Runge-Kutta methods);
when ``|R| > 1`` for an eigenvalue ``lambda`` of the linear part (``linear.LinearSystem``) with a
negative real part, a mode that should decay grows from step to step. Only decaying modes are
looked at: a growing one (an unstable equilibrium of a nonlinear model) grows in any method.
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from ..objects.neurongroup import NeuronGroup
from .findings import Finding
from .linear import LinearSystem, linear_system

#: the stability function's coefficients (of z**0, z**1, ...) of each explicit method
_SERIES = {"euler": (1, 1), "milstein": (1, 1), "rk2": (1, 1, 1 / 2), "heun": (1, 1, 1 / 2),
           "rk4": (1, 1, 1 / 2, 1 / 6, 1 / 24)}
#: methods that are exact for linear equations or stable for any decay
_SAFE = ("exact", "linear", "exponential_euler", "independent")


def growth(method: str, z: complex | np.ndarray) -> Any:
    """``|R(z)|``: the factor a mode ``exp(lambda t)`` is multiplied by per step (``z = dt*lambda``)."""
    return np.abs(sum(c * z**k for k, c in enumerate(_SERIES[method])))


def largest_stable_dt(method: str, eigenvalue: complex, dt: float) -> float:
    """The largest step below ``dt`` with ``|R(step*lambda)| <= 1`` (bisection)."""
    low, high = 0.0, dt
    for _ in range(60):
        middle = (low + high) / 2
        if growth(method, middle * eigenvalue) <= 1:
            low = middle
        else:
            high = middle
    return low


def method_used(group: Any, system: LinearSystem, noisy: bool) -> str | None:
    """The explicit method the group integrates with, None for a safe one. ``None`` (automatic)
    is Brian2's choice ('exact' for linear equations without noise, else 'euler'); a list: its
    first method that applies ('exact' only to linear equations)."""
    choices = ("exact", "euler") if group.method is None else (
        group.method if isinstance(group.method, tuple) else (group.method,))
    for name in choices:
        if name in ("exact", "linear") and (not system.linear or noisy):
            continue
        return None if name in _SAFE or name not in _SERIES else name
    return None


def stability_findings(objects: Any, externals: Mapping[int, Mapping[str, Any]]) -> list[Finding]:
    findings = []
    for group in objects:
        if not isinstance(group, NeuronGroup) or not group._equations.of_kind("differential"):
            continue
        system = linear_system(group, externals.get(id(group), {}))
        if system is None:
            continue
        noisy = any("xi" in eq.expr for eq in group._equations.of_kind("differential"))
        method = method_used(group, system, noisy)
        if method is None:
            continue
        finding = _unstable(group, system, method, group.clock.dt_)
        if finding is not None:
            findings.append(finding)
    return findings


def _unstable(group: Any, system: LinearSystem, method: str, dt: float) -> Finding | None:
    matrices = np.unique(system.matrix.reshape(len(system.matrix), -1), axis=0)
    n = len(system.variables)
    worst: tuple[float, complex, np.ndarray] | None = None
    for flat in matrices:
        values, vectors = np.linalg.eig(flat.reshape(n, n))
        for k, value in enumerate(values):
            if not value.real < 0:
                continue
            factor = float(growth(method, dt * value))
            if factor > 1 + 1e-9 and (worst is None or factor > worst[0]):
                worst = (factor, complex(value), vectors[:, k])
    if worst is None:
        return None
    factor, value, vector = worst
    line = system.lines[int(np.argmax(np.abs(vector)))]
    tau = 1 / abs(value.real)
    limit = largest_stable_dt(method, value, dt)
    safe = "'exact'" if system.linear else "'exponential_euler'"
    return Finding(
        "unstable-dt", group.name, line,
        f"method '{method}' with dt = {_ms(dt)} is unstable for the time constant {_ms(tau)} of its linear part "
        f"(eigenvalue {_rate(value)} at the current parameter values): each step multiplies that mode by "
        f"{factor:.3g} instead of letting it decay, so the state grows without bound (or oscillates).",
        f"a dt of at most {_ms(limit)} (dt = {_ms(limit * 0.5)} is safely inside), or method={safe}.")


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.4g} ms"


def _rate(value: complex) -> str:
    if abs(value.imag) <= 1e-12 * abs(value.real):
        return f"{value.real:.4g}/s"
    return f"({value.real:.4g} {'+' if value.imag >= 0 else '-'} {abs(value.imag):.4g}j)/s"

