"""Proposes a pseudonymisation plan from values (Presidio, name lists, column signals), with names as a hint."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from synthgate.privacy import _value_rules as rules
from synthgate.privacy._scan import DETECT_ENTITIES, evidence_of, is_textual, long_whole_numbers, sample_values, scan
from synthgate.privacy._proposals import (
    EVIDENCE_THRESHOLD,
    NOT_SCANNED,
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
from synthgate.privacy.signals import sex_signals, shape_signals

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

KOREAN_TEXT_SHARE = 0.3
"""Hangul share of letters from which text is Korean: Korean notes mix in Latin abbreviations (BP, CT)."""
_HINT_WEIGHT = 0.6
_STRUCTURE_WEIGHT = 0.5
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
    samples = {str(c): sample_values(data[c], sample_size, seed) for c in data.columns}
    scanned = [str(c) for c in data.columns if is_textual(data[c]) or long_whole_numbers(data[c])]
    texts = sorted({t for c in scanned for t in samples[c]})
    findings = scan(texts, language, tuple(medical_record_patterns)) if texts else {}
    detections = []
    for column in data.columns:
        name = str(column)
        kind = infer_kind(data[column])
        evidence = evidence_of(samples[name], findings) if name in scanned else NOT_SCANNED
        signals = _signals(data[column], samples[name], kind)
        if signals.get("age_like"):
            signals["measurement_name"] = float(names_a_measurement(name))
        facts = Facts(kind, match_name_hint(name), evidence, signals, len(samples[name]), match_quasi_identifier(name))
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
    values are age-like numbers, birth-like dates, sex codes (M/F, 남/여), or a
    LOCATION or NRP entity.

    Args:
        detections: The output of ``detect_columns``.

    Returns:
        The candidate column names, in the given order.
    """
    found = []
    for d in detections:
        if d.proposed_action not in (Action.KEEP, Action.GENERALISE) or d.inferred_kind not in _QUASI_KINDS:
            continue
        ages = d.signals.get("age_like") and not d.signals.get("measurement_name")  # not pan_day
        by_values = ages or any(d.signals.get(k) for k in ("birth_like", "sex_like")) or d.entity in ("LOCATION", "NRP")
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
    if kind in ("categorical", "boolean"):
        signals.update(sex_signals(sample))
    if kind in ("categorical", "id"):
        names = name_shares(sample)
        signals.update(given_name_share=round(names.given, 4), surname_share=round(names.surname, 4),
                       full_name_share=round(names.full, 4), person_share=round(names.person, 4),
                       name_distinct_share=round(names.distinct_share, 4))  # fmt: skip
    if kind in ("id", "numerical"):
        signals.update(integer_key_signals(series))
        signals.update(age_signals(series))
        if kind == "id" and long_whole_numbers(series):
            signals.update(shape_signals(sample))
    if kind == "datetime":
        signals.update(date_signals(series))
    return signals
