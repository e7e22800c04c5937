"""Errors of the evaluation package: facts as attributes, messages that never hold a cell value.

Exception tree::

    EvaluationError             root of every error the package raises on purpose
    ├── TableMismatchError      real, synthetic and holdout tables do not share columns or types
    ├── EmptyTableError         a table has no rows (or no column left to compare)
    ├── TargetError             the utility target column is missing or cannot be used
    └── NotApplicable           a metric cannot be computed on these tables; ``reason`` says why
                                (caught by ``evaluate``, reported as "not applicable")
"""
from __future__ import annotations

from collections.abc import Sequence


class EvaluationError(Exception):
    """Root of every error the evaluation package raises on purpose."""


class TableMismatchError(EvaluationError):
    """The tables cannot be compared column by column."""

    def __init__(self, table: str, problem: str, columns: Sequence[str] = ()) -> None:
        self.table, self.problem, self.columns = table, problem, list(columns)
        shown = f": {', '.join(self.columns[:10])}" + (" …" if len(self.columns) > 10 else "") if self.columns else ""
        super().__init__(f"{table} table {problem}{shown}")


class EmptyTableError(EvaluationError):
    """A table has no rows, or no column is left to compare."""

    def __init__(self, table: str, detail: str = "has no rows") -> None:
        self.table, self.detail = table, detail
        super().__init__(f"{table} table {detail}")


class TargetError(EvaluationError):
    """The target column for the utility check is missing or unusable."""

    def __init__(self, column: str, problem: str, allowed: Sequence[str] = ()) -> None:
        self.column, self.problem, self.allowed = column, problem, list(allowed)
        hint = f"; allowed: {', '.join(self.allowed)}" if self.allowed else ""
        super().__init__(f"target column {column!r} {problem}{hint}")


class NotApplicable(EvaluationError):
    """A metric cannot be computed on these tables; ``reason`` is shown in the report."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)
