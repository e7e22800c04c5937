"""Propose primary and foreign keys from the values: uniqueness and inclusion, each with its evidence."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from synthgate.relational._values import integers, key_counts

__all__ = ["Proposal", "propose_keys", "propose_sequence", "name_tokens"]

MIN_INCLUSION = 0.95  # share of a child's keyed rows found among the parent's keys
MIN_DISTINCT = 10  # fewer distinct child values than this need a matching name
DENSE = 0.5  # integer parent keys covering this share of the child's range make inclusion likely by chance
SAMPLE_DISTINCT = 1_000_000  # above this many distinct child values, inclusion is measured on a sample
_ID_TOKENS = {"id", "key", "pk", "no", "nr", "num", "number", "code", "uuid", "guid", "ident", "identifier",
              "번호", "아이디", "코드", "식별자", "식별번호"}
_ROW_NAMES = {"rownames", "rowname", "row", "rownum", "index", "unnamed", "level"}


@dataclass(frozen=True)
class Proposal:
    """A proposed primary key (``parent`` is None), foreign key, or sequence order (``column`` orders the
    rows of each ``parent`` row), with its evidence as plain numbers.

    Evidence never holds a value from the data: shares, counts and flags only.
    """

    kind: Literal["primary_key", "foreign_key", "sequence"]
    table: str
    column: str
    parent: str | None = None
    parent_column: str | None = None
    evidence: dict[str, float | int | bool] = field(default_factory=dict)

    @property
    def link(self) -> dict[str, str]:
        """The contract's link dict (foreign keys only)."""
        return {"child": self.table, "column": self.column, "parent": self.parent, "parent_column": self.parent_column}


