"""c2st(): high for rows of the same distribution, low for every way a table can give itself away."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from synthgate.evaluation import EmptyTableError, NotApplicable, TableMismatchError
from synthgate.evaluation.c2st import _precision, c2st

CANARY = "CANARY-VALUE-7731"


def _population(n: int, seed: int) -> pd.DataFrame:
    """Mixed columns as recorded: a one-decimal reading, an integer, a correlated pair, categories, dates, nulls."""
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 90, size=n)
    weight = np.round(rng.normal(70, 12, size=n), 1)
    frame = pd.DataFrame({
        "age": age,
        "weight": weight,
        "height": np.round(weight * 1.2 + 90 + rng.normal(0, 3, size=n), 1),  # tied to weight
        "sex": rng.choice(["F", "M"], size=n),
        "ward": rng.choice(["A", "B", "C", "D"], size=n, p=[0.4, 0.3, 0.2, 0.1]),
        "admitted": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, size=n), unit="D"),
        "smoker": rng.random(n) < 0.3,
    })
    frame.loc[rng.random(n) < 0.2, "weight"] = np.nan
    return frame


@pytest.fixture(scope="module")
def real():
    return _population(2000, 1)


def test_rows_of_the_same_distribution_score_high(real):
    # Setup
    synthetic = _population(2000, 2)

    # Run
    result = c2st(real, synthetic)

    # Assert
    assert result["score"] >= 0.8 and abs(result["auc"] - 0.5) < 0.1
    assert result["rows"] == 2000 and result["folds"] == 5 and len(result["fold_aucs"]) == 5
    assert result["classifier"] == "HistGradientBoostingClassifier"
    assert result["columns"] == 7 and result["features"] == 7 + 4  # a precision feature per number and date


#: Each change: the score a perfect classifier would reach, worked out by hand, and the bound
#: this one must keep (weight is null in 20% of rows, where a change to weight cannot show).
CHANGES = {
    "shift": (0.20, 0.30),  # ages 18-89 moved by 40: the ranges overlap on 32 of 72 values, AUC 0.90
    "shuffle": (0.04, 0.40),  # height permuted, its tie to weight (r = 0.98) broken; trees drawing a
                              # line from 3,200 rows read 0.28
    "continuous": (0.04, 0.15),  # real weights have one decimal, these every decimal: AUC 0.98
    "nulls": (0.60, 0.70),  # weight null in 20% of real rows, 60% here: AUC 0.70
    "category": (0.48, 0.60),  # ward A 40% -> 5%, D 10% -> 45%: AUC 0.76
}


@pytest.mark.parametrize("change, best, bound", [(change, *figures) for change, figures in CHANGES.items()])
def test_a_table_that_gives_itself_away_scores_low(real, change, best, bound):
    # Setup: rows of the same population, then one column changed
    synthetic = _population(2000, 2)
    rng = np.random.default_rng(3)
    if change == "shift":
        synthetic["age"] = synthetic["age"] + 40
    elif change == "shuffle":
        synthetic["height"] = rng.permutation(synthetic["height"].to_numpy())
    elif change == "continuous":
        synthetic["weight"] = synthetic["weight"] + rng.uniform(-0.05, 0.05, size=len(synthetic))
    elif change == "nulls":
        synthetic.loc[rng.random(len(synthetic)) < 0.5, "weight"] = np.nan
    else:
        synthetic["ward"] = rng.choice(["A", "B", "C", "D"], size=len(synthetic), p=[0.05, 0.3, 0.2, 0.45])

    # Run
    result = c2st(real, synthetic)

    # Assert: within its bound, far below rows of the same population (>= 0.8), and no better
    # than a perfect classifier could do (a label leaking into the features would read 0)
    assert best - 0.05 <= result["score"] <= bound, (change, result)


def test_an_exact_copy_is_indistinguishable(real):
    # C2ST cannot see copies: the copy and distance gates do.
    assert c2st(real, real.copy())["score"] >= 0.9


def test_integers_as_fractions_are_seen():
    # Setup: an integer score in the real rows, the same distribution with fractions in the synthetic ones
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"score": rng.integers(0, 40, size=1500).astype(float)})
    synthetic = pd.DataFrame({"score": rng.uniform(-0.5, 39.5, size=1500)})

    # Run / Assert
    assert c2st(real, synthetic)["score"] < 0.1
    assert c2st(real, pd.DataFrame({"score": np.round(synthetic["score"])}))["score"] >= 0.8


def test_high_cardinality_text_is_capped_and_still_compared():
    # Setup: 1,000 job titles, over HistGradientBoosting's 255 levels, a few of them frequent
    rng = np.random.default_rng(0)
    levels = np.array([f"job {i}" for i in range(1000)])
    zipf = 1 / np.arange(1, 1001)
    real = pd.DataFrame({"job": rng.choice(levels, size=3000, p=zipf / zipf.sum())})
    same = pd.DataFrame({"job": rng.choice(levels, size=3000, p=zipf / zipf.sum())})
    flat = pd.DataFrame({"job": rng.choice(levels, size=3000)})  # every title equally often
    # a placeholder for rare titles, as value protection writes: a value no real row holds
    placeholder = same.assign(job=same["job"].where(same["job"].isin(levels[:50]), "(rare)"))

    # Run / Assert
    assert c2st(real, same)["score"] >= 0.8
    assert c2st(real, flat)["score"] < 0.5
    assert c2st(real, placeholder)["score"] < 0.5


def test_the_same_seed_gives_the_same_result_and_the_result_holds_no_value(real):
    # Setup
    synthetic = _population(2000, 2)
    synthetic.loc[0, "ward"] = CANARY
    real = real.assign(weight=real["weight"].where(real.index != 0, 987654.321))

    # Run
    first, second = c2st(real, synthetic, seed=4), c2st(real, synthetic, seed=4)

    # Assert
    assert first == second
    payload = json.dumps(first)
    assert CANARY not in payload and "987654" not in payload


def test_max_rows_caps_the_sample_of_each_table(real):
    assert c2st(real, _population(5000, 2), max_rows=1000)["rows"] == 500


def test_declared_kinds_override_dtypes():
    # Setup: codes 1-3 are categories, not quantities; dates arrive as text
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"code": rng.integers(1, 4, size=600),
                         "day": pd.Series(pd.date_range("2021-01-01", periods=600, freq="D")).astype(str)})
    synthetic = real.sample(frac=1.0, random_state=1).reset_index(drop=True)

    # Run
    result = c2st(real, synthetic, kinds={"code": "categorical", "day": "datetime"})

    # Assert
    assert result["features"] == 3 and result["score"] >= 0.8


@pytest.mark.parametrize("values, expected", [
    ([37.5, 83.0, 80.0, 1200.0], [1, 0, -1, -2]),
    ([float(np.float32(37.1)), 0.25, 1 / 3, np.nan], [1, 2, 7, np.nan]),
])
def test_precision_reads_the_decimal_places_recorded(values, expected):
    np.testing.assert_array_equal(_precision(pd.Series(values)).to_numpy(), np.array(expected, dtype=float))


def test_bad_input_is_one_clear_error_naming_columns_never_values(real):
    with pytest.raises(TableMismatchError, match="synthetic table lacks columns of the real table: smoker"):
        c2st(real, real.drop(columns="smoker"))
    with pytest.raises(TableMismatchError, match="has columns the real table lacks: extra"):
        c2st(real, real.assign(extra=CANARY))
    with pytest.raises(TableMismatchError, match="kind C2ST does not know.*: age"):
        c2st(real, real, kinds={"age": "money"})
    with pytest.raises(EmptyTableError, match="synthetic table has no rows"):
        c2st(real, real.iloc[:0])
    with pytest.raises(NotApplicable, match="at least 10 rows of each table for 5 folds; the smaller table has 6"):
        c2st(real, real.iloc[:6])


def test_too_few_folds_or_rows_for_them_is_a_programming_error(real):
    with pytest.raises(ValueError, match="folds must be at least 2"):
        c2st(real, real, folds=1)
    with pytest.raises(ValueError, match="max_rows at least 4 \\* folds"):
        c2st(real, real, max_rows=12, folds=5)
