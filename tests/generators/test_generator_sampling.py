"""The copy filter: no returned row equals a training row; deterministic for the seed."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthgate import generators
from synthgate.generators.sampling import row_hashes

SCHEMA = generators.TableSchema.from_mapping({"colour": "categorical", "size": "categorical"})


@pytest.fixture(scope="module")
def copier():
    """Two categorical columns, 4 of 9 combinations seen: a generator copies rows very often."""
    rng = np.random.default_rng(1)
    combos = [("a", "x"), ("a", "y"), ("b", "x"), ("c", "z")]
    training = pd.DataFrame([combos[i] for i in rng.integers(0, 4, 40)], columns=["colour", "size"])
    generator = generators.GaussianCopulaGenerator(seed=0)
    generator.fit(training, SCHEMA)
    return generator, training


def test_returned_rows_share_none_with_training(copier):
    # Setup
    generator, training = copier

    # Run
    rows, discarded, drawn = generators.sample_without_copies(generator, 30, seed=5, training=training)

    # Assert
    assert len(rows) == 30 and rows.index.equals(pd.RangeIndex(30))
    assert discarded > 0
    assert drawn >= 30 + discarded  # every drawn row is either kept, discarded as a copy, or surplus
    assert rows.merge(training.drop_duplicates(), how="inner").empty


def test_same_seed_gives_the_same_rows_and_count(copier):
    generator, training = copier
    first = generators.sample_without_copies(generator, 30, seed=5, training=training)
    again = generators.sample_without_copies(generator, 30, seed=5, training=training)
    pd.testing.assert_frame_equal(first[0], again[0])
    assert first[1] == again[1]


def test_without_copies_the_first_draw_is_returned_unchanged(fitted_copula, mixed_frame):
    rows, discarded, drawn = generators.sample_without_copies(fitted_copula, 40, seed=3, training=mixed_frame)
    assert discarded == 0 and drawn == 40
    pd.testing.assert_frame_equal(rows, fitted_copula.sample(40, seed=3))


def test_giving_up_reports_counts_only(copier):
    # Setup: a transform that turns every row into a training row
    generator, training = copier

    def into_copies(frame):
        return frame.assign(colour="a", size="x")

    # Run / Assert
    with pytest.raises(generators.GeneratorError, match=r"only 0 of 10 rows .* in 3 rounds") as info:
        generators.sample_without_copies(generator, 10, seed=1, training=training, max_rounds=3, transform=into_copies)
    assert "'a'" not in str(info.value) and "'x'" not in str(info.value)


def test_transform_is_applied_before_the_comparison(copier):
    generator, training = copier
    rows, _, _ = generators.sample_without_copies(
        generator, 10, seed=1, training=training, transform=lambda frame: frame.assign(size="w")
    )
    assert (rows["size"] == "w").all()


def test_row_hashes_treat_nan_and_dtype_variants_as_equal():
    # Setup: the same three rows in two dtype spellings
    schema = generators.TableSchema.from_mapping(
        {"n": "numerical", "c": "categorical", "b": "boolean", "d": "datetime"}
    )
    left = pd.DataFrame({
        "n": [1.0, np.nan, 3.0],
        "c": pd.Series(["1", None, "z"], dtype=object),
        "b": pd.Series([True, None, False], dtype=object),
        "d": pd.to_datetime(["2020-01-01", None, "2021-05-05"]),
    })
    right = pd.DataFrame({
        "n": pd.array([1, None, 3], dtype="Int64"),
        "c": pd.Series([1, np.nan, "z"], dtype=object).astype("category"),
        "b": pd.array([True, None, False], dtype="boolean"),
        "d": pd.to_datetime(["2020-01-01", None, "2021-05-05"]).astype("datetime64[us]"),
    })

    # Run / Assert
    np.testing.assert_array_equal(row_hashes(left, schema), row_hashes(right, schema))
    assert len(set(row_hashes(left, schema))) == 3


def test_bad_counts_are_refused(copier):
    generator, training = copier
    with pytest.raises(generators.GeneratorError):
        generators.sample_without_copies(generator, 0, seed=1, training=training)
    with pytest.raises(generators.GeneratorError):
        generators.sample_without_copies(generator, 5, seed=1, training=training, max_rounds=0)
