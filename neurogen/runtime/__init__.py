"""Simulating: the network and run(), binding values to a compiled library and calling it, one-off calls (assignments, connect)."""
