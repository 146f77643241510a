"""neurogen's log, as Brian2 scripts drive theirs: ``BrianLogger`` on top of Python's ``logging``.

Everything neurogen logs goes to the ``neurogen`` logger hierarchy (``neurogen.compiled.library``,
``neurogen.integrators``, ...). What a script sees by default:

- warnings and errors, and one *notice* line when a run has to compile its model (level
  ``NOTICE``, between INFO and WARNING), printed to ``sys.stderr`` as Brian2 prints its log
  (``WARNING    message [neurogen.name]``);
- nothing at all from this console if the application configured logging itself (the root
  logger has handlers): records still propagate, so they appear where it decided.

``BrianLogger.log_level_info()`` (or ``debug``, ``warn``, ``error``) sets what the console
shows, ``suppress_name``/``suppress_hierarchy`` hide some messages, and
``get_logger(__name__).info(...)`` logs a script's own messages (Brian2's API).
``NEUROGEN_LOG=debug`` in the environment sets the level at import.
"""
from __future__ import annotations

import logging
import os
import sys
from typing import Any

ROOT = "neurogen"
NOTICE = 25  # between INFO and WARNING: shown by default, hidden by log_level_warn()
DIAGNOSTIC = 5  # Brian2's level below DEBUG
BRIAN2_FORMAT = "%(levelname)-10s %(message)s [%(name)s]"

logging.addLevelName(NOTICE, "NOTICE")
logging.addLevelName(DIAGNOSTIC, "DIAGNOSTIC")


class _Console(logging.Handler):
    """neurogen's console: ``sys.stderr`` as it is when a record comes (so redirection and
    pytest's capture work), silent when the application set up logging of its own."""

    def emit(self, record: logging.LogRecord) -> None:
        if logging.getLogger().handlers:
            return  # the application's handlers get the record (it propagates)
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:  # noqa: BLE001 (logging must never raise into the model's code)
            self.handleError(record)


class _Format(logging.Formatter):
    """Brian2's line format; a notice is one plain sentence (it names neurogen itself)."""

    def __init__(self) -> None:
        super().__init__(BRIAN2_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        return record.getMessage() if record.levelno == NOTICE else super().format(record)


class _NameFilter(logging.Filter):
    """``suppress_name``: drop records whose logger name ends in ``name``."""

    def __init__(self, suffix: str) -> None:
        super().__init__()
        self.suffix = suffix

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.name.endswith(self.suffix)


class _HierarchyFilter(logging.Filter):
    """``suppress_hierarchy``: drop records of the logger ``name`` and those below it."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.hierarchy = name

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name == self.hierarchy or record.name.startswith(self.hierarchy + "."))


def console() -> logging.Handler:
    """neurogen's console handler, installed on the ``neurogen`` logger on first use."""
    logger = logging.getLogger(ROOT)
    for handler in logger.handlers:
        if isinstance(handler, _Console):
            return handler
    handler = _Console(NOTICE)
    handler.setFormatter(_Format())
    logger.addHandler(handler)
    if logger.level == logging.NOTSET:
        logger.setLevel(NOTICE)
    return handler


def set_console_level(level: int | str) -> None:
    """What the console shows (and which records neurogen's loggers create)."""
    level = logging.getLevelName(level.upper()) if isinstance(level, str) else level
    if not isinstance(level, int):
        raise ValueError(f"unknown log level {level!r}: use debug, info, notice, warning or error")
    console().setLevel(level)
    logging.getLogger(ROOT).setLevel(level)


def notice(name: str, message: str) -> None:
    """One line a user should see without asking (e.g. that a compile is under way)."""
    console()
    logging.getLogger(name).log(NOTICE, message)


class _EitherWay:
    """A logging method usable on an instance (``get_logger(name).info(msg)``, Brian2's way)
    and on the class itself (``BrianLogger.info(msg)``, logging as ``neurogen``)."""

    def __init__(self, level: int) -> None:
        self.level = level

    def __get__(self, instance: Any, owner: Any) -> Any:
        logger = instance if instance is not None else owner(ROOT)
        level = self.level

        def log(msg: str, name_suffix: str | None = None, once: bool = False) -> None:
            logger._log(level, msg, name_suffix, once)

        return log


class BrianLogger:
    """Brian2's logger class: ``BrianLogger(name)`` logs to ``logging.getLogger(name)``; its
    static methods set what neurogen's console shows."""

    def __init__(self, name: str = ROOT) -> None:
        self.name = name
        self._once: set[tuple[str, str]] = set()

    def _log(self, level: int, msg: str, name_suffix: str | None, once: bool) -> None:
        name = f"{self.name}.{name_suffix}" if name_suffix else self.name
        if once:
            if (name, msg) in self._once:
                return
            self._once.add((name, msg))
        console()
        logging.getLogger(name).log(level, msg)

    diagnostic = _EitherWay(DIAGNOSTIC)
    debug = _EitherWay(logging.DEBUG)
    info = _EitherWay(logging.INFO)
    warn = _EitherWay(logging.WARNING)
    warning = _EitherWay(logging.WARNING)
    error = _EitherWay(logging.ERROR)

    @staticmethod
    def log_level_diagnostic() -> None:
        set_console_level(DIAGNOSTIC)

    @staticmethod
    def log_level_debug() -> None:
        set_console_level(logging.DEBUG)

    @staticmethod
    def log_level_info() -> None:
        set_console_level(logging.INFO)

    @staticmethod
    def log_level_warn() -> None:
        set_console_level(logging.WARNING)

    @staticmethod
    def log_level_error() -> None:
        set_console_level(logging.ERROR)

    @staticmethod
    def suppress_name(name: str, filter_log_file: bool = False) -> None:
        """Hide messages of loggers whose name ends in ``name`` (neurogen keeps no log file)."""
        console().addFilter(_NameFilter(name))

    @staticmethod
    def suppress_hierarchy(name: str, filter_log_file: bool = False) -> None:
        """Hide messages of the logger ``name`` and the loggers below it (e.g. ``'neurogen'``)."""
        console().addFilter(_HierarchyFilter(name))


def get_logger(module_name: str = ROOT) -> BrianLogger:
    """Brian2's ``get_logger(__name__)``: a ``BrianLogger`` for a script's own messages."""
    return BrianLogger(module_name)


def configure_from_environment() -> None:
    """``NEUROGEN_LOG=debug`` (or info, warning) sets the console's level at import."""
    console()
    level = os.environ.get("NEUROGEN_LOG")
    if level:
        set_console_level(level)
