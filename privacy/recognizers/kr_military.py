"""KR_MILITARY_SERVICE_NUMBER: the 군번 of Korean soldiers, NCOs and officers.

Formats covered (YY = the two-digit year of enlistment or commission):

- enlisted soldiers (병사) ``YY-NNNNNNNN``, e.g. ``21-71234567`` (2 + 8 digits), 0.35;
- NCOs (부사관) ``YY-NNNNNN``, e.g. ``15-123456`` (2 + 6 digits), 0.2;
- officers (장교) ``YY-NNNNN``, e.g. ``08-12345`` (2 + 5 digits), 0.2;
- the enlisted number written without its hyphen (10 digits), 0.1.

There is no check digit. The short forms look like many other codes, so they need a
context word (군번, 병사, 장교, 부사관, a rank such as 병장 or 대위, or service, serial,
soldier, army ...) to pass a 0.5 threshold; context adds 0.35.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from synthgate.privacy.recognizers._base import FoldingPatternRecognizer

__all__ = ["KrMilitaryServiceNumberRecognizer"]

_START = r"(?<![0-9A-Za-z\-.])"
_END = r"(?![0-9]|-[0-9])"


class KrMilitaryServiceNumberRecognizer(FoldingPatternRecognizer):
    """Finds 군번 in the enlisted, NCO and officer formats."""

    PATTERNS = [
        Pattern("KR military (enlisted)", rf"{_START}[0-9]{{2}}-[0-9]{{8}}{_END}", 0.35),
        Pattern("KR military (NCO/officer)", rf"{_START}[0-9]{{2}}-[0-9]{{5,6}}{_END}", 0.2),
        Pattern("KR military (enlisted, digits)", rf"{_START}[0-9]{{10}}{_END}", 0.1),
    ]
    CONTEXT = [
        "군번", "병사", "장교", "부사관", "군인", "입대", "전역", "복무", "부대", "육군", "해군", "공군", "해병",
        "병장", "상병", "일병", "이병", "하사", "중사", "상사", "원사", "소위", "중위", "대위", "소령", "중령", "대령",
        "service", "serial", "military", "soldier", "army", "navy", "sergeant", "officer", "enlisted",
    ]  # fmt: skip

    def __init__(self, supported_language: str = "ko", **kwargs) -> None:
        kwargs.setdefault("patterns", self.PATTERNS)
        kwargs.setdefault("context", self.CONTEXT)
        super().__init__(
            supported_entity="KR_MILITARY_SERVICE_NUMBER", supported_language=supported_language, **kwargs
        )
