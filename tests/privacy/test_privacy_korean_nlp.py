"""Tests for the in-memory Korean spaCy pipeline and its Presidio engine."""

from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synthgate.privacy._engines import presidio_engines
from synthgate.privacy._korean import korean_nlp, split_particles


korean_nlp_cached = cache(korean_nlp)


@pytest.fixture(scope="module")
def nlp():
    return korean_nlp_cached()


@pytest.mark.parametrize(
    "word, parts",
    [
        ("홍길동님께서", ["홍길동", "님", "께서"]),
        ("주민등록번호는", ["주민등록번호", "는"]),
        ("김철수씨가", ["김철수", "씨", "가"]),
        ("병원에서는", ["병원", "에서는"]),
        ("아이", ["아이"]),  # a stem keeps two characters
        ("고혈압", ["고혈압"]),
    ],
)
def test_split_particles(word, parts):
    # Run / Assert
    assert split_particles(word) == parts


def test_tokens_and_lemmas(nlp):
    # Run
    doc = nlp("홍길동님께서 010-1234-5678로 연락")

    # Assert
    assert [t.text for t in doc][:3] == ["홍길동", "님", "께서"]
    assert [t.lemma_ for t in doc] == [t.text for t in doc]
    assert "로" in [t.text for t in doc]


@given(st.text(alphabet=st.sampled_from(list("홍길동님께서는의 가나다 0-9.,")), max_size=40))
def test_tokenisation_keeps_the_text(text):
    # Run / Assert: offsets Presidio reports must point into the original text
    assert korean_nlp_cached()(text).text == text


def test_context_words_in_korean_are_read_from_lemmas():
    # Setup: 주민등록번호는 -> lemma 주민등록번호, a context word of KR_RRN
    analyzer = presidio_engines("ko").analyzer
    text = "주민등록번호는 900101-1234567"

    # Run
    with_context = analyzer.analyze(text, language="ko", entities=["KR_RRN"])
    without = analyzer.analyze("900101-1234567", language="ko", entities=["KR_RRN"])

    # Assert
    assert [r.score for r in with_context] == [pytest.approx(0.85)]
    assert [r.score for r in without] == [pytest.approx(0.5)]


@pytest.mark.parametrize(
    "language, text, entity",
    [
        ("en", "RRN 900101-1234568 on file.", "KR_RRN"),
        ("en", "Plate 12가3456 seen.", "KR_VEHICLE_PLATE"),
        ("ko", "이메일 minjun@example.kr 로", "EMAIL_ADDRESS"),
        ("ko", "카드 4111 1111 1111 1111", "CREDIT_CARD"),
        ("ko", "IP 192.168.0.1 접속", "IP_ADDRESS"),
    ],
)
def test_every_pattern_recognizer_serves_both_languages(language, text, entity):
    # Run
    results = presidio_engines(language).analyzer.analyze(text, language=language, score_threshold=0.5)

    # Assert
    assert entity in {r.entity_type for r in results}


def test_engines_are_cached_per_language_and_patterns():
    # Run / Assert
    assert presidio_engines("ko") is presidio_engines("ko", medical_record_patterns=())
    assert presidio_engines("ko") is not presidio_engines("ko", medical_record_patterns=(r"H[0-9]{9}",))
    assert presidio_engines("ko") is not presidio_engines("en")


@pytest.mark.parametrize(
    "text, entity, value",
    [
        ("이메일은 minjun@example.com입니다.", "EMAIL_ADDRESS", "minjun@example.com"),
        ("IP 192.168.0.1로 접속", "IP_ADDRESS", "192.168.0.1"),
        ("홈페이지 https://example.com에서 확인", "URL", "https://example.com"),
        ("카드 4111111111111111로 결제", "CREDIT_CARD", "4111111111111111"),
    ],
)
def test_global_recognizers_stop_at_an_attached_particle(text, entity, value):
    # Run
    results = presidio_engines("ko").analyzer.analyze(text, language="ko", entities=[entity], score_threshold=0.5)

    # Assert
    assert [text[r.start : r.end] for r in results] == [value]
