"""Checks agency medical-record-number patterns; pure Python, so configs load without Presidio."""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["DEFAULT_MRN_PATTERN", "check_mrn_patterns"]

DEFAULT_MRN_PATTERN = r"(?<![0-9A-Za-z\-])[0-9]{8,10}(?![0-9]|-[0-9])"


def check_mrn_patterns(patterns: Sequence[str]) -> tuple[str, ...]:
    """Returns ``patterns`` as a tuple after checking each one compiles and needs a character.

    Raises:
        ValueError: A pattern is not a string, does not compile, or matches the empty
            string (it would tag every position of every text). The message names the
            pattern's position in the list.
    """
    if isinstance(patterns, str):
        raise ValueError("medical record patterns must be a list of regular expressions, not one string")
    checked = []
    for index, pattern in enumerate(patterns):
        if not isinstance(pattern, str):
            raise ValueError(f"medical record pattern #{index} must be a string, got {type(pattern).__name__}")
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"medical record pattern #{index} is not a valid regular expression: {exc.msg}") from None
        if compiled.fullmatch("") is not None:
            raise ValueError(f"medical record pattern #{index} matches the empty string")
        checked.append(pattern)
    return tuple(checked)
