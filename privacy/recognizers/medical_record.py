"""MEDICAL_RECORD_NUMBER: chart numbers in the shapes hospitals commonly print, without agency configuration.

Found by default, in English and Korean text alike:

- self-marked: ``MRN-1234567``, ``MRN1234567``, ``MRN#1234567`` (the whole token, 0.9);
- after a context word and an optional link (``is``, ``:``, ``#``, ``no.``, ``는``): ``MRN: 00123456``,
  ``chart #1234567``, ``medical record number 12345678``, ``record no. H12345678``, ``환자번호는
  12345678``, ``등록번호: 2023-004512``, ``record no. 6250-78``, ``차트번호 H12345678`` (the number only, 0.85);
- one capital letter and 7-9 digits standing alone (``H12345678``, 0.55): the shape of many
  hospitals' numbers, and of passports, which are redacted too.

A context word must sit right before the number (``주민등록번호`` is not ``등록번호``), so a
lab value or a phone number later in the sentence is not taken. ``KrMedicalRecordRecognizer``
keeps the agency's own patterns (``KR_MEDICAL_RECORD_NUMBER``); both types are redacted.
"""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult

from synthgate.privacy.recognizers._base import fold_width

__all__ = ["MedicalRecordRecognizer"]

_END = r"(?![0-9A-Za-z]|-[0-9])"
# Plain digits with an optional letter prefix, or dashed groups (2023-004512, 350-44-340, 0045-2231-7);
# a dashed token must hold a digit, so "MRN pending" or "chart up-to-date" give nothing.
_ID = (
    rf"(?:#\s?)?(?:[A-Z]{{1,3}}-?)?[0-9]{{5,10}}{_END}"
    rf"|(?=[A-Z0-9-]*[0-9])[A-Z0-9]{{1,6}}(?:-[A-Z0-9]{{1,8}}){{1,3}}{_END}"
)
_CONTEXT = (
    r"(?<![A-Za-z])(?:MRN|M\.R\.N\.?|medical\s+record(?:\s+(?:number|no\.?|num\.?|#))?|"
    r"(?:record|chart|hospital|patient|case|unit)\s+(?:number|no\.?|num\.?|id|#)|chart"
    r"|med\.?\s?rec\.?(?:\s*(?:number|no\.?|num\.?|#))?|(?<![A-Za-z])H\s?#)"
    r"|(?<![가-힣])(?:(?:환자|등록|차트|병록|진료|의무기록|병원)\s?번호|환자\s?ID|차트(?![가-힣]))"
)
# The number first, then its label: "8997-6793 is the MRN for ...", "12345678 is her chart number".
_LABEL_AFTER = (
    r"\s+(?:is|was|=)\s+(?:the|his|her|their|a|our)?\s*"
    r"(?:MRN|medical\s+record(?:\s+number)?|(?:chart|record|hospital|patient)\s+(?:number|no\.?|ID))(?![A-Za-z])"
)
_LINK = r"(?:\s*(?:is|was|of|=|:|\.|#|no\.?|는|은|가|이)\s*|\s+){0,3}"
_SELF_MARKED = re.compile(rf"(?<![0-9A-Za-z])MRN[-#]?[0-9]{{5,10}}{_END}")
_AFTER_CONTEXT = re.compile(rf"(?:{_CONTEXT}){_LINK}(?P<id>{_ID})", re.IGNORECASE)
_BEFORE_LABEL = re.compile(rf"(?<![0-9A-Za-z\-])(?P<id>{_ID}){_LABEL_AFTER}", re.IGNORECASE)
_LETTER_DIGITS = re.compile(rf"(?<![0-9A-Za-z\-])[A-Z][0-9]{{7,9}}{_END}")
_SCORES = {"self-marked": 0.9, "after context": 0.85, "before label": 0.85, "letter + digits": 0.55}


class MedicalRecordRecognizer(EntityRecognizer):
    """Finds chart numbers by their own marker, a context word right before, or a letter + digits shape."""

    ENTITIES = ["MEDICAL_RECORD_NUMBER"]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(supported_entities=self.ENTITIES, supported_language=supported_language,
                         name="MedicalRecordRecognizer")

    def load(self) -> None:
        """Nothing to load: the patterns are compiled at import."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        """The chart numbers in ``text`` (full-width forms folded; offsets unchanged)."""
        folded = fold_width(text)
        spans: dict[tuple[int, int], str] = {}
        for match in _SELF_MARKED.finditer(folded):
            spans[match.span()] = "self-marked"
        for match in _AFTER_CONTEXT.finditer(folded):
            # "MRN-1234567" also reads as context + number; the self-marked span is the wider one.
            if not any(s <= match.start("id") < e for s, e in spans):
                spans[match.span("id")] = "after context"
        for match in _BEFORE_LABEL.finditer(folded):
            if not any(s <= match.start("id") < e for s, e in spans):
                spans[match.span("id")] = "before label"
        for match in _LETTER_DIGITS.finditer(folded):
            if not any(s <= match.start() < e for s, e in spans):
                spans[match.span()] = "letter + digits"
        return [
            RecognizerResult(self.ENTITIES[0], start, end, _SCORES[how],
                             analysis_explanation=None, recognition_metadata={
                                 RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                 RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id})
            for (start, end), how in sorted(spans.items())
        ]
