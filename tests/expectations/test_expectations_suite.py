"""Tests for expectations.suite: which expectations a profile yields, with which bounds."""

from datetime import datetime

import pytest

from synthgate.expectations import (
    GATE_COLUMNS,
    ColumnProfile,
    Tolerances,
    TrainingProfile,
    build_privacy_suite,
    build_synthetic_suite,
)

PROFILE = TrainingProfile(
    rows=100,
    columns=(
        ColumnProfile(name="pid", kind="id", null_rate=0.0),
        ColumnProfile(name="age", kind="numerical", null_rate=0.1, minimum=17.0, maximum=1300.0),
        ColumnProfile(name="sex", kind="categorical", null_rate=0.98, categories=("F", "M")),
        ColumnProfile(name="grade", kind="categorical", null_rate=0.0, categories=("1", "2")),
        ColumnProfile(name="smoker", kind="boolean", null_rate=0.0, categories=("False", "True")),
        ColumnProfile(
            name="visit", kind="datetime", null_rate=0.5, minimum="2020-01-01", maximum="2021-04-01"
        ),
    ),
)


def by_column(suite):
    found = {}
    for expectation in suite.expectations:
        column = getattr(expectation, "column", None)
        found.setdefault(column, {})[expectation.expectation_type] = expectation
    return found


def test_table_level_expectations():
    # Run
    suite = build_synthetic_suite(PROFILE, expected_rows=250, name="release_x")

    # Assert
    table = by_column(suite)[None]
    assert suite.name == "release_x"
    assert set(table["expect_table_columns_to_match_set"].column_set) == {
        "pid", "age", "sex", "grade", "smoker", "visit"
    }
    assert table["expect_table_columns_to_match_set"].exact_match is True
    assert table["expect_table_row_count_to_equal"].value == 250


def test_per_column_expectations_follow_the_kind():
    # Run
    columns = by_column(build_synthetic_suite(PROFILE, expected_rows=100))

    # Assert
    common = {
        "expect_column_to_exist",
        "expect_column_values_to_be_in_type_list",
        "expect_column_proportion_of_non_null_values_to_be_between",
    }
    assert set(columns["pid"]) == common | {"expect_column_values_to_be_unique"}
    assert set(columns["age"]) == common | {"expect_column_values_to_be_between"}
    assert set(columns["sex"]) == common | {"expect_column_values_to_be_in_set"}
    assert set(columns["smoker"]) == common | {"expect_column_values_to_be_in_set"}
    assert set(columns["visit"]) == common | {"expect_column_values_to_be_between"}


def test_ranges_use_the_profiles_rounded_bounds():
    # Run
    columns = by_column(build_synthetic_suite(PROFILE, expected_rows=100))

    # Assert
    age = columns["age"]["expect_column_values_to_be_between"]
    visit = columns["visit"]["expect_column_values_to_be_between"]
    assert (age.min_value, age.max_value) == (17, 1300)
    assert (visit.min_value, visit.max_value) == (datetime(2020, 1, 1), datetime(2021, 4, 1))
    assert "17 and 1300" in age.description and "2 significant figures" in age.description


def test_null_rate_bounds_are_tolerance_plus_three_standard_errors_and_clipped():
    # Run: 10,000 rows, so the sampling noise 3*sqrt(p(1-p)/n) is small and easy to check by hand
    suite = build_synthetic_suite(PROFILE, expected_rows=10_000, tolerances=Tolerances(null_rate=0.05))
    columns = by_column(suite)
    key = "expect_column_proportion_of_non_null_values_to_be_between"

    # Assert: age 0.9 ± (0.05 + 0.009); pid 1.0 (no noise); sex 0.02 ± (0.05 + 0.0042); visit 0.5 ± 0.065
    assert (columns["age"][key].min_value, columns["age"][key].max_value) == (0.841, 0.959)
    assert (columns["pid"][key].min_value, columns["pid"][key].max_value) == (0.95, 1.0)
    assert (columns["sex"][key].min_value, columns["sex"][key].max_value) == (0.0, 0.075)
    assert (columns["visit"][key].min_value, columns["visit"][key].max_value) == (0.435, 0.565)


def test_null_rate_bounds_widen_for_small_samples():
    # Run
    small = by_column(build_synthetic_suite(PROFILE, expected_rows=100))
    large = by_column(build_synthetic_suite(PROFILE, expected_rows=100_000))
    key = "expect_column_proportion_of_non_null_values_to_be_between"

    # Assert: visit (half missing) at 100 rows: 0.5 ± (0.05 + 0.15)
    assert (small["visit"][key].min_value, small["visit"][key].max_value) == (0.3, 0.7)
    assert large["visit"][key].max_value - large["visit"][key].min_value < 0.12


def test_category_sets_include_typed_readings():
    # Run
    columns = by_column(
        build_synthetic_suite(
            PROFILE, expected_rows=100, tolerances=Tolerances(category_mostly=0.99)
        )
    )

    # Assert
    key = "expect_column_values_to_be_in_set"
    assert columns["sex"][key].value_set == ["F", "M"]
    assert columns["grade"][key].value_set == ["1", "2", 1, 2]
    assert columns["smoker"][key].value_set == ["False", "True", False, True]
    assert columns["sex"][key].mostly == 0.99


