"""Brian2's ``brian2.devices`` package, as scripts import it (``from brian2.devices import
device_module``; ``from brian2.devices.device import reset_device``): the same names with the
same meaning, from :mod:`neurogen.standalone.device`."""
from __future__ import annotations

from . import device as device_module
from .device import (RuntimeDevice, StandaloneDevice, device, get_device, reinit_devices, reset_device,
                     set_device)

__all__ = ["device_module", "RuntimeDevice", "StandaloneDevice", "device", "get_device", "reinit_devices",
           "reset_device", "set_device"]
