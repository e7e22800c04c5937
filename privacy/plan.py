"""The pseudonymisation plan (column -> action) and applying it to a table, with a counts-only report."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import pandas as pd

from synthgate.privacy.errors import (
    ColumnActionError,
    ColumnNotFoundError,
    InvalidPlanError,
    KeyRequiredError,
    PrivacyError,
    RuleNotApplicableError,
    UnplannedColumnsError,
)
from synthgate.privacy.dateshift import DateShift, SubjectOffsets, shift_dates, subject_offsets
from synthgate.privacy.generalise import GeneraliseRule
from synthgate.privacy.keys import PseudonymKey
from synthgate.privacy.kinds import KINDS
from synthgate.privacy.pseudonymise import distinct_identifiers, pseudonyms_of, spread
from synthgate.privacy.redact import TextRedactor
from synthgate.privacy.surrogate import SurrogateConfig, surrogate_series
from synthgate.privacy.report import AppliedPlan, ColumnOutcome, PseudonymisationReport
from synthgate.privacy.vault import AdditionalInformation

__all__ = [
    "Action",
    "ColumnPlan",
    "PseudonymisationPlan",
    "ColumnOutcome",
    "PseudonymisationReport",
    "AppliedPlan",
    "apply_plan",
]


class Action(str, Enum):
    """What happens to a column before any generator sees it."""

    KEEP = "keep"
    DROP = "drop"
    PSEUDONYMISE = "pseudonymise"
    GENERALISE = "generalise"
    REDACT_TEXT = "redact_text"
    SURROGATE = "surrogate"  # a keyed fake identifier of the same format (see surrogate.py)
    DATE_SHIFT = "date_shift"  # dates moved by the subject's keyed offset (see dateshift.py)


_KEYED = (Action.PSEUDONYMISE, Action.SURROGATE, Action.DATE_SHIFT)
_REVERSIBLE = (Action.PSEUDONYMISE, Action.SURROGATE)


# Booleans and dates carry no identity of their own; a pseudonym would only hide their meaning.
_PSEUDONYMISABLE_KINDS = frozenset({"id", "categorical", "text", "numerical"})


@dataclass(frozen=True)
class ColumnPlan:
    """The decision for one column.

    Attributes:
        name: Column name.
        kind: One of ``KINDS``: the column's kind before the action.
        action: What to do; a plain string such as ``"keep"`` is accepted.
        rule: The generalisation rule; required for ``GENERALISE``, else None.
        surrogate: The surrogate format; required for ``SURROGATE``, else None.

    Raises:
        InvalidPlanError: Unknown kind, a rule on a non-generalise action, a missing
            rule, or an action that does not fit the kind.
        RuleNotApplicableError: The rule does not accept the kind.
    """

    name: str
    kind: str
    action: Action
    rule: GeneraliseRule | None = None
    surrogate: SurrogateConfig | None = None

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "action", Action(self.action))
        except ValueError:
            allowed = ", ".join(a.value for a in Action)
            raise InvalidPlanError(self.name, f"unknown action {self.action!r}; allowed: {allowed}") from None
        if self.kind not in KINDS:
            raise InvalidPlanError(self.name, f"unknown kind {self.kind!r}; allowed: {', '.join(sorted(KINDS))}")
        if self.action is Action.GENERALISE:
            if self.rule is None:
                raise InvalidPlanError(self.name, "action 'generalise' needs a rule")
            if self.kind not in self.rule.accepts_kinds:
                raise RuleNotApplicableError(self.name, self.rule.rule, self.kind, self.rule.accepts_kinds)
        elif self.rule is not None:
            raise InvalidPlanError(self.name, f"action {self.action.value!r} takes no rule")
        if self.action is Action.REDACT_TEXT and self.kind != "text":
            raise InvalidPlanError(self.name, f"action 'redact_text' needs kind 'text', not {self.kind!r}")
        if self.action in (Action.PSEUDONYMISE, Action.SURROGATE) and self.kind not in _PSEUDONYMISABLE_KINDS:
            allowed = ", ".join(sorted(_PSEUDONYMISABLE_KINDS))
            raise InvalidPlanError(self.name, f"action {self.action.value!r} takes kinds {allowed}, not {self.kind!r}")
        if self.action is Action.SURROGATE and self.surrogate is None:
            raise InvalidPlanError(self.name, "action 'surrogate' needs a surrogate format (kr_rrn or digits)")
        if self.action is not Action.SURROGATE and self.surrogate is not None:
            raise InvalidPlanError(self.name, f"action {self.action.value!r} takes no surrogate format")
        if self.action is Action.DATE_SHIFT and self.kind != "datetime":
            raise InvalidPlanError(self.name, f"action 'date_shift' needs kind 'datetime', not {self.kind!r}")

    @property
    def output_kind(self) -> str | None:
        """The column's kind after the action; None when it is dropped."""
        if self.action is Action.DROP:
            return None
        if self.action in (Action.PSEUDONYMISE, Action.SURROGATE):
            # A pseudonym or surrogate is a key whatever it replaced: it links records and is never learned.
            return "id"
        if self.action is Action.GENERALISE:
            assert self.rule is not None
            return self.rule.output_kind(self.kind)
        return self.kind


