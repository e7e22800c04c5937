"""Errors of the generators package: facts as attributes, messages that never hold a cell value.

Exception tree::

    GeneratorError              root; also "not fitted", "sample size", "too many copies"
    ├── UnknownGeneratorError   a kind that is not registered (names the allowed kinds)
    ├── DeviceUnavailableError  a device that is unknown or not present on this machine
    ├── InvalidParamsError      generator params that fail validation (names key and rule)
    ├── ModelDirectoryError     a model directory that is missing, tampered with or occupied
    └── SchemaError             a column that does not fit the schema (names column and rule)
"""
from __future__ import annotations

from collections.abc import Sequence


class GeneratorError(Exception):
    """Root of every error the generators package raises on purpose."""


class UnknownGeneratorError(GeneratorError):
    """The requested generator kind is not registered."""

    def __init__(self, kind: str, allowed: Sequence[str]) -> None:
        self.kind, self.allowed = kind, sorted(allowed)
        super().__init__(f"unknown generator {kind!r}; allowed: {', '.join(self.allowed)}")


class DeviceUnavailableError(GeneratorError):
    """The requested device cannot be used here."""

    def __init__(self, requested: str, reason: str) -> None:
        self.requested, self.reason = requested, reason
        super().__init__(f"device {requested!r}: {reason}")


class InvalidParamsError(GeneratorError):
    """Generator params fail validation; ``detail`` names the keys and rules, never values of data."""

    def __init__(self, kind: str, detail: str) -> None:
        self.kind, self.detail = kind, detail
        super().__init__(f"generator {kind!r}: {detail}")


class ModelDirectoryError(GeneratorError):
    """A model directory cannot be written or read back safely."""

    def __init__(self, path: object, reason: str) -> None:
        self.path, self.reason = str(path), reason
        super().__init__(f"model directory {self.path}: {reason}")


class SchemaError(GeneratorError):
    """A table or schema column breaks a rule; ``column`` is None for table-level problems."""

    def __init__(self, column: str | None, reason: str) -> None:
        self.column, self.reason = column, reason
        where = f"column {column!r}" if column is not None else "table"
        super().__init__(f"{where}: {reason}")
