"""PERSON for Korean names that ``KrNameRecognizer`` leaves: spaced, one-syllable and 이-ending given names.

- after an introducing word or rank (``배우자 전민임``, ``일병 전 혜는``, ``청구인 정 영자,``,
  ``성명: 권 분이 /``, ``본인 홍 덕배 서명``): 0.75;
- a spaced name before a title, 님 or 씨, even one spelling a clinical word (``정 지 환자``): 0.75;
- a spaced name ending at punctuation, a number or the end, maybe after a particle (``송 성은
  2020...``, ``황보 진,``): 0.6, never with surnames that are everyday words (이, 전, 안, 한 ...);
- an older given name in 이 (``권분이``, ``조순이``): 0.6, minus words such as 기분이, 성분이;
- a name glued to (남/29세): ``이성(남``: 0.6.

Unspaced candidates go through ``KrNameRecognizer``'s stoplist and clinical words; a space
between surname and given name is kept as evidence (nobody writes 정맥 as 정 맥 in a note).
"""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import Pattern

from synthgate.privacy.recognizers._base import FoldingPatternRecognizer
from synthgate.privacy.recognizers.kr_name import CLINICAL_WORDS, GIVEN_SYLLABLES, NAME_STOPLIST, SURNAMES

__all__ = ["KrSpacedNameRecognizer"]

_COMPOUND = "|".join(s for s in SURNAMES if len(s) == 2)
_SINGLE = "".join(s for s in SURNAMES if len(s) == 1)
# Surnames that are also everyday words or counters (이 this, 전 before, 한 one, 제 my, 도 degrees ...).
_WORDLIKE = "이전안한제오정구육백천공도시명주장방두지기소수성"
_SAFE_SINGLE = "".join(s for s in _SINGLE if s not in _WORDLIKE)
_B = "(?<![가-힣A-Za-z0-9])"
_SURNAME = f"(?:{_COMPOUND}|[{_SINGLE}])"
_GIVEN = f"[{GIVEN_SYLLABLES}]"
_OLD_I = "분순말복옥끝덕"  # 분이, 순이, 말이: given names of older women ending in 이
_PARTICLE = "에게서|한테서|께서는|께서|에게는|에게|한테|에서|으로|이라고|라고|이며|이고|입니다|이다|의|이|가|은|는|을|를|와|과|도|만|로|임"
_END = rf"(?=(?:{_PARTICLE})?(?![가-힣]))"
# Words that introduce a person (성명, 배우자, a rank): even 전민 after them is a name.
_INTRO = (
    "배우자|본인|청구인|신청인|의뢰인|대리인|수령인|서명인|작성자|성명|이름|성함|"
    "병장|상병|일병|이병|하사|중사|상사|소위|중위|대위|아들|딸|남편|아내|어머니|아버지|동생|언니|누나|오빠"
)
# Words that are also followed by nouns (환자 이송, 보호자 이해도): a spaced or 3-syllable name only.
_ROLE = "환자|보호자|담당의|주치의|간호사"
_TITLE = "환자|보호자|간호사|선생님|선생|님|씨|할머니|할아버지|어르신|여사"
_NOT_NAMES = frozenset(
    """기분 성분 구분 신분 염분 양분 전분 지분 한분 두분 수분 부분 시분 일분 이분 삼분 오분 구분 십분 충분
    주말 연말 기말 공복 회복 지금 조금 방금 현금 연금 송금 예금 요금 세금 장말 고말 반복 신복 한복""".split()
)


class KrSpacedNameRecognizer(FoldingPatternRecognizer):
    """Finds spaced and 이-ending Korean names (see the module docstring)."""

    # A space or colon after the intro word: glued, 간호사로 지정 is a particle (로), not a surname.
    PATTERNS = [
        Pattern("KR name after intro or rank", rf"{_B}(?:{_INTRO})(?:\s?[:：]\s?|\s)\K{_SURNAME}\s?{_GIVEN}{{1,2}}{_END}", 0.75),
        Pattern("KR name after role", rf"{_B}(?:{_ROLE})(?:\s?[:：]\s?|\s)\K(?:{_SURNAME}\s{_GIVEN}{{1,2}}|{_SURNAME}{_GIVEN}{{2}}){_END}", 0.75),
        Pattern("KR 이-name after intro", rf"{_B}(?:{_INTRO}|{_ROLE})(?:\s?[:：]\s?|\s)\K{_SURNAME}\s?[{_OLD_I}]이{_END}", 0.75),
        Pattern("KR spaced name + title", rf"{_B}{_SURNAME}\s{_GIVEN}{{1,2}}(?:이)?(?=\s?(?:{_TITLE})(?:{_PARTICLE})?(?![가-힣]))", 0.75),
        Pattern("KR spaced name at a boundary",
                rf"{_B}(?:{_COMPOUND}|[{_SAFE_SINGLE}])\s{_GIVEN}{{1,2}}(?=(?:{_PARTICLE})?(?:\s*[^\s가-힣]|\s*$))", 0.6),
        # 전 혜, / 이 정) : a word-like surname only with one syllable that ends at punctuation or the text.
        Pattern("KR spaced short name before punctuation", rf"{_B}[{_WORDLIKE}]\s{_GIVEN}(?=\s*[,/);]|\s*$)", 0.55),
        Pattern("KR 이-ending given name", rf"{_B}{_SURNAME}\s?[{_OLD_I}]이(?=(?:{_PARTICLE})?(?![가-힣]))", 0.6),
        Pattern("KR name + (sex", rf"{_B}{_SURNAME}{_GIVEN}{{1,2}}(?=\((?:남|여|M|F)\b)", 0.6),
    ]

    def __init__(self, supported_language: str = "ko", **kwargs: Any) -> None:
        kwargs.setdefault("patterns", self.PATTERNS)
        kwargs.setdefault("context", [])
        super().__init__(supported_entity="PERSON", supported_language=supported_language, **kwargs)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None, regex_flags: Any = None) -> list:
        """Matches without IGNORECASE (Hangul has no case)."""
        return super().analyze(text, entities, nlp_artifacts, regex_flags or re.DOTALL | re.MULTILINE)

    def validate_result(self, pattern_text: str) -> bool | None:
        """False for an unspaced stoplisted or clinical word, or an 이-word such as 기분이; else None."""
        if " " in pattern_text.strip():
            return None
        compact = pattern_text.strip()
        # 이해도, 기분이: a word plus a particle-like syllable is still that word.
        stem = compact[:-1] if compact[-1:] in "이은는가도나을를의" else compact
        words = {compact, stem}
        if words & (NAME_STOPLIST | CLINICAL_WORDS | _NOT_NAMES):
            return False
        return None
