"""Benchmark figures built on synthgate's own functions: C2ST and rule keeping, each guarded if missing.

The functions they call (``synthgate.evaluation.c2st.c2st``, ``synthgate.expectations.rules``'
``detect_rules`` and ``rule_shares``) may not exist in an older checkout: the benchmark then
prints once that the function is missing and records why, instead of stopping.
"""
from __future__ import annotations

import importlib
from typing import Any

import pandas as pd

REAL_HELD = 0.999  # the target: rules that hold in >= 99.9% of real rows ...
KEPT = 0.99  # ... are kept by >= 99% of synthetic rows
_MISSING_SAID: set[str] = set()


def optional(module: str, name: str):
    """``module.name``, or None (said once on the console) when the module or the name is missing."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        if f"{module}.{name}" not in _MISSING_SAID:
            _MISSING_SAID.add(f"{module}.{name}")
            print(f"  note: {module}.{name} is missing ({type(exc).__name__}); that figure is left out", flush=True)
        return None


def c2st_figure(real: pd.DataFrame, synthetic: pd.DataFrame, kinds: dict[str, str], *, seed: int = 0) -> dict:
    """C2ST of the synthetic rows against the real training rows (1 = indistinguishable).

    Returns:
        ``c2st`` and ``c2st_auc`` (and ``c2st_auc_std``), or ``c2st_missing``/``c2st_error`` with a reason.
    """
    c2st = optional("synthgate.evaluation.c2st", "c2st")
    if c2st is None:
        return {"c2st_missing": "synthgate.evaluation.c2st.c2st"}
    try:
        result = c2st(real, synthetic, kinds=kinds, seed=seed)
    except Exception as exc:  # synthgate's errors name columns only; still, record the type alone
        return {"c2st_error": type(exc).__name__}
    return {"c2st": float(result["score"]), "c2st_auc": float(result["auc"]),
            **({"c2st_auc_std": float(result["auc_std"])} if "auc_std" in result else {})}


def detect(frame: pd.DataFrame, kinds: dict[str, str]) -> list[dict] | None:
    """The rules detection proposes on the real training rows; None if detection is missing."""
    detect_rules = optional("synthgate.expectations.rules", "detect_rules")
    if detect_rules is None:
        return None
    return [dict(rule) for rule in detect_rules(frame, kinds)]


def shares(frame: pd.DataFrame, rules: list[dict]) -> list[float] | None:
    """Share of ``frame``'s rows keeping each rule, in ``rules`` order; None if the function is missing."""
    rule_shares = optional("synthgate.expectations.rules", "rule_shares")
    if rule_shares is None or not rules:
        return None if rule_shares is None else []
    return as_shares(rule_shares(frame, rules), len(rules))


def as_shares(result: Any, count: int) -> list[float]:
    """A list of ``count`` floats from what ``rule_shares`` returns: floats, dicts with a
    ``share``, or a mapping from rule index to either (the format is engineer R's to choose)."""
    if isinstance(result, dict):
        result = [result[key] for key in sorted(result, key=lambda k: int(k))]
    values = [item["share"] if isinstance(item, dict) else item for item in result]
    if len(values) != count:
        raise ValueError(f"rule_shares gave {len(values)} shares for {count} rules")
    return [float(value) for value in values]


def public_rule(rule: dict) -> dict:
    """A rule as the benchmark's JSON keeps it: type and column names, never a category value."""
    kept = {key: rule[key] for key in ("type", "columns", "by", "column", "low", "high", "other", "strict", "held")
            if key in rule}
    if "values" in rule:
        kept["values"] = len(rule["values"])  # how many, not which
    return kept


def keeping(real_shares: list[float] | None, synthetic_shares: list[float] | None, rules: list[dict]) -> dict:
    """Rule keeping of one synthetic table, over the rules real rows keep in >= ``REAL_HELD``.

    Args:
        real_shares: Share of real training rows keeping each rule.
        synthetic_shares: Share of synthetic rows keeping each rule.
        rules: The rules, in the same order.

    Returns:
        ``rules_checked`` (rules held by >= 99.9% of real rows), ``rule_min_share`` (the lowest
        synthetic share among them), ``rules_kept_share`` (share of them that >= 99% of synthetic
        rows keep) and ``worst_rule`` (its type and columns); or ``rules_missing`` with a reason.
    """
    if real_shares is None or synthetic_shares is None:
        return {"rules_missing": "synthgate.expectations.rules"}
    checked = [i for i, share in enumerate(real_shares) if share >= REAL_HELD]
    if not checked:
        return {"rules_checked": 0, "rule_min_share": None, "rules_kept_share": None}
    worst = min(checked, key=lambda i: synthetic_shares[i])
    kept = sum(synthetic_shares[i] >= KEPT for i in checked)
    return {"rules_checked": len(checked), "rule_min_share": synthetic_shares[worst],
            "rules_kept_share": kept / len(checked), "worst_rule": public_rule(rules[worst])}
