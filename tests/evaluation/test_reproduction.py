"""Real values in the synthetic table: rare values and reproduced records are caught, honest tables pass."""
from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from synthgate.evaluation import EmptyTableError, NotApplicable, TableMismatchError
from synthgate.evaluation._matching import newcombe
from synthgate.evaluation.reproduction import (
    identifying_column_sets, rare_value_share, rare_value_shares, rare_values_line, reproduced_records,
)

BOUND = 0.01  # the default bound on the lower end of the reproduced-record excess


# ---------------------------------------------------------------- tables of people (seeded, offline)

def _zipf(names, rng: np.random.Generator, n: int, s: float = 1.0) -> np.ndarray:
    """Draw n names with weights 1/rank^s, ranked by Faker's own frequency where it has one."""
    ranked = sorted(names, key=names.get, reverse=True) if isinstance(names, dict) else list(names)
    weights = 1 / np.arange(1, len(ranked) + 1) ** s
    return np.asarray(ranked, dtype=object)[rng.choice(len(ranked), size=n, p=weights / weights.sum())]


def _people_en(n: int, seed: int) -> pd.DataFrame:
    from faker.providers.person.en_US import Provider

    rng = np.random.default_rng(seed)
    sex = rng.choice(["F", "M"], size=n)
    first = np.where(sex == "F", _zipf(Provider.first_names_female, rng, n), _zipf(Provider.first_names_male, rng, n))
    return pd.DataFrame({
        "first": first, "last": _zipf(Provider.last_names, rng, n), "sex": sex,
        "race": rng.choice(["white", "black", "asian", "native", "other"], size=n, p=[.6, .13, .18, .06, .03]),
        "age": rng.integers(18, 90, size=n),
    })


def _people_ko(n: int, seed: int) -> pd.DataFrame:
    """Korean names under neutral headers: c00 surname, c01 given name, c02 sex, c03 birth year."""
    from faker.providers.person.ko_KR import Provider

    rng = np.random.default_rng(seed)
    sex = rng.choice(["여", "남"], size=n)
    given = np.where(sex == "여", _zipf(list(Provider.first_names_female), rng, n, 0.7),
                     _zipf(list(Provider.first_names_male), rng, n, 0.7))
    return pd.DataFrame({"c00": _zipf(list(Provider.last_names), rng, n), "c01": given, "c02": sex,
                         "c03": rng.integers(1950, 2005, size=n)})


