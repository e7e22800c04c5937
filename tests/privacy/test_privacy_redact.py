"""Tests for privacy.redact with the real Presidio engines and the installed spaCy model."""

import logging

import numpy as np
import pandas as pd
import pytest

from synthgate.privacy import TextRedactor, UnsupportedLanguageError
from synthgate.privacy._engines import presidio_engines

NOTES = pd.Series(
    [
        "Patient Maria Garcia called from 415-555-2671 about her results.",
        "Please write to john.smith@example.com to reschedule; ask for John Smith.",
        None,
        "No complaints, blood pressure normal.",
        "Patient Maria Garcia called from 415-555-2671 about her results.",
        np.nan,
    ],
    name="note",
)


@pytest.fixture(scope="module")
def redacted():
    return TextRedactor().redact_series(NOTES)


def test_entities_become_type_tags(redacted):
    # Setup
    out, _ = redacted

    # Assert
    assert out[0] == "Patient <PERSON> called from <PHONE_NUMBER> about her results."
    assert out[1] == "Please write to <EMAIL_ADDRESS> to reschedule; ask for <PERSON>."
    assert out[3] == "No complaints, blood pressure normal."
    assert out[4] == out[0]


def test_an_email_is_tagged_once_not_as_email_plus_url(redacted):
    # Setup: Presidio's UrlRecognizer also fires on "john.sm" and "example.com" inside the address
    out, counts = redacted

    # Assert
    assert "<URL>" not in out[1]
    assert "URL" not in counts


def test_counts_are_per_row(redacted):
    # Setup: row 0 and row 4 are the same text, analysed once but counted twice
    _, counts = redacted

    # Assert
    assert counts == {"EMAIL_ADDRESS": 1, "PERSON": 3, "PHONE_NUMBER": 2}


def test_canary_values_do_not_survive(redacted):
    # Setup
    out, counts = redacted
    canaries = ["Maria", "Garcia", "John", "Smith", "415-555-2671", "john.smith", "example.com"]

    # Assert
    text = " ".join(v for v in out if v is not None) + repr(counts)
    assert [c for c in canaries if c in text] == []


def test_nulls_stay_null_and_index_and_name_are_kept(redacted):
    # Setup
    out, _ = redacted

    # Assert
    assert out[2] is None and out[5] is None
    assert out.name == "note" and list(out.index) == list(NOTES.index)


def test_entities_restrict_what_is_redacted():
    # Setup
    notes = pd.Series(["Call Maria Garcia at 415-555-2671."])

    # Run
    out, counts = TextRedactor(entities=["PHONE_NUMBER"]).redact_series(notes)

    # Assert
    assert out[0] == "Call Maria Garcia at <PHONE_NUMBER>."
    assert counts == {"PHONE_NUMBER": 1}


def test_an_empty_series_is_fine():
    # Run
    out, counts = TextRedactor().redact_series(pd.Series([], dtype=object, name="note"))

    # Assert
    assert out.empty and counts == {}


def test_unsupported_language_and_bad_threshold_fail_early():
    # Run / Assert
    with pytest.raises(UnsupportedLanguageError, match="'ja' is not supported; installed: en, ko"):
        TextRedactor(language="ja")
    with pytest.raises(ValueError, match=r"score_threshold must be in \[0, 1\]"):
        TextRedactor(score_threshold=1.5)


def test_presidio_log_arguments_are_redacted(caplog):
    # Setup: the IBAN recognizer logs the text it failed to validate as a %-argument
    presidio_engines("en")
    logger = logging.getLogger("presidio-analyzer")

    # Run
    with caplog.at_level(logging.ERROR, logger="presidio-analyzer"):
        logger.error("Failed to validate text %s", "DE89 3704 0044 0532 0130 00")

    # Assert
    assert "Failed to validate text <redacted>" in caplog.text
    assert "DE89" not in caplog.text


def test_repr_names_settings_only():
    # Run / Assert
    assert repr(TextRedactor()) == "TextRedactor(language='en', entities=29 types, score_threshold=0.5)"


def test_overlapping_findings_merge_into_one_span_typed_by_the_most_trusted_finding():
    # Setup: an e-mail (1.0) with a URL (0.5) inside it, and an NER date (0.85) overlapping
    # a phone number pattern (0.4)
    from types import SimpleNamespace as Finding

    from synthgate.privacy._engines import merge_overlaps

    findings = [
        Finding(entity_type="URL", start=10, end=17, score=0.5),
        Finding(entity_type="EMAIL_ADDRESS", start=5, end=25, score=1.0),
        Finding(entity_type="PHONE_NUMBER", start=30, end=44, score=0.4),
        Finding(entity_type="DATE_TIME", start=40, end=50, score=0.85),
    ]

    # Run
    merged = merge_overlaps(findings)

    # Assert
    assert merged == [("EMAIL_ADDRESS", 5, 25, 1.0), ("PHONE_NUMBER", 30, 50, 0.4)]


