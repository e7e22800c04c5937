"""US_SSN written without dashes or with spaces right after ``SSN`` or ``social security number``.

Presidio's ``UsSsnRecognizer`` scores ``123456789`` 0.05 even after "SSN" (0.4 with context, below
the 0.5 threshold), so an undashed number next to its own label stays readable. Here the label
must sit right before the number (an optional ``:``, ``#``, ``no.`` or ``is`` between, or up to three words such as
``on file:``), and the
number must be a possible SSN: area not 000, 666 or 900-999, group not 00, serial not 0000.
"""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult

from synthgate.privacy.recognizers._base import fold_width

__all__ = ["LabelledSsnRecognizer", "is_possible_ssn"]

_LABELLED = re.compile(
    r"(?<![A-Za-z])(?:SSN|S\.S\.N\.?|social\s+security(?:\s+(?:number|no\.?|#))?|사회보장번호)"
    # A few words may sit between label and number ("SSN on file: ...", "social security number
    # provided is ..."): up to three letter-only words, never a digit, comma or semicolon.
    r"(?:\s*(?:is|:|#|no\.?|=|는|은)\s*|\s+)?(?:[A-Za-z]{1,10}\.?\s*[:#=]?\s*){0,3}?"
    r"(?P<ssn>(?<![0-9])[0-9]{3}([- ]?)[0-9]{2}\2[0-9]{4}(?![0-9]|-[0-9]))",
    re.IGNORECASE,
)


def is_possible_ssn(text: str) -> bool:
    """Whether the nine digits of ``text`` can be an SSN (area, group and serial rules)."""
    digits = re.sub(r"[^0-9]", "", text)
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return len(digits) == 9 and area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


class LabelledSsnRecognizer(EntityRecognizer):
    """Finds an SSN in any spelling when its label comes right before it."""

    ENTITIES = ["US_SSN"]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(supported_entities=self.ENTITIES, supported_language=supported_language,
                         name="LabelledSsnRecognizer")

    def load(self) -> None:
        """Nothing to load: the pattern is compiled at import."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        """Labelled SSNs in ``text`` (0.85); full-width digits are folded, offsets unchanged."""
        return [
            RecognizerResult("US_SSN", m.start("ssn"), m.end("ssn"), 0.85, recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name, RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id})
            for m in _LABELLED.finditer(fold_width(text))
            if is_possible_ssn(m.group("ssn"))
        ]