@dataclass(frozen=True)
class PseudonymisationPlan:
    """Every column of a table with its action, in output order.

    Attributes:
        columns: One plan per column.
        text_language: Language of the ``redact_text`` columns.
        medical_record_patterns: Regular expressions of the agency's medical record
            numbers, redacted from free text as ``KR_MEDICAL_RECORD_NUMBER``.
        date_shift: Subject column and range for the ``date_shift`` columns.
        reversible: Also collect the pseudonym/surrogate -> original pairs
            (``AppliedPlan.additional_information``) for an encrypted
            re-identification file; the report records that it was made.

    Raises:
        InvalidPlanError: A column appears twice; ``date_shift`` columns without a
            ``date_shift`` setting; a subject column missing from the plan or itself
            date-shifted.
    """

    columns: tuple[ColumnPlan, ...]
    text_language: str = "en"
    date_shift: DateShift | None = None
    reversible: bool = False
    medical_record_patterns: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        object.__setattr__(self, "medical_record_patterns", tuple(self.medical_record_patterns))
        seen: set[str] = set()
        for column in self.columns:
            if column.name in seen:
                raise InvalidPlanError(column.name, "the column appears twice in the plan")
            seen.add(column.name)
        shifted = self.by_action(Action.DATE_SHIFT)
        if shifted and self.date_shift is None:
            raise InvalidPlanError(shifted[0], "action 'date_shift' needs date_shift=DateShift(subject=...) on the plan")
        if self.date_shift is not None:
            subject = self.date_shift.subject
            if subject not in seen:
                raise InvalidPlanError(subject, "the date_shift subject column is not in the plan")
            if subject in shifted:
                raise InvalidPlanError(subject, "the date_shift subject column cannot itself be date-shifted")

    def by_action(self, action: Action | str) -> tuple[str, ...]:
        """Names of the columns with ``action``, in plan order."""
        wanted = Action(action)
        return tuple(c.name for c in self.columns if c.action is wanted)

    def rules(self) -> dict[str, GeneraliseRule]:
        """Column name -> rule, for the generalised columns (feed it to ``coarsen_synthetic``)."""
        return {c.name: c.rule for c in self.columns if c.rule is not None}


