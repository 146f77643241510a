"""Brian2 names that neurogen does not support yet: using one raises NotImplementedError
naming it, instead of a NameError (or, worse, silently doing something else)."""
from __future__ import annotations

from typing import Any

_COMING = {
    "PoissonInput": "issue 4 (inputs)",
    "PoissonGroup": "issue 4 (inputs)",
    "SpikeGeneratorGroup": "issue 4 (inputs)",
    "TimedArray": "issue 4 (inputs)",
    "set_device": "issue 5 (standalone export)",
}


def _placeholder(name: str) -> Any:
    def unsupported(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{name} is not supported by neurogen yet (planned: {_COMING[name]})")

    unsupported.__name__ = unsupported.__qualname__ = name
    unsupported.__doc__ = f"Brian2's {name}: not supported yet; raises NotImplementedError."
    return unsupported


PoissonInput = _placeholder("PoissonInput")
PoissonGroup = _placeholder("PoissonGroup")
SpikeGeneratorGroup = _placeholder("SpikeGeneratorGroup")
TimedArray = _placeholder("TimedArray")
set_device = _placeholder("set_device")

__all__ = sorted(_COMING)
