"""The table forest of a multi-table release: generating links, keys as text, subjects and child aggregates."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import re

import numpy as np
import pandas as pd

from synthgate.evaluation.errors import TableMismatchError
from synthgate.evaluation.tables import KINDS, infer_kind

Tables = Mapping[str, pd.DataFrame]
Link = Mapping[str, str]


def generating_links(links: Iterable[Link]) -> dict[str, dict[str, str]]:
    """Each child table's first link to another table (self-references and second links never generate)."""
    found: dict[str, dict[str, str]] = {}
    for link in links:
        if link["child"] != link["parent"] and link["child"] not in found:
            found[link["child"]] = dict(link)
    return found


def parents_first(tables: Iterable[str], generating: Mapping[str, Link]) -> list[str]:
    """The tables with every parent before its children (a cycle is refused: the spec check should have)."""
    names, order, placed = list(tables), [], set()
    while len(order) < len(names):
        ready = [t for t in names if t not in placed
                 and (t not in generating or generating[t]["parent"] not in names or generating[t]["parent"] in placed)]
        if not ready:
            raise TableMismatchError("real", "has tables whose generating links form a cycle",
                                     sorted(set(names) - placed))
        order += ready
        placed.update(ready)
    return order


def key_text(series: pd.Series) -> pd.Series:
    """Keys as text, so 3, 3.0 and "3" are one key; null stays null."""
    values = series.reset_index(drop=True).astype(object)
    return values.map(_key).where(values.notna(), None)


def _key(value: object) -> str:
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


_WHOLE = re.compile(r"^(-?\d+)\.0+$")


def category_text(series: pd.Series) -> pd.Series:
    """Categories as text, one spelling per value: 1, 1.0 and "1.0" are all "1"; null stays null.

    A generator may hand numbers coded as categories back as text ("1.0") where the source held
    floats (1.0): without this, every such column would tell real from synthetic by spelling alone.
    """
    values = series.reset_index(drop=True).astype(object)
    text = values.map(_key).map(lambda t: _WHOLE.sub(r"\1", t))
    return text.where(values.notna(), None)


def feature_kinds(frame: pd.DataFrame, table: str, keys: Mapping[str, str | None], links: Iterable[Link],
                  kinds: Mapping[str, Mapping[str, str]] | None) -> dict[str, str]:
    """A table's comparable columns with their kind: keys, link columns, ids and free text left out."""
    declared = dict((kinds or {}).get(table, {}))
    structural = {keys.get(table)} | {link["column"] for link in links if link["child"] == table}
    structural |= {link["parent_column"] for link in links if link["parent"] == table}
    out = {}
    for column in frame.columns:
        kind = declared.get(column) or infer_kind(frame[column])
        if column not in structural and kind in KINDS:
            out[column] = kind
    return out


def as_number(series: pd.Series, kind: str) -> pd.Series:
    """A numerical view: numbers as they are, dates as days since 1970, booleans as 0/1."""
    series = series.reset_index(drop=True)
    if kind == "datetime":
        stamps = pd.to_datetime(series, errors="coerce", utc=True).dt.tz_localize(None)
        return pd.Series(stamps.to_numpy(dtype="datetime64[ns]").view("int64") / 86_400e9).where(stamps.notna())
    if kind == "boolean":
        words = series.astype(object).map(lambda v: str(v).strip().lower()).where(series.notna())
        return words.map({"true": 1.0, "1": 1.0, "1.0": 1.0, "false": 0.0, "0": 0.0, "0.0": 0.0}).astype("float64")
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("float64")
    return pd.to_numeric(series, errors="coerce").astype("float64")


def augment(tables: Tables, keys: Mapping[str, str | None], links: list[Link],
            kinds: Mapping[str, Mapping[str, str]] | None) -> dict[str, tuple[pd.DataFrame, dict[str, str]]]:
    """Every table's comparable columns plus aggregates of its children (grandchildren aggregated up first).

    Per child table ``c`` a parent row gains ``c.count`` (children, 0 when none) and, over its
    children, ``c.X.mean`` / ``c.X.std`` for each numerical, date, boolean or aggregate column X,
    and ``c.X.distinct`` / ``c.X.top_share`` (share of the most frequent category) for each
    categorical column. Rows keep their table's order.
    """
    generating = {c: l for c, l in generating_links(links).items() if c in tables and l["parent"] in tables}
    features: dict[str, tuple[pd.DataFrame, dict[str, str]]] = {}
    for table in reversed(parents_first(tables, generating)):
        frame = tables[table]
        own = feature_kinds(frame, table, keys, links, kinds)
        columns = {c: category_text(frame[c]) if k == "categorical" else frame[c].reset_index(drop=True)
                   for c, k in own.items()}
        out_kinds = dict(own)
        for child, link in generating.items():
            if link["parent"] != table:
                continue
            child_frame, child_kinds = features[child]
            aggregates = _aggregate(child_frame, child_kinds, key_text(tables[child][link["column"]]),
                                    key_text(frame[link["parent_column"]]), child)
            columns.update(aggregates)
            out_kinds.update({name: "numerical" for name in aggregates})
        features[table] = (pd.DataFrame(columns, index=pd.RangeIndex(len(frame))), out_kinds)
    return features


def _aggregate(children: pd.DataFrame, kinds: Mapping[str, str], child_keys: pd.Series, parent_keys: pd.Series,
               prefix: str) -> dict[str, pd.Series]:
    known = child_keys.notna().to_numpy()
    group = child_keys[known].to_numpy()
    rows = children[known].reset_index(drop=True)
    out = {f"{prefix}.count": parent_keys.map(pd.Series(group).value_counts()).fillna(0.0).astype("float64")}
    for column, kind in kinds.items():
        name = f"{prefix}.{column}"
        if kind == "categorical":
            pairs = pd.DataFrame({"k": group, "v": category_text(rows[column])}).dropna()
            counts = pairs.value_counts()
            per_key = counts.groupby(level=0)
            out[f"{name}.distinct"] = parent_keys.map(per_key.size()).fillna(0.0).astype("float64")
            out[f"{name}.top_share"] = parent_keys.map(per_key.max() / per_key.sum()).astype("float64")
        else:
            numbers = pd.Series(as_number(rows[column], kind).to_numpy()).groupby(group)
            out[f"{name}.mean"] = parent_keys.map(numbers.mean()).astype("float64")
            out[f"{name}.std"] = parent_keys.map(numbers.std(ddof=0)).astype("float64")
    return out


def subject_split(tables: Tables, keys: Mapping[str, str | None], links: list[Link], share: float,
                  seed: int) -> dict[str, np.ndarray]:
    """Per table, one bool per row: True where the row's root subject went to the holdout."""
    generating = {c: l for c, l in generating_links(links).items() if c in tables and l["parent"] in tables}
    rng = np.random.default_rng(seed)
    sides: dict[str, np.ndarray] = {}
    for table in parents_first(tables, generating):
        rows = len(tables[table])
        if table not in generating:  # a root: its rows are the subjects
            mask = np.zeros(rows, dtype=bool)
            mask[rng.choice(rows, size=int(round(share * rows)), replace=False)] = True
        else:
            link = generating[table]
            parent_keys = key_text(tables[link["parent"]][link["parent_column"]])
            side = pd.Series(sides[link["parent"]], index=parent_keys.to_numpy())
            side = side[~side.index.duplicated()]
            # An orphan (its key matches no parent row) stays with the training rows: the holdout
            # holds only whole subjects.
            mask = key_text(tables[table][link["column"]]).map(side).eq(True).to_numpy(dtype=bool)
        sides[table] = mask
    return sides
