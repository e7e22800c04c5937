"""Fresh random identifiers for the id columns of a synthetic table (never derived from data)."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from synthgate.generators._seeding import check_seed
from synthgate.generators.errors import GeneratorError

# Pseudonyms are "ps_" + 32 hex chars; a prefix that cannot start with "ps_" plus 16 hex chars
# can never produce one, so synthetic ids and pseudonyms are disjoint by construction.
PSEUDONYM_PREFIX = "ps_"
_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_\-]{0,15}")
_ID_STREAM = 0x1D  # keeps id draws apart from row draws made with the same seed


def fresh_identifiers(n: int, *, seed: int, prefix: str = "syn_", null_share: float = 0.0) -> pd.Series:
    """Draw ``n`` distinct identifiers ``prefix`` + 16 hex chars, reproducible for ``seed``.

    Args:
        n: How many identifiers (0 gives an empty series).
        seed: Seed in [0, 2**32); the same seed gives the same identifiers.
        prefix: 1–16 letters, digits, ``_`` or ``-``, starting with a letter; not ``ps_...``.
        null_share: Share of positions (rounded to whole rows) left null, to mirror the null
            rate of the source id column; which positions is also fixed by ``seed``.

    Returns:
        An object Series with a RangeIndex; nulls are None.

    Raises:
        GeneratorError: A bad ``n``, seed, prefix or null share.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise GeneratorError("n must be an integer ≥ 0")
    rng = np.random.default_rng([check_seed(seed), _ID_STREAM])
    if not _PREFIX.fullmatch(prefix) or prefix.startswith(PSEUDONYM_PREFIX):
        raise GeneratorError(
            "prefix must be 1–16 letters, digits, '_' or '-', start with a letter and not start with 'ps_'"
        )
    if not 0.0 <= float(null_share) <= 1.0:
        raise GeneratorError("null_share must be between 0 and 1")
    values = np.unique(rng.integers(0, 2**64, size=n, dtype=np.uint64))
    while len(values) < n:  # a 64-bit collision: astronomically rare, handled for correctness
        values = np.unique(np.concatenate([values, rng.integers(0, 2**64, size=n - len(values), dtype=np.uint64)]))
    values = rng.permutation(values)  # np.unique sorts; shuffle so ids carry no order
    ids = pd.Series([f"{prefix}{int(v):016x}" for v in values], dtype=object)
    nulls = int(round(n * float(null_share)))
    if nulls:
        ids[rng.choice(n, size=nulls, replace=False)] = None
    return ids
