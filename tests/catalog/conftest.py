"""A real catalog for the catalog tests: one release made by the real flow, plus two clones of it.

``released_catalog`` (session scope, read-only: copy it before changing anything) holds
- ``covid-testing/1.0.0``: a real release of 300 synthetic rows from 400 covid rows (real flow, Prefect
  test harness), with canaries planted in the source (``CANARIES``) that no catalog file may show;
- ``covid-testing/1.1.0``: the same release cloned as a later version (manifest edited, hashes rewritten);
- ``field-logistics/2.0.0``: cloned as a second dataset (domain defense, access restricted, retention
  until 2020-01-01, differential privacy recorded as epsilon 5, delta 1e-5).
The clones exist because the catalog reads folders, and a second real run would cost half a minute.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "covid_testing.yaml"
# Planted in every 4th source row: each column's action (pseudonymise, drop, redact) keeps them out of
# every catalog file; a category held by 3 rows stays out by value protection.
PLANTED = {
    "subject_id": "CATCANARYID5519",
    "fake_last_name": "Plovcanary",
    "fake_first_name": "Zintcanarius",
    "note": "Ring Quolcanary Tessbottom at quol.canary@example.org",
}
RARE_PAYOR = "Canarypayor Vx"
CANARIES = ("CATCANARYID5519", "Plovcanary", "Zintcanarius", "Quolcanary", "Tessbottom", "quol.canary@example.org",
            RARE_PAYOR)


def _planted_source():
    from synthgate.flows.demo import covid_testing_table

    frame = covid_testing_table().sample(n=400, random_state=11).reset_index(drop=True)
    frame = frame.astype({"subject_id": "object"})
    rows = frame.index[::4]
    for column, canary in PLANTED.items():
        frame.loc[rows, column] = canary
    frame.loc[frame.index[[6, 10, 14]], "payor_group"] = RARE_PAYOR
    return frame


@pytest.fixture(scope="session")
def catalog_canaries() -> tuple[str, ...]:
    """Raw source values that no catalog file (site, index, Croissant, server answer) may contain."""
    return CANARIES


def _rehash(folder: Path, manifest: dict) -> None:
    files = {}
    for name in manifest["files"]:
        data = (folder / name).read_bytes()
        files[name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    manifest["files"] = files
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")


def _clone(source: Path, target: Path, *, dataset: str, version: str, created_at: str, **dataset_facts) -> None:
    shutil.copytree(source, target)
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    old_data = f"{manifest['dataset']['name']}.parquet"
    if dataset != manifest["dataset"]["name"]:
        (target / old_data).rename(target / f"{dataset}.parquet")
        manifest["files"][f"{dataset}.parquet"] = manifest["files"].pop(old_data)
    manifest["dataset"].update(name=dataset, version=version, **dataset_facts)
    manifest["created_at"] = created_at
    _rehash(target, manifest)


@pytest.fixture(scope="session")
def released_catalog(tmp_path_factory, prefect_harness) -> Path:
    from synthgate.evaluation import INTERVAL_GATES
    from synthgate.flows.release import release

    root = tmp_path_factory.mktemp("released")
    source = root / "source" / "covid.csv"
    source.parent.mkdir()
    _planted_source().to_csv(source, index=False)
    spec = yaml.safe_load(EXAMPLE.read_text())
    spec["dataset"]["version"] = "1.0.0"
    spec["dataset"]["card"] = {"audience": "Researchers of test logistics", "publisher": "Synthgate test agency",
                               "intended_uses": ["Teaching", "Testing pipelines"], "keywords": ["covid", "pcr"]}
    spec["columns"]["pan_day"]["description"] = "Day of the pandemic the test was taken"
    spec["source"]["path"] = "source/covid.csv"
    spec["output"] = {"catalog": "catalog", "workspace": "workspace"}
    spec["sample"]["rows"] = 300
    spec["risk"].update({"k": 2})
    spec["evaluation"] = {**spec.get("evaluation", {}), "accept_inconclusive": list(INTERVAL_GATES),
                          "thresholds": {"inference_risk_max": None}, "pdf": False}
    path = root / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    previous = os.environ.get("SYNTHGATE_PSEUDONYM_KEY")
    os.environ["SYNTHGATE_PSEUDONYM_KEY"] = "catalog-test-key-" + "0123456789abcdef" * 3
    try:
        release(spec_path=str(path), site=False)  # the tests build the site they need, from a copy
    finally:
        if previous is None:
            os.environ.pop("SYNTHGATE_PSEUDONYM_KEY", None)
        else:
            os.environ["SYNTHGATE_PSEUDONYM_KEY"] = previous
    catalog = root / "catalog"
    first = catalog / "covid-testing" / "1.0.0"
    _clone(first, catalog / "covid-testing" / "1.1.0", dataset="covid-testing", version="1.1.0",
           created_at="2030-01-02T03:04:05+00:00")
    _clone(first, catalog / "field-logistics" / "2.0.0", dataset="field-logistics", version="2.0.0",
           created_at="2030-02-03T04:05:06+00:00", title="Field logistics readiness (synthetic)", domain="defense",
           access="restricted", retention={"until": "2020-01-01"}, licence="KOGL-Type1",
           card={"audience": "Logistics planners", "publisher": "Synthgate test agency", "intended_uses": [],
                 "prohibited_uses": ["Targeting units or people"], "keywords": ["logistics"], "contact": None,
                 "citation": "Synthgate test agency (2030). Field logistics readiness (synthetic), version 2.0.0."})
    manifest_path = catalog / "field-logistics" / "2.0.0" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["generator"]["differential_privacy"] = {"epsilon": 5.0, "delta": 1e-5, "accountant": "rdp"}
    _rehash(manifest_path.parent, manifest)
    return catalog
