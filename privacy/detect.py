"""Proposes a pseudonymisation plan from column names and a Presidio scan of sampled values."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd

from privacy._engines import analysis_threshold, entity_threshold, merge_overlaps, presidio_engines
from privacy.generalise import AgeBand, DateTruncate, GeneraliseRule
from privacy.hints import NameHint, match_name_hint
from privacy.kinds import infer_kind
from privacy.plan import Action

__all__ = [
    "DETECT_ENTITIES",
    "EVIDENCE_THRESHOLD",
    "ColumnDetection",
    "detect_columns",
    "infer_kind",
]

DETECT_ENTITIES: tuple[str, ...] = (
    "PERSON", "LOCATION", "NRP", "DATE_TIME",  # spaCy NER
    "EMAIL_ADDRESS", "PHONE_NUMBER", "URL", "IP_ADDRESS",  # contact details
    "US_SSN", "CREDIT_CARD", "IBAN_CODE", "US_DRIVER_LICENSE", "US_PASSPORT", "MEDICAL_LICENSE",  # ids
)  # fmt: skip
EVIDENCE_THRESHOLD = 0.5
"""Share of sampled values an entity must cover before content alone decides. spaCy's
small model tags stray short words (clinic abbreviations, group labels) as PERSON or
LOCATION in up to ~15% of values; a majority is needed to count."""
_COVERAGE = 0.6  # an entity must span 60% of a value's characters to describe the value
_SCORE = 0.4  # detection threshold: the lowest score of a pattern recognizer we trust
_HINT_WEIGHT = 0.6
_STRUCTURE_WEIGHT = 0.5
# Contact details and national ids: synthetic data never needs them, so they are dropped.
_DROP_ENTITIES = frozenset(
    {
        "EMAIL_ADDRESS", "PHONE_NUMBER", "URL", "IP_ADDRESS",
        "US_SSN", "KR_RRN", "CREDIT_CARD", "IBAN_CODE", "US_DRIVER_LICENSE", "US_PASSPORT", "MEDICAL_LICENSE",
    }
)  # fmt: skip
_DROP_HINTS = frozenset({"national_id", "email", "phone", "ip", "address"})
_CATEGORY_NOUNS = {
    "national_id": "a national id",
    "email": "an e-mail address",
    "phone": "a phone number",
    "ip": "an IP address",
    "address": "an address",
    "birth": "a date of birth",
    "person": "a personal name",
    "age": "an age",
    "identifier": "an identifier",
}


@dataclass(frozen=True)
class ColumnDetection:
    """A proposal for one column, for a human to review. It holds no values.

    ``evidence_share`` is the share of sampled values in which ``entity`` covers at
    least 60% of the characters (for free text: the share of values containing any
    entity); 0.0 when ``entity`` is None.

    ``confidence`` is ``1 - (1 - e)(1 - h)(1 - s)``, the chance that at least one
    signal is right if they were independent: ``e`` is ``evidence_share``, ``h`` is
    0.6 when the name hint shaped the proposal (else 0) and ``s`` is 0.5 when the
    proposal rests on structure alone (unique short strings). It is 0.0 when
    nothing marks the column as personal data.
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


@dataclass(frozen=True)
class _Evidence:
    """Per entity: the share of sampled values it covers (``full``) or appears in (``anywhere``)."""

    full: dict[str, float]
    anywhere: dict[str, float]
    any_entity: float
    scanned: bool = True

    def best_full(self) -> tuple[str | None, float]:
        return max(self.full.items(), key=lambda kv: kv[1], default=(None, 0.0))

    def best_anywhere(self) -> tuple[str | None, float]:
        return max(self.anywhere.items(), key=lambda kv: kv[1], default=(None, 0.0))


_NOT_SCANNED = _Evidence({}, {}, 0.0, scanned=False)


def detect_columns(
    data: pd.DataFrame, *, sample_size: int = 200, seed: int = 0, language: str = "en"
) -> list[ColumnDetection]:
    """Proposes an action for every column of ``data``.

    Up to ``sample_size`` non-null values per column are sampled (seeded); the
    distinct sampled strings of all text-like columns go through Presidio in one
    batch. Content evidence (an entity covering most of a value in at least half
    the sampled values) is combined with column-name hints in English and Korean.
    Contact details and national ids are dropped; names and identifiers are
    pseudonymised; free text with entities is redacted; dates of birth are
    truncated to the year; ages are banded; everything else is kept.

    Args:
        data: The raw table; only a sample is read.
        sample_size: Values per column to scan.
        seed: Sampling seed, for reproducible proposals.
        language: Language of the text values.

    Returns:
        One detection per column, in column order.

    Raises:
        UnsupportedLanguageError: No spaCy model is installed for ``language``.
    """
    samples = {str(c): _sample(data[c], sample_size, seed) for c in data.columns}
    textual = [str(c) for c in data.columns if _is_textual(data[c])]
    texts = sorted({t for c in textual for t in samples[c]})
    findings = _scan(texts, language) if texts else {}
    detections = []
    for column in data.columns:
        name = str(column)
        evidence = _evidence(samples[name], findings) if name in textual else _NOT_SCANNED
        kind = infer_kind(data[column])
        detections.append(_propose(name, kind, match_name_hint(name), evidence, len(samples[name])))
    return detections


def _sample(series: pd.Series, size: int, seed: int) -> list[str]:
    values = series.dropna()
    if len(values) > size:
        values = values.sample(n=size, random_state=seed)
    return [str(v).strip() for v in values]


def _is_textual(series: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series) or isinstance(
        series.dtype, pd.CategoricalDtype
    )


