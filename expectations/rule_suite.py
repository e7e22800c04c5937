"""Data rules as GX expectations: built-in pair checks where GX has them, per-row booleans otherwise."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from synthgate.expectations._normalise import gx_view
from synthgate.expectations.errors import ValidationRunError
from synthgate.expectations.rules import RULE_TYPES, _in_values, rule_columns, rule_keeps, rule_label, rule_shares

if TYPE_CHECKING:  # great_expectations is imported lazily: `import expectations` stays fast
    import great_expectations as gx

__all__ = ["RULE_TARGET", "RuleCheck", "check_rules", "rule_mostly"]

#: The issue's target: at least 99% of synthetic rows keep every rule real rows keep (>= 99.9%).
RULE_TARGET = 0.99
_ROW_FLAG = "__rule_{}_{}"  # the per-row boolean column of a determines, present_when or sum rule
_FLAGGED = ("determines", "present_when", "sum")


def rule_mostly(real_share: float, rows: int, target: float = RULE_TARGET) -> float:
    """The share of synthetic rows that must keep a rule: the target, or less where real rows keep it less.

    A rule real rows keep in 97% of rows cannot ask 99% of the synthetic ones: it asks the real
    share less three standard errors for ``rows`` rows (a faithful sample's noise), rounded down
    to 0.001 and never above the target.
    """
    noise = 3.0 * math.sqrt(real_share * (1.0 - real_share) / max(rows, 1))
    return max(0.0, min(target, math.floor(round((real_share - noise) * 1000, 6)) / 1000))


@dataclass(frozen=True)
class RuleCheck:
    """The rules of a release, ready for GX: the suite, the frame it runs on, and both tables' shares.

    Attributes:
        rules: The published form of each rule (structural keys; ``values`` held by fewer than
            k training rows left out and counted in ``values_not_shown``).
        real_shares: Share of real (training) rows that keep each rule (None under DP).
        synthetic_shares: The same share over the synthetic rows, measured as GX measures it.
        suite: One expectation per rule, in rule order.
        frame: The synthetic columns the pair expectations read, plus one boolean column per
            determines, present_when or sum rule (True where the row keeps it; for a sum, null
            where a value is missing, so GX leaves the row out as the share does).
    """

    rules: tuple[dict, ...]
    real_shares: tuple[float | None, ...]
    synthetic_shares: tuple[float, ...]
    suite: Any
    frame: pd.DataFrame

    def records(self, passed: Sequence[bool]) -> list[dict]:
        """``validation.json``'s ``rules`` list: each rule with its real and synthetic share and the verdict."""
        return [{"rule": rule, "real_share": None if real is None else round(real, 6),
                 "synthetic_share": round(synthetic, 6),
                 "passed": bool(ok)}
                for rule, real, synthetic, ok in zip(self.rules, self.real_shares, self.synthetic_shares, passed)]


def check_rules(
    synthetic: pd.DataFrame,
    real: pd.DataFrame | None,
    rules: Sequence[Mapping[str, Any]],
    *,
    protection: int = 5,
    name: str = "data_rules",
    target: float = RULE_TARGET,
) -> RuleCheck:
    """Measure every rule on the real and the synthetic table and build the suite that gates it.

    ``equal`` becomes GX's ``ExpectColumnPairValuesToBeEqual`` (rows where both are missing
    ignored) and ``inequality`` ``ExpectColumnPairValuesAToBeGreaterThanB`` (``or_equal`` unless
    strict; rows with a missing value ignored). A functional dependency or a present_when is a
    property of rows together, which no GX built-in checks, so pandas marks each synthetic row
    that keeps it (``rules.rule_keeps``) and ``ExpectColumnValuesToBeInSet([True])`` counts them.
    A sum (``column = Σ sign·term`` within a tolerance) is checked the same way, its flag null in
    rows missing a value (GX's column-map expectations skip nulls, as the share does); GX's own
    ``ExpectMulticolumnSumToEqual`` takes neither signs nor a tolerance.
    Each expectation's ``mostly`` is ``rule_mostly(real share, synthetic rows)``.

    Args:
        synthetic: The synthetic table.
        real: The table the generator learned from (for the real shares), or None under
            differential privacy: no share is read from real rows, every rule asks ``target``
            and its ``values`` are published as declared.
        rules: Rule dicts of the shared format.
        protection: k: a present_when value held by fewer training rows is not published.
        name: The suite's name.
        target: The share of synthetic rows every rule real rows keep must hold in.

    Returns:
        The check; ``validate_release(..., rules=check)`` runs it.

    Raises:
        ValidationRunError: A rule is of an unknown type or names a column either table lacks.
    """
    import great_expectations as gx

    real_shares: list[float | None] = list(rule_shares(real, rules)) if real is not None else [None] * len(rules)
    synthetic_shares = rule_shares(synthetic, rules)
    needed = list(dict.fromkeys(c for r in rules if r["type"] in ("equal", "inequality") for c in rule_columns(r)))
    frame = gx_view(synthetic[needed]) if needed else pd.DataFrame(index=synthetic.index)
    expectations = []
    for i, (rule, share) in enumerate(zip(rules, real_shares)):
        mostly = rule_mostly(share, len(synthetic), target) if share is not None else target
        flag = _ROW_FLAG.format(i, rule["type"])
        if rule["type"] in _FLAGGED:
            if flag in synthetic.columns:
                raise ValidationRunError(f"the synthetic table has a column named {flag!r}, which rule checks use")
            applies, kept = rule_keeps(synthetic, rule)
            frame[flag] = kept if rule["type"] != "sum" else pd.Series(
                [bool(k) if a else None for a, k in zip(applies, kept)], index=frame.index, dtype=object)
        expectations.append(_expectation(rule, flag, mostly, share))
    published = tuple(_published(rule, real, protection) for rule in rules)
    return RuleCheck(published, tuple(real_shares), tuple(synthetic_shares),
                     gx.ExpectationSuite(name=name, expectations=expectations), frame)


def _expectation(rule: Mapping[str, Any], flag: str, mostly: float, real_share: float | None) -> Any:
    import great_expectations.expectations as gxe

    real = (f"real rows keep it in {real_share:.2%}" if real_share is not None
            else "differential privacy: no share is read from real rows")
    why = f"Data rule: {rule_label(rule)}, in at least {mostly:.1%} of synthetic rows ({real})."
    if rule["type"] == "equal":
        a, b = rule["columns"]
        return gxe.ExpectColumnPairValuesToBeEqual(column_A=a, column_B=b, mostly=mostly,
                                                   ignore_row_if="both_values_are_missing", description=why)
    if rule["type"] == "inequality":
        return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=rule["high"], column_B=rule["low"], or_equal=not rule.get("strict", False), mostly=mostly,
            ignore_row_if="either_value_is_missing", description=why)
    return gxe.ExpectColumnValuesToBeInSet(column=flag, value_set=[True], mostly=mostly, description=why)


def _published(rule: Mapping[str, Any], real: pd.DataFrame | None, protection: int) -> dict:
    """The rule as validation.json may show it: its structure, and only values of >= k real rows."""
    keys = RULE_TYPES[rule["type"]]
    shown = {"type": rule["type"], **{k: rule[k] for k in keys if k in rule and rule[k] is not None}}
    if shown.get("values") and real is not None:
        other = real[rule["other"]]
        kept = [v for v in shown["values"] if int(_in_values(other, [v]).sum()) >= protection]
        hidden = len(shown["values"]) - len(kept)
        shown["values"] = kept
        if hidden:
            shown["values_not_shown"] = hidden
    return shown

