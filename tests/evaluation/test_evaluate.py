"""evaluate(): every figure in one JSON-able result, no real record in it, and bad input refused."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from synthgate.evaluation import FIGURES, EvaluationConfig, TargetError, Thresholds, evaluate

OUTLIER = 987654.321
RARE = "CANARY-RARE-DIAGNOSIS"


def _population(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 90, size=n)
    return pd.DataFrame({
        "age": age,
        "bmi": np.round(rng.normal(25, 4, size=n), 3),
        "sex": rng.choice(["F", "M"], size=n),
        "diagnosis": rng.choice(["I10", "E11", "J45", "K21"], size=n),
        "outcome": np.where(age + rng.normal(0, 15, size=n) > 60, "ill", "well"),
    })


@pytest.fixture(scope="module")
def independent():
    """Real rows with one outlier and one rare category, a holdout, and independent synthetic rows."""
    real = _population(1200, 1)
    real.loc[3, "bmi"] = OUTLIER
    real.loc[5, "diagnosis"] = RARE
    steps = []
    result = evaluate(real, _population(1200, 3), _population(400, 2), EvaluationConfig(target="outcome"),
                      progress=lambda step, seconds: steps.append(step))
    return result, steps


def test_every_figure_is_measured_and_json_ready(independent):
    # Setup
    result, steps = independent

    # Run
    payload = json.dumps(result.to_dict(), allow_nan=False)

    # Assert
    figures = json.loads(payload)
    assert all(figures[name] is not None for name in FIGURES), figures["not_applicable"]
    assert figures["rows"] == {"training": 1200, "synthetic": 1200, "holdout": 400}
    assert figures["utility"]["real"]["auc"] > 0.6
    assert {"fidelity", "distance", "singling_out", "linkability", "inference", "utility"} <= set(steps)
    assert set(figures["timings"]) >= set(steps) | {"total"}


def test_the_result_holds_no_real_extreme_and_no_rare_category(independent):
    payload = json.dumps(independent[0].to_dict())
    assert "987654" not in payload and RARE not in payload


def test_copied_rows_fail_the_privacy_gates():
    # Setup
    real = _population(800, 1)

    # Run
    result = evaluate(real, real.copy(), _population(300, 2))

    # Assert
    failed = {gate.metric for gate in result.failures()}
    assert {"exact_matches", "dcr_share_low", "mia_auc_low", "nndr_ratio"} <= failed
    assert not result.passed


def test_gates_follow_the_thresholds_given():
    # Setup: every gate off
    off = Thresholds(**{name: None for name in Thresholds.model_fields})

    # Run
    result = evaluate(_population(300, 1), _population(300, 1), _population(100, 2), EvaluationConfig(thresholds=off))

    # Assert
    assert result.gates == () and result.passed


def test_a_target_that_is_not_a_column_is_refused_naming_the_columns():
    with pytest.raises(TargetError, match=r"target column 'outcom' is not a column of the real table; allowed: age"):
        evaluate(_population(50, 1), _population(50, 2), _population(20, 3), EvaluationConfig(target="outcom"))


def test_regression_needs_a_numerical_target():
    with pytest.raises(TargetError, match="is categorical; regression needs a numerical target"):
        evaluate(_population(50, 1), _population(50, 2), _population(20, 3),
                 EvaluationConfig(target="sex", task="regression"))


def test_a_one_class_target_makes_utility_not_applicable_and_the_rest_is_measured():
    # Setup: one outcome only, in every table
    tables = [_population(n, s).assign(outcome="well") for n, s in ((300, 1), (300, 2), (100, 3))]

    # Run
    result = evaluate(*tables, EvaluationConfig(target="outcome"))

    # Assert
    assert result.utility is None
    assert result.not_applicable["utility"] == "the target column is left out: constant in the real table"
    assert result.figures["dcr_share"] is not None


def test_constant_and_all_null_columns_are_skipped_not_fatal():
    # Setup
    real, synthetic, holdout = (_population(n, s).assign(site="A", note=None) for n, s in ((300, 1), (300, 2), (100, 3)))

    # Run
    result = evaluate(real, synthetic, holdout)

    # Assert
    assert result.columns["skipped"] == {"site": "constant in the real table", "note": "all null in the real table"}
    assert result.figures["quality_score"] is not None
