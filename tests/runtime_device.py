"""Leaving a standalone test: the runtime device again; running one script on either device."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import neurogen
from neurogen import device, set_device

DEVICES = ["runtime", "cpp_standalone"]


def back_to_runtime() -> None:
    """The runtime device again, dropping runs a test recorded but did not build."""
    device.reinit()
    set_device("runtime")


def on_device(device_name: str, tmp_path: Path, script: Callable[[], Callable[[], Any]]) -> Any:
    """Run ``script()`` (it builds a network, runs it and returns a function reading the
    results) on ``device_name``: in the runtime, or as one standalone project built at the end."""
    if device_name == "runtime":
        return script()()
    set_device("cpp_standalone", directory=tmp_path / "project", build_on_run=False)
    try:
        results = script()
        neurogen.device.build()
        return results()
    finally:
        back_to_runtime()
