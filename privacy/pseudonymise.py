"""Keyed, deterministic pseudonyms: the same identifier gives the same pseudonym in every table."""

from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd

from privacy.keys import PseudonymKey
from privacy.normalise import normalise_identifier

__all__ = ["PSEUDONYM_PREFIX", "pseudonymise_series"]

PSEUDONYM_PREFIX = "ps_"
_HEX_DIGITS = 32  # 128 bits: collisions are negligible for any table size we will see.
# Domain separation: a pseudonym can never equal the key fingerprint or a future digest.
_LABEL = b"synthgate/pseudonym/v1\x00"


def pseudonymise_series(values: pd.Series, key: PseudonymKey) -> pd.Series:
    """Replaces every value by a keyed pseudonym ``"ps_" + 32 hex digits``.

    The pseudonym is HMAC-SHA256 under ``key`` of ``normalise_identifier(str(value))``.
    There is no per-column salt on purpose: an identifier gets the same pseudonym in
    every table, column and run that uses the same key, so a release can link tables.
    Integers and integral floats are written without a decimal point, so ``1412``,
    ``1412.0`` and ``"1412"`` give the same pseudonym. Each distinct value is hashed
    once.

    Args:
        values: The identifiers; nulls (None, NaN, pd.NA, NaT) stay null.
        key: The secret key.

    Returns:
        An object Series with the same index and name: pseudonyms, or None for nulls.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    by_text: dict[str, str] = {}
    pseudonyms: list[str | None] = []
    for value in uniques:
        text = normalise_identifier(_as_text(value))
        if text not in by_text:
            digest = key._hmac_hex(_LABEL + text.encode("utf-8"))
            by_text[text] = PSEUDONYM_PREFIX + digest[:_HEX_DIGITS]
        pseudonyms.append(by_text[text])
    # The last slot is for nulls: factorize codes them -1, which indexes it.
    lookup = np.array([*pseudonyms, None], dtype=object)
    return pd.Series(lookup[codes], index=values.index, name=values.name, dtype=object)


def _as_text(value: object) -> str:
    """Writes a value the way a person would type it: ``1412.0`` becomes ``"1412"``."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value)).lower()
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isfinite(number) and number.is_integer():
            return str(int(number))
        return repr(number)
    return str(value)