def name_tokens(name: str) -> set[str]:
    """Lower-case words of a column or table name (snake, dotted, kebab and camelCase split)."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", str(name))
    return {t for t in re.split(r"[^0-9a-z가-힣]+", spaced.lower()) if t}


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _id_like(name: str) -> bool:
    tokens = name_tokens(name)
    return bool(tokens & _ID_TOKENS) or str(name).lower().endswith("id")


def _row_number(counts: pd.Series, name: str) -> bool:
    """Integers under a name that says they number rows (rownames, index, Unnamed: 0): never a key to link by."""
    return bool(name_tokens(name) & _ROW_NAMES) and not _id_like(name) and integers(counts) is not None


def _primary(table: str, frame: pd.DataFrame, cache: dict) -> Proposal | None:
    best = None
    candidates = 0
    for column in frame.columns:
        series = frame[column]
        counts = cache.setdefault((table, column), key_counts(series))
        if counts is None or len(frame) < 2 or series.isna().any() or len(counts) != len(frame):
            continue
        text = integers(counts) is None
        if _row_number(counts, str(column)) or not (text or _id_like(str(column))):
            continue  # unique integers under another name are measurements or counts more often than keys
        candidates += 1
        score = (2 if _id_like(str(column)) else 0) + (1 if text else 0)
        if best is None or score > best[0]:
            best = (score, column, text)
    if best is None:
        return None
    score, column, text = best
    evidence = {"rows": int(len(frame)), "distinct_share": 1.0, "nulls": 0, "id_like_name": bool(score >= 2),
                "text_values": bool(text), "other_candidates": candidates - 1}
    return Proposal("primary_key", table, str(column), evidence=evidence)


def _name_match(child_column: str, parent: str, parent_column: str) -> bool:
    child = {_singular(t) for t in name_tokens(child_column)}
    key = {_singular(t) for t in name_tokens(parent_column)}
    table = {_singular(t) for t in name_tokens(parent)}
    return key <= child or bool(child & table - _ID_TOKENS)


def _dense(child: pd.Series, parent: pd.Series) -> bool:
    """Integer parent keys that fill most of the child's central range: inclusion then says little.

    The range runs from the 5th to the 95th percentile of the child's distinct values, so a few
    outliers cannot stretch it (measurements such as a platelet count fall among keys 1..n by chance).
    """
    values, keys = integers(child), integers(parent)
    if values is None or keys is None:
        return False
    low, high = np.quantile(values, [0.05, 0.95])
    inside = np.count_nonzero((keys >= low) & (keys <= high))
    return inside >= DENSE * (np.floor(high) - np.ceil(low) + 1)


def _foreign(table: str, column: str, counts: pd.Series, parent: Proposal, keys: pd.Series,
             rows: int, nulls: int, seed: int) -> Proposal | None:
    sampled = len(counts) > SAMPLE_DISTINCT
    if sampled:
        counts = counts.sample(n=SAMPLE_DISTINCT, random_state=seed)
    inside = counts.index.isin(keys.index)
    keyed_rows = int(counts.sum())
    if keyed_rows == 0:
        return None
    inclusion = float(counts[inside].sum()) / keyed_rows
    named = _name_match(column, parent.table, parent.column)
    if inclusion < MIN_INCLUSION or int(inside.sum()) < 2:
        return None
    if not named and (len(counts) < MIN_DISTINCT or _dense(counts, keys)):
        return None
    evidence = {
        "inclusion": round(inclusion, 6), "child_rows": int(rows), "null_rows": int(nulls),
        "distinct_children": int(len(counts)), "orphan_rows": int(keyed_rows - counts[inside].sum()),
        "orphan_keys": int((~inside).sum()), "parents_referenced": round(float(inside.sum()) / len(keys), 6),
        "name_match": bool(named), "sampled": bool(sampled),
    }
    return Proposal("foreign_key", table, column, parent.table, parent.column, evidence)


def propose_keys(tables: dict[str, pd.DataFrame], *, seed: int = 0) -> list[Proposal]:
    """Primary keys (unique, non-null) and foreign keys (values contained in another table's key).

    A table gets at most one primary key: unique non-null strings, or integers under an id-like
    name (``id``, ``patient_no``, ``번호``), an id-like name first; a row number (``rownames``)
    never. A table's own key is not proposed as a foreign key (two ``id`` columns 1..n would
    otherwise point at each other). A column is a foreign key to another table's
    (or its own table's) primary key when at least 95% of its keyed rows hold a parent key; a
    name that matches the parent (``patient_id`` -> ``patients.id``) breaks ties, and is needed
    when inclusion alone proves little (fewer than 10 distinct values, or integer keys that fill
    the child's range). Distinct values are compared once each, so 400,000 rows take well under
    a second; above a million distinct values a sample is compared.

    Args:
        tables: table name -> frame (raw or pseudonymised).
        seed: the sample's seed.

    Returns:
        Primary keys in table order, then foreign keys (each child column at most once, its best
        parent), each with evidence: counts, shares and flags, never a value.
    """
    cache: dict = {}
    primaries = [p for p in (_primary(t, f, cache) for t, f in tables.items()) if p is not None]
    foreign = []
    for table, frame in tables.items():
        own = next((p.column for p in primaries if p.table == table), None)
        for column in frame.columns:
            if column == own:
                continue
            counts = cache.setdefault((table, column), key_counts(frame[column]))
            if counts is None or len(counts) == 0 or _row_number(counts, str(column)):
                continue
            found = []
            for parent in primaries:
                keys = cache[(parent.table, parent.column)]
                proposal = _foreign(table, str(column), counts, parent, keys, len(frame),
                                    int(frame[column].isna().sum()), seed)
                if proposal is not None:
                    found.append(proposal)
            if found:
                foreign.append(max(found, key=lambda p: (p.evidence["name_match"], p.evidence["inclusion"],
                                                         p.parent != table)))
    return primaries + foreign


_TIME_TOKENS = {"day", "days", "date", "time", "visit", "seq", "sequence", "order", "step", "week", "month", "year",
                "days_since", "admit", "admitted", "start", "일", "일자", "날짜", "시각", "순번", "차수"}
MIN_DISTINCT_IN_PARENT = 0.9  # share of a parent's rows with an order value no sibling shares


def propose_sequence(frame: pd.DataFrame, by: str, *, table: str, parent: str) -> Proposal | None:
    """The column that orders each parent's rows, if one reads as time: a datetime, or a number named like one.

    A candidate needs at least 90% of the rows of parents with several rows to hold a value no sibling
    shares (follow-up time repeated on every visit orders nothing). Among candidates, the one whose
    values already rise in file order for the most parents wins.

    Args:
        frame: the child table.
        by: its column naming the parent.
        table, parent: names for the proposal.

    Returns:
        A ``sequence`` proposal with evidence (parents with several rows, distinct share, rising share,
        tied rows), or None.
    """
    keyed = frame[frame[by].notna()]
    several = keyed[keyed.groupby(by, sort=False)[by].transform("size") > 1]
    if several.empty:
        return None
    best = None
    for column in frame.columns:
        if column == by:
            continue
        series = several[column]
        timed = pd.api.types.is_datetime64_any_dtype(series)
        named = bool({_singular(t) for t in name_tokens(str(column))} & _TIME_TOKENS)
        if not (timed or (named and pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series))):
            continue
        tied = int(several.duplicated([by, column], keep=False).sum())
        distinct = 1 - tied / len(several)
        if distinct < MIN_DISTINCT_IN_PARENT:
            continue
        rising = float(several.groupby(by, sort=False)[column].apply(lambda v: v.is_monotonic_increasing).mean())
        evidence = {"parents_with_several_rows": int(several[by].nunique()), "distinct_share": round(distinct, 6),
                    "rising_in_file_order": round(rising, 6), "tied_rows": tied, "datetime": bool(timed)}
        held = (best.evidence["rising_in_file_order"], best.evidence["distinct_share"]) if best else None
        if best is None or (rising, distinct) > held:
            best = Proposal("sequence", table, str(column), parent, None, evidence)
    return best
