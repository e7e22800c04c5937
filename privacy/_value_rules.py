"""Proposals from values alone: names from lists, one-shape formats, dates, row keys, ages, the rest."""

from __future__ import annotations

from synthgate.privacy._proposals import (
    EVIDENCE_THRESHOLD,
    FAMILIES,
    FORMAT_ENTITIES,
    FORMAT_THRESHOLD,
    WEAK_THRESHOLD,
    MIN_NAME_VALUES,
    Facts,
    Proposal,
    action_of,
)
from synthgate.privacy.generalise import AgeBand, DateTruncate
from synthgate.privacy.plan import Action

_MIN_NAME_DISTINCT_SHARE = 0.2  # of the distinct values: a long list of codes with a few names in it is no name column
_WIDE_DISTINCT, _WIDE_SHARE = 100, 0.10  # a high-cardinality column where 1 value in 10 is a known name
_LINK = "pseudonymised so that it still links tables (drop it if nothing links by it)"


def name_lines(f: Facts) -> tuple[str, ...]:
    """Value-free lines for the name-list shares that are not zero, in columns of 5+ distinct values."""
    s, n = f.signals, f.sampled
    if s.get("distinct", 0) < MIN_NAME_VALUES:
        return ()  # "male" is a given name too; in a two-value column that says nothing
    parts = (("given_name_share", "known given names"), ("surname_share", "known surnames"),
             ("full_name_share", "given name plus surname"))  # fmt: skip
    return tuple(f"{s[k]:.0%} of {n} sampled values are {what}" for k, what in parts if s.get(k, 0.0) > 0)


def by_names_in_values(f: Facts) -> Proposal | None:
    """Given names, surnames or full names in most values (or in a weak share: review)."""
    if f.kind not in ("categorical", "id"):
        return None
    s = f.signals
    listed, presidio = s.get("person_share", 0.0), f.ev.full.get("PERSON", 0.0)
    distinct_names = s.get("distinct", 0) * s.get("name_distinct_share", 0.0)
    if distinct_names < MIN_NAME_VALUES or s.get("name_distinct_share", 0.0) < _MIN_NAME_DISTINCT_SHARE:
        listed = 0.0  # a few categories, one of them "Hope" or "정상", are no names
    share = max(listed, presidio)
    # Many distinct values of which a tenth or more are known names: names the lists do not know
    # (covid_testing's `first`: 831 distinct, 20% known given names). Weak, so a person must look.
    wide = s.get("distinct", 0) >= _WIDE_DISTINCT and listed >= _WIDE_SHARE
    if (share < WEAK_THRESHOLD and not wide) or (share < EVIDENCE_THRESHOLD and s.get("distinct", 0) < MIN_NAME_VALUES):
        return None  # spaCy reading one of four clinic names as a person is noise
    if share < EVIDENCE_THRESHOLD and f.quasi is not None:
        return None  # a neighbourhood or a job title named after people ("Jordan", "Marshall Terrace")
    lines = name_lines(f) if listed else ()
    if presidio:
        lines += (f"PERSON covers {presidio:.0%} of {f.sampled} sampled values",)
    if share >= EVIDENCE_THRESHOLD:
        why = f"{share:.0%} of {f.sampled} sampled values are personal names: {_LINK}"
        return Proposal(Action.PSEUDONYMISE, why, "PERSON", share, lines=lines)
    why = (f"only {share:.0%} of {f.sampled} sampled values read as personal names, below the "
           f"{EVIDENCE_THRESHOLD:.0%} threshold: pseudonymised until a person confirms")
    return Proposal(Action.PSEUDONYMISE, why, "PERSON", share, review=True, lines=lines)


def by_format(f: Facts) -> Proposal | None:
    """An id format without checksum or context (11 digits) on most values of one shape: review."""
    if f.kind == "text" or not f.ev.weak:
        return None
    family, share = max(f.ev.weak.items(), key=lambda kv: kv[1])
    entity = f.ev.members.get(family, family)
    if entity not in FORMAT_ENTITIES or share < FORMAT_THRESHOLD or f.signals.get("same_shape_share", 0) < FORMAT_THRESHOLD:
        return None
    action = action_of(entity) or Action.DROP
    line = f"the {entity} format covers {share:.0%} of {f.sampled} sampled values (no context word or checksum)"
    shape = f"{f.signals['same_shape_share']:.0%} of sampled values share one shape"
    why = f"{line}: {action.value} proposed; a person must confirm"
    return Proposal(action, why, entity, share, review=True, lines=(line, shape))


