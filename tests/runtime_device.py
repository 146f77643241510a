"""Leaving a standalone test: the runtime device again."""
from __future__ import annotations

from neurogen import device, set_device


def back_to_runtime() -> None:
    """The runtime device again, dropping runs a test recorded but did not build."""
    device.reinit()
    set_device("runtime")
