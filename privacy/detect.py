"""Proposes a pseudonymisation plan from column names and a Presidio scan of sampled values."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from synthgate.privacy._engines import analysis_threshold, entity_threshold, merge_overlaps, presidio_engines
from synthgate.privacy.generalise import AgeBand, DateTruncate, GeneraliseRule
from synthgate.privacy.hints import NameHint, match_name_hint
from synthgate.privacy.kinds import infer_kind
from synthgate.privacy.plan import Action

__all__ = [
    "DETECT_ENTITIES",
    "EVIDENCE_THRESHOLD",
    "ColumnDetection",
    "detect_columns",
    "infer_kind",
]

DETECT_ENTITIES: tuple[str, ...] = (
    "PERSON", "LOCATION", "NRP", "DATE_TIME",  # NER (English spaCy, Korean rules)
    "EMAIL_ADDRESS", "PHONE_NUMBER", "KR_PHONE_NUMBER", "URL", "IP_ADDRESS",  # contact details
    "US_SSN", "CREDIT_CARD", "IBAN_CODE", "US_DRIVER_LICENSE", "US_PASSPORT", "MEDICAL_LICENSE",  # ids
    "KR_RRN", "KR_FRN", "KR_BRN", "KR_PASSPORT", "KR_DRIVER_LICENSE", "KR_HEALTH_INSURANCE_NUMBER",
    "KR_VEHICLE_PLATE", "KR_ADDRESS", "KR_MEDICAL_RECORD_NUMBER", "KR_MILITARY_SERVICE_NUMBER",
)  # fmt: skip
EVIDENCE_THRESHOLD = 0.5
"""Share of sampled values an entity must cover before content alone decides. spaCy's
small model tags stray short words (clinic abbreviations, group labels) as PERSON or
LOCATION in up to ~15% of values; a majority is needed to count."""
_COVERAGE = 0.6  # an entity must span 60% of a value's characters to describe the value
_SCORE = 0.4  # detection threshold: the lowest score of a pattern recognizer we trust
_HINT_WEIGHT = 0.6
_STRUCTURE_WEIGHT = 0.5
_Z2 = 1.96**2  # Wilson's 95% lower bound: 8 of 8 values count as 0.68, 200 of 200 as 0.98
_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
# Contact details, national ids, addresses and plates: synthetic data never needs them.
_DROP_ENTITIES = frozenset(
    {
        "EMAIL_ADDRESS", "PHONE_NUMBER", "KR_PHONE_NUMBER", "URL", "IP_ADDRESS", "KR_ADDRESS",
        "US_SSN", "CREDIT_CARD", "IBAN_CODE", "US_DRIVER_LICENSE", "US_PASSPORT", "MEDICAL_LICENSE",
        "KR_RRN", "KR_FRN", "KR_BRN", "KR_PASSPORT", "KR_DRIVER_LICENSE", "KR_HEALTH_INSURANCE_NUMBER",
        "KR_VEHICLE_PLATE",
    }
)  # fmt: skip
# Names, chart numbers and service numbers link tables: a keyed pseudonym keeps the link.
_PSEUDONYMISE_ENTITIES = frozenset({"PERSON", "KR_MEDICAL_RECORD_NUMBER", "KR_MILITARY_SERVICE_NUMBER"})
# One meaning, two recognizers: evidence is pooled and the commoner member names the column.
_FAMILIES = {"KR_PHONE_NUMBER": "PHONE_NUMBER", "KR_ADDRESS": "LOCATION"}
_DROP_HINTS = frozenset({"national_id", "payment", "email", "phone", "ip", "vehicle", "address"})
_CATEGORY_NOUNS = {
    "national_id": "a national id",
    "payment": "a card number",
    "vehicle": "a vehicle plate",
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

    ``evidence_share`` is the share of sampled values in which ``entity`` (or a
    member of its family: ``PHONE_NUMBER``/``KR_PHONE_NUMBER``,
    ``LOCATION``/``KR_ADDRESS``) covers at least 60% of the characters (for free
    text: the share of values containing any entity); 0.0 when ``entity`` is None.

    ``confidence`` is ``1 - (1 - e)(1 - h)(1 - s)``, the chance that at least one
    signal is right if they were independent: ``e`` is the 95% Wilson lower bound
    of ``evidence_share`` over ``sampled`` values (so 3 of 3 counts as 0.44, 200 of
    200 as 0.98: a tiny sample of a mostly empty column proves little), ``h`` is
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
    """Per entity family: the share of sampled values it covers (``full``) or appears in (``anywhere``)."""

    full: dict[str, float]
    anywhere: dict[str, float]
    any_entity: float
    members: dict[str, str]  # family -> its commonest entity in this column
    confident: dict[str, float] = field(default_factory=dict)  # as ``full``, findings scored >= 0.5 only
    scanned: bool = True

    def best_full(self) -> tuple[str | None, float]:
        family, share = max(self.full.items(), key=lambda kv: kv[1], default=(None, 0.0))
        return self.members.get(family, family) if family else None, share

    def best_anywhere(self) -> str | None:
        family = max(self.anywhere.items(), key=lambda kv: kv[1], default=(None, 0.0))[0]
        return self.members.get(family, family) if family else None

    def share_of(self, entity: str | None) -> tuple[str | None, float]:
        """The share of ``entity``'s family and the member that names it."""
        family = _FAMILIES.get(entity or "", entity)
        return self.members.get(family or "", entity), self.full.get(family or "", 0.0)