def _scan(texts: list[str], language: str) -> dict[str, list[tuple[str, int, int, float]]]:
    engines = presidio_engines(language)
    analysed = engines.batch.analyze_iterator(
        texts,
        language=language,
        batch_size=256,
        entities=list(DETECT_ENTITIES),
        score_threshold=analysis_threshold(_SCORE),
    )
    return {
        text: merge_overlaps([r for r in results if r.score >= entity_threshold(r.entity_type, _SCORE)])
        for text, results in zip(texts, analysed)
    }


def _evidence(sample: list[str], findings: dict[str, list[tuple[str, int, int, float]]]) -> _Evidence:
    full: Counter[str] = Counter()
    anywhere: Counter[str] = Counter()
    with_entity = 0
    for text in sample:
        covered: Counter[str] = Counter()
        for entity, start, end, _ in findings.get(text, []):
            covered[entity] += end - start
        with_entity += bool(covered)
        anywhere.update(covered.keys())
        full.update(e for e, n in covered.items() if n >= _COVERAGE * max(len(text), 1))
    n = max(len(sample), 1)
    return _Evidence(
        {e: c / n for e, c in full.items()}, {e: c / n for e, c in anywhere.items()}, with_entity / n
    )


@dataclass(frozen=True)
class _Proposal:
    action: Action
    reason: str
    entity: str | None = None
    share: float = 0.0
    hinted: bool = False
    structural: bool = False
    rule: GeneraliseRule | None = None


def _propose(column: str, kind: str, hint: NameHint | None, ev: _Evidence, sampled: int) -> ColumnDetection:
    p = _by_name(kind, hint, ev) or _by_content(kind, hint, ev)
    doubt = (1 - p.share) * (1 - _HINT_WEIGHT * p.hinted) * (1 - _STRUCTURE_WEIGHT * p.structural)
    return ColumnDetection(
        column=column,
        inferred_kind=kind,
        entity=p.entity,
        confidence=round(1 - doubt, 3),
        evidence_share=round(p.share, 3),
        sampled=sampled,
        name_hint=hint.keyword if hint else None,
        proposed_action=p.action,
        proposed_rule=p.rule,
        reason=p.reason,
    )


def _by_name(kind: str, hint: NameHint | None, ev: _Evidence) -> _Proposal | None:
    """The proposal a name hint makes, or None when the name says nothing that fits the kind."""
    if hint is None:
        return None
    named = f"named like {_CATEGORY_NOUNS[hint.category]} ({hint.keyword!r})"
    if hint.category in _DROP_HINTS:
        share = ev.full.get(hint.entity or "", 0.0)
        why = f"{named}; synthetic data never needs contact details or national ids"
        return _Proposal(Action.DROP, why, hint.entity, share, hinted=True)
    if hint.category == "identifier" and kind == "id":
        why = f"{named}: pseudonymised so that it still links tables"
        return _Proposal(Action.PSEUDONYMISE, why, hinted=True)
    if hint.category == "person":
        share = ev.full.get("PERSON", 0.0)
        why = f"{named}; PERSON covers {share:.0%} of sampled values; drop it instead if no table links by name"
        return _Proposal(Action.PSEUDONYMISE, why, "PERSON", share, hinted=True)
    if hint.category == "birth" and kind == "datetime":
        share = ev.full.get("DATE_TIME", 0.0)
        why = f"{named}: truncated to the year"
        return _Proposal(Action.GENERALISE, why, "DATE_TIME", share, hinted=True, rule=DateTruncate(unit="year"))
    if hint.category == "birth":
        action = Action.KEEP if kind == "numerical" else Action.DROP
        why = f"{named}, kind {kind!r}: a number (a year) is kept; text is dropped unless converted to dates"
        return _Proposal(action, why, "DATE_TIME", hinted=True)
    if hint.category == "age" and kind == "numerical":
        return _Proposal(Action.GENERALISE, f"{named}: 10-year bands, top band 90+", hinted=True, rule=AgeBand())
    return None


def _by_content(kind: str, hint: NameHint | None, ev: _Evidence) -> _Proposal:
    """The proposal from the Presidio evidence and the column's structure alone."""
    entity, share = ev.best_full()
    if not ev.scanned:
        seen = f"{kind} values are not scanned"
    elif entity:
        seen = f"{entity} covers {share:.0%} of sampled values"
    else:
        seen = "no entity covers sampled values"
    if kind == "text":
        text_entity, _ = ev.best_anywhere()
        if text_entity is None:
            return _Proposal(Action.KEEP, "free text without entities in the sample; read a few rows to confirm")
        why = f"free text: {ev.any_entity:.0%} of sampled values contain entities, most often {text_entity}"
        return _Proposal(Action.REDACT_TEXT, why, text_entity, ev.any_entity)
    if share >= EVIDENCE_THRESHOLD and entity in _DROP_ENTITIES:
        return _Proposal(Action.DROP, f"{seen}; synthetic data never needs contact details or ids", entity, share)
    if share >= EVIDENCE_THRESHOLD and entity == "PERSON":
        return _Proposal(Action.PSEUDONYMISE, f"{seen}: personal names are pseudonymised", entity, share)
    if share >= EVIDENCE_THRESHOLD:
        why = f"{seen}: a quasi-identifier, kept; consider merge_rare or date_truncate"
        return _Proposal(Action.KEEP, why, entity, share)
    if kind == "id":
        return _Proposal(Action.PSEUDONYMISE, "unique short strings: an identifier", structural=True)
    why = f"nothing personal detected ({seen}"
    why += f", below the {EVIDENCE_THRESHOLD:.0%} threshold)" if entity else ")"
    if hint is not None and hint.category == "identifier":
        why += f"; named like an identifier ({hint.keyword!r}) but its few values repeat: a category"
    elif hint is not None:
        why += f"; name hint {hint.keyword!r} does not fit kind {kind!r}"
    return _Proposal(Action.KEEP, why)