def _split(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    cut = int(len(frame) * 0.8)
    return frame.iloc[:cut].reset_index(drop=True), frame.iloc[cut:].reset_index(drop=True)


def _leaky(train: pd.DataFrame, copied: list[str], seed: int) -> pd.DataFrame:
    """Whole tuples of `copied` columns from training rows; every other column drawn independently."""
    rng = np.random.default_rng(seed)
    out = train[copied].iloc[rng.integers(0, len(train), len(train))].reset_index(drop=True)
    for column in train.columns.difference(copied):
        out[column] = rng.choice(train[column].to_numpy(), size=len(train))
    return out[list(train.columns)]


def _honest(train: pd.DataFrame, names: list[str], k: int, seed: int) -> pd.DataFrame:
    """Each column drawn independently from its training marginal; name columns only from values >= k rows hold."""
    rng = np.random.default_rng(seed)
    out = {}
    for column in train.columns:
        counts = train[column].value_counts()
        if column in names:
            counts = counts[counts >= k]
        out[column] = rng.choice(counts.index.to_numpy(), size=len(train), p=(counts / counts.sum()).to_numpy())
    return pd.DataFrame(out)


def _strings(obj) -> set[str]:
    if isinstance(obj, dict):
        return {str(k) for k in obj} | set().union(*(_strings(v) for v in obj.values()))
    if isinstance(obj, (list, tuple)):
        return set().union(set(), *(_strings(v) for v in obj))
    return {obj} if isinstance(obj, str) else set()


EN_KINDS = {"first": "categorical", "last": "categorical", "sex": "categorical", "race": "categorical",
            "age": "numerical"}
KO_KINDS = {"c00": "categorical", "c01": "categorical", "c02": "categorical", "c03": "numerical"}


# ---------------------------------------------------------------- rare values by hand

def test_rare_values_by_hand_count_values_held_by_fewer_than_k_rows():
    # Setup: Anna in 3 training rows (not rare at k=3), Bob and Cy in 1 each; nulls never count
    train = pd.DataFrame({"name": ["Anna", "Anna", "Anna", "Bob", "Cy", None]})
    synthetic = pd.DataFrame({"name": ["Anna", "Bob", " bob ", "Dan", None, "CY"]})
    holdout = pd.DataFrame({"name": ["Bob", "Eve", "Anna", None, "Anna", "Anna"]})

    # Run
    at3 = rare_value_shares(train, synthetic, ["name"], k=3, holdout=holdout)["name"]
    at4 = rare_value_shares(train, synthetic, ["name"], k=4)["name"]

    # Assert: Bob, " bob " and CY are rare (case and spaces folded); Dan is unseen, None is null
    assert (at3.synthetic_rare, at3.synthetic_cells, at3.synthetic_share) == (3, 6, 0.5)
    assert (at3.distinct_carried, at3.rare_in_training) == (2, 2)
    assert (at3.holdout_rare, at3.holdout_share) == (1, pytest.approx(1 / 6))
    assert not at3.passed
    # at k=4, Anna's 3 rows make it rare too
    assert (at4.synthetic_rare, at4.distinct_carried, at4.holdout_share) == (4, 3, None)


def test_rare_values_pass_when_every_synthetic_value_is_common_or_null():
    # Setup: nulls in 1 training row and many synthetic rows; "x" in 5 rows
    train = pd.DataFrame({"c": ["x"] * 5 + [None]})
    synthetic = pd.DataFrame({"c": ["x", None, None, "  ", "x", "new"]})

    # Run
    results = rare_value_shares(train, synthetic, ["c"], k=5)

    # Assert
    assert results["c"].synthetic_rare == 0 and results["c"].passed
    assert rare_value_share(results) == 0.0 and rare_values_line(results) is None


def test_rare_values_compare_numbers_and_their_text_as_one_value():
    # Setup: 3.0 in training (a float column), "3" and 3 in the synthetic table (object)
    train = pd.DataFrame({"c": [3.0, 7.0, 7.0, 7.0, 7.0, 7.0]})
    synthetic = pd.DataFrame({"c": pd.Series(["3", 3, 7, "7.5", None, "7"], dtype=object)})

    # Run
    result = rare_value_shares(train, synthetic, ["c"], k=5)["c"]

    # Assert
    assert result.synthetic_rare == 2


def test_dtypes_compare_by_value_and_an_all_null_column_counts_nothing():
    # Setup: one name as category in training, pandas string in the synthetic table; a column of nulls
    train = pd.DataFrame({"c": pd.Categorical(["Zoe"] + ["Max"] * 5), "n": [None] * 6})
    synthetic = pd.DataFrame({"c": pd.Series(["zoe", "Max", None], dtype="string"), "n": [np.nan] * 3})

    # Run
    rare = rare_value_shares(train, synthetic, ["c", "n"], k=5, holdout=synthetic)
    reproduced = reproduced_records(train, synthetic, synthetic, [("n",), ("c", "n")], k=1)

    # Assert
    assert (rare["c"].synthetic_rare, rare["n"].synthetic_rare, rare["n"].rare_in_training) == (1, 0, 0)
    assert [s.synthetic_reproduced for s in reproduced.sets] == [0, 1]


# ---------------------------------------------------------------- reproduced records by hand

TRAIN = pd.DataFrame({"first": ["Ann", "Ann", "Bob", "Cy", None, "Dan"],
                      "last": ["Lee", "Lee", "Kim", "Park", None, None]})
SYNTHETIC = pd.DataFrame({"first": ["Bob", "Ann", None, "Dan", "cy", "Bob"],
                          "last": ["Kim", "Lee", None, None, "PARK", "Park"]})
HOLDOUT = pd.DataFrame({"first": ["Cy", "Ann", "Eve", "Bob"], "last": ["Park", "Lee", "Kim", "Kim"]})


def test_reproduced_records_by_hand_count_combinations_held_by_one_training_row():
    # Run: k=1, so every value seen in training is common
    result = reproduced_records(TRAIN, SYNTHETIC, HOLDOUT, [("first", "last")], k=1)
    only = result.sets[0]

    # Assert: (Bob, Kim), (Dan, null) and (cy, PARK) repeat one training row; (Ann, Lee) is held by
    # two; (null, null) reproduces nobody; (Bob, Park) is held by none. Holdout: Eve is unseen in
    # training, so that row is not compared; Cy Park and Bob Kim repeat one row of the other 3.
    assert (only.synthetic_reproduced, only.synthetic_rows, only.synthetic_share) == (3, 6, 0.5)
    assert (only.holdout_reproduced, only.holdout_rows) == (2, 3)
    assert only.excess == pytest.approx(0.5 - 2 / 3)
    assert only.unique_in_training == 3
    assert only.excess_ci[0] < only.excess < only.excess_ci[1]
    assert result.training_rows == 6


def test_reproduced_records_compare_only_rows_of_common_values():
    # Run: at k=2 only Ann and Lee (2 rows each) are common
    only = reproduced_records(TRAIN, SYNTHETIC, HOLDOUT, [("first", "last")], k=2).sets[0]

    # Assert: the synthetic rows (Ann, Lee) and (null, null) are compared, neither repeats one row
    assert (only.synthetic_reproduced, only.synthetic_rows) == (0, 2)
    assert (only.holdout_reproduced, only.holdout_rows) == (0, 1)


def test_reproduced_records_numbers_compare_across_int_and_float():
    # Setup: age 30 held by one training row, as int there and float in the synthetic table
    train = pd.DataFrame({"age": [30, 40, 40, 50, 50, 60]})
    synthetic = pd.DataFrame({"age": [30.0, 40.0, 41.0, np.nan]})

    # Run
    only = reproduced_records(train, synthetic, train.iloc[:2], [("age",)], k=5).sets[0]

    # Assert: numbers are not restricted to common values; 30 and 60 are held once, 30.0 repeats one
    assert (only.synthetic_reproduced, only.synthetic_rows, only.unique_in_training) == (1, 4, 2)


def test_integer_categories_are_restricted_to_common_values_when_named():
    # Setup: ZIP codes stored as integers; 10001 held by 4 rows, 10002 by 1
    train = pd.DataFrame({"zip": [10001] * 4 + [10002]})
    synthetic = pd.DataFrame({"zip": [10002, 10001]})

    # Run
    as_numbers = reproduced_records(train, synthetic, synthetic, [("zip",)], k=2).sets[0]
    as_categories = reproduced_records(train, synthetic, synthetic, [("zip",)], k=2, categorical=["zip"]).sets[0]

    # Assert: as a category, 10002 is rare (the rare-value check's), so only 10001's row is compared
    assert (as_numbers.synthetic_reproduced, as_numbers.synthetic_rows) == (1, 2)
    assert (as_categories.synthetic_reproduced, as_categories.synthetic_rows) == (0, 1)


def test_reproduced_records_sample_big_tables_reproducibly_but_count_every_training_row(people):
    # Setup
    train, holdout = people
    synthetic = _leaky(train, ["first", "last"], seed=3)

    # Run
    first = reproduced_records(train, synthetic, holdout, [("first", "last")], k=1, max_rows=500, seed=7)
    again = reproduced_records(train, synthetic, holdout, [("first", "last")], k=1, max_rows=500, seed=7)
    other = reproduced_records(train, synthetic, holdout, [("first", "last")], k=1, max_rows=500, seed=8)

    # Assert: k=1 compares every row seen in training; 500 drawn from each of synthetic and holdout
    assert first == again and first != other
    assert first.training_rows == len(train) and first.sets[0].holdout_rows <= 500
    assert first.sets[0].synthetic_rows <= 500 < len(synthetic)


def test_newcombe_interval_matches_the_published_example():
    # Setup / Run: Newcombe (1998), Statistics in Medicine 17:873, example (a): 56/70 - 48/80
    low, high = newcombe(56 / 70, 70, 48 / 80, 80)

    # Assert: method 10 gives 0.0524 to 0.3339
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)


