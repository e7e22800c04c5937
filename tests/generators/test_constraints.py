"""Constraints: the models, their fit to the schema, the row check and sampling by rejection."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from pydantic import TypeAdapter, ValidationError

from synthgate import generators
from synthgate.generators._params import GeneratorParams
from synthgate.generators.constraints import (
    Constraint,
    Constraints,
    Inequality,
    ValueRange,
    check_constraints,
    describe,
    sample_satisfying,
    satisfied,
)

SCHEMA = generators.TableSchema.from_mapping({
    "age": "numerical", "weight": "numerical", "admitted": "datetime", "discharged": "datetime",
    "ward": "categorical", "smoker": "boolean",
})
PARSE = TypeAdapter(Constraint).validate_python


def _days(*days: int | None) -> pd.Series:
    """Dates in January 2020 by day of month; None is NaT."""
    return pd.Series([pd.NaT if d is None else pd.Timestamp(2020, 1, d) for d in days], dtype="datetime64[ns]")


def fake_draw(size: int, seed: int) -> pd.DataFrame:
    """A seeded stand-in for a generator: age roughly uniform on [0, 100), admitted before or after discharge."""
    rng = np.random.default_rng(seed)
    admitted = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 30, size), unit="D")
    return pd.DataFrame({
        "age": rng.integers(0, 100, size),
        "weight": rng.normal(70, 10, size),
        "admitted": admitted,
        "discharged": admitted + pd.to_timedelta(rng.integers(-5, 20, size), unit="D"),
    })


# --- the models ------------------------------------------------------------------------------------


def test_yaml_shaped_input_parses_with_lax_numbers_and_dates():
    # Run
    parsed = TypeAdapter(Constraints).validate_python([
        {"type": "inequality", "low": "admitted", "high": "discharged"},
        {"type": "range", "column": "weight", "min": "1e1", "max": 300},  # PyYAML reads 1e1 as a string
        {"type": "range", "column": "admitted", "min": dt.date(2020, 1, 2)},  # PyYAML reads dates as dates
    ])

    # Assert
    assert parsed == (
        Inequality(low="admitted", high="discharged"),
        ValueRange(column="weight", min=10.0, max=300.0),
        ValueRange(column="admitted", min="2020-01-02"),
    )


def test_constraints_fit_in_strict_generator_params():
    # Setup
    class Params(GeneratorParams):
        constraints: Constraints = ()

    # Run
    params = Params.model_validate({"constraints": [{"type": "range", "column": "age", "max": 120}]})

    # Assert
    assert params.constraints == (ValueRange(column="age", max=120.0),)
    assert hash(params) == hash(Params.model_validate({"constraints": [{"type": "range", "column": "age", "max": 120}]}))


@pytest.mark.parametrize(("data", "loc", "message"), [
    ({"type": "inequality", "low": "a", "high": "b", "stric": True}, ("inequality", "stric"), "Extra inputs"),
    ({"type": "range", "column": "a", "min": 0, "maximum": 1}, ("range", "maximum"), "Extra inputs"),
    ({"type": "range", "column": "a", "min": 5, "max": 1}, ("range",), "min greater than max"),
    ({"type": "range", "column": "a", "min": "2020-02-01", "max": "2020-01-01"}, ("range",), "min greater than max"),
    ({"type": "range", "column": "a"}, ("range",), "needs min, max or both"),
    ({"type": "range", "column": "a", "min": True}, ("range", "min"), "a finite number or an ISO date"),
    ({"type": "range", "column": "a", "max": "inf"}, ("range", "max"), "finite"),
    ({"type": "between", "column": "a", "min": 0}, (), "does not match any of the expected tags"),
])
def test_invalid_constraints_are_rejected_naming_the_key_or_rule(data, loc, message):
    # Run
    with pytest.raises(ValidationError) as info:
        PARSE(data)

    # Assert
    error = info.value.errors()[0]
    assert error["loc"] == loc and message in error["msg"]


def test_constraints_are_frozen():
    constraint = Inequality(low="a", high="b")
    with pytest.raises(ValidationError):
        constraint.strict = True


@pytest.mark.parametrize(("constraint", "text"), [
    (Inequality(low="admitted", high="discharged"), "admitted <= discharged"),
    (Inequality(low="a", high="b", strict=True), "a < b"),
    (ValueRange(column="age", min=0, max=120), "age in [0, 120]"),
    (ValueRange(column="weight", min=0.5), "weight >= 0.5"),
    (ValueRange(column="admitted", max="2020-12-31"), "admitted <= 2020-12-31"),
])
def test_describe(constraint, text):
    assert describe(constraint) == text


# --- fit to the schema ---------------------------------------------------------------------------


@pytest.mark.parametrize(("constraint", "column", "reason"), [
    (Inequality(low="age", high="height"), "height", "is not in the schema"),
    (ValueRange(column="bmi", min=0), "bmi", "is not in the schema"),
    (Inequality(low="age", high="admitted"), "age", "kind 'numerical' differs from kind 'datetime' of 'admitted'"),
    (Inequality(low="ward", high="age"), "ward", "kind 'categorical' cannot be constrained"),
    (ValueRange(column="smoker", max=1), "smoker", "kind 'boolean' cannot be constrained"),
    (Inequality(low="age", high="age"), "age", "two different columns"),
    (ValueRange(column="admitted", min="last monday"), "admitted", "kind 'datetime' needs min as a naive ISO date"),
    (ValueRange(column="admitted", max=20200101), "admitted", "kind 'datetime' needs max as a naive ISO date"),
    (ValueRange(column="admitted", min="2020-01-01T00:00+09:00"), "admitted", "kind 'datetime' needs min as a naive ISO date"),
    (ValueRange(column="age", max="2020-01-01"), "age", "kind 'numerical' needs max as a number"),
])
def test_check_constraints_names_the_column_and_rule(constraint, column, reason):
    # Run
    with pytest.raises(generators.SchemaError) as info:
        check_constraints([constraint], SCHEMA)

    # Assert
    assert info.value.column == column and reason in info.value.reason


def test_check_constraints_lists_the_allowed_kinds():
    with pytest.raises(generators.SchemaError, match="allowed kinds: numerical, datetime"):
        check_constraints([ValueRange(column="ward", min=0)], SCHEMA)


def test_check_constraints_accepts_fitting_constraints():
    check_constraints([Inequality(low="age", high="weight"), ValueRange(column="admitted", min="2020-01-01T08:00"),
                       Inequality(low="admitted", high="discharged", strict=True)], SCHEMA)


# --- which rows satisfy ---------------------------------------------------------------------------


def test_inequality_on_numbers_strict_and_not_with_nulls():
    # Setup: equal, below, above, a null on either side (float NaN and Int64 NA)
    frame = pd.DataFrame({"age": pd.Series([3, 2, 5, None, 4], dtype="Int64"),
                          "weight": [3.0, 4.0, 1.0, 0.0, np.nan]})

    # Run
    loose = satisfied(frame, [Inequality(low="age", high="weight")], SCHEMA)
    strict = satisfied(frame, [Inequality(low="age", high="weight", strict=True)], SCHEMA)

    # Assert
    assert loose.tolist() == [True, True, False, True, True]
    assert strict.tolist() == [False, True, False, True, True]


def test_inequality_on_datetimes_with_nat():
    # Setup
    frame = pd.DataFrame({"admitted": _days(1, 5, 3, None, 2), "discharged": _days(1, 4, 9, 1, None)})

    # Run
    loose = satisfied(frame, [Inequality(low="admitted", high="discharged")], SCHEMA)
    strict = satisfied(frame, [Inequality(low="admitted", high="discharged", strict=True)], SCHEMA)

    # Assert
    assert loose.tolist() == [True, False, True, True, True]
    assert strict.tolist() == [False, False, True, True, True]


def test_numeric_range_includes_its_bounds_and_nulls():
    frame = pd.DataFrame({"age": [-1.0, 0.0, 60.0, 120.0, 121.0, np.nan]})
    assert satisfied(frame, [ValueRange(column="age", min=0, max=120)], SCHEMA).tolist() == [
        False, True, True, True, False, True]
    assert satisfied(frame, [ValueRange(column="age", min=60)], SCHEMA).tolist() == [
        False, False, True, True, True, True]


def test_datetime_range_with_a_date_and_a_date_time_bound():
    # Setup: the max is noon of 9 January, so 9 January at midnight is in and 10 January is out
    frame = pd.DataFrame({"admitted": _days(1, 2, 9, 10, None)})

    # Run
    ok = satisfied(frame, [ValueRange(column="admitted", min="2020-01-02", max="2020-01-09T12:00")], SCHEMA)

    # Assert
    assert ok.tolist() == [False, True, True, False, True]


def test_all_constraints_must_hold():
    frame = pd.DataFrame({"age": [10, 10, 50, 50], "weight": [20.0, 5.0, 60.0, 70.0]})
    constraints = [Inequality(low="age", high="weight"), ValueRange(column="weight", max=65)]
    assert satisfied(frame, constraints, SCHEMA).tolist() == [True, False, True, False]


def test_satisfied_refuses_a_missing_or_uncomparable_column_without_values():
    # Setup
    missing = pd.DataFrame({"age": [1, 2]})
    text = pd.DataFrame({"age": ["SECRET_1", "SECRET_2"], "weight": [1.0, 2.0]})

    # Run / Assert
    with pytest.raises(generators.SchemaError, match="missing from the data"):
        satisfied(missing, [Inequality(low="age", high="weight")], SCHEMA)
    with pytest.raises(generators.SchemaError, match="kind .numerical. needs a numeric dtype, found object") as info:
        satisfied(text, [Inequality(low="age", high="weight")], SCHEMA)
    assert "SECRET" not in str(info.value)


# --- sampling by rejection ------------------------------------------------------------------------

STAY = [Inequality(low="admitted", high="discharged"), ValueRange(column="age", min=18)]


def test_sample_returns_exactly_n_satisfying_rows_with_a_range_index():
    # Run
    rows = sample_satisfying(fake_draw, 50, seed=7, constraints=STAY, schema=SCHEMA)

    # Assert: about a third of the draws break a constraint, so later rounds were needed
    assert len(rows) == 50 and rows.index.equals(pd.RangeIndex(50))
    assert satisfied(rows, STAY, SCHEMA).all()
    assert not satisfied(fake_draw(50, 7), STAY, SCHEMA).all()


def test_sample_is_deterministic_for_a_seed_and_depends_on_it():
    first = sample_satisfying(fake_draw, 40, seed=3, constraints=STAY, schema=SCHEMA)
    again = sample_satisfying(fake_draw, 40, seed=3, constraints=STAY, schema=SCHEMA)
    other = sample_satisfying(fake_draw, 40, seed=4, constraints=STAY, schema=SCHEMA)
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)


def test_sample_keeps_the_satisfying_rows_of_the_first_draw_first_and_in_order():
    # Setup
    round_zero = fake_draw(30, 9)
    kept = round_zero[satisfied(round_zero, STAY, SCHEMA)].reset_index(drop=True)

    # Run
    rows = sample_satisfying(fake_draw, 30, seed=9, constraints=STAY, schema=SCHEMA)

    # Assert
    pd.testing.assert_frame_equal(rows.iloc[:len(kept)], kept)


def test_a_draw_that_always_satisfies_is_returned_as_drawn():
    # Setup
    loose = [ValueRange(column="age", min=0, max=100)]

    # Run / Assert
    pd.testing.assert_frame_equal(sample_satisfying(fake_draw, 25, seed=2, constraints=loose, schema=SCHEMA),
                                  fake_draw(25, 2))
    pd.testing.assert_frame_equal(sample_satisfying(fake_draw, 25, seed=2, constraints=[], schema=SCHEMA),
                                  fake_draw(25, 2))


def test_giving_up_names_the_worst_constraint_and_the_rate_without_values():
    # Setup: age ≥ 99.5 keeps no row (ages are integers below 100); the stay rule rejects fewer
    hopeless = [Inequality(low="admitted", high="discharged"), ValueRange(column="age", min=99.5)]

    # Run
    with pytest.raises(generators.GeneratorError) as info:
        sample_satisfying(fake_draw, 10, seed=1, constraints=hopeless, schema=SCHEMA, max_rounds=3)

    # Assert
    message = str(info.value)
    assert "only 0 of 10 rows" in message and "in 3 rounds" in message
    assert "acceptance rate 0.00%" in message and "rejecting most rows: age >= 99.5" in message
    assert "admitted <= discharged" not in message


def test_sample_refuses_a_draw_of_the_wrong_size_and_bad_arguments():
    def short(size, seed):
        return fake_draw(size - 1, seed)

    with pytest.raises(generators.GeneratorError, match="instead of"):
        sample_satisfying(short, 10, seed=1, constraints=STAY, schema=SCHEMA)
    with pytest.raises(generators.GeneratorError, match="n must be"):
        sample_satisfying(fake_draw, 0, seed=1, constraints=STAY, schema=SCHEMA)
    with pytest.raises(generators.SchemaError):
        sample_satisfying(fake_draw, 5, seed=1, constraints=[ValueRange(column="ward", min=0)], schema=SCHEMA)


def test_sample_from_a_fitted_generator_keeps_its_dtypes(fitted_copula):
    # Setup: about a fifth of the copula's rows pass these three constraints
    constraints = [ValueRange(column="age", min=30, max=60), ValueRange(column="admitted", max="2021-06-30"),
                   ValueRange(column="income", min="4e4")]

    def draw(size, seed):
        return fitted_copula.sample(size, seed=seed)

    # Run
    rows = sample_satisfying(draw, 200, seed=1, constraints=constraints, schema=fitted_copula.schema)

    # Assert
    assert len(rows) == 200 and satisfied(rows, constraints, fitted_copula.schema).all()
    assert rows.dtypes.astype(str).to_dict() == fitted_copula.output_dtypes
