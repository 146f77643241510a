"""Brian2 names that neurogen does not support yet: using one raises NotImplementedError
naming it, instead of a NameError (or, worse, silently doing something else)."""
from __future__ import annotations

from typing import Any

_COMING = {
    "set_device": "issue 5 (standalone export)",
}


def _placeholder(name: str) -> Any:
    def unsupported(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{name} is not supported by neurogen yet (planned: {_COMING[name]})")

    unsupported.__name__ = unsupported.__qualname__ = name
    unsupported.__doc__ = f"Brian2's {name}: not supported yet; raises NotImplementedError."
    return unsupported


set_device = _placeholder("set_device")

__all__ = sorted(_COMING)
