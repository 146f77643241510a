"""Statistics helpers for tests: exact pmfs and a chi-square test without scipy."""
from __future__ import annotations

import math

import numpy as np


def binomial_pmf(n: int, p: float, k: np.ndarray) -> np.ndarray:
    k = np.asarray(k, dtype=float)
    log = (math.lgamma(n + 1) - np.vectorize(math.lgamma)(k + 1) - np.vectorize(math.lgamma)(n - k + 1)
           + k * math.log(p) + (n - k) * math.log1p(-p))
    return np.exp(log)


def poisson_pmf(mean: float, k: np.ndarray) -> np.ndarray:
    k = np.asarray(k, dtype=float)
    return np.exp(k * math.log(mean) - mean - np.vectorize(math.lgamma)(k + 1))


def chi_square(samples: np.ndarray, pmf, support: int) -> tuple[float, int]:
    """(statistic, degrees of freedom) of integer ``samples`` against ``pmf`` on 0..support,
    with the tails pooled so that every bin expects at least 5 counts."""
    n = len(samples)
    k = np.arange(support + 1)
    expected = n * pmf(k)
    observed = np.bincount(samples.astype(np.int64), minlength=support + 1)[: support + 1].astype(float)
    observed[-1] += np.sum(samples > support)
    expected[-1] += n - expected.sum()  # the upper tail beyond the support
    bins_o, bins_e, acc_o, acc_e = [], [], 0.0, 0.0
    for o, e in zip(observed, expected):
        acc_o, acc_e = acc_o + o, acc_e + e
        if acc_e >= 5:
            bins_o.append(acc_o)
            bins_e.append(acc_e)
            acc_o = acc_e = 0.0
    bins_o[-1] += acc_o
    bins_e[-1] += acc_e
    o, e = np.array(bins_o), np.array(bins_e)
    return float(np.sum((o - e) ** 2 / e)), len(o) - 1


def chi_square_limit(df: int, z: float = 3.719) -> float:
    """The chi-square quantile at the normal quantile ``z`` (default: 1 - 1e-4), by
    Wilson & Hilferty's cube-root approximation (accurate to <1% for df >= 3)."""
    return df * (1 - 2 / (9 * df) + z * math.sqrt(2 / (9 * df))) ** 3
