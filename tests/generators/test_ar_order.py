"""The learned column order: columns the others explain go last; never read off the data under DP."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthgate.generators import AutoregressiveGenerator, AutoregressiveParams, TableSchema
from synthgate.generators._ar_order import learn_order

ROWS = 3000


def scored_table(seed: int = 0) -> tuple[pd.DataFrame, TableSchema]:
    """A severity score computed from four lab values (placed first), then the labs, a ward and a flag."""
    rng = np.random.default_rng(seed)
    labs = {f"lab{i}": rng.normal(0, 1, ROWS) for i in range(4)}
    score = sum(np.exp(0.7 * v) for v in labs.values()) * 10 + rng.normal(0, 0.5, ROWS)  # monotone in each lab
    frame = pd.DataFrame({"score": np.round(score), **{k: np.round(v, 2) for k, v in labs.items()},
                          "ward": rng.choice(["a", "b", "c"], ROWS), "flag": rng.random(ROWS) < 0.3})
    frame.loc[rng.random(ROWS) < 0.1, "lab3"] = np.nan
    schema = TableSchema((("score", "numerical"), *((k, "numerical") for k in labs),
                          ("ward", "categorical"), ("flag", "boolean")))
    return frame, schema


def test_a_score_computed_from_other_columns_is_ordered_last():
    # Setup
    frame, schema = scored_table()

    # Run
    order = learn_order(frame, [kind for _, kind in schema.columns], seed=0)

    # Assert: a permutation, with the score after every lab it is computed from
    assert sorted(order) == list(range(len(schema.columns)))
    assert order[-1] == 0


def test_independent_columns_come_before_a_derived_one_and_ties_keep_the_schema_order():
    # Setup: three constant columns (nothing to explain: a tie) and a copy of another column
    rng = np.random.default_rng(1)
    base = rng.normal(0, 1, 500)
    frame = pd.DataFrame({"copy": base * 2, "c1": 1.0, "c2": "x", "base": base, "c3": 5.0, "noise": rng.random(500)})
    kinds = ["numerical", "numerical", "categorical", "numerical", "numerical", "numerical"]

    # Run
    order = learn_order(frame, kinds, seed=0)

    # Assert: the constants first in schema order; the copy and its source last
    assert order[:3] == [1, 2, 4]
    assert set(order[-2:]) == {0, 3}


def test_tiny_tables_keep_the_schema_order():
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": [2.0, 4.0], "c": [0.0, 1.0]})
    assert learn_order(frame, ["numerical"] * 3, seed=0) == [0, 1, 2]


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    frame, schema = scored_table(2)
    generator = AutoregressiveGenerator(AutoregressiveParams(max_epochs=2), seed=0)
    generator.fit(frame, schema)
    return generator, frame, schema, tmp_path_factory.mktemp("model")


def test_the_fitted_model_states_its_order_and_samples_in_it(fitted):
    # Setup
    generator, frame, schema, _ = fitted

    # Run
    rows = generator.sample(200, seed=1)

    # Assert
    assert generator.training["column_order"][-1] == "score"
    assert sorted(generator.training["column_order"]) == sorted(schema.names)
    assert list(rows.columns) == list(schema.names) and len(rows) == 200


def test_a_saved_model_loads_with_its_order_and_draws_the_same_rows(fitted):
    # Setup
    generator, _, _, directory = fitted
    generator.save(directory)

    # Run
    loaded = AutoregressiveGenerator.load(directory)

    # Assert
    assert loaded._network.column_order == generator._network.column_order
    pd.testing.assert_frame_equal(loaded.sample(300, seed=4), generator.sample(300, seed=4))


def test_conditional_sampling_fixes_any_column_with_the_learned_order(fitted):
    # Setup: fix the score, which the learned order draws last
    generator, frame, _, _ = fitted
    fixed = frame[["score"]].head(100).reset_index(drop=True)

    # Run
    rows = generator.sample(100, seed=2, fixed=fixed)

    # Assert
    assert (rows["score"].to_numpy() == fixed["score"].to_numpy()).all()


def test_under_dp_the_schema_order_is_kept():
    # Setup
    frame, schema = scored_table(3)
    params = AutoregressiveParams(dp={"epsilon": 5.0, "delta": 1e-5, "epochs": 1})

    # Run
    generator = AutoregressiveGenerator(params, seed=0)
    generator.fit(frame, schema)

    # Assert: the order was not read off the rows
    assert generator._network.column_order == list(range(len(schema.columns)))
    assert "column_order" not in generator.training or generator.training["column_order"] == list(schema.names)
