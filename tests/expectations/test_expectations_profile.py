"""Tests for expectations.profile: null rates, protected categories and bounds, DP domains, round trip."""

import json

import numpy as np
import pandas as pd
import pytest

from synthgate.expectations import ColumnProfile, ProfileError, TrainingProfile, profile_training
from synthgate.expectations.profile import round_outward


@pytest.mark.parametrize(
    ("value", "up", "expected"),
    [
        (1234.5, True, 1300.0),
        (1234.5, False, 1200.0),
        (17, False, 17.0),  # already 2 significant figures: unchanged
        (17, True, 17.0),
        (17.3, True, 18.0),
        (17.3, False, 17.0),
        (-1234.5, False, -1300.0),
        (-1234.5, True, -1200.0),
        (0.0123, False, 0.012),
        (0.012, True, 0.012),  # no binary noise pushing it to 0.013
        (99.5, True, 100.0),
        (0, True, 0.0),
    ],
)
def test_round_outward(value, up, expected):
    # Run
    rounded = round_outward(value, up=up)

    # Assert
    assert rounded == expected


def test_profile_null_rates_categories_and_ranges():
    # Setup
    data = pd.DataFrame(
        {
            "pid": ["a1", "a2", None, "a4"],
            "age": [17, 35, 1234.5, np.nan],
            "sex": ["F", "M", "F", None],
            "grade": [10, 2, 1, 2],
            "smoker": [True, False, True, True],
        }
    )
    kinds = {"pid": "id", "age": "numerical", "sex": "categorical", "grade": "categorical",
             "smoker": "boolean"}

    # Run: k=1, no protection: every category named, bounds from the extremes
    profile = profile_training(data, kinds, protection=1)

    # Assert
    pid, age, sex, grade, smoker = profile.columns
    assert profile.rows == 4
    assert pid == ColumnProfile(name="pid", kind="id", null_rate=0.25)
    assert (age.null_rate, age.minimum, age.maximum) == (0.25, 17.0, 1300.0)
    assert age.categories is None
    assert (sex.null_rate, sex.categories) == (0.25, ("F", "M"))
    assert grade.categories == ("1", "10", "2")  # sorted as strings
    assert smoker.categories == ("False", "True")
    assert smoker.minimum is None and sex.maximum is None


def test_profile_datetime_bounds_are_whole_months_in_utc():
    # Setup
    data = pd.DataFrame(
        {
            "visit": pd.to_datetime(
                ["2020-01-15 10:00", "2021-03-02 00:00", None, "2020-06-01 00:00"]
            ),
            "exact": pd.to_datetime(["2020-02-01", "2020-05-01", "2020-03-03", "2020-04-04"]),
            # 05:00 in Seoul on 1 March is 20:00 UTC on 29 February
            "seoul": pd.to_datetime(
                ["2020-03-01 05:00", "2020-03-10 00:00", None, None]
            ).tz_localize("Asia/Seoul"),
            "text": ["2020-01-15", "2020-02-20", None, "2020-02-01"],
        }
    )

    # Run
    profile = profile_training(data, dict.fromkeys(data.columns, "datetime"), protection=1)

    # Assert
    visit, exact, seoul, text = profile.columns
    assert (visit.minimum, visit.maximum) == ("2020-01-01", "2021-04-01")
    assert (exact.minimum, exact.maximum) == ("2020-02-01", "2020-05-01")  # already month starts
    assert (seoul.minimum, seoul.maximum) == ("2020-02-01", "2020-04-01")
    assert seoul.null_rate == 0.5
    assert (text.minimum, text.maximum) == ("2020-01-01", "2020-03-01")


def test_profile_all_null_and_empty_columns():
    # Setup
    data = pd.DataFrame(
        {"x": [np.nan, np.nan], "c": [None, None], "d": pd.to_datetime([None, None])}
    )

    # Run
    profile = profile_training(data, {"x": "numerical", "c": "categorical", "d": "datetime"})
    empty = profile_training(data.iloc[:0], {"x": "numerical", "c": "categorical", "d": "datetime"})

    # Assert
    x, c, d = profile.columns
    assert (x.null_rate, x.minimum, x.maximum) == (1.0, None, None)
    assert c.categories == ()
    assert (d.minimum, d.maximum) == (None, None)
    assert empty.rows == 0 and all(col.null_rate == 0.0 for col in empty.columns)


