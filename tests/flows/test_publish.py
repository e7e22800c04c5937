"""Publishing is all or nothing, copies only self-contained Data Docs, and its card names no rare value."""
from __future__ import annotations

import pandas as pd
import pytest

from synthgate.expectations import profile_training
from synthgate.flows.errors import ReportFailed
from synthgate.flows.publish import _card, publish_release
from synthgate.flows.spec import load_spec
from synthgate.flows.workspace import Workspace, write_json


def staged_workspace(small_release, docs_page: str) -> tuple:
    """A workspace with the synthetic table, its privacy report and Data Docs, but no evaluation."""
    loaded = load_spec(small_release())
    ws = Workspace(small_release.tmp_path / "ws").create()
    write_json(ws.privacy_report, {})
    pd.DataFrame({"patient_id": ["syn_1"], "age": ["20-29"], "sex": ["F"], "visit_date": [pd.Timestamp("2024-01-01")],
                  "smoker": [True], "score": [1.5]}).to_parquet(ws.synthetic_table)
    ws.data_docs_dir.mkdir(parents=True)
    (ws.data_docs_dir / "index.html").write_text(docs_page)
    write_json(ws.validation_summary, {"success": True, "evaluated": 1, "failed": 0})
    return loaded, ws


def test_a_failure_while_staging_leaves_nothing_in_the_catalog(small_release):
    # Setup: no evaluation.json, so publishing fails after the Parquet file and the docs were staged
    loaded, ws = staged_workspace(small_release, "<html></html>")

    # Run
    with pytest.raises(FileNotFoundError):
        publish_release(loaded, ws)

    # Assert
    dataset_dir = loaded.catalog_dir / "patients"
    assert list(dataset_dir.iterdir()) == []


@pytest.mark.parametrize("page", [
    '<html><link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap.css"></html>',
    '<html><script src="//unpkg.com/bootstrap-table"></script></html>',
    "<html><style>@import 'theme.css';</style></html>",
])
def test_data_docs_that_would_fetch_from_another_host_are_refused(small_release, page):
    # Setup
    loaded, ws = staged_workspace(small_release, page)

    # Run
    with pytest.raises(ReportFailed, match="data_docs/index.html would load from another host"):
        publish_release(loaded, ws)

    # Assert: nothing published, no staging folder left
    assert list((loaded.catalog_dir / "patients").iterdir()) == []


def test_the_card_shows_protected_values_only(small_release):
    # Setup: a 1-row extreme (68; the rest 1-40) and a 3-row category in the training table
    loaded = load_spec(small_release())
    training = pd.DataFrame({"score": [*range(1, 41)] * 5 + [68],
                             "sex": ["F"] * 100 + ["M"] * 98 + ["Canarysex"] * 3})
    profile = profile_training(training, {"score": "numerical", "sex": "categorical"}, protection=5,
                               rare_placeholder="_RARE_").to_dict()
    manifest = {"generator": {"kind": "autoregressive"}, "validation": {"evaluated": 30},
                "columns": {"patient_id": "id", "sex": "categorical", "score": "numerical"},
                "rows": {"synthetic": 30}}

    # Run
    card = _card(loaded, manifest, "patients.parquet", profile)
    unprotected = _card(loaded, manifest, "patients.parquet", profile_training(
        training, {"score": "numerical", "sex": "categorical"}, protection=1).to_dict())

    # Assert
    assert "| sex | categorical | F, M, _RARE_ |" in card and "| score | numerical | 1 to 40 |" in card
    assert "| patient_id | id | — |" in card
    assert "Canarysex" not in card and " 68" not in card and "value protection k=5" in card
    assert "Canarysex" in unprotected and "1 to 68" in unprotected  # the check can fail
