"""The C2ST figure in evaluate(): reported under fidelity, and a gate only when c2st_min is set."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from synthgate.evaluation import EvaluationConfig, Thresholds, evaluate


def _population(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    weight = np.round(rng.normal(70, 12, size=n), 1)
    return pd.DataFrame({
        "weight": weight,
        "height": np.round(weight * 1.2 + 90 + rng.normal(0, 3, size=n), 1),
        "sex": rng.choice(["F", "M"], size=n),
        "ward": rng.choice(["A", "B", "C", "D"], size=n),
    })


def _broken(n: int, seed: int) -> pd.DataFrame:
    """The same marginals, on no lattice, and the weight-height tie broken."""
    frame = _population(n, seed)
    rng = np.random.default_rng(seed + 100)
    frame["height"] = rng.permutation(frame["height"].to_numpy()) + rng.uniform(-0.05, 0.05, size=n)
    return frame


def _evaluate(synthetic: pd.DataFrame, c2st_min: float | None = None, rows: int = 800):
    # Few attacks: this module checks the C2ST figure, not the attacks.
    config = EvaluationConfig(thresholds=Thresholds(c2st_min=c2st_min), n_attacks=50)
    return evaluate(_population(rows, 1), synthetic, _population(rows // 4, 2), config)


@pytest.fixture(scope="module")
def honest():
    return _evaluate(_population(800, 3), c2st_min=0.8)


def test_c2st_is_a_fidelity_figure_in_evaluation_json(honest):
    # Run
    payload = json.loads(json.dumps(honest.to_dict(), allow_nan=False))

    # Assert
    block = payload["fidelity"]["c2st"]
    assert payload["c2st"] == block["score"] >= 0.8
    assert 0.4 <= block["auc"] <= 0.6 and block["rows"] == 800 and block["folds"] == 5
    assert block["classifier"] == "HistGradientBoostingClassifier"
    assert "c2st" in payload["timings"]


def test_an_honest_table_passes_the_gate_when_it_is_set(honest):
    gate = next(g for g in honest.gates if g.metric == "c2st")
    assert gate.verdict == "pass" and gate.operator == ">=" and gate.bound == 0.8


def test_a_table_a_classifier_tells_apart_fails_the_gate_and_the_release():
    # Run
    result = _evaluate(_broken(800, 3), c2st_min=0.8)

    # Assert
    gate = next(g for g in result.gates if g.metric == "c2st")
    assert gate.verdict == "fail" and result.figures["c2st"] < 0.5
    assert not result.passed and result.verdict == "fail"
    assert gate in result.failures()
    assert gate.line().startswith("c2st ") and gate.line().endswith("FAILED; " + gate.remedy)


def test_by_default_c2st_is_reported_and_not_gated():
    # Run
    result = _evaluate(_broken(800, 3))

    # Assert
    assert result.figures["c2st"] < 0.5
    assert "c2st" not in {g.metric for g in result.gates}


def test_too_few_rows_make_c2st_not_applicable_never_unmeasured():
    # Setup: 6 rows of each table, fewer than two per fold
    synthetic = _population(6, 3)

    # Run
    result = _evaluate(synthetic, c2st_min=0.8, rows=6)

    # Assert
    assert result.figures["c2st"] is None
    assert result.not_applicable["c2st"].startswith("C2ST needs at least 10 rows of each table")
    assert "c2st" not in {g.metric for g in result.gates}
