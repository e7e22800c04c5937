"""Tests for KrMedicalRecordRecognizer: agency patterns, the default, and pattern checks."""

import pytest

from synthgate.privacy._engines import presidio_engines
from synthgate.privacy.recognizers.kr_medical_record import KrMedicalRecordRecognizer, check_mrn_patterns


def test_default_is_8_to_10_digits_at_a_low_score(found):
    # Setup
    recognizer = KrMedicalRecordRecognizer()

    # Run / Assert
    assert found(recognizer, "12345678") == [("12345678", 0.15)]
    assert found(recognizer, "1234567") == [] and found(recognizer, "12345678901") == []


def test_agency_patterns_replace_the_default(found):
    # Setup
    recognizer = KrMedicalRecordRecognizer(patterns=(r"H[0-9]{9}", r"MR-[0-9]{6}"))

    # Run / Assert
    assert found(recognizer, "H123456789 그리고 MR-123456, 12345678") == [("H123456789", 0.5), ("MR-123456", 0.5)]


@pytest.mark.parametrize(
    "patterns, message",
    [
        ((r"[0-9]*",), "pattern #0 matches the empty string"),
        ((r"H[0-9]{9}", r"(a|)"), "pattern #1 matches the empty string"),
        ((r"H[0-9", ), "pattern #0 is not a valid regular expression"),
        ("H[0-9]{9}", "not one string"),
        ((42,), "pattern #0 must be a string"),
    ],
)
def test_bad_patterns_are_rejected(patterns, message):
    # Run / Assert
    with pytest.raises(ValueError, match=message):
        check_mrn_patterns(patterns)


def test_engines_pass_patterns_and_context_lifts_the_default():
    # Setup
    text = "환자번호 20231234 / 등록번호 H123456789"

    # Run
    default = presidio_engines("ko").analyzer.analyze(text, language="ko", score_threshold=0.5)
    agency = presidio_engines("ko", medical_record_patterns=(r"H[0-9]{9}",)).analyzer.analyze(
        text, language="ko", score_threshold=0.5
    )

    # Assert
    assert [text[r.start : r.end] for r in default if r.entity_type == "KR_MEDICAL_RECORD_NUMBER"] == ["20231234"]
    assert [text[r.start : r.end] for r in agency if r.entity_type == "KR_MEDICAL_RECORD_NUMBER"] == ["H123456789"]
