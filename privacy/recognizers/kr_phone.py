"""KR_PHONE_NUMBER: Korean mobile, landline, internet, safe and representative numbers.

Covered (separators ``-``, ``.``, space or none; full-width forms are folded first):

- mobile ``010-1234-5678`` and the legacy 011/016/017/018/019 with 3- or 4-digit middles;
- landline ``02-123-4567``, ``(02) 1234-5678`` and the 16 regional codes 031-064;
- internet phone ``070-1234-5678`` and personal safe numbers ``0504-123-4567`` (0502-0508);
- ``+82 10-1234-5678``, ``+82-2-123-4567``, ``+821012345678`` (also ``+82 (0)10 ...``);
- representative numbers ``1588-1234`` (15xx, 16xx, 18xx): businesses, not people, so
  they score low and need a context word such as 전화 or 문의.

``validate_result`` checks the area code against the list and the digit count per
prefix, and rejects a number that fails either; it never raises a score to 1.0, so
the per-pattern scores below hold (separated > digits-only).
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from synthgate.privacy.recognizers._base import FoldingPatternRecognizer

__all__ = ["AREA_CODES", "KrPhoneRecognizer"]

AREA_CODES = frozenset(
    {"02", "031", "032", "033", "041", "042", "043", "044", "051", "052", "053", "054", "055", "061", "062", "063", "064"}
)
_MOBILE = frozenset({"010", "011", "016", "017", "018", "019"})
_START = r"(?<![0-9A-Za-z+\-.])"
_END = r"(?![0-9]|[-.][0-9])"
_SEP = r"[-. ]"
_PREFIX = r"(?:01[016789]|02|0[3-6][1-5]|070|050[2-8])"


class KrPhoneRecognizer(FoldingPatternRecognizer):
    """Finds Korean telephone numbers (see the module docstring for the formats)."""

    PATTERNS = [
        Pattern("KR phone (+82)", rf"(?<![0-9A-Za-z+])\+82{_SEP}?(?:\(0\))?{_SEP}?0?(?:1[016789]|2|[3-6][1-5]|70|50[2-8]){_SEP}?[0-9]{{3,4}}{_SEP}?[0-9]{{4}}{_END}", 0.85),
        Pattern("KR mobile (separated)", rf"{_START}01[016789]{_SEP}[0-9]{{3,4}}{_SEP}[0-9]{{4}}{_END}", 0.75),
        Pattern("KR landline (separated)", rf"{_START}(?:\({_PREFIX}\) ?|{_PREFIX}{_SEP})[0-9]{{3,4}}{_SEP}[0-9]{{4}}{_END}", 0.6),
        Pattern("KR mobile (digits)", rf"{_START}01[016789][0-9]{{7,8}}{_END}", 0.5),
        Pattern("KR landline (digits)", rf"{_START}(?:02|0[3-6][1-5]|070|050[2-8])[0-9]{{7,8}}{_END}", 0.3),
        Pattern("KR representative", rf"{_START}1[568][0-9]{{2}}-[0-9]{{4}}{_END}", 0.2),
    ]  # fmt: skip
    CONTEXT = [
        "전화", "전화번호", "연락처", "연락", "휴대폰", "핸드폰", "휴대전화", "번호", "문의", "콜센터", "팩스",
        "phone", "telephone", "tel", "mobile", "cell", "call", "contact", "fax",
    ]  # fmt: skip

    def __init__(self, supported_language: str = "ko", **kwargs) -> None:
        kwargs.setdefault("patterns", self.PATTERNS)
        kwargs.setdefault("context", self.CONTEXT)
        super().__init__(supported_entity="KR_PHONE_NUMBER", supported_language=supported_language, **kwargs)

    def validate_result(self, pattern_text: str) -> bool | None:
        """False unless the prefix is a Korean one and the digit count fits it; else None."""
        return None if is_korean_phone_number(pattern_text) else False


def is_korean_phone_number(text: str) -> bool:
    """Whether ``text`` (ASCII digits, any separators) has a valid Korean number structure."""
    digits = re.sub(r"[^0-9]", "", text)
    if text.lstrip().startswith("+"):
        digits = digits[2:]  # the country code 82
        digits = digits if digits.startswith("0") else "0" + digits
    n = len(digits)
    if digits[:2] in {"15", "16", "18"}:
        return n == 8
    if digits[:3] in _MOBILE:
        return n == 11 if digits[:3] == "010" else n in (10, 11)
    if digits[:2] == "02":
        return n in (9, 10)
    if digits[:3] in AREA_CODES:
        return n in (10, 11)
    if digits[:3] == "070":
        return n == 11
    if digits[:3] == "050" and digits[3:4] in set("2345678"):
        return n in (11, 12)
    return False
