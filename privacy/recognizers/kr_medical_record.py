"""KR_MEDICAL_RECORD_NUMBER: hospital patient numbers (환자번호, 등록번호, 차트번호), per agency.

Every hospital numbers its patients its own way, so the patterns are configuration:
``KrMedicalRecordRecognizer(patterns=(r"H[0-9]{9}",))``. Configured patterns are
trusted (score 0.5, 0.85 with a context word). Without them a default of 8-10 plain
digits is used at 0.15, which needs a context word (환자번호, 등록번호, 차트번호,
병록번호, MRN, chart ...) to reach 0.5: bare 8-10 digit numbers are everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from presidio_analyzer import Pattern

from synthgate.privacy.recognizers._base import FoldingPatternRecognizer
from synthgate.privacy.recognizers._mrn_config import DEFAULT_MRN_PATTERN, check_mrn_patterns

_CONFIGURED_SCORE = 0.5
_DEFAULT_SCORE = 0.15

__all__ = ["DEFAULT_MRN_PATTERN", "KrMedicalRecordRecognizer", "check_mrn_patterns"]

class KrMedicalRecordRecognizer(FoldingPatternRecognizer):
    """Finds medical record numbers with the agency's patterns, or 8-10 digits near context.

    Args:
        patterns: The agency's regular expressions; empty means the default.
        supported_language: Presidio language code.
    """

    CONTEXT = [
        "환자번호", "등록번호", "차트번호", "병록번호", "진료번호", "환자", "차트", "병록", "의무기록",
        "mrn", "chart", "record", "patient", "hospital",
    ]  # fmt: skip

    def __init__(self, patterns: Sequence[str] = (), supported_language: str = "ko") -> None:
        configured = check_mrn_patterns(patterns)
        self.configured_patterns = configured
        if configured:
            compiled = [Pattern(f"MRN (agency #{i})", p, _CONFIGURED_SCORE) for i, p in enumerate(configured)]
        else:
            compiled = [Pattern("MRN (8-10 digits)", DEFAULT_MRN_PATTERN, _DEFAULT_SCORE)]
        super().__init__(
            supported_entity="KR_MEDICAL_RECORD_NUMBER",
            patterns=compiled,
            context=self.CONTEXT,
            supported_language=supported_language,
        )
