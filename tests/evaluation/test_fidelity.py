"""measure_fidelity: SDMetrics' quality and diagnostic reports on metadata built from our kinds."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from synthgate.evaluation.fidelity import measure_fidelity

KINDS = {"x": "numerical", "y": "numerical", "c": "categorical", "d": "datetime", "b": "boolean"}
CANARY = "CANARY-Lee-770312"


def _table(n: int = 200, seed: int = 0) -> pd.DataFrame:
    """y follows x (|r| > 0.5) and c is x's half (Cramér's V > 0.3): SDMetrics counts those pairs."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    return pd.DataFrame({
        "x": x,
        "y": x + rng.normal(scale=0.3, size=n),
        "c": pd.Series(np.where(x > 0, "high", "low"), dtype=object),
        "d": pd.to_datetime("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D"),
        "b": pd.Series(rng.choice(["True", "False"], n), dtype=object),
    })


def _shuffled(frame: pd.DataFrame, seed: int = 1) -> pd.DataFrame:
    """Each column permuted on its own: the same marginals, no pair trend left."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({name: frame[name].to_numpy()[rng.permutation(len(frame))] for name in frame})


def test_a_copy_of_the_real_rows_scores_one_everywhere():
    # Setup
    real = _table()

    # Run
    result = measure_fidelity(real, real.copy(), KINDS)

    # Assert
    assert result.quality_score == pytest.approx(1.0)
    assert result.column_shapes == pytest.approx(1.0)
    assert result.column_pair_trends == pytest.approx(1.0)
    assert result.diagnostic == pytest.approx({"score": 1.0, "data_validity": 1.0, "data_structure": 1.0})
    assert [entry["score"] for entry in result.columns] == pytest.approx([1.0] * 5)


def test_independent_columns_keep_the_shapes_but_lose_the_pair_trends():
    # Setup
    real = _table()

    # Run
    copy = measure_fidelity(real, real.copy(), KINDS)
    shuffled = measure_fidelity(real, _shuffled(real), KINDS)

    # Assert: the same marginals, pairs that SDMetrics counts (x-y, x-c) broken
    assert shuffled.column_shapes == pytest.approx(1.0)
    assert shuffled.column_pair_trends < 0.8
    assert shuffled.quality_score < copy.quality_score - 0.1
    counted = {tuple(pair["columns"]) for pair in shuffled.pairs if pair["counted"]}
    assert {("x", "y"), ("x", "c")} <= counted


def test_metrics_follow_the_declared_kinds_not_the_values():
    # Setup: digits declared categorical, a 0/1 number declared numerical
    real = pd.DataFrame({"code": pd.Series(["10", "20", "30"] * 20, dtype=object), "flag": [0.0, 1.0] * 30})

    # Run
    result = measure_fidelity(real, real, {"code": "categorical", "flag": "numerical"})

    # Assert
    assert {entry["column"]: entry["metric"] for entry in result.columns} == {
        "code": "TVComplement", "flag": "KSComplement"}


def test_pairs_carry_real_and_synthetic_correlations_and_why_uncounted_pairs_have_no_score():
    # Setup
    real = _table()

    # Run
    pairs = {tuple(p["columns"]): p for p in measure_fidelity(real, _shuffled(real), KINDS).pairs}

    # Assert: x-y is a counted Pearson pair with both correlations; x-d is below SDMetrics' threshold
    assert pairs[("x", "y")]["metric"] == "CorrelationSimilarity"
    assert pairs[("x", "y")]["real"] > 0.9 and abs(pairs[("x", "y")]["synthetic"]) < 0.3
    assert pairs[("x", "d")]["score"] is None and pairs[("x", "d")]["counted"] is False
    assert pairs[("x", "d")]["reason"].startswith("real correlation |r| <= 0.5")
    assert pairs[("x", "c")]["metric"] == "ContingencySimilarity" and pairs[("x", "c")]["real"] > 0.3


def test_a_constant_or_empty_synthetic_column_gets_none_with_a_reason_and_no_value():
    # Setup
    real = _table()
    synthetic = _table(seed=2).assign(c=CANARY, x=np.nan)

    # Run
    result = measure_fidelity(real, synthetic, KINDS)
    text = json.dumps(result.to_dict(), allow_nan=False)

    # Assert
    columns = {entry["column"]: entry for entry in result.columns}
    assert columns["x"]["score"] is None
    assert columns["x"]["reason"] == "x has only missing values in the synthetic rows"
    pairs = {tuple(p["columns"]): p for p in result.pairs}
    assert pairs[("x", "y")]["score"] is None and "x" in pairs[("x", "y")]["reason"]
    assert CANARY not in text


@pytest.mark.parametrize("rows", [1, 5])
def test_tiny_tables_give_json_safe_figures(rows):
    # Setup
    real, synthetic = _table(rows), _table(rows, seed=3)

    # Run
    result = measure_fidelity(real, synthetic, KINDS)

    # Assert: every figure is a number in [0, 1] or None, and the whole result is strict JSON
    json.dumps(result.to_dict(), allow_nan=False)
    scores = [result.quality_score, result.column_shapes, *(e["score"] for e in result.columns)]
    assert all(score is None or 0.0 <= score <= 1.0 for score in scores)


def test_without_any_strong_real_pair_the_quality_is_the_column_shapes():
    # Setup: independent columns in the real rows
    rng = np.random.default_rng(4)
    real = pd.DataFrame({"x": rng.normal(size=300), "y": rng.normal(size=300)})

    # Run
    result = measure_fidelity(real, real.copy(), {"x": "numerical", "y": "numerical"})

    # Assert
    assert result.column_pair_trends is None
    assert result.quality_score == result.column_shapes
    assert any("thresholds" in note for note in result.notes)


def test_large_tables_are_subsampled_with_the_seed():
    # Setup
    real, synthetic = _table(300), _table(300, seed=5)

    # Run
    first = measure_fidelity(real, synthetic, KINDS, max_rows=100, seed=7)
    again = measure_fidelity(real, synthetic, KINDS, max_rows=100, seed=7)
    other = measure_fidelity(real, synthetic, KINDS, max_rows=100, seed=8)

    # Assert
    assert first.rows == {"real": 100, "synthetic": 100}
    assert first.to_dict() == again.to_dict()
    assert first.column_shapes != other.column_shapes
    assert any("100 rows" in note for note in first.notes)


def test_sdmetrics_prints_nothing(capsys):
    # Run
    measure_fidelity(_table(), _table(seed=6), KINDS)

    # Assert
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
