"""Training on big tables: a seeded uniform sample above the row limit, and common rows the copy filter keeps."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthgate import generators

SCHEMA = generators.TableSchema.from_mapping({"branch": "categorical", "grade": "categorical"})


def _table(rows: int) -> pd.DataFrame:
    return pd.DataFrame({"n": np.arange(rows), "branch": np.where(np.arange(rows) % 3 == 0, "army", "navy")})


def test_a_table_above_the_limit_is_learned_from_a_uniform_sample_of_the_limit():
    # Setup
    table = _table(10_000)

    # Run
    learned = generators.training_sample(table, 1_000, seed=7)

    # Assert: the counts are recorded, the rows are distinct real rows in table order, spread over the table
    assert (learned.learned, learned.available, learned.sampled) == (1_000, 10_000, True)
    assert learned.to_dict() == {"learned_rows": 1_000, "available_rows": 10_000, "sampled": True}
    picked = learned.rows["n"].to_numpy()
    assert len(np.unique(picked)) == 1_000 and np.all(np.diff(picked) > 0)
    assert learned.rows.index.equals(pd.RangeIndex(1_000))
    assert 4_000 < picked.mean() < 6_000  # uniform, not the first rows
    assert learned.rows.equals(table.iloc[picked].reset_index(drop=True))


def test_a_table_at_or_below_the_limit_is_not_sampled():
    # Setup
    table = _table(500)

    # Run
    at_limit = generators.training_sample(table, 500, seed=7)
    no_limit = generators.training_sample(table, None, seed=7)

    # Assert: every row, untouched
    for learned in (at_limit, no_limit):
        assert learned.rows is table
        assert (learned.learned, learned.available, learned.sampled) == (500, 500, False)


def test_the_same_seed_gives_the_same_sample_and_another_seed_another():
    # Setup
    table = _table(5_000)

    # Run
    first, again = (generators.training_sample(table, 300, seed=2026) for _ in range(2))
    other = generators.training_sample(table, 300, seed=2027)

    # Assert
    pd.testing.assert_frame_equal(first.rows, again.rows)
    assert not first.rows["n"].equals(other.rows["n"])


@pytest.mark.parametrize("limit", [0, -5, 2.5, True])
def test_a_limit_that_is_not_a_positive_integer_is_refused(limit):
    with pytest.raises(generators.GeneratorError, match="positive integer"):
        generators.training_sample(_table(10), limit, seed=1)


@pytest.fixture(scope="module")
def common_and_rare():
    """90 rows of one combination and 2 of another: a generator draws both, mostly the common one."""
    training = pd.DataFrame({"branch": ["army"] * 90 + ["navy"] * 2, "grade": ["enlisted"] * 90 + ["officer"] * 2})
    generator = generators.GaussianCopulaGenerator(seed=0)
    generator.fit(training, SCHEMA)
    return generator, training


def test_the_copy_filter_keeps_copies_of_combinations_k_rows_share_when_asked(common_and_rare):
    # Setup
    generator, training = common_and_rare

    # Run
    rows, discarded, drawn = generators.sample_without_copies(generator, 50, seed=3, training=training, common=5)

    # Assert: the common combination (90 real rows) is published; the rare one (2 rows) never is
    assert len(rows) == 50
    assert (rows.astype(str).apply(tuple, axis=1) == ("army", "enlisted")).sum() > 0
    assert not ((rows["branch"].astype(str) == "navy") & (rows["grade"].astype(str) == "officer")).any()
    assert drawn == 50 + discarded or drawn > 50


def test_without_common_every_copy_is_discarded(common_and_rare):
    # Setup
    generator, training = common_and_rare

    # Run: the same draw, with and without the common-row rule
    default = generators.sample_without_copies(generator, 50, seed=3, training=training)
    common = generators.sample_without_copies(generator, 50, seed=3, training=training, common=5)

    # Assert: by default no published row equals a training row; the rule discards fewer rows
    assert default.rows.astype(str).merge(training.drop_duplicates(), how="inner").empty
    assert default.discarded > common.discarded


@pytest.mark.parametrize("common", [1, 0, True])
def test_common_below_two_is_refused(common_and_rare, common):
    generator, training = common_and_rare
    with pytest.raises(generators.GeneratorError, match="common"):
        generators.sample_without_copies(generator, 5, seed=3, training=training, common=common)
