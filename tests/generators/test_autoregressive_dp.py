"""The autoregressive generator under differential privacy: the accountant's record, domains, dtypes."""
from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd
import pytest
import torch

from synthgate import generators

ROWS = 2000
DP = {"epsilon": 4.0, "delta": 1e-5, "epochs": 2, "batch_size": 256}
KINDS = {"age": "numerical", "income": "numerical", "ward": "categorical", "smoker": "boolean", "day": "datetime"}
DOMAINS = {"age": {"min": 0, "max": 120}, "income": {"min": 1, "max": 1e6},
           "ward": {"values": ["north", "south", "west"]}, "day": {"min": "2019-01-01", "max": "2022-12-31"}}


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def make(dp: dict | None = None, **params: object) -> generators.AutoregressiveGenerator:
    parsed = generators.parse_params("autoregressive", {"max_epochs": 3, "hidden": 16, **params,
                                                        "dp": {**DP, **(dp or {})}})
    return generators.AutoregressiveGenerator(parsed, seed=0)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    """No nulls anywhere; a one-row category and an extreme income that DP must not learn."""
    rng = np.random.default_rng(0)
    ward = rng.choice(["north", "south", "east"], ROWS).astype(object)
    ward[0] = "SOLO_WARD"
    income = rng.lognormal(10, 1, ROWS).round(2)
    income[1] = 5e8
    return pd.DataFrame({
        "age": rng.integers(18, 91, ROWS),
        "income": income,
        "ward": ward,
        "smoker": rng.random(ROWS) < 0.3,
        "day": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 700, ROWS), unit="D"),
    })


@pytest.fixture(scope="module")
def private(table) -> tuple[generators.AutoregressiveGenerator, list]:
    """A DP fit without declared domains, and the progress it reported."""
    generator, calls = make(), []
    generator.fit(table, generators.TableSchema.from_mapping(KINDS), progress=calls.append)
    return generator, calls


@pytest.fixture(scope="module")
def declared(table) -> generators.AutoregressiveGenerator:
    generator = make({"domains": DOMAINS})
    generator.fit(table, generators.TableSchema.from_mapping(KINDS))
    return generator


def test_the_privacy_record_keeps_the_budget(private):
    # Setup
    record = private[0].privacy_record

    # Assert
    assert record["epsilon"] == DP["epsilon"] and record["delta"] == DP["delta"]
    assert 0 < record["epsilon_spent"] <= DP["epsilon"] + 1e-6
    assert record["accountant"] == "rdp" and record["sgd"]["steps"] > 0
    assert record["accounting_delta"] + record["threshold_delta"] == pytest.approx(DP["delta"])
    assert {"categories", "numeric_bounds", "numeric_histograms"} <= {r["name"] for r in record["releases"]}


def test_the_manifest_records_the_same_privacy_facts(private, tmp_path):
    # Run
    private[0].save(tmp_path / "model")
    manifest = json.loads((tmp_path / "model" / "manifest.json").read_text())
    loaded = generators.Generator.load(tmp_path / "model")

    # Assert
    assert manifest["dp"] == private[0].privacy_record and loaded.privacy_record == private[0].privacy_record


def test_output_dtypes_are_nullable_whatever_the_training_nulls(private):
    # Assert: whether a column had nulls is not learned under DP
    assert private[0].output_dtypes == {"age": "Int64", "income": "float64", "ward": "object", "smoker": "boolean",
                                        "day": "datetime64[ns]"}


def test_a_sample_without_nulls_still_has_the_recorded_nullable_dtype(private):
    # Run: age fixed, so it holds no null
    sample = private[0].sample(50, seed=1, fixed={"age": 40})

    # Assert
    assert str(sample["age"].dtype) == "Int64"


def test_losses_are_withheld_from_progress_and_the_curve(private):
    # Setup
    generator, calls = private
    curve = generator.training["curve"]

    # Assert
    assert calls and len(calls) == len(curve) == generator.training["epochs"]
    assert all(p.train_loss is None and p.val_loss is None for p in calls)
    assert all(point["train_loss"] is None and point["val_loss"] is None for point in curve)
    assert generator.training["best_val_loss"] is None


