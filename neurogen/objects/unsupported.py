"""Brian2 names neurogen does not support yet: each exists, and using it raises
``NotImplementedError`` naming the Brian2 feature.

Why names rather than nothing: a Brian2 script that uses one would otherwise stop on a
``NameError``, which reads as a typo; the user needs to know that the feature is Brian2's and
missing here, and what to do instead. Keep this list in step with the README's table of what is
not supported; remove a name from here when the feature is built.
"""
from __future__ import annotations

from typing import Any, NoReturn


class UnsupportedFeature:
    """A Brian2 class or function that raises ``NotImplementedError`` when it is called (also as a
    decorator, with or without arguments, as ``@network_operation(dt=1*ms)``)."""

    def __init__(self, name: str, feature: str, instead: str = "") -> None:
        self.__name__ = self.__qualname__ = name
        self.feature = feature
        self.instead = instead

    def refuse(self) -> NoReturn:
        hint = f"; {self.instead}" if self.instead else ""
        raise NotImplementedError(f"{self.__name__}: {self.feature}: a Brian2 feature neurogen does not "
                                  f"support yet{hint}")

    def __call__(self, *args: Any, **kwargs: Any) -> NoReturn:
        self.refuse()

    def __getattr__(self, attribute: str) -> Any:  # Morphology.from_file(...), Soma.diameter, ...
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        self.refuse()

    def __instancecheck__(self, instance: Any) -> bool:  # isinstance(x, SpatialNeuron) is simply False
        return False

    def __repr__(self) -> str:
        return f"<{self.__name__}: not supported by neurogen yet>"


_MULTICOMPARTMENT = "multicompartment neurons (SpatialNeuron and morphologies)"

#: name -> (the feature it belongs to, what to do instead)
FEATURES: dict[str, tuple[str, str]] = {
    "SpatialNeuron": (_MULTICOMPARTMENT, "neurogen simulates point neurons"),
    "Morphology": (_MULTICOMPARTMENT, ""),
    "Soma": (_MULTICOMPARTMENT, ""),
    "Cylinder": (_MULTICOMPARTMENT, ""),
    "Section": (_MULTICOMPARTMENT, ""),
    "BinomialFunction": ("binomial random functions in model code", "PoissonInput draws binomial counts"),
    "register_new_unit": ("registering new units for display", "quantities print in their best unit"),
    "restore_initial_state": ("restore_initial_state (removed from Brian2 too)", "use store() and restore()"),
}


def unsupported_names() -> dict[str, UnsupportedFeature]:
    """The placeholders, by name, for ``from neurogen import *``."""
    return {name: UnsupportedFeature(name, feature, instead) for name, (feature, instead) in FEATURES.items()}
