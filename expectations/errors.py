"""Errors raised by the expectations package; they carry facts, never cell values."""

from __future__ import annotations

__all__ = ["ExpectationsError", "MetricGateError", "ProfileError", "ValidationRunError"]


class ExpectationsError(Exception):
    """Root of every error raised by ``expectations``.

    The tree::

        ExpectationsError
        ├── ProfileError        a training column cannot be profiled as its declared kind
        ├── MetricGateError     an evaluation figure's gate is malformed (also a ValueError)
        └── ValidationRunError  validation could not run (bad inputs, GX failure, docs dir)

    Messages name columns, kinds and rules, never a cell value: an error may be logged or shown
    in a flow run's UI, which are not private. Errors raised while reading data are re-raised
    ``from None`` so that pandas' own message (which often quotes the offending value) is not
    chained into the traceback.

    A *failed* validation is not an error: ``validate_release`` returns a summary whose
    ``success`` is False.
    """


class ProfileError(ExpectationsError):
    """A training column cannot be profiled.

    Attributes:
        column: The column's name.
        reason: What is wrong, without quoting any value.
    """

    def __init__(self, column: str, reason: str) -> None:
        self.column = column
        self.reason = reason
        super().__init__(f"column {column!r}: {reason}")


class MetricGateError(ExpectationsError, ValueError):
    """An evaluation figure's gate is malformed (a programming or spec error, not a failure).

    Attributes:
        metric: The metric's name.
        reason: What is wrong, without quoting the figure.
    """

    def __init__(self, metric: str, reason: str) -> None:
        self.metric = metric
        self.reason = reason
        super().__init__(f"metric gate {metric!r}: {reason}")


class ValidationRunError(ExpectationsError):
    """Validation could not be run (as opposed to: it ran and failed).

    Attributes:
        reason: What went wrong, without quoting any value.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)
