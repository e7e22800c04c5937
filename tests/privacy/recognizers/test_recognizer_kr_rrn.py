"""Tests for the RRN/FRN recognizers: checksum, post-2020 numbers and the birth-date check."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synthgate.privacy.recognizers.kr_rrn import KrFrnDateRecognizer, KrRrnDateRecognizer, birth_date_of


def with_check_digit(first12: str, foreigner: bool = False) -> str:
    total = sum(int(d) * w for d, w in zip(first12, [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]))
    check = ((13 if foreigner else 11) - total % 11) % 10
    return f"{first12[:6]}-{first12[6:]}{check}"


@pytest.mark.parametrize(
    "number, score",
    [
        (with_check_digit("900101123456"), 1.0),  # pre-2020, checksum holds
        ("900101-1234567", 0.5),  # checksum fails: may be a post-2020 random number, kept
        ("9001011234567", 0.5),  # without the hyphen
        (with_check_digit("040229412345"), 1.0),  # 29 February 2004, a leap year
    ],
)
def test_rrn_scores(found, number, score):
    # Run / Assert
    assert found(KrRrnDateRecognizer(), number) == [(number, score)]


@pytest.mark.parametrize(
    "text",
    [
        "991332-1234567",  # month 13
        "900230-1234567",  # 30 February
        "050229-3123456",  # 29 February 2005 (7th digit 3: born in the 2000s)
        "900101-5234567",  # gender digit 5 is a foreigner number
        "900101-12345678",  # too long
    ],
)
def test_impossible_rrns_are_not_found(found, text):
    # Run / Assert
    assert found(KrRrnDateRecognizer(), text) == []


def test_korean_context_raises_a_post_2020_number():
    # Setup
    from synthgate.privacy._engines import presidio_engines

    analyzer = presidio_engines("ko").analyzer
    text = "주민등록번호는 210315-3456789 입니다"

    # Run
    results = [r for r in analyzer.analyze(text, language="ko") if r.entity_type == "KR_RRN"]

    # Assert
    assert [(text[r.start : r.end], r.score) for r in results] == [("210315-3456789", 0.85)]


def test_frn_with_check_digit(found):
    # Setup
    number = with_check_digit("850505512345", foreigner=True)

    # Run / Assert
    assert found(KrFrnDateRecognizer(), f"외국인등록번호 {number}") == [(number, 1.0)]


@given(st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)), st.integers(0, 999999))
def test_birth_date_round_trips(date, serial):
    # Setup
    gender = "1" if date.year < 2000 else "3"
    number = f"{date:%y%m%d}-{gender}{serial:06d}"

    # Run / Assert
    assert birth_date_of(number) == date
