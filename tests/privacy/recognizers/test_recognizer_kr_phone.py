"""Tests for KrPhoneRecognizer and the PHONE_NUMBER recognizer that leaves Korea to it."""

import pytest

from synthgate.privacy.recognizers.kr_phone import KrPhoneRecognizer, is_korean_phone_number
from synthgate.privacy.recognizers.phone import NonKoreanPhoneRecognizer


@pytest.fixture(scope="module")
def recognizer():
    return KrPhoneRecognizer()


@pytest.mark.parametrize(
    "number, score",
    [
        ("010-1234-5678", 0.75),
        ("010 1234 5678", 0.75),
        ("010.1234.5678", 0.75),
        ("011-123-4567", 0.75),
        ("01012345678", 0.5),
        ("02-123-4567", 0.6),
        ("(02) 1234-5678", 0.6),
        ("031-123-4567", 0.6),
        ("064-712-3456", 0.6),
        ("070-1234-5678", 0.6),
        ("0504-123-4567", 0.6),
        ("0212345678", 0.3),
        ("+82 10-1234-5678", 0.85),
        ("+82-2-123-4567", 0.85),
        ("+821012345678", 0.85),
        ("+82 (0)10-1234-5678", 0.85),
        ("1588-1234", 0.2),
        ("０１０－１２３４－５６７８", 0.75),  # full-width forms are folded, not missed
    ],
)
def test_valid_numbers_are_found_whole(recognizer, found, number, score):
    # Run / Assert
    assert found(recognizer, number) == [(number, score)]


@pytest.mark.parametrize(
    "text",
    [
        "010-1234-56789",  # too many digits
        "010-12-5678",  # middle too short
        "025-123-4567",  # 025 is no area code
        "068-123-4567",  # neither is 068
        "080-123-4567",  # toll-free, not a person's line; not covered
        "0101234567",  # 010 needs 11 digits
        "2024-01-05",
        "123-45-67890",  # a business registration number shape
        "1234-5678",  # 12xx is no representative prefix
        "A01012345678",  # part of a product code
    ],
)
def test_invalid_numbers_are_not_found(recognizer, found, text):
    # Run / Assert
    assert found(recognizer, text) == []


@pytest.mark.parametrize(
    "text, number",
    [
        ("휴대폰은 010-1234-5678로 연락 주세요.", "010-1234-5678"),
        ("연락처:02-987-6543입니다", "02-987-6543"),
        ("Guardian on +82 10-9876-5432 after six.", "+82 10-9876-5432"),
    ],
)
def test_numbers_with_particles_and_in_english_text(recognizer, found, text, number):
    # Run / Assert
    assert [t for t, _ in found(recognizer, text)] == [number]


@pytest.mark.parametrize(
    "number, valid",
    [("01012345678", True), ("0111234567", True), ("021234567", True), ("+82 2 123 4567", True),
     ("0301234567", False), ("15881234", True), ("158812345", False), ("05011234567", False)],
)  # fmt: skip
def test_structure_check(number, valid):
    # Run / Assert
    assert is_korean_phone_number(number) is valid


def test_generic_phone_recognizer_leaves_korean_numbers_alone(found):
    # Setup
    generic = NonKoreanPhoneRecognizer()
    text = "Call +82 10-1234-5678 or (212) 555-0187."

    # Run / Assert
    assert [t for t, _ in found(generic, text)] == ["(212) 555-0187"]
