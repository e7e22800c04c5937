"""PERSON in English text after a title or a role word, where spaCy's small model misses some names.

``Mr. Lewis``, ``Dr. Amanda Oneal``, ``Mrs O'Neil`` (0.85) and ``patient Madeline Lewis``,
``guardian John Smith``, ``belongs to Amanda Oneal`` (two capitalised words after a role word,
0.6). Matching is case-sensitive, so "the patient was" is no name; eponymous diseases after a
title (``Dr. Parkinson's``) are left to the engine's eponym filter, which drops them.
"""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import Pattern

from synthgate.privacy.recognizers._base import FoldingPatternRecognizer

__all__ = ["EnglishTitleNameRecognizer"]

_CAP = r"(?:[A-Z]['’][A-Z][a-z]+|[A-Z][a-z]+(?:['’][a-z]+)?)(?:-[A-Z][a-z]+)?"  # O'Brien, Garcia-Lopez
_TITLE = r"(?<![A-Za-z])(?:Mr|Mrs|Ms|Miss|Dr|Prof|Mx)\.?\s"
_ROLE = (
    r"(?<![A-Za-z])(?:[Pp]atient|[Gg]uardian|[Mm]other|[Ff]ather|[Ww]ife|[Hh]usband|[Ss]on|[Dd]aughter|[Ss]ister|"
    r"[Bb]rother|[Nn]amed|[Nn]ame:|[Bb]elongs to|[Ss]igned by|[Rr]eferred by|[Cc]aregiver|[Ss]pouse|[Pp]arent)\s"
)


class EnglishTitleNameRecognizer(FoldingPatternRecognizer):
    """Finds English names after Mr./Mrs./Dr. or a role word such as patient or guardian."""

    PATTERNS = [
        Pattern("EN name after title", rf"(?<={_TITLE}){_CAP}(?:\s{_CAP})?(?![A-Za-z])", 0.85),
        Pattern("EN full name after role word", rf"(?<={_ROLE}){_CAP}\s{_CAP}(?![A-Za-z])", 0.6),
    ]

    def __init__(self, supported_language: str = "en", **kwargs) -> None:
        kwargs.setdefault("patterns", self.PATTERNS)
        kwargs.setdefault("context", [])
        super().__init__(supported_entity="PERSON", supported_language=supported_language, **kwargs)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None, regex_flags: Any = None) -> list:
        """Matches case-sensitively (Presidio's default is IGNORECASE)."""
        return super().analyze(text, entities, nlp_artifacts, regex_flags or re.DOTALL | re.MULTILINE)
