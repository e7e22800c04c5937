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
