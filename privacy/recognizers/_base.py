"""A pattern recognizer that folds full-width digits, letters and dashes before matching."""

from __future__ import annotations

from typing import Any

from presidio_analyzer import PatternRecognizer

__all__ = ["FoldingPatternRecognizer", "fold_width"]

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


class FoldingPatternRecognizer(PatternRecognizer):
    """``PatternRecognizer`` whose patterns see ``fold_width(text)``; offsets are unchanged."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None, regex_flags: Any = None) -> list:
        """Runs the patterns (and ``validate_result``) on the width-folded text."""
        return super().analyze(fold_width(text), entities, nlp_artifacts, regex_flags)
