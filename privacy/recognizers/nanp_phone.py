"""PHONE_NUMBER: North American numbers by their written shape, whether or not the area code is assigned."""

from __future__ import annotations

from presidio_analyzer import Pattern

from synthgate.privacy.recognizers._base import FoldingPatternRecognizer

__all__ = ["NanpPhoneRecognizer"]

# Presidio's PhoneRecognizer asks the phonenumbers library, which rejects unassigned area codes
# ("(590) 798-6094", "+1 842 841 1278"): a typo or a new code is still someone's number. The
# shape alone is safe enough when the groups are separated: 3-3-4 with one kind of separator,
# or a bracketed area code, or a +1 prefix. Bare 10-digit runs stay with PhoneRecognizer
# (they are also order and record numbers). An extension is part of the number.
_EXT = r"(?:\s*(?:,\s*)?(?:ext\.?|extension|x)\s?[0-9]{1,5})?"
_END = r"(?![0-9A-Za-z]|[-.][0-9])"
_START = r"(?<![0-9A-Za-z+\-.])"
_PATTERNS = (
    (r"bracketed area code", rf"{_START}(?:\+?1[\s.-]?)?\([2-9][0-9]{{2}}\)\s?[0-9]{{3}}[\s.-][0-9]{{4}}{_EXT}{_END}", 0.7),
    (r"+1 and three groups", rf"{_START}\+1[\s.-]?[2-9][0-9]{{2}}([\s.-])[0-9]{{3}}\1[0-9]{{4}}{_EXT}{_END}", 0.7),
    (r"3-3-4, one separator", rf"{_START}(?:1([\s.-]))?[2-9][0-9]{{2}}([.-])[0-9]{{3}}\2[0-9]{{4}}{_EXT}{_END}", 0.5),
)


class NanpPhoneRecognizer(FoldingPatternRecognizer):
    """Finds ``(555) 123-4567``, ``555.123.4567``, ``555-123-4567``, ``+1 555 123 4567`` and ``ext. 12``."""

    CONTEXT = ["phone", "call", "callback", "tel", "cell", "mobile", "contact", "fax", "number", "연락처", "전화"]

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entity="PHONE_NUMBER",
            patterns=[Pattern(name, regex, score) for name, regex, score in _PATTERNS],
            context=self.CONTEXT,
            supported_language=supported_language,
            name="NanpPhoneRecognizer",
        )
