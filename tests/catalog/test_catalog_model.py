"""scan(): the releases of a real catalog, read into datasets, versions and tombstones."""
from __future__ import annotations

import json
import shutil
from datetime import date

import pytest

from synthgate.catalog import CatalogError, scan


def test_scan_reads_every_release_with_its_card_schema_and_figures(released_catalog):
    # Run
    cat = scan(released_catalog)

    # Assert: two datasets, versions oldest first, the later one latest
    assert [d.name for d in cat.datasets] == ["covid-testing", "field-logistics"]
    covid = cat.dataset("covid-testing")
    assert [v.version for v in covid.versions] == ["1.0.0", "1.1.0"]
    assert covid.latest.version == "1.1.0" and covid.access == "public" and covid.domain == "healthcare"
    first = cat.version("covid-testing", "1.0.0")
    assert first.card["audience"] == "Researchers of test logistics"
    assert first.card["intended_uses"] == ["Teaching", "Testing pipelines"]
    assert len(first.card["prohibited_uses"]) == 3 and "Synthgate test agency" in first.card["citation"]
    assert first.data_file == "covid-testing.parquet" and first.rows == 300 and first.dp is None
    # the schema: every published column, typed, with the spec's description and the synthetic null share
    schema = {c.name: c for c in first.schema()}
    assert "fake_first_name" not in schema and "note" not in schema
    assert schema["pan_day"].description == "Day of the pandemic the test was taken"
    assert schema["pan_day"].kind == "numerical" and schema["pan_day"].type in ("int64", "double")
    assert all(0.0 <= c.null_share <= 1.0 for c in schema.values())
    headline = first.headline()
    assert headline["verdict"] == "pass" and headline["gates_failed"] == 0 and headline["gates"] >= 8
    assert 0.0 < headline["quality_score"] <= 1.0 and headline["c2st"] is not None
    assert {g["metric"] for g in first.gates()} >= {"exact_matches", "raw_copy_share"}
    restricted = cat.version("field-logistics", "2.0.0")
    assert restricted.access == "restricted" and restricted.retention_until == date(2020, 1, 1)
    assert restricted.dp == {"epsilon": 5.0, "delta": 1e-5, "accountant": "rdp"}
    assert restricted.data_file == "field-logistics.parquet"


def test_scan_skips_hidden_folders_and_reads_a_tombstone(released_catalog, tmp_path):
    # Setup: a copy with a lock folder, a staging folder and a withdrawn version
    root = tmp_path / "catalog"
    shutil.copytree(released_catalog, root)
    (root / ".locks").mkdir(exist_ok=True)
    shutil.copytree(root / "covid-testing" / "1.0.0", root / "covid-testing" / ".staging-9.9.9-abc")
    tomb = {"kind": "withdrawn", "reason": "a consent was revoked", "at": "2031-01-01T00:00:00+00:00",
            "by": "officer", "removed": ["covid-testing.parquet"]}
    (root / "covid-testing" / "1.1.0" / "WITHDRAWN.json").write_text(json.dumps(tomb))
    (root / "covid-testing" / "1.1.0" / "covid-testing.parquet").unlink()

    # Run
    covid = scan(root).dataset("covid-testing")

    # Assert
    assert [v.version for v in covid.versions] == ["1.0.0", "1.1.0"]
    withdrawn = covid.versions[1]
    assert withdrawn.withdrawn and withdrawn.tombstone.reason == "a consent was revoked"
    assert withdrawn.files == {} and withdrawn.data_file is None and withdrawn.evaluation() is None
    assert covid.latest.version == "1.0.0" and covid.modified == "2031-01-01T00:00:00+00:00"


def test_scan_names_what_it_cannot_read(released_catalog, tmp_path):
    # Setup
    root = tmp_path / "catalog"
    shutil.copytree(released_catalog, root)
    (root / "covid-testing" / "1.0.0" / "manifest.json").write_text("{not json")

    # Run / Assert
    with pytest.raises(CatalogError, match=r"1\.0\.0/manifest\.json: cannot be read as JSON"):
        scan(root)
    with pytest.raises(CatalogError, match="is not a folder"):
        scan(tmp_path / "missing")
    with pytest.raises(CatalogError, match="it holds: covid-testing, field-logistics"):
        scan(released_catalog).dataset("nope")
    with pytest.raises(CatalogError, match="it has: 1.0.0, 1.1.0"):
        scan(released_catalog).version("covid-testing", "3.0.0")
