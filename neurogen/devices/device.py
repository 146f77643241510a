"""Brian2's ``brian2.devices.device`` module: the device functions, and ``active_device``.

Brian2 keeps the current device in the module attribute ``active_device``, and scripts set it
(``device_module.active_device = my_device``, as ``standalone_multiple_processes`` does in its
worker processes). Here the current device is the session's, so this module's class makes
``active_device`` a property reading and setting it: assigning it has Brian2's meaning.
"""
from __future__ import annotations

import sys
import types
from typing import Any

from ..session import session
from ..standalone.device import (RuntimeDevice, StandaloneDevice, device, get_device, reinit_device,
                                 reinit_devices, reset_device, set_device)

CPPStandaloneDevice = StandaloneDevice  # Brian2's class name

__all__ = ["RuntimeDevice", "StandaloneDevice", "CPPStandaloneDevice", "device", "get_device", "reinit_device",
           "reinit_devices", "reset_device", "set_device"]


class _DeviceModule(types.ModuleType):
    """This module, with ``active_device`` as the session's current device."""

    @property
    def active_device(self) -> Any:
        return get_device()

    @active_device.setter
    def active_device(self, value: Any) -> None:
        if isinstance(value, RuntimeDevice):
            value = None
        elif not isinstance(value, StandaloneDevice):
            raise TypeError(f"active_device: expected a device (get_device()), got {value!r}")
        session().device = value


sys.modules[__name__].__class__ = _DeviceModule
