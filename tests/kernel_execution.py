"""Executing a lowered kernel without a compiler: each statement printed to C++ by neurogen's
printer, then evaluated by C++'s grammar (``cpp_expression``); used by the lowering and pass
tests."""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np
from scipy.linalg import expm

from cpp_expression import evaluate_cpp
from neurogen.compiler.ir import Assign, MatrixExp
from neurogen.compiler.printer import cpp_name, print_expr


def execute(kernel: Any, values: Mapping[str, Any]) -> np.ndarray:
    """Run the kernel's statements (hoisted first) on ``values`` (C++ names); its stores."""
    env = dict(values)
    ints = kernel.integer_names | {l.local for l in kernel.loads if l.ctype != "double"}
    for stmt in kernel.hoisted + kernel.statements:
        if isinstance(stmt, Assign):
            env[cpp_name(stmt.target)] = float(evaluate_cpp(print_expr(stmt.expr, ints), env))
        else:
            assert isinstance(stmt, MatrixExp)
            matrix = np.array([float(evaluate_cpp(print_expr(e, ints), env)) for e in stmt.matrix])
            propagator = expm(matrix.reshape(stmt.size, stmt.size))
            for r in range(stmt.size):
                for c in range(stmt.size):
                    env[stmt.entry(r, c).name] = propagator[r, c]
    return np.array([env[cpp_name(name)] for name, _ in kernel.stores])


def condition(kernel: Any, values: Mapping[str, Any]) -> bool:
    """A threshold kernel's condition on ``values`` (C++ names)."""
    ints = kernel.integer_names | {l.local for l in kernel.loads if l.ctype != "double"}
    env = dict(values)
    for stmt in kernel.hoisted + kernel.statements:
        if isinstance(stmt, Assign):
            env[cpp_name(stmt.target)] = float(evaluate_cpp(print_expr(stmt.expr, ints), env))
    return bool(evaluate_cpp(print_expr(kernel.condition, ints), env))
