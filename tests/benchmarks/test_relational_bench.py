"""The relational benchmark's pieces: subject samples, skip lines, ratios against the best peer, the table."""
from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str):
    # By path: opacus installs a top-level package called `benchmarks` that shadows the folder.
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


rel_data = _load("_rel_data")
bench = _load("relational_vs_peers")


def _set() -> object:
    tables = {"p": pd.DataFrame({"id": [str(i) for i in range(10)], "x": range(10)}),
              "c": pd.DataFrame({"id": [str(i % 10) for i in range(30)], "t": range(30)})}
    return rel_data.RelationalSet("toy", tables, {"p": "id", "c": None},
                                  [{"child": "c", "column": "id", "parent": "p", "parent_column": "id"}],
                                  {"c": {"order_by": "t"}}, {"p": {"id": "id", "x": "numerical"},
                                                             "c": {"id": "id", "t": "numerical"}})


def test_a_subject_sample_keeps_every_child_of_the_subjects_drawn():
    # Run
    sample = rel_data.sample_subjects(_set(), 4, seed=1)

    # Assert
    assert len(sample.tables["p"]) == 4 and sample.subjects_sampled == 4
    assert set(sample.tables["c"]["id"]) == set(sample.tables["p"]["id"]) and len(sample.tables["c"]) == 12
    assert rel_data.sample_subjects(_set(), 50).subjects_sampled is None  # smaller than asked: whole


def test_ratios_divide_ours_by_the_best_peer_and_the_fastest_peer():
    # Setup
    runs = {"ours": {"train_s": 30.0, "evaluation": {"headline": {"c2st_agg.p": 0.4, "cardinality_ks.c": 0.9,
                                                                  "subject_dcr_share.p": 0.5}}},
            "hma": {"train_s": 60.0, "evaluation": {"headline": {"c2st_agg.p": 0.1, "cardinality_ks.c": 0.95}}},
            "par": {"train_s": 20.0, "evaluation": {"headline": {"c2st_agg.p": 0.2, "cardinality_ks.c": None}}},
            "tabular_argn": {"skipped": "no .venv-peers"}}

    # Run
    ratio = bench.ratios(runs)
    text = bench.render_table(runs)

    # Assert: privacy figures get no ratio (0.5 is their ideal, not the highest)
    assert ratio == pytest.approx({"c2st_agg.p": 2.0, "cardinality_ks.c": 0.9 / 0.95, "train_s": 1.5})
    assert "| c2st_agg.p | 0.400 | 0.100 | 0.200 | — | 2.000 |" in text
    assert "| train s | 30.000 | 60.000 | 20.000 | skipped | 1.500 |" in text


def test_a_missing_peer_venv_or_generator_is_one_skip_line(monkeypatch, tmp_path):
    # Setup
    args = argparse.Namespace(seed=0, device="cpu", threads=1, quick=True)
    monkeypatch.setattr(bench, "PEERS_PYTHON", tmp_path / "missing" / "python")
    monkeypatch.setattr(bench, "ours_available", lambda: "not yet")

    # Run / Assert
    assert bench.command("tabular_argn", tmp_path, tmp_path, args) == "no .venv-peers (run benchmarks/setup_peers.sh)"
    assert bench.command("ours", tmp_path, tmp_path, args) == "not yet"
    assert bench.command("par", tmp_path, tmp_path, args)[-2:] == ["--epochs", str(bench.QUICK_EPOCHS)]
