"""Tests for KR_ADDRESS and split_address."""

import subprocess
import sys

import pytest

from synthgate.privacy.recognizers.kr_address import SIDO, SIDO_ALIASES, KrAddressRecognizer, split_address


@pytest.mark.parametrize(
    "address, score",
    [
        ("서울특별시 종로구 세종대로 209", 0.85),
        ("경기도 성남시 분당구 판교역로 235, 101동 1001호", 0.85),
        ("서울특별시 강남구 역삼동 123-45", 0.85),
        ("경상북도 안동시 풍산읍 하리 123번지", 0.85),
        ("전북특별자치도 전주시 완산구 효자로 225", 0.85),
        ("제주 서귀포시 중앙로 105 (서귀동)", 0.85),
        ("부산 해운대구 우동 1408번지", 0.85),
        ("경기도 평창군 석촌호수386가 355-1 (현준김김읍)", 0.85),  # Faker's ko_KR shape
        ("강남구 역삼동 123-45", 0.6),
        ("성남시 분당구 판교역로 235", 0.6),
    ],
)
def test_whole_addresses_are_found(found, address, score):
    # Run
    spans = found(KrAddressRecognizer(), address)

    # Assert: the longest span is the whole address
    assert max(spans, key=lambda s: len(s[0])) == (address, score)


@pytest.mark.parametrize("text", ["서울 강남구에 삽니다", "경기도 성남시", "세종대로", "서울특별시청 209호", "2층 회의실 101호"])
def test_places_without_a_number_are_no_address(found, text):
    # Run / Assert
    assert found(KrAddressRecognizer(), text) == []


def test_address_in_a_sentence_stops_before_the_particle(found):
    # Setup
    text = "주소는 서울특별시 종로구 세종대로 209에 있습니다"

    # Run / Assert
    assert found(KrAddressRecognizer(), text) == [("서울특별시 종로구 세종대로 209", 0.85)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("서울특별시 종로구 세종대로 209", ("서울특별시", "종로구")),
        ("서울 강남구 역삼동 123-45", ("서울특별시", "강남구")),
        ("경기도 성남시 분당구 판교역로 235", ("경기도", "성남시 분당구")),
        ("경기 광주시 오포읍 123", ("경기도", "광주시")),
        ("광주 북구 용봉로 77", ("광주광역시", "북구")),
        ("강원도 춘천시 중앙로 1", ("강원특별자치도", "춘천시")),
        ("전라북도 군산시 대학로 558", ("전북특별자치도", "군산시")),
        ("세종특별자치시 한누리대로 2130", ("세종특별자치시", None)),
        ("강남구 역삼동 123-45", None),
        ("주소 미상", None),
    ],
)
def test_split_address(text, expected):
    # Run / Assert
    assert split_address(text) == expected


def test_every_alias_names_one_of_the_17_sido():
    # Assert
    assert len(SIDO) == 17 and set(SIDO_ALIASES.values()) == set(SIDO)


def test_split_address_needs_no_presidio():
    # Run: a fresh interpreter
    code = "import sys; from privacy.recognizers.kr_address import split_address; print('presidio_analyzer' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    # Assert
    assert loaded.stdout.strip() == "False"


@pytest.mark.parametrize(
    "address",
    [
        "(06236) 서울특별시 강남구 테헤란로 123 (역삼동) 101동 1203호 (우 06236)",
        "서울 강남구 테헤란로 152 강남파이낸스센터 20층, 우편번호 06236",
        "서울특별시 송파구 올림픽로 300 롯데월드타워 101동 1203호",
        "우편번호 12345 부산광역시 해운대구 우동 123-4번지",
        "경상남도 원주시 삼성880거리 170-87 (성훈최홍면) 117동 186호 (우 37972)",
    ],
)
def test_postal_codes_buildings_and_units_are_inside_the_address(found, address):
    # Setup
    text = f"주소: {address}에 거주"

    # Run
    spans = [s for s, _ in found(KrAddressRecognizer(), text, 0.5)]

    # Assert: one span, or a postal code written before the address and the address itself
    assert " ".join(spans) == address and len(spans) <= 2
