"""``binned_rate(bin_size)`` of Spike and PopulationRate monitors (Brian2 2.10+).

Bins start at the returned times (a record at ``t`` belongs to ``[t, t + dt)``) and only
complete bins count, as in Brian2. Two departures where Brian2 fails: a bin size that is a
multiple of ``dt`` only up to rounding (``0.3*ms`` with ``dt = 0.1*ms``) is accepted (Brian2's
``% 1`` test refuses it), and a SpikeMonitor's spikes in an incomplete last bin are left out
(Brian2 raises an ``IndexError`` for them).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..units import Hz, Quantity, second
from .clock import whole_steps
from .validation import check_quantity


def bin_steps(bin_size: Any, dt: float, where: str) -> int:
    """The bin size in whole steps of ``dt`` (a positive multiple of it, else a ValueError)."""
    seconds = check_quantity(bin_size, second, f"{where}: bin_size")
    steps = seconds / dt
    if not (np.isfinite(steps) and steps >= 1 - 1e-6) or abs(steps - round(steps)) > 1e-6:
        raise ValueError(f"{where}: bin_size has to be a multiple of dt ({dt * 1e3:g} ms), got {bin_size!r}")
    return int(round(steps))


def binned_spike_rate(times: np.ndarray, indices: np.ndarray, n_neurons: int, steps_run: int, dt: float,
                      bin_size: Any, where: str) -> tuple[Quantity, Quantity]:
    """(bin starts, rates per neuron and bin in Hz) from recorded spikes: bins from t = 0 to the
    monitor's clock, spikes counted by their time step."""
    steps = bin_steps(bin_size, dt, where)
    n_bins = steps_run // steps
    rates = np.zeros((n_neurons, n_bins))
    if len(times):
        bins = ((np.asarray(times) + 1e-3 * dt) / dt).astype(np.int64) // steps  # Brian2's timestep()
        keep = bins < n_bins
        np.add.at(rates, (np.asarray(indices)[keep], bins[keep]), 1)
    return (Quantity(np.arange(n_bins) * steps * dt, dim=second.dim),
            Quantity(rates / (steps * dt), dim=Hz.dim))


def binned_population_rate(times: np.ndarray, rates: np.ndarray, dt: float, bin_size: Any,
                           where: str) -> tuple[Quantity, Quantity]:
    """(bin starts, mean rate per bin in Hz) from a population rate recorded every step."""
    steps = bin_steps(bin_size, dt, where)
    if steps == 1:
        return Quantity(np.array(times), dim=second.dim), Quantity(np.array(rates), dim=Hz.dim)
    n_bins = len(rates) // steps
    binned = np.asarray(rates)[:n_bins * steps].reshape(n_bins, steps).mean(axis=1)
    start = times[0] if len(times) else 0.0
    return (Quantity(start + np.arange(n_bins) * steps * dt, dim=second.dim), Quantity(binned, dim=Hz.dim))


def steps_run(time: float, dt: float) -> int:
    """The steps of a clock of ``dt`` up to ``time`` (where a monitor's last run ended)."""
    return whole_steps(time, dt)
