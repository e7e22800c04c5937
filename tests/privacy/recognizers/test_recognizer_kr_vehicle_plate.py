"""Tests for KrVehiclePlateRecognizer."""

import pytest

from synthgate.privacy.recognizers.kr_vehicle_plate import PLATE_LETTERS, KrVehiclePlateRecognizer


@pytest.mark.parametrize(
    "plate, score",
    [("12가3456", 0.6), ("123가 4567", 0.6), ("12 바 3456", 0.6), ("34배1234", 0.6), ("55허7777", 0.6),
     ("서울12가3456", 0.8), ("서울 12 가 3456", 0.8), ("경기1가1234", 0.8), ("１２가３４５６", 0.6)],
)  # fmt: skip
def test_plates_are_found(found, plate, score):
    # Run / Assert: the regional form also contains a plain plate; the longest span wins later
    assert (plate, score) in found(KrVehiclePlateRecognizer(), plate)


@pytest.mark.parametrize("text", ["12갑3456", "12각3456", "1가3456", "1234가5678", "12가345", "12시3456", "12가34567"])
def test_non_plates_are_not_found(found, text):
    # Run / Assert
    assert found(KrVehiclePlateRecognizer(), text) == []


def test_use_letters_are_the_real_set():
    # Assert: 32 private + 4 commercial + delivery + 3 rental
    assert len(PLATE_LETTERS) == len(set(PLATE_LETTERS)) == 40
    assert set("바사아자배하허호") <= set(PLATE_LETTERS) and "갑" not in PLATE_LETTERS


def test_plate_in_a_sentence_with_a_particle(found):
    # Run / Assert
    assert found(KrVehiclePlateRecognizer(), "차량 123가4567을 주차장에서 확인") == [("123가4567", 0.6)]
