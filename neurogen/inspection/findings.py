"""What a model check finds: a :class:`Finding`, and the ``ModelWarning`` that carries it."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import ModelWarning

__all__ = ["Finding", "ModelWarning"]


@dataclass(frozen=True)
class Finding:
    """One probable mistake in a model: ``code`` (a short stable id such as
    ``'set-without-dynamics'``, what ``prefs.checks.ignore`` and warning filters name), the
    object's name, the model line, what goes wrong and the fix."""

    code: str
    object: str
    line: str
    message: str
    fix: str

    def __str__(self) -> str:
        """The warning's text: it starts with the code, so a warning filter can match it."""
        where = f"{self.object}, '{self.line}'" if self.line else self.object
        return f"{self.code}: {where}: {self.message} Fix: {self.fix}"
