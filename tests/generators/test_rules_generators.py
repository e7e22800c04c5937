"""Our generator and SDV's keep the data's rules: every rule in every row, saved and loaded, no rare value leaked."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from synthgate import generators
from synthgate.generators.rules import kept_shares

CANARY_NOISE, CANARY_RARE = "CANARY_NOISE_7Q", "CANARY_RARE_4K"
KINDS = {"a": "categorical", "grp": "categorical", "x": "numerical", "x_copy": "numerical", "start": "datetime",
         "end": "datetime", "low": "numerical", "high": "numerical", "kind": "categorical", "joint_inc": "numerical"}
SCHEMA = generators.TableSchema.from_mapping(KINDS)
RULES = [
    {"type": "equal", "columns": ["x", "x_copy"]},
    {"type": "determines", "by": ["a"], "column": "grp", "held": 0.998},
    {"type": "inequality", "low": "start", "high": "end"},
    {"type": "inequality", "low": "low", "high": "high"},
    {"type": "present_when", "column": "joint_inc", "other": "kind", "values": ["joint"]},
]
FAST = {"autoregressive": {"max_epochs": 3, "hidden": 16}, "gaussian_copula": {}}


def make_ruled_table(rows: int = 1500, seed: int = 0) -> pd.DataFrame:
    """Every rule holds but in 0.1% noise rows; nullable dates and integers; two rare canaries in 'grp'."""
    rng = np.random.default_rng(seed)
    a = rng.choice(list("pqrstu"), rows)
    kind = rng.choice(["single", "joint"], rows, p=[0.8, 0.2])
    start = pd.Series(pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 200, rows), unit="D"))
    low = rng.integers(0, 50, rows)
    frame = pd.DataFrame({
        "a": a, "grp": pd.Series(a).map(dict(zip("pqrstu", ["G1", "G1", "G2", "G2", "G3", "G4"]))),
        "x": np.where(rng.random(rows) < 0.1, np.nan, rng.normal(10, 3, rows).round(2)),
        "start": start.mask(rng.random(rows) < 0.05),
        "end": start + pd.to_timedelta(rng.integers(0, 20, rows), unit="D"),
        "low": pd.array(low, dtype="Int64"), "high": pd.array(low + rng.integers(0, 10, rows), dtype="Int64"),
        "kind": kind, "joint_inc": np.where(kind == "joint", rng.normal(80, 10, rows).round(1), np.nan),
    })
    frame["x_copy"] = frame["x"]
    frame.loc[frame.index[:2], "high"] = pd.NA
    noise = frame.index[-2:]  # about 0.1%: each rule broken once or twice in the real rows
    frame.loc[noise[0], ["x_copy", "grp", "joint_inc"]] = [1.5, CANARY_NOISE, np.nan]
    frame.loc[noise[1], ["end", "high"]] = [pd.Timestamp("2020-01-01"), -1]
    frame.loc[noise[1], "kind"] = "joint"
    frame.loc[frame.index[2:4], ["a", "grp"]] = ["v_rare", CANARY_RARE]  # a rare 'a' with its own rare 'grp'
    return frame[list(KINDS)]


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return make_ruled_table()


def _fit(kind: str, table: pd.DataFrame, rules=RULES) -> generators.Generator:
    generator = generators.get_generator(kind)(generators.parse_params(kind, FAST[kind]), seed=3, rules=rules)
    generator.fit(table, SCHEMA)
    return generator


@pytest.mark.parametrize("kind", ["autoregressive", "gaussian_copula"])
def test_generator_keeps_every_rule_and_leaks_no_rare_value(kind, table, tmp_path):
    # Setup
    real = kept_shares(RULES, table, SCHEMA)
    generator = _fit(kind, table)

    # Run
    rows = generator.sample(1500, seed=5)
    generator.save(tmp_path / "model")
    loaded = generators.Generator.load(tmp_path / "model")
    again = loaded.sample(1500, seed=5)

    # Assert: real rows break each rule now and then; synthetic rows keep all of them
    assert min(real.values()) < 1.0
    shares = kept_shares(RULES, rows, SCHEMA)
    assert shares == generator.rules_kept.kept
    assert [shares[k] for k in ("x_copy = x", "a -> grp", "joint_inc present when kind in 1 value")] == [1.0] * 3
    assert shares["start <= end"] >= 0.99 and shares["low <= high"] >= 0.99  # redraws are bounded
    assert abs((rows["kind"] == "joint").mean() - (table["kind"] == "joint").mean()) < 0.06
    assert list(rows.columns) == list(KINDS) and str(rows["high"].dtype) == "Int64"
    pd.testing.assert_frame_equal(rows, again)
    assert loaded.rules == generator.rules
    # No rare value of the determined column, in the sample or in any file of the model directory
    assert not rows.isin([CANARY_NOISE, CANARY_RARE]).any().any()
    for path in (tmp_path / "model").iterdir():
        data = path.read_bytes()
        assert CANARY_NOISE.encode() not in data and CANARY_RARE.encode() not in data, path.name
    config = json.loads((tmp_path / "model" / "config.json").read_text())
    manifest = json.loads((tmp_path / "model" / "manifest.json").read_text())
    assert config["rules"][1] == {"type": "determines", "columns": ["a", "grp"]}
    assert manifest["rules"][1]["mapped_share"] == pytest.approx(1498 / 1500)  # all but the rare 'a' rows
    assert [entry["kept_by"] for entry in manifest["rules"]] == [
        "construction", "construction", "redraw", "redraw", "construction and redraw"]
    assert '"joint"' not in json.dumps(config) + json.dumps(manifest)  # presence values stay in rules.pt


def test_rules_make_the_model_narrower_and_fixed_may_not_name_a_derived_column(table):
    # Setup
    generator = _fit("autoregressive", table)

    # Run
    conditioned = generator.sample(40, seed=1, fixed={"kind": "joint"})

    # Assert
    assert generator._kept.model_schema.names == ("a", "x", "start", "end", "low", "high", "kind", "joint_inc")
    assert generator.schema == SCHEMA
    assert conditioned["joint_inc"].notna().all() and (conditioned["kind"] == "joint").all()
    with pytest.raises(generators.SchemaError, match="fix the columns it comes from"):
        generator.sample(10, seed=1, fixed={"grp": "G1"})


def test_cycle_among_rules_is_one_schema_error_at_fit(table):
    # Setup
    rules = [{"type": "determines", "by": ["a"], "column": "grp"}, {"type": "equal", "columns": ["grp", "a"]}]
    generator = generators.get_generator("gaussian_copula")(seed=1, rules=rules)

    # Run
    with pytest.raises(generators.SchemaError) as caught:
        generator.fit(table, SCHEMA)

    # Assert
    assert "cycle" in str(caught.value) and "\n" not in str(caught.value)


def test_an_altered_rules_file_is_refused(table, tmp_path):
    # Setup
    _fit("gaussian_copula", table).save(tmp_path / "model")
    path = tmp_path / "model" / "rules.pt"
    path.write_bytes(path.read_bytes() + b"\0")

    # Run
    with pytest.raises(generators.ModelDirectoryError, match="rules.pt does not match"):
        generators.Generator.load(tmp_path / "model")


def test_without_rules_the_model_directory_is_unchanged(table, tmp_path):
    # Setup
    generator = _fit("gaussian_copula", table, rules=None)

    # Run
    generator.save(tmp_path / "model")

    # Assert
    assert sorted(p.name for p in (tmp_path / "model").iterdir()) == ["config.json", "manifest.json", "model.pkl"]
    assert "rules" not in json.loads((tmp_path / "model" / "config.json").read_text())
    assert generator.rules_kept is None


def test_determines_is_refused_under_dp_before_training(table):
    # Setup
    params = generators.parse_params("autoregressive", {"dp": {"epsilon": 1.0, "delta": 1e-5}})
    generator = generators.get_generator("autoregressive")(params, seed=1, rules=RULES)

    # Run
    with pytest.raises(generators.SchemaError) as caught:
        generator.fit(table, SCHEMA)

    # Assert
    assert caught.value.column == "grp" and "differential-privacy budget" in str(caught.value)
