"""Tests for KrDateRecognizer (DATE_TIME in Korean text)."""

import datetime as dt

import pytest

from synthgate.privacy._engines import presidio_engines
from synthgate.privacy.recognizers.kr_date import KrDateRecognizer, parse_korean_date


@pytest.mark.parametrize(
    "text, score",
    [("1990-01-05", 0.6), ("1990.01.05", 0.6), ("1990. 1. 5.", 0.6), ("1990/1/5", 0.6), ("1990년 1월 5일", 0.6),
     ("2004년02월29일", 0.6), ("19900105", 0.2), ("１９９０－０１－０５", 0.6)],
)  # fmt: skip
def test_dates_are_found(found, text, score):
    # Run / Assert
    assert found(KrDateRecognizer(), text) == [(text, score)]


@pytest.mark.parametrize("text", ["1990-13-05", "1990년 2월 30일", "2005.02.29", "1890-01-05", "19901305", "1990-01-05-3"])
def test_impossible_dates_are_not_found(found, text):
    # Run / Assert
    assert found(KrDateRecognizer(), text) == []


@pytest.mark.parametrize("text", ["1990년 1월 5일", "1990.1.5", "19900105"])
def test_parse(text):
    # Run / Assert
    assert parse_korean_date(text) == dt.date(1990, 1, 5)


def test_date_of_birth_context_in_korean_text():
    # Setup
    text = "생년월일 19900105, 연락처 없음"

    # Run
    results = presidio_engines("ko").analyzer.analyze(text, language="ko", score_threshold=0.5)

    # Assert
    assert [(text[r.start : r.end], round(r.score, 2)) for r in results if r.entity_type == "DATE_TIME"] == [
        ("19900105", 0.55)
    ]
