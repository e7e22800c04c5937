"""Random mixed tables for the attack tests: a synthetic table that copies train, or one drawn independently."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

KINDS = {"age": "numerical", "income": "numerical", "city": "categorical", "smoker": "boolean",
         "visit": "datetime", "grade": "categorical"}


def draw(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` rows of one fixed distribution, in the normalised dtypes of evaluation.tables."""
    frame = pd.DataFrame({
        "age": rng.integers(18, 90, n).astype(float),
        "income": np.round(rng.lognormal(10, 1, n), 2),
        "city": rng.choice([f"c{i}" for i in range(12)], n).astype(object),
        "smoker": rng.choice(["True", "False"], n).astype(object),
        "visit": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1500, n), unit="D"),
        "grade": rng.choice(list("ABCDE"), n).astype(object),
    })
    frame.loc[rng.random(n) < 0.05, "income"] = np.nan
    frame.loc[rng.random(n) < 0.05, "city"] = None
    return frame


@pytest.fixture
def tables():
    """A factory: (train, synthetic, holdout); ``leak``: the synthetic rows are the training rows shuffled."""

    def make(n: int = 400, *, leak: bool, seed: int = 0, holdout: int | None = None):
        rng = np.random.default_rng(seed)
        train, hold = draw(n, rng), draw(holdout or n, rng)
        synthetic = train.sample(frac=1.0, random_state=seed).reset_index(drop=True) if leak else draw(n, rng)
        return train, synthetic, hold

    return make


@pytest.fixture
def kinds() -> dict[str, str]:
    """The kinds of the columns ``draw`` makes."""
    return dict(KINDS)