def test_reproduced_records_refuse_what_cannot_be_compared():
    # Run / Assert: no set, an empty synthetic table, a missing column (named, never a value)
    with pytest.raises(NotApplicable):
        reproduced_records(TRAIN, SYNTHETIC, HOLDOUT, [])
    with pytest.raises(EmptyTableError):
        reproduced_records(TRAIN, SYNTHETIC.iloc[:0], HOLDOUT, [("first",)])
    with pytest.raises(TableMismatchError, match="holdout table lacks columns to compare: middle") as caught:
        reproduced_records(TRAIN.assign(middle="Q"), SYNTHETIC.assign(middle="Q"), HOLDOUT, [("first", "middle")])
    assert "Q" not in str(caught.value)


# ---------------------------------------------------------------- which columns identify a person

def test_identifying_sets_pick_high_cardinality_strings_beside_the_quasi_identifiers():
    # Setup: 200 rows; 40 first names (20%), 19 codes (below the floor of 20), 2 sexes; age is a number
    rng = np.random.default_rng(0)
    train = pd.DataFrame({"first": rng.choice([f"n{i}" for i in range(40)], 200),
                          "code": rng.choice([f"c{i}" for i in range(19)], 200),
                          "sex": rng.choice(["F", "M"], 200), "age": rng.integers(0, 90, 200)})
    kinds = {"first": "categorical", "code": "categorical", "sex": "categorical", "age": "numerical"}

    # Run
    sets = identifying_column_sets(kinds, train, ["sex", "age", "not_learned"])
    names_only = identifying_column_sets({"first": "text", "sex": "categorical"}, train)

    # Assert
    assert sets == [("sex", "age", "first"), ("first",)]
    assert names_only == [("first",)]  # the two sets coincide: one left
    assert identifying_column_sets({"sex": "categorical"}, train) == []


