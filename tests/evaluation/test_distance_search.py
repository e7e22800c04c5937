"""The distance figures do not depend on how the neighbour searches run (evaluation.Search): query partitions,
whole multiples of the search's blocks and read back from disk as a Dask worker reads them, give the same
figures as one process."""
from __future__ import annotations

import numpy as np
import pandas as pd

from synthgate import evaluation
from synthgate.evaluation.distance import measure_distances


def _frame(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"age": rng.integers(18, 90, rows).astype(float),
                         "ward": rng.choice(["A", "B", "C", None], rows),
                         "income": np.where(rng.random(rows) < .1, np.nan, rng.normal(5e4, 9e3, rows))})


KINDS = {"age": "numerical", "ward": "categorical", "income": "numerical"}


class _OnDisk:
    """Queries in partitions of ``rows`` (rounded to whole blocks), each saved and loaded as flows/partitions.py does."""

    def __init__(self, folder, rows: int) -> None:
        self.folder, self.rows, self.partitions = folder, rows, 0

    def __call__(self, queries, candidates, k, tied):
        evaluation.save_encoded(queries, self.folder / "q.npz")
        evaluation.save_encoded(candidates, self.folder / "c.npz")
        q, c = evaluation.load_encoded(self.folder / "q.npz"), evaluation.load_encoded(self.folder / "c.npz")
        block = evaluation.query_chunk_rows(c)
        size = max(block, self.rows // block * block)
        parts = [evaluation.search_local(q.take(np.arange(s, min(s + size, len(q)))), c, k, tied)
                 for s in range(0, len(q), size)]
        self.partitions += len(parts)
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def test_partitioned_searches_read_from_disk_give_the_same_figures(tmp_path, monkeypatch):
    # Setup: small blocks, so that 400 queries make several partitions of whole blocks
    from synthgate.evaluation import _neighbours

    monkeypatch.setattr(_neighbours, "_BLOCK_ELEMENTS", 64 * 300)
    train, holdout, synthetic = _frame(300, 1), _frame(120, 2), _frame(400, 3)
    search = _OnDisk(tmp_path, rows=100)

    # Run
    local = measure_distances(train, synthetic, holdout, KINDS, seed=4).to_dict()
    partitioned = measure_distances(train, synthetic, holdout, KINDS, seed=4, search=search).to_dict()

    # Assert: every figure equal, and the searches really were split
    assert partitioned == local
    assert search.partitions > 8


def test_a_search_that_loses_rows_changes_the_figures(tmp_path):
    # Setup: a search that answers every query with the first query's neighbours (a partition mix-up)
    train, holdout, synthetic = _frame(300, 1), _frame(120, 2), _frame(400, 3)

    def mixed_up(queries, candidates, k, tied):
        first = evaluation.search_local(queries.take(np.zeros(len(queries), dtype=np.int64)), candidates, k, tied)
        return first

    # Run
    local = measure_distances(train, synthetic, holdout, KINDS, seed=4).to_dict()
    wrong = measure_distances(train, synthetic, holdout, KINDS, seed=4, search=mixed_up).to_dict()

    # Assert: the figures notice
    assert wrong["dcr_share_raw"] != local["dcr_share_raw"] or wrong["mia_auc"] != local["mia_auc"]
