"""Tests for evaluation.attacks.singling_out: anonymeter's singling-out attack, vectorised."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from synthgate.evaluation.attacks import singling_out
from synthgate.evaluation.attacks._rates import rates_and_risk
from synthgate.evaluation.errors import NotApplicable

SMALL_KINDS = {"c": "categorical", "n": "numerical"}


def _small() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    synthetic = pd.DataFrame({"c": ["a", "a", "b", "b", "x"], "n": [1.0, 2.0, 1.0, 2.0, 3.0]})
    train = pd.DataFrame({"c": ["a", "b", "b", "x"], "n": [1.0, 2.0, 1.5, 3.0]})
    holdout = pd.DataFrame({"c": ["a", "b", "a", "b"], "n": [1.0, 2.0, 1.5, 1.2]})
    return train, synthetic, holdout


def test_univariate_by_hand():
    # Setup: the only singling-out queries of the synthetic rows are c == x, n >= 3 and n == 3 (every
    # other value occurs twice); train has that row once, the holdout not at all (and both have 4
    # distinct rows: no size correction).
    train, synthetic, holdout = _small()

    # Run
    result = singling_out(train, synthetic, holdout, SMALL_KINDS, mode="univariate", n_attacks=10)

    # Assert
    assert result.n_attacks == 3
    assert result.details["n_success"] == 3
    assert result.details["n_control_success"] == 0
    expected = rates_and_risk(3, 3, 0, n_baseline=result.details["n_baseline_success"], n_baseline_attacks=10)
    assert result.risk == pytest.approx(expected["risk"])
    assert result.ci == pytest.approx(expected["ci"])


def test_multivariate_by_hand():
    # Setup: the median of n is 2, so the five candidates are (a, <= 1), (a, <= 2), (b, <= 1),
    # (b, <= 2) and (x, >= 3); all but the two "<= 2" single out a synthetic row. Train matches
    # (a, <= 1) and (x, >= 3) once each; the holdout matches (a, <= 1) once.
    train, synthetic, holdout = _small()

    # Run
    result = singling_out(train, synthetic, holdout, SMALL_KINDS, mode="multivariate", n_cols=2)

    # Assert
    assert result.details["attempts"] == 5
    assert result.n_attacks == 3
    assert result.details["n_success"] == 2
    assert result.details["n_control_success"] == 1
    expected = rates_and_risk(3, 2, 1, n_baseline=result.details["n_baseline_success"], n_baseline_attacks=1000)
    assert (result.risk, result.ci) == (pytest.approx(expected["risk"]), pytest.approx(expected["ci"]))


def test_copy_of_train_gives_high_risk_and_independent_rows_low(tables, kinds):
    # Setup
    leaky = tables(400, leak=True)
    independent = tables(400, leak=False)

    # Run
    high = singling_out(*leaky, kinds, n_attacks=200, seed=1)
    low = singling_out(*independent, kinds, n_attacks=200, seed=1)

    # Assert
    assert high.risk > 0.8 and high.ci[0] > 0.7
    assert low.risk < 0.15 and low.ci[0] < 0.05


def test_univariate_copy_gives_high_risk(tables, kinds):
    # Run
    result = singling_out(*tables(300, leak=True), kinds, mode="univariate", n_attacks=100)

    # Assert
    assert result.risk > 0.8
    assert result.details["mode"] == "univariate"


def test_control_scaling_anonymeter_and_matched(tables, kinds):
    # Setup: a holdout a quarter of the training size
    train, synthetic, holdout = tables(400, leak=False, holdout=100)

    # Run
    scaled = singling_out(train, synthetic, holdout, kinds, n_attacks=100)
    matched = singling_out(train, synthetic, holdout, kinds, n_attacks=100, control_scaling="matched")

    # Assert: anonymeter 1.1.0's correction amounts to (holdout rows + 1) / (train rows + 1)
    assert scaled.details["control_scale"] == pytest.approx(101 / 401)
    assert matched.details["control_scale"] == 1.0
    assert matched.details["rows_compared"] == {"train": 100, "holdout": 100}


def test_same_seed_same_result_and_seed_matters(tables, kinds):
    # Setup
    frames = tables(300, leak=False)

    # Run
    first = singling_out(*frames, kinds, n_attacks=100, seed=3)
    again = singling_out(*frames, kinds, n_attacks=100, seed=3)
    other = singling_out(*frames, kinds, n_attacks=100, seed=4)

    # Assert
    assert first.to_dict() == again.to_dict()
    assert first.details["attempts"] != other.details["attempts"] or first.risk != other.risk


def test_attempts_are_capped(tables, kinds):
    # Run
    result = singling_out(*tables(300, leak=False), kinds, n_attacks=1000, max_attempts=500)

    # Assert
    assert result.details["attempts"] == 500
    assert result.details["n_queries_wanted"] == 1000
    assert 1 <= result.n_attacks <= 500


def test_result_holds_no_value(tables, kinds):
    # Setup: values no aggregate could produce by chance
    train, synthetic, holdout = tables(60, leak=True)
    for frame in (train, synthetic, holdout):
        frame["city"] = frame["city"].map(lambda v: None if v is None else f"Secretville-{v}")
        frame["income"] = frame["income"] + 0.123456

    # Run
    text = json.dumps(singling_out(train, synthetic, holdout, kinds, n_attacks=50).to_dict())

    # Assert
    assert "Secretville" not in text
    for value in pd.concat([train, synthetic])["income"].dropna().round(6).unique():
        assert f"{value:.6f}" not in text


@pytest.mark.parametrize("n", [1, 5])
def test_tiny_tables_run(tables, n, kinds):
    # Run
    result = singling_out(*tables(n, leak=True), kinds, n_attacks=100)

    # Assert
    assert 0.0 <= result.risk <= 1.0
    assert 1 <= result.n_attacks <= n * 20  # at most one query per (row, 3 of 6 columns)


def test_constant_and_all_null_columns_in_one_table(tables, kinds):
    # Setup
    train, synthetic, holdout = tables(100, leak=False)
    synthetic["grade"] = "A"
    holdout["income"] = np.nan

    # Run
    result = singling_out(train, synthetic, holdout, kinds, n_attacks=50)

    # Assert
    assert 0.0 <= result.risk <= 1.0


def test_not_applicable_cases(tables, kinds):
    # Setup
    train, synthetic, holdout = tables(20, leak=False)

    # Run / Assert
    with pytest.raises(NotApplicable, match="holdout table has no rows"):
        singling_out(train, synthetic, holdout.iloc[:0], kinds)
    with pytest.raises(NotApplicable, match="lacks columns: age"):
        singling_out(train, synthetic.drop(columns="age"), holdout, kinds)
    with pytest.raises(NotApplicable, match="no column"):
        singling_out(train, synthetic, holdout, {})
    with pytest.raises(ValueError):
        singling_out(train, synthetic, holdout, kinds, mode="bivariate")
