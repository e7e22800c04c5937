"""The spaCy filters in privacy._engines: acronyms, codes, wards and hospitals are no person or place."""

import pytest

from synthgate.privacy._engines import _not_a_person, is_clinical_term


@pytest.mark.parametrize(
    ("entity", "span"),
    [
        ("LOCATION", "ER"), ("LOCATION", "MoCA"), ("PERSON", "ICU"), ("LOCATION", "M54.5"), ("LOCATION", "Ward 5A"),
        ("LOCATION", "St. Thomas' Hospital"), ("LOCATION", "Mayo Clinic"), ("NRP", "GCS"), ("PERSON", "dL"),
    ],
)  # fmt: skip
def test_acronyms_codes_and_facilities_are_dropped(entity, span):
    # Run / Assert
    assert _not_a_person(entity, span)


@pytest.mark.parametrize(
    ("entity", "span"),
    [("PERSON", "Jane Doe"), ("LOCATION", "Baltimore"), ("LOCATION", "Christopherberg"), ("PERSON", "Al"),
     ("NRP", "Korean"), ("PERSON", "McKay"), ("PERSON", "LaRue"), ("LOCATION", "Ohio"), ("DATE_TIME", "ER")],
)  # fmt: skip
def test_names_and_places_are_kept(entity, span):
    # Run / Assert
    assert not _not_a_person(entity, span)


def test_an_eponymous_sign_is_no_place():
    # Setup
    text = "please see her for Kernig sign and Barrett's esophagus"

    # Run / Assert
    assert is_clinical_term(text, text.index("Kernig"), text.index("Kernig") + 6)
    assert is_clinical_term(text, text.index("Barrett"), text.index("Barrett") + 7)


@pytest.mark.parametrize(
    ("entity", "span"),
    [("PERSON", "Med Rec"), ("PERSON", "Tel"), ("PERSON", "Cpl"), ("NRP", "Hgb"), ("PERSON", "Walter Reed"),
     ("LOCATION", "Fort Bragg"), ("LOCATION", "Mount Sinai"), ("PERSON", "Guy's and St Thomas'")],
)  # fmt: skip
def test_chart_abbreviations_ranks_and_named_hospitals_are_dropped(entity, span):
    # Run / Assert
    assert _not_a_person(entity, span)


@pytest.mark.parametrize(("entity", "span"), [("PERSON", "Walter Reeves"), ("PERSON", "Guy Fawkes"), ("PERSON", "Medina")])
def test_names_that_share_a_word_with_them_are_kept(entity, span):
    # Run / Assert
    assert not _not_a_person(entity, span)
