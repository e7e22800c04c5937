"""Tests for privacy.kinds and privacy.hints: kinds from dtype, values and column names."""

import numpy as np
import pandas as pd
import pytest

from synthgate.privacy import infer_kind
from synthgate.privacy.hints import match_name_hint, split_name


@pytest.mark.parametrize(
    ("name", "values", "kind"),
    [
        ("smoker", [True, False, True], "boolean"),
        ("flag", [0, 1, 1, 0], "boolean"),
        ("flag", [0.0, 1.0, np.nan], "boolean"),
        ("answer", ["Yes", "no", "YES", None], "boolean"),
        ("answer", ["y", "n"], "boolean"),
        ("visit", pd.to_datetime(["2024-01-01", "2024-02-01"]), "datetime"),
        ("visit", ["2024-01-01", "2024-02-03T10:00:00", "2024.03.05"], "datetime"),
        ("visit", ["2024-13-45", "2024-02-03"], "categorical"),  # not a real date
        ("score", [1.5, 2.0, 3.25], "numerical"),
        ("count", [1, 2, 3, 4], "numerical"),
        ("subject_id", [1412, 533, 9134, 533], "id"),
        ("ward_id", [1, 2, 1, 2, 1, 2, 1, 2], "numerical"),  # a repeating code, not an identifier
        ("patient_id", ["P-1", "P-2", "P-3"], "id"),
        ("test_id", ["covid"] * 9 + ["flu"], "categorical"),
        ("note", ["Patient reports mild headache since Monday", "No complaints today at all"], "text"),
        ("ward", ["north", "south", "north"], "categorical"),
        ("clinic", ["inpatient ward a", "clinical lab", "oncology day hosp"], "categorical"),
    ],
)
def test_infer_kind(name, values, kind):
    # Run / Assert
    assert infer_kind(pd.Series(values, name=name)) == kind


def test_unique_short_strings_are_ids_only_in_columns_large_enough_to_tell():
    # Setup
    codes = [f"A{i:05d}" for i in range(30)]

    # Run / Assert
    assert infer_kind(pd.Series(codes, name="code")) == "id"
    assert infer_kind(pd.Series(codes[:5], name="code")) == "categorical"


@pytest.mark.parametrize(
    ("column", "keyword", "category"),
    [
        ("fake_first_name", "name", "person"),
        ("patient_name", "name", "person"),
        ("Surname", "surname", "person"),
        ("email_address", "email", "email"),
        ("ip_address", "ip", "ip"),
        ("home_address", "address", "address"),
        ("phone_number", "phone", "phone"),
        ("date_of_birth", "date_of_birth", "birth"),
        ("birthDate", "birth_date", "birth"),
        ("patientID", "id", "identifier"),
        ("mrn", "mrn", "identifier"),
        ("ssn", "ssn", "national_id"),
        ("age", "age", "age"),
        ("주민등록번호", "주민등록번호", "national_id"),
        ("환자 이름", "이름", "person"),
        ("보호자연락처", "연락처", "phone"),
        ("군번", "군번", "identifier"),
        ("환자번호", "환자번호", "identifier"),
    ],
)
def test_name_hints(column, keyword, category):
    # Run
    hint = match_name_hint(column)

    # Assert
    assert hint is not None
    assert (hint.keyword, hint.category) == (keyword, category)


@pytest.mark.parametrize("column", ["clinic_name", "drug_name", "stage", "birth_weight", "cell_type", "payor_group"])
def test_names_that_are_not_hints(column):
    # Run / Assert
    assert match_name_hint(column) is None


def test_split_name():
    # Run / Assert
    assert split_name("patientID") == ("patient", "id")
    assert split_name("Fake First-Name") == ("fake", "first", "name")


# ---------------------------------------------------------------- row keys, signals, quasi-identifiers
def test_whole_numbers_that_key_rows_are_ids():
    # Setup
    rng = np.random.default_rng(0)
    row_numbers = pd.Series(np.arange(1, 41), name="n")
    increasing = pd.Series(np.sort(rng.choice(np.arange(1000, 90_000), 40, replace=False)), name="rec")
    fixed_width = pd.Series(rng.choice(np.arange(10_000_000, 99_999_999), 40, replace=False), name="order")

    # Run / Assert
    assert [infer_kind(s) for s in (row_numbers, increasing, fixed_width)] == ["id", "id", "id"]