_NOT_SCANNED = _Evidence({}, {}, 0.0, {}, scanned=False)
_CONFIDENT = 0.5  # a finding this sure may overrule a column name; phonenumbers' flat 0.4 may not
_Findings = dict[str, list[tuple[str, int, int, float]]]


def detect_columns(
    data: pd.DataFrame,
    *,
    sample_size: int = 200,
    seed: int = 0,
    language: str | None = None,
    medical_record_patterns: Sequence[str] = (),
) -> list[ColumnDetection]:
    """Proposes an action for every column of ``data``.

    Up to ``sample_size`` non-null values per column are sampled (seeded); a mostly
    empty column is sampled among its non-null values and its detection says how
    few there were. The distinct sampled strings of all text-like columns go
    through Presidio in one batch per language: values with Hangul through the
    Korean engine, others through the English one. Content evidence (an entity
    covering most of a value in at least half the sampled values) is combined
    with column-name hints in English and Korean. National ids, contact details,
    addresses, plates and card numbers are dropped; names, chart and service
    numbers and other identifiers are pseudonymised (they link tables); free text
    with entities is redacted; dates of birth are truncated to the year; ages are
    banded; everything else is kept.

    Args:
        data: The raw table; only a sample is read.
        sample_size: Values per column to scan.
        seed: Sampling seed, for reproducible proposals.
        language: ``"en"`` or ``"ko"`` to scan every value with that engine; None
            (the default) chooses per value by script.
        medical_record_patterns: Regular expressions of the hospital's chart
            numbers, found as ``KR_MEDICAL_RECORD_NUMBER``.

    Returns:
        One detection per column, in column order.

    Raises:
        UnsupportedLanguageError: ``language`` has no engine.
    """
    samples = {str(c): _sample(data[c], sample_size, seed) for c in data.columns}
    textual = [str(c) for c in data.columns if _is_textual(data[c])]
    texts = sorted({t for c in textual for t in samples[c]})
    findings = _scan(texts, language, tuple(medical_record_patterns)) if texts else {}
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
            score_threshold=analysis_threshold(_SCORE),
        )
        for text, results in zip(batch, analysed):
            findings[text] = merge_overlaps([r for r in results if r.score >= entity_threshold(r.entity_type, _SCORE)])
    return findings


