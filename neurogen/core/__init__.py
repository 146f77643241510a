"""Brian2's ``brian2.core`` package path, for the names scripts import from it
(``from brian2.core.functions import timestep``)."""
