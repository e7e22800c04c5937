"""Bad and degenerate input to the autoregressive generator: it trains, or stops with one clear error."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import torch

from synthgate import generators
from synthgate.generators.dp_accounting import DPBudgetError

SECRET = "SECRET_VALUE_77"  # a cell value that must never reach an error message
SECRET_NUMBER = 123.456


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def make(params: dict | None = None) -> generators.AutoregressiveGenerator:
    parsed = generators.parse_params("autoregressive", {"max_epochs": 3, "hidden": 16, **(params or {})})
    return generators.AutoregressiveGenerator(parsed, seed=0)


def fit(frame: pd.DataFrame, kinds: dict[str, str], params: dict | None = None) -> generators.AutoregressiveGenerator:
    generator = make(params)
    generator.fit(frame, generators.TableSchema.from_mapping(kinds))
    return generator


def assert_clean(error: pytest.ExceptionInfo, *values: object) -> None:
    """The message holds none of the cell values."""
    for value in (SECRET, str(SECRET_NUMBER), *map(str, values)):
        assert value not in str(error.value)


ALL_KINDS = {"x": "numerical", "n": "numerical", "c": "categorical", "d": "datetime", "b": "boolean"}


def test_a_single_row_trains_and_samples_n_rows():
    # Setup
    frame = pd.DataFrame({"x": [SECRET_NUMBER], "n": [4], "c": [SECRET], "d": [pd.Timestamp("2020-01-01")],
                          "b": [True]})

    # Run
    sample = fit(frame, ALL_KINDS).sample(25, seed=1)

    # Assert
    assert len(sample) == 25 and list(sample.columns) == list(ALL_KINDS)
    assert sample["n"].dtype == "int64" and (sample["n"] == 4).all()
    assert (sample["c"] == "_RARE_").all()  # one row is below value_protection 5


@pytest.mark.parametrize(("rows", "protection"), [(100, 5), (3, 5), (100, 1)])
def test_constant_columns_stay_constant(rows, protection):
    # Setup
    frame = pd.DataFrame({"x": [2.5] * rows, "n": [7] * rows, "c": ["same"] * rows})
    kinds = {"x": "numerical", "n": "numerical", "c": "categorical"}

    # Run
    sample = fit(frame, kinds, {"value_protection": protection}).sample(200, seed=2)

    # Assert
    assert (sample["x"] == 2.5).all() and (sample["n"] == 7).all() and sample["n"].dtype == "int64"
    assert set(sample["c"]) == ({"same"} if rows >= protection else {"_RARE_"})


def test_all_null_columns_of_every_kind_come_out_all_null():
    # Setup
    rows = 60
    frame = pd.DataFrame({
        "x": [np.nan] * rows,
        "n": pd.array([None] * rows, dtype="Int64"),
        "c": pd.Series([None] * rows, dtype=object),
        "d": pd.Series([pd.NaT] * rows, dtype="datetime64[ns]"),
        "b": pd.Series([None] * rows, dtype=object),
        "filled": np.arange(rows),
    })

    # Run
    generator = fit(frame, {**ALL_KINDS, "filled": "numerical"})
    sample = generator.sample(100, seed=3)

    # Assert
    assert sample[list(ALL_KINDS)].isna().all().all() and sample["filled"].notna().all()
    assert generator.output_dtypes["n"] == "Int64" and generator.output_dtypes["b"] == "boolean"


def test_an_all_null_boolean_read_as_floats_names_the_column_and_the_rule():
    # Setup: what read_csv gives for an empty column
    frame = pd.DataFrame({"b": [np.nan] * 10})

    # Run
    with pytest.raises(generators.SchemaError) as error:
        fit(frame, {"b": "boolean"})

    # Assert
    assert error.value.column == "b" and "needs True/False values" in str(error.value)


@pytest.mark.parametrize(("protection", "expected"), [(5, "_RARE_"), (1, SECRET)])
def test_a_category_with_one_member_is_rare_under_protection(protection, expected):
    # Setup
    frame = pd.DataFrame({"c": [SECRET] + ["common"] * 299})

    # Run
    sample = fit(frame, {"c": "categorical"}, {"value_protection": protection, "max_epochs": 1}).sample(3000, seed=4)

    # Assert
    assert set(sample["c"]) == {"common", expected}
    assert protection == 1 or SECRET not in set(sample["c"])


def test_infinite_numbers_name_the_column():
    # Setup
    frame = pd.DataFrame({"x": [SECRET_NUMBER, np.inf, -np.inf, 1.0]})

    # Run
    with pytest.raises(generators.SchemaError) as error:
        fit(frame, {"x": "numerical"})

    # Assert
    assert error.value.column == "x" and "holds infinite values" in str(error.value)
    assert_clean(error)


def test_timezone_aware_datetimes_name_the_column():
    # Setup
    frame = pd.DataFrame({"d": pd.date_range("2020-01-01", periods=10, tz="Asia/Seoul")})

    # Run
    with pytest.raises(generators.SchemaError) as error:
        fit(frame, {"d": "datetime"})

    # Assert
    assert error.value.column == "d" and "needs naive datetimes" in str(error.value)
    assert_clean(error, "2020-01-01")


def test_datetimes_with_mixed_offsets_name_the_column():
    # Setup: an object column, since pandas cannot hold two offsets in one datetime64 column
    seoul, utc = dt.timezone(dt.timedelta(hours=9)), dt.timezone.utc
    frame = pd.DataFrame({"d": [dt.datetime(2020, 1, 1, tzinfo=seoul), pd.Timestamp("2020-01-02", tz=utc)] * 5})

    # Run
    with pytest.raises(generators.SchemaError) as error:
        fit(frame, {"d": "datetime"})

    # Assert
    assert error.value.column == "d" and "needs a datetime64 dtype, found object" in str(error.value)
    assert_clean(error, "2020-01-0")


def test_strings_in_a_numerical_column_name_the_column():
    # Setup
    frame = pd.DataFrame({"x": ["1", SECRET]})

    # Run
    with pytest.raises(generators.SchemaError) as error:
        fit(frame, {"x": "numerical"})

    # Assert
    assert error.value.column == "x" and "needs a numeric dtype" in str(error.value)
    assert_clean(error)


@pytest.mark.parametrize(("dp", "key", "rule"), [
    ({"epsilon": 0, "delta": 1e-5}, "dp.epsilon", "greater than 0"),
    ({"epsilon": -1, "delta": 1e-5}, "dp.epsilon", "greater than 0"),
    ({"epsilon": 1, "delta": 1}, "dp.delta", "less than 1"),
    ({"epsilon": 1, "delta": 0}, "dp.delta", "greater than 0"),
])
def test_dp_budgets_out_of_range_are_invalid_params(dp, key, rule):
    # Run
    with pytest.raises(generators.InvalidParamsError) as error:
        generators.parse_params("autoregressive", {"dp": dp})

    # Assert
    assert key in str(error.value) and rule in str(error.value)


def test_a_delta_of_at_least_one_over_n_stops_the_fit_naming_delta_and_n():
    # Setup
    frame = pd.DataFrame({"x": np.arange(100.0) + SECRET_NUMBER})

    # Run
    with pytest.raises(DPBudgetError) as error:
        fit(frame, {"x": "numerical"}, {"dp": {"epsilon": 1, "delta": 0.01}})

    # Assert
    assert "delta must be < 1/n" in str(error.value) and "n = 100" in str(error.value)
    assert "1/n = 0.01" in str(error.value)
    assert_clean(error)


def test_dp_on_a_column_without_values_asks_for_a_declared_range():
    # Setup
    frame = pd.DataFrame({"x": [np.nan] * 50, "c": ["a"] * 50})

    # Run
    with pytest.raises(generators.SchemaError) as error:
        fit(frame, {"x": "numerical", "c": "categorical"}, {"dp": {"epsilon": 1, "delta": 1e-3}})

    # Assert
    assert error.value.column == "x" and "dp.domains.<column>: {min, max}" in str(error.value)
