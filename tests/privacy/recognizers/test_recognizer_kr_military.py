"""Tests for KrMilitaryServiceNumberRecognizer (군번)."""

import pytest

from synthgate.privacy._engines import presidio_engines
from synthgate.privacy.recognizers.kr_military import KrMilitaryServiceNumberRecognizer


@pytest.mark.parametrize(
    "number, score",
    [("21-71234567", 0.35), ("08-12345", 0.2), ("15-123456", 0.2), ("2171234567", 0.1), ("２１－７１２３４５６７", 0.35)],
)
def test_formats_and_scores_without_context(found, number, score):
    # Run / Assert
    assert found(KrMilitaryServiceNumberRecognizer(), number) == [(number, score)]


@pytest.mark.parametrize("text", ["21-712345678", "2-71234567", "21-1234", "2021-01-05", "1.21-71234567", "21-71234567-1"])
def test_other_shapes_are_not_found(found, text):
    # Run / Assert
    assert found(KrMilitaryServiceNumberRecognizer(), text) == []


@pytest.mark.parametrize(
    "text, number, language",
    [
        ("김 병장의 군번은 21-71234567이다", "21-71234567", "ko"),
        ("장교 군번 08-12345 확인", "08-12345", "ko"),
        ("His service number is 19-76543210.", "19-76543210", "en"),
    ],
)
def test_context_makes_a_finding(text, number, language):
    # Run
    results = presidio_engines(language).analyzer.analyze(text, language=language, score_threshold=0.5)

    # Assert
    found = [text[r.start : r.end] for r in results if r.entity_type == "KR_MILITARY_SERVICE_NUMBER"]
    assert found == [number]
