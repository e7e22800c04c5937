"""Format-preserving surrogates: keyed fake identifiers with the shape (and checksum) of the real ones."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import struct
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Literal, Union

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from synthgate.privacy.errors import SurrogateSpaceExhaustedError
from synthgate.privacy.keys import PseudonymKey, hmac_many
from synthgate.privacy.normalise import canonical_shape
from synthgate.privacy.pseudonymise import distinct_identifiers, spread

__all__ = [
    "BirthMode",
    "SexMode",
    "RrnSurrogate",
    "DigitsSurrogate",
    "SurrogateConfig",
    "SurrogateResult",
    "surrogate_series",
    "is_valid_rrn",
    "rrn_check_digit",
]

_PURPOSE = b"synthgate/surrogate/v1"
_MAX_ATTEMPTS = 64  # redraws per value before the surrogate space counts as exhausted
_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
# Keyed-random birth dates (birth: random, and malformed input) fall in this range.
_RANDOM_FIRST = dt.date(1920, 1, 1)
_RANDOM_DAYS = (dt.date(2019, 12, 31) - _RANDOM_FIRST).days + 1
# Numbers issued from October 2020 on end in random digits: no check digit to verify.
_CHECKSUM_DROPPED = dt.date(2020, 10, 1)
_CENTURY = {"9": 1800, "0": 1800, "1": 1900, "2": 1900, "5": 1900, "6": 1900,
            "3": 2000, "4": 2000, "7": 2000, "8": 2000}  # fmt: skip
_HANGUL_FIRST, _HANGUL_COUNT = 0xAC00, 11172


class BirthMode(str, Enum):
    """What the surrogate keeps of the birth date (digits 1-6)."""

    KEEP = "keep"  # the same date
    YEAR = "year"  # the same year, keyed-random month and day
    RANDOM = "random"  # a keyed-random date in 1920-2019


class SexMode(str, Enum):
    """What the surrogate keeps of the sex (digit 7, which also encodes the century)."""

    KEEP = "keep"
    RANDOM = "random"


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RrnSurrogate(_Config):
    """Korean resident (or foreigner) registration number -> a valid-looking one.

    Output is always ``YYMMDD-GNNNNNC`` (``hyphen=False``: 13 digits): a real
    calendar date, a sex/century digit consistent with the birth year (citizens
    1-4 and 9/0, foreigners 5-8 stay foreigners), keyed random digits 8-12 and a
    correct pre-2020 check digit. The surrogate is a function of the key and the 13
    digits, so formatting variants of one number (full-width digits, no hyphen,
    spaces) get one surrogate.

    Malformed input (not 13 digits after normalisation, letters, an impossible date,
    an unknown sex digit, a wrong check digit on a number issued before October 2020,
    any length) is never passed through: it gets a keyed surrogate with a random
    date and sex (a function of the key and the normalised text) and is counted in
    ``malformed_cells``.
    """

    format: Literal["kr_rrn"] = "kr_rrn"
    birth: BirthMode = Field(BirthMode.KEEP, description="keep | year | random: what the birth digits keep.")
    sex: SexMode = Field(SexMode.KEEP, description="keep | random: the sex digit (century always follows the year).")
    hyphen: bool = Field(True, description="Write YYMMDD-GNNNNNC (true) or 13 digits (false).")


class DigitsSurrogate(_Config):
    """Generic shape-preserving surrogate for MRNs, phone numbers, service numbers.

    Every digit becomes a keyed pseudo-random digit, every ASCII letter a letter of
    the same case, every Hangul syllable a Hangul syllable, any other letter or digit
    a lower-case ASCII letter or an ASCII digit; separators, spaces and punctuation
    stay. The shape comes from the NFKC form (full-width becomes ASCII); the random
    choices depend only on the key and the normalised value, so ``AB-12``,
    ``ab‐12`` and ``ＡＢ－１２`` are one identifier with one surrogate (its letter case
    follows the first spelling in the column). A value with no letter or digit
    carries no identifier: it becomes null and counts as malformed.
    """

    format: Literal["digits"] = "digits"


SurrogateConfig = Annotated[Union[RrnSurrogate, DigitsSurrogate], Field(discriminator="format")]
"""Any surrogate config, told apart by its ``format`` field."""


class SurrogateResult(BaseModel):
    """Counts only: what ``surrogate_series`` did to a column."""

    model_config = ConfigDict(frozen=True)

    malformed_cells: int
    distinct_surrogates: int
    redraws: int  # values whose first draw collided with another value's surrogate or itself


def surrogate_series(
    values: pd.Series, key: PseudonymKey, config: RrnSurrogate | DigitsSurrogate
) -> tuple[pd.Series, SurrogateResult, list[tuple[str, str]]]:
    """Replaces every value by a keyed, format-preserving surrogate.

    The identity of a value is its normalised form without hyphens and spaces, so
    ``010-1234-5678`` and ``01012345678`` are one person with one surrogate (shaped
    like the first spelling in the column). Two different identifiers never share a
    surrogate within the column, and no surrogate equals its own input: a value
    whose draw collides is redrawn with the next attempt number. Values are
    processed in the order of a keyed digest, so the result does not depend on row
    order. A surrogate also never equals another identifier of the column. (Because
    of redraws, one person can get a different surrogate in another table only when
    a collision happened in one of them.)

    Args:
        values: The identifiers; nulls stay null.
        key: The secret key; the surrogates use their own sub-key.
        config: ``RrnSurrogate`` or ``DigitsSurrogate``.

    Returns:
        The surrogate column (object dtype, same index and name), the counts, and
        the distinct ``(surrogate, original text)`` pairs for a re-identification table
        (in no particular order).

    Raises:
        SurrogateSpaceExhaustedError: No free surrogate after many redraws (an
            identifier shape with too few digits for the number of people).
    """
    subkey = key._subkey(_PURPOSE)
    codes, raw, normalised = distinct_identifiers(values)
    identities = [_comparable(text) for text in normalised]
    draw: _Draw = _draw_rrn(config) if isinstance(config, RrnSurrogate) else _draw_digits
    by_identity = _assign_unique(values.name, config.format, subkey, raw, identities, draw)
    per_distinct = [by_identity[identity][0] for identity in identities]
    malformed_distinct = np.array([by_identity[identity][1] for identity in identities] + [False])
    out = spread(codes, per_distinct, values.index, values.name)
    pairs = list(dict.fromkeys((s, r) for s, r in zip(per_distinct, raw) if s is not None))
    result = SurrogateResult(
        malformed_cells=int(malformed_distinct[codes].sum()),
        distinct_surrogates=sum(1 for found in by_identity.values() if found[0] is not None),
        redraws=sum(found[2] for found in by_identity.values()),
    )
    return out, result, pairs


_Draw = Callable[[str, str, bytes], "tuple[str | None, bool]"]
"""(first spelling, identity, 32-byte seed) -> (surrogate or None, malformed)."""


def _assign_unique(
    column: object, fmt: str, subkey: bytes, raw: list[str], identities: list[str], draw: _Draw
) -> dict[str, tuple[str | None, bool, int]]:
    """Identity -> (surrogate, malformed, redrawn).

    Surrogates are unique in the column and never equal any input identity of the
    column (so a surrogate can neither be its own input nor another person's real number).
    """
    first_raw = dict(zip(reversed(identities), reversed(raw)))  # one spelling per person
    seeds = hmac_many(subkey, b"0\x00", [_bytes(identity) for identity in first_raw])
    taken: set[str] = set()
    out: dict[str, tuple[str | None, bool, int]] = {}
    # A keyed order (the first 8 bytes of each seed), so the result is independent of row order.
    order = np.frombuffer(b"".join(seed[:8] for seed in seeds), dtype=">u8").argsort(kind="stable")
    identity_list = list(first_raw)
    for index in order.tolist():
        seed, identity = seeds[index], identity_list[index]
        for attempt in range(_MAX_ATTEMPTS):
            if attempt:
                seed = hmac.digest(subkey, f"{attempt}".encode() + b"\x00" + _bytes(identity), "sha256")
            surrogate, malformed = draw(first_raw[identity], identity, seed)
            if surrogate is None:
                break
            comparable = _comparable(surrogate.casefold())
            if comparable not in taken and comparable not in first_raw:
                taken.add(comparable)
                break
        else:
            name = "<unnamed>" if column is None else str(column)
            raise SurrogateSpaceExhaustedError(name, fmt, len(first_raw), _MAX_ATTEMPTS)
        out[identity] = (surrogate, malformed, int(attempt > 0))
    return out


def _comparable(text: str) -> str:
    return text.replace("-", "").replace(" ", "")


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _numbers(seed: bytes, count: int) -> tuple[int, ...]:
    """``count`` keyed pseudo-random 16-bit numbers from a seed (SHAKE-256 beyond 16 of them)."""
    stream = seed if 2 * count <= len(seed) else hashlib.shake_256(seed).digest(2 * count)
    return struct.unpack_from(f">{count}H", stream)


# --- resident registration numbers -------------------------------------------------------


def is_valid_rrn(digits: str) -> bool:
    """True for 13 ASCII digits with a real birth date, a known sex digit and a valid check digit.

    The check digit is not required for birth dates from October 2020, when new
    numbers stopped carrying one.
    """
    birth = _rrn_birth(digits)
    if birth is None:
        return False
    return birth >= _CHECKSUM_DROPPED or digits[12] == rrn_check_digit(digits[:12])


def _rrn_birth(digits: str) -> dt.date | None:
    if not re.fullmatch(r"[0-9]{13}", digits):
        return None
    century = _CENTURY[digits[6]]
    try:
        return dt.date(century + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        return None


def rrn_check_digit(first12: str) -> str:
    """The pre-2020 check digit of a resident (or, with digit 7 in 5-8, foreigner) number."""
    total = sum(int(d) * w for d, w in zip(first12, _WEIGHTS))
    base = 13 if first12[6] in "5678" else 11  # foreigners' numbers use 13
    return str((base - total % 11) % 10)


def _sex_digit(year: int, female: bool, foreigner: bool) -> str:
    if year < 1900:
        return "0" if female else "9"
    offset = (2 if year < 2000 else 4) + (4 if foreigner else 0)
    return str(offset if female else offset - 1)


def _draw_rrn(config: RrnSurrogate) -> _Draw:
    def draw(raw: str, digits: str, seed: bytes) -> tuple[str | None, bool]:
        valid = is_valid_rrn(digits)
        birth = _rrn_birth(digits) if valid else None
        day, sex, serial_high, serial_low = _numbers(seed, 4)
        if birth is not None:
            female, foreigner = digits[6] in "24680", digits[6] in "5678"
            birth_mode, sex_mode = config.birth, config.sex
        else:  # malformed: everything random, still a function of the key and the text
            birth, female, foreigner = _RANDOM_FIRST, False, False
            birth_mode, sex_mode = BirthMode.RANDOM, SexMode.RANDOM
        if birth_mode is BirthMode.RANDOM:
            birth = _RANDOM_FIRST + dt.timedelta(days=day % _RANDOM_DAYS)
        elif birth_mode is BirthMode.YEAR:
            first = dt.date(birth.year, 1, 1)
            birth = first + dt.timedelta(days=day % (dt.date(birth.year + 1, 1, 1) - first).days)
        if sex_mode is SexMode.RANDOM:
            female = bool(sex % 2)
        serial = f"{(serial_high << 16 | serial_low) % 100_000:05d}"
        first12 = f"{birth.year % 100:02d}{birth.month:02d}{birth.day:02d}" + _sex_digit(birth.year, female, foreigner)
        number = first12 + serial + rrn_check_digit(first12 + serial)
        return (f"{number[:6]}-{number[6:]}" if config.hyphen else number), not valid

    return draw


# --- generic shapes -------------------------------------------------------------------------


def _draw_digits(raw: str, identity: str, seed: bytes) -> tuple[str | None, bool]:
    shape = " ".join(raw.split()) if raw.isascii() else canonical_shape(raw)
    slots = [i for i, char in enumerate(shape) if char.isalnum()]
    if not slots:
        return None, True
    chars = list(shape)
    for i, number in zip(slots, _numbers(seed, len(slots))):
        chars[i] = _replace_char(chars[i], number)
    return "".join(chars), False


def _replace_char(char: str, number: int) -> str:
    if "0" <= char <= "9" or char.isdigit() or char.isnumeric():
        return chr(48 + number % 10)
    if "A" <= char <= "Z":
        return chr(65 + number % 26)
    if "\uac00" <= char <= "\ud7a3":
        return chr(_HANGUL_FIRST + number % _HANGUL_COUNT)
    return chr(97 + number % 26)
