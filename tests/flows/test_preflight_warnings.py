"""check warns (one line each, no value) about hidden files a glob skipped and kept columns empty in every row."""
from __future__ import annotations

import shutil

import pandas as pd

from synthgate.flows.preflight import preflight
from synthgate.flows.spec import load_spec


def test_check_warns_about_skipped_hidden_files_and_an_empty_kept_column(small_release, key_env):
    # Setup: the source read through a glob beside a hidden copy, and 'score' (kept) empty in every row
    path = small_release(**{"source.path": "data/*.csv"})
    data = path.parent / "data" / "patients.csv"
    frame = pd.read_csv(data, dtype=str)
    frame["score"] = ""
    frame.to_csv(data, index=False)
    shutil.copy(data, data.parent / ".patients.csv.swp.csv")

    # Run
    report = preflight(load_spec(path))

    # Assert: two warnings, naming the spec key and the column, quoting no cell
    assert report.warnings == (
        "1 file(s) matching source.path start with '.' and were skipped (hidden files); "
        "name them in source.path to read them",
        "column 'score' is empty in every row: the synthetic column will be empty too; drop it (action: drop) "
        "unless an empty column is what the release should show",
    )
    assert report.source.rows == 40


def test_no_warning_for_an_ordinary_source(small_release, key_env):
    # Setup / Run
    report = preflight(load_spec(small_release()))

    # Assert
    assert report.warnings == ()
