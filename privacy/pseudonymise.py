"""Keyed, deterministic pseudonyms: the same identifier gives the same pseudonym in every table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthgate.privacy.keys import PseudonymKey
from synthgate.privacy.normalise import identifier_text, normalise_identifier

__all__ = ["PSEUDONYM_PREFIX", "PseudonymCache", "pseudonymise_series", "distinct_identifiers"]

PSEUDONYM_PREFIX = "ps_"
_HEX_BYTES = 16  # 128 bits: collisions are negligible for any table size we will see.
# Domain separation: a pseudonym can never equal the key fingerprint, a sub-key or a future digest.
_LABEL = b"synthgate/pseudonym/v1\x00"


def distinct_identifiers(values: pd.Series) -> tuple[np.ndarray, list[str], list[str]]:
    """Factorizes a column once: codes per row, raw texts and normalised texts per distinct value.

    Nulls (None, NaN, pd.NA, NaT) get code -1. The keyed operators hash each distinct
    value once and spread the results over the rows with a numpy take.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    raw = [identifier_text(value) for value in uniques]
    return codes, raw, [normalise_identifier(text) for text in raw]


def spread(codes: np.ndarray, per_distinct: list[object], index: pd.Index, name: object) -> pd.Series:
    """Row values from per-distinct results; the extra last slot (code -1) is the null."""
    lookup = np.empty(len(per_distinct) + 1, dtype=object)
    lookup[: len(per_distinct)] = per_distinct
    lookup[-1] = None
    return pd.Series(lookup[codes], index=index, name=name, dtype=object)


def pseudonymise_series(values: pd.Series, key: PseudonymKey) -> pd.Series:
    """Replaces every value by a keyed pseudonym ``"ps_" + 32 hex digits``.

    The pseudonym is HMAC-SHA256 under ``key`` of ``normalise_identifier(str(value))``.
    There is no per-column salt on purpose: an identifier gets the same pseudonym in
    every table, column and run that uses the same key, so a release can link tables.
    Integers and integral floats are written without a decimal point, so ``1412``,
    ``1412.0`` and ``"1412"`` give the same pseudonym. Each distinct value is hashed
    once (one-shot C HMAC), and the pseudonyms are spread over the rows with a numpy
    take, so a column of a million distinct values takes a few seconds on one core.

    Args:
        values: The identifiers; nulls (None, NaN, pd.NA, NaT) stay null.
        key: The secret key.

    Returns:
        An object Series with the same index and name: pseudonyms, or None for nulls.
    """
    codes, _, normalised = distinct_identifiers(values)
    return spread(codes, pseudonyms_of(normalised, key), values.index, values.name)


def pseudonyms_of(normalised: list[str], key: PseudonymKey, cache: PseudonymCache | None = None) -> list[str]:
    """The pseudonym of each normalised identifier (internal to the package).

    ``cache``: pseudonyms already computed (a batch run keeps one across batches); it only
    saves HMACs, the result is the same with or without it.
    """
    if cache is not None:
        return cache.pseudonyms(normalised, key)
    distinct = list(dict.fromkeys(normalised))  # "A-1" and "a-1" are one identifier: hash it once
    digests = key._digests(_LABEL, [text.encode("utf-8", "surrogatepass") for text in distinct])
    if len(distinct) == len(normalised):
        return [PSEUDONYM_PREFIX + digest[:_HEX_BYTES].hex() for digest in digests]
    by_text = {text: PSEUDONYM_PREFIX + digest[:_HEX_BYTES].hex() for text, digest in zip(distinct, digests)}
    return [by_text[text] for text in normalised]


class PseudonymCache:
    """A bounded memory of normalised identifier -> pseudonym, for a table read in batches.

    Each batch hashes its distinct identifiers once; the cache saves hashing an identifier
    again in a later batch. It holds at most ``max_entries`` pairs and forgets the oldest
    first (first in, first out): a forgotten identifier is simply hashed again, to the same
    pseudonym (the pseudonym is a keyed function of the identifier alone), so the bound
    costs time, never correctness. It lives in memory only and is never written.
    """

    __slots__ = ("max_entries", "_pairs", "hits", "misses")

    def __init__(self, max_entries: int = 200_000) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self._pairs: dict[str, str] = {}
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._pairs)

    def __repr__(self) -> str:  # counts only: never an identifier
        return f"PseudonymCache({len(self._pairs)} of {self.max_entries} entries)"

    def pseudonyms(self, normalised: list[str], key: PseudonymKey) -> list[str]:
        known = self._pairs
        missing = list(dict.fromkeys(text for text in normalised if text not in known))
        self.misses += len(missing)
        self.hits += len(normalised) - len(missing)
        fresh: dict[str, str] = {}
        if missing:
            digests = key._digests(_LABEL, [text.encode("utf-8", "surrogatepass") for text in missing])
            fresh = {text: PSEUDONYM_PREFIX + digest[:_HEX_BYTES].hex() for text, digest in zip(missing, digests)}
        out = [known[text] if text in known else fresh[text] for text in normalised]
        self._remember(fresh)
        return out

    def _remember(self, fresh: dict[str, str]) -> None:
        if len(fresh) >= self.max_entries:
            self._pairs = dict(list(fresh.items())[-self.max_entries:])
            return
        self._pairs.update(fresh)
        excess = len(self._pairs) - self.max_entries
        if excess > 0:
            for text in [t for _, t in zip(range(excess), self._pairs)]:
                del self._pairs[text]
