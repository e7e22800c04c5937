"""Training's time budget and ETA: max_minutes ends training, the summary states the budget, the ETA respects it."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthgate import generators
from synthgate.generators.autoregressive import DEFAULT_MAX_MINUTES
from synthgate.generators.progress import PRIOR_EPOCHS

SCHEMA = generators.TableSchema.from_mapping({"x": "numerical", "c": "categorical"})


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    c = rng.choice(["a", "b", "c"], 600)
    return pd.DataFrame({"x": rng.normal(0, 1, 600) + (c == "a") * 3, "c": c})


def fitted(frame: pd.DataFrame, **params: object) -> generators.AutoregressiveGenerator:
    parsed = generators.parse_params("autoregressive", {"hidden": 8, "threads": 1, **params})
    generator = generators.AutoregressiveGenerator(parsed, seed=0)
    generator.fit(frame, SCHEMA)
    return generator


def test_the_default_budget_suits_an_interactive_run_and_the_summary_states_it(frame):
    # Setup / Run
    generator = fitted(frame, max_epochs=2)

    # Assert
    assert generators.parse_params("autoregressive", {}).max_minutes == DEFAULT_MAX_MINUTES == 10.0
    assert generator.training["max_minutes"] == 10.0 and generator.training["threads"] == 1
    assert generator.training["stopped"] == "max_epochs"


def test_no_budget_is_stated_as_none(frame):
    # Setup / Run
    generator = fitted(frame, max_epochs=1, max_minutes=None)

    # Assert
    assert generator.training["max_minutes"] is None


def test_max_minutes_stops_training_and_the_summary_says_so(frame):
    # Setup: a budget of 30 ms against 500 possible epochs, early stopping out of reach
    generator = fitted(frame, max_epochs=500, max_minutes=0.0005, patience=1000)

    # Run
    training = generator.training

    # Assert
    assert training["stopped"] == "time_budget" and training["max_minutes"] == 0.0005
    assert training["epochs"] < 500
    for point in training["curve"]:  # no line promises more than the budget has left
        assert point["eta_s"] <= max(0.0, 0.0005 * 60 - point["elapsed_s"]) + 1e-3


def test_the_first_eta_does_not_assume_max_epochs(frame):
    # Setup / Run
    generator = fitted(frame, max_epochs=1000, max_minutes=None)

    # Assert: the first line expects the prior's epochs, not 1,000
    first = generator.training["curve"][0]
    assert first["expected_epochs"] == PRIOR_EPOCHS
    # both figures are rounded to the millisecond: the product carries PRIOR_EPOCHS half-milliseconds
    assert first["eta_s"] == pytest.approx(first["elapsed_s"] * (PRIOR_EPOCHS - 1), abs=PRIOR_EPOCHS * 1e-3)
    assert generator.training["stopped"] == "converged"
    last = generator.training["curve"][-1]
    assert last["eta_s"] == 0 and last["expected_epochs"] == last["epoch"]
