"""Tests for evaluation._neighbours: anonymeter's Gower-style distance and the nearest-row search."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthgate.evaluation._neighbours import MixedSpace, nearest, nearest_tied, nearest_without, pairwise

KINDS = {"age": "numerical", "sex": "categorical", "smoker": "boolean"}


def _four_rows() -> pd.DataFrame:
    return pd.DataFrame({
        "age": [20.0, 30.0, 40.0, 60.0],
        "sex": ["F", "M", "F", None],
        "smoker": ["True", "False", "False", "True"],
    })


def test_four_rows_by_hand():
    # Setup: age range 40, so 20 vs 30 is 0.25
    frame = _four_rows()
    space = MixedSpace.fit([frame], KINDS)
    enc = space.transform(frame)

    # Run
    dist = pairwise(enc, enc)

    # Assert: row 0 vs 1: 0.25 + 1 + 1; row 0 vs 2: 0.5 + 0 + 1; row 3 (sex null) vs 0: 1 + 1 + 0
    assert dist[0, 1] == pytest.approx(2.25, abs=1e-6)
    assert dist[0, 2] == pytest.approx(1.5, abs=1e-6)
    assert dist[3, 0] == pytest.approx(2.0, abs=1e-6)
    assert np.diag(dist).tolist() == [0.0, 0.0, 0.0, 0.0]
    np.testing.assert_allclose(dist, dist.T, atol=1e-6)


def test_nearest_returns_ascending_distances_and_indices():
    # Setup
    frame = _four_rows()
    space = MixedSpace.fit([frame], KINDS)
    query = space.transform(frame.iloc[[0]])

    # Run
    dists, index = nearest(query, space.transform(frame), k=3)

    # Assert: itself (0), row 2 (1.5), row 3 (2.0)
    assert index.tolist() == [[0, 2, 3]]
    np.testing.assert_allclose(dists, [[0.0, 1.5, 2.0]], atol=1e-6)
    assert dists.dtype == np.float64 and index.dtype == np.int64


def test_range_spans_every_fitted_frame():
    # Setup: the second frame widens age to 0..100
    first = _four_rows()
    second = first.assign(age=[0.0, 100.0, 50.0, 50.0])
    space = MixedSpace.fit([first, second], KINDS)

    # Run
    dist = pairwise(space.transform(first.iloc[[0]]), space.transform(first.iloc[[1]]))

    # Assert: 10 / 100 + 1 + 1
    assert dist[0, 0] == pytest.approx(2.1, abs=1e-6)


def test_nulls_null_against_null_is_zero_and_against_a_value_is_one():
    # Setup
    left = pd.DataFrame({"x": [np.nan, np.nan, 0.0], "c": [None, None, "a"]})
    right = pd.DataFrame({"x": [np.nan, 10.0, 10.0], "c": [None, "a", None]})
    kinds = {"x": "numerical", "c": "categorical"}
    space = MixedSpace.fit([left, right], kinds)

    # Run
    dist = pairwise(space.transform(left), space.transform(right))

    # Assert
    assert dist[0, 0] == pytest.approx(0.0, abs=1e-6)   # both null in both columns
    assert dist[0, 1] == pytest.approx(2.0, abs=1e-6)   # null vs value, twice
    assert dist[2, 1] == pytest.approx(1.0, abs=1e-6)   # 0 vs 10 is the whole range; same category
    assert dist[2, 0] == pytest.approx(2.0, abs=1e-6)


def test_datetimes_are_scaled_by_their_range():
    # Setup
    frame = pd.DataFrame({"when": pd.to_datetime(["2020-01-01", "2020-01-11", "2020-01-21", None])})
    space = MixedSpace.fit([frame], {"when": "datetime"})
    enc = space.transform(frame)

    # Run
    dist = pairwise(enc, enc)

    # Assert
    assert dist[0, 1] == pytest.approx(0.5, abs=1e-6)
    assert dist[0, 3] == pytest.approx(1.0, abs=1e-6)
    assert dist[3, 3] == pytest.approx(0.0, abs=1e-6)


def test_unseen_category_differs_from_everything_and_numbers_are_clipped():
    # Setup
    fitted = pd.DataFrame({"x": [0.0, 10.0], "c": ["a", "b"]})
    other = pd.DataFrame({"x": [30.0], "c": ["z"]})
    space = MixedSpace.fit([fitted], {"x": "numerical", "c": "categorical"})

    # Run
    dist = pairwise(space.transform(other), space.transform(pd.concat([fitted, other], ignore_index=True)))

    # Assert: 30 clips to 10; "z" matches nothing, not even itself
    np.testing.assert_allclose(dist, [[2.0, 1.0, 1.0]], atol=1e-6)


def test_constant_column_and_all_null_column_do_not_crash():
    # Setup
    frame = pd.DataFrame({"k": [5.0, 5.0, 5.0], "n": [np.nan] * 3, "c": [None, None, None]})
    space = MixedSpace.fit([frame], {"k": "numerical", "n": "numerical", "c": "categorical"})

    # Run
    dists, _ = nearest(space.transform(frame), space.transform(frame), k=2)

    # Assert
    np.testing.assert_allclose(dists, np.zeros((3, 2)), atol=1e-6)


def test_k_is_capped_at_candidates_and_bad_inputs_raise():
    # Setup
    frame = _four_rows()
    space = MixedSpace.fit([frame], KINDS)
    enc = space.transform(frame)

    # Run
    dists, index = nearest(enc, enc, k=10)

    # Assert
    assert dists.shape == index.shape == (4, 4)
    with pytest.raises(ValueError):
        nearest(enc, enc, k=0)
    with pytest.raises(ValueError):
        nearest(enc, space.transform(frame.iloc[:0]))
    with pytest.raises(ValueError, match="unknown column kind"):
        MixedSpace.fit([frame], {"age": "text"})


def _random_frame(rng: np.random.Generator, n: int) -> pd.DataFrame:
    frame = pd.DataFrame({
        "a": rng.normal(size=n),
        "b": rng.integers(0, 5, n).astype(float),
        "low": rng.choice(["x", "y", "z"], n).astype(object),
        "high": rng.choice([f"v{i}" for i in range(150)], n).astype(object),  # past the one-hot cap
        "t": pd.to_datetime("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D"),
    })
    frame.loc[rng.random(n) < 0.2, "a"] = np.nan
    frame.loc[rng.random(n) < 0.1, "low"] = None
    frame.loc[rng.random(n) < 0.1, "high"] = None
    frame.loc[rng.random(n) < 0.1, "t"] = pd.NaT
    return frame


def _brute_force(left: pd.DataFrame, right: pd.DataFrame, kinds: dict[str, str]) -> np.ndarray:
    total = np.zeros((len(left), len(right)))
    for col, kind in kinds.items():
        if kind in ("numerical", "datetime"):
            a = pd.to_numeric(left[col].astype("int64") if kind == "datetime" else left[col]).to_numpy(float)
            b = pd.to_numeric(right[col].astype("int64") if kind == "datetime" else right[col]).to_numpy(float)
            if kind == "datetime":
                a[left[col].isna().to_numpy()] = np.nan
                b[right[col].isna().to_numpy()] = np.nan
            span = np.nanmax(np.r_[a, b]) - np.nanmin(np.r_[a, b])
            null_a, null_b = np.isnan(a)[:, None], np.isnan(b)[None, :]
            part = np.where(null_a & null_b, 0.0, np.where(null_a | null_b, 1.0, np.abs(a[:, None] - b[None, :]) / span))
        else:
            part = np.array([[0.0 if x == y else 1.0 for y in right[col]] for x in left[col]])
        total += part
    return total


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_brute_force_on_random_mixed_frames(seed):
    # Setup
    rng = np.random.default_rng(seed)
    left, right = _random_frame(rng, 60), _random_frame(rng, 90)
    kinds = {"a": "numerical", "b": "numerical", "low": "categorical", "high": "categorical", "t": "datetime"}
    space = MixedSpace.fit([left, right], kinds)
    expected = _brute_force(left, right, kinds)

    # Run
    dist = pairwise(space.transform(left), space.transform(right))
    dists, index = nearest(space.transform(left), space.transform(right), k=3)

    # Assert
    np.testing.assert_allclose(dist, expected, atol=1e-5)
    np.testing.assert_allclose(dists, np.sort(expected, axis=1)[:, :3], atol=1e-5)
    np.testing.assert_allclose(expected[np.arange(len(left))[:, None], index], dists, atol=1e-5)


def test_query_chunks_give_the_same_answer(monkeypatch):
    # Setup: force one query row per block
    import synthgate.evaluation._neighbours as module

    rng = np.random.default_rng(3)
    left, right = _random_frame(rng, 20), _random_frame(rng, 30)
    kinds = {"a": "numerical", "low": "categorical", "high": "categorical"}
    space = MixedSpace.fit([left, right], kinds)
    whole = nearest(space.transform(left), space.transform(right), k=2)[0]
    monkeypatch.setattr(module, "_BLOCK_ELEMENTS", 1)

    # Run
    chunked = nearest(space.transform(left), space.transform(right), k=2)[0]

    # Assert
    np.testing.assert_allclose(chunked, whole, atol=1e-6)


def test_select_and_take_keep_the_distances_of_the_chosen_columns_and_rows():
    # Setup
    rng = np.random.default_rng(4)
    left, right = _random_frame(rng, 25), _random_frame(rng, 40)
    kinds = {"a": "numerical", "b": "numerical", "low": "categorical", "high": "categorical", "t": "datetime"}
    sub = {"a": "numerical", "high": "categorical"}
    space = MixedSpace.fit([left, right], kinds)
    alone = MixedSpace.fit([left, right], sub)
    order = rng.permutation(len(right))

    # Run
    selected = pairwise(space.transform(left).select(list(sub)), space.transform(right).select(list(sub)).take(order))

    # Assert
    expected = pairwise(alone.transform(left), alone.transform(right))[:, order]
    np.testing.assert_allclose(selected, expected, atol=1e-5)


def test_nearest_without_leaves_out_each_column_in_turn():
    # Setup
    rng = np.random.default_rng(5)
    left, right = _random_frame(rng, 30), _random_frame(rng, 50)
    kinds = {"a": "numerical", "b": "numerical", "low": "categorical", "high": "categorical", "t": "datetime"}
    space = MixedSpace.fit([left, right], kinds)
    q, c = space.transform(left), space.transform(right)

    # Run
    result = nearest_without(q, c, list(kinds))

    # Assert: the distance to the reported row is the minimum over the other columns
    for col in kinds:
        others = {k: v for k, v in kinds.items() if k != col}
        expected = _brute_force(left, right, others)
        dists, index = result[col]
        np.testing.assert_allclose(dists, expected.min(axis=1), atol=1e-5)
        np.testing.assert_allclose(expected[np.arange(len(left)), index], dists, atol=1e-5)


def test_nearest_tied_counts_every_candidate_at_the_nearest_distance():
    # Setup: query "a"/1.0; candidates: two exact twins, one at 0.5, one in another category
    frame = pd.DataFrame({"x": [1.0, 1.0, 1.0, 0.0, 1.0], "c": ["a", "a", "a", "a", "b"]})
    kinds = {"x": "numerical", "c": "categorical"}
    space = MixedSpace.fit([frame], kinds)
    query, candidates = space.transform(frame.iloc[[0, 3]]), space.transform(frame.iloc[1:])

    # Run
    dists, ties = nearest_tied(query, candidates, k=2)

    # Assert: row 0 ties with the two twins at 0; row 3 (x = 0) sits 1.0 from the three "a" rows at 1.0
    np.testing.assert_allclose(dists, [[0.0, 0.0], [0.0, 1.0]], atol=1e-6)
    assert ties.tolist() == [2, 1]


@pytest.mark.parametrize("seed", [0, 1])
def test_nearest_tied_matches_brute_force(seed):
    # Setup: small integer-valued columns make many exact ties
    rng = np.random.default_rng(seed)
    left, right = _random_frame(rng, 50), _random_frame(rng, 200)
    kinds = {"b": "numerical", "low": "categorical"}
    space = MixedSpace.fit([left, right], kinds)
    expected = _brute_force(left, right, kinds)

    # Run
    dists, ties = nearest_tied(space.transform(left), space.transform(right), k=2)

    # Assert
    np.testing.assert_allclose(dists, np.sort(expected, axis=1)[:, :2], atol=1e-5)
    assert ties.tolist() == (expected <= expected.min(axis=1, keepdims=True) + 1e-6).sum(axis=1).tolist()
