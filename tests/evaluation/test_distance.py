"""Distance figures: copies and near-copies raise them, independent rows keep them at chance."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthgate.evaluation import NotApplicable
from synthgate.evaluation.distance import _auc, _auc_low, _wilson_low, count_exact_matches, measure_distances

KINDS = {"x": "numerical", "y": "numerical", "c": "categorical"}


def _population(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "x": rng.normal(size=n), "y": rng.normal(size=n),
        "c": rng.choice(["a", "b", "c", "d"], size=n).astype(object),
    })


def test_auc_by_ranks_matches_hand_counts():
    # Setup: 3 of the 4 (positive, negative) pairs ranked right, 1 tie
    positive, negative = np.array([3.0, 1.0]), np.array([1.0, 0.0])

    # Run / Assert: pairs (3,1) (3,0) (1,0) right, (1,1) tie -> 3.5 / 4
    assert _auc(positive, negative) == pytest.approx(0.875)


def test_copied_training_rows_are_caught_by_every_figure():
    # Setup
    train, holdout = _population(600, 1), _population(600, 2)

    # Run
    result = measure_distances(train, train.copy(), holdout, KINDS, seed=0)

    # Assert
    assert result.dcr_share > 0.95
    assert result.mia_auc > 0.95
    assert result.nndr == 0.0 and result.nndr_ratio == 0.0
    assert count_exact_matches(train, train) == 600


def test_rows_from_the_same_population_sit_at_chance():
    # Setup: synthetic rows drawn independently from the real rows' distribution
    train, holdout, synthetic = _population(2000, 1), _population(2000, 2), _population(2000, 3)

    # Run
    result = measure_distances(train, synthetic, holdout, KINDS, seed=0)

    # Assert
    assert 0.45 < result.dcr_share < 0.55
    assert 0.45 < result.mia_auc < 0.55
    assert 0.8 < result.nndr_ratio < 1.25
    assert count_exact_matches(train, synthetic) == 0


def test_training_rows_are_subsampled_to_the_holdout_size():
    # Setup: 4x more training rows would make "closer to training" likelier by size alone
    train, holdout, synthetic = _population(4000, 1), _population(1000, 2), _population(1000, 3)

    # Run
    result = measure_distances(train, synthetic, holdout, KINDS, seed=0)

    # Assert
    assert result.rows_compared == 1000
    assert 0.45 < result.dcr_share < 0.55


def test_exact_matches_treat_nulls_as_equal_and_count_synthetic_rows():
    # Setup
    train = pd.DataFrame({"x": [1.0, np.nan], "c": ["a", None]})
    synthetic = pd.DataFrame({"x": [1.0, np.nan, np.nan, 2.0], "c": ["a", None, "a", "a"]})

    # Run / Assert: rows 0 and 1 copy a training row
    assert count_exact_matches(train, synthetic) == 2


def test_a_one_row_holdout_is_not_applicable():
    with pytest.raises(NotApplicable, match="at least 2 training and 2 holdout rows"):
        measure_distances(_population(10, 1), _population(10, 2), _population(1, 3), KINDS)


def test_the_figures_are_reproducible_for_a_seed():
    train, holdout, synthetic = _population(3000, 1), _population(3000, 2), _population(3000, 3)
    first = measure_distances(train, synthetic, holdout, KINDS, max_rows=500, seed=4)
    again = measure_distances(train, synthetic, holdout, KINDS, max_rows=500, seed=4)
    assert first == again and first.rows_compared == 500


def test_the_intervals_lower_ends_match_hand_computed_values():
    # Wilson: 50 of 100 -> (0.5 + z²/200 - z*sqrt(0.0025 + z²/40000)) / (1 + z²/100) = 0.4038
    assert _wilson_low(0.5, 100) == pytest.approx(0.4038, abs=1e-4)
    # Hanley-McNeil at AUC 0.5, 80 + 80 rows: SE = sqrt((0.25 + 2 * 79 * (1/3 - 1/4)) / 6400) = 0.04579
    assert _auc_low(0.5, 80, 80) == pytest.approx(0.5 - 1.959964 * 0.045787, abs=1e-4)
    assert _wilson_low(0.0, 10) == 0.0


def test_small_samples_widen_the_interval_but_copies_stay_beyond_any_bound():
    # Setup
    train, holdout = _population(80, 1), _population(80, 2)

    # Run
    copied = measure_distances(train, train.copy(), holdout, KINDS)
    independent = measure_distances(train, _population(100, 3), holdout, KINDS)

    # Assert: a perfect generator's lower ends sit below 0.55 and 0.6; copies' stay far above
    assert independent.dcr_share_low < 0.5 and independent.mia_auc_low < 0.5
    assert copied.dcr_share_low > 0.9 and copied.mia_auc_low > 0.9
