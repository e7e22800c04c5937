"""measure_utility: the same model trained on synthetic and on real rows, scored on the real holdout."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from synthgate.evaluation.errors import NotApplicable
from synthgate.evaluation.utility import measure_utility

KINDS = {"x": "numerical", "c": "categorical", "d": "datetime", "b": "boolean", "y": "categorical"}


def _table(n: int, seed: int, labels: tuple[str, str] = ("no", "yes")) -> pd.DataFrame:
    """y is labels[1] exactly when x > 1 (about 16% of rows): a model on x separates it perfectly."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    return pd.DataFrame({
        "x": x,
        "c": pd.Series(rng.choice(["a", "b", "c"], n), dtype=object),
        "d": pd.to_datetime("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D"),
        "b": pd.Series(rng.choice(["True", "False"], n), dtype=object),
        "y": pd.Series(np.where(x > 1, labels[1], labels[0]), dtype=object),
    })


def _broken(frame: pd.DataFrame, column: str = "y", seed: int = 9) -> pd.DataFrame:
    """The target permuted: the same classes, no link to the features."""
    return frame.assign(**{column: frame[column].to_numpy()[np.random.default_rng(seed).permutation(len(frame))]})


def test_binary_a_faithful_synthetic_table_scores_like_the_real_one_and_a_broken_one_near_chance():
    # Setup
    train, holdout = _table(600, 0), _table(300, 1)

    # Run
    faithful = measure_utility(train, train.copy(), holdout, KINDS, target="y")
    broken = measure_utility(train, _broken(train), holdout, KINDS, target="y")

    # Assert
    assert faithful.task == "classification" and faithful.model == "HistGradientBoostingClassifier"
    assert faithful.real["auc"] > 0.97 and faithful.real["f1"] > 0.9
    assert faithful.synthetic == faithful.real
    assert broken.real == faithful.real
    assert broken.synthetic["auc"] < 0.75 and broken.synthetic["f1"] < 0.5
    assert faithful.rows == {"fit_real": 600, "fit_synthetic": 600, "test": 300}


def test_binary_the_positive_class_is_the_real_training_minority_and_is_not_named():
    # Setup: the minority label sorts first; canaries as labels
    train, holdout = _table(600, 0, ("CANARY-Z", "CANARY-A")), _table(300, 1, ("CANARY-Z", "CANARY-A"))

    # Run
    result = measure_utility(train, train, holdout, KINDS, target="y")

    # Assert: F1 of "yes" (16%): a perfect separation gives 1.0 for it as well
    assert result.real["f1"] > 0.9
    assert any("minority class of the real training rows (1" in note for note in result.notes)
    assert "CANARY" not in json.dumps(result.to_dict())


def test_regression_r2_and_mae_drop_when_the_target_is_broken():
    # Setup
    kinds = {**KINDS, "y": "numerical"}
    train, holdout = _table(600, 0), _table(300, 1)
    train["y"], holdout["y"] = 3 * train["x"] + 1, 3 * holdout["x"] + 1

    # Run
    result = measure_utility(train, _broken(train), holdout, kinds, target="y")

    # Assert
    assert result.task == "regression" and result.model == "HistGradientBoostingRegressor"
    assert result.real["r2"] > 0.95 and result.real["mae"] < 0.4
    assert result.synthetic["r2"] < 0.1 and result.synthetic["mae"] > 1.5


