"""Compiled libraries: the toolchain, the cache (trust, locks, atomic entries), and building and loading a network's library."""
