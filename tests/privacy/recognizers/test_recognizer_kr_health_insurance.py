"""Tests for KrHealthInsuranceRecognizer: 11 digits, reliable only with context."""

import pytest

from synthgate.privacy._engines import presidio_engines
from synthgate.privacy.recognizers.kr_health_insurance import KrHealthInsuranceRecognizer


@pytest.mark.parametrize("number", ["12345678901", "1-2345678901", "12345-678901", "５１２３４５６７８９０"])
def test_format_matches_at_a_low_score(found, number):
    # Run / Assert: 0.15 alone, below every threshold we use
    assert found(KrHealthInsuranceRecognizer(), number) == [(number, 0.15)]


@pytest.mark.parametrize(
    "text", ["1234567890", "123456789012", "010-1234-5678", "01012345678", "1-2-3-4-5678901", "12345678901-2"]
)
def test_wrong_lengths_and_phone_shapes_are_not_found(found, text):
    # Run / Assert
    assert found(KrHealthInsuranceRecognizer(), text) == []


@pytest.mark.parametrize(
    "text, language",
    [("건강보험증 번호는 51234567890 입니다", "ko"), ("NHIS insurance number 51234567890.", "en")],
)
def test_context_lifts_the_score_to_half(text, language):
    # Run
    results = presidio_engines(language).analyzer.analyze(text, language=language)

    # Assert
    scores = [r.score for r in results if r.entity_type == "KR_HEALTH_INSURANCE_NUMBER"]
    assert scores == [pytest.approx(0.5)]
