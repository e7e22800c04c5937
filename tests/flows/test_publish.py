"""Publishing is all or nothing: a failure while staging leaves no release and no staging folder."""
from __future__ import annotations

import pandas as pd
import pytest

from synthgate.flows.publish import publish_release
from synthgate.flows.spec import load_spec
from synthgate.flows.workspace import Workspace, write_json


def test_a_failure_while_staging_leaves_nothing_in_the_catalog(small_release):
    # Setup: a workspace with the synthetic table and Data Docs, but no model manifest, so
    # publishing fails after the Parquet file and the docs were already staged
    loaded = load_spec(small_release())
    ws = Workspace(small_release.tmp_path / "ws").create()
    pd.DataFrame({"patient_id": ["syn_1"], "age": ["20-29"], "sex": ["F"], "visit_date": [pd.Timestamp("2024-01-01")],
                  "smoker": [True], "score": [1.5]}).to_parquet(ws.synthetic_table)
    ws.data_docs_dir.mkdir(parents=True)
    (ws.data_docs_dir / "index.html").write_text("<html></html>")
    write_json(ws.validation_summary, {"success": True, "evaluated": 1, "failed": 0})

    # Run
    with pytest.raises(FileNotFoundError):
        publish_release(loaded, ws)

    # Assert
    dataset_dir = loaded.catalog_dir / "patients"
    assert list(dataset_dir.iterdir()) == []
