"""Proposes a pseudonymisation plan from values (Presidio, name lists, column signals), with names as a hint."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from synthgate.privacy import _value_rules as rules
from synthgate.privacy._engines import analysis_threshold, entity_threshold, merge_overlaps, presidio_engines
from synthgate.privacy._proposals import (
    EVIDENCE_THRESHOLD,
    FAMILIES,
    FORMAT_ENTITIES,
    NOT_SCANNED,
    Evidence,
    Facts,
    Proposal,
    by_emptiness,
    by_name,
    by_strong_content,
    lower_bound,
)
from synthgate.privacy.generalise import AgeBand, DateTruncate, GeneraliseRule
from synthgate.privacy.hints import match_name_hint, match_quasi_identifier, names_a_measurement
from synthgate.privacy.kinds import infer_kind
from synthgate.privacy.names import name_shares
from synthgate.privacy.plan import Action
from synthgate.privacy.signals import age_signals, basic_signals, date_signals, hangul_share, integer_key_signals
from synthgate.privacy.signals import shape_signals

__all__ = [
    "DETECT_ENTITIES",
    "EVIDENCE_THRESHOLD",
    "ColumnDetection",
    "date_shift_subject",
    "detect_columns",
    "detect_text_language",
    "infer_kind",
    "quasi_identifier_candidates",
]

DETECT_ENTITIES: tuple[str, ...] = (
    "PERSON", "LOCATION", "NRP", "DATE_TIME",  # NER (English spaCy, Korean rules)
    "EMAIL_ADDRESS", "PHONE_NUMBER", "KR_PHONE_NUMBER", "URL", "IP_ADDRESS",  # contact details
    "US_SSN", "CREDIT_CARD", "IBAN_CODE", "US_DRIVER_LICENSE", "US_PASSPORT", "MEDICAL_LICENSE",  # ids
    "KR_RRN", "KR_FRN", "KR_BRN", "KR_PASSPORT", "KR_DRIVER_LICENSE", "KR_HEALTH_INSURANCE_NUMBER",
    "KR_VEHICLE_PLATE", "KR_ADDRESS", "KR_MEDICAL_RECORD_NUMBER", "KR_MILITARY_SERVICE_NUMBER",
)  # fmt: skip
KOREAN_TEXT_SHARE = 0.3
"""Hangul share of letters from which text is Korean: Korean notes mix in Latin abbreviations (BP, CT)."""
_COVERAGE = 0.6  # an entity must span 60% of a value's characters to describe the value
_SCORE = 0.4  # detection threshold: the lowest score of a pattern recognizer we trust
_WEAK_SCORE = 0.1  # format-only findings (11 digits: 0.15) count only column-wide, as FORMAT_ENTITIES
_HINT_WEIGHT = 0.6
_STRUCTURE_WEIGHT = 0.5
_CONFIDENT = 0.5  # a finding this sure may overrule a column name; phonenumbers' flat 0.4 may not
_SCAN_DIGITS = 7  # whole numbers this long may be ids stored as numbers (11-digit insurance numbers)
_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_Span = tuple[str, int, int, float]
_Findings = dict[str, tuple[list[_Span], list[_Span]]]  # text -> (trusted findings, format-only findings)
_RULES = (by_emptiness, by_strong_content, by_name, rules.by_names_in_values, rules.by_format, rules.by_dates,
          rules.by_integer_key, rules.by_age)  # fmt: skip
_QUASI_KINDS = {"numerical", "categorical", "datetime", "boolean"}
_AGE_OR_DATE = (AgeBand, DateTruncate)


@dataclass(frozen=True)
class ColumnDetection:
    """A proposal for one column, for a human to review. It holds no values.

    ``evidence_share`` is the share of sampled values behind the proposal: the share
    in which ``entity`` (or a member of its family: ``PHONE_NUMBER``/``KR_PHONE_NUMBER``,
    ``LOCATION``/``KR_ADDRESS``) covers at least 60% of the characters, for names the
    larger of that and the name-list share, for free text the share of values
    containing any entity; 0.0 when ``entity`` is None.

    ``confidence`` is ``1 - (1 - e)(1 - h)(1 - s)``, the chance that at least one
    signal is right if they were independent: ``e`` is the 95% Wilson lower bound
    of ``evidence_share`` over ``sampled`` values (so 3 of 3 counts as 0.44, 200 of
    200 as 0.98: a tiny sample of a mostly empty column proves little), ``h`` is
    0.6 when the name hint shaped the proposal (else 0) and ``s`` is 0.5 when the
    proposal rests on structure alone (unique numbers or short strings). It is 0.0
    when nothing marks the column as personal data.

    ``needs_review`` is True when the column could hold personal data but the
    evidence is weak or conflicting; the proposal is then the protective action.
    ``evidence`` holds value-free lines (the decisive ones first) whose figures are
    those of ``reason`` and ``signals``; ``signals`` holds the raw shares and counts
    (``null_share``, ``unique_share``, ``given_name_share``, ``hangul_share``,
    ``birth_like`` ...), JSON-ready floats.
    """

    column: str
    inferred_kind: str
    entity: str | None
    confidence: float
    evidence_share: float
    sampled: int
    name_hint: str | None
    proposed_action: Action
    proposed_rule: GeneraliseRule | None
    reason: str
    needs_review: bool = False
    evidence: tuple[str, ...] = ()
    signals: Mapping[str, float] = field(default_factory=dict, hash=False)


def detect_columns(
    data: pd.DataFrame,
    *,
    sample_size: int = 200,
    seed: int = 0,
    language: str | None = None,
    medical_record_patterns: Sequence[str] = (),
) -> list[ColumnDetection]:
    """Proposes an action for every column of ``data``, from its values first and its name second.

    Up to ``sample_size`` non-null values per column are sampled (seeded). The
    distinct sampled strings of text-like columns, and of whole numbers of 7 or more
    digits (ids stored as numbers), go through Presidio in one batch per language:
    values with Hangul through the Korean engine, others through the English one.
    Column-level signals add what single values cannot show: nulls and constants,
    uniqueness and order (row and record numbers), one shape across values (format-only
    ids such as 11-digit insurance numbers), given names and surnames from name lists
    (English and Korean), birth-like and event-like dates, age-like numbers. Direct
    identifiers are dropped or pseudonymised, birth dates truncated to the year, event
    dates shifted per subject (or truncated to the month without a subject column),
    ages banded, free text with entities redacted, all-null and constant columns
    dropped. Weak evidence sets ``needs_review`` and proposes the protective action.

    Args:
        data: The raw table; only a sample is read for Presidio, whole columns for signals.
        sample_size: Values per column to scan.
        seed: Sampling seed, for reproducible proposals.
        language: ``"en"`` or ``"ko"`` to scan every value with that engine; None
            (the default) chooses per value by script.
        medical_record_patterns: Regular expressions of the hospital's chart numbers,
            found as ``KR_MEDICAL_RECORD_NUMBER``.

    Returns:
        One detection per column, in column order.

    Raises:
        UnsupportedLanguageError: ``language`` has no engine.
    """
    samples = {str(c): _sample(data[c], sample_size, seed) for c in data.columns}
    scanned = [str(c) for c in data.columns if _is_textual(data[c]) or _long_whole_numbers(data[c])]
    texts = sorted({t for c in scanned for t in samples[c]})
    findings = _scan(texts, language, tuple(medical_record_patterns)) if texts else {}
    detections = []
    for column in data.columns:
        name = str(column)
        kind = infer_kind(data[column])
        evidence = _evidence(samples[name], findings) if name in scanned else NOT_SCANNED
        signals = _signals(data[column], samples[name], kind)
        if signals.get("age_like"):
            signals["measurement_name"] = float(names_a_measurement(name))
        facts = Facts(kind, match_name_hint(name), evidence, signals, len(samples[name]))
        detections.append(_propose(name, facts))
    return _settle_event_dates(detections)


def detect_text_language(values: Iterable[str]) -> tuple[str, float]:
    """The language of free text from its letters: ``("ko", share)`` or ``("en", share)``.

    Args:
        values: Text cells; None and NaN are skipped.

    Returns:
        ``"ko"`` when at least ``KOREAN_TEXT_SHARE`` of the letters are Hangul, else
        ``"en"``, with the Hangul share of letters (0.0 without letters).
    """
    share = hangul_share(str(v) for v in values if isinstance(v, str))
    return ("ko" if share >= KOREAN_TEXT_SHARE else "en"), round(share, 4)


def quasi_identifier_candidates(detections: Iterable[ColumnDetection]) -> list[str]:
    """Columns that single people out in combination (for a ``risk`` block, k >= 5); no value read.

    A candidate stays in the released table (kept or generalised) and is named or
    shaped like an age, sex or gender, birth date, postcode or region, race or
    ethnicity, nationality, occupation or rank, marital status or education, or its
    values are age-like numbers, birth-like dates, or a LOCATION or NRP entity.

    Args:
        detections: The output of ``detect_columns``.

    Returns:
        The candidate column names, in the given order.
    """
    found = []
    for d in detections:
        if d.proposed_action not in (Action.KEEP, Action.GENERALISE) or d.inferred_kind not in _QUASI_KINDS:
            continue
        by_values = bool(d.signals.get("age_like") or d.signals.get("birth_like")) or d.entity in ("LOCATION", "NRP")
        if by_values or match_quasi_identifier(d.column) or isinstance(d.proposed_rule, _AGE_OR_DATE):
            found.append(d.column)
    return found


def date_shift_subject(detections: Iterable[ColumnDetection]) -> str | None:
    """The column whose keyed pseudonym names the subject for ``date_shift``, or None.

    A pseudonymised identifier column that is not a personal name (names are shared
    and spelt several ways); one named like an identifier is preferred, then one whose
    values repeat (a person with several rows), then the first.
    """
    ids = [d for d in detections
           if d.proposed_action is Action.PSEUDONYMISE and d.inferred_kind == "id" and d.entity != "PERSON"]
    ids.sort(key=lambda d: (d.name_hint is None, d.signals.get("unique_share", 1.0) >= 1.0))
    return ids[0].column if ids else None


def _propose(column: str, f: Facts) -> ColumnDetection:
    p = next((p for rule in _RULES if (p := rule(f)) is not None), None) or rules.by_content(f)
    e = lower_bound(p.share, f.sampled)
    doubt = (1 - e) * (1 - _HINT_WEIGHT * p.hinted) * (1 - _STRUCTURE_WEIGHT * p.structural)
    signals = dict(f.signals)
    signals["event_dates"] = float(p.event_dates)
    return ColumnDetection(
        column=column,
        inferred_kind=f.kind,
        entity=p.entity,
        confidence=round(1 - doubt, 3),
        evidence_share=round(p.share, 3),
        sampled=f.sampled,
        name_hint=f.hint.keyword if f.hint else None,
        proposed_action=p.action,
        proposed_rule=p.rule,
        reason=p.reason,
        needs_review=p.review,
        evidence=_lines(p, f),
        signals=signals,
    )


def _lines(p: Proposal, f: Facts) -> tuple[str, ...]:
    """The proposal's lines, then context: nulls, uniqueness, names, script; each figure once."""
    s, lines = f.signals, list(p.lines)
    if f.hint is not None:
        lines.append(f"column name suggests {f.hint.category} ({f.hint.keyword!r})")
    if 0 < s.get("null_share", 0) < 1:
        lines.append(f"{s['null_share']:.0%} of {s['rows']:.0f} rows null")
    if s.get("distinct", 0) > 1 and not any("unique in" in line for line in lines):
        lines.append(f"{s['distinct']:.0f} distinct values, unique in {s['unique_share']:.0%} of non-null rows")
    lines += [line for line in rules.name_lines(f) if line not in lines]
    if s.get("hangul_share", 0) > 0:
        lines.append(f"{s['hangul_share']:.0%} of letters are Hangul")
    return tuple(lines)


