"""TableSchema rules and the checks of Generator.fit/sample; errors never quote a cell value."""
from __future__ import annotations

import pandas as pd
import pytest

from synthgate import generators


def test_schema_round_trips_and_answers_questions():
    # Setup
    schema = generators.TableSchema.from_mapping({"age": "numerical", "ward": "categorical"})

    # Run
    restored = generators.TableSchema.from_dict(schema.to_dict())

    # Assert
    assert restored == schema
    assert schema.names == ("age", "ward")
    assert schema.kind_of("ward") == "categorical"
    assert schema.to_dict() == {"columns": [{"name": "age", "kind": "numerical"},
                                            {"name": "ward", "kind": "categorical"}]}


@pytest.mark.parametrize("kind", ["id", "text", "ordinal"])
def test_schema_refuses_kinds_that_are_never_learned(kind):
    with pytest.raises(generators.SchemaError) as info:
        generators.TableSchema.from_mapping({"patient_id": kind})
    assert str(info.value) == (
        f"column 'patient_id': kind {kind!r} cannot be learned; allowed: numerical, categorical, datetime, boolean"
    )


def test_schema_refuses_empty_and_repeated_columns():
    with pytest.raises(generators.SchemaError, match="no columns"):
        generators.TableSchema(())
    with pytest.raises(generators.SchemaError, match="more than once"):
        generators.TableSchema((("a", "numerical"), ("a", "boolean")))
    with pytest.raises(generators.SchemaError, match="not in the schema"):
        generators.TableSchema.from_mapping({"a": "numerical"}).kind_of("b")


def test_fit_refuses_missing_and_unexpected_columns(mixed_frame, mixed_schema):
    generator = generators.GaussianCopulaGenerator()
    with pytest.raises(generators.SchemaError) as info:
        generator.fit(mixed_frame.drop(columns=["ward"]), mixed_schema)
    assert info.value.column == "ward" and "missing from the data" in str(info.value)
    with pytest.raises(generators.SchemaError) as info:
        generator.fit(mixed_frame.assign(patient_id="P1"), mixed_schema)
    assert info.value.column == "patient_id" and "not in the schema" in str(info.value)


@pytest.mark.parametrize(
    ("column", "values", "rule"),
    [
        ("age", ["CANARY_ZX81"] * 3, "kind 'numerical' needs a numeric dtype, found object"),
        ("admitted", ["CANARY_ZX81"] * 3, "kind 'datetime' needs a datetime64 dtype, found object"),
        ("smoker", ["CANARY_ZX81", True, False], "kind 'boolean' needs True/False values"),
        ("income", [float("inf"), 1.0, 2.0], "kind 'numerical' holds infinite values"),
    ],
)
def test_dtype_misfits_name_column_and_rule_but_no_value(column, values, rule, mixed_frame, mixed_schema, canary):
    # Setup
    frame = mixed_frame.head(3).copy()
    frame[column] = pd.Series(values, dtype=object if column != "income" else float)

    # Run
    with pytest.raises(generators.SchemaError) as info:
        generators.GaussianCopulaGenerator().fit(frame, mixed_schema)

    # Assert
    assert info.value.column == column and rule in str(info.value)
    assert canary not in str(info.value) and "inf" not in str(info.value).replace("infinite", "")


def test_fit_refuses_an_empty_table(mixed_frame, mixed_schema):
    with pytest.raises(generators.GeneratorError, match="no rows"):
        generators.GaussianCopulaGenerator().fit(mixed_frame.head(0), mixed_schema)


def test_sample_needs_a_fit_and_a_positive_count(fitted_copula):
    with pytest.raises(generators.GeneratorError, match="not fitted"):
        generators.GaussianCopulaGenerator().sample(5, seed=1)
    for bad in (0, -3, 2.5, True):
        with pytest.raises(generators.GeneratorError, match="n must be an integer ≥ 1"):
            fitted_copula.sample(bad, seed=1)
    for bad_seed in (-1, 2**32, "7"):
        with pytest.raises(generators.GeneratorError, match="seed"):
            fitted_copula.sample(5, seed=bad_seed)


def test_fit_leaves_the_callers_frame_and_random_state_alone(mixed_frame, mixed_schema):
    # Setup
    import numpy as np

    before = mixed_frame.copy()
    np.random.seed(123)
    expected_next = np.random.random()
    np.random.seed(123)

    # Run
    generator = generators.GaussianCopulaGenerator(seed=4)
    generator.fit(mixed_frame, mixed_schema)
    generator.sample(10, seed=1)

    # Assert
    pd.testing.assert_frame_equal(mixed_frame, before)
    assert np.random.random() == expected_next


def test_categorical_values_come_back_as_strings(mixed_schema):
    # Setup: integer codes and a pandas category column, both declared categorical
    frame = pd.DataFrame({"code": [1, 2, 3, 1] * 10, "grade": pd.Categorical(["a", "b", None, "a"] * 10)})
    schema = generators.TableSchema.from_mapping({"code": "categorical", "grade": "categorical"})
    generator = generators.GaussianCopulaGenerator()

    # Run
    generator.fit(frame, schema)
    sample = generator.sample(40, seed=0)

    # Assert
    assert set(sample["code"]) <= {"1", "2", "3"}
    assert sample["grade"].dtype == object and set(sample["grade"].dropna()) <= {"a", "b"}
