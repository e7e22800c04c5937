"""A pattern recognizer that folds full-width digits, letters and dashes before matching."""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import PatternRecognizer

__all__ = ["FoldingPatternRecognizer", "fold_width", "hangul_blind", "blank_hangul"]

# One character in, one character out, so match offsets stay valid in the raw text:
# full-width ASCII (U+FF01-FF5E) -> ASCII, ideographic space -> space, dash variants -> "-".
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: 0x20, 0x00A0: 0x20})
_FOLD.update({code: ord("-") for code in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2212, 0xFE63)})


def fold_width(text: str) -> str:
    """Returns ``text`` with full-width forms and dash variants folded, same length.

    Korean keyboards and word processors often produce ``０１０－１２３４－５６７８``;
    NFKC would fold it too but may change the length of other characters (``㈜``),
    which would shift every offset Presidio reports.
    """
    return text.translate(_FOLD)


_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


def blank_hangul(text: str) -> str:
    """Returns ``text`` with every Hangul character replaced by a space, same length."""
    return _HANGUL.sub(" ", text)


def hangul_blind(cls: type) -> type:
    """A subclass of a Presidio recognizer class that sees Hangul as spaces.

    Korean attaches particles to the word before: ``minjun@example.com입니다``. Presidio's
    e-mail, URL and IP patterns count Hangul as word characters, so the match runs
    into the particle and the TLD check rejects ``com입니다``. No e-mail, URL, IP or
    card number contains Hangul, so blanking it (offsets unchanged) only ends matches
    where they should end.
    """

    def analyze(self: Any, text: str, entities: list[str], nlp_artifacts: Any = None, *args: Any) -> list:
        return cls.analyze(self, blank_hangul(text), entities, nlp_artifacts, *args)

    return type(cls.__name__, (cls,), {"analyze": analyze, "__doc__": cls.__doc__, "__module__": cls.__module__})


class FoldingPatternRecognizer(PatternRecognizer):
    """``PatternRecognizer`` whose patterns see ``fold_width(text)``; offsets are unchanged."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None, regex_flags: Any = None) -> list:
        """Runs the patterns (and ``validate_result``) on the width-folded text."""
        return super().analyze(fold_width(text), entities, nlp_artifacts, regex_flags)