def _settle_event_dates(detections: list[ColumnDetection]) -> list[ColumnDetection]:
    """Exact event dates move by one keyed offset per subject when a subject column exists."""
    subject = date_shift_subject(detections)
    if subject is None:
        return detections
    settled = []
    for d in detections:
        if d.signals.get("event_dates"):
            line = f"subject column {subject!r} is pseudonymised: dates shift by one keyed offset per subject"
            why = d.reason.split("; truncated")[0] + f"; shifted per subject ({subject!r}), intervals kept"
            d = replace(d, proposed_action=Action.DATE_SHIFT, proposed_rule=None, reason=why,
                        evidence=(*d.evidence, line))
        settled.append(d)
    return settled


def _signals(series: pd.Series, sample: list[str], kind: str) -> dict[str, float]:
    signals = basic_signals(series)
    if kind in ("categorical", "id", "text"):
        signals.update(shape_signals(sample))
    if kind in ("categorical", "id"):
        names = name_shares(sample)
        signals.update(given_name_share=round(names.given, 4), surname_share=round(names.surname, 4),
                       full_name_share=round(names.full, 4), person_share=round(names.person, 4),
                       name_distinct_share=round(names.distinct_share, 4))  # fmt: skip
    if kind in ("id", "numerical"):
        signals.update(integer_key_signals(series))
        signals.update(age_signals(series))
        if kind == "id" and _long_whole_numbers(series):
            signals.update(shape_signals(sample))
    if kind == "datetime":
        signals.update(date_signals(series))
    return signals


