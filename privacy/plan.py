"""The pseudonymisation plan (column -> action) and applying it to a table, with a counts-only report."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any

import pandas as pd

from privacy.errors import (
    ColumnActionError,
    ColumnNotFoundError,
    InvalidPlanError,
    KeyRequiredError,
    PrivacyError,
    RuleNotApplicableError,
    UnplannedColumnsError,
)
from privacy.generalise import GeneraliseRule
from privacy.keys import PseudonymKey
from privacy.kinds import KINDS
from privacy.pseudonymise import pseudonymise_series
from privacy.redact import TextRedactor

__all__ = [
    "Action",
    "ColumnPlan",
    "PseudonymisationPlan",
    "ColumnOutcome",
    "PseudonymisationReport",
    "apply_plan",
]


class Action(str, Enum):
    """What happens to a column before any generator sees it."""

    KEEP = "keep"
    DROP = "drop"
    PSEUDONYMISE = "pseudonymise"
    GENERALISE = "generalise"
    REDACT_TEXT = "redact_text"


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

    Raises:
        InvalidPlanError: Unknown kind, a rule on a non-generalise action, a missing
            rule, or an action that does not fit the kind.
        RuleNotApplicableError: The rule does not accept the kind.
    """

    name: str
    kind: str
    action: Action
    rule: GeneraliseRule | None = None

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
        if self.action is Action.PSEUDONYMISE and self.kind not in _PSEUDONYMISABLE_KINDS:
            allowed = ", ".join(sorted(_PSEUDONYMISABLE_KINDS))
            raise InvalidPlanError(self.name, f"action 'pseudonymise' takes kinds {allowed}, not {self.kind!r}")

    @property
    def output_kind(self) -> str | None:
        """The column's kind after the action; None when it is dropped."""
        if self.action is Action.DROP:
            return None
        if self.action is Action.PSEUDONYMISE:
            # A pseudonym is a key whatever it replaced: it links records and is never learned.
            return "id"
        if self.action is Action.GENERALISE:
            assert self.rule is not None
            return self.rule.output_kind(self.kind)
        return self.kind


@dataclass(frozen=True)
class PseudonymisationPlan:
    """Every column of a table with its action, in output order.

    Raises:
        InvalidPlanError: A column appears twice.
    """

    columns: tuple[ColumnPlan, ...]
    text_language: str = "en"

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", tuple(self.columns))
        seen: set[str] = set()
        for column in self.columns:
            if column.name in seen:
                raise InvalidPlanError(column.name, "the column appears twice in the plan")
            seen.add(column.name)

    def by_action(self, action: Action | str) -> tuple[str, ...]:
        """Names of the columns with ``action``, in plan order."""
        wanted = Action(action)
        return tuple(c.name for c in self.columns if c.action is wanted)

    def rules(self) -> dict[str, GeneraliseRule]:
        """Column name -> rule, for the generalised columns (feed it to ``coarsen_synthetic``)."""
        return {c.name: c.rule for c in self.columns if c.rule is not None}


@dataclass(frozen=True)
class ColumnOutcome:
    """What happened to one column: counts only, never values.

    ``changed_cells`` counts non-null cells whose value changed; for a dropped
    column every non-null cell counts as changed.
    """

    column: str
    action: str
    rule: str | None
    output_kind: str | None
    non_null_cells: int
    changed_cells: int
    distinct_pseudonyms: int | None = None
    entities_redacted: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PseudonymisationReport:
    """Counts per column, the row count and the fingerprint of the key used (if any)."""

    key_id: str | None
    columns: tuple[ColumnOutcome, ...]
    rows: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict of the report."""
        return {"key_id": self.key_id, "rows": self.rows, "columns": [asdict(c) for c in self.columns]}


def apply_plan(
    data: pd.DataFrame, plan: PseudonymisationPlan, key: PseudonymKey | None
) -> tuple[pd.DataFrame, PseudonymisationReport]:
    """Applies the plan to a table: keep, drop, pseudonymise, generalise or redact each column.

    Args:
        data: The raw table; it is not modified.
        plan: One entry per column of ``data``.
        key: The pseudonym key; required only when some column is pseudonymised.

    Returns:
        The new table (plan order, dropped columns removed, a fresh ``RangeIndex``:
        the input index is not part of the plan, so it is never carried over) and a
        report.

    Raises:
        ColumnNotFoundError: The plan names columns that ``data`` lacks.
        UnplannedColumnsError: ``data`` has columns the plan does not mention.
        KeyRequiredError: Columns are pseudonymised and ``key`` is None.
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
    pseudonymised = plan.by_action(Action.PSEUDONYMISE)
    if pseudonymised and key is None:
        raise KeyRequiredError(pseudonymised)

    data = data.copy()  # deep: nothing below may write through to the caller's frame
    redactor = TextRedactor(language=plan.text_language) if plan.by_action(Action.REDACT_TEXT) else None
    out: dict[str, Any] = {}
    outcomes = []
    for column in plan.columns:
        try:
            new, outcome = _apply_column(data[column.name], column, key, redactor)
        except PrivacyError:
            raise
        except Exception as exc:
            # Not chained: pandas and numpy messages often quote the offending cell.
            raise ColumnActionError(column.name, column.action.value, type(exc).__name__) from None
        if new is not None:
            out[column.name] = new.array  # arrays, not Series: no index alignment surprises
        outcomes.append(outcome)
    # A fresh index: the plan covers columns only, and an index of patient ids would leak.
    result = pd.DataFrame(out, index=pd.RangeIndex(len(data)), columns=[n for n in planned if n in out])
    key_id = key.key_id if key is not None and pseudonymised else None
    return result, PseudonymisationReport(key_id=key_id, columns=tuple(outcomes), rows=len(data))


def _apply_column(
    series: pd.Series, column: ColumnPlan, key: PseudonymKey | None, redactor: TextRedactor | None
) -> tuple[pd.Series | None, ColumnOutcome]:
    non_null = int(series.notna().sum())
    facts: dict[str, Any] = {}
    new: pd.Series | None
    if column.action is Action.DROP:
        new, changed = None, non_null
    elif column.action is Action.KEEP:
        new, changed = series, 0
    elif column.action is Action.PSEUDONYMISE:
        assert key is not None
        new, changed = pseudonymise_series(series, key), non_null
        facts["distinct_pseudonyms"] = int(new.nunique())
    elif column.action is Action.GENERALISE:
        assert column.rule is not None
        new, changed = column.rule.apply(series)
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
