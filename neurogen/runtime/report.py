"""Progress reports of ``run(..., report=...)``, in Brian2's words.

``report='text'`` (or ``'stdout'``, ``'stderr'``) prints, as Brian2 2.9 does::

    Starting simulation at t=0. s for a duration of 1. s
    0.5 s (50%) simulated in 1s, estimated 1s remaining.
    1. s (100%) simulated in 2s

A callable gets Brian2's arguments ``(elapsed, completed, start, duration)``: wall time as a
quantity, the fraction done, and the run's start and length as quantities.
"""
from __future__ import annotations

import math
import sys
import time
from typing import Any, Callable, TextIO

from ..units import Quantity, second

REPORT_NAMES = ("text", "stdout", "stderr")


def format_wall_time(seconds: float) -> str:
    """Wall-clock time as Brian2 prints it: ``'< 1s'``, ``'12s'``, ``'2m 3s'``, ``'3h 25m 45s'``."""
    if not math.isfinite(seconds) or seconds < 1:
        return "< 1s"
    remaining = int(seconds)
    parts = []
    for size, letter in ((86400, "d"), (3600, "h"), (60, "m"), (1, "s")):
        count, remaining = divmod(remaining, size)
        if count or parts:
            parts.append(f"{count}{letter}")
    return " ".join(parts)


class TextReport:
    """Brian2's text report, on a stream looked up when it prints (so redirection works)."""

    def __init__(self, stream_name: str) -> None:
        self.stream_name = stream_name

    def _stream(self) -> TextIO:
        return sys.stderr if self.stream_name == "stderr" else sys.stdout

    def __call__(self, elapsed: Quantity, completed: float, start: Quantity, duration: Quantity) -> None:
        stream = self._stream()
        if completed == 0.0:
            stream.write(f"Starting simulation at t={start!s} for a duration of {duration!s}\n")
        else:
            wall = float(elapsed / second)
            line = f"{completed * duration!s} ({int(completed * 100.0)}%) simulated in {format_wall_time(wall)}"
            if completed < 1.0:
                line += f", estimated {format_wall_time(round((1 - completed) / completed * wall))} remaining."
            stream.write(line + "\n")
        stream.flush()


def report_function(report: Any) -> Callable[[Quantity, float, Quantity, Quantity], None]:
    """The function a run calls with its progress, from ``run()``'s ``report`` argument."""
    if isinstance(report, str) and report in REPORT_NAMES:
        return TextReport(report)
    if isinstance(report, str):  # Brian2's ValueError for a string, TypeError for the rest
        raise ValueError(f"run(): do not know how to handle report argument {report!r} "
                         "(use 'text', 'stdout', 'stderr' or a callable)")
    if callable(report):
        return report
    raise TypeError("run(): the report argument has to be one of 'text', 'stdout', 'stderr' or a callable "
                    f"f(elapsed, completed, start, duration), not a {type(report).__name__}")


class Reporter:
    """Calls the report function at the start, every ``period`` seconds of wall time, and at
    the end; the step loop calls it with the number of steps done."""

    def __init__(self, report: Any, period: float, duration: float, t_start: float, n_steps: int) -> None:
        self.function = report_function(report)
        self.period, self.n_steps = period, n_steps
        self.start, self.duration = Quantity(t_start, dim=second.dim), Quantity(duration, dim=second.dim)
        self.started = self.last = time.monotonic()
        self._emit(0.0, 0.0)

    def __call__(self, steps_done: int) -> None:
        now = time.monotonic()
        if now - self.last >= self.period:
            self.last = now
            self._emit(now - self.started, steps_done / self.n_steps)

    def finish(self) -> None:
        self._emit(time.monotonic() - self.started, 1.0)

    def _emit(self, elapsed: float, completed: float) -> None:
        self.function(Quantity(elapsed, dim=second.dim), completed, self.start, self.duration)