def _sample(series: pd.Series, size: int, seed: int) -> list[str]:
    values = series.dropna()
    if len(values) > size:
        values = values.sample(n=size, random_state=seed)
    if _whole_floats(values):
        values = values.astype("int64")  # 12345678901.0 (a NaN made it float) is read as 12345678901
    return [str(v).strip() for v in values]


def _whole_floats(values: pd.Series) -> bool:
    return pd.api.types.is_float_dtype(values) and len(values) > 0 and bool((values % 1 == 0).all())


def _is_textual(series: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series) or isinstance(
        series.dtype, pd.CategoricalDtype
    )


def _long_whole_numbers(series: pd.Series) -> bool:
    """Whole numbers of 7+ digits (median): identifiers stored as numbers, worth a scan."""
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        return False
    values = series.dropna()
    if values.empty or not (pd.api.types.is_integer_dtype(values) or _whole_floats(values)):
        return False
    return float(values.abs().median()) >= 10 ** (_SCAN_DIGITS - 1)


def _scan(texts: list[str], language: str | None, mrn_patterns: tuple[str, ...]) -> _Findings:
    by_language: dict[str, list[str]] = {}
    for text in texts:
        by_language.setdefault(language or ("ko" if _HANGUL.search(text) else "en"), []).append(text)
    findings: _Findings = {}
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


def _evidence(sample: list[str], findings: _Findings) -> Evidence:
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
