"""The benchmark metrics on tiny frames whose answers are worked out by hand in each test."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str):
    # By path: opacus installs a top-level package called `benchmarks` that shadows the folder.
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


metrics = _load("_bench_metrics")

KINDS = {"x": "numerical", "c": "categorical"}


def test_align_gives_one_dtype_per_kind_and_keeps_missing_values():
    # Setup: a peer's output, booleans as text and categories as numbers
    frame = pd.DataFrame({"n": pd.array([1, None, 3], dtype="Int64"), "c": [7, None, 9],
                          "b": ["True", "False", None], "d": ["2020-01-02", None, "2021-05-06"]})
    kinds = {"n": "numerical", "c": "categorical", "b": "boolean", "d": "datetime"}

    # Run
    aligned = metrics.align(frame, kinds)

    # Assert
    assert [str(t) for t in aligned.dtypes] == ["float64", "object", "boolean", "datetime64[ns]"]
    assert aligned["n"].isna().tolist() == [False, True, False]
    assert aligned["c"].tolist()[0] == "7.0" and pd.isna(aligned["c"].iloc[1])
    assert aligned["b"].tolist() == [True, False, pd.NA]


def test_binary_scores_by_hand():
    # Setup: P(b) 0.1, 0.4 for the a rows and 0.35, 0.8 for the b rows
    y_true = pd.Series(["a", "a", "b", "b"])
    scores = np.array([[0.9, 0.1], [0.6, 0.4], [0.65, 0.35], [0.2, 0.8]])

    # Run
    result = metrics.classification_scores(y_true, scores, ["a", "b"], positive="b")

    # Assert: 3 of the 4 (b, a) pairs are ordered right; b predicted once, correctly: P 1, R 1/2
    assert result == pytest.approx({"auc": 0.75, "f1": 2 / 3})


def test_three_classes_use_macro_one_vs_rest():
    # Setup: a and b are ranked perfectly; c's single row scores below one other row
    y_true = pd.Series(["a", "b", "c", "a"])
    scores = np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.5, 0.2, 0.3], [0.6, 0.0, 0.4]])

    # Run
    result = metrics.classification_scores(y_true, scores, ["a", "b", "c"], positive="c")

    # Assert: AUC a = 1 (0.8, 0.6 above 0.1, 0.5), b = 1, c = 2/3 (0.3 beats 0.1, 0.1, not 0.4).
    # Predicted a, b, a, a: F1 a = 2·(2/3·1)/(2/3+1) = 0.8, b = 1, c = 0
    assert result == pytest.approx({"auc": (1 + 1 + 2 / 3) / 3, "f1": (0.8 + 1 + 0) / 3})


def test_a_synthetic_target_with_one_class_scores_as_a_constant_guess():
    # Setup: every synthetic row says "no"; the holdout has a rare "yes"
    synthetic = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "c": ["no"] * 4})
    holdout = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "c": ["no", "no", "no", "yes"]})

    # Run
    result = metrics.ml_efficacy(synthetic, holdout, KINDS, target="c", task="classification")

    # Assert: constant scores rank nothing (AUC 1/2) and never predict the minority class "yes"
    assert result == {"auc": 0.5, "f1": 0.0}


def test_a_learnable_target_scores_perfectly():
    # Setup: c is "hi" exactly when x > 2; 25 copies of 4 rows, as the model needs 20 rows a leaf
    rows = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "c": ["lo", "lo", "hi", "hi"]})
    train = pd.concat([rows] * 25, ignore_index=True)

    # Run
    result = metrics.ml_efficacy(train, rows, KINDS, target="c", task="classification")

    # Assert
    assert result == {"auc": 1.0, "f1": 1.0}


def test_regression_leaves_out_rows_without_a_target():
    # Setup: y = 10·x, one training and one holdout target missing
    train = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0] * 25, "y": [10.0, 20.0, 30.0, 40.0] * 25})
    train.loc[0, "y"] = np.nan
    holdout = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 2.0], "y": [10.0, 20.0, 30.0, 40.0, np.nan]})

    # Run
    result = metrics.ml_efficacy(train, holdout, {"x": "numerical", "y": "numerical"}, target="y",
                                 task="regression")

    # Assert: boosting fits the four points closely, and no NaN reached the score
    assert 0.95 < result["r2"] <= 1.0


def test_nearest_distance_is_the_mean_of_capped_column_distances():
    # Setup: one query row against two reference rows (numbers already scaled, categories coded)
    query = (np.array([[0.2]]), np.array([[0]]))
    reference = (np.array([[0.5], [2.0]]), np.array([[1], [0]]))

    # Run
    nearest = metrics.nearest_distances(query, reference)

    # Assert: row 1 (0.3 + 1)/2 = 0.65; row 2 (min(1.8, 1) + 0)/2 = 0.5
    assert nearest == pytest.approx([0.5])


def test_missing_numbers_match_each_other_and_nothing_else():
    # Setup
    query = (np.array([[np.nan], [np.nan]]), np.empty((2, 0), dtype=np.int64))
    reference = (np.array([[np.nan]]), np.empty((1, 0), dtype=np.int64))
    other = (np.array([[0.0]]), np.empty((1, 0), dtype=np.int64))

    # Run / Assert
    assert metrics.nearest_distances(query, reference).tolist() == [0.0, 0.0]
    assert metrics.nearest_distances(query, other).tolist() == [1.0, 1.0]


def test_dcr_share_by_hand():
    # Setup: x scaled over 0..10 (train and holdout together)
    train = pd.DataFrame({"x": [0.0, 10.0], "c": ["a", "b"]})
    holdout = pd.DataFrame({"x": [4.0, 6.0], "c": ["a", "a"]})
    synthetic = pd.DataFrame({"x": [0.0, 5.0, 2.0, np.nan], "c": ["a", "a", "a", "b"]})

    # Run
    result = metrics.dcr_share(train, holdout, synthetic, KINDS)

    # Assert: (0,a) train 0 < holdout 0.2 → 1; (5,a) train 0.25 > holdout 0.05 → 0;
    # (2,a) 0.1 = 0.1 → ½; (NaN,b) train (1+0)/2 = 0.5 < holdout 1 → 1; share 2.5/4
    assert result == {"dcr_share": 0.625, "synthetic_rows": 4, "reference_rows": 2}


def test_dcr_share_compares_with_as_many_training_rows_as_holdout_rows():
    # Setup: 8 training rows, 2 holdout rows, 6 synthetic rows capped at 3
    train = pd.DataFrame({"x": np.arange(8.0), "c": ["a"] * 8})
    holdout = pd.DataFrame({"x": [0.5, 6.5], "c": ["a", "a"]})
    synthetic = train.iloc[:6]

    # Run
    result = metrics.dcr_share(train, holdout, synthetic, KINDS, max_synthetic=3)

    # Assert
    assert (result["synthetic_rows"], result["reference_rows"]) == (3, 2)
    assert 0.0 <= result["dcr_share"] <= 1.0


def test_quality_of_a_table_against_itself_is_perfect():
    # Setup
    real = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "c": ["a", "b", "a", "b", "a", "a"]})

    # Run
    result = metrics.quality(real, real.copy(), KINDS)

    # Assert: identical shapes and identical pair trends
    assert result == pytest.approx({"quality_score": 1.0, "column_shapes": 1.0, "column_pair_trends": 1.0})