def test_multiclass_reports_macro_scores_over_the_holdout_classes():
    # Setup: three classes by x's tercile
    def three(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(y=pd.Series(np.select([frame.x < -0.43, frame.x < 0.43], ["lo", "mid"], "hi"),
                                        dtype=object))
    train, holdout = three(_table(600, 0)), three(_table(300, 1))

    # Run
    result = measure_utility(train, _broken(train), holdout, KINDS, target="y")

    # Assert
    assert result.real["auc"] > 0.97 and result.real["f1"] > 0.9
    assert result.synthetic["auc"] < 0.7
    assert any(note.startswith("3 classes in the holdout") for note in result.notes)


@pytest.mark.parametrize(("kind", "values", "task"), [
    ("boolean", ["True", "False"], "classification"),
    ("categorical", ["a", "b"], "classification"),
    ("numerical", [0.0, 1.0, 2.0], "regression"),  # few distinct numbers stay a regression
])
def test_auto_task_follows_the_kind_of_the_target(kind, values, task):
    # Setup
    train = _table(120, 0).assign(t=pd.Series(values * (120 // len(values)), dtype=object if kind != "numerical"
                                              else float))
    kinds = {**KINDS, "t": kind}

    # Run
    result = measure_utility(train, train, train, kinds, target="t")

    # Assert
    assert result.task == task


@pytest.mark.parametrize(("change", "reason"), [
    (lambda t, h: (t.assign(y=None), h), "missing in every real training row"),
    (lambda t, h: (t, h.assign(y=None)), "missing in every holdout row"),
    (lambda t, h: (t.assign(y="no"), h), "one class in the real training rows"),
    (lambda t, h: (t, h.assign(y="no")), "one class in the holdout rows"),
])
def test_not_applicable_when_the_real_target_cannot_be_learnt_or_scored(change, reason):
    # Setup
    train, holdout = change(_table(100, 0), _table(60, 1))

    # Run / Assert
    with pytest.raises(NotApplicable, match=reason):
        measure_utility(train, train, holdout, KINDS, target="y")


def test_not_applicable_for_a_date_target_and_without_features():
    # Setup
    train = _table(60, 0)

    # Run / Assert
    with pytest.raises(NotApplicable, match="a date"):
        measure_utility(train, train, train, KINDS, target="d")
    with pytest.raises(NotApplicable, match="no feature column"):
        measure_utility(train[["y"]], train[["y"]], train[["y"]], {"y": "categorical"}, target="y")


def test_a_synthetic_target_with_one_class_gives_no_synthetic_scores_and_a_note():
    # Setup
    train, holdout = _table(200, 0), _table(100, 1)

    # Run
    result = measure_utility(train, train.assign(y="no"), holdout, KINDS, target="y")

    # Assert
    assert result.synthetic == {"auc": None, "f1": None}
    assert result.real["auc"] is not None
    assert "the synthetic rows have one class: no model can be trained on them" in result.notes


def test_unseen_categories_many_levels_and_empty_synthetic_features_do_not_crash():
    # Setup: 400 levels in c (more than HistGradientBoosting's 255), holdout levels never seen,
    # a synthetic table whose x and d are all missing
    train, holdout = _table(800, 0), _table(200, 1)
    train["c"] = pd.Series([f"level{i % 400}" for i in range(800)], dtype=object)
    holdout["c"] = pd.Series([f"new{i}" for i in range(200)], dtype=object)
    synthetic = train.assign(x=np.nan, d=pd.NaT)

    # Run
    result = measure_utility(train, synthetic, holdout, KINDS, target="y")

    # Assert: the real model still finds x; the synthetic one has only c and b, noise here
    assert result.real["auc"] > 0.97
    assert 0.0 <= result.synthetic["auc"] <= 1.0


def test_rows_with_a_missing_target_are_left_out_and_counted():
    # Setup
    train, holdout = _table(200, 0), _table(100, 1)
    train.loc[:9, "y"] = None

    # Run
    result = measure_utility(train, train, holdout, KINDS, target="y")

    # Assert
    assert result.rows["fit_real"] == 190
    assert "10 real training rows with a missing target left out" in result.notes


@pytest.mark.parametrize("rows", [1, 5])
def test_tiny_tables_give_scores_or_a_reason(rows):
    # Setup: regression on x, so one or five rows still have a target
    kinds = {**KINDS, "y": "numerical"}
    train = _table(rows, 0).assign(y=lambda f: f.x * 2)
    holdout = _table(rows, 1).assign(y=lambda f: f.x * 2)

    # Run
    result = measure_utility(train, train, holdout, kinds, target="y")

    # Assert
    json.dumps(result.to_dict(), allow_nan=False)
    assert result.real["mae"] is not None
    assert (result.real["r2"] is None) == (rows == 1)


def test_the_same_seed_gives_the_same_scores():
    # Setup
    train, holdout = _table(300, 0), _table(100, 1)

    # Run
    first = measure_utility(train, _broken(train), holdout, KINDS, target="y", seed=3)
    again = measure_utility(train, _broken(train), holdout, KINDS, target="y", seed=3)

    # Assert
    assert first == again


def test_a_class_with_a_single_row_in_a_large_fitting_table_is_left_out_of_that_model():
    # Setup: above 10,000 rows early stopping splits off a stratified validation set
    train, holdout = _table(10_050, 0), _table(200, 1)
    synthetic = train.copy()
    synthetic.loc[0, "y"] = "only-once"

    # Run
    result = measure_utility(train, synthetic, holdout, KINDS, target="y")

    # Assert
    assert result.synthetic["auc"] > 0.97
    assert "1 classes with a single synthetic row are left out of its model" in result.notes