def by_dates(f: Facts) -> Proposal | None:
    """Birth-like dates are truncated to the year; exact event dates shifted or truncated; never merge_rare."""
    s = f.signals
    if f.kind != "datetime" or "span_years" not in s:
        return None
    stamps = f", times of day in {s['time_share']:.0%} (timestamps)" if s["time_share"] else ""
    if s["birth_like"]:
        line = (f"dates imply ages 0-110 in {s['age_fit_share']:.0%} of values and spread over "
                f"{s['span_years']:.0f} years: birth-like{stamps}")
        return Proposal(Action.GENERALISE, f"{line}; truncated to the year", "DATE_TIME", s["age_fit_share"],
                        rule=DateTruncate(unit="year"), lines=(line,))
    if s["exact_share"] == 0 and not s["time_share"]:
        line = "every date is the first of a month: already month precision"
        return Proposal(Action.KEEP, f"{line}; kept", "DATE_TIME", lines=(line,))
    if s["event_like"]:
        line = (f"exact days in {s['exact_share']:.0%} of values, within {s['span_years']:.1f} years: "
                f"event-like (admission, arrest){stamps}")
        why = f"{line}; truncated to the month, or shifted per subject when a subject column is known"
        return Proposal(Action.GENERALISE, why, "DATE_TIME", s["exact_share"], rule=DateTruncate(unit="month"),
                        lines=(line,), event_dates=True)
    line = (f"exact dates over {s['span_years']:.0f} years, {s['age_fit_share']:.0%} implying ages "
            f"0-110: neither clearly birth nor event dates{stamps}")
    return Proposal(Action.GENERALISE, f"{line}; truncated to the month until a person decides", "DATE_TIME",
                    rule=DateTruncate(unit="month"), review=True, lines=(line,))


def by_integer_key(f: Facts) -> Proposal | None:
    """Whole numbers that key rows: row numbers are dropped, record numbers pseudonymised."""
    s = f.signals
    if f.kind != "id" or "increasing_share" not in s:
        return None
    unique = f"unique in {s['unique_share']:.0%} of non-null rows"
    if s["row_number"]:
        line = f"{unique}, consecutive from 0 or 1 in row order: a row number"
        return Proposal(Action.DROP, f"{line}; dropped, it carries nothing a synthetic table needs",
                        structural=True, lines=(line,))
    if s["increasing_share"] == 1.0:
        line = f"{unique}, increasing with row order: a record number"
        return Proposal(Action.PSEUDONYMISE, f"{line}; {_LINK}", structural=True, lines=(line,))
    line = f"{unique}, all {s['digits']:.0f} digits long: probably a record number"
    return Proposal(Action.PSEUDONYMISE, f"{line}; {_LINK}; a person must confirm", structural=True,
                    review=True, lines=(line,))


def by_age(f: Facts) -> Proposal | None:
    """Whole numbers within 0-110 spread over decades, without a name saying so: could be ages."""
    if f.kind != "numerical" or not f.signals.get("age_like") or f.signals.get("measurement_name"):
        return None
    line = "whole numbers within 0-110 spread over decades (IQR >= 10): age-like"
    why = f"{line}; banded (10 years, top band 90+) until a person confirms it is no age"
    return Proposal(Action.GENERALISE, why, rule=AgeBand(), review=True, lines=(line,))


def by_content(f: Facts) -> Proposal:
    """The proposal from the Presidio evidence and the column's structure alone."""
    kind, hint, ev = f.kind, f.hint, f.ev
    entity, share = ev.best_full()
    if not ev.scanned:
        seen = f"{kind} values are not scanned"
    elif entity:
        seen = f"{entity} covers {share:.0%} of {f.sampled} sampled values"
    else:
        seen = f"no entity covers any of {f.sampled} sampled values"
    if kind == "text":
        text_entity = ev.best_anywhere()
        if text_entity is None:
            return Proposal(Action.KEEP, "free text without entities in the sample; read a few rows to confirm",
                            lines=(seen,))
        line = f"{ev.any_entity:.0%} of {f.sampled} sampled values contain entities, most often {text_entity}"
        return Proposal(Action.REDACT_TEXT, f"free text: {line}", text_entity, ev.any_entity, lines=(line,))
    if share >= EVIDENCE_THRESHOLD and FAMILIES.get(entity or "", entity) == "DATE_TIME":
        why = f"{seen}, in a format not read as dates: convert them to ISO dates, then date_shift or date_truncate"
        return Proposal(Action.KEEP, why, entity, share, review=True, lines=(seen,))
    if share >= EVIDENCE_THRESHOLD:
        why = f"{seen}: a quasi-identifier, kept; consider merge_rare"
        return Proposal(Action.KEEP, why, entity, share, lines=(seen,))
    if kind == "id":
        line = f"unique in {f.signals.get('unique_share', 0):.0%} of non-null values, short strings without spaces"
        return Proposal(Action.PSEUDONYMISE, f"{line}: an identifier", structural=True, lines=(line,))
    why = f"nothing personal detected ({seen}"
    why += f", below the {EVIDENCE_THRESHOLD:.0%} threshold)" if entity else ")"
    if hint is not None and hint.category == "identifier":
        why += f"; named like an identifier ({hint.keyword!r}) but its few values repeat: a category"
    elif hint is not None:
        why += f"; name hint {hint.keyword!r} does not fit kind {kind!r}"
    return Proposal(Action.KEEP, why, lines=(seen,))