def test_to_dict_from_dict_round_trip_through_json():
    # Setup
    data = pd.DataFrame(
        {
            "pid": ["a", "b", "c"],
            "age": [1.5, 20.0, None],
            "sex": ["F", "M", "F"],
            "visit": pd.to_datetime(["2020-01-15", "2020-02-01", "2020-03-09"]),
            "flag": [True, False, None],
        }
    )
    kinds = {"pid": "id", "age": "numerical", "sex": "categorical", "visit": "datetime",
             "flag": "boolean"}
    profile = profile_training(data, kinds, rare_placeholder="_RARE_")

    # Run
    restored = TrainingProfile.from_dict(json.loads(json.dumps(profile.to_dict())))

    # Assert
    assert restored == profile


@pytest.mark.parametrize(
    ("kinds", "column", "reason"),
    [
        ({"a": "numerical"}, "b", "no kind given"),
        ({"a": "numerical", "b": "weird"}, "b", "unknown kind"),
        ({"a": "numerical", "b": "id", "z": "id"}, "z", "not in the training table"),
        ({"a": "numerical", "b": "numerical"}, "b", "non-numeric"),
        ({"a": "numerical", "b": "datetime"}, "b", "non-datetime"),
    ],
)
def test_profile_errors_name_the_column_never_a_value(kinds, column, reason):
    # Setup
    data = pd.DataFrame({"a": [1, 2], "b": ["SECRET-VALUE-1", "SECRET-VALUE-2"]})

    # Run
    with pytest.raises(ProfileError) as caught:
        profile_training(data, kinds)

    # Assert
    assert caught.value.column == column
    assert reason in caught.value.reason
    assert "SECRET" not in str(caught.value)
    # pandas' own message (which quotes the value) is not chained into the traceback
    error = caught.value
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)


def test_from_dict_rejects_unknown_kind():
    # Setup
    data = {"rows": 1, "columns": [{"name": "a", "kind": "weird", "null_rate": 0.0}]}

    # Run / Assert
    with pytest.raises(ProfileError, match="'a'"):
        TrainingProfile.from_dict(data)


REST = list(np.repeat(np.arange(1, 41), 5).astype(float))  # 1..40, each held by 5 rows


@pytest.mark.parametrize(
    ("values", "low", "high", "outside"),
    [
        (REST + [68.0], 1.0, 40.0, 0.005),  # a 1-row extreme: the 5th largest is 40
        (REST + [68.0] * 4, 1.0, 40.0, 0.02),  # a 4-row extreme: still fewer than k
        (REST + [68.0] * 5, 1.0, 68.0, 0.0),  # 5 rows hold 68: it may be named
        (REST + [-3.0, 1234.5], 1.0, 40.0, 0.01),
        # ties: the 5th smallest (2) is held by 4 rows, so is 1: the bound moves past both, to 0;
        # the 5th largest (95) and 96-98 are rare: 2 significant figures give 95, 1 gives 100
        ([1.0] + [2.0] * 4 + [3.0] * 10 + [95.0] * 3 + [96.0] * 2 + [97.0, 98.0], 0.0, 100.0, 0.0),
        ([0.5, 1234.5678, 98765.4321] + [20_000.0] * 10, 20_000.0, 20_000.0, 0.231),
    ],
)
def test_numeric_bounds_are_kth_values_rounded_outward_past_rare_values(values, low, high, outside):
    # Setup
    data = pd.DataFrame({"x": values})

    # Run
    (column,) = profile_training(data, {"x": "numerical"}, protection=5).columns

    # Assert
    assert (column.minimum, column.maximum, column.outside_share) == (low, high, outside)
    counts = data["x"].value_counts()
    for bound in (column.minimum, column.maximum):  # never a value 1 to 4 rows hold
        assert not 0 < counts.get(bound, 0) < 5


