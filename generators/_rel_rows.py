"""The rows several tables' models learn: above a row limit, a seeded uniform sample of subjects.

The single-table flow bounds training by rows (generators/training_rows.py). A row sample would
cut a subject's sequence and its child counts (a parent keeps some of its visits), which is what
the relational generator learns, so several tables are bounded by **subjects**: root rows drawn
uniformly at random, each with all its descendants, until the next subject would take the rows
of all tables together past the limit. Every table's rows stay in table order.

Rows that reach no root row (orphans, a broken chain) are left out of a sample: the relational
generator ignores them anyway. A secondary link (a second foreign key, a self-reference) may
then name a row outside the sample; the generator counts such a reference as unmatched.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from synthgate.generators._seeding import check_seed, derive_seed
from synthgate.generators.errors import GeneratorError


def training_subjects(tables: Mapping[str, pd.DataFrame], links: Sequence[Mapping[str, str]], limit: int | None,
                      *, seed: int
                      ) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """Whole subjects drawn uniformly so that the rows of all tables together stay within ``limit``.

    Args:
        tables: The training tables, parents and children.
        links: The spec's links (``child``, ``column``, ``parent``, ``parent_column``); a child's
            first link to another table generates it, as in the relational generator's plan.
        limit: Most rows learned over all tables; None learns every row.
        seed: The generator's seed; the same seed and tables give the same subjects.

    Returns:
        The tables to learn (the tables themselves when they fit) and the facts: ``learned_rows``,
        ``available_rows``, ``learned_subjects``, ``available_subjects``, ``sampled`` and the rows
        per table (``tables: {name: {learned_rows, available_rows}}``). Counts only, never a value.

    Raises:
        GeneratorError: ``limit`` is not a positive integer, or the links form a cycle.
    """
    seed = check_seed(seed)
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise GeneratorError("the training row limit must be a positive integer or None")
    subjects = _subjects(tables, links)
    available = sum(len(f) for f in tables.values())
    roots = [name for name in tables if name not in _generating(tables, links)]
    n_subjects = sum(len(tables[name]) for name in roots)
    facts: dict[str, Any] = {"learned_rows": available, "available_rows": available,
                             "learned_subjects": n_subjects, "available_subjects": n_subjects, "sampled": False,
                             "tables": {n: {"learned_rows": len(f), "available_rows": len(f)}
                                        for n, f in tables.items()}}
    if limit is None or available <= limit:
        return dict(tables), facts
    sizes = np.zeros(n_subjects, dtype=np.int64)
    for ids in subjects.values():
        sizes += np.bincount(ids[ids >= 0], minlength=n_subjects)
    # A seed of its own, so the sample does not share draws with the model's initialisation.
    order = np.random.default_rng(derive_seed(seed, 0x7273)).permutation(n_subjects)
    taken = order[: int(np.searchsorted(np.cumsum(sizes[order]), limit, side="right"))]
    chosen = np.zeros(n_subjects, dtype=bool)
    chosen[taken] = True
    out = {}
    for name, frame in tables.items():
        ids = subjects[name]
        keep = np.where(ids >= 0, chosen[np.maximum(ids, 0)], False)
        out[name] = frame[keep].reset_index(drop=True)
    learned = sum(len(f) for f in out.values())
    facts.update(learned_rows=learned, learned_subjects=int(chosen.sum()), sampled=True,
                 tables={n: {"learned_rows": len(out[n]), "available_rows": len(f)} for n, f in tables.items()})
    return out, facts


def _generating(tables: Mapping[str, pd.DataFrame], links: Sequence[Mapping[str, str]]) -> dict[str, Mapping[str, str]]:
    generating: dict[str, Mapping[str, str]] = {}
    for link in links:
        if link["child"] != link["parent"] and link["child"] not in generating and link["child"] in tables:
            generating[link["child"]] = link
    return generating


def _subjects(tables: Mapping[str, pd.DataFrame], links: Sequence[Mapping[str, str]]) -> dict[str, np.ndarray]:
    """Per table: each row's subject, numbered over the root tables in order (-1: it reaches no root row)."""
    generating = _generating(tables, links)
    out: dict[str, np.ndarray] = {}
    offset = 0
    for name, frame in tables.items():
        if name not in generating:
            out[name] = np.arange(offset, offset + len(frame))
            offset += len(frame)

    def resolve(name: str, seen: tuple[str, ...]) -> np.ndarray:
        if name in out:
            return out[name]
        if name in seen:
            raise GeneratorError("the links form a cycle: " + " → ".join([*seen, name]))
        link = generating[name]
        up = resolve(link["parent"], (*seen, name))
        parent = tables[link["parent"]][link["parent_column"]]
        lookup = pd.Series(np.arange(len(parent)), index=pd.Index(parent.astype(str)))
        lookup = lookup[~lookup.index.duplicated()]
        fk = tables[name][link["column"]]
        pos = lookup.reindex(fk.astype(str).where(fk.notna(), None)).to_numpy()
        pos = np.where(pd.isna(pos), -1, pos).astype(np.int64)
        out[name] = np.where(pos >= 0, up[np.maximum(pos, 0)], -1)
        return out[name]

    for name in tables:
        resolve(name, ())
    return out