def test_identifying_sets_add_every_pair_from_three_high_cardinality_columns():
    # Setup: first, last and zip each with hundreds of values in 1,000 rows
    train = _people_en(1_000, 0).assign(zip=[f"{i % 400:05d}" for i in range(1_000)])
    kinds = {**EN_KINDS, "zip": "categorical"}

    # Run
    sets = identifying_column_sets(kinds, train, ["sex"])

    # Assert
    assert sets == [("sex", "first", "last", "zip"), ("first", "last", "zip"), ("first", "last"),
                    ("first", "zip"), ("last", "zip")]


def test_the_distinct_share_threshold_separates_names_from_ordinary_categories():
    # Setup: 4,000 Faker people and a 50-level category (US states in 10,000 loans: 0.5%)
    train, _ = _split(_people_en(5_000, 0))
    train["state"] = np.random.default_rng(1).choice([f"s{i}" for i in range(30)], len(train))

    # Run
    sets = identifying_column_sets({**EN_KINDS, "state": "categorical"}, train)

    # Assert: 30 states in 4,000 rows (0.75%) stay out; first and last names are in
    assert sets == [("first", "last")]
    assert train["first"].nunique() / len(train) > 0.05 and train["last"].nunique() / len(train) > 0.05


# ---------------------------------------------------------------- the reported case: a table of people