@pytest.mark.parametrize(
    ("column", "included", "excluded"),
    [
        ("pid", {"str", "int64"}, {"bool"}),
        ("age", {"int64", "float64", "Int64Dtype", "int", "float"}, {"str", "bool"}),
        ("sex", {"str", "StringDtype"}, {"int64", "bool"}),
        ("grade", {"str", "int64"}, {"bool"}),
        ("smoker", {"bool", "BooleanDtype", "str"}, {"float64"}),
        ("visit", {"datetime64[ns]", "datetime64[s]"}, {"str"}),
    ],
)
def test_type_lists_fit_the_kind(column, included, excluded):
    # Run
    columns = by_column(build_synthetic_suite(PROFILE, expected_rows=100))

    # Assert
    type_list = set(columns[column]["expect_column_values_to_be_in_type_list"].type_list)
    assert included <= type_list
    assert not excluded & type_list


def test_every_expectation_has_a_description():
    # Run
    suites = [build_synthetic_suite(PROFILE, expected_rows=100), build_privacy_suite()]

    # Assert
    assert all(e.description for suite in suites for e in suite.expectations)


def test_privacy_suite_requires_every_gate_to_be_false():
    # Run
    suite = build_privacy_suite(name="gates")

    # Assert
    columns = by_column(suite)
    assert suite.name == "gates"
    assert set(columns) == set(GATE_COLUMNS)
    for gate in GATE_COLUMNS:
        assert columns[gate]["expect_column_values_to_be_in_set"].value_set == [False]
        assert set(columns[gate]) == {
            "expect_column_to_exist",
            "expect_column_values_to_not_be_null",
            "expect_column_values_to_be_in_set",
        }
        assert gate in columns[gate]["expect_column_values_to_be_in_set"].description


@pytest.mark.parametrize("fields", [{"null_rate": -0.1}, {"null_rate": 1.5}, {"category_mostly": 0}])
def test_tolerances_are_bounded(fields):
    # Run / Assert
    with pytest.raises(ValueError, match="Tolerances"):
        Tolerances(**fields)


def test_protected_ranges_say_why_and_allow_the_training_share_beyond_them():
    # Setup: k=5; 2% of training values lie beyond the protected bounds
    profile = TrainingProfile(rows=1000, protection=5, columns=(
        ColumnProfile(name="stay", kind="numerical", null_rate=0.0, minimum=1.0, maximum=40.0,
                      outside_share=0.02),
        ColumnProfile(name="kept", kind="numerical", null_rate=0.0, minimum=1.0, maximum=40.0),
    ))

    # Run
    columns = by_column(build_synthetic_suite(profile, expected_rows=10_000))

    # Assert: 0.02 + 3 * sqrt(0.02 * 0.98 / 10000) = 0.0242 -> mostly 0.975; none beyond -> 1.0
    stay = columns["stay"]["expect_column_values_to_be_between"]
    kept = columns["kept"]["expect_column_values_to_be_between"]
    assert (stay.min_value, stay.max_value, stay.mostly) == (1, 40, 0.975)
    assert kept.mostly == 1.0
    assert "protected bounds: the 5th smallest and largest training values" in stay.description
    assert "fewer than 5 rows" in stay.description and "2.5% may lie outside" in stay.description


def test_rare_categories_fail_the_set_check_unless_the_generator_has_no_placeholder():
    # Setup
    profile = TrainingProfile(rows=1000, protection=5, columns=(
        ColumnProfile(name="held", kind="categorical", null_rate=0.0, categories=("A", "B", "_RARE_"),
                      outside_share=0.01, placeholder="_RARE_"),
        ColumnProfile(name="free", kind="categorical", null_rate=0.0, categories=("A", "B"),
                      outside_share=0.01),
    ))

    # Run
    columns = by_column(build_synthetic_suite(profile, expected_rows=10_000))

    # Assert: with a placeholder every value must be in the set; without, the rare share may not
    held = columns["held"]["expect_column_values_to_be_in_set"]
    free = columns["free"]["expect_column_values_to_be_in_set"]
    assert (held.value_set, held.mostly) == (["A", "B", "_RARE_"], 1.0)
    assert "_RARE_ for rarer ones, which are not named" in held.description
    assert (free.value_set, free.mostly) == (["A", "B"], 0.987)
    assert "held by at least 5 training rows; rarer ones are not named" in free.description


def test_under_dp_no_null_rate_is_checked_and_bounds_are_the_declared_domain():
    # Setup
    profile = TrainingProfile(rows=100, protection=5, private=True, columns=(
        ColumnProfile(name="x", kind="numerical", null_rate=None, minimum=0.0, maximum=120.0, declared=True),
        ColumnProfile(name="y", kind="numerical", null_rate=None),
    ))

    # Run
    columns = by_column(build_synthetic_suite(profile, expected_rows=100))

    # Assert
    assert "expect_column_proportion_of_non_null_values_to_be_between" not in columns["x"]
    assert set(columns["y"]) == {"expect_column_to_exist", "expect_column_values_to_be_in_type_list"}
    x = columns["x"]["expect_column_values_to_be_between"]
    assert (x.min_value, x.max_value, x.mostly) == (0, 120, 1.0)
    assert "declared public domain" in x.description
