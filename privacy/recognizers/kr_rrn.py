"""KR_RRN and KR_FRN: resident and foreigner registration numbers with a birth-date check.

Presidio's recognizers match ``YYMMDD-GNNNNNN`` and score 1.0 when the pre-2020 check
digit holds. Numbers issued from October 2020 end in six random digits, so a failed
checksum proves nothing: such a number keeps the format score (0.5; 0.85 with a
context word such as 주민등록번호) instead of being dropped. What we add is a
deliberate structural check: the first six digits must be a real calendar date in
the century that the 7th digit names (1/2/5/6: 1900s, 3/4/7/8: 2000s), so
``991332-1234567`` is not a number at all, and Korean context words.
"""

from __future__ import annotations

import datetime as dt

from presidio_analyzer.predefined_recognizers import KrFrnRecognizer, KrRrnRecognizer

from synthgate.privacy.recognizers._base import fold_width

__all__ = ["KrFrnDateRecognizer", "KrRrnDateRecognizer", "birth_date_of"]

_CENTURY = {"1": 1900, "2": 1900, "5": 1900, "6": 1900, "3": 2000, "4": 2000, "7": 2000, "8": 2000, "9": 1800, "0": 1800}
_RRN_CONTEXT = ["주민등록번호", "주민번호", "주민등록", "주민", "생년월일", "resident", "registration", "rrn", "ssn"]
_FRN_CONTEXT = ["외국인등록번호", "외국인번호", "외국인", "등록번호", "foreigner", "alien", "registration", "frn"]


def birth_date_of(number: str) -> dt.date | None:
    """The birth date encoded in an RRN/FRN (any separators), or None if it is no date."""
    digits = [c for c in fold_width(number) if c.isdigit()]
    if len(digits) != 13:
        return None
    text = "".join(digits)
    year = _CENTURY[text[6]] + int(text[:2])
    try:
        return dt.date(year, int(text[2:4]), int(text[4:6]))
    except ValueError:
        return None


class _BirthDateCheck:
    """Rejects numbers whose first six digits are no calendar date, before Presidio's checksum."""

    def validate_result(self, pattern_text: str) -> bool | None:
        """False for an impossible birth date; True for a valid pre-2020 checksum; else None."""
        if birth_date_of(pattern_text) is None:
            return False
        return super().validate_result(pattern_text)  # type: ignore[misc]


class KrRrnDateRecognizer(_BirthDateCheck, KrRrnRecognizer):
    """Presidio's ``KrRrnRecognizer`` plus a calendar check and Korean context words."""

    CONTEXT = [*KrRrnRecognizer.CONTEXT, *_RRN_CONTEXT]

    def __init__(self, supported_language: str = "ko") -> None:
        super().__init__(context=self.CONTEXT, supported_language=supported_language)


class KrFrnDateRecognizer(_BirthDateCheck, KrFrnRecognizer):
    """Presidio's ``KrFrnRecognizer`` plus a calendar check and Korean context words."""

    CONTEXT = [*KrFrnRecognizer.CONTEXT, *_FRN_CONTEXT]

    def __init__(self, supported_language: str = "ko") -> None:
        super().__init__(context=self.CONTEXT, supported_language=supported_language)