def test_korean_mobile_numbers_in_english_text_are_kr_phone_numbers_only():
    # Setup: Presidio's phone recognizer no longer claims Korean numbers, even with +82
    notes = pd.Series(["Guardian reachable on 010-1234-5678 or +82 10-9876-5432 instead."])

    # Run
    out, counts = TextRedactor().redact_series(notes)

    # Assert
    assert out[0] == "Guardian reachable on <KR_PHONE_NUMBER> or <KR_PHONE_NUMBER> instead."
    assert counts == {"KR_PHONE_NUMBER": 2}


KOREAN_NOTES = pd.Series(
    [
        "환자 김민준님의 주민등록번호는 900101-1234567이고 휴대폰은 010-1234-5678입니다.",
        "보호자 이서연 씨, 주소 서울특별시 종로구 세종대로 209, 생년월일 1990년 1월 5일.",
        "정상 소견, 이상 없음. 고혈압 환자 아님.",
        "군번 21-71234567, 차량 12가3456, 이메일 minjun@example.kr",
    ],
    name="메모",
)


@pytest.fixture(scope="module")
def korean_redacted():
    return TextRedactor(language="ko").redact_series(KOREAN_NOTES)


def test_korean_text_is_redacted(korean_redacted):
    # Setup
    out, counts = korean_redacted

    # Assert
    assert out[0] == "환자 <PERSON>님의 주민등록번호는 <KR_RRN>이고 휴대폰은 <KR_PHONE_NUMBER>입니다."
    assert out[1] == "보호자 <PERSON> 씨, 주소 <KR_ADDRESS>, 생년월일 <DATE_OF_BIRTH>."
    assert out[2] == KOREAN_NOTES[2]
    assert out[3] == "군번 <KR_MILITARY_SERVICE_NUMBER>, 차량 <KR_VEHICLE_PLATE>, 이메일 <EMAIL_ADDRESS>"
    assert counts["PERSON"] == 2 and sum(counts.values()) == 9


def test_korean_canaries_do_not_survive(korean_redacted):
    # Setup
    out, counts = korean_redacted
    canaries = ["김민준", "900101", "1234-5678", "이서연", "세종대로", "1990년", "71234567", "3456", "minjun"]

    # Assert
    text = " ".join(out) + repr(counts)
    assert [c for c in canaries if c in text] == []


def test_medical_record_patterns_and_n_process_are_checked_early():
    # Run / Assert
    with pytest.raises(ValueError, match="pattern #0 matches the empty string"):
        TextRedactor(language="ko", medical_record_patterns=("[0-9]*",))
    with pytest.raises(ValueError, match="n_process must be at least 1"):
        TextRedactor(n_process=0)


def test_agency_medical_record_pattern_is_redacted():
    # Setup
    notes = pd.Series(["등록번호 H123456789 외래 방문"])

    # Run
    out, counts = TextRedactor(language="ko", medical_record_patterns=(r"H[0-9]{9}",)).redact_series(notes)

    # Assert
    assert out[0] == "등록번호 <KR_MEDICAL_RECORD_NUMBER> 외래 방문"
    assert counts == {"KR_MEDICAL_RECORD_NUMBER": 1}


CLINICAL_NOTES = pd.Series(
    [
        "Family history of Parkinson's disease, Crohn's disease, Hodgkin lymphoma and Down syndrome; Alzheimer's.",
        "Glucose 5.4 mmol/L, Hemoglobin 10.8 g/dL, HbA1c 6.5, BP 120/80 mmHg; symptoms for 3 years.",
        "Mr. Lewis, DOB 04/12/1961, MRN-1234567, lives at 1234 Oak Street Apt 5, Springfield, IL 62704.",
    ],
    name="note",
)


def test_eponyms_lab_values_and_durations_are_kept_and_identifiers_go_whole():
    # Run
    out, counts = TextRedactor().redact_series(CLINICAL_NOTES)

    # Assert: diseases and values stay readable; the third note keeps no digit of any identifier
    assert out[0] == CLINICAL_NOTES[0]
    assert out[1] == CLINICAL_NOTES[1]
    assert out[2] == "Mr. <PERSON>, DOB <DATE_OF_BIRTH>, <MEDICAL_RECORD_NUMBER>, lives at <ADDRESS>."
    assert counts == {"ADDRESS": 1, "DATE_OF_BIRTH": 1, "MEDICAL_RECORD_NUMBER": 1, "PERSON": 1}


def test_find_spans_returns_what_redact_series_replaces():
    # Setup
    redactor = TextRedactor()
    texts = list(CLINICAL_NOTES)

    # Run
    spans = redactor.find_spans(texts)
    out, _ = redactor.redact_series(CLINICAL_NOTES)

    # Assert: replacing the spans from the end gives the redacted text
    for text, found, redacted in zip(texts, spans, out):
        for entity, start, end, _ in reversed(found):
            text = text[:start] + f"<{entity}>" + text[end:]
        assert text == redacted
