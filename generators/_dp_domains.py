"""Differentially private learning of column domains: category lists, numeric bounds, quantile bin edges.

Each function is one Gaussian release per column; the caller charges the releases to the generator's
budget with :mod:`generators.dp_accounting`. Why they are private is argued in ``docs/dp.md``.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

# Data-independent bins for numeric bounds: 0 and ±2^k for k = -10 … 62 (146 bins in all).
_POWERS = 2.0 ** np.arange(-10, 63)
SIGNED_LOG_EDGES: np.ndarray = np.concatenate([-_POWERS[::-1], [0.0], _POWERS])
# A bin is kept when its noisy count reaches this many sigmas: an empty bin passes with probability
# 3.4e-6, so among the ~145 empty bins of a column a spurious bound appears with probability ~5e-4.
BOUNDS_THRESHOLD_SIGMAS = 4.5


def per_count_sigma(noise_multiplier: float, columns: int) -> float:
    """Standard deviation to add to each count of a release over ``columns`` columns.

    One row adds 1 to one count of every column, so the L2 sensitivity of the whole release is
    sqrt(columns) and the per-count sigma is noise_multiplier * sqrt(columns).

    Args:
        noise_multiplier: The release's noise multiplier (as charged to the accountant), > 0.
        columns: Number of columns the release covers, >= 1.

    Returns:
        The sigma to pass to :func:`select_categories`, :func:`private_bounds` and
        :func:`private_quantile_edges` for every column of that release.
    """
    _check_positive(noise_multiplier=noise_multiplier)
    _check_columns(columns)
    return noise_multiplier * math.sqrt(columns)


def threshold_for(noise_multiplier: float, threshold_delta: float, columns: int) -> float:
    """Threshold on noisy category counts so that a category held by one row is almost never released.

    Adding one row to a table adds at most one category per column that did not exist before (the row
    holds one value per column), and that category's count is exactly 1. The category survives when
    1 + N(0, sigma^2) >= tau. With tau = 1 + sigma * Phi^-1(1 - d) and d = threshold_delta /
    (columns * (1 + threshold_delta)), the probability p that any new category survives is at most
    columns * d, and p / (1 - p) <= threshold_delta: that is the delta thresholding adds (docs/dp.md).

    Args:
        noise_multiplier: Noise multiplier of the whole categories release over ``columns`` columns;
            sigma = per_count_sigma(noise_multiplier, columns) is the noise on each count.
        threshold_delta: The part of delta reserved for thresholding, in (0, 1).
        columns: Number of categorical columns whose categories are selected in this release, >= 1.

    Returns:
        tau, to pass to :func:`select_categories` with that same sigma.
    """
    from scipy.stats import norm

    sigma = per_count_sigma(noise_multiplier, columns)
    if not 0 < threshold_delta < 1:
        raise ValueError("threshold_delta must be in (0, 1)")
    per_column = threshold_delta / (columns * (1 + threshold_delta))
    return 1.0 + sigma * float(norm.isf(per_column))


def select_categories(values: pd.Series, *, sigma: float, tau: float, rng: np.random.Generator) -> list[str]:
    """Categories whose count plus Gaussian noise reaches ``tau``.

    Args:
        values: One column as strings, NaN/None for missing (ignored).
        sigma: Noise standard deviation per count (see :func:`per_count_sigma`), > 0.
        tau: Threshold from :func:`threshold_for`.
        rng: Source of the noise.

    Returns:
        The selected categories, sorted so that their order reveals nothing; may be empty.
    """
    _check_positive(sigma=sigma)
    counts = values.dropna().value_counts()
    if not all(isinstance(key, str) for key in counts.index):
        raise ValueError("values must be strings, with NaN for missing")
    # Noise is drawn in sorted order, so the result depends on the counts, not on the row order.
    keys = sorted(counts.index)
    noisy = counts.loc[keys].to_numpy(dtype=float) + rng.normal(0.0, sigma, len(keys))
    return [key for key, count in zip(keys, noisy, strict=True) if count >= tau]


def private_bounds(values: np.ndarray, *, sigma: float, rng: np.random.Generator) -> tuple[float, float] | None:
    """Bounds of a numeric column from a noisy histogram over fixed signed power-of-two bins.

    Values beyond ±2^62 count in the outer bins. A bin is kept when its noisy count reaches
    BOUNDS_THRESHOLD_SIGMAS * sigma; the bins are fixed in advance, so this is a plain Gaussian
    mechanism and adds no delta.

    Args:
        values: Finite floats (the caller removes NaN).
        sigma: Noise standard deviation per bin (see :func:`per_count_sigma`), > 0.
        rng: Source of the noise.

    Returns:
        (lower edge of the first kept bin, upper edge of the last kept bin), or None when no bin is kept.
    """
    _check_positive(sigma=sigma)
    values = _finite(values)
    bins = len(SIGNED_LOG_EDGES) - 1
    index = np.clip(np.searchsorted(SIGNED_LOG_EDGES, values, side="right") - 1, 0, bins - 1)
    noisy = np.bincount(index, minlength=bins) + rng.normal(0.0, sigma, bins)
    kept = np.flatnonzero(noisy >= BOUNDS_THRESHOLD_SIGMAS * sigma)
    if kept.size == 0:
        return None
    return float(SIGNED_LOG_EDGES[kept[0]]), float(SIGNED_LOG_EDGES[kept[-1] + 1])


def private_quantile_edges(values: np.ndarray, *, lo: float, hi: float, bins: int, sigma: float,
                           rng: np.random.Generator, grid: int = 1024) -> np.ndarray:
    """Bin edges at ``bins`` equal-mass quantiles of a noisy histogram on a fixed grid over [lo, hi].

    The grid is uniform, or log-spaced when lo > 0 and hi / lo > 100; the choice depends only on the
    (already private) bounds. Noisy counts are clamped at 0 and quantiles interpolated inside cells.

    Args:
        values: Finite floats (the caller removes NaN); clipped into [lo, hi].
        lo: Lower bound (private or declared), finite.
        hi: Upper bound, finite and > lo.
        bins: Number of bins wanted, >= 1.
        sigma: Noise standard deviation per grid cell (see :func:`per_count_sigma`), > 0.
        rng: Source of the noise.
        grid: Number of grid cells, >= 1.

    Returns:
        Strictly increasing edges within [lo, hi], lo and hi included (at most bins + 1 of them);
        uniform edges when the noisy mass is nil.
    """
    _check_positive(sigma=sigma)
    _check_interval(lo, hi)
    if bins < 1 or grid < 1:
        raise ValueError("bins and grid must be >= 1")
    if lo > 0 and hi / lo > 100:
        cells = np.geomspace(lo, hi, grid + 1)
    else:
        cells = np.linspace(lo, hi, grid + 1)
    cells[0], cells[-1] = lo, hi  # geomspace may round the ends
    counts, _ = np.histogram(np.clip(_finite(values), lo, hi), bins=cells)
    noisy = np.maximum(counts + rng.normal(0.0, sigma, grid), 0.0)
    total = noisy.sum()
    if not total > 0:  # every cell's noise was negative: nothing to take quantiles of
        return np.linspace(lo, hi, bins + 1)
    cumulative = np.concatenate([[0.0], np.cumsum(noisy)])
    inner = np.interp(total * np.arange(1, bins) / bins, cumulative, cells)
    return _strictly_increasing(np.concatenate([[lo], inner, [hi]]), lo, hi)


def exact_quantile_edges(values: np.ndarray, *, bins: int) -> np.ndarray:
    """Non-private bin edges at the empirical quantiles of ``values``.

    Args:
        values: Finite floats, at least one.
        bins: Number of bins wanted, >= 1.

    Returns:
        Strictly increasing edges, min and max included; a single edge when all values are equal.
    """
    if bins < 1:
        raise ValueError("bins must be >= 1")
    values = _finite(values)
    if values.size == 0:
        raise ValueError("values must hold at least one value")
    edges = np.quantile(values, np.linspace(0.0, 1.0, bins + 1))
    return _strictly_increasing(edges, float(values.min()), float(values.max()))


def _strictly_increasing(edges: np.ndarray, lo: float, hi: float) -> np.ndarray:
    edges = np.unique(np.clip(edges, lo, hi))  # sorted, duplicates dropped
    edges[0], edges[-1] = lo, hi
    return edges


def _finite(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    if not np.isfinite(values).all():
        raise ValueError("values must be finite (remove NaN before calling)")
    return values


def _check_positive(**named: float) -> None:
    for name, value in named.items():
        if not (value > 0 and math.isfinite(value)):
            raise ValueError(f"{name} must be finite and > 0")


def _check_columns(columns: int) -> None:
    if columns < 1:
        raise ValueError("columns must be >= 1")


def _check_interval(lo: float, hi: float) -> None:
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError("lo and hi must be finite with lo < hi")
