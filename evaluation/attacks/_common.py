"""What the three attacks share: input checks, attack counts, and nearest rows with random tie-breaks."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from synthgate.evaluation._neighbours import Encoded, nearest
from synthgate.evaluation.errors import NotApplicable

TABLES = ("train", "synthetic", "holdout")


def check_tables(train: pd.DataFrame, synthetic: pd.DataFrame, holdout: pd.DataFrame,
                 kinds: Mapping[str, str], attack: str) -> list[str]:
    """The columns every attack uses (``kinds``' order); NotApplicable when a table or column is missing."""
    columns = list(kinds)
    if not columns:
        raise NotApplicable(f"{attack}: no column to attack")
    for name, frame in zip(TABLES, (train, synthetic, holdout)):
        if len(frame) == 0:
            raise NotApplicable(f"{attack}: the {name} table has no rows")
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise NotApplicable(f"{attack}: the {name} table lacks columns: {', '.join(missing)}")
    return columns


def capped(requested: int, available: int, details: dict, key: str = "n_attacks") -> int:
    """``requested`` attacks or as many as ``available`` rows allow; a cap is written into ``details``."""
    if requested < 1:
        raise ValueError(f"{key} must be at least 1")
    if available < requested:
        details[f"{key}_capped_from"] = int(requested)
        return int(available)
    return int(requested)


def nearest_random_ties(queries: Encoded, candidates: Encoded, k: int,
                        rng: np.random.Generator) -> np.ndarray:
    """Indices (n x k) of each query's ``k`` nearest candidates, ties broken uniformly at random.

    ``nearest`` keeps the first of equal distances; searching a shuffled copy makes that pick random,
    as anonymeter's (unstable) argsort effectively does. A fixed first-index rule would make two
    searches over the same tied rows agree far more often than chance and inflate linkability.
    """
    order = rng.permutation(len(candidates))
    _, index = nearest(queries, candidates.take(order), k=k)
    return order[index]


def sample_rows(n_rows: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """``size`` distinct row positions out of ``n_rows`` (all of them, shuffled, if size >= n_rows)."""
    return rng.permutation(n_rows)[:size]


def column_list(columns: Sequence[str]) -> list[str]:
    """Column names for ``details``: names are schema, not data, and may be published."""
    return [str(c) for c in columns]
