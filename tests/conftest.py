"""Shared test setup: one cache folder per test session, and compiler warnings as errors.

Compiled models are shared across tests through the cache (CI can afford ~100-150 distinct
models), so tests should reuse model structures where they can.

Tests that compile models are marked ``slow``; ``pytest -m "not slow"`` runs the rest in under a
minute (the printer, the passes, golden C++, units, integrators, the cache, results files...).
A module joins that quick subset by being listed in ``QUICK`` (it must not compile).
"""
from __future__ import annotations

import os
import tempfile

import pytest

if "NEUROGEN_CACHE_DIR" not in os.environ:
    os.environ["NEUROGEN_CACHE_DIR"] = tempfile.mkdtemp(prefix="neurogen-test-cache-")


#: Test modules that never compile a model: the quick subset.
QUICK = frozenset({"test_printer", "test_passes", "test_golden", "test_units", "test_integrators",
                   "test_results", "test_object_names", "test_project_files", "test_toolchain",
                   "test_cache", "test_random", "test_structure", "test_lowering",
                   "test_binding", "test_standalone_units", "test_render",
                   "test_dropin_quantities"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.module is not None and item.module.__name__.rsplit(".", 1)[-1] not in QUICK:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _fresh_scope():
    """Each test starts a new scope, a fixed default dt, and warnings-as-errors builds."""
    import neurogen

    neurogen.start_scope()
    neurogen.seed(None)
    neurogen.defaultclock.dt = 0.1 * neurogen.ms
    neurogen.prefs.codegen.cpp.warnings_as_errors = True
    yield
