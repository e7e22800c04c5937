"""The Presidio side of detection: seeded samples, one batch per language, and per-column evidence."""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd

from synthgate.privacy._engines import analysis_threshold, entity_threshold, merge_overlaps, presidio_engines
from synthgate.privacy._proposals import FAMILIES, FORMAT_ENTITIES, Evidence

DETECT_ENTITIES: tuple[str, ...] = (
    "PERSON", "LOCATION", "NRP", "DATE_TIME",  # NER (English spaCy, Korean rules)
    "EMAIL_ADDRESS", "PHONE_NUMBER", "KR_PHONE_NUMBER", "URL", "IP_ADDRESS",  # contact details
    "US_SSN", "CREDIT_CARD", "IBAN_CODE", "US_DRIVER_LICENSE", "US_PASSPORT", "MEDICAL_LICENSE",  # ids
    "KR_RRN", "KR_FRN", "KR_BRN", "KR_PASSPORT", "KR_DRIVER_LICENSE", "KR_HEALTH_INSURANCE_NUMBER",
    "KR_VEHICLE_PLATE", "KR_ADDRESS", "KR_MEDICAL_RECORD_NUMBER", "KR_MILITARY_SERVICE_NUMBER",
    "ADDRESS", "MEDICAL_RECORD_NUMBER", "DATE_OF_BIRTH",  # whole US addresses, labelled chart numbers, birth dates
)  # fmt: skip
_COVERAGE = 0.6  # an entity must span 60% of a value's characters to describe the value
_SCORE = 0.4  # detection threshold: the lowest score of a pattern recognizer we trust
_WEAK_SCORE = 0.1  # format-only findings (11 digits: 0.15) count only column-wide, as FORMAT_ENTITIES
_CONFIDENT = 0.5  # a finding this sure may overrule a column name; phonenumbers' flat 0.4 may not
_SCAN_DIGITS = 7  # whole numbers this long may be ids stored as numbers (11-digit insurance numbers)
# Characters of one value the analyzer reads: spaCy refuses texts past its max_length (1,000,000)
# and a long note's share of entities shows in its first pages; the rest is never read.
MAX_SCAN_CHARS = 10_000
_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
# A column of chart numbers is KR_MEDICAL_RECORD_NUMBER, the name specs and --mrn-pattern use,
# whichever recognizer (the generic one or the hospital's pattern) scored its values higher.
_COLUMN_NAMES = {"MEDICAL_RECORD_NUMBER": "KR_MEDICAL_RECORD_NUMBER"}
_Span = tuple[str, int, int, float]
Findings = dict[str, tuple[list[_Span], list[_Span]]]  # text -> (trusted findings, format-only findings)


def sample_values(series: pd.Series, size: int, seed: int) -> list[str]:
    """Up to ``size`` non-null values (seeded), as stripped strings of at most 10,000 characters; whole floats read
    as integers."""
    values = series.dropna()
    if len(values) > size:
        values = values.sample(n=size, random_state=seed)
    if _whole_floats(values):
        values = values.astype("int64")  # 12345678901.0 (a NaN made it float) is read as 12345678901
    return [str(v).strip()[:MAX_SCAN_CHARS] for v in values]


def _whole_floats(values: pd.Series) -> bool:
    return pd.api.types.is_float_dtype(values) and len(values) > 0 and bool((values % 1 == 0).all())


def is_textual(series: pd.Series) -> bool:
    """Strings, objects and categories: the columns Presidio reads."""
    return pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series) or isinstance(
        series.dtype, pd.CategoricalDtype
    )


def long_whole_numbers(series: pd.Series) -> bool:
    """Whole numbers of 7+ digits (median): identifiers stored as numbers, worth a scan."""
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        return False
    values = series.dropna()
    if values.empty or not (pd.api.types.is_integer_dtype(values) or _whole_floats(values)):
        return False
    return float(values.abs().median()) >= 10 ** (_SCAN_DIGITS - 1)


def scan(texts: list[str], language: str | None, mrn_patterns: tuple[str, ...]) -> Findings:
    """Every distinct text through its language's engine: trusted findings, and format-only ones apart."""
    by_language: dict[str, list[str]] = {}
    for text in texts:
        by_language.setdefault(language or ("ko" if _HANGUL.search(text) else "en"), []).append(text)
    findings: Findings = {}
    for lang, batch in sorted(by_language.items()):
        engines = presidio_engines(lang, medical_record_patterns=mrn_patterns)
        supported = set(engines.analyzer.get_supported_entities(language=lang))
        analysed = engines.batch.analyze_iterator(
            batch,
            language=lang,
            batch_size=256,
            entities=[e for e in DETECT_ENTITIES if e in supported],
            score_threshold=min(_WEAK_SCORE, analysis_threshold(_SCORE)),
        )
        for text, results in zip(batch, analysed):
            trusted = [r for r in results if r.score >= entity_threshold(r.entity_type, _SCORE)]
            weak = [r for r in results if r not in trusted and r.entity_type in FORMAT_ENTITIES]
            findings[text] = (merge_overlaps(trusted), merge_overlaps(weak))
    return findings


def evidence_of(sample: list[str], findings: Findings) -> Evidence:
    """The shares of one column's sampled values that each entity family covers."""
    full: Counter[str] = Counter()
    confident: Counter[str] = Counter()
    anywhere: Counter[str] = Counter()
    weak: Counter[str] = Counter()
    named: Counter[tuple[str, str]] = Counter()
    with_entity = 0
    for text in sample:
        trusted, formats = findings.get(text, ([], []))
        families: Counter[str] = Counter()
        sure: set[str] = set()
        for entity, start, end, score in trusted:
            entity = _COLUMN_NAMES.get(entity, entity)
            family = FAMILIES.get(entity, entity)
            families[family] += end - start
            named[(family, entity)] += 1
            if score >= _CONFIDENT:
                sure.add(family)
        with_entity += bool(families)
        anywhere.update(families.keys())
        covering = [f for f, n in families.items() if n >= _COVERAGE * max(len(text), 1)]
        full.update(covering)
        confident.update(f for f in covering if f in sure)
        # A format alone (11 digits) counts column-wide even where a phone reading also fits a value.
        weak.update({e for e, start, end, _ in formats if end - start >= _COVERAGE * max(len(text), 1)})
    n = max(len(sample), 1)
    members: dict[str, str] = {}
    for (family, entity), _ in sorted(named.items(), key=lambda kv: (-kv[1], -kv[0][1].startswith("KR_"))):
        members.setdefault(family, entity)
    return Evidence(
        {e: c / n for e, c in full.items()},
        {e: c / n for e, c in anywhere.items()},
        with_entity / n,
        members,
        {e: c / n for e, c in confident.items()},
        {e: c / n for e, c in weak.items()},
    )
