"""``CodeRunner``: statements on a group's variables run at regular intervals in the compiled
step loop (Brian2's ``Group.run_regularly``, which returns one).

A runner is an object of its own (Brian2's too), with its own clock (``dt=``, default the
group's), schedule slot (``when``, default ``'start'``) and ``order``; ``run()`` finds it
through its group (``Group._contained_objects``), ``Network`` accepts it directly. Its code
is lowered like a reset (``neurogen.compiler.lower.regular``): statements that write shared
variables run once per call, before the per-element statements (Brian2 requires them first).
"""
from __future__ import annotations

import ast
from typing import Any

from ..frontend.expressions import Statement, parse_expression, parse_statements
from ..frontend.temporaries import external_trees, local_temporaries
from .base import SimObject
from .clock import Clock
from .eventclock import EventClock


class CodeRunner(SimObject):
    """Code run every ``dt`` on the elements of one group (``G.run_regularly(code, ...)``)."""

    _base_name = "coderunner"
    _member_prefix = "runner"

    def __init__(self, group: Any, code: str, dt: Any = None, clock: Clock | None = None, when: str = "start",
                 order: int = 0, name: str | None = None, element_range: tuple[int, int] | None = None,
                 subgroup_name: str | None = None) -> None:
        name = name if name is not None else f"{subgroup_name or group.name}_run_regularly*"
        if dt is None and clock is None:
            clock = group.clock
        super().__init__(name=name, when=when, order=order, dt=dt, clock=clock)
        self.group = group
        self.code = code
        # a subgroup's runner (G[a:b].run_regularly): the parent's elements [a, b), with i and N
        # the subgroup's (as Brian2); the range is bound at run time, so it never recompiles
        self._element_range = element_range
        self._subgroup_name = subgroup_name
        self._statements: tuple[Statement, ...] = parse_statements(code, self._where())

    def _where(self) -> str:
        owner = (f"Subgroup '{self._subgroup_name}'" if self._subgroup_name
                 else f"{type(self.group).__name__} '{self.group.name}'")
        return f"{owner}, run_regularly '{self.name}'"

    @property
    def namespace(self) -> Any:
        """The group's namespace (Brian2 resolves a runner's names as its group's)."""
        return self.group.namespace

    @namespace.setter
    def namespace(self, value: Any) -> None:
        if value is not None:
            raise ValueError(f"{self._where()}: a runner uses its group's namespace")

    # -- what the compiler and the runtime read --------------------------------------------

    @property
    def _on_events(self) -> bool:
        """Whether it runs at given times (``run_at``, an ``EventClock``) rather than every ``dt``."""
        return isinstance(self.clock, EventClock)

    def _structure(self) -> tuple[str, ...]:
        return ("CodeRunner", type(self.group).__name__, f"events={self._on_events}",
                *(s.line for s in self._statements))

    def _before_run(self, dt: float) -> None:
        """An event clock's times as steps of this run's ``dt`` (bound at every run)."""
        self._event_steps = self.clock._steps(dt) if isinstance(self.clock, EventClock) else None

    def _runtime_value(self, name: str) -> Any:
        first, stop = self._element_range or (0, len(self.group))
        if name == "_subgroup_start":
            return first
        if name == "_subgroup_N":
            return stop - first
        steps = self.__dict__.get("_event_steps")
        if name == "_event_steps":
            return steps
        if name == "_n_events":
            return len(steps)
        return None

    def _dependencies(self) -> tuple[Any, ...]:
        return (self.group,)

    def _variable_dims(self) -> dict[str, Any]:
        return self.group._variable_dims()

    def _expression_sources(self) -> list[tuple[str, ast.expr]]:
        """The code's expressions (its local temporaries are not outside names), and the
        group's subexpressions it may read."""
        where = self._where()
        sources = [(eq.describe(), parse_expression(eq.expr, f"{where}, {eq.describe()}"))
                   for eq in self.group._equations.of_kind("subexpression")]
        temporaries = local_temporaries(self._statements, self.group._code_names(), where)
        return sources + external_trees(self._statements, temporaries, "run_regularly")

    def __repr__(self) -> str:
        return f"CodeRunner({self.group.name!r}, {self.code!r}, when={self.when!r}, name={self.name!r})"
