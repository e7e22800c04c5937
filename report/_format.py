"""How the report writes numbers, hashes and JSON: one place, so every figure reads the same way."""
from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

OPERATORS = {"<=": "≤", ">=": "≥", "<": "<", ">": ">", "==": "=", "!=": "≠"}
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def is_number(value: Any) -> bool:
    """True for a finite int or float (bool excluded: True is not a figure)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def number(value: Any) -> str:
    """A figure as text: integers with thousands separators, shares with three decimals, tiny values
    in powers of ten; ``—`` for a missing figure, ``n/a`` for a non-finite one."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if not isinstance(value, float):
        return str(value)
    if not math.isfinite(value):
        return "n/a"
    if value == 0:
        return "0"
    size = abs(value)
    if size < 0.001:
        return scientific(value)
    if size < 10:
        # At most three decimals, trailing zeros dropped: 0.55 reads as a bound, 0.550 as a measurement.
        return f"{value:.3f}".rstrip("0").rstrip(".")
    if size < 1000:
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{value:,.0f}"


def signed(value: Any) -> str:
    """A figure as :func:`number` writes it, with a true minus sign (−0.002, not -0.002)."""
    text = number(value)
    return "−" + text[1:] if is_number(value) and text.startswith("-") else text


def score(value: Any) -> str:
    """A score or share in a column of them: always three decimals, so the column lines up."""
    return f"{value:.3f}" if isinstance(value, float) and math.isfinite(value) and abs(value) < 10 else number(value)


def plural(count: Any, one: str, many: str) -> str:
    """``1 bin`` or ``3 bins``."""
    return f"{number(count)} {one if count == 1 else many}"


def scientific(value: Any) -> str:
    """``1.0 × 10⁻⁵`` for δ-like numbers; other values as :func:`number` writes them."""
    if not is_number(value) or value == 0:
        return number(value)
    mantissa, exponent = f"{float(value):.1e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def percent(value: Any, digits: int = 1) -> str:
    """A share 0 … 1 as a percentage."""
    return f"{value * 100:.{digits}f}%" if is_number(value) else number(value)


def seconds(value: Any) -> str:
    """A duration in seconds, rounded for reading."""
    if not is_number(value):
        return number(value)
    return f"{value:.1f} s" if value < 120 else f"{value / 60:.1f} min"


def operator(symbol: Any) -> str:
    """``<=`` as ``≤`` and so on; unknown operators as given."""
    return OPERATORS.get(str(symbol), str(symbol))


def compact(value: Any) -> str:
    """A parameter value on one line: numbers as :func:`number`, containers as sorted compact JSON."""
    if isinstance(value, (Mapping, list, tuple)):
        if not value:
            return "none"
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "), default=str)
    if isinstance(value, str):
        return value
    return "not set" if value is None else number(value)


def mapping(value: Any) -> Mapping:
    """The value when it is a mapping, else an empty one (missing optional blocks read as empty)."""
    return value if isinstance(value, Mapping) else {}


def sequence(value: Any) -> list:
    """The value when it is a list, else an empty one."""
    return list(value) if isinstance(value, (list, tuple)) else []


def dig(data: Any, *keys: str) -> Any:
    """``data[k1][k2]…`` or None where any level is missing or not a mapping."""
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data
