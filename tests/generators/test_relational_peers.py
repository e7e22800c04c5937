"""SDV's HMA and PAR as peers of RelationalGenerator: fit/sample/save/load, fresh keys, integrity, seeds, limits."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthgate.generators import GeneratorError
from synthgate.generators.errors import InvalidParamsError, ModelDirectoryError, UnknownGeneratorError
from synthgate.generators.relational_registry import (available_relational, check_relational, get_relational,
                                                      parse_relational_params, resolve_relational, table_model)
from synthgate.generators.sdv_hma import HMAGenerator
from synthgate.generators.sdv_par import PARGenerator

LINK = {"child": "visits", "column": "pid", "parent": "patients", "parent_column": "pid"}
KEYS = {"patients": "pid", "visits": "vid"}
KINDS = {"patients": {"pid": "id", "age": "numerical", "sex": "categorical", "smoker": "boolean"},
         "visits": {"vid": "id", "pid": "id", "day": "numerical", "ward": "categorical", "cost": "numerical"}}
SEQUENCES = {"visits": {"order_by": "day"}}


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    """60 patients (pseudonym-like keys, a nullable integer age, a boolean with nulls) with 0-4 visits each."""
    rng = np.random.default_rng(7)
    n = 60
    patients = pd.DataFrame({"pid": [f"ps_{i:08x}" for i in rng.permutation(10**6)[:n]],
                             "age": pd.array(rng.integers(20, 90, n), dtype="Int64"),
                             "sex": rng.choice(["F", "M"], n),
                             "smoker": pd.array(rng.choice([True, False, None], n), dtype="boolean")})
    counts = rng.integers(0, 5, n)
    rows = int(counts.sum())
    visits = pd.DataFrame({"vid": [f"ps_v{i:06x}" for i in range(rows)],
                           "pid": np.repeat(patients["pid"].to_numpy(), counts),
                           "day": np.concatenate([np.sort(rng.choice(365, c, replace=False)) for c in counts]
                                                 ).astype("int64"),
                           "ward": rng.choice(["a", "b", "c"], rows),
                           "cost": np.round(rng.gamma(2.0, 150.0, rows), 2)})
    return {"patients": patients, "visits": visits}


def _real_keys(tables: dict[str, pd.DataFrame]) -> set[str]:
    return set(tables["patients"]["pid"]) | set(tables["visits"]["vid"])


@pytest.fixture(scope="module")
def hma(tables) -> HMAGenerator:
    generator = HMAGenerator()
    generator.fit(tables, KEYS, [LINK], {}, KINDS, seed=1)
    return generator


@pytest.fixture(scope="module")
def par(tables) -> PARGenerator:
    generator = PARGenerator()
    generator.fit(tables, KEYS, [LINK], SEQUENCES, KINDS, seed=1, device="cpu", params={"epochs": 2})
    return generator


def _assert_integrity(tables, synthetic, n_parents: int) -> None:
    patients, visits = synthetic["patients"], synthetic["visits"]
    assert len(patients) == n_parents and len(visits) > 0
    assert visits["pid"].isin(patients["pid"]).all()  # every child names a sampled parent
    assert patients["pid"].is_unique and visits["vid"].is_unique
    assert patients["pid"].str.fullmatch(r"patients-\d{6}").all() and visits["vid"].str.fullmatch(r"visits-\d{6}").all()
    assert not (set(patients["pid"]) | set(visits["vid"]) | set(visits["pid"])) & _real_keys(tables)
    for name in ("patients", "visits"):  # the same columns, learned ones in the dtypes seen at fit
        assert list(synthetic[name].columns) == list(tables[name].columns)
    assert str(patients["age"].dtype) == "int64" and str(visits["day"].dtype) == "int64"
    assert set(patients["sex"].dropna()) <= {"F", "M"} and set(visits["ward"]) <= {"a", "b", "c"}


def test_hma_samples_fresh_keys_with_every_visit_on_a_sampled_patient(tables, hma):
    # Run
    synthetic = hma.sample(n_parents=40, seed=3)
    # Assert
    _assert_integrity(tables, synthetic, 40)
    assert hma.report["device"] == "cpu" and hma.report["tables"]["visits"]["rows"] == len(tables["visits"])


def test_hma_is_reproducible_for_a_seed_and_differs_across_seeds(hma):
    # Run
    first, again, other = hma.sample(n_parents=30, seed=5), hma.sample(n_parents=30, seed=5), hma.sample(
        n_parents=30, seed=6)
    # Assert
    for name in ("patients", "visits"):
        pd.testing.assert_frame_equal(first[name], again[name])
    assert not first["patients"][["age", "sex"]].equals(other["patients"][["age", "sex"]])


def test_hma_save_load_gives_the_same_sample_and_a_tampered_directory_is_refused(tables, hma, tmp_path):
    # Setup
    hma.save(tmp_path / "model")
    # Run
    loaded = HMAGenerator.load(tmp_path / "model")
    # Assert: the plan file holds names and kinds, no key; the same draw for the same seed; a changed pickle
    # stops the load before unpickling; an occupied directory is not overwritten
    written = (tmp_path / "model" / "peer.json").read_text() + (tmp_path / "model" / "manifest.json").read_text()
    assert '"sex"' in written and not [k for k in _real_keys(tables) if k in written]
    for name in ("patients", "visits"):
        pd.testing.assert_frame_equal(loaded.sample(n_parents=20, seed=2)[name], hma.sample(n_parents=20, seed=2)[name])
    (tmp_path / "model" / "model.pkl").write_bytes(b"tampered")
    with pytest.raises(ModelDirectoryError, match="model.pkl does not match"):
        HMAGenerator.load(tmp_path / "model")
    with pytest.raises(ModelDirectoryError, match="refusing to overwrite"):
        hma.save(tmp_path / "model")


def test_hma_ignores_orphans_as_ours_does_where_sdv_would_refuse_the_tables(tables):
    # Setup: one visit naming no patient (orphans: keep), one with no patient key
    visits = tables["visits"].copy()
    visits.loc[0, "pid"], visits.loc[1, "pid"] = "ps_not_a_patient", None
    generator = HMAGenerator()
    # Run
    report = generator.fit({**tables, "visits": visits}, KEYS, [LINK], {}, KINDS, seed=1)
    synthetic = generator.sample(n_parents=20, seed=1)
    # Assert: the orphan is left out and counted; every non-empty key names a sampled patient
    assert report["tables"]["visits"]["orphans_ignored"] == 1
    keyed = synthetic["visits"]["pid"].dropna()
    assert keyed.isin(synthetic["patients"]["pid"]).all() and "ps_not_a_patient" not in set(keyed)


def test_par_samples_one_sequence_per_patient_with_fresh_keys(tables, par):
    # Run
    synthetic = par.sample(n_parents=15, seed=3)
    # Assert: a parent per sequence, so every sampled patient has at least one visit
    _assert_integrity(tables, synthetic, 15)
    assert synthetic["patients"]["pid"].isin(synthetic["visits"]["pid"]).all()
    childless = int((~tables["patients"]["pid"].isin(tables["visits"]["pid"])).sum())
    assert par.report["tables"]["patients"]["childless_ignored"] == childless > 0


def test_par_is_reproducible_for_a_seed_and_survives_save_load(par, tmp_path):
    # Setup
    par.save(tmp_path / "model")
    # Run
    first, again = par.sample(n_parents=10, seed=4), par.sample(n_parents=10, seed=4)
    other = par.sample(n_parents=10, seed=9)
    loaded = PARGenerator.load(tmp_path / "model", device="cpu").sample(n_parents=10, seed=4)
    # Assert
    for name in ("patients", "visits"):
        pd.testing.assert_frame_equal(first[name], again[name])
        pd.testing.assert_frame_equal(first[name], loaded[name])
    assert not first["visits"][["ward", "cost"]].reset_index(drop=True).equals(
        other["visits"][["ward", "cost"]].reset_index(drop=True))


def test_registry_names_ours_and_the_peers_and_refuses_single_table_kinds():
    # Run / Assert
    assert available_relational() == ["relational", "sdv_hma", "sdv_par"]
    assert resolve_relational("autoregressive") == "relational" and get_relational("sdv_par") is PARGenerator
    assert [table_model(k) for k in available_relational()] == ["autoregressive", "gaussian_copula", "par"]
    with pytest.raises(UnknownGeneratorError, match=r"'ctgan' models one table; with tables: allowed: relational \(the "
                                                    r"relational generator, the default\), sdv_hma, sdv_par"):
        resolve_relational("ctgan")
    with pytest.raises(InvalidParamsError, match="epochs"):
        parse_relational_params("sdv_par", {"epochs": 0})
    with pytest.raises(InvalidParamsError, match="max_epochs"):
        parse_relational_params("sdv_hma", {"max_epochs": 3})
    assert parse_relational_params("relational", {"max_epochs": 3}).max_epochs == 3


def _chain(n: int) -> tuple[dict, list]:
    keys = {f"t{i}": "id" for i in range(n)}
    return keys, [{"child": f"t{i}", "column": "up", "parent": f"t{i - 1}", "parent_column": "id"} for i in range(1, n)]


STAR6 = ({f"t{i}": "id" for i in range(6)},
         [{"child": f"t{i}", "column": "up", "parent": "t0", "parent_column": "id"} for i in range(1, 6)])
SELF = ({"t0": "id"}, [{"child": "t0", "column": "boss", "parent": "t0", "parent_column": "id"}])


@pytest.mark.parametrize("kind, shape, sequences, dp, message", [
    ("sdv_hma", STAR6, {}, None, "at most 5 tables"),
    ("sdv_hma", _chain(3), {}, None, "t0 -> t1 -> t2 is 3 tables deep"),
    ("sdv_hma", SELF, {}, None, "references its own table"),
    ("sdv_hma", _chain(2), {}, {"epsilon": 1.0}, "does not train with differential privacy"),
    ("sdv_par", _chain(2), {}, None, "exactly one sequence table; this release has 0"),
    ("sdv_par", _chain(3), {"t1": {"order_by": "d"}}, None, "this release has 3 tables"),
    ("sdv_par", _chain(2), {"t1": {"order_by": "d"}}, {"epsilon": 1.0}, "differential privacy"),
])
def test_limits_are_refused_in_one_line_before_any_data(kind, shape, sequences, dp, message):
    # Setup
    keys, links = shape
    # Run / Assert
    with pytest.raises(GeneratorError, match=message) as caught:
        check_relational(kind, keys, links, sequences, dp=dp)
    assert "\n" not in str(caught.value)


def test_fit_refuses_a_second_sequence_child_for_par(tables):
    # Setup: a second child table under the same parent
    more = {**tables, "labs": tables["visits"].rename(columns={"vid": "lid"})}
    links = [LINK, {"child": "labs", "column": "pid", "parent": "patients", "parent_column": "pid"}]
    kinds = {**KINDS, "labs": {("lid" if c == "vid" else c): k for c, k in KINDS["visits"].items()}}
    # Run / Assert
    with pytest.raises(GeneratorError, match="sdv_par"):
        PARGenerator().fit(more, {**KEYS, "labs": "lid"}, links, {**SEQUENCES, "labs": {"order_by": "day"}}, kinds)