@pytest.mark.parametrize(
    "values",
    [
        list(range(1, 10)),  # too few rows to tell
        [int(x) for x in np.random.default_rng(1).integers(18, 90, 60)],  # ages repeat
        [int(x) for x in np.random.default_rng(2).choice(np.arange(18, 100), 40, replace=False)],  # 40 distinct ages
        [int(x) for x in np.random.default_rng(3).choice(np.arange(500, 200_000), 40, replace=False)],  # incomes: widths vary
        [float(x) + 0.5 for x in range(40)],  # not whole
    ],
)
def test_numbers_that_do_not_key_rows_stay_numerical(values):
    # Run / Assert
    assert infer_kind(pd.Series(values, name="x")) == "numerical"


def test_date_signals_tell_birth_dates_from_events():
    # Setup
    from synthgate.privacy.signals import date_signals

    today = pd.Timestamp("2026-01-01")
    births = pd.Series(pd.date_range("1940-03-07", "2012-11-23", periods=200))
    events = pd.Series(pd.date_range("2023-01-02 08:15", "2025-06-30 17:40", periods=200))
    future = pd.Series(pd.date_range("1990-01-02", "2060-01-02", periods=200))

    # Run
    b, e, f = (date_signals(s, today=today) for s in (births, events, future))

    # Assert
    assert (b["birth_like"], b["event_like"], b["age_fit_share"]) == (1.0, 0.0, 1.0) and b["span_years"] > 60
    assert (e["birth_like"], e["event_like"]) == (0.0, 1.0) and e["time_share"] > 0.9 and e["span_years"] < 3
    assert (f["birth_like"], f["event_like"]) == (0.0, 0.0)  # a third lies in the future: neither


def test_date_signals_read_strings_and_see_month_precision():
    # Setup
    from synthgate.privacy.signals import date_signals

    months = pd.Series([f"2024-{m:02d}-01" for m in range(1, 13)] * 3)

    # Run
    s = date_signals(months, today=pd.Timestamp("2026-01-01"))

    # Assert
    assert (s["exact_share"], s["time_share"], s["event_like"]) == (0.0, 0.0, 1.0)


def test_age_signals_need_whole_numbers_spread_over_decades():
    # Setup
    from synthgate.privacy.signals import age_signals

    rng = np.random.default_rng(4)
    ages = pd.Series(rng.integers(18, 95, 200))
    narrow = pd.Series(rng.integers(60, 70, 200))  # IQR below 10
    floats = pd.Series(rng.uniform(18, 95, 200))

    # Run / Assert
    assert age_signals(ages) == {"age_like": 1.0}
    assert age_signals(narrow) == {"age_like": 0.0}
    assert age_signals(floats) == {}


def test_shape_signals_and_hangul_share():
    # Setup
    from synthgate.privacy.signals import hangul_share, shape_signals

    # Run
    shapes = shape_signals(["010-1234-5678", "010-9876-5432", "02-123-4567"])

    # Assert
    assert shapes["same_shape_share"] == pytest.approx(2 / 3, abs=1e-4) and shapes["letter_share"] == 0.0
    assert hangul_share(["환자 BP"]) == pytest.approx(0.5) and hangul_share(["123"]) == 0.0


@pytest.mark.parametrize(
    ("column", "category"),
    [("sex", "sex"), ("patient_gender", "sex"), ("성별", "sex"), ("age_group", "age"), ("zip_code", "region"),
     ("neighborhood", "region"), ("race", "race"), ("occupation", "occupation"), ("계급", "occupation"),
     ("marital_status", "marital"), ("dob", "birth")],
)  # fmt: skip
def test_quasi_identifier_names(column, category):
    # Setup
    from synthgate.privacy.hints import match_quasi_identifier

    # Run / Assert
    assert match_quasi_identifier(column) == category


@pytest.mark.parametrize("column", ["sextant", "hba1c", "stage", "ward", "icd10", "c05"])
def test_names_that_are_no_quasi_identifiers(column):
    # Setup
    from synthgate.privacy.hints import match_quasi_identifier

    # Run / Assert
    assert match_quasi_identifier(column) is None


def test_measurement_names():
    # Setup
    from synthgate.privacy.hints import names_a_measurement

    # Run / Assert
    assert names_a_measurement("pan_day") and names_a_measurement("heartRate") and names_a_measurement("weight_kg")
    assert not names_a_measurement("c05") and not names_a_measurement("age")


def test_sex_signals():
    # Setup
    from synthgate.privacy.signals import sex_signals

    # Run / Assert
    assert sex_signals(["M", "F", "f", "M"]) == {"sex_like": 1.0}
    assert sex_signals(["남", "여", "여"]) == {"sex_like": 1.0}
    assert sex_signals(["A", "B", "O", "AB"]) == {"sex_like": 0.0}  # blood groups
    assert sex_signals(["M", "F", "S", "L", "XL"]) == {"sex_like": 0.0}  # sizes: five values
