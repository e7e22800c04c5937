"""RelationalGenerator keeps a sequence inside its observation window (generators/_rel_window.py)."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from synthgate.generators import RelationalGenerator

EXTRACT = pd.Timestamp("2025-06-30")  # no real event after the extract date
FROM = pd.Timestamp("2015-01-01")  # nor before the date the extract starts from
FAST = {"max_epochs": 15, "hidden": 16}


def _members(n: int = 400, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Members enlisted 1990-2025 (careers and recent conscripts); 0-6 visits each, spread over the time from
    max(enlisted, FROM) to EXTRACT: a censored extract, as the defense demo's; a follow-up time bounds a
    numbered sequence of checks (day since enlistment) per member."""
    rng = np.random.default_rng(seed)
    enlisted = EXTRACT - pd.to_timedelta(rng.integers(60, 35 * 365, n), unit="D")
    follow = rng.integers(100, 3000, n).astype(float)
    members = pd.DataFrame({"id": [f"m{i}" for i in range(n)], "enlisted": enlisted,
                            "rank": rng.choice(["private", "sergeant", "officer"], n), "follow": follow})
    visits, checks = [], []
    for i, (start, span) in enumerate(zip(members["enlisted"], follow)):
        first = max(start, FROM)
        room = (EXTRACT - first).days
        for day in np.sort(rng.integers(0, room + 1, min(rng.poisson(2.5), 6))):
            visits.append({"id": f"m{i}", "date": first + pd.Timedelta(days=int(day)),
                           "dept": rng.choice(["ortho", "derm", "ent"])})
        for day in np.sort(rng.uniform(0, span, rng.integers(0, 5))):
            checks.append({"id": f"m{i}", "day": round(float(day), 1), "score": rng.normal()})
    return {"members": members, "visits": pd.DataFrame(visits), "checks": pd.DataFrame(checks)}


KINDS = {"members": {"id": "id", "enlisted": "datetime", "rank": "categorical", "follow": "numerical"},
         "visits": {"id": "id", "date": "datetime", "dept": "categorical"},
         "checks": {"id": "id", "day": "numerical", "score": "numerical"}}
LINKS = [{"child": c, "column": "id", "parent": "members", "parent_column": "id"} for c in ("visits", "checks")]
SEQUENCES = {"visits": {"order_by": "date"}, "checks": {"order_by": "day"}}


@pytest.fixture(scope="module")
def real() -> dict[str, pd.DataFrame]:
    return _members()


@pytest.fixture(scope="module")
def fitted(real) -> RelationalGenerator:
    generator = RelationalGenerator()
    generator.fit(real, {"members": "id", "visits": None, "checks": None}, LINKS, SEQUENCES, KINDS, seed=2,
                  params=FAST)
    return generator


@pytest.fixture(scope="module")
def synthetic(fitted) -> dict[str, pd.DataFrame]:
    return fitted.sample(seed=5)


def test_drawn_dates_stay_inside_the_real_window(real, synthetic):
    # Setup: the real visits' range
    low, high = real["visits"]["date"].min(), real["visits"]["date"].max()

    # Run: the drawn visits (one sample of the fitted model)
    dates = pd.to_datetime(synthetic["visits"]["date"])

    # Assert: none after the extract date nor before the window's start
    assert len(dates) > 500 and dates.notna().all()
    assert dates.max() <= high and dates.min() >= low
    # Assert: each member's visits are in order
    assert (dates.groupby(synthetic["visits"]["id"]).diff().dropna() >= pd.Timedelta(0)).all()


def test_a_parent_column_bounding_every_sequence_ends_each_parents_window(fitted, synthetic):
    # Setup: the checks' window, learned from the rows
    window = fitted.plan["tables"]["checks"]["window"]

    # Run: each synthetic check beside its synthetic member's follow-up time
    follow = synthetic["members"].set_index("id")["follow"]
    checks = synthetic["checks"]
    bound = follow.reindex(checks["id"]).to_numpy()

    # Assert: follow bounds every member's checks, as it did in the real tables
    assert window["column"] == "follow"
    assert len(checks) > 300 and (checks["day"].to_numpy() <= bound + 1e-6).all()


def test_sequence_lengths_are_the_parent_models_and_the_counts_are_reported(real, fitted, synthetic):
    # Setup: real and synthetic visits per member
    real_mean = len(real["visits"]) / len(real["members"])
    synth_mean = len(synthetic["visits"]) / len(synthetic["members"])

    # Run: what the last sample did to keep the window
    report = fitted.last_sample["window"]

    # Assert: no event was dropped to keep the window (lengths are the parent model's), the redraws counted
    assert abs(synth_mean - real_mean) < 0.35 * real_mean
    assert report["visits"]["events"] == len(synthetic["visits"])
    assert report["checks"]["events"] == len(synthetic["checks"])
    assert 0 <= report["visits"]["moved"] <= report["visits"]["redrawn"] <= report["visits"]["events"]


def test_the_window_is_protected_and_survives_save_and_load(real, fitted, synthetic, tmp_path):
    # Setup: the real maximum (one member's date) and the value the 5th-latest member reaches
    window = fitted.plan["tables"]["visits"]["window"]
    per_member = real["visits"].groupby("id")["date"].max().sort_values()
    protected = (per_member.iloc[-5] - pd.Timestamp(0)) / pd.Timedelta(days=1)

    # Run: save, load, sample again
    fitted.save(tmp_path / "model")
    loaded = RelationalGenerator.load(tmp_path / "model")
    again = loaded.sample(seed=5)

    # Assert: the plan holds the protected end, never one member's extreme; the loaded model draws the same rows
    assert window["high"] == pytest.approx(protected)
    assert window["scale"]["gap"] in ("gap", "fraction") and "pace_correlation" in window
    stored = json.loads((tmp_path / "model" / "relational.json").read_text())
    assert stored["plan"]["tables"]["visits"]["window"] == window
    pd.testing.assert_frame_equal(again["visits"], synthetic["visits"])
