"""Integrity counts of related tables: orphan child rows, duplicate keys, ties in a sequence's order."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from synthgate.relational._values import _text, key_counts

__all__ = ["orphans", "duplicate_keys", "null_keys", "sequence_ties"]


def orphans(tables: Mapping[str, pd.DataFrame], links: Iterable[Mapping[str, str]]) -> dict[str, dict[str, int]]:
    """Per link, the child rows whose key matches no parent key (counts only).

    Args:
        tables: table -> frame.
        links: ``{"child", "column", "parent", "parent_column"}`` dicts.

    Returns:
        ``"child.column"`` -> ``{"child_rows", "null_rows", "orphan_rows", "orphan_keys"}``: rows of the
        child, rows with no key (not orphans: they point at nothing on purpose), rows whose key is
        not a parent key, and how many distinct such keys.
    """
    found = {}
    for link in links:
        child = tables[link["child"]][link["column"]]
        counts = key_counts(child)
        parent = key_counts(tables[link["parent"]][link["parent_column"]])
        if counts is None:
            counts = pd.Series(dtype="int64")
        missing = ~counts.index.isin(parent.index if parent is not None else [])
        found[f"{link['child']}.{link['column']}"] = {
            "child_rows": int(len(child)),
            "null_rows": int(child.isna().sum()),
            "orphan_rows": int(counts[missing].sum()),
            "orphan_keys": int(missing.sum()),
        }
    return found


def orphan_mask(child: pd.Series, parent_keys: pd.Series) -> pd.Series:
    """True for each child row whose non-null key is not among the parent's keys."""
    parent = key_counts(parent_keys)
    counts = key_counts(child)
    if counts is None:
        return child.notna()
    bad = set(counts.index[~counts.index.isin(parent.index if parent is not None else [])])
    if not bad:
        return pd.Series(False, index=child.index)
    as_text = child.map(lambda v: None if pd.isna(v) else _text(v))
    return as_text.isin(bad)


def duplicate_keys(table: pd.DataFrame, key: str) -> int:
    """Rows whose non-null key repeats an earlier row's (a unique key has 0)."""
    counts = key_counts(table[key])
    if counts is None:
        return int(table[key].dropna().duplicated().sum())
    return int((counts - 1).clip(lower=0).sum())


def null_keys(table: pd.DataFrame, key: str) -> int:
    """Rows with no key."""
    return int(table[key].isna().sum())


def sequence_ties(child: pd.DataFrame, by: str, order_by: str) -> dict[str, int]:
    """Ties in a sequence: rows of one parent that share an order_by value.

    Tied rows keep their order in the file (a stable sort), so they are counted, not refused.

    Returns:
        ``{"groups_with_ties", "tied_rows"}``: parents with at least one tie, and rows in a tie.
    """
    frame = child[[by, order_by]].dropna()
    tied = frame.duplicated([by, order_by], keep=False)
    return {"groups_with_ties": int(frame.loc[tied, by].nunique()), "tied_rows": int(tied.sum())}
