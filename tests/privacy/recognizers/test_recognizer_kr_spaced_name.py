"""KrSpacedNameRecognizer: spaced, short and 이-ending Korean names, and clinical words it must leave."""

import pytest

from synthgate.privacy.recognizers.kr_spaced_name import KrSpacedNameRecognizer


@pytest.fixture(scope="module")
def recognizer():
    return KrSpacedNameRecognizer()


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("일병 전 혜는 2주간 입원", "전 혜"),
        ("정 지 환자(차트번호 2022-3857)", "정 지"),
        ("송 성은 2020.07.29 진단", "송 성은"),  # the particle 은 may come along: the name is covered
        ("성명: 권 분이 / 주민등록번호", "권 분이"),
        ("주 보호자는 배우자 전민임.", "전민"),
        ("배우자 선우 우서임.", "선우 우서"),
        ("본인 홍 덕배 서명 받음", "홍 덕배"),
        ("청구인 정 영자, 생년월일", "정 영자"),
        ("전원 의뢰: 이성(남/29세)", "이성"),
        ("권분이 씨가 왔다", "권분이"),
        ("조분이가 전화함", "조분이"),
        ("남궁 민", "남궁 민"),
        ("황보 진, 010", "황보 진"),
        ("김 말순", "김 말순"),
        ("보호자 김 민, 연락처", "김 민"),
        ("전 혜", "전 혜"),
    ],
)
def test_names_are_found(found, recognizer, text, name):
    # Run / Assert
    assert [s for s, _ in found(recognizer, text, 0.5)] == [name]


@pytest.mark.parametrize(
    "text",
    [
        "정맥 주사", "조직검사 시행", "이상소견 없음", "신장기능 저하", "안구건조", "고혈압", "임상 경과", "한방 치료",
        "배뇨 곤란", "유방 초음파", "강직 없음", "구토 2회", "방광 잔뇨", "진단명: 당뇨", "이 상태로 퇴원",
        "환자 이송 후 보호자 이해도 양호", "기분이 좋다", "성분이 같은 약", "지금이 좋다", "조금이라도 먹음",
        "보호자 동의 받음", "환자 이동 후", "5mg 1정 복용", "38도 발열",
    ],
)
def test_clinical_words_are_left(found, recognizer, text):
    # Run / Assert
    assert found(recognizer, text, 0.5) == []


def test_a_particle_glued_to_a_role_is_no_surname(found):
    # Setup
    from synthgate.privacy.recognizers.kr_spaced_name import KrSpacedNameRecognizer

    # Run / Assert
    assert found(KrSpacedNameRecognizer(), "민윤을 담당 간호사로 지정. 보호자 이해함", 0.5) == []
    assert [t for t, _ in found(KrSpacedNameRecognizer(), "간호사 서 윤, 보호자: 고 혁", 0.5)] == ["서 윤", "고 혁"]
