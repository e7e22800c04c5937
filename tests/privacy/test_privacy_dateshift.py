"""Tests for privacy.dateshift: one keyed, non-zero offset per subject; intervals kept; no subject, no date."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from synthgate.privacy import PseudonymKey
from synthgate.privacy.dateshift import DateShift, shift_dates, subject_offsets
from synthgate.privacy.errors import RuleNotApplicableError

KEY = PseudonymKey(b"date-shift-test-key".ljust(32, b"%"))
OTHER_KEY = PseudonymKey(b"other-date-shift-key".ljust(32, b"%"))


def shifted_days(before, after):
    return [(a - b).days for a, b in zip(after, before)]


def test_one_offset_per_subject_in_range_and_never_zero():
    # Setup
    subjects = pd.Series([f"P-{i}" for i in range(2000)])

    # Run
    days = subject_offsets(subjects, KEY, 30).days

    # Assert
    assert days.between(-30, 30).all() and (days != 0).all()
    assert set(days) == set(range(-30, 0)) | set(range(1, 31))  # 2,000 draws cover all 60 offsets


def test_subjects_are_read_like_identifiers():
    # Setup: one subject written four ways, and an integer column
    subjects = pd.Series(["P-1", " p-1", "Ｐ－１", "P\u20131", 1412, 1412.0, "1412"], dtype=object)

    # Run
    days = subject_offsets(subjects, KEY, 3650).days

    # Assert
    assert days[:4].nunique() == 1 and days[4:].nunique() == 1


def test_offsets_depend_on_the_key_and_max_days():
    # Setup
    subjects = pd.Series([f"S{i}" for i in range(50)])

    # Run
    base = subject_offsets(subjects, KEY, 3650).days
    rotated = subject_offsets(subjects, OTHER_KEY, 3650).days
    wider = subject_offsets(subjects, KEY, 3649).days

    # Assert: a few equal offsets happen by chance (1 in 7,300 each), not most of them
    assert (base == rotated).sum() <= 2 and (base == wider).sum() <= 2


def test_naive_tz_aware_and_string_dates_keep_their_intervals():
    # Setup
    subjects = pd.Series(["A", "A", "B"])
    naive = pd.Series(pd.to_datetime(["2024-01-01 08:00", "2024-03-31 23:59", "2023-12-31 00:00"]), name="visit")
    aware = naive.dt.tz_localize("Asia/Seoul")
    strings = pd.Series(["2024-01-01", "2024-03-31", "2023-12-31"])
    offsets = subject_offsets(subjects, KEY, 365)

    # Run
    out_naive, result = shift_dates(naive, offsets)
    out_aware, _ = shift_dates(aware, offsets)
    out_strings, _ = shift_dates(strings, offsets)

    # Assert
    moved = shifted_days(naive, out_naive)
    assert moved[0] == moved[1] == offsets.days[0] and moved[2] == offsets.days[2]
    assert out_naive.name == "visit" and out_naive.dtype == naive.dtype
    assert str(out_aware.dtype) == "datetime64[ns, Asia/Seoul]"
    assert shifted_days(aware, out_aware) == moved
    assert out_strings.dt.strftime("%Y-%m-%d").tolist() == (pd.to_datetime(strings) + pd.to_timedelta(moved, unit="D")).dt.strftime("%Y-%m-%d").tolist()
    assert (result.changed_cells, result.nulled_cells, result.subjects_shifted) == (3, 0, 2)


def test_dates_without_a_subject_are_nulled_and_counted():
    # Setup: a shared offset for subject-less rows would let one known date reveal the others
    subjects = pd.Series(["A", None, pd.NA, "B"], dtype=object)
    dates = pd.Series(pd.to_datetime(["2024-01-01", "2024-01-02", None, None]))

    # Run
    out, result = shift_dates(dates, subject_offsets(subjects, KEY, 10))

    # Assert
    assert out.notna().tolist() == [True, False, False, False]
    assert (result.changed_cells, result.nulled_cells, result.subjects_shifted) == (2, 1, 1)


@pytest.mark.parametrize(
    "values",
    [pd.Series([1, 2]), pd.Series([True, False]), pd.Series(["2024-01-01", "Kim Min-jun"])],
)
def test_non_dates_are_refused_without_values(values):
    # Setup
    offsets = subject_offsets(pd.Series(["A", "B"]), KEY, 10)

    # Run / Assert
    with pytest.raises(RuleNotApplicableError, match="date_shift") as caught:
        shift_dates(values.rename("when"), offsets)
    assert "Kim" not in str(caught.value)


@pytest.mark.parametrize(("max_days", "ok"), [(1, True), (3650, True), (0, False), (3651, False), (-5, False)])
def test_max_days_is_bounded(max_days, ok):
    # Run / Assert
    if ok:
        assert DateShift(subject="id", max_days=max_days).max_days == max_days
    else:
        with pytest.raises(ValidationError):
            DateShift(subject="id", max_days=max_days)


def test_config_rejects_unknown_keys():
    # Run / Assert
    with pytest.raises(ValidationError, match="max_day"):
        DateShift.model_validate({"subject": "id", "max_day": 10})


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(["s1", "s2", "s3", "s4"]), min_size=2, max_size=20),
    st.integers(1, 3650),
    st.data(),
)
def test_property_same_subject_same_offset_in_every_column_and_intervals_kept(subjects, max_days, data):
    # Setup: two date columns of one table
    n = len(subjects)
    days = st.integers(-20_000, 20_000)
    first = pd.Series(pd.Timestamp("2000-01-01") + pd.to_timedelta(data.draw(st.lists(days, min_size=n, max_size=n)), unit="D"))
    second = pd.Series(pd.Timestamp("2000-01-01") + pd.to_timedelta(data.draw(st.lists(days, min_size=n, max_size=n)), unit="D"))
    offsets = subject_offsets(pd.Series(subjects), KEY, max_days)

    # Run
    a, _ = shift_dates(first, offsets)
    b, _ = shift_dates(second, offsets)

    # Assert
    moved = pd.Series(shifted_days(first, a) + shifted_days(second, b))
    by_subject = pd.DataFrame({"s": subjects * 2, "d": moved}).groupby("s")["d"].nunique()
    assert (by_subject == 1).all()
    assert ((moved != 0) & (moved.abs() <= max_days)).all()
    assert ((b - a) == (second - first)).all()  # intervals between a subject's dates are kept
