"""What the ContributionMonitor tests share: its total against a StateMonitor's change."""
from __future__ import annotations

from typing import Any

import numpy as np


def assert_total_is_the_change(C: Any, M: Any, var: str = "v", rows: Any = None, rtol: float = 1e-12) -> None:
    """``C.total[:, k]`` is ``M.<var>[:, k+1] - M.<var>[:, k]`` for every step but the last, to
    ``rtol`` of each value (at least 1): ``rows`` picks C's elements among M's (None: the same)."""
    values = np.asarray(getattr(M, var))
    values = values if rows is None else values[rows]
    change = np.diff(values, axis=1)
    total = np.asarray(C.total)[:, :-1]
    assert total.shape == change.shape
    scale = np.maximum(1.0, np.abs(values[:, 1:]))
    assert np.max(np.abs(total - change) / scale, initial=0.0) <= rtol
