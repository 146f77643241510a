"""Model checks (``check``, ``ModelWarning``) and ``explain``: what a model does, told from its
text and current values, before or without running it."""
from __future__ import annotations

from .checks import check
from .explain import explain
from .findings import Finding, ModelWarning

__all__ = ["Finding", "ModelWarning", "check", "explain"]
