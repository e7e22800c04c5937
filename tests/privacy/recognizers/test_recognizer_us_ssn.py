"""LabelledSsnRecognizer: an SSN in any spelling right after its label; impossible numbers stay."""

import pytest

from synthgate.privacy.recognizers import LabelledSsnRecognizer


@pytest.fixture(scope="module")
def recognizer():
    return LabelledSsnRecognizer()


@pytest.mark.parametrize(
    ("text", "ssn"),
    [("SSN 123456780 on file", "123456780"), ("SSN: 234 56 7890", "234 56 7890"),
     ("social security number is 345-67-8901", "345-67-8901"), ("사회보장번호 456-78-9012", "456-78-9012")],
)
def test_labelled_numbers_are_found(found, recognizer, text, ssn):
    # Run / Assert
    assert found(recognizer, text, 0.5) == [(ssn, 0.85)]


@pytest.mark.parametrize(
    "text",
    ["SSN 000123456", "SSN 666-12-3456", "SSN 912-34-5678", "SSN 123-00-4567", "SSN 123-45-0000",
     "order 123456789 shipped", "SSN 1234567890"],
)
def test_impossible_or_unlabelled_numbers_stay(found, recognizer, text):
    # Run / Assert
    assert found(recognizer, text, 0.5) == []
