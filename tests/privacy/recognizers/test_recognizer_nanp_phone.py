"""NanpPhoneRecognizer: North American numbers by shape, with or without an assigned area code."""

import pytest

from synthgate.privacy.recognizers import NanpPhoneRecognizer


@pytest.fixture(scope="module")
def recognizer():
    return NanpPhoneRecognizer()


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("Callback number (590) 798-6094.", "(590) 798-6094"),
        ("call +1 842 841 1278 if u need me", "+1 842 841 1278"),
        ("reach me at 555.123.4567 after 5", "555.123.4567"),
        ("Tel 415-555-2671 ext. 204, front desk", "415-555-2671 ext. 204"),
        ("fax: 1-800-555-0199", "1-800-555-0199"),
        ("cell (212)555-0147 x12", "(212)555-0147 x12"),
        ("+1.646.555.0123 is the unit phone", "+1.646.555.0123"),
    ],
)
def test_phone_shapes_are_found_whole(found, recognizer, text, phone):
    # Run
    spans = [s for s, _ in found(recognizer, text, 0.4)]

    # Assert
    assert spans == [phone]


@pytest.mark.parametrize(
    "text",
    [
        "SSN 207-69-6657 on file",  # 3-2-4 is an SSN, not a phone
        "ticket 6819315881 opened",  # bare digits: left to PhoneRecognizer's own check
        "BP 135/58, HR 95, 2024-03-15",
        "ICD G40.909 and M54.5",
        "lot 123-456-78901 expired",  # a longer last group
        "version 1.555.123.4567.2",  # part of a longer dotted number
        "555-123 4567",  # mixed separators without a bracket or +1
    ],
)
def test_other_numbers_are_not_phones(found, recognizer, text):
    # Run / Assert
    assert found(recognizer, text, 0.0) == []
