"""Fixtures of the generators tests (fixtures only: test modules never import this file)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthgate import generators

CANARY = "CANARY_ZX81"

# Tiny networks and 2 epochs: the contract is about plumbing, not quality, and must stay fast.
FAST_PARAMS = {
    "autoregressive": {"max_epochs": 3, "hidden": 16},
    "ctgan": {"epochs": 2, "batch_size": 50, "generator_dim": [32, 32], "discriminator_dim": [32, 32]},
    "tvae": {"epochs": 2, "batch_size": 50, "compress_dims": [32], "decompress_dims": [32]},
}


def make_mixed_frame(rows: int = 200, seed: int = 0) -> pd.DataFrame:
    """int, float with NaN, categorical with NaN and a canary, datetime, boolean columns."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "age": rng.integers(18, 90, rows),
        "income": np.where(rng.random(rows) < 0.1, np.nan, rng.normal(50_000, 10_000, rows).round(2)),
        "ward": pd.Series(rng.choice(["north", "south", "east", None], rows), dtype=object),
        "admitted": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1000, rows), unit="D"),
        "smoker": rng.random(rows) < 0.3,
    })
    frame.loc[:9, "ward"] = CANARY  # frequent enough that every generator may reproduce it
    return frame


MIXED_KINDS = {"age": "numerical", "income": "numerical", "ward": "categorical",
               "admitted": "datetime", "smoker": "boolean"}


@pytest.fixture
def mixed_frame() -> pd.DataFrame:
    return make_mixed_frame()


@pytest.fixture
def mixed_schema() -> generators.TableSchema:
    return generators.TableSchema.from_mapping(MIXED_KINDS)


@pytest.fixture
def canary() -> str:
    return CANARY


@pytest.fixture
def make_generator():
    """Factory: a generator of a kind with the fast test params (defaults for kinds not listed)."""

    def make(kind: str, *, seed: int = 11, device: str = "cpu") -> generators.Generator:
        params = generators.parse_params(kind, FAST_PARAMS.get(kind, {}))
        return generators.get_generator(kind)(params, device=device, seed=seed)

    return make


@pytest.fixture(scope="module")
def fitted_copula() -> generators.Generator:
    """A GaussianCopula fitted once per module (it fits in well under a second)."""
    generator = generators.GaussianCopulaGenerator(seed=3)
    generator.fit(make_mixed_frame(), generators.TableSchema.from_mapping(MIXED_KINDS))
    return generator
