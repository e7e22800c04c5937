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
        grouped_by: The column whose values kept each subject's rows on one side, or None.
        groups: Subjects drawn from (None without grouping).
    """

    training: pd.DataFrame
    holdout: pd.DataFrame
    mask: np.ndarray
    fraction: float
    seed: int
    grouped_by: str | None = None
    groups: int | None = None

    def facts(self) -> dict:
        """Counts and the holdout's hash, for the manifest (no value)."""
        return {"fraction": self.fraction, "seed": self.seed, "rows": len(self.holdout),
                "training_rows": len(self.training), "sha256": table_sha256(self.holdout),
                "grouped_by": self.grouped_by, "groups": self.groups}


def split_holdout(frame: pd.DataFrame, fraction: float, *, seed: int = 0, groups: pd.Series | None = None,
                  group_name: str | None = None) -> HoldoutSplit:
    """Draw about ``fraction`` of the rows, at random for the seed, as the holdout.

    With ``groups`` (one subject key per row, e.g. a patient's pseudonym), whole subjects are drawn:
    ``round(fraction * subjects)`` of them, every row of each. Then the holdout holds people the
    generator never saw, and the privacy figures' chance rates are those of unseen people: split
    by row, one patient's tests land on both sides, and on covid_testing a holdout row matched a
    training row's (first, last) pair 21.6% of the time against 15.4% for unseen patients. A row
    whose key is null is a subject of its own.

    Raises:
        ValueError: ``fraction`` outside (0, 1), or ``groups`` not one key per row.
        EmptyTableError: Either part would have no rows.
    """
    if not 0.0 < fraction < 1.0:
        raise ValueError("the holdout fraction must lie strictly between 0 and 1")
    rows = len(frame)
    rng = np.random.default_rng(seed)
    if groups is None:
        size = int(round(fraction * rows))
        _check_sides(rows, size, fraction)
        mask = np.zeros(rows, dtype=bool)
        mask[rng.choice(rows, size=size, replace=False)] = True
        subjects = None
    else:
        if len(groups) != rows:
            raise ValueError("groups must hold one subject key per row")
        codes, _ = pd.factorize(pd.Series(groups).reset_index(drop=True), use_na_sentinel=True)
        lone = codes < 0  # a null key: the row is a subject of its own
        codes[lone] = codes.max(initial=-1) + 1 + np.arange(int(lone.sum()))
        subjects = int(codes.max(initial=-1)) + 1
        drawn = rng.choice(subjects, size=int(round(fraction * subjects)), replace=False)
        mask = np.isin(codes, drawn)
        _check_sides(rows, int(mask.sum()), fraction)
    return HoldoutSplit(
        training=frame[~mask].reset_index(drop=True), holdout=frame[mask].reset_index(drop=True),
        mask=mask, fraction=fraction, seed=seed, grouped_by=group_name if groups is not None else None,
        groups=subjects,
    )


def _check_sides(rows: int, size: int, fraction: float) -> None:
    if size < 1 or size >= rows:
        part = "holdout" if size < 1 else "training"
        raise EmptyTableError(part, f"would have no rows: {rows} row(s) with a holdout fraction of {fraction:g} "
                              "(the evaluation needs at least one row on each side)")


def table_sha256(frame: pd.DataFrame) -> str:
    """sha256 over the column names and pandas' per-row hashes (index excluded), in row order.

    Anyone holding the same rows recomputes it with the same pandas major version; it reveals
    nothing about the rows.
    """
    digest = hashlib.sha256()
    digest.update("\x1f".join(map(str, frame.columns)).encode("utf-8"))
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()