def _evidence(sample: list[str], findings: _Findings) -> _Evidence:
    full: Counter[str] = Counter()
    confident: Counter[str] = Counter()
    anywhere: Counter[str] = Counter()
    named: Counter[tuple[str, str]] = Counter()
    with_entity = 0
    for text in sample:
        families: Counter[str] = Counter()
        sure: set[str] = set()
        for entity, start, end, score in findings.get(text, []):
            family = _FAMILIES.get(entity, entity)
            families[family] += end - start
            named[(family, entity)] += 1
            if score >= _CONFIDENT:
                sure.add(family)
        with_entity += bool(families)
        anywhere.update(families.keys())
        covering = [f for f, n in families.items() if n >= _COVERAGE * max(len(text), 1)]
        full.update(covering)
        confident.update(f for f in covering if f in sure)
    n = max(len(sample), 1)
    members: dict[str, str] = {}
    for (family, entity), _ in sorted(named.items(), key=lambda kv: (-kv[1], -kv[0][1].startswith("KR_"))):
        members.setdefault(family, entity)
    return _Evidence(
        {e: c / n for e, c in full.items()},
        {e: c / n for e, c in anywhere.items()},
        with_entity / n,
        members,
        {e: c / n for e, c in confident.items()},
    )


def _lower_bound(share: float, n: int) -> float:
    """Wilson's 95% lower bound of a proportion observed in ``n`` values."""
    if n == 0 or share <= 0:
        return 0.0
    centre = share + _Z2 / (2 * n)
    spread = (_Z2 * (share * (1 - share) / n + _Z2 / (4 * n * n))) ** 0.5
    return max(0.0, (centre - spread) / (1 + _Z2 / n))


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
    p = _by_strong_content(kind, hint, ev) or _by_name(kind, hint, ev) or _by_content(kind, hint, ev)
    e = _lower_bound(p.share, sampled)
    doubt = (1 - e) * (1 - _HINT_WEIGHT * p.hinted) * (1 - _STRUCTURE_WEIGHT * p.structural)
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


def _action_of(entity: str | None) -> Action | None:
    if entity in _DROP_ENTITIES:
        return Action.DROP
    return Action.PSEUDONYMISE if entity in _PSEUDONYMISE_ENTITIES else None


def _by_strong_content(kind: str, hint: NameHint | None, ev: _Evidence) -> _Proposal | None:
    """Content that surely names a direct identifier outvotes a name hint of another family."""
    entity, share = ev.best_full()
    action = _action_of(entity)
    if kind == "text" or action is None or share < EVIDENCE_THRESHOLD:
        return None
    if hint is not None and ev.confident.get(_FAMILIES.get(entity or "", entity) or "", 0.0) < EVIDENCE_THRESHOLD:
        return None  # weak findings (a 10-digit service number read as a phone) leave the name in charge
    if hint is not None and _FAMILIES.get(hint.entity or "", hint.entity) == _FAMILIES.get(entity or "", entity):
        return None  # the name agrees: _by_name explains it with both signals
    why = f"{entity} covers {share:.0%} of sampled values"
    if hint is not None:
        why += f" although named like {_CATEGORY_NOUNS[hint.category]} ({hint.keyword!r})"
    why += ": " + ("contact details and ids are never needed" if action is Action.DROP else "pseudonymised, it links tables")
    return _Proposal(action, why, entity, share)


def _by_name(kind: str, hint: NameHint | None, ev: _Evidence) -> _Proposal | None:
    """The proposal a name hint makes, or None when the name says nothing that fits the kind."""
    if hint is None:
        return None
    named = f"named like {_CATEGORY_NOUNS[hint.category]} ({hint.keyword!r})"
    entity, share = ev.share_of(hint.entity)
    if hint.category in _DROP_HINTS:
        why = f"{named}; synthetic data never needs contact details, national ids or addresses"
        return _Proposal(Action.DROP, why, entity, share, hinted=True)
    if hint.category == "identifier" and (kind == "id" or share >= EVIDENCE_THRESHOLD):
        why = f"{named}: pseudonymised so that it still links tables"
        return _Proposal(Action.PSEUDONYMISE, why, entity, share, hinted=True)
    if hint.category == "person":
        why = f"{named}; PERSON covers {share:.0%} of sampled values; drop it instead if no table links by name"
        return _Proposal(Action.PSEUDONYMISE, why, "PERSON", share, hinted=True)
    if hint.category == "birth" and kind == "datetime":
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
        text_entity = ev.best_anywhere()
        if text_entity is None:
            return _Proposal(Action.KEEP, "free text without entities in the sample; read a few rows to confirm")
        why = f"free text: {ev.any_entity:.0%} of sampled values contain entities, most often {text_entity}"
        return _Proposal(Action.REDACT_TEXT, why, text_entity, ev.any_entity)
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

