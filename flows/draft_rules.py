"""What `init` drafts around detection's proposals: REVIEW lines, text language, date shifting, risk, data rules."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from synthgate import expectations
from synthgate import privacy
from synthgate.flows.tables import coerce_kinds

A = privacy.Action
_LANGUAGE_SAMPLE = 500  # text values per column read for the language: enough for a share, fast on any table
_LEARNED_ACTIONS = (A.KEEP, A.GENERALISE, A.DATE_SHIFT)
_RULE_ROWS = 20_000  # rows read for data rules: a seeded sample keeps `init` fast on a million-row table


@dataclass(frozen=True)
class Proposal:
    """One column as the draft writes it: kind, action, rule, evidence notes and REVIEW lines (no value)."""

    column: str
    kind: str
    action: privacy.Action
    rule: privacy.GeneraliseRule | None
    notes: tuple[str, ...]
    review: tuple[str, ...] = ()


def evidence_lines(d: privacy.ColumnDetection) -> tuple[str, ...]:
    """The value-free evidence lines of one detection: the same lines in the table, the JSON and the draft."""
    return tuple(d.evidence) or (d.reason,)


def propose_columns(detections: list[privacy.ColumnDetection]) -> list[Proposal]:
    """Each detection as the draft writes it.

    Detection decides the kind, action and rule (all-null and constant columns dropped, row
    numbers as ids, dates truncated or shifted); columns it marks ``needs_review`` carry
    their evidence as REVIEW lines, the others as plain comments.

    Args:
        detections: one per column (``privacy.detect_columns``).

    Returns:
        One proposal per detection, in order.
    """
    proposals = []
    for d in detections:
        lines = evidence_lines(d)
        notes, review = ((), lines) if d.needs_review else (lines, ())
        proposals.append(Proposal(d.column, d.inferred_kind, d.proposed_action, d.proposed_rule, notes, review))
    return proposals


def date_shift_subject(detections: list[privacy.ColumnDetection]) -> str | None:
    """The column naming the person whose dates move together: the one detection shifted dates by."""
    return privacy.date_shift_subject(detections)


def _learned(proposals: list[Proposal]) -> set[str]:
    return {p.column for p in proposals if p.action in _LEARNED_ACTIONS and p.kind not in ("id", "text")}


def risk_candidates(
    detections: list[privacy.ColumnDetection], proposals: list[Proposal]
) -> tuple[list[str], str] | None:
    """The quasi-identifiers of a k-anonymity block, and why the table is about people; None if it is not.

    A table is about people when it has a name column (PERSON) or at least two
    quasi-identifiers (``privacy.quasi_identifier_candidates``). Only columns the generator
    learns are kept (the spec refuses others), so a drafted block is valid as drafted;
    without any such column no block is drafted.
    """
    learned = _learned(proposals)
    quasi = [c for c in privacy.quasi_identifier_candidates(detections) if c in learned]
    named = [d.column for d in detections if d.entity == "PERSON" and d.inferred_kind != "text"]
    if not quasi or not (named or len(quasi) >= 2):
        return None
    why = f"a table about people (a name column: {', '.join(named)})" if named else (
        f"a table about people ({len(quasi)} quasi-identifiers)")
    return quasi, why


def text_language(frame: pd.DataFrame, columns: list[str], *, seed: int = 0) -> tuple[str, float] | None:
    """The language of the text in ``columns`` from its values: ("ko" | "en", Hangul share); None without text.

    Up to 500 non-null values per column are read (seeded) and handed to
    ``privacy.detect_text_language``; the headers play no part.
    """
    values: list[str] = []
    for column in columns:
        present = frame[column].dropna()
        if len(present) > _LANGUAGE_SAMPLE:
            present = present.sample(n=_LANGUAGE_SAMPLE, random_state=seed)
        values += [str(v) for v in present]
    if not values:
        return None
    language, share = privacy.detect_text_language(values)
    return str(language), float(share)


def propose_rules(frame: pd.DataFrame, proposals: list[Proposal],
                  detections: list[privacy.ColumnDetection], *, seed: int = 0) -> list[dict]:
    """The data rules the draft proposes: those held in >= 99.9% of rows among columns learned as they are.

    Columns kept as they are take part; date-shifted ones too, but only in rules a shift by
    one offset per person keeps (equal, inequality, present_when without values); generalised
    columns do not (their values change). A present_when names the values of its other
    column only if detection found no personal entity there, and only values of >= 5 rows. Sums
    take numerical columns only, so neither a date shift nor a value list touches them.
    Tables above 20,000 rows are read on a seeded sample of that many rows.

    Returns:
        Rule dicts of the shared format with ``held`` and a value-free ``reason``.
    """
    kinds = {p.column: p.kind for p in proposals if p.action in (A.KEEP, A.DATE_SHIFT) and p.kind not in ("id", "text")}
    shifted = {p.column for p in proposals if p.action is A.DATE_SHIFT}
    personal = {d.column for d in detections if d.entity}
    table = frame.sample(n=_RULE_ROWS, random_state=seed) if len(frame) > _RULE_ROWS else frame
    typed = {}
    for name, kind in kinds.items():
        try:
            typed[name] = coerce_kinds(table[[name]], {name: kind})[name]
        except Exception:  # noqa: BLE001 - a column that does not read as its kind takes no part in rules
            continue
    if not typed:
        return []
    rules = expectations.detect_rules(pd.DataFrame(typed).reset_index(drop=True), kinds, seed=seed)
    kept = []
    for rule in rules:
        named = set(expectations.rules.rule_columns(rule))
        if named & shifted and (rule["type"] == "determines" or rule.get("values")):
            continue
        if rule.get("values") and rule["other"] in personal:
            continue
        kept.append(rule)
    return kept
