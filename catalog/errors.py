"""Errors of the catalog package: facts as attributes, messages that never hold a cell value.

Exception tree::

    CatalogError                root of every error the package raises on purpose
    └── AuditError              the audit trail cannot be read or appended to
        └── AuditEntryError     an event or its facts are not allowed in the trail (names the key)
"""
from __future__ import annotations


class CatalogError(Exception):
    """Root of every error the catalog package raises on purpose."""


class AuditError(CatalogError):
    """The audit trail (``audit.jsonl``) cannot be read or appended to."""

    def __init__(self, path: str, problem: str) -> None:
        self.path, self.problem = path, problem
        super().__init__(f"{path}: {problem}")


class AuditEntryError(AuditError):
    """An event name or a fact is refused: the trail holds names, hashes and counts, never values."""