def apply_plan(data: pd.DataFrame, plan: PseudonymisationPlan, key: PseudonymKey | None) -> AppliedPlan:
    """Applies the plan to a table: keep, drop, pseudonymise, surrogate, date-shift, generalise or redact.

    Args:
        data: The raw table; it is not modified.
        plan: One entry per column of ``data``.
        key: The pseudonym key; required when a column is pseudonymised,
            surrogated or date-shifted (each uses its own sub-key).

    Returns:
        ``AppliedPlan``: the new table (plan order, dropped columns removed, a fresh
        ``RangeIndex``: the input index is not part of the plan, so it is never
        carried over), a report, and for a reversible plan the re-identification pairs.

    Raises:
        ColumnNotFoundError: The plan names columns that ``data`` lacks.
        UnplannedColumnsError: ``data`` has columns the plan does not mention.
        KeyRequiredError: Columns use a keyed action and ``key`` is None.
        InvalidPlanError: ``data`` has duplicate column names.
        RuleNotApplicableError: A rule does not fit a column's values.
        RedactionError: Presidio failed on a text column.
        ColumnActionError: Any other failure; it names the column and action only.
    """
    planned = [c.name for c in plan.columns]
    duplicated = data.columns[data.columns.duplicated()]
    if len(duplicated):
        raise InvalidPlanError(str(duplicated[0]), "the column appears twice in the data")
    missing = [name for name in planned if name not in data.columns]
    if missing:
        raise ColumnNotFoundError(*missing)
    unplanned = [str(name) for name in data.columns if name not in set(planned)]
    if unplanned:
        raise UnplannedColumnsError(unplanned)
    keyed = tuple(c.name for c in plan.columns if c.action in _KEYED)
    if keyed and key is None:
        raise KeyRequiredError(keyed)

    data = data.copy()  # deep: nothing below may write through to the caller's frame
    context = _Context(key=key, reversible=plan.reversible)
    if plan.by_action(Action.REDACT_TEXT):
        context.redactor = TextRedactor(
            language=plan.text_language, medical_record_patterns=plan.medical_record_patterns
        )
    if plan.date_shift is not None and plan.by_action(Action.DATE_SHIFT):
        assert key is not None
        shift = plan.date_shift
        context.offsets = _guarded(shift.subject, "date_shift", lambda: subject_offsets(data[shift.subject], key, shift.max_days))
    out: dict[str, Any] = {}
    outcomes = []
    for column in plan.columns:
        new, outcome = _guarded(column.name, column.action.value, lambda: _apply_column(data[column.name], column, context))
        if new is not None:
            out[column.name] = new.array  # arrays, not Series: no index alignment surprises
        outcomes.append(outcome)
    # A fresh index: the plan covers columns only, and an index of patient ids would leak.
    result = pd.DataFrame(out, index=pd.RangeIndex(len(data)), columns=[n for n in planned if n in out])
    shifting = context.offsets is not None and plan.date_shift is not None
    report = PseudonymisationReport(
        key_id=key.key_id if key is not None and keyed else None,
        columns=tuple(outcomes),
        rows=len(data),
        date_shift_subject=plan.date_shift.subject if shifting and plan.date_shift else None,
        date_shift_max_days=plan.date_shift.max_days if shifting and plan.date_shift else None,
        reidentification_table=plan.reversible,
    )
    table = AdditionalInformation(context.pairs) if plan.reversible else None
    return AppliedPlan(result, report, table)


@dataclass
class _Context:
    key: PseudonymKey | None
    reversible: bool
    redactor: TextRedactor | None = None
    offsets: SubjectOffsets | None = None
    pairs: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    cache: Any = None  # a PseudonymCache when the table is applied in batches (privacy/batches.py)


def _guarded(column: str, action: str, run: Any) -> Any:
    try:
        return run()
    except PrivacyError:
        raise
    except Exception as exc:
        # Not chained: pandas and numpy messages often quote the offending cell.
        raise ColumnActionError(column, action, type(exc).__name__) from None


def _apply_column(
    series: pd.Series, column: ColumnPlan, context: _Context
) -> tuple[pd.Series | None, ColumnOutcome]:
    non_null = int(series.notna().sum())
    facts: dict[str, Any] = {}
    new: pd.Series | None
    key, redactor = context.key, context.redactor
    if column.action is Action.DROP:
        new, changed = None, non_null
    elif column.action is Action.KEEP:
        new, changed = series, 0
    elif column.action is Action.PSEUDONYMISE:
        assert key is not None
        codes, raw, normalised = distinct_identifiers(series)
        pseudonyms = pseudonyms_of(normalised, key, context.cache)
        new, changed = spread(codes, pseudonyms, series.index, series.name), non_null  # type: ignore[arg-type]
        facts["distinct_pseudonyms"] = len(set(pseudonyms))
        if context.reversible:
            context.pairs[column.name] = list(zip(pseudonyms, raw))
    elif column.action is Action.SURROGATE:
        assert key is not None and column.surrogate is not None
        new, result, pairs = surrogate_series(series, key, column.surrogate)
        changed = non_null
        facts.update(distinct_pseudonyms=result.distinct_surrogates, malformed_cells=result.malformed_cells)
        if context.reversible:
            context.pairs[column.name] = pairs
    elif column.action is Action.DATE_SHIFT:
        assert context.offsets is not None
        new, shifted = shift_dates(series, context.offsets)
        changed = shifted.changed_cells
        facts.update(subjects_shifted=shifted.subjects_shifted, nulled_cells=shifted.nulled_cells)
    elif column.action is Action.GENERALISE:
        assert column.rule is not None
        new, changed, unreadable = column.rule.apply_counted(series)
        if column.rule.rule == "address_level":
            facts["malformed_cells"] = unreadable
    else:
        assert redactor is not None
        new, facts["entities_redacted"] = redactor.redact_series(series)
        changed = int((series.notna() & (new != series.astype(object))).sum())
    outcome = ColumnOutcome(
        column=column.name,
        action=column.action.value,
        rule=column.rule.rule if column.rule is not None else None,
        output_kind=column.output_kind,
        non_null_cells=non_null,
        changed_cells=changed,
        **facts,
    )
    return new, outcome
