"""Value-free outcomes of GX expectation results: what passed, the bound checked, an aggregate seen."""

from __future__ import annotations

import datetime as dt
import numbers
import re
from dataclasses import dataclass
from typing import Any

from synthgate.expectations.metrics import METRIC_EXPECTATION

_TYPE_NAME = re.compile(r"[A-Za-z0-9_\[\], ]{1,40}")

# Expectations whose observed_value is an aggregate (a proportion, a count, a published
# figure). Others (a column's min, max, median, ...) could observe a single cell: not shown.
_AGGREGATE_OBSERVED = frozenset({
    METRIC_EXPECTATION,
    "expect_column_proportion_of_non_null_values_to_be_between",
    "expect_table_row_count_to_equal",
    "expect_table_row_count_to_be_between",
    "expect_table_column_count_to_equal",
    "expect_column_unique_value_count_to_be_between",
    "expect_column_proportion_of_unique_values_to_be_between",
})


@dataclass(frozen=True)
class ExpectationOutcome:
    """The value-free outcome of one expectation.

    Attributes:
        suite: The suite's name.
        expectation: GX's snake_case type, e.g. ``"expect_column_values_to_be_in_set"``.
        column: The column checked, or None for table-level expectations.
        success: Whether it passed.
        description: The expectation's human description.
        observed: A short observation with no cell value in it ("unexpected_percent=2.1%",
            "observed_value=0.93", "observed_type=object_"), or None.
        bound: What was checked, as published ("between 1 and 50, mostly 99.2%", "one of
            3 values: A, B, _RARE_", "= 300"), or None; built from the suite's protected
            bounds, never from the data validated.
    """

    suite: str
    expectation: str
    column: str | None
    success: bool
    description: str
    observed: str | None
    bound: str | None = None


def outcome_of(suite: str, result: Any) -> ExpectationOutcome:
    """The value-free outcome of one GX ``ExpectationValidationResult``."""
    config = result.expectation_config
    return ExpectationOutcome(
        suite=suite,
        expectation=str(config.type),
        column=config.kwargs.get("column") or _pair(config.kwargs),
        success=bool(result.success),
        description=config.description or str(config.type),
        observed=_observe(str(config.type), result.result or {}, result.exception_info or {}),
        bound=_bound(config.kwargs),
    )


def _observe(kind: str, result: dict[str, Any], exception_info: dict[str, Any]) -> str | None:
    """Summarise a GX result in a few value-free words (never a list of values)."""
    if _raised(exception_info):
        return "error: the check could not be evaluated"
    if result.get("unexpected_percent") is not None:
        return f"unexpected_percent={_number(result['unexpected_percent'])}%"
    mismatched = (result.get("details") or {}).get("mismatched")
    if isinstance(mismatched, dict):  # expect_table_columns_to_match_set
        missing, unexpected = mismatched.get("missing", []), mismatched.get("unexpected", [])
        return f"missing_columns={len(missing)}, unexpected_columns={len(unexpected)}"
    observed = result.get("observed_value")
    if kind not in _AGGREGATE_OBSERVED and "type" not in kind:
        return None
    if kind == METRIC_EXPECTATION and isinstance(observed, numbers.Real):
        # 6 significant digits: a figure just over its bound (0.6004 > 0.6) must not read as
        # the bound itself.
        return f"observed_value={float(observed):.6g}"
    if isinstance(observed, (bool, numbers.Real)):
        return f"observed_value={_number(observed)}"
    if "type" in kind and isinstance(observed, str) and _TYPE_NAME.fullmatch(observed):
        return f"observed_type={observed}"
    return None


def _bound(kwargs: Any) -> str | None:
    """The checked condition in a few words, from the expectation's own (published) kwargs."""
    parts = []
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    if low is not None and high is not None:
        parts.append(f"between {_shown(low)} and {_shown(high)}")
    elif low is not None:
        parts.append(f"at least {_shown(low)}")
    elif high is not None:
        parts.append(f"at most {_shown(high)}")
    if kwargs.get("value_set") is not None:
        values = list(dict.fromkeys(_shown(v) for v in kwargs["value_set"]))
        # Categories are stored with their typed readings ("1" and 1): show each once.
        parts.append(f"one of {len(values)} values: " + ", ".join(values))
    if kwargs.get("type_list") is not None:
        parts.append(f"dtype among {len(kwargs['type_list'])} allowed")
    if kwargs.get("column_set") is not None:
        parts.append(f"exactly {len(kwargs['column_set'])} columns")
    if kwargs.get("value") is not None:
        parts.append(f"= {_shown(kwargs['value'])}")
    if kwargs.get("column_A") is not None:  # a pair expectation: equal, or A > B (>= with or_equal)
        relation = ">=" if kwargs.get("or_equal") else ">" if "or_equal" in kwargs else "="
        parts.append(f"{kwargs['column_A']} {relation} {kwargs['column_B']}")
    mostly = kwargs.get("mostly")
    if parts and isinstance(mostly, numbers.Real) and mostly < 1:
        parts.append(f"mostly {float(mostly):.1%}")
    return ", ".join(parts) or None


def _pair(kwargs: Any) -> str | None:
    """The two columns of a column-pair expectation, as one name for outcomes and docs."""
    if kwargs.get("column_A") is None:
        return None
    return f"{kwargs['column_A']}, {kwargs['column_B']}"


def _shown(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value == dt.datetime.combine(value.date(), dt.time()) \
            else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _raised(exception_info: dict[str, Any]) -> bool:
    if "raised_exception" in exception_info:
        return bool(exception_info["raised_exception"])
    # GX 1.x keys exception info by metric id when a metric failed to resolve.
    return any(isinstance(v, dict) and v.get("raised_exception") for v in exception_info.values())


def _number(value: Any) -> str:
    if isinstance(value, bool) or isinstance(value, numbers.Integral):
        return str(value)
    return f"{float(value):.3g}"