def test_a_one_row_category_and_an_extreme_value_are_not_learned(private):
    # Run
    sample = private[0].sample(2000, seed=2)

    # Assert: the one-row category is below the noisy threshold; the bounds are powers of two
    assert "SOLO_WARD" not in set(sample["ward"].dropna())
    assert sample["income"].max() < 5e8


def test_declared_domains_bound_the_output(declared):
    # Run
    sample = declared.sample(1000, seed=3)

    # Assert
    assert set(sample["ward"].dropna()) <= {"north", "south", "west", "_RARE_"}
    assert sample["age"].dropna().between(0, 120).all() and sample["income"].dropna().between(1, 1e6).all()
    days = sample["day"].dropna()
    assert days.between(pd.Timestamp("2019-01-01"), pd.Timestamp("2022-12-31")).all()
    assert (days.astype("int64") % (86_400 * 10**9) == 0).all()


def test_every_domain_declared_leaves_only_the_token_marginals_release(declared):
    # Setup
    record = declared.privacy_record

    # Assert: no category, bound or histogram release; the noisy token counts that start the heads
    # and DP-SGD spend the budget
    assert [r["name"] for r in record["releases"]] == ["token_marginals"]
    assert 0 < record["epsilon_spent"] <= DP["epsilon"] + 1e-6


def test_dp_noise_is_not_replayed_from_the_public_seed(table):
    # Setup
    schema = generators.TableSchema.from_mapping(KINDS)
    first, second = make({"domains": DOMAINS}), make({"domains": DOMAINS})

    # Run
    first.fit(table, schema)
    second.fit(table, schema)

    # Assert: the same seed, other noise
    assert not first.sample(100, seed=4).equals(second.sample(100, seed=4))


def test_a_time_budget_ends_dp_sgd_early_and_only_the_steps_run_are_charged(table):
    # Setup: the callback makes the first pass outlast the 0.06 s budget
    generator = make({"domains": DOMAINS, "epochs": 4}, max_minutes=0.001)

    # Run
    generator.fit(table, generators.TableSchema.from_mapping(KINDS), progress=lambda progress: time.sleep(0.1))

    # Assert
    record = generator.privacy_record
    assert generator.training["stopped"] == "time_budget" and generator.training["epochs"] == 1
    assert record["sgd"]["steps"] == generator.training["steps"] < 4 * ROWS // DP["batch_size"]
    assert record["epsilon_spent"] < DP["epsilon"]


@pytest.mark.parametrize(("domains", "column", "rule"), [
    ({"nope": {"values": ["a"]}}, "nope", "has a dp domain but is not a learned column"),
    ({"ward": {"min": 0, "max": 1}}, "ward", "dp domain must be values"),
    ({"age": {"values": [1, 2]}}, "age", "dp domain must be min and max"),
    ({"smoker": {"values": [True, False]}}, "smoker", "must be left out"),
    ({"age": {"min": 120, "max": 0}}, "age", "with min < max"),
    ({"age": {"min": "zero", "max": 120}}, "age", "as numbers"),
    ({"day": {"min": "early", "max": "2022-01-01"}}, "day", "as naive ISO dates"),
    ({"day": {"min": "2022-01-01", "max": "2022-01-01"}}, "day", "with min < max"),
])
def test_a_domain_of_the_wrong_column_or_form_is_a_schema_error(table, domains, column, rule):
    # Setup
    generator = make({"domains": domains})

    # Run
    with pytest.raises(generators.SchemaError) as error:
        generator.fit(table, generators.TableSchema.from_mapping(KINDS))

    # Assert
    assert error.value.column == column and rule in str(error.value)


def test_a_domain_without_min_and_max_or_values_is_invalid_params():
    # Run / Assert
    with pytest.raises(generators.InvalidParamsError, match="either 'values' or both 'min' and 'max'"):
        generators.parse_params("autoregressive", {"dp": {**DP, "domains": {"age": {"min": 0}}}})
