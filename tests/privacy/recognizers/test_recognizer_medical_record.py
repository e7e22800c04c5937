"""MedicalRecordRecognizer: common chart-number shapes by default, never a number without its marker or context."""

import pytest

from synthgate.privacy.recognizers import MedicalRecordRecognizer


@pytest.fixture(scope="module")
def recognizer():
    return MedicalRecordRecognizer()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MRN-1234567 admitted overnight", ["MRN-1234567"]),
        ("seen today, MRN: 00123456.", ["00123456"]),
        ("Chart #1234567 reviewed", ["1234567"]),
        ("Record no. H12345678, discharged", ["H12345678"]),
        ("Medical Record #: 00123456", ["00123456"]),
        ("medical record number 12345678 belongs to", ["12345678"]),
        ("환자번호는 12345678입니다", ["12345678"]),
        ("등록번호: 2023-004512 환자", ["2023-004512"]),
        ("차트번호 H12345678 확인", ["H12345678"]),
        ("병원에서 H25036898 환자의 경과", ["H25036898"]),
    ],
)
def test_record_numbers_are_found_whole(found, recognizer, text, expected):
    # Run
    spans = found(recognizer, text, 0.5)

    # Assert
    assert [s for s, _ in spans] == expected


@pytest.mark.parametrize(
    "text",
    [
        "주민등록번호 900101-1234567",  # 주민등록번호 is not 등록번호
        "HbA1c 6.5, BP 120/80 on chart review",
        "call 010-1234-5678 about the chart",
        "order 12345678 shipped",  # bare digits: no marker, no context word right before
        "외국인등록번호 050114-8887945",
    ],
)
def test_numbers_without_marker_or_context_stay(found, recognizer, text):
    # Run / Assert
    assert found(recognizer, text, 0.5) == []


def test_full_width_digits_are_read_with_offsets_kept(found, recognizer):
    # Setup
    text = "ＭＲＮ：００１２３４５６ 확인"

    # Run / Assert
    assert found(recognizer, text, 0.5) == [("００１２３４５６", 0.85)]