@pytest.fixture(scope="module")
def people():
    return _split(_people_en(5_000, 0))


def test_a_release_copying_first_and_last_names_is_caught(people):
    # Setup: whole (first, last, sex, race) tuples of training rows, an independent age
    train, holdout = people
    synthetic = _leaky(train, ["first", "last", "sex", "race"], seed=1)
    sets = identifying_column_sets(EN_KINDS, train, ["sex", "race", "age"])

    # Run
    result = reproduced_records(train, synthetic, holdout, sets)
    rare = rare_value_shares(train, synthetic, ["first", "last", "sex", "race"], holdout=holdout)

    # Assert
    assert sets == [("sex", "race", "age", "first", "last"), ("first", "last")]
    assert result.worst.columns == ("first", "last")
    assert result.excess_ci[0] > BOUND and result.excess > 0.2
    assert "on (first, last)" in result.line() and "protect these columns" in result.line()
    assert rare_value_share(rare) > 0.1 and "'last'" in rare_values_line(rare)


def test_an_honest_release_of_people_passes(people):
    # Setup: first and last names drawn independently, only from values at least 5 training rows hold
    train, holdout = people
    synthetic = _honest(train, ["first", "last"], k=5, seed=2)
    sets = identifying_column_sets(EN_KINDS, train, ["sex", "race", "age"])

    # Run
    result = reproduced_records(train, synthetic, holdout, sets)
    rare = rare_value_shares(train, synthetic, ["first", "last", "sex", "race"], holdout=holdout)

    # Assert: no rare value; every set's excess interval holds 0 or lies below it, under the bound
    assert rare_value_share(rare) == 0.0 and rare_values_line(rare) is None
    assert rare["last"].holdout_share > 0.1  # context: unseen real people often have a rare surname
    assert result.excess_ci[0] < BOUND
    assert all(s.excess_ci[0] <= 0.0 for s in result.sets)
    assert abs(result.excess) < 0.03


def test_results_hold_names_and_counts_never_a_value(people):
    # Setup
    train, holdout = people
    synthetic = _leaky(train, ["first", "last", "sex", "race"], seed=1)
    values = set(pd.concat([train[c] for c in ("first", "last", "sex", "race")]).astype(str))

    # Run
    rare = rare_value_shares(train, synthetic, ["first", "last", "sex", "race"], holdout=holdout)
    result = reproduced_records(train, synthetic, holdout, identifying_column_sets(EN_KINDS, train, ["sex"]))
    document = json.loads(json.dumps({"rare": {c: r.to_dict() for c, r in rare.items()}, "reproduced":
                                      result.to_dict()}))
    words = set(re.findall(r"\w+", result.line() + rare_values_line(rare)))

    # Assert
    assert _strings(document) & values == set()
    assert words & values == set()
    assert {"first", "last"} <= set(document["reproduced"]["worst_columns"])  # names, as the line shows them


def test_korean_names_under_neutral_headers_are_caught_and_honest_ones_pass():
    # Setup: ko_KR surnames (44) and given names (121); headers say nothing
    train, holdout = _split(_people_ko(5_000, 0))
    sets = identifying_column_sets(KO_KINDS, train)
    leaky, honest = _leaky(train, ["c00", "c01", "c02"], seed=1), _honest(train, ["c00", "c01"], k=5, seed=2)

    # Run
    caught = reproduced_records(train, leaky, holdout, sets)
    passed = reproduced_records(train, honest, holdout, sets)

    # Assert
    assert sets == [("c00", "c01")]
    assert caught.excess_ci[0] > BOUND and "on (c00, c01)" in caught.line()
    assert passed.excess_ci[0] < BOUND
    assert rare_value_share(rare_value_shares(train, honest, ["c00", "c01", "c02"])) == 0.0
