"""KR_ADDRESS: road-name (도로명) and lot-number (지번) addresses, and a 시/도 + 시/군/구 splitter.

Road-name: ``서울특별시 종로구 세종대로 209``, ``경기도 성남시 분당구 판교역로 235, 101동 1001호``
(roads end in 로, 길, 가 or 거리; ``지하`` building numbers and a trailing ``(동명)`` are
kept). Lot-number: ``서울특별시 강남구 역삼동 123-45``, ``…면 …리 123번지``. An address
that starts with its 시/도 scores 0.85; one that starts at the 시/군/구 (``강남구 역삼동
123-45``) scores 0.6. Both need a building or lot number: a bare place name is not
an address. Importing this module loads nothing but ``re``; the recognizer class is
built on first use, so ``split_address`` can be used without Presidio.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from synthgate.privacy._address import SIDO as SIDO_FORMS
from synthgate.privacy._address import parse_address

__all__ = ["SIDO", "SIDO_ALIASES", "address_recognizer_class", "canonical_sido", "split_address"]

SIDO: tuple[str, ...] = tuple(SIDO_FORMS)
"""The 17 first-level divisions (시/도) by their current official names."""

SIDO_ALIASES: dict[str, str] = {alias: name for name, aliases in SIDO_FORMS.items() for alias in aliases}
"""Every spelling of a 시/도 we accept (full, short, pre-2023/2024 names) -> its official name.
One table serves the recognizer and the ``address_level`` rule (``privacy/_address.py``)."""

_SIDO_RE = "(?:" + "|".join(sorted(map(re.escape, SIDO_ALIASES), key=len, reverse=True)) + ")"
_SGG = r"[가-힣]{1,6}(?:시|군|구)"
_EMD = r"[가-힣0-9]{1,8}(?:읍|면)"
_NUMBER = r"(?:지하\s?)?[0-9]{1,5}(?:-[0-9]{1,5})?"
_ROAD = rf"[가-힣A-Za-z0-9·.]{{1,20}}?(?:로|길|거리|가)(?:\s?[0-9]{{1,4}}번?(?:길|가))?\s?{_NUMBER}"
_LOT = rf"[가-힣0-9]{{1,12}}?(?:동|리|가|마을)\s?(?:산\s?)?[0-9]{{1,5}}(?:-[0-9]{{1,5}})?(?:\s?번지)?"
_UNIT = r"(?:,?\s?[0-9]{1,4}동(?:\s?[0-9]{1,5}호)?|,?\s?[0-9]{1,5}호|,?\s?[0-9]{1,3}층)"
# A building name (강남파이낸스센터, OO아파트) when its kind or a 동/호/층 follows; then 동/호 before
# or after the (법정동, 건물명) note, then a postal code: (우 06236), 우편번호 06236.
_BUILDING_KINDS = "빌딩|타워|센터|아파트|오피스텔|빌라|맨션|하이츠|팩토리|프라자|플라자|상가|캐슬|단지|스퀘어|시티|회관"
_BUILDING = (
    rf"(?:\s[가-힣A-Za-z0-9]{{0,15}}(?:{_BUILDING_KINDS})(?![가-힣])"
    r"|\s[가-힣A-Za-z0-9]{2,15}(?=,?\s?[0-9]{1,4}(?:동|호|층)(?![가-힣])))?"
)
_DETAIL = (
    rf"{_BUILDING}{_UNIT}?(?:\s?\([가-힣0-9A-Za-z,.·\s]{{1,30}}\))?{_UNIT}?"
    r"(?:,?\s?\(?(?:우|우편번호)\)?\s?:?\s?[0-9]{5}\)?)?"
)
# A postal code written before the address is its own pattern: as an optional start of the address
# patterns it made every position of every text try it (the address recognizer took 2x as long).
_POSTAL_BEFORE = rf"(?<![0-9A-Za-z가-힣])(?:\([0-9]{{5}}\)|(?:우편번호|우)\s?:?\s?[0-9]{{5}},?)(?=\s?(?:{_SIDO_RE}|{_SGG}\s))"
_TAIL = rf"(?:\s{{1,2}}{_SGG}){{0,2}}(?:\s{{1,2}}{_EMD})?\s{{1,2}}(?:{_ROAD}|{_LOT}){_DETAIL}(?![0-9])"
_BOUNDARY = r"(?<![가-힣A-Za-z0-9])"
WITH_SIDO = rf"{_BOUNDARY}{_SIDO_RE}{_TAIL}"
WITHOUT_SIDO = rf"{_BOUNDARY}{_SGG}(?:\s{{1,2}}{_SGG})?(?:\s{{1,2}}{_EMD})?\s{{1,2}}(?:{_ROAD}|{_LOT}){_DETAIL}(?![0-9])"



def canonical_sido(name: str) -> str | None:
    """The official name of a 시/도 spelling (``"서울"`` -> ``"서울특별시"``), or None."""
    return SIDO_ALIASES.get(name.strip())


def split_address(text: str) -> tuple[str, str | None] | None:
    """Splits an address into its official 시/도 name and its 시/군/구.

    The 시/군/구 keeps a city's district (``"성남시 분당구"``), since the district alone
    is ambiguous; it is None when the address names none (세종특별자치시 has no
    시/군/구). Without a recognisable 시/도 the result is None: district names such as
    중구 or 동구 exist in several provinces, so the 시/도 cannot be guessed.

    Args:
        text: An address such as ``"경기도 성남시 분당구 판교역로 235"``.

    Returns:
        ``(sido, sigungu)`` or None.
    """
    return parse_address(text)


@cache
def address_recognizer_class() -> type:
    """Builds (once) the Presidio recognizer class; imports Presidio on first call."""
    from presidio_analyzer import Pattern

    from synthgate.privacy.recognizers._base import FoldingPatternRecognizer

    class KrAddressRecognizer(FoldingPatternRecognizer):
        """Finds Korean road-name and lot-number addresses."""

        PATTERNS = [
            Pattern("KR address (with 시/도)", WITH_SIDO, 0.85),
            Pattern("KR address (from 시/군/구)", WITHOUT_SIDO, 0.6),
            Pattern("KR postal code before an address", _POSTAL_BEFORE, 0.85),
        ]
        CONTEXT = ["주소", "거주", "거주지", "주소지", "소재지", "자택", "address", "residence", "lives"]

        def __init__(self, supported_language: str = "ko", **kwargs: Any) -> None:
            kwargs.setdefault("patterns", self.PATTERNS)
            kwargs.setdefault("context", self.CONTEXT)
            super().__init__(supported_entity="KR_ADDRESS", supported_language=supported_language, **kwargs)

        def validate_result(self, pattern_text: str) -> bool | None:
            """None (keep the pattern score); the patterns already demand a number."""
            return None

    KrAddressRecognizer.__module__ = __name__
    return KrAddressRecognizer


def __getattr__(name: str) -> Any:
    # ``from privacy.recognizers.kr_address import KrAddressRecognizer`` works, lazily.
    if name == "KrAddressRecognizer":
        return address_recognizer_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
