"""Split real rows into training rows and a holdout the generator never sees, reproducibly."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthgate.evaluation.errors import EmptyTableError

__all__ = ["HoldoutSplit", "split_holdout", "table_sha256"]


@dataclass(frozen=True)
class HoldoutSplit:
    """The two parts of a table and which rows went where.

    Attributes:
        training: Rows the generator may learn from, in their original order.
        holdout: Rows kept out, in their original order.
        mask: One bool per input row, True where the row went to the holdout.
        fraction: The requested share of holdout rows.
        seed: Seeds the draw.
    """

    training: pd.DataFrame
    holdout: pd.DataFrame
    mask: np.ndarray
    fraction: float
    seed: int

    def facts(self) -> dict:
        """Counts and the holdout's hash, for the manifest (no value)."""
        return {"fraction": self.fraction, "seed": self.seed, "rows": len(self.holdout),
                "training_rows": len(self.training), "sha256": table_sha256(self.holdout)}


def split_holdout(frame: pd.DataFrame, fraction: float, *, seed: int = 0) -> HoldoutSplit:
    """Draw ``round(fraction * rows)`` rows, uniformly at random for the seed, as the holdout.

    Raises:
        ValueError: ``fraction`` outside (0, 1).
        EmptyTableError: Either part would have no rows.
    """
    if not 0.0 < fraction < 1.0:
        raise ValueError("the holdout fraction must lie strictly between 0 and 1")
    rows = len(frame)
    size = int(round(fraction * rows))
    if size < 1 or size >= rows:
        part = "holdout" if size < 1 else "training"
        raise EmptyTableError(part, f"would have no rows: {rows} row(s) with a holdout fraction of {fraction:g} "
                              "(the evaluation needs at least one row on each side)")
    mask = np.zeros(rows, dtype=bool)
    mask[np.random.default_rng(seed).choice(rows, size=size, replace=False)] = True
    return HoldoutSplit(
        training=frame[~mask].reset_index(drop=True), holdout=frame[mask].reset_index(drop=True),
        mask=mask, fraction=fraction, seed=seed,
    )


def table_sha256(frame: pd.DataFrame) -> str:
    """sha256 over the column names and pandas' per-row hashes (index excluded), in row order.

    Anyone holding the same rows recomputes it with the same pandas major version; it reveals
    nothing about the rows.
    """
    digest = hashlib.sha256()
    digest.update("\x1f".join(map(str, frame.columns)).encode("utf-8"))
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()
