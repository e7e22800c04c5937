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
    # No quasi-identifier and no high-cardinality text column: no column set identifies people.
    assert set(result.not_applicable) == {"reproduced_records", *(f for f in FIGURES if f.startswith("reproduced"))}
    # rare_value_share_column names a column only when one holds rare values (none here).
    assert figures["rare_value_share"] == 0 and figures["rare_value_share_column"] is None
    assert all(figures[name] is not None for name in FIGURES
               if name not in result.not_applicable and name != "rare_value_share_column")
    assert figures["format_version"] == 2
    # Independent rows pass every gate that 400 holdout rows can decide; an attack risk may be
    # inconclusive at this size (its interval is wider than its bound), never a fail.
    verdicts = {gate["metric"]: gate["verdict"] for gate in figures["gates"]}
    assert {m for m, v in verdicts.items() if v != "pass"} <= {"singling_out_risk", "linkability_risk", "inference_risk"}
    assert "fail" not in verdicts.values() and figures["verdict"] in ("pass", "inconclusive")
    assert figures["rows"] == {"training": 1200, "synthetic": 1200, "holdout": 400}
    assert figures["utility"]["real"]["auc"] > 0.6
    assert {"fidelity", "distance", "copies", "rare_values", "singling_out", "linkability", "inference",
            "utility"} <= set(steps)
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
    assert {"raw_copy_share", "exact_matches", "close_records_share", "dcr_share", "mia_auc", "nndr_ratio"} <= failed
    assert not result.passed and result.verdict == "fail"
    assert result.figures["raw_copy_share"] == 1.0 and result.figures["close_records_share"] > 0.9


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


def test_a_rare_real_value_carried_into_the_synthetic_table_fails_and_names_its_column():
    # Setup: one synthetic cell holds a diagnosis only two training rows hold
    real, holdout = _population(600, 1), _population(200, 2)
    real.loc[[7, 9], "diagnosis"] = "Q87.1"
    synthetic = _population(600, 3)
    synthetic.loc[11, "diagnosis"] = "Q87.1"

    # Run
    result = evaluate(real, synthetic, holdout)

    # Assert
    gate = {g.metric: g for g in result.gates}["rare_value_share"]
    assert gate.verdict == "fail" and gate.column == "diagnosis"
    assert "Q87.1" not in json.dumps(result.to_dict())


def test_kept_names_that_repeat_real_people_fail_the_reproduced_record_gate():
    # Setup: first and last names whose pairs are mostly unique to one real person
    rng = np.random.default_rng(4)
    firsts, lasts = [f"F{i:03d}" for i in range(60)], [f"L{i:03d}" for i in range(300)]

    def people(n, seed):
        r = np.random.default_rng(seed)
        return _population(n, seed).assign(first=r.choice(firsts, n), last=r.choice(lasts, n))

    real, holdout = people(2000, 1), people(500, 2)
    honest = people(2000, 3)
    leaky = honest.copy()
    copied = rng.choice(len(real), 300, replace=False)
    leaky.loc[:299, ["first", "last"]] = real.loc[copied, ["first", "last"]].to_numpy()

    # Run
    passed = evaluate(real, honest, holdout, EvaluationConfig(quasi_identifiers=("sex",)))
    failed = evaluate(real, leaky, holdout, EvaluationConfig(quasi_identifiers=("sex",)))

    # Assert
    ok, bad = ({g.metric: g for g in r.gates}["reproduced_record_excess"] for r in (passed, failed))
    assert ok.verdict == "pass"
    assert bad.verdict == "fail" and set(bad.columns) >= {"first", "last"}


def test_constant_and_all_null_columns_are_skipped_not_fatal():
    # Setup
    real, synthetic, holdout = (_population(n, s).assign(site="A", note=None) for n, s in ((300, 1), (300, 2), (100, 3)))

    # Run
    result = evaluate(real, synthetic, holdout)

    # Assert
    assert result.columns["skipped"] == {"site": "constant in the real table", "note": "all null in the real table"}
    assert result.figures["quality_score"] is not None
