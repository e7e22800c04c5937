"""Canonical form of an identifier, so formatting never splits one person into two pseudonyms."""

from __future__ import annotations

import math
import numbers
import unicodedata

import numpy as np

__all__ = ["identifier_text", "normalise_identifier"]

# Dash and hyphen look-alikes that survive NFKC (or that NFKC turns into one another).
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
# Invisible characters that copy-paste and some Korean IMEs leave inside identifiers;
# str.split() does not treat them as whitespace, so they are removed outright.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"

_TRANSLATION = str.maketrans({**dict.fromkeys(_DASHES, "-"), **dict.fromkeys(_INVISIBLE, None)})


def normalise_identifier(value: str) -> str:
    """Returns the canonical form of an identifier before it is pseudonymised.

    One person gets one pseudonym whatever the formatting: ``"９００１０１－１２３４"``,
    ``"900101–1234"`` and ``" 900101-1234 "`` all normalise to ``"900101-1234"``, and
    ``"Kim  Min-Jun"`` equals ``"kim min-jun"``. Steps, in order:

    1. Unicode NFKC (full-width digits and letters become ASCII, the ideographic
       space becomes a space);
    2. every dash or hyphen variant (‐ ‑ ‒ – — ― − ﹘ ﹣ －) becomes ``-`` and
       zero-width characters and soft hyphens are removed;
    3. leading and trailing whitespace is stripped and internal runs of whitespace
       become one space;
    4. casefold (a stronger ``lower()``: ``"STRASSE"`` equals ``"straße"``).

    Normalising twice changes nothing (checked for every code point and by a
    property test), so data normalised upstream gets the same pseudonym. ASCII text
    takes a fast path with the same result (NFKC and the dash table leave ASCII
    alone; casefold is ``lower`` there). Any string is accepted, of any length.

    Args:
        value: The identifier as found in the data.

    Returns:
        The normalised identifier.
    """
    if value.isascii():
        return " ".join(value.split()).lower()
    return canonical_shape(value).casefold()


def canonical_shape(value: str) -> str:
    """Steps 1-3 of ``normalise_identifier`` without casefolding (letter case kept).

    Format-preserving surrogates take their shape from this form, so a full-width or
    en-dashed identifier gets the same shape as its plain ASCII spelling.
    """
    text = unicodedata.normalize("NFKC", value).translate(_TRANSLATION)
    return " ".join(text.split())


def identifier_text(value: object) -> str:
    """Writes a value the way a person would type it, before normalisation.

    ``1412``, ``1412.0``, ``np.int64(1412)`` and ``"1412"`` all give ``"1412"``;
    booleans give ``"true"``/``"false"``; other objects give ``str(value)``.
    """
    if isinstance(value, str):
        return value
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
