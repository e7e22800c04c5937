"""What applying a plan did: counts per column and the key fingerprints, never a value."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

import pandas as pd

from synthgate.privacy.vault import AdditionalInformation

__all__ = ["ColumnOutcome", "PseudonymisationReport", "AppliedPlan"]


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
    malformed_cells: int | None = None  # surrogate: malformed identifiers; address_level: unreadable
    subjects_shifted: int | None = None  # date_shift: distinct subjects with a shifted date
    nulled_cells: int | None = None  # date_shift: dates of rows without a subject, set to null


@dataclass(frozen=True)
class PseudonymisationReport:
    """Counts per column, the row count and the fingerprints of the keys used (if any).

    Never a value or a date offset: ``date_shift_max_days`` is the configured bound.
    ``encryption_key_id`` is filled by the caller after writing the re-identification
    file (``with_encryption_key_id``).
    """

    key_id: str | None
    columns: tuple[ColumnOutcome, ...]
    rows: int
    date_shift_subject: str | None = None
    date_shift_max_days: int | None = None
    reidentification_table: bool = False
    encryption_key_id: str | None = None

    def with_encryption_key_id(self, encryption_key_id: str) -> PseudonymisationReport:
        """A copy recording the fingerprint of the key that encrypted the re-identification file."""
        return replace(self, encryption_key_id=encryption_key_id)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict of the report."""
        return {
            "key_id": self.key_id,
            "rows": self.rows,
            "columns": [asdict(c) for c in self.columns],
            "date_shift": (
                None
                if self.date_shift_subject is None
                else {"subject": self.date_shift_subject, "max_days": self.date_shift_max_days}
            ),
            "reidentification_table": self.reidentification_table,
            "encryption_key_id": self.encryption_key_id,
        }


class AppliedPlan(tuple):  # type: ignore[type-arg]
    """``(frame, report)``, so ``frame, report = apply_plan(...)`` keeps working.

    ``additional_information`` holds the pseudonym/surrogate -> original pairs of a
    reversible plan (else None): write it with ``write_additional_information`` and
    never pass it to a Prefect task (it refuses to be pickled).
    """

    frame: pd.DataFrame
    report: PseudonymisationReport
    additional_information: AdditionalInformation | None

    def __new__(
        cls, frame: pd.DataFrame, report: PseudonymisationReport, table: AdditionalInformation | None = None
    ) -> AppliedPlan:
        applied = super().__new__(cls, (frame, report))
        applied.frame, applied.report, applied.additional_information = frame, report, table
        return applied

    def __reduce__(self) -> Any:
        if self.additional_information is not None:
            raise TypeError("an AppliedPlan with additional information is never pickled")
        return (tuple, (tuple(self),))
