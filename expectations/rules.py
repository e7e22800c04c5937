"""Data rules (equal, determines, inequality, present_when, sum): which rows keep them, and their detection."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from synthgate.expectations.errors import ValidationRunError

__all__ = ["RULE_TYPES", "detect_rules", "rule_columns", "rule_keeps", "rule_label", "rule_shares"]

#: The rule types of the shared format, and the keys each one takes besides ``held`` and ``reason``.
RULE_TYPES: dict[str, tuple[str, ...]] = {
    "equal": ("columns",),
    "determines": ("by", "column"),
    "inequality": ("low", "high", "strict"),
    "present_when": ("column", "other", "values"),
    "sum": ("column", "terms", "signs", "tolerance"),
}


def rule_columns(rule: Mapping[str, Any]) -> list[str]:
    """The columns a rule names, in the order the rule names them."""
    kind = rule.get("type")
    if kind == "equal":
        return list(rule["columns"])
    if kind == "determines":
        return [*rule["by"], rule["column"]]
    if kind == "inequality":
        return [rule["low"], rule["high"]]
    if kind == "present_when":
        return [rule["other"], rule["column"]]
    if kind == "sum":
        return [rule["column"], *rule["terms"]]
    raise ValidationRunError(f"unknown rule type {kind!r}; allowed: {', '.join(RULE_TYPES)}")


def rule_label(rule: Mapping[str, Any]) -> str:
    """A rule in words, naming columns only (``values`` are counted, never shown)."""
    kind = rule.get("type")
    if kind == "equal":
        return " equals ".join(rule["columns"])
    if kind == "determines":
        return f"{' + '.join(rule['by'])} determines {rule['column']}"
    if kind == "inequality":
        return f"{rule['low']} {'<' if rule.get('strict') else '<='} {rule['high']}"
    if kind == "present_when":
        values = rule.get("values")
        listed = "the listed value" if values and len(values) == 1 else f"one of {len(values or ())} listed values"
        when = f"{rule['other']} takes {listed}" if values else f"{rule['other']} is present"
        return f"{rule['column']} is present exactly when {when}"
    if kind == "sum":
        within = f" within {rule['tolerance']:g}" if rule.get("tolerance") is not None else ""
        return f"{rule['column']} = {_expression(rule)}{within}"
    raise ValidationRunError(f"unknown rule type {kind!r}; allowed: {', '.join(RULE_TYPES)}")


def _signs(rule: Mapping[str, Any]) -> list[int]:
    return list(rule.get("signs") or [1] * len(rule["terms"]))


def _expression(rule: Mapping[str, Any]) -> str:
    """``b + c - d`` (a single term keeps its sign: ``+b``)."""
    terms, signs = list(rule["terms"]), _signs(rule)
    if len(terms) == 1:
        return f"{'+' if signs[0] > 0 else '-'}{terms[0]}"
    words = [f"-{terms[0]}" if signs[0] < 0 else str(terms[0])]
    return " ".join(words + [f"{'+' if s > 0 else '-'} {t}" for t, s in zip(terms[1:], signs[1:])])


def finest_unit(values: np.ndarray, max_decimals: int = 6) -> float:
    """The finest decimal unit the present values are recorded in: 1 for whole numbers, 0.01 for cents.

    The unit that 90% of the present non-zero values are recorded in (Lending Club's paid_total
    holds 4% of values like 10660.97766433 among cents: its unit is still the cent);
    ``10**-max_decimals`` at the finest.
    """
    present = values[~np.isnan(values) & (values != 0)]
    for decimals in range(max_decimals + 1):
        scaled = present * 10.0 ** decimals
        on_grid = np.abs(scaled - np.rint(scaled)) <= np.maximum(1e-6, 1e-12 * np.abs(scaled))
        if not len(present) or on_grid.mean() >= 0.9:
            return 10.0 ** -decimals
    return 10.0 ** -max_decimals


def _sum_keeps(frame: pd.DataFrame, rule: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    values = [_numbers(frame[c]) for c in rule_columns(rule)]
    total = np.zeros(len(frame))
    for sign, term in zip(_signs(rule), values[1:]):
        total = total + sign * term
    target = values[0]
    tolerance = rule.get("tolerance")
    if tolerance is None:
        tolerance = min(finest_unit(v) for v in values) / 2
    applies = ~np.isnan(target) & ~np.isnan(total)
    with np.errstate(invalid="ignore"):
        kept = np.abs(target - total) <= tolerance + 1e-9 * np.maximum(1.0, np.abs(target))
    return applies, kept & applies


def _numbers(series: pd.Series) -> np.ndarray:
    """Numbers or datetimes as float64 (datetimes in days, UTC), NaN for missing."""
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        series = series.dt.tz_convert("UTC").dt.tz_localize(None)
    if pd.api.types.is_datetime64_dtype(series.dtype):
        stamps = series.to_numpy(dtype="datetime64[ns]")
        days = stamps.astype("int64").astype("float64") / 86_400e9
        return np.where(np.isnat(stamps), np.nan, days)
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _codes(series: pd.Series) -> np.ndarray:
    """Integer codes of a column's values, missing values sharing one code of their own."""
    values = series.astype(object).where(series.notna(), None).to_numpy()
    codes, _ = pd.factorize(values, use_na_sentinel=True)
    return np.where(codes < 0, codes.max(initial=-1) + 1, codes).astype(np.int64)


