"""PHONE_NUMBER for every country but Korea, whose numbers are KR_PHONE_NUMBER."""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer.predefined_recognizers import PhoneRecognizer

__all__ = ["DEFAULT_REGIONS", "KOREAN_TEXT_REGIONS", "NonKoreanPhoneRecognizer"]

DEFAULT_REGIONS = ("US", "GB", "DE", "FR", "IL", "IN", "CA", "BR")
"""Presidio's default phone regions. Korea is left out: ``KrPhoneRecognizer`` checks
Korean area codes itself. Numbers written with a +country code are found whatever
the region; fewer regions are faster but miss numbers valid only in a dropped one."""

KOREAN_TEXT_REGIONS = ("US",)
"""Regions for Korean text: foreign numbers there carry their +country code, and the
short national formats of DE or BR read lot numbers (``16-86``) as phone numbers."""


class NonKoreanPhoneRecognizer(PhoneRecognizer):
    """Presidio's ``PhoneRecognizer`` minus +82 numbers, so a Korean number gets one type."""

    def __init__(self, supported_language: str = "en", supported_regions: tuple[str, ...] | None = None) -> None:
        if supported_regions is None:
            supported_regions = KOREAN_TEXT_REGIONS if supported_language == "ko" else DEFAULT_REGIONS
        super().__init__(supported_language=supported_language, supported_regions=supported_regions)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list:
        """Presidio's phone results, without those whose number starts with +82 or 0082."""
        results = super().analyze(text, entities, nlp_artifacts)
        return [r for r in results if not _is_korean_international(text[r.start : r.end])]


def _is_korean_international(number: str) -> bool:
    compact = re.sub(r"[^0-9+]", "", number)
    return compact.startswith(("+82", "0082"))
