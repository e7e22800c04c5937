"""`synthgate evaluate REAL SYNTH --holdout H`: one JSON object, gates as exit codes, bad input in one line."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from synthgate.flows.cli import app

runner = CliRunner()
OUTLIER = 987654.321
KEYS = ("quality_score", "column_shapes", "column_pair_trends", "raw_copy_share", "chance_copy_share",
        "rare_value_share", "close_records_share", "dcr_share", "nndr", "exact_matches", "mia_auc",
        "singling_out_risk", "linkability_risk", "inference_risk", "utility", "c2st", "verdict", "gates")


def _population(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 90, size=n)
    return pd.DataFrame({
        "age": age,
        "bmi": np.round(rng.normal(25, 4, size=n), 3),
        "sex": rng.choice(["F", "M"], size=n),
        "smoker": rng.random(n) < 0.2,
        "outcome": np.where(age + rng.normal(0, 15, size=n) > 60, "ill", "well"),
    })


@pytest.fixture
def tables(tmp_path):
    """Real, holdout and an independent synthetic table as Parquet and CSV files; one real outlier."""
    real, holdout, synthetic = _population(1500, 1), _population(500, 2), _population(1500, 3)
    real.loc[7, "bmi"] = OUTLIER
    paths = {}
    for name, frame in (("real", real), ("holdout", holdout), ("synthetic", synthetic)):
        paths[name] = tmp_path / f"{name}.parquet"
        frame.to_parquet(paths[name], index=False)
    paths["synthetic_csv"] = tmp_path / "synthetic.csv"
    synthetic.to_csv(paths["synthetic_csv"], index=False)
    paths["copy"] = tmp_path / "copy.parquet"
    real.to_parquet(paths["copy"], index=False)
    return paths


def _evaluate(tables, synthetic="synthetic", *extra):
    return runner.invoke(app, ["evaluate", str(tables["real"]), str(tables[synthetic]), "--holdout",
                               str(tables["holdout"]), *extra])


@pytest.mark.slow
def test_json_holds_every_figure_and_never_a_real_extreme(tables):
    # Run
    result = _evaluate(tables, "synthetic_csv", "--target", "outcome", "--json")

    # Assert
    figures = json.loads(result.stdout)
    assert result.exit_code == (0 if figures["passed"] else 1)
    assert set(KEYS) <= set(figures)
    assert figures["exact_matches"] == 0 and 0.4 < figures["dcr_share"] < 0.6
    assert figures["utility"]["task"] == "classification" and figures["utility"]["synthetic"]["auc"] > 0.6
    assert str(OUTLIER) not in result.stdout and "987654" not in result.stdout


@pytest.mark.slow
def test_copied_rows_fail_their_gates_with_exit_1(tables):
    # Run
    result = _evaluate(tables, "copy")

    # Assert
    assert result.exit_code == 1
    assert "exact_matches" in result.output and "FAILED" in result.output


def test_tables_with_different_columns_stop_in_one_line_with_exit_2(tables, tmp_path):
    # Setup
    other = tmp_path / "other.parquet"
    pd.read_parquet(tables["synthetic"]).drop(columns="bmi").to_parquet(other)
    tables["other"] = other

    # Run
    result = _evaluate(tables, "other")

    # Assert
    assert result.exit_code == 2
    assert result.output.strip() == "error: synthetic table lacks columns of the real table: bmi"


def test_a_column_of_another_type_stops_with_exit_2(tables, tmp_path):
    other = tmp_path / "other.parquet"
    pd.read_parquet(tables["synthetic"]).assign(age="old").to_parquet(other)
    tables["other"] = other
    result = _evaluate(tables, "other")
    assert result.exit_code == 2
    assert "column 'age' is categorical where the real table's is numerical" in result.output


def test_an_empty_holdout_stops_with_exit_2(tables, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("age,bmi,sex,smoker,outcome\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(tables["real"]), str(tables["synthetic"]), "--holdout", str(empty)])
    assert result.exit_code == 2
    assert "has no rows" in result.output


@pytest.mark.parametrize(("option", "value", "line"), [
    ("--accept-inconclusive", "exact_matches", "error: --accept-inconclusive: accept_inconclusive names exact_matches; "
                                               "allowed: close_records_share, dcr_share, mia_auc"),
    ("--quasi-identifiers", "age,postcode", "error: --quasi-identifiers: 'postcode' is not a column of the real "
                                            "table; allowed: age, bmi, sex, smoker, outcome"),
])
def test_a_bad_gate_option_stops_in_one_line_with_exit_2(tables, option, value, line):
    result = _evaluate(tables, "synthetic", option, value)
    assert result.exit_code == 2
    assert result.output.strip().startswith(line)


def test_a_target_that_is_not_a_column_names_the_allowed_ones(tables):
    result = _evaluate(tables, "synthetic", "--target", "outcom")
    assert result.exit_code == 2
    assert "target column 'outcom' is not a column of the real table; allowed: age, bmi, outcome, sex, smoker" \
        in result.output


@pytest.mark.slow
def test_a_one_class_target_is_reported_not_applicable_with_its_reason(tables, tmp_path):
    # Setup: every real, holdout and synthetic row has the same outcome
    for name in ("real", "holdout", "synthetic"):
        path = tmp_path / f"one-{name}.parquet"
        pd.read_parquet(tables[name]).assign(outcome="well", sex=lambda f: f["sex"]).to_parquet(path)
        tables[f"one-{name}"] = path

    # Run
    result = runner.invoke(app, ["evaluate", str(tables["one-real"]), str(tables["one-synthetic"]), "--holdout",
                                 str(tables["one-holdout"]), "--target", "outcome", "--json"])

    # Assert: the constant target is skipped, so utility is not applicable, and the rest is measured
    figures = json.loads(result.stdout)
    assert figures["utility"] is None
    assert "constant" in figures["not_applicable"]["utility"]
    assert figures["dcr_share"] is not None


def test_a_thresholds_file_with_an_unknown_key_names_it(tables, tmp_path):
    bounds = tmp_path / "bounds.yaml"
    bounds.write_text("dcr_share_mx: 0.6\n", encoding="utf-8")
    result = _evaluate(tables, "synthetic", "--thresholds", str(bounds))
    assert result.exit_code == 2
    assert "dcr_share_mx" in result.output and "allowed keys:" in result.output
