"""Tests for KrNameRecognizer: Hangul names in free text and whole cells, and common words that are not names."""

import pytest
from faker import Faker

from synthgate.privacy._engines import presidio_engines
from synthgate.privacy.recognizers.kr_name import GIVEN_SYLLABLES, SURNAMES, KrNameRecognizer


@pytest.fixture(scope="module")
def recognizer():
    return KrNameRecognizer()


@pytest.mark.parametrize(
    "text, name",
    [
        ("김철수님께서 오셨다", "김철수"),
        ("홍길동 씨가 왔다", "홍길동"),
        ("이영희의 검사 결과", "이영희"),
        ("박민수 환자는 퇴원했다", "박민수"),
        ("김민준이 전화했다", "김민준"),
        ("남궁민수에게 전달", "남궁민수"),
        ("황보혜정 씨", "황보혜정"),
        ("김 병장이 말했다", "김"),
        ("김지은 씨는 보호자다", "김지은"),
        ("김민준", "김민준"),  # a whole cell
        ("남궁카나님 보호자", "남궁카나"),  # rare given-name syllables still count before 님/씨
        ("제갈공명님께서", "제갈공명"),
        ("김지은", "김지은"),
        ("보호자: 이서연, 010-1234-5678", "이서연"),
        ("Patient 김민준 was admitted.", "김민준"),
    ],
)
def test_names_are_found(recognizer, found, text, name):
    # Run / Assert
    assert [t for t, _ in found(recognizer, text, threshold=0.5)] == [name]


@pytest.mark.parametrize(
    "text",
    ["이메일 주소", "정상 소견", "고혈압 환자", "이상 없음", "조사 결과", "신고 접수", "정상입니다", "이상이 있다",
     "이용자는 로그인", "선생님이 오셨다", "고객님께서", "하지만 결과는", "경기도 지역", "정상은 아니다", "정상", "지난주",
     "원장님 회진", "박사님 말씀", "이모님 방문", "장모님께서", "도지사님 방문", "시장님 인사"],
)  # fmt: skip
def test_common_words_are_not_names(recognizer, found, text):
    # Run / Assert
    assert found(recognizer, text, threshold=0.5) == []


def test_two_syllable_surnames_come_first():
    # Assert: otherwise 남궁민수 would be tried as 남 + 궁민 + 수
    two = [s for s in SURNAMES if len(s) == 2]
    assert SURNAMES[: len(two)] == tuple(two) and {"남궁", "황보", "제갈", "선우", "독고", "사공"} <= set(two)
    assert "이" not in GIVEN_SYLLABLES and "의" not in GIVEN_SYLLABLES


@pytest.mark.parametrize(
    "template",
    ["{}", "{}의 검사 결과", "{}님이 방문", "{} 씨가 전화", "담당자 {}에게 연락", "{}은 퇴원", "{}, 010-1234-5678"],
)
def test_recall_on_generated_names(recognizer, template):
    # Setup: Faker's ko_KR names, the kind the evaluation set uses
    fake = Faker("ko_KR")
    fake.seed_instance(0)
    names = [fake.name() for _ in range(300)]

    # Run
    hits = sum(
        any(r.score >= 0.5 for r in recognizer.analyze(template.format(n), ["PERSON"])) for n in names
    )

    # Assert
    assert hits / len(names) >= 0.95


def test_context_before_a_weak_name_lifts_it():
    # Setup: 김지은 followed by a word scores 0.35 alone; 환자 before it adds 0.35
    text = "환자 김지은 입원"

    # Run
    results = presidio_engines("ko").analyzer.analyze(text, language="ko", score_threshold=0.5)

    # Assert
    assert [(text[r.start : r.end], r.entity_type) for r in results] == [("김지은", "PERSON")]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("성명: 김 민 / 등록번호 12345678", "김 민"),
        ("환자 이현은 내원함", "이현"),
        ("보호자 박 린 연락처 02-7491-6610", "박 린"),
        ("환자 김민(남/45세)", "김민"),
        ("윤웅(1968-05-13) 님 주소는", "윤웅"),
        ("장 찬 할머니는 출생으로", "장 찬"),
        ("남궁 민 님, 잘 부탁드립니다", "남궁 민"),
        ("남궁민이 내원함", "남궁민"),
        ("제갈 윤과 함께 옴", "제갈 윤"),
        ("황보 영수 씨가 왔다", "황보 영수"),
        ("제갈 병철 교수", "제갈 병철"),
        ("김말순 할머니와 함께", "김말순"),
        ("박점례 씨, 어서 오세요", "박점례"),
        ("이칠성 환자는 3년간 고혈압", "이칠성"),
    ],
)
def test_one_syllable_given_names_compound_surnames_and_older_names_are_found(text, name):
    # Run: through the Korean engine, so context words and the particle tokenizer take part
    results = presidio_engines("ko").analyzer.analyze(text, language="ko", score_threshold=0.5)

    # Assert: one span covering the name; a particle-like syllable after it (이현은) may go with it
    spans = [text[r.start : r.end] for r in results if r.entity_type == "PERSON"]
    assert len(spans) == 1 and spans[0].startswith(name) and len(spans[0]) <= len(name) + 1, spans


@pytest.mark.parametrize(
    "text",
    [
        "환자 이송 후 보호자 이해도 양호, 신장(170cm), 정맥(IV) 확보.",
        "신장이 나쁘고 정맥이 약하며 안구가 건조하다. 유방에 멍울. 조직이 손상됨. 이상은 없다.",
        "이상 소견 없음. 정상 범위. 임상적으로 안정. 한방병원 전원. 유방암 검진. 배뇨장애.",
        "환자 정보 확인. 환자 상태 양호. 보호자 동의 받음. 환자 이상 없음.",
        "고혈압 약을 5년간 복용. 한 달 전부터 배뇨 시 통증. 조직검사 예정.",
    ],
)
def test_clinical_words_that_start_with_a_surname_stay(text):
    # Run
    results = presidio_engines("ko").analyzer.analyze(text, language="ko", score_threshold=0.5)

    # Assert
    assert [text[r.start : r.end] for r in results if r.entity_type == "PERSON"] == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("황준 쌤 오늘 환자 많네요", "황준"),
        ("사공 윤쌤이 야간 근무", "사공 윤"),
        ("고객: 서지민이고요, 1964-03-28입니다.", "서지민"),
        ("고객: 임경희고요, 네", "임경희"),
        ("서문 훈 환자분 추적 관찰", "서문 훈"),
        ("의무대 기록: 상병 김도윤, 군번 없음", "김도윤"),
    ],
)
def test_chat_answers_and_ranks_introduce_names(recognizer, found, text, name):
    # Run / Assert
    assert name in [t for t, _ in found(recognizer, text, threshold=0.5)]


@pytest.mark.parametrize(
    "text",
    ["주호소: 복통", "한기 환자 많네요", "간호사로 지정", "소장 이상 소견", "대장 내시경 예정", "정상이고요", "이상이고요"],
)  # fmt: skip
def test_chief_complaint_chills_and_organs_are_not_names(recognizer, found, text):
    # Run / Assert
    assert found(recognizer, text, threshold=0.5) == []
