"""Errors of risk enforcement: names and numbers only, never a cell value."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from synthgate.privacy.errors import PrivacyError

if TYPE_CHECKING:
    from synthgate.privacy.anonymity import EnforcementReport

__all__ = ["RiskThresholdNotMetError", "InvalidEnforcementError"]


class InvalidEnforcementError(PrivacyError):
    """The threshold or the steps do not fit the quasi-identifiers (e.g. a step on another column)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"invalid risk enforcement: {reason}")


class RiskThresholdNotMetError(PrivacyError):
    """Every step ran and the table is still too identifiable.

    Attributes:
        required_k, achieved_k: The threshold's k and the table's k after the steps.
        required_l, achieved_l: The same for l-diversity (None when not required).
        unique_share, max_unique_share: The same for the share of unique records.
        without: ``(quasi-identifier, k, l, meets)`` for the table with that one
            quasi-identifier left out: which columns keep the threshold from holding.
        report: The ``EnforcementReport`` of the steps that ran.
    """

    def __init__(
        self,
        *,
        required_k: int,
        achieved_k: int,
        required_l: int | None,
        achieved_l: int | None,
        unique_share: float,
        max_unique_share: float | None,
        without: Sequence[tuple[str, int, int | None, bool]],
        report: EnforcementReport,
    ) -> None:
        self.required_k = required_k
        self.achieved_k = achieved_k
        self.required_l = required_l
        self.achieved_l = achieved_l
        self.unique_share = unique_share
        self.max_unique_share = max_unique_share
        self.without = tuple(without)
        self.report = report
        achieved = f"k={achieved_k} (required {required_k})"
        if required_l is not None:
            achieved += f", l={achieved_l} (required {required_l})"
        if max_unique_share is not None:
            achieved += f", unique share {unique_share:.4f} (allowed {max_unique_share:.4f})"
        steps = len(report.steps)
        super().__init__(
            f"re-identification risk threshold not met after {steps} step{'s' if steps != 1 else ''}: "
            f"{achieved}; {self._blame()}"
        )

    def blocking(self) -> tuple[str, ...]:
        """The quasi-identifiers whose removal alone would meet the threshold."""
        return tuple(name for name, _, _, meets in self.without if meets)

    def _blame(self) -> str:
        if not self.without:
            return "there are no quasi-identifiers to generalise"
        parts = ", ".join(
            f"{name} k={k}" + ("" if l is None else f" l={l}") for name, k, l, _ in self.without
        )
        blocking = self.blocking()
        if blocking:
            verdict = f"leaving out any one of {', '.join(map(repr, blocking))} would meet it"
        else:
            name, k, l, _ = max(self.without, key=lambda item: (item[1], item[2] or 0))
            if (k, l or 0) > (self.achieved_k, self.achieved_l or 0):
                verdict = f"leaving out one is not enough; leaving out {name!r} helps most"
            else:
                verdict = "leaving out any one does not help"
        return f"without each quasi-identifier: {parts}; {verdict}"
