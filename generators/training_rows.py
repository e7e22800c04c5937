"""The rows a generator learns from: a table above a row limit is learned from a seeded uniform sample.

Why a sample and not batches streamed from the Parquet: every generator here fits in memory on
a few hundred thousand rows, and its encoders' categories, bins and value protection are decided
over the whole table before training, so streaming would need every generator to learn
incrementally. A sample keeps training time and memory bounded by the limit whatever the
table's size, leaves every generator's fit unchanged, and is reproducible from the seed. What it
costs is sampling error, measured on military (1,131,671 training rows, docs/benchmarks.md
'Military'): a 200,000-row sample is 0.0015 (mean) / 0.0038 (worst) from the whole table in
total variation per column and 0.0027 / 0.0055 per column pair, against 0.0030 / 0.0041 and
0.0063 / 0.0117 for the synthetic table the model learned from it: about half of the synthetic
table's distance on this simple six-column table, less where the model's own error is larger.
A single share is off by at most about 0.002 at 95% at 200,000 rows.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from synthgate.generators._seeding import check_seed, derive_seed
from synthgate.generators.errors import GeneratorError

__all__ = ["DEFAULT_TRAIN_ROWS", "TrainingSample", "training_sample"]

#: Rows learned by default: on two CPU cores the autoregressive generator runs an epoch of this
#: many rows in well under a minute, so its time budget buys enough epochs to converge.
DEFAULT_TRAIN_ROWS = 200_000


class TrainingSample(NamedTuple):
    """The rows to learn, how many there are and how many the training table held."""

    rows: pd.DataFrame
    learned: int
    available: int

    @property
    def sampled(self) -> bool:
        return self.learned < self.available

    def to_dict(self) -> dict:
        return {"learned_rows": self.learned, "available_rows": self.available, "sampled": self.sampled}


def training_sample(frame: pd.DataFrame, limit: int | None, *, seed: int) -> TrainingSample:
    """A uniform sample of ``limit`` rows without replacement, in table order; the table itself when it is smaller.

    Args:
        frame: The training table.
        limit: Most rows to learn; None learns every row.
        seed: The generator's seed; the same seed and table give the same rows.

    Returns:
        The rows (a fresh RangeIndex when sampled), the rows learned and the rows available.

    Raises:
        GeneratorError: ``limit`` is not a positive integer.
    """
    seed = check_seed(seed)
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise GeneratorError("the training row limit must be a positive integer or None")
    available = len(frame)
    if limit is None or available <= limit:
        return TrainingSample(frame, available, available)
    # A seed of its own, so the sample does not share random draws with the model's initialisation.
    rng = np.random.default_rng(derive_seed(seed, 0x7261))
    picked = np.sort(rng.choice(available, size=limit, replace=False))
    return TrainingSample(frame.iloc[picked].reset_index(drop=True), limit, available)
