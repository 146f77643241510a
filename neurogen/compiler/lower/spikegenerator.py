"""SpikeGeneratorGroup → one kernel that copies this step's spikes into ``_spikespace``.

The spikes are bound as arrays at each run (never part of the generated code), so changing
them with ``set_spikes`` reuses the compiled network. The kernel keeps no state between steps:
it finds the current step (modulo the period) by binary search, so several runs, ``store()``
and ``restore()`` need nothing special.
"""
from __future__ import annotations

from ..ir import FieldKind, Kernel
from .common import ObjectContext, build_kernel
from ...objects.spikegenerator import SpikeGeneratorGroup


def lower_spikegenerator(ctx: ObjectContext) -> list[Kernel]:
    group = ctx.obj
    ctx.add_fields((
        ("N", "int64_t", FieldKind.INTEGER, "number of neurons"),
        ("_spikespace", "int32_t", FieldKind.ARRAY, "spiking indices of this step, their count at [N]"),
        ("_spike_steps", "int64_t", FieldKind.ARRAY, "step of each spike on its own clock, non-decreasing"),
        ("_spike_indices", "int32_t", FieldKind.ARRAY, "neuron of each spike"),
        ("_n_spikes", "int64_t", FieldKind.INTEGER, "number of spikes given"),
        ("_period_steps", "int64_t", FieldKind.INTEGER, "period in steps; 0: no repetition"),
    ))
    return [build_kernel(ctx, name="emit", template="spikegenerator", when=group.when,
                         order=group.order, statements=(), access={},
                         comment=["emit the given spikes of this step (modulo the period)"])]


LOWERERS = {SpikeGeneratorGroup: lower_spikegenerator}