def test_the_protected_check_can_fail_without_protection():
    # Setup: the same 1-row extreme with protection off
    data = pd.DataFrame({"x": REST + [68.0]})

    # Run
    (column,) = profile_training(data, {"x": "numerical"}, protection=1).columns

    # Assert: k=1 names the single row's 68, which is exactly what k=5 prevents
    assert column.maximum == 68.0


def test_datetime_bounds_step_past_a_month_start_held_by_rare_rows():
    # Setup: 10 rows in March 2020; 2 rows exactly on 1 April 2020 (rare) and one in 2024
    stamps = ["2020-03-10"] * 10 + ["2020-04-01"] * 2 + ["2024-07-04"] + ["2020-02-15"] * 5
    data = pd.DataFrame({"d": pd.to_datetime(stamps)})

    # Run
    (column,) = profile_training(data, {"d": "datetime"}, protection=5).columns

    # Assert: the 5th latest is 10 March, its month end 1 April is a rare stamp: 1 May instead
    assert (column.minimum, column.maximum) == ("2020-02-01", "2020-05-01")
    assert "2024" not in str(column)


def test_rare_categories_are_not_named_and_the_placeholder_is_allowed():
    # Setup: B is held by 3 rows, C by exactly 5
    data = pd.DataFrame({"c": ["A"] * 12 + ["B"] * 3 + ["C"] * 5 + [None] * 2,
                         "flag": [True] * 21 + [False]})

    # Run
    without = profile_training(data, {"c": "categorical", "flag": "boolean"}, protection=5)
    placeheld = profile_training(data, {"c": "categorical", "flag": "boolean"}, protection=5,
                                 rare_placeholder="_RARE_")

    # Assert
    assert without.columns[0].categories == ("A", "C")
    assert without.columns[0].outside_share == 0.15  # 3 of 20 non-null values are not named
    assert placeheld.columns[0].categories == ("A", "C", "_RARE_")
    assert placeheld.columns[0].placeholder == "_RARE_"
    assert without.columns[1].categories == ("False", "True")  # a boolean's domain is public
    assert "B" not in json.dumps(placeheld.to_dict())


def test_under_dp_categories_and_bounds_come_from_declared_domains_only():
    # Setup: the data hold a rare category and an extreme; the declared domains differ on purpose
    data = pd.DataFrame({
        "c": ["A"] * 10 + ["Rareclinic"], "x": [5.0] * 10 + [68.0], "y": [1.0] * 11,
        "d": pd.to_datetime(["2020-01-05"] * 11), "u": ["Q"] * 11, "flag": [True] * 11,
    })
    kinds = {"c": "categorical", "x": "numerical", "y": "numerical", "d": "datetime",
             "u": "categorical", "flag": "boolean"}
    domains = {"c": {"values": ["A", "B", "Z"]}, "x": {"min": 0, "max": 120},
               "d": {"min": "2019-01-01", "max": "2021-12-31"}}

    # Run
    profile = profile_training(data, kinds, protection=5, rare_placeholder="_RARE_", dp_domains=domains)

    # Assert
    c, x, y, d, u, flag = profile.columns
    assert profile.private and c.categories == ("A", "B", "Z") and c.declared
    assert (x.minimum, x.maximum, x.declared) == (0.0, 120.0, True)
    assert (d.minimum, d.maximum) == ("2019-01-01", "2021-12-31")
    assert (y.minimum, y.maximum, u.categories) == (None, None, None)  # undeclared: nothing from data
    assert flag.categories == ("False", "True")
    assert all(column.null_rate is None for column in profile.columns)
    assert "Rareclinic" not in json.dumps(profile.to_dict()) and "68" not in json.dumps(profile.to_dict())
    assert TrainingProfile.from_dict(json.loads(json.dumps(profile.to_dict()))) == profile


def test_protection_below_one_is_refused():
    # Run / Assert
    with pytest.raises(ValueError, match="protection"):
        profile_training(pd.DataFrame({"x": [1.0]}), {"x": "numerical"}, protection=0)
