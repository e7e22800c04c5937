"""Exceptions of the privacy package: facts about columns and rules, never cell values."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "PrivacyError",
    "KeyTooShortError",
    "RuleNotApplicableError",
    "ColumnNotFoundError",
    "UnplannedColumnsError",
    "InvalidPlanError",
    "KeyRequiredError",
    "RedactionError",
    "ColumnActionError",
    "UnsupportedLanguageError",
    "SurrogateSpaceExhaustedError",
    "AdditionalInformationError",
    "UnsafeLocationError",
]


class PrivacyError(Exception):
    """Root of every error raised by ``privacy``.

    Tree::

        PrivacyError
        ├── KeyTooShortError          the pseudonym key is shorter than the minimum
        ├── RuleNotApplicableError    a generalisation rule does not fit a column
        ├── ColumnNotFoundError       the plan or rules name a column the data lacks
        ├── UnplannedColumnsError     the data has columns the plan does not decide
        ├── InvalidPlanError          a column plan is inconsistent (action vs kind vs rule)
        ├── KeyRequiredError          columns are pseudonymised but no key was given
        ├── RedactionError            Presidio failed while redacting a text column
        ├── ColumnActionError         any other failure while applying a column's action
        ├── UnsupportedLanguageError  no NLP model is installed for a language
        ├── SurrogateSpaceExhaustedError  an identifier shape has too few free surrogates
        ├── AdditionalInformationError    the re-identification file cannot be read or written
        │                                 (wrong encryption key, altered file, unknown format)
        ├── UnsafeLocationError       the re-identification file would sit inside a forbidden folder
        ├── InvalidEnforcementError   risk steps that do not fit the quasi-identifiers (_risk_errors.py)
        └── RiskThresholdNotMetError  k or l still missed after every step; names the blocking
                                      quasi-identifiers (_risk_errors.py)

    Every subclass keeps its facts as attributes and builds a one-line message from
    column names, rule names, counts and allowed values only. Privacy failures are
    terminal: do not retry them.
    """


class KeyTooShortError(PrivacyError):
    """The secret given to ``PseudonymKey`` (or an encryption key) is too short."""

    def __init__(self, length: int, minimum: int, what: str = "pseudonym key") -> None:
        self.length = length
        self.minimum = minimum
        super().__init__(f"{what} has {length} bytes; at least {minimum} are required")


class RuleNotApplicableError(PrivacyError):
    """A generalisation rule cannot be applied to a column.

    Raised when the column kind is not one the rule accepts (``detail`` is None), or
    when the column has the right kind but some cells cannot be read as that kind
    (``unparseable_cells`` counts them) or the rule's bounds do not fit (``detail``).
    """

    def __init__(
        self,
        column: str,
        rule: str,
        kind: str,
        allowed_kinds: Iterable[str],
        *,
        unparseable_cells: int = 0,
        detail: str | None = None,
    ) -> None:
        self.column = column
        self.rule = rule
        self.kind = kind
        self.allowed_kinds = tuple(sorted(allowed_kinds))
        self.unparseable_cells = unparseable_cells
        self.detail = detail
        allowed = ", ".join(self.allowed_kinds)
        if unparseable_cells:
            cells = "cell" if unparseable_cells == 1 else "cells"
            why = f"{unparseable_cells} non-null {cells} cannot be read as {allowed}"
        elif detail:
            why = detail
        else:
            why = f"its kind is {kind!r}; the rule accepts: {allowed}"
        super().__init__(f"rule {rule!r} cannot be applied to column {column!r}: {why}")


class ColumnNotFoundError(PrivacyError):
    """One or more named columns are missing from the data."""

    def __init__(self, *columns: str) -> None:
        self.columns = tuple(columns)
        self.column = self.columns[0] if self.columns else ""
        noun = "column" if len(self.columns) == 1 else "columns"
        super().__init__(f"{noun} not found in the data: {', '.join(map(repr, self.columns))}")


class UnplannedColumnsError(PrivacyError):
    """The data has columns the plan does not mention; every column needs an action."""

    def __init__(self, columns: Iterable[str]) -> None:
        self.columns = tuple(columns)
        super().__init__(
            "the plan does not decide columns "
            f"{', '.join(map(repr, self.columns))}; give each one an action (keep, drop, ...)"
        )


class InvalidPlanError(PrivacyError):
    """A column plan is inconsistent, e.g. ``redact_text`` on a numerical column."""

    def __init__(self, column: str, reason: str) -> None:
        self.column = column
        self.reason = reason
        super().__init__(f"invalid plan for column {column!r}: {reason}")


class KeyRequiredError(PrivacyError):
    """The plan pseudonymises columns but no key was given."""

    def __init__(self, columns: Iterable[str]) -> None:
        self.columns = tuple(columns)
        super().__init__(
            f"columns {', '.join(map(repr, self.columns))} are pseudonymised, so a PseudonymKey is required"
        )


class RedactionError(PrivacyError):
    """Presidio failed while redacting a text column."""

    def __init__(self, column: str, reason: str) -> None:
        self.column = column
        self.reason = reason
        super().__init__(f"redaction of column {column!r} failed: {reason}")


class ColumnActionError(PrivacyError):
    """An unexpected failure while applying an action to a column.

    The original exception is not chained: library messages (pandas, numpy) often
    quote the offending cell, so only its type survives in ``reason``.
    """

    def __init__(self, column: str, action: str, reason: str) -> None:
        self.column = column
        self.action = action
        self.reason = reason
        super().__init__(f"action {action!r} failed on column {column!r}: {reason}")


class UnsupportedLanguageError(PrivacyError):
    """No NLP model is installed for the requested language."""

    def __init__(self, language: str, supported: Iterable[str]) -> None:
        self.language = language
        self.supported = tuple(sorted(supported))
        super().__init__(
            f"language {language!r} is not supported; installed: {', '.join(self.supported)}"
        )


class SurrogateSpaceExhaustedError(PrivacyError):
    """No unused surrogate was found for some value after the maximum number of redraws."""

    def __init__(self, column: str, fmt: str, distinct: int, attempts: int) -> None:
        self.column = column
        self.format = fmt
        self.distinct = distinct
        self.attempts = attempts
        super().__init__(
            f"surrogate format {fmt!r} has too few free values for column {column!r}: "
            f"{distinct} distinct identifiers, no free surrogate after {attempts} draws"
        )


class AdditionalInformationError(PrivacyError):
    """The encrypted re-identification file cannot be written or read.

    ``reason`` is one of a few fixed phrases (wrong key or altered file, unknown
    format, key reused); it never quotes the file's content.
    """

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"re-identification file {path!r}: {reason}")


class UnsafeLocationError(PrivacyError):
    """A location for the re-identification file overlaps a folder it must stay apart from."""

    def __init__(self, location: str, forbidden: str, relation: str) -> None:
        self.location = location
        self.forbidden = forbidden
        self.relation = relation
        super().__init__(
            f"the re-identification file location {location!r} {relation} {forbidden!r}; "
            "keep it apart from the workspace and the catalog"
        )
