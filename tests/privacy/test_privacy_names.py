"""Tests for privacy.names: given names and surnames (English, Korean) from the shipped lists."""

from pathlib import Path

import pytest

from synthgate.privacy.names import is_full_name, is_given_name, is_surname, name_shares, normalise_name

DATA = Path(__file__).resolve().parents[2] / "privacy" / "data"


@pytest.mark.parametrize(
    ("raw", "folded"),
    [("  JOHN ", "john"), ("O'Brien", "obrien"), ("O\u2019Brien", "obrien"), ("Mary-Ann", "mary-ann"), ("St. John", "st john")],
)
def test_normalise_name(raw, folded):
    # Run / Assert
    assert normalise_name(raw) == folded


@pytest.mark.parametrize("value", ["John", "JOHN", "mary", "Mary-Ann", "Mary Ann", "Lakisha", "Siobhan"])
def test_english_given_names(value):
    # Run / Assert
    assert is_given_name(value)


@pytest.mark.parametrize("value", ["Smith", "SMITH", "o'brien", "O'Connor", "Smith-Jones", "Nguyen"])
def test_english_surnames(value):
    # Run / Assert
    assert is_surname(value)


@pytest.mark.parametrize("value", ["John Smith", "smith, john", "MARY O'BRIEN"])
def test_english_full_names(value):
    # Run / Assert
    assert is_full_name(value)


@pytest.mark.parametrize(
    "value", ["Books", "Electronics", "hypertension", "E11.9", "Oncology Clinic", "W3A", "12345", "", "John Smith Clinic Lab"]
)
def test_categories_and_codes_are_no_names(value):
    # Run / Assert
    assert not (is_given_name(value) or is_surname(value) or is_full_name(value))


def test_korean_names_missing_from_the_lists_count_by_syllables():
    # Setup: real given names that are not in given_names_ko.txt
    listed = set((DATA / "given_names_ko.txt").read_text(encoding="utf-8").split())
    unseen = ["윤희", "수경", "태현", "승희", "민혁", "재훈", "동욱", "혜린"]
    assert not listed & set(unseen)

    # Run / Assert
    assert all(is_given_name(v) for v in unseen)
    assert all(is_full_name(s + v) for s in ("김", "박", "남궁", "황보") for v in unseen)


@pytest.mark.parametrize("value", ["남궁민", "남궁민수", "황보혜진", "제갈성현", "선우정", "독고영재"])
def test_korean_compound_surnames(value):
    # Run / Assert
    assert is_full_name(value)


@pytest.mark.parametrize("value", ["고혈압", "당뇨병", "이상지질혈증", "정상", "김", "제1보병사단", "이병", "급성 기관지염"])
def test_korean_words_shaped_like_names_are_no_full_names(value):
    # Run / Assert: two-syllable words (정상) never count as surname + given name
    assert not is_full_name(value)


def test_name_shares_count_rows_and_distinct_values():
    # Setup: 6 names (one repeated) and 4 codes
    values = ["John", "John", "Smith", "Mary Jones", "kim", "Garcia", "A1", "B2", "C3", "D4"]

    # Run
    shares = name_shares(values)

    # Assert
    # the lists overlap, as real names do: John, Smith and Kim are given names and surnames
    assert shares.given == pytest.approx(0.5)  # John x2, Smith, Mary Jones, kim
    assert shares.surname == pytest.approx(0.5)  # John x2, Smith, kim, Garcia
    assert shares.full == pytest.approx(0.1)  # Mary Jones
    assert shares.person == pytest.approx(0.6)
    assert (shares.distinct, shares.distinct_share) == (9, pytest.approx(5 / 9))


def test_name_shares_of_nothing():
    # Run / Assert
    assert name_shares([]).person == 0.0 and name_shares([]).distinct == 0


def test_lists_are_of_realistic_size_and_normalised():
    # Run
    sizes = {p.name: len(p.read_text(encoding="utf-8").split("\n")) - 1 for p in DATA.glob("*.txt")}

    # Assert
    assert sizes["given_names_en.txt"] > 5_000 and sizes["surnames_en.txt"] > 3_000
    assert sizes["surnames_ko.txt"] > 100 and sizes["given_syllables_ko.txt"] > 100
    for path in DATA.glob("*.txt"):
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines == sorted(set(lines)) and all(line == normalise_name(line) for line in lines), path.name
