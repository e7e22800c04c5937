"""Tests for expectations.profile: null rates, categories, outward rounding, round trip."""

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

    # Run
    profile = profile_training(data, kinds)

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
    profile = profile_training(data, dict.fromkeys(data.columns, "datetime"))

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
    profile = profile_training(data, kinds)

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
