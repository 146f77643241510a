"""The three monitors, by the name Brian2 gives their module (``brian2.monitors``): each lives
in its own module (``spikemonitor``, ``statemonitor``, ``ratemonitor``)."""
from __future__ import annotations

from .ratemonitor import PopulationRateMonitor
from .spikemonitor import EventMonitor, SpikeMonitor
from .statemonitor import StateMonitor

__all__ = ["EventMonitor", "PopulationRateMonitor", "SpikeMonitor", "StateMonitor"]