def _joint_codes(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    codes = _codes(frame[columns[0]])
    for name in columns[1:]:
        other = _codes(frame[name])
        codes = codes * (int(other.max(initial=0)) + 1) + other
        codes = pd.factorize(codes)[0].astype(np.int64)  # keep the product small
    return codes


def _modal_keep(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Rows whose b is the most common b of their a group (first such b on ties).

    The share of such rows is the g3 measure of an approximate functional dependency: one
    minus the fewest rows whose removal makes b a function of a.
    """
    if not len(a):
        return np.zeros(0, dtype=bool)
    width = int(b.max()) + 1
    pair = a * width + b
    uniq, inverse, counts = np.unique(pair, return_inverse=True, return_counts=True)
    group = uniq // width
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    best = np.maximum.reduceat(counts, starts)
    sizes = np.diff(np.r_[starts, len(uniq)])
    is_best = counts == np.repeat(best, sizes)
    # On ties keep the first modal pair of each group, so exactly one b per a is "kept".
    first = np.zeros(len(uniq), dtype=bool)
    candidates = np.flatnonzero(is_best)
    first[candidates[np.r_[True, group[candidates][1:] != group[candidates][:-1]]]] = True
    return first[inverse]


def _in_values(series: pd.Series, values: Sequence[Any]) -> np.ndarray:
    """Rows whose value is one of ``values``, compared as text (True and "True" agree; null is in no set)."""
    wanted = {str(v) for v in values} | {str(v).lower() for v in values if isinstance(v, bool)}
    if pd.api.types.is_bool_dtype(series.dtype):
        wanted |= {str(v).capitalize() for v in values if str(v).lower() in ("true", "false")}
    present = series.notna().to_numpy()
    text = series.astype(object).where(series.notna(), None).map(str, na_action="ignore").to_numpy()
    return present & np.isin(text, list(wanted))


def rule_keeps(frame: pd.DataFrame, rule: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Which rows a rule applies to, and which of them keep it.

    - ``equal``: rows where not both are missing; kept where the values are equal.
    - ``determines``: every row (a missing value is a value of its own); kept where the row's
      ``column`` is the most common one for its ``by`` values (the g3 measure).
    - ``inequality``: rows where both are present; kept where ``low <= high`` (``<`` when strict).
    - ``present_when``: every row; kept where ``column`` is present exactly when ``other`` is
      present (or, with ``values``, takes one of them).
    - ``sum``: rows where the column and every term are present; kept where
      ``|column - Σ sign·term| <= tolerance`` (default: half the finest unit the columns are
      recorded in, read from ``frame``; plus a relative 1e-9 for floating-point rounding).

    Args:
        frame: The table.
        rule: One rule dict of the shared format.

    Returns:
        Two boolean arrays of the frame's length: applicable, kept (kept implies applicable).

    Raises:
        ValidationRunError: The rule's type is unknown or it names a column the frame lacks.
    """
    missing = [c for c in rule_columns(rule) if c not in frame.columns]
    if missing:
        raise ValidationRunError(f"rule '{rule_label(rule)}' names columns the table lacks: {', '.join(missing)}")
    kind = rule["type"]
    if kind == "sum":
        return _sum_keeps(frame, rule)
    if kind == "equal":
        a, b = (frame[c] for c in rule["columns"])
        both_missing = (a.isna() & b.isna()).to_numpy()
        same = _equal_values(a, b)
        return ~both_missing, same & ~both_missing
    if kind == "determines":
        keep = _modal_keep(_joint_codes(frame, list(rule["by"])), _codes(frame[rule["column"]]))
        return np.ones(len(frame), dtype=bool), keep
    if kind == "inequality":
        low, high = _numbers(frame[rule["low"]]), _numbers(frame[rule["high"]])
        both = ~np.isnan(low) & ~np.isnan(high)
        with np.errstate(invalid="ignore"):
            kept = (low < high) if rule.get("strict") else (low <= high)
        return both, kept & both
    present = frame[rule["column"]].notna().to_numpy()
    other = frame[rule["other"]]
    when = _in_values(other, rule["values"]) if rule.get("values") else other.notna().to_numpy()
    return np.ones(len(frame), dtype=bool), present == when


def _equal_values(a: pd.Series, b: pd.Series) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(a.dtype) and pd.api.types.is_numeric_dtype(b.dtype):
        return np.asarray(_numbers(a) == _numbers(b))
    if pd.api.types.is_datetime64_any_dtype(a.dtype) and pd.api.types.is_datetime64_any_dtype(b.dtype):
        return np.asarray(_numbers(a) == _numbers(b))
    text_a = a.astype(object).map(str, na_action="ignore").to_numpy()
    text_b = b.astype(object).map(str, na_action="ignore").to_numpy()
    return np.asarray(a.notna().to_numpy() & b.notna().to_numpy() & (text_a == text_b), dtype=bool)


def rule_shares(frame: pd.DataFrame, rules: Sequence[Mapping[str, Any]]) -> list[float]:
    """The share of rows that keep each rule, among the rows it applies to (1.0 when none).

    Args:
        frame: The table (real or synthetic).
        rules: Rule dicts of the shared format.

    Returns:
        One share in [0, 1] per rule, in order.

    Raises:
        ValidationRunError: A rule is unknown or names a column the frame lacks.
    """
    shares = []
    for rule in rules:
        applies, kept = rule_keeps(frame, rule)
        total = int(applies.sum())
        shares.append(float(kept.sum()) / total if total else 1.0)
    return shares


def detect_rules(
    frame: pd.DataFrame,
    kinds: Mapping[str, str],
    *,
    min_held: float = 0.999,
    max_rules: int = 50,
    sample_rows: int = 2_000,
    min_level_rows: int = 5,
    seed: int = 0,
) -> list[dict]:
    """Propose the rules a table keeps, each with its evidence; see ``_detect_rules`` for how."""
    from synthgate.expectations._detect_rules import propose

    return propose(frame, kinds, min_held=min_held, max_rules=max_rules, sample_rows=sample_rows,
                   min_level_rows=min_level_rows, seed=seed)
