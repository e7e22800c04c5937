"""DP domains: thresholds hide one-row categories, bounds hide outliers, noisy quantiles stay close."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from synthgate.generators._dp_domains import (
    BOUNDS_THRESHOLD_SIGMAS,
    SIGNED_LOG_EDGES,
    exact_quantile_edges,
    per_count_sigma,
    private_bounds,
    private_quantile_edges,
    select_categories,
    threshold_for,
)


def test_threshold_lets_a_one_row_category_through_at_most_at_its_share_of_delta():
    # Setup: a large threshold delta so that the survival rate is measurable over 200k draws
    threshold_delta, columns, nm = 0.05, 2, 3.0
    sigma = per_count_sigma(nm, columns)
    tau = threshold_for(nm, threshold_delta, columns)
    draws = np.random.default_rng(0).normal(0.0, sigma, 200_000)

    # Run
    rare_rate = np.mean(1 + draws >= tau)
    frequent_rate = np.mean(1000 + draws >= tau)

    # Assert: binomial standard error at 0.0125 is 2.5e-4, so 3 of them cover the noise of the estimate
    assert rare_rate <= threshold_delta / columns + 3 * np.sqrt(0.0125 * 0.9875 / 200_000)
    assert rare_rate > 0.5 * threshold_delta / columns  # the threshold is not absurdly conservative
    assert frequent_rate == 1.0


def test_threshold_keeps_the_odds_of_a_new_category_within_threshold_delta():
    # Setup
    threshold_delta, columns, nm = 0.05, 4, 2.0
    sigma = per_count_sigma(nm, columns)

    # Run
    tau = threshold_for(nm, threshold_delta, columns)

    # Assert: p = P(any of `columns` new one-row categories survives); the argument needs p/(1-p) <= delta
    p = 1 - (1 - norm.sf((tau - 1) / sigma)) ** columns
    assert p / (1 - p) <= threshold_delta


def test_per_count_sigma_spreads_the_release_noise_over_its_columns():
    # Run / Assert: one row changes one count per column, so the L2 sensitivity is sqrt(columns)
    assert per_count_sigma(3.0, 4) == pytest.approx(6.0)


def test_selection_keeps_frequent_drops_single_row_categories_and_sorts():
    # Setup
    values = pd.Series(["b"] * 300 + ["a"] * 200 + ["lonely"] + [np.nan] * 50, dtype=object)
    tau = threshold_for(1.0, 1e-6, 1)

    # Run
    selected = select_categories(values, sigma=per_count_sigma(1.0, 1), tau=tau, rng=np.random.default_rng(3))

    # Assert
    assert selected == ["a", "b"]


@settings(max_examples=25, deadline=None)
@given(values=st.lists(st.sampled_from(["x", "y", "z", None]), min_size=1, max_size=60),
       seed=st.integers(0, 2**32 - 1))
def test_selection_never_invents_and_is_deterministic_for_the_seed(values, seed):
    # Setup: a threshold below 0 selects everything observed, the strongest test of "never invents"
    series = pd.Series(values, dtype=object)

    # Run
    first = select_categories(series, sigma=1.0, tau=-1e9, rng=np.random.default_rng(seed))
    again = select_categories(series.sample(frac=1.0, random_state=1), sigma=1.0, tau=-1e9,
                              rng=np.random.default_rng(seed))

    # Assert
    assert first == again == sorted(set(series.dropna()))


def test_selection_may_be_empty_and_refuses_non_strings():
    # Run / Assert
    assert select_categories(pd.Series(["a", "b"], dtype=object), sigma=1.0, tau=1e6,
                             rng=np.random.default_rng(0)) == []
    with pytest.raises(ValueError, match="strings"):
        select_categories(pd.Series([1, 2], dtype=object), sigma=1.0, tau=0.0, rng=np.random.default_rng(0))


def test_signed_log_edges_are_fixed_sorted_and_symmetric():
    # Assert
    assert np.all(np.diff(SIGNED_LOG_EDGES) > 0)
    assert SIGNED_LOG_EDGES[0] == -(2.0 ** 62) and SIGNED_LOG_EDGES[-1] == 2.0 ** 62
    assert 0.0 in SIGNED_LOG_EDGES and np.array_equal(SIGNED_LOG_EDGES, -SIGNED_LOG_EDGES[::-1])


def test_bounds_cover_the_bulk_of_the_data():
    # Setup
    values = np.random.default_rng(0).normal(50, 10, 10_000)

    # Run
    lo, hi = private_bounds(values, sigma=5.0, rng=np.random.default_rng(1))

    # Assert
    assert lo <= 20 and hi >= 80
    assert lo >= 0 and hi <= 256  # no far-away bin passed by noise alone


def test_bounds_do_not_reveal_a_single_outlier():
    # Setup
    values = np.random.default_rng(0).normal(50, 10, 10_000)
    values[17] = 1e9

    # Run
    his = [private_bounds(values, sigma=5.0, rng=np.random.default_rng(seed))[1] for seed in range(200)]

    # Assert: the outlier's bin holds one row against a threshold of 4.5 sigma
    assert max(his) < 1e6


def test_bounds_clip_extreme_values_into_the_outer_bins_and_can_find_nothing():
    # Setup
    huge = np.full(1000, 1e300)

    # Run
    bounds = private_bounds(huge, sigma=1.0, rng=np.random.default_rng(0))
    nothing = private_bounds(np.array([1.0, 2.0]), sigma=1.0, rng=np.random.default_rng(0))

    # Assert
    assert bounds == (2.0 ** 61, 2.0 ** 62)
    assert nothing is None
    assert 2 < BOUNDS_THRESHOLD_SIGMAS


@pytest.mark.parametrize("distribution", ["normal", "lognormal"])
def test_private_quantile_edges_are_increasing_bounded_and_close_to_exact(distribution):
    # Setup
    rng = np.random.default_rng(0)
    values = rng.normal(50, 10, 50_000) if distribution == "normal" else rng.lognormal(3, 1.5, 50_000)
    lo, hi = (0.0, 128.0) if distribution == "normal" else (0.25, 2.0 ** 14)

    # Run
    edges = private_quantile_edges(values, lo=lo, hi=hi, bins=10, sigma=5.0, rng=np.random.default_rng(1))

    # Assert
    assert np.all(np.diff(edges) > 0) and edges[0] == lo and edges[-1] == hi
    exact = exact_quantile_edges(np.clip(values, lo, hi), bins=10)
    inner_rank = np.searchsorted(np.sort(values), edges[1:-1]) / values.size
    assert len(edges) == 11
    assert np.max(np.abs(inner_rank - np.arange(1, 10) / 10)) < 0.02  # each edge within 2 % of rank
    assert np.all(np.abs(edges[1:-1] - exact[1:-1]) <= 0.1 * exact[1:-1])


def test_private_quantile_edges_fall_back_to_uniform_without_mass():
    # Setup: no value, and seed 8 draws negative noise for all 4 cells, so nothing is left after clamping
    assert np.all(np.random.default_rng(8).normal(0.0, 1.0, 4) < 0)

    # Run
    edges = private_quantile_edges(np.array([]), lo=0.0, hi=1.0, bins=4, sigma=1.0, rng=np.random.default_rng(8),
                                   grid=4)

    # Assert
    assert np.allclose(edges, [0.0, 0.25, 0.5, 0.75, 1.0])


@settings(max_examples=25, deadline=None)
@given(values=st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=50), bins=st.integers(1, 12),
       seed=st.integers(0, 1000))
def test_edges_are_strictly_increasing_within_bounds(values, bins, seed):
    # Setup
    values = np.array(values)
    lo, hi = -1e3, 1e3

    # Run
    noisy = private_quantile_edges(values, lo=lo, hi=hi, bins=bins, sigma=2.0, rng=np.random.default_rng(seed),
                                   grid=64)
    exact = exact_quantile_edges(values, bins=bins)

    # Assert
    assert np.all(np.diff(noisy) > 0) and noisy[0] == lo and noisy[-1] == hi and len(noisy) <= bins + 1
    assert np.all(np.diff(exact) > 0) and exact[0] == values.min() and exact[-1] == values.max()


@pytest.mark.parametrize("call", [
    lambda: threshold_for(0.0, 1e-6, 1), lambda: threshold_for(1.0, 0.0, 1), lambda: threshold_for(1.0, 1e-6, 0),
    lambda: private_bounds(np.array([np.nan]), sigma=1.0, rng=np.random.default_rng(0)),
    lambda: private_bounds(np.array([1.0]), sigma=-1.0, rng=np.random.default_rng(0)),
    lambda: private_quantile_edges(np.array([1.0]), lo=1.0, hi=1.0, bins=2, sigma=1.0, rng=np.random.default_rng(0)),
    lambda: private_quantile_edges(np.array([1.0]), lo=0.0, hi=1.0, bins=0, sigma=1.0, rng=np.random.default_rng(0)),
    lambda: exact_quantile_edges(np.array([]), bins=2),
])
def test_out_of_range_arguments_are_refused(call):
    # Run / Assert
    with pytest.raises(ValueError):
        call()
