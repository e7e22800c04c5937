"""KR_HEALTH_INSURANCE_NUMBER: the 11-digit National Health Insurance card number (증번호).

The NHIS prints an 11-digit 증번호 on the 건강보험증; one number covers a household.
It is written as 11 plain digits or grouped with a hyphen or space (``1-2345678901``,
``12345-678901``). There is no public check digit, so 11 digits alone prove nothing:
the format scores only 0.15 and needs a context word (건강보험, 보험증, 증번호, NHIS,
insurance ...) in the five words before it to reach 0.5. Eleven digits that read as a
Korean mobile number (01X...) are left to KR_PHONE_NUMBER.
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from synthgate.privacy.recognizers._base import FoldingPatternRecognizer

__all__ = ["KrHealthInsuranceRecognizer"]


class KrHealthInsuranceRecognizer(FoldingPatternRecognizer):
    """Finds health insurance card numbers; reliable only next to a context word."""

    PATTERNS = [
        Pattern("KR health insurance (11 digits)", r"(?<![0-9\-])[0-9](?:[- ]?[0-9]){10}(?![0-9]|-[0-9])", 0.15),
    ]
    CONTEXT = [
        "건강보험", "건강보험증", "보험증", "증번호", "건보", "국민건강보험", "보험번호", "가입자번호",
        "insurance", "nhis", "health", "insured",
    ]  # fmt: skip

    def __init__(self, supported_language: str = "ko", **kwargs) -> None:
        kwargs.setdefault("patterns", self.PATTERNS)
        kwargs.setdefault("context", self.CONTEXT)
        super().__init__(
            supported_entity="KR_HEALTH_INSURANCE_NUMBER", supported_language=supported_language, **kwargs
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        """False for more than one separator group of spaces or a mobile-number shape."""
        digits = re.sub(r"[^0-9]", "", pattern_text)
        if len(digits) != 11 or len(re.findall(r"[- ]", pattern_text)) > 2:
            return False
        if re.fullmatch(r"01[016789][- ]?[0-9]{4}[- ]?[0-9]{4}", pattern_text):
            return False
        return None
