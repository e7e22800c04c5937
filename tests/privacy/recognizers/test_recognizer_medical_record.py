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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("등록번호: 350-44-340 / 성명", ["350-44-340"]),
        ("MRN 115-93-124, DOB 07/27/1964", ["115-93-124"]),
        ("Med Rec # 0045-2231-7 reviewed", ["0045-2231-7"]),
        ("med rec no. A12-3345 on file", ["A12-3345"]),
        ("chart no. 7734-221 pulled", ["7734-221"]),
        ("patient ID: PT-2291-0043 verified", ["PT-2291-0043"]),
        ("hospital number 4410923 given", ["4410923"]),
        ("H# 00912834 in the band", ["00912834"]),
        ("의무기록번호 2024-118832 확인", ["2024-118832"]),
        ("병록번호는 88-1102-3 입니다", ["88-1102-3"]),
        ("환자ID: K-20931 조회", ["K-20931"]),
        ("차트 9380-4194로 열어보세요", ["9380-4194"]),
        ("8997-6793 is the MRN for the patient", ["8997-6793"]),
        ("55102938 was her chart number", ["55102938"]),
    ],
)
def test_every_label_shape_finds_its_number(found, recognizer, text, expected):
    # Run
    spans = found(recognizer, text, 0.5)

    # Assert
    assert [s for s, _ in spans] == expected


@pytest.mark.parametrize(
    "text",
    [
        "MRN pending, chart up-to-date",  # a label with no number after it
        "차트를 확인함, 수치 9380-4194",  # 차트 as a word with a particle, number far away
        "Med Rec done; BP 120-80 later",
        "the MRN is on file; SSN 207-69-6657",  # an SSN after another label
        "8997-6793 is the lot number",  # a number before a label that is not a record's
    ],
)
def test_labels_without_their_number_find_nothing(found, recognizer, text):
    # Run / Assert
    assert found(recognizer, text, 0.5) == []
