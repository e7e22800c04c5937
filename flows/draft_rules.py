"""What `init` proposes beyond detection: drops, row-number ids, the text language, dates and the risk block."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from synthgate import privacy

A = privacy.Action
_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
_LANGUAGE_SAMPLE = 500  # text values per column read for the language: enough for a share, fast on any table
_LEARNED_ACTIONS = (A.KEEP, A.GENERALISE, A.DATE_SHIFT)


@dataclass(frozen=True)
class Proposal:
    """One column as the draft writes it: kind, action, rule, evidence notes and REVIEW lines (no value)."""

    column: str
    kind: str
    action: privacy.Action
    rule: privacy.GeneraliseRule | None
    notes: tuple[str, ...]
    review: tuple[str, ...] = ()


def needs_review(d: privacy.ColumnDetection) -> bool:
    """Whether detection asks a person to confirm this column's proposal (weak or conflicting evidence)."""
    return bool(getattr(d, "needs_review", False))


def evidence_lines(d: privacy.ColumnDetection) -> tuple[str, ...]:
    """The value-free evidence lines of one detection: the same lines in the table, the JSON and the draft."""
    given = tuple(getattr(d, "evidence", ()) or ())
    if given:
        return given
    # Detections without their own evidence lines: describe the figures the record carries.
    if d.entity:
        lines = [f"{d.entity} in {d.evidence_share:.0%} of {d.sampled} sampled values (confidence {d.confidence:.2f})"]
    elif d.sampled:
        lines = [f"no personal entity in {d.sampled} sampled values"]
    else:
        lines = []
    if d.name_hint:
        lines.append(f"name suggests '{d.name_hint}'")
    return tuple(lines + [d.reason])


def _profile_note(series: pd.Series) -> tuple[str, str] | None:
    """('drop' | 'id', why) for an all-null, constant or row-number column; None otherwise."""
    n = len(series)
    if n and series.isna().all():
        return "drop", f"all {n} values are missing: nothing to learn, dropped"
    if n > 1 and series.nunique(dropna=False) == 1:
        return "drop", f"one value in all {n} rows: nothing to learn, dropped"
    if n >= 3 and pd.api.types.is_integer_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.to_numpy()
        start = int(values[0])
        if start in (0, 1) and np.array_equal(values, np.arange(start, start + n)):
            return "id", (f"whole numbers {start}..{start + n - 1} in file order: row numbers, an id "
                          "(never learned; the synthetic table gets fresh identifiers)")
    return None


def propose_columns(detections: list[privacy.ColumnDetection], frame: pd.DataFrame | None) -> list[Proposal]:
    """Each detection as the draft writes it, with the table's own facts applied.

    All-null and constant columns are dropped and row numbers become ``kind: id`` (kept: they
    identify no one) where detection did not already say so; otherwise detection's kind,
    action and rule stand. Columns detection
    marks ``needs_review`` carry their evidence as REVIEW lines. A ``date_shift`` proposal
    without any identifier column to shift by falls back to truncating to the month.

    Args:
        detections: one per column (``privacy.detect_columns``).
        frame: the table, or None to write detection's proposals unchanged.

    Returns:
        One proposal per detection, in order.
    """
    proposals = []
    for d in detections:
        lines = evidence_lines(d)
        p = Proposal(d.column, d.inferred_kind, d.proposed_action, d.proposed_rule,
                     () if needs_review(d) else lines, lines if needs_review(d) else ())
        profiled = _profile_note(frame[d.column]) if frame is not None and d.column in frame else None
        # Detection that already drops the column, or already calls it an id, said so in its evidence.
        if profiled is not None and (profiled[0] == "drop" and d.proposed_action is A.DROP
                                     or profiled[0] == "id" and d.inferred_kind == "id"):
            profiled = None
        if profiled is not None:
            outcome, why = profiled
            kind = "id" if outcome == "id" else d.inferred_kind
            action = A.KEEP if outcome == "id" else A.DROP
            p = Proposal(d.column, kind, action, None, (why,) + lines)
        proposals.append(p)
    if any(p.action is A.DATE_SHIFT for p in proposals) and date_shift_subject(proposals, detections) is None:
        fallback = privacy.DateTruncate(unit="month")
        note = "date_shift needs a column naming the person; none found, so dates are truncated to the month"
        proposals = [replace(p, action=A.GENERALISE, rule=fallback, notes=p.notes + (note,))
                     if p.action is A.DATE_SHIFT else p for p in proposals]
    return proposals


def date_shift_subject(proposals: list[Proposal], detections: list[privacy.ColumnDetection]) -> str | None:
    """The column whose value names the person for date shifting: detection's choice, else the first keyed id."""
    keyed = [p for p in proposals if p.action in (A.PSEUDONYMISE, A.SURROGATE)]
    chosen = getattr(privacy, "date_shift_subject", None)
    subject = chosen(detections) if chosen is not None else None
    if subject in {p.column for p in keyed}:
        return subject
    ranked = [p for p in keyed if p.kind == "id"] + [p for p in keyed if p.kind != "id"]
    return ranked[0].column if ranked else None


def _learned(proposals: list[Proposal]) -> list[str]:
    return [p.column for p in proposals if p.action in _LEARNED_ACTIONS and p.kind not in ("id", "text")]


def risk_candidates(
    detections: list[privacy.ColumnDetection], proposals: list[Proposal]
) -> tuple[list[str], str] | None:
    """The quasi-identifiers of a k-anonymity block, and why the table is about people; None if it is not.

    A table is about people when it has a name column (PERSON) or at least two
    quasi-identifiers. Only columns the generator learns are kept (the spec refuses others),
    so a drafted block is valid as drafted; without any such column no block is drafted.
    """
    learned = _learned(proposals)
    finder = getattr(privacy, "quasi_identifier_candidates", None)
    if finder is not None:
        found = list(finder(detections))
    else:  # detection without its own finder: what the draft generalises, and dates and places kept
        found = [d.column for d in detections
                 if d.proposed_action is A.GENERALISE or d.entity in ("DATE_TIME", "LOCATION", "NRP")]
    quasi = [c for c in found if c in learned]
    named = [d.column for d in detections if d.entity == "PERSON" and d.inferred_kind != "text"]
    if not quasi or not (named or len(quasi) >= 2):
        return None
    why = f"a table about people (a name column: {', '.join(named)})" if named else (
        f"a table about people ({len(quasi)} quasi-identifiers)")
    return quasi, why


def text_language(frame: pd.DataFrame, columns: list[str], *, seed: int = 0) -> tuple[str, float] | None:
    """The language of the text in ``columns`` from its values: ("ko" | "en", Hangul share); None without text.

    Up to 500 non-null values per column are read (seeded); the headers play no part.
    """
    values: list[str] = []
    for column in columns:
        present = frame[column].dropna()
        if len(present) > _LANGUAGE_SAMPLE:
            present = present.sample(n=_LANGUAGE_SAMPLE, random_state=seed)
        values += [str(v) for v in present]
    if not values:
        return None
    detect = getattr(privacy, "detect_text_language", None)
    if detect is not None:
        language, share = detect(values)
        return str(language), float(share)
    share = sum(bool(_HANGUL.search(v)) for v in values) / len(values)
    return ("ko" if share >= 0.5 else "en"), share
