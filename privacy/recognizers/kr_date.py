"""DATE_TIME in Korean text: ``1990-01-05``, ``1990.1.5.``, ``1990/01/05``, ``1990년 1월 5일``.

There is no Korean NER model, so dates of birth in Korean text are found by pattern.
A full date scores 0.6 and 0.95 next to 생년월일, 생일, 출생, DOB or born;
``19900105`` (8 digits) scores 0.2 and needs such a word. ``validate_result``
rejects impossible dates (2월 30일, month 13) and years outside 1900-2099.
"""

from __future__ import annotations

import datetime as dt
import re

from presidio_analyzer import Pattern

from synthgate.privacy.recognizers._base import FoldingPatternRecognizer

__all__ = ["KrDateRecognizer", "parse_korean_date"]

_START = r"(?<![0-9A-Za-z\-./])"
_END = r"(?![0-9]|[-./][0-9])"
_YEAR = r"(?:19|20)[0-9]{2}"


def parse_korean_date(text: str) -> dt.date | None:
    """The date written in ``text`` in one of the covered formats, or None if it is no date."""
    numbers = re.findall(r"[0-9]+", text)
    if len(numbers) == 1 and len(numbers[0]) == 8:
        numbers = [numbers[0][:4], numbers[0][4:6], numbers[0][6:]]
    if len(numbers) != 3 or len(numbers[0]) != 4:
        return None
    try:
        return dt.date(int(numbers[0]), int(numbers[1]), int(numbers[2]))
    except ValueError:
        return None


class KrDateRecognizer(FoldingPatternRecognizer):
    """Finds full calendar dates written the Korean way (and ISO dates)."""

    PATTERNS = [
        Pattern("KR date (년 월 일)", rf"{_START}{_YEAR}\s?년\s?[0-9]{{1,2}}\s?월\s?[0-9]{{1,2}}\s?일", 0.6),
        Pattern("KR date (separated)", rf"{_START}{_YEAR}(?:-[0-9]{{1,2}}-|/[0-9]{{1,2}}/|\.\s?[0-9]{{1,2}}\.\s?)[0-9]{{1,2}}\.?{_END}", 0.6),
        Pattern("KR date (8 digits)", rf"(?<![0-9]){_YEAR}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])(?![0-9])", 0.2),
    ]  # fmt: skip
    CONTEXT = ["생년월일", "생일", "출생", "출생일", "태어", "dob", "birth", "birthday", "born"]

    def __init__(self, supported_language: str = "ko", **kwargs) -> None:
        kwargs.setdefault("patterns", self.PATTERNS)
        kwargs.setdefault("context", self.CONTEXT)
        super().__init__(supported_entity="DATE_TIME", supported_language=supported_language, **kwargs)

    def validate_result(self, pattern_text: str) -> bool | None:
        """False for an impossible calendar date; else None (the pattern score holds)."""
        return None if parse_korean_date(pattern_text) is not None else False
