"""UsAddressRecognizer: a US street address is one span from the house number to the ZIP code."""

import pytest

from synthgate.privacy.recognizers import UsAddressRecognizer


@pytest.fixture(scope="module")
def recognizer():
    return UsAddressRecognizer()


@pytest.mark.parametrize(
    "address",
    [
        "1234 Oak Street Apt 5, Springfield, IL 62704",
        "216 Poole Mount Apt. 332, South Zacharyland, NJ 30688",
        "1600 Pennsylvania Avenue NW, Washington, DC 20500-0003",
        "77 N. Main St., Suite 200, St. Louis, MO 63101",
        "123 Main Street in Springfield, IL 62704",
        "55 Elm Rd, Dover, Delaware",
        "P.O. Box 17, Austin, TX 78701",
        "9 W 5th Avenue #4B, New York, NY 10011",
    ],
)
def test_the_whole_address_is_one_span(found, recognizer, address):
    # Setup
    text = f"She lives at {address}. Call later."

    # Run / Assert
    assert [s for s, _ in found(recognizer, text, 0.5)] == [address]


def test_a_street_without_city_is_found_with_a_street_type(found, recognizer):
    # Run / Assert
    assert found(recognizer, "moved to 77 N. Main St. Apt 5 last year", 0.5) == [("77 N. Main St. Apt 5", 0.6)]


@pytest.mark.parametrize(
    "text",
    [
        "Patient aged 45 years seen in Boston, MA 02115",  # lowercase words: no street
        "BP 120/80, HbA1c 6.5, 3 tablets daily",
        "Admitted for 3 days in IN, follow up in 2 weeks",
        "ICD-10 I10, order 12345678",
    ],
)
def test_numbers_and_places_that_are_no_street_address_stay(found, recognizer, text):
    # Run / Assert
    assert found(recognizer, text, 0.5) == []
