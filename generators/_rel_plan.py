"""The plan of a multi-table model: which table generates which, its columns, keys and sequences.

Built from the plain inputs of the relational contract (tables, keys, links, sequences, kinds)
and checked here; every refusal is one GeneratorError line naming the table and column, never a
cell value. The plan holds names, kinds and dtypes only, so it goes into relational.json.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from synthgate.generators import _frames
from synthgate.generators.base import LEARNABLE_KINDS, TableSchema
from synthgate.generators.errors import GeneratorError

MAX_DEPTH = 3  # parent → child → grandchild
LINK_KEYS = ("child", "column", "parent", "parent_column")


def build_plan(tables: Mapping[str, pd.DataFrame], keys: Mapping[str, str], links: Sequence[Mapping[str, str]],
               sequences: Mapping[str, Mapping[str, str]], kinds: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """The checked plan: ``{"order": [...], "tables": {name: {...}}, "secondary": [...]}``."""
    if not isinstance(tables, Mapping) or not tables:
        raise GeneratorError("tables must be a non-empty mapping of table names to DataFrames")
    for name, frame in tables.items():
        if not isinstance(frame, pd.DataFrame):
            raise GeneratorError(f"table {name!r}: expected a pandas DataFrame, got {type(frame).__name__}")
        if len(frame) == 0:
            raise GeneratorError(f"table {name!r} has no rows: every table of a relational model needs rows "
                                 "to learn from; leave it out of the release")
        if name not in kinds:
            raise GeneratorError(f"table {name!r} has no kinds; kinds must name every table")
    keys = {name: key for name, key in keys.items() if key is not None}  # None: a table without one
    for name, key in keys.items():
        _check_column(tables, name, key, "primary key")
        if tables[name][key].isna().any() or tables[name][key].duplicated().any():
            raise GeneratorError(f"table {name!r}: primary key {key!r} holds missing or duplicate values; "
                                 "a primary key must be unique and present in every row")
    generating: dict[str, dict[str, str]] = {}
    secondary: list[dict[str, str]] = []
    for i, link in enumerate(links):
        if not isinstance(link, Mapping) or any(not isinstance(link.get(k), str) for k in LINK_KEYS):
            raise GeneratorError(f"links[{i}] must be a mapping with string keys: " + ", ".join(LINK_KEYS))
        link = {k: link[k] for k in LINK_KEYS}
        _check_column(tables, link["child"], link["column"], "foreign key")
        _check_column(tables, link["parent"], link["parent_column"], "referenced column")
        if link["child"] != link["parent"] and link["child"] not in generating:
            generating[link["child"]] = link
        else:
            secondary.append(link)  # a second link of the same child, or a self-reference
    for link in generating.values():
        if keys.get(link["parent"]) != link["parent_column"]:
            raise GeneratorError(f"link {link['child']}.{link['column']} → {link['parent']}.{link['parent_column']}: "
                                 f"the referenced column must be the primary key of {link['parent']!r}")
    for link in secondary:
        target = tables[link["parent"]][link["parent_column"]]
        if keys.get(link["parent"]) != link["parent_column"] and target.duplicated().any():
            raise GeneratorError(f"link {link['child']}.{link['column']} → {link['parent']}.{link['parent_column']}: "
                                 "the referenced column is neither a primary key nor unique")
    depth = {name: _depth(name, generating) for name in tables}
    too_deep = [name for name, d in depth.items() if d > MAX_DEPTH]
    if too_deep:
        raise GeneratorError(f"table {too_deep[0]!r} is {depth[too_deep[0]]} levels deep; the relational generator "
                             f"models at most {MAX_DEPTH} levels (parent → child → grandchild)")
    plan_tables: dict[str, dict[str, Any]] = {}
    order = sorted(tables, key=lambda name: (depth[name], list(tables).index(name)))
    for name in order:
        plan_tables[name] = _table_plan(name, tables[name], keys, generating.get(name), secondary,
                                        sequences.get(name), kinds[name], depth[name])
    for name in order:
        parent = plan_tables[name]["parent"]
        if parent is not None:
            plan_tables[parent]["children"].append(name)
    return {"order": order, "tables": plan_tables, "secondary": secondary}


def _check_column(tables: Mapping[str, pd.DataFrame], table: str, column: str, what: str) -> None:
    if table not in tables:
        raise GeneratorError(f"{what} {table}.{column}: no table {table!r}; tables: " + ", ".join(tables))
    if column not in tables[table].columns:
        raise GeneratorError(f"{what} {table}.{column}: table {table!r} has no column {column!r}")


def _depth(name: str, generating: Mapping[str, Mapping[str, str]]) -> int:
    seen = [name]
    while name in generating:
        name = generating[name]["parent"]
        if name in seen:
            raise GeneratorError("the links form a cycle: " + " → ".join([*seen, name]))
        seen.append(name)
    return len(seen)


def _table_plan(name: str, frame: pd.DataFrame, keys: Mapping[str, str], link: Mapping[str, str] | None,
                secondary: Sequence[Mapping[str, str]], sequence: Mapping[str, str] | None,
                kinds: Mapping[str, str], depth: int) -> dict[str, Any]:
    key_like = {keys.get(name)} | {link["column"]} if link else {keys.get(name)}
    key_like |= {s["column"] for s in secondary if s["child"] == name}
    key_like |= {s["parent_column"] for s in secondary if s["parent"] == name}
    unknown = [c for c in kinds if c not in frame.columns]
    if unknown:
        raise GeneratorError(f"table {name!r}: kinds name column {unknown[0]!r}, which the table does not have")
    learnable = [(c, kinds[c]) for c in frame.columns if c in kinds and kinds[c] in LEARNABLE_KINDS
                 and c not in key_like]
    order_by = None
    if sequence is not None:
        if link is None:
            raise GeneratorError(f"table {name!r} is a sequence but has no parent link; a sequence is ordered "
                                 "within each parent row")
        order_by = sequence.get("order_by") if isinstance(sequence, Mapping) else None
        if not isinstance(order_by, str) or order_by not in frame.columns:
            raise GeneratorError(f"table {name!r}: sequence order_by must name one of its columns")
        if kinds.get(order_by) not in ("numerical", "datetime"):
            raise GeneratorError(f"table {name!r}: sequence order_by {order_by!r} must be numerical or datetime")
        if frame[order_by].isna().any():
            raise GeneratorError(f"table {name!r}: sequence order_by {order_by!r} has missing values; every "
                                 "event needs its place in the sequence")
    schema_cols = learnable or [("__none", "numerical")]
    try:
        canonical = pd.DataFrame({c: _frames.to_canonical(frame[c], c, k) for c, k in learnable})
    except GeneratorError as exc:
        raise GeneratorError(f"table {name!r}: {exc}") from None
    dtypes = _frames.output_dtypes(canonical, TableSchema(tuple(schema_cols))) if learnable else {}
    return {
        "key": keys.get(name), "parent": link["parent"] if link else None, "fk": link["column"] if link else None,
        "parent_key": link["parent_column"] if link else None, "depth": depth,
        "columns": [list(c) for c in learnable], "dtypes": dtypes, "order_by": order_by,
        "output": [c for c in frame.columns if c in key_like - {None} or c in dict(learnable)],
        "rows": len(frame), "children": [],
    }
