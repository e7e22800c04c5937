"""Evaluation at scale: every quadratic search runs on a bounded seeded sample, and evaluation.json says its size."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from synthgate.evaluation import EvaluationConfig, evaluate
from synthgate.evaluation.distance import measure_distances

KINDS = {"age": "numerical", "bmi": "numerical", "sex": "categorical", "outcome": "categorical"}


def _population(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 90, size=n)
    return pd.DataFrame({
        "age": age, "bmi": np.round(rng.normal(25, 4, size=n), 3), "sex": rng.choice(["F", "M"], size=n),
        "outcome": np.where(age + rng.normal(0, 15, size=n) > 60, "ill", "well"),
    })


def test_distances_search_a_proportional_sample_of_the_real_tables_past_the_reference_cap():
    # Setup: 1,200 training and 400 holdout rows, a cap of 400 real rows
    train, holdout, synthetic = _population(1200, 1), _population(400, 2), _population(800, 3)

    # Run
    result = measure_distances(train, synthetic, holdout, KINDS, max_rows=80, seed=0, reference_rows=400)

    # Assert: both real tables cut by the same fraction (the DCR balance 3:1 unchanged), whole sizes recorded
    assert (result.train_rows, result.holdout_rows) == (300, 100)
    assert (result.train_rows_available, result.holdout_rows_available) == (1200, 400)
    assert result.dcr_expected_raw == pytest.approx(0.75)
    assert result.synthetic_rows_searched == 400  # the membership attack's search, capped too
    assert result.synthetic_rows == 80 and result.holdout_rows_queried == 80
    assert 0.3 < result.dcr_share < 0.7  # independent rows: no memorisation seen through the sample


def test_a_table_under_the_caps_is_measured_exactly_as_without_them():
    # Setup
    train, holdout, synthetic = _population(300, 1), _population(100, 2), _population(200, 3)

    # Run
    capped = measure_distances(train, synthetic, holdout, KINDS, max_rows=1000, seed=4, reference_rows=10_000)
    whole = measure_distances(train, synthetic, holdout, KINDS, max_rows=1000, seed=4)

    # Assert: same figures; the searched sizes are the whole tables
    assert {k: v for k, v in capped.to_dict().items() if k != "synthetic_rows_searched"} == \
        {k: v for k, v in whole.to_dict().items() if k != "synthetic_rows_searched"}
    assert (capped.train_rows, capped.holdout_rows, capped.synthetic_rows_searched) == (300, 100, 200)


@pytest.fixture(scope="module")
def capped_evaluation():
    """One evaluation with every cap set below the tables' sizes."""
    config = EvaluationConfig(target="outcome", max_rows=100, c2st_rows=200, fidelity_rows=300, attack_rows=150,
                              n_attacks=50, distance_reference_rows=1000)
    return evaluate(_population(1200, 1), _population(900, 3), _population(400, 2), config, kinds=KINDS)


def test_evaluation_json_gives_each_figure_its_sample_size(capped_evaluation):
    # Run
    samples = json.loads(json.dumps(capped_evaluation.to_dict()))["samples"]

    # Assert: the tables' sizes, then each step's rows within its cap
    assert samples["tables"] == {"training": 1200, "synthetic": 900, "holdout": 400}
    assert samples["fidelity"]["training"] == 300 and samples["fidelity"]["synthetic"] == 300
    assert samples["c2st"]["training"] == samples["c2st"]["synthetic"] == 100  # c2st_rows, half of each table
    distance = samples["distance"]
    assert distance["synthetic"] == 100 and distance["training"] + distance["holdout"] == 1000
    assert distance["training"] == 750 and distance["synthetic_searched"] == 900
    for attack in ("singling_out", "linkability", "inference"):
        assert samples[attack]["synthetic"] == 150 and samples[attack]["training"] <= 50
    assert samples["exact_matches"] == {"training": 1200, "synthetic": 900, "cap": None}  # hashing: whole tables
    assert samples["utility"]["training"] == 1200  # under the utility models' 50,000-row cap


def test_the_report_shows_the_sample_sizes(capped_evaluation):
    # Setup
    from synthgate.report._evaluation import samples

    # Run
    shown = samples(capped_evaluation.to_dict())

    # Assert: whole tables are marked, samples show their size
    rows = {label: (tr, sy, ho) for label, tr, sy, ho in shown["rows"]}
    assert rows["classifier two-sample test"] == ("100", "100", "—")
    assert rows["published copies"] == ("1,200 (all)", "900 (all)", "—")
    assert rows["inference attack"][1] == "150"
    assert ("training", "1,200") in shown["tables"]
