"""Name and SSN shapes added after the fourth evaluation set: romanised Korean, role-introduced and chart names,
short Hangul names before roles and identifier labels, SSNs a few words after their label, and spaCy headings.

Sentences here are written for these tests, not copied from any evaluation set.
"""

import pytest

from synthgate.privacy._engines import _not_a_person
from synthgate.privacy.recognizers import _romanised_korean as romanised
from synthgate.privacy.recognizers.en_known_name import EnglishKnownNameRecognizer
from synthgate.privacy.recognizers.kr_name import KrNameRecognizer
from synthgate.privacy.recognizers.us_ssn import LabelledSsnRecognizer


@pytest.fixture(scope="module")
def english():
    return EnglishKnownNameRecognizer()


@pytest.fixture(scope="module")
def korean():
    return KrNameRecognizer()


@pytest.mark.parametrize(
    ("word", "syllables"),
    [("Minsoo", 2), ("Jiyeon", 2), ("Min-soo", 2), ("Seung-hee", 2), ("Taeseo", 2), ("Jae", 1), ("Hyun", 1),
     ("Avenue", 0), ("Hotel", 0), ("Lines", 0), ("Seoul", 0), ("Pressure", 0)],
)  # fmt: skip
def test_romanised_given_names_split_into_syllables_and_english_words_do_not(word, syllables):
    # Run / Assert
    assert romanised.syllable_count(word) == syllables


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Clinic letter for Sunwoo Hayeon, follow-up booked", ["Sunwoo Hayeon"]),
        ("Escort: Jaehyun Baek waited outside", ["Jaehyun Baek"]),
        ("The translator met Ji Hoon Park at the desk", ["Ji Hoon Park"]),
        ("referred by Kwon Dae-sung last week", ["Kwon Dae-sung"]),
        ("Then Hwangbo Min visited", ["Hwangbo Min"]),
        ("caller choi yuna asked about the bill", ["choi yuna"]),
        ("my daughter ellen brooks has a rash", ["ellen brooks"]),
        ("Claimant: WALSH, Hope. Form 7.", ["WALSH, Hope"]),
    ],
)
def test_names_found_in_this_round(found, english, text, names):
    # Run
    spans = [s for s, _ in found(english, text, 0.5)]

    # Assert
    assert spans == names


@pytest.mark.parametrize(
    "text",
    [
        "In Daejeon the clinic opened late.",  # a Korean city splits into name syllables
        "Do not resuscitate was discussed.",
        "In Lee's series the rate was low.",  # a one-syllable word at a sentence's start is the word
        "park hyun dai near the entrance",  # lower case without a role word before it
        "Hope, Grant and the team met.",  # words that are names need more than a comma
    ],
)
def test_look_alikes_stay(found, english, text):
    # Run / Assert
    assert found(english, text, 0.5) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("근로자 한결, 야간 근무 제한", "한결"),
        ("의뢰의: 표봄", "표봄"),
        ("안녕하세요 황보란입니다 예약 문의드려요", "황보란"),
        ("서문결의 보호자에게 설명함", "서문결"),
        ("권솔 | 등록번호 12-3344", "권솔"),
        ("검사자 확인: 방별 간호사 입회", "방별"),
    ],
)
def test_short_hangul_names_before_roles_labels_and_self_introductions(found, korean, text, name):
    # Run
    spans = [s for s, _ in found(korean, text, 0.5)]

    # Assert
    assert name in spans


@pytest.mark.parametrize(
    "text",
    ["분만 예정일은 다음 주로 잡혔다", "마지막 투약 후 관찰", "경막하 출혈 소견 없음", "주민등록번호 확인함", "정상 | 연락처 없음"],
)
def test_common_words_before_labels_stay(found, korean, text):
    # Run / Assert
    assert found(korean, text, 0.5) == []


@pytest.mark.parametrize(
    ("text", "ssn"),
    [("SSN on record: 123456789.", "123456789"), ("Social security number as provided 234 56 7890", "234 56 7890")],
)
def test_ssn_a_few_words_after_its_label(found, text, ssn):
    # Run / Assert
    assert [s for s, _ in found(LabelledSsnRecognizer(), text, 0.5)] == [ssn]


def test_ssn_after_a_clause_break_is_not_taken_as_labelled(found):
    # Run / Assert: the semicolon ends the label's clause.
    assert found(LabelledSsnRecognizer(), "SSN unknown; order 123456789 shipped", 0.5) == []


@pytest.mark.parametrize(
    ("span", "dropped"),
    [("DENTAL CHART - patient", True), ("DISCHARGE PLAN", True), ("Bethesda III", True), ("CPT Stark's", False),
     ("John Smith III", False), ("GARCIA, LUIS", False), ("Heidi van der Berg", False)],
)  # fmt: skip
def test_spacy_headings_and_phrases_are_no_person(span, dropped):
    # Run / Assert
    assert _not_a_person("PERSON", span) is dropped


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Seen by nurse K. Okafor today", ["K. Okafor"]),
        ("Claim for OYELARAN, Tope filed", ["OYELARAN, Tope"]),
        ("Son PARK Ji-woo will drive", ["PARK Ji-woo"]),
        ("Inmate RAHUL NAIR, cell 4", ["RAHUL NAIR"]),
        ("Referral for Héctor Díaz-Ramos", ["Héctor Díaz-Ramos"]),
    ],
)
def test_initials_world_names_and_accents(found, english, text, names):
    # Run
    spans = [s for s, _ in found(english, text, 0.5)]

    # Assert
    assert spans == names


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("보호자 명단: 오민철, 남정희, 감보람.", "감보람"),
        ("유전상담사 부세진 드림", "부세진"),
        ("면회: 표다솜(딸)", "표다솜"),
        ("[온정민] 외래 예약", "온정민"),
        ("간병인 갈누리 님 교대", "갈누리"),
    ],
)
def test_lists_sign_offs_relations_and_rarer_surnames(found, korean, text, name):
    # Run
    spans = [s for s, _ in found(korean, text, 0.5)]

    # Assert
    assert name in spans


@pytest.mark.parametrize(
    "text",
    ["증상: 두통, 구토, 오한 있음", "환자 김민수, 주소 미상", "부작용 없음. 동반 증상 없음. 감기 증상. 대표님 확인", "사고일 2024-03-02", "[감기] 처방"],
)
def test_lists_and_rarer_surnames_leave_words(found, korean, text):
    # Run
    spans = [s for s, _ in found(korean, text, 0.5)]

    # Assert: only a real name (김민수) may be found, never a word beside it.
    assert set(spans) <= {"김민수"}


def test_name_lists_keep_multiword_entries_whole():
    # Setup
    from synthgate.privacy import names

    # Run / Assert: "the elder" in a list must not make "the" a surname.
    assert not names.is_surname("the") and names.is_surname("Díaz") and names.is_surname("DIAZ")
