"""A small pure parser of Korean addresses: the 시/도 (current official name) and the 시/군/구."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["SIDO", "parse_address"]

SIDO: dict[str, tuple[str, ...]] = {
    "서울특별시": ("서울특별시", "서울시", "서울"),
    "부산광역시": ("부산광역시", "부산시", "부산"),
    "대구광역시": ("대구광역시", "대구시", "대구"),
    "인천광역시": ("인천광역시", "인천시", "인천"),
    "광주광역시": ("광주광역시", "광주"),  # not "광주시": that is also a city in 경기도
    "대전광역시": ("대전광역시", "대전시", "대전"),
    "울산광역시": ("울산광역시", "울산시", "울산"),
    "세종특별자치시": ("세종특별자치시", "세종시", "세종"),
    "경기도": ("경기도", "경기"),
    "강원특별자치도": ("강원특별자치도", "강원도", "강원"),  # renamed 2023-06-11
    "충청북도": ("충청북도", "충북"),
    "충청남도": ("충청남도", "충남"),
    "전북특별자치도": ("전북특별자치도", "전라북도", "전북"),  # renamed 2024-01-18
    "전라남도": ("전라남도", "전남"),
    "경상북도": ("경상북도", "경북"),
    "경상남도": ("경상남도", "경남"),
    "제주특별자치도": ("제주특별자치도", "제주도", "제주"),
}
"""The 17 시/도 by current official name, with the older and short forms that map to it."""

_ALIASES = {alias: name for name, aliases in SIDO.items() for alias in aliases}
_BY_LENGTH = sorted(_ALIASES, key=len, reverse=True)  # "서울특별시" before "서울"
_NO_SIGUNGU = frozenset({"세종특별자치시"})  # 세종 has no 시/군/구 below it
# A leading postcode ("(13529)", "13529") or country name is skipped.
_PREFIX = re.compile(r"^(?:\(?\d{5}\)?\s*|대한민국\s*|korea\s*|south korea\s*)+", re.IGNORECASE)
_SIGUNGU = re.compile(r"^[가-힣]{1,6}[시군구]$")
_CITY_DISTRICT = re.compile(r"^([가-힣]{1,6}시)([가-힣]{1,6}구)$")  # "성남시분당구" written as one word


def parse_address(text: str, *, keep_gu_in_si: bool = True) -> tuple[str, str | None] | None:
    """Reads the 시/도 and the 시/군/구 of a Korean road-name or lot-number address.

    ``"서울 강남구 테헤란로 152"`` gives ``("서울특별시", "강남구")``; ``"경기도 성남시
    분당구 판교역로 235"`` gives ``("경기도", "성남시 분당구")`` (with
    ``keep_gu_in_si=False``: ``"성남시"``); ``"세종시 한누리대로 2130"`` gives
    ``("세종특별자치시", None)``. Old and short names become the current official
    name (``"전라북도"`` → ``"전북특별자치도"``). Text is NFKC-normalised first; a
    leading postcode or "대한민국" is skipped; the 시/도 may be glued to the next word.

    Args:
        text: The address.
        keep_gu_in_si: Keep the 구 of a city that has districts (성남시 분당구).

    Returns:
        ``(sido, sigungu)`` (``sigungu`` None when absent), or None when the text does
        not start with one of the 17 시/도.
    """
    words = _PREFIX.sub("", " ".join(unicodedata.normalize("NFKC", text).split())).split(" ")
    if not words or not words[0]:
        return None
    first = words[0]
    for alias in _BY_LENGTH:
        if first.startswith(alias):
            rest = first[len(alias) :]
            break
    else:
        return None
    sido = _ALIASES[alias]
    tail = ([rest] if rest else []) + words[1:]
    if rest and not (_SIGUNGU.match(rest) or _CITY_DISTRICT.match(rest)):
        return None  # "서울대학교..." or "경기장": not an address that starts with a 시/도
    if sido in _NO_SIGUNGU or not tail:
        return sido, None
    return sido, _sigungu(tail, keep_gu_in_si)


def _sigungu(words: list[str], keep_gu_in_si: bool) -> str | None:
    glued = _CITY_DISTRICT.match(words[0])
    if glued:
        return f"{glued[1]} {glued[2]}" if keep_gu_in_si else glued[1]
    if not _SIGUNGU.match(words[0]):
        return None
    if keep_gu_in_si and words[0].endswith("시") and len(words) > 1 and words[1].endswith("구") and _SIGUNGU.match(words[1]):
        return f"{words[0]} {words[1]}"
    return words[0]
