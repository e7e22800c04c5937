"""BirthDateRecognizer: dates with birth context are DATE_OF_BIRTH; durations, lab values and doses are no date."""

import pytest

from synthgate.privacy.recognizers import BirthDateRecognizer
from synthgate.privacy.recognizers.birth_date import parse_date


@pytest.fixture(scope="module")
def recognizer():
    return BirthDateRecognizer()


def typed(recognizer, text):
    return [(text[r.start : r.end], r.entity_type) for r in recognizer.analyze(text, recognizer.ENTITIES)]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("DOB 04/12/1961, lives alone", "04/12/1961"),
        ("born on March 12, 1985 in Ohio", "March 12, 1985"),
        ("Date of birth: 1985-03-12.", "1985-03-12"),
        ("born on the 12th of March, 1985", "12th of March, 1985"),
        ("(DOB 4/1/61)", "4/1/61"),
        ("born March 1985", "March 1985"),
        ("김도현 씨는 1978년 12월 4일생으로", "1978년 12월 4일"),
        ("생년월일 1985.03.12, 환자", "1985.03.12"),
        ("출생: 2004. 9. 21., 환자명", "2004. 9. 21."),
        ("1985-03-12 출생", "1985-03-12"),
        ("85년 3월 12일생", "85년 3월 12일"),
    ],
)
def test_dates_with_birth_context_are_dates_of_birth(recognizer, text, date):
    # Run / Assert
    assert typed(recognizer, text) == [(date, "DATE_OF_BIRTH")]


@pytest.mark.parametrize(
    "text",
    [
        "diabetes for 3 years; HbA1c 6.5 and BP 12/80 mmHg today",
        "metformin 500 mg twice daily for 2 weeks",
        "3일간 발열, 2주간 입원, 혈압 120/80mmHg, 1일 2회 500mg",
        "admitted on 03/14/2023",  # a numeric visit date: Presidio's DateRecognizer types it DATE_TIME
        "DOB: 2/30/1990",  # no such day
        "seen in March 2024",  # a month without birth context stays readable
    ],
)
def test_durations_lab_values_doses_and_visit_dates_are_no_birth_date(recognizer, text):
    # Run / Assert
    assert typed(recognizer, text) == []


def test_month_name_dates_without_birth_context_stay_dates(recognizer):
    # Run / Assert
    assert typed(recognizer, "Follow up on March 3, 2024.") == [("March 3, 2024", "DATE_TIME")]


@pytest.mark.parametrize(
    ("text", "iso"),
    [("1985년 3월 12일", "1985-03-12"), ("12 Mar 1985", "1985-03-12"), ("3/12/85", "1985-03-12"), ("13/02/1990", "1990-02-13"),
     ("1990-02-30", None), ("HbA1c 6.5", None)],
)
def test_parse_date_reads_each_format_and_rejects_impossible_dates(text, iso):
    # Run
    parsed = parse_date(text)

    # Assert
    assert (parsed.isoformat() if parsed else None) == iso


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("상담원: 생년월일 말씀해 주세요.\n고객: 노옥자고요, 60.02.10입니다.", "60.02.10"),
        ("생년월일 알려주시겠어요? - 네, 1951.04.24요", "1951.04.24"),
        ("What's your date of birth? - It's 3/4/61.", "3/4/61"),
        ("1988년 4월 12일 출생", "1988년 4월 12일"),
        ("72.03.28생 남자", "72.03.28"),
    ],
)
def test_a_date_answering_a_birth_question_is_a_date_of_birth(recognizer, text, date):
    # Run / Assert
    assert typed(recognizer, text) == [(date, "DATE_OF_BIRTH")]


@pytest.mark.parametrize(
    "text",
    [
        "생년월일 확인함. 1964-11-07, 2023-02-28 내원",  # only the first date after the birth word
        "생년월일 확인 후 접수, 수술 12일 경과. 23.02.28 퇴원 예정",  # a digit between: the link is broken
    ],
)
def test_later_dates_after_a_birth_word_are_not_dates_of_birth(recognizer, text):
    # Run
    births = [d for d, entity in typed(recognizer, text) if entity == "DATE_OF_BIRTH"]

    # Assert
    assert births in ([], ["1964-11-07"])
