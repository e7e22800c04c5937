"""EnglishTitleNameRecognizer: names after Mr./Dr. or a role word, case-sensitively."""

import pytest

from synthgate.privacy.recognizers import EnglishTitleNameRecognizer


@pytest.fixture(scope="module")
def recognizer():
    return EnglishTitleNameRecognizer()


@pytest.mark.parametrize(
    ("text", "name"),
    [("seen by Dr. O'Brien today", "O'Brien"), ("Mrs Amanda Oneal called", "Amanda Oneal"),
     ("belongs to Madeline Lewis (SSN", "Madeline Lewis"), ("guardian John Smith agreed", "John Smith")],
)
def test_names_after_titles_and_roles_are_found(found, recognizer, text, name):
    # Run / Assert
    assert [s for s, _ in found(recognizer, text, 0.5)] == [name]


@pytest.mark.parametrize("text", ["the patient was seen", "patient reports mild pain", "Patient Portal login", "mr smith"])
def test_lowercase_words_and_single_capitals_after_roles_stay(found, recognizer, text):
    # Run / Assert
    assert found(recognizer, text, 0.5) == []
