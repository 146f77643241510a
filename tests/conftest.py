"""Shared test setup: one cache folder per test session, and compiler warnings as errors.

Compiled models are shared across tests through the cache (CI can afford ~100-150 distinct
models), so tests should reuse model structures where they can.
"""
from __future__ import annotations

import os
import tempfile

import pytest

if "NEUROGEN_CACHE_DIR" not in os.environ:
    os.environ["NEUROGEN_CACHE_DIR"] = tempfile.mkdtemp(prefix="neurogen-test-cache-")


@pytest.fixture(autouse=True)
def _fresh_scope():
    """Each test starts a new scope, a fixed default dt, and warnings-as-errors builds."""
    import neurogen

    neurogen.start_scope()
    neurogen.seed(None)
    neurogen.defaultclock.dt = 0.1 * neurogen.ms
    neurogen.prefs.codegen.cpp.warnings_as_errors = True
    yield
