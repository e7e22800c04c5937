"""Free-text redaction: every detected entity becomes its type tag, such as ``<PERSON>``."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd

from synthgate.privacy._engines import (
    LANGUAGES,
    analysis_threshold,
    anonymizer_types,
    entity_threshold,
    merge_overlaps,
    presidio_engines,
)
from synthgate.privacy.errors import PrivacyError, RedactionError, UnsupportedLanguageError

__all__ = ["DEFAULT_ENTITIES", "PARALLEL_MIN_TEXTS", "TextRedactor"]

PARALLEL_MIN_TEXTS = 2_000
# Longest piece of one text the analyzer reads at once: spaCy refuses texts past its max_length
# (1,000,000 characters) and its memory grows with the text, so a longer note is analysed in pieces
# cut at a line or sentence end (a space at worst) and the spans are mapped back to the whole text.
PIECE_CHARS = 100_000
"""Below this many distinct texts a second spaCy process costs more than it saves."""

DEFAULT_ENTITIES: tuple[str, ...] = (
    "PERSON",
    "MEDICAL_RECORD_NUMBER",
    "ADDRESS",
    "DATE_OF_BIRTH",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "US_SSN",
    "CREDIT_CARD",
    "IBAN_CODE",
    "IP_ADDRESS",
    "URL",
    "LOCATION",
    "DATE_TIME",
    "NRP",
    "US_DRIVER_LICENSE",
    "US_PASSPORT",
    "MEDICAL_LICENSE",
    "CRYPTO",
    "KR_RRN",
    "KR_FRN",
    "KR_BRN",
    "KR_PASSPORT",
    "KR_DRIVER_LICENSE",
    "KR_PHONE_NUMBER",
    "KR_HEALTH_INSURANCE_NUMBER",
    "KR_MILITARY_SERVICE_NUMBER",
    "KR_MEDICAL_RECORD_NUMBER",
    "KR_VEHICLE_PLATE",
    "KR_ADDRESS",
)
"""Entities redacted by default, in English and Korean text alike. UK_NHS is left out:
its checksum passes on many US phone numbers and it would win over PHONE_NUMBER with
score 1.0."""


class TextRedactor:
    """Redacts personal data in free-text columns with Presidio and spaCy.

    The Presidio engines are built on the first ``redact_series`` call and cached
    per language for the whole process, so many redactors cost one spaCy model.

    Args:
        language: Language of the text, one of ``LANGUAGES`` ("en", "ko"). Korean
            and global identifiers are found in either; names, dates and places are
            read by spaCy NER in English and by rules (Hangul names, Korean dates,
            addresses) in Korean.
        entities: Presidio entity types to redact; default ``DEFAULT_ENTITIES``.
        score_threshold: Minimum Presidio score in [0, 1]. Phone numbers pass at
            ``min(score_threshold, 0.4)``, because Presidio scores them all 0.4.
        batch_size: Texts per spaCy ``nlp.pipe`` batch.
        n_process: Worker processes for spaCy's ``nlp.pipe``; 1 runs in-process. None
            (the default) picks: 2 for English when there are at least
            ``PARALLEL_MIN_TEXTS`` distinct texts and two cores, else 1. Measured
            (benchmarks/redaction_speed.py, 2 cores): English 234 -> 313 texts/s with
            2 processes; Korean 872 -> 515, since its pipeline is only a tokenizer
            and the processes cost more than they save.
        medical_record_patterns: The agency's regular expressions for medical record
            numbers (KR_MEDICAL_RECORD_NUMBER); empty means 8-10 digits near a
            context word such as 환자번호.

    Raises:
        UnsupportedLanguageError: ``language`` is not in ``LANGUAGES``.
        ValueError: ``score_threshold`` is outside [0, 1], ``entities`` is empty,
            ``n_process`` is below 1, or a medical record pattern does not compile or
            matches the empty string.
    """

    def __init__(
        self,
        *,
        language: str = "en",
        entities: Sequence[str] | None = None,
        score_threshold: float = 0.5,
        batch_size: int = 256,
        n_process: int | None = None,
        medical_record_patterns: Sequence[str] = (),
    ) -> None:
        from synthgate.privacy.recognizers._mrn_config import check_mrn_patterns

        if language not in LANGUAGES:
            raise UnsupportedLanguageError(language, LANGUAGES)
        if n_process is not None and n_process < 1:
            raise ValueError(f"n_process must be at least 1, got {n_process}")
        if not 0.0 <= score_threshold <= 1.0:
            raise ValueError(f"score_threshold must be in [0, 1], got {score_threshold}")
        self.language = language
        self.entities = tuple(DEFAULT_ENTITIES if entities is None else entities)
        if not self.entities:
            raise ValueError("entities must name at least one entity type")
        self.score_threshold = score_threshold
        self.batch_size = batch_size
        self.n_process = n_process
        self.medical_record_patterns = check_mrn_patterns(medical_record_patterns)

    def __repr__(self) -> str:
        return (
            f"TextRedactor(language={self.language!r}, entities={len(self.entities)} types, "
            f"score_threshold={self.score_threshold})"
        )

    def redact_series(self, values: pd.Series) -> tuple[pd.Series, dict[str, int]]:
        """Replaces every detected entity in each text with ``<ENTITY_TYPE>``.

        Each distinct non-null text is analysed once, in spaCy batches. Overlapping
        findings are merged into one tag (an e-mail is tagged once, not as an e-mail
        plus a URL inside it).

        Args:
            values: The texts; non-string values are converted with ``str``.

        Returns:
            The redacted texts (object dtype, same index and name; nulls become None)
            and the number of entities redacted per type, counted over all rows.

        Raises:
            RedactionError: Presidio failed; only the exception type is reported.
        """
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        texts = [str(value) for value in uniques]
        column = "<unnamed>" if values.name is None else str(values.name)
        try:
            redacted, found = self._redact_texts(texts)
        except PrivacyError:
            raise
        except Exception as exc:
            # Not chained: a library message may quote the text it choked on.
            raise RedactionError(column, f"{type(exc).__name__} from Presidio") from None
        rows_per_text = np.bincount(codes[codes >= 0], minlength=len(texts))
        counts: Counter[str] = Counter()
        for per_text, rows in zip(found, rows_per_text):
            for entity, n in per_text.items():
                counts[entity] += n * int(rows)
        lookup = np.array([*redacted, None], dtype=object)
        out = pd.Series(lookup[codes], index=values.index, name=values.name, dtype=object)
        return out, dict(sorted(counts.items()))

    def _processes(self, texts: int) -> int:
        if self.n_process is not None:
            return self.n_process
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        return 2 if self.language == "en" and texts >= PARALLEL_MIN_TEXTS and cores >= 2 else 1

    def find_spans(self, texts: Sequence[str]) -> list[list[tuple[str, int, int, float]]]:
        """The spans ``redact_series`` would replace in each text, without replacing them.

        Args:
            texts: Distinct texts, analysed in spaCy batches.

        Returns:
            Per text, ``(entity_type, start, end, score)`` tuples sorted by start and not
            overlapping (overlapping findings merged, as when redacting).
        """
        engines = presidio_engines(self.language, medical_record_patterns=self.medical_record_patterns)
        # Only the entities this language's engine recognises: Presidio warns once per text for each
        # other one (thousands of lines on the Korean demo), and finds nothing for them anyway.
        supported = set(engines.analyzer.get_supported_entities(self.language))
        owners, offsets, pieces = [], [], []
        for number, text in enumerate(texts):
            for offset, piece in text_pieces(text):
                owners.append(number)
                offsets.append(offset)
                pieces.append(piece)
        analysed = engines.batch.analyze_iterator(
            pieces,
            language=self.language,
            batch_size=self.batch_size,
            n_process=self._processes(len(texts)),
            entities=[e for e in self.entities if e in supported],
            score_threshold=analysis_threshold(self.score_threshold),
        )
        per_text: list[list] = [[] for _ in texts]
        for owner, offset, results in zip(owners, offsets, analysed):
            for r in results:
                if r.score >= entity_threshold(r.entity_type, self.score_threshold):
                    r.start, r.end = r.start + offset, r.end + offset
                    per_text[owner].append(r)
        return [merge_overlaps(found) for found in per_text]

    def _redact_texts(self, texts: list[str]) -> tuple[list[str], list[Counter[str]]]:
        OperatorConfig, RecognizerResult = anonymizer_types()
        engines = presidio_engines(self.language, medical_record_patterns=self.medical_record_patterns)
        # "replace" without new_value writes <ENTITY_TYPE>.
        operators = {"DEFAULT": OperatorConfig("replace")}
        redacted: list[str] = []
        found: list[Counter[str]] = []
        for text, merged in zip(texts, self.find_spans(texts)):
            if not merged:
                redacted.append(text)
                found.append(Counter())
                continue
            spans = [RecognizerResult(e, s, t, score) for e, s, t, score in merged]
            result = engines.anonymizer.anonymize(text=text, analyzer_results=spans, operators=operators)
            redacted.append(result.text)
            found.append(Counter(item.entity_type for item in result.items))
        return redacted, found


def text_pieces(text: str, limit: int | None = None) -> list[tuple[int, str]]:
    """``text`` as ``(offset, piece)`` pairs of at most ``limit`` characters (default PIECE_CHARS).

    A cut falls at the last line end in the second half of the window, else the last sentence end
    (". "), else the last space, else at the limit: an entity is split only where the text has no
    break for half a piece.
    """
    limit = PIECE_CHARS if limit is None else limit
    if len(text) <= limit:
        return [(0, text)]
    pieces, start = [], 0
    while start < len(text):
        end = min(len(text), start + limit)
        if end < len(text):
            floor = start + limit // 2
            for mark, after in (("\n", 1), (". ", 2), (" ", 1)):
                found = text.rfind(mark, floor, end)
                if found >= 0:
                    end = found + after
                    break
        pieces.append((start, text[start:end]))
        start = end
    return pieces
