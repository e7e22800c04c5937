"""croissant(): Croissant 1.1 JSON-LD of every catalog version, validated and read back by mlcroissant.

mlcroissant reads local files only here: every contentUrl is relative to the croissant.json, and a
socket guard makes any attempt to reach the network fail the test.
"""
from __future__ import annotations

import json
import shutil
import socket
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from synthgate.catalog import scan, withdraw
from synthgate.catalog.croissant import CROISSANT_1_1, croissant, data_type, licence_url

pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

REQUIRED = ("@context", "@type", "conformsTo", "name", "description", "license", "url", "creator", "datePublished",
            "distribution")
TOMBSTONE = {"kind": "withdrawn", "reason": "a data subject objected", "at": "2031-01-01T00:00:00+00:00",
             "by": "release-officer", "removed": ["covid-testing.parquet"]}


@pytest.fixture(scope="module")
def croissant_catalog(released_catalog, tmp_path_factory) -> Path:
    """A copy of the released catalog with covid-testing/1.0.0 withdrawn and every croissant.json written."""
    root = tmp_path_factory.mktemp("croissant") / "catalog"
    shutil.copytree(released_catalog, root)
    # a real withdrawal: the tombstone and the manifest stay, every other release file goes
    withdraw(root, "covid-testing", "1.0.0", reason=TOMBSTONE["reason"], by=TOMBSTONE["by"], kind=TOMBSTONE["kind"],
             now=datetime.fromisoformat(TOMBSTONE["at"]))
    for version in scan(root).versions():
        doc = croissant(version, content_base="")
        (version.folder / "croissant.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False), "utf-8")
    return root


@pytest.fixture()
def no_network(monkeypatch):
    """Any socket connection (mlcroissant fetching a context, a schema or a file) fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("mlcroissant tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _load(path: Path):
    import mlcroissant as mlc

    dataset = mlc.Dataset(jsonld=str(path))  # raises mlc.ValidationError on any error
    return dataset, dataset.metadata.ctx.issues


def test_every_published_version_validates_and_reads_back_its_parquet(croissant_catalog, no_network):
    # Setup
    published = [v for v in scan(croissant_catalog).versions() if not v.withdrawn]
    assert [f"{v.dataset}/{v.version}" for v in published] == ["covid-testing/1.1.0", "field-logistics/2.0.0"]

    for version in published:
        path = version.folder / "croissant.json"
        doc = json.loads(path.read_text("utf-8"))

        # Run
        dataset, issues = _load(path)
        records = pd.DataFrame(list(dataset.records(record_set=version.dataset)))

        # Assert: no error and no warning; the required fields set by us, not only checked by mlcroissant
        assert not issues.errors and not issues.warnings, issues.report()
        assert all(doc.get(key) for key in REQUIRED), [key for key in REQUIRED if not doc.get(key)]
        assert doc["@type"] == "sc:Dataset" and CROISSANT_1_1 in doc["conformsTo"]
        assert doc["version"] == version.version and doc["isLiveDataset"] is False
        assert doc["datePublished"] == version.created_at and doc["creator"]["name"] == "Synthgate test agency"
        # every file of the manifest, with its size and hash, and the manifest itself
        objects = {o["@id"]: o for o in doc["distribution"]}
        assert set(objects) == set(version.files) | {"manifest.json"}
        for name, facts in version.files.items():
            assert objects[name]["sha256"] == facts["sha256"] and objects[name]["contentSize"] == f"{facts['bytes']} B"
            assert objects[name]["contentUrl"] == name
        assert objects[version.data_file]["encodingFormat"] == "application/x-parquet"
        # one field per published column, typed; the records are the Parquet's rows (mlcroissant checked its sha256)
        table = pd.read_parquet(version.folder / version.data_file)
        fields = {f["name"]: f for f in doc["recordSet"][0]["field"]}
        assert list(fields) == list(table.columns)
        assert fields["pan_day"]["dataType"] in ("sc:Integer", "sc:Float")
        assert fields["gender"]["dataType"] == "sc:Text" and fields["drive_thru_ind"]["dataType"] == "sc:Boolean"
        assert fields["pan_day"]["description"] == "Day of the pandemic the test was taken"
        assert len(records) == len(table) == version.rows == 300
        records.columns = [c.split("/", 1)[1] for c in records.columns]
        assert (records["pan_day"].to_numpy() == table["pan_day"].to_numpy()).all()
        assert records["gender"].map(lambda b: b.decode()).tolist() == table["gender"].tolist()
        assert records["drive_thru_ind"].tolist() == table["drive_thru_ind"].tolist()


def test_the_rai_fields_say_how_the_synthetic_data_was_made_and_protected(croissant_catalog):
    # Setup
    cat = scan(croissant_catalog)

    # Run
    public = json.loads((cat.version("covid-testing", "1.1.0").folder / "croissant.json").read_text("utf-8"))
    restricted = json.loads((cat.version("field-logistics", "2.0.0").folder / "croissant.json").read_text("utf-8"))

    # Assert: Croissant RAI 1.0 properties, in the rai: namespace
    assert "http://mlcommons.org/croissant/RAI/1.0" in public["conformsTo"]
    assert public["@context"]["rai"] == "http://mlcommons.org/croissant/RAI/"
    assert "pseudonymised copy" in public["rai:dataCollection"] and "without differential privacy" in \
        public["rai:dataCollection"]
    sensitive = " ".join(public["rai:personalSensitiveInformation"])
    assert "subject_id: replaced by keyed pseudonyms" in sensitive and "fake_first_name: dropped" in sensitive
    assert "Privacy gates checked before publication" in sensitive and "exact_matches" in sensitive
    preprocessing = " ".join(public["rai:dataPreprocessingProtocol"])
    assert "quasi-identifiers gender, age, clinic_name, patient_class: every combination held by at least 2 records" \
        in preprocessing and "(k 1 before, 2 after)" in preprocessing
    assert "300 synthetic rows" in public["rai:dataManipulationProtocol"]
    assert public["rai:dataUseCases"] == ["Teaching", "Testing pipelines"]
    assert public["license"] == "https://spdx.org/licenses/CC-BY-4.0.html" and public["sg:access"] == "public"
    # the restricted, DP dataset says so; its licence (not in SPDX) is named with its page
    assert "epsilon 5.0, delta 1e-05" in restricted["rai:dataCollection"]
    assert restricted["sg:access"] == "restricted" and "bearer token" in restricted["conditionsOfAccess"]
    assert restricted["expires"] == "2020-01-01" and "2020-01-01" in restricted["rai:dataReleaseMaintenancePlan"]
    assert restricted["license"]["url"] == "https://www.kogl.or.kr/info/licenseType1.do"


def test_a_withdrawn_version_is_a_valid_tombstone_that_links_no_data(croissant_catalog, no_network):
    # Setup
    version = scan(croissant_catalog).version("covid-testing", "1.0.0")
    path = version.folder / "croissant.json"

    # Run
    doc = json.loads(path.read_text("utf-8"))
    dataset, issues = _load(path)

    # Assert: it validates, says why and when up front and in machine-readable form, and links no Parquet
    assert not issues.errors, issues.report()
    assert all(doc.get(key) for key in REQUIRED)
    assert doc["description"].startswith("WITHDRAWN on 2031-01-01T00:00:00+00:00 by release-officer: "
                                         "a data subject objected.")
    assert doc["creativeWorkStatus"] == "Withdrawn" and doc["dateModified"] == TOMBSTONE["at"]
    assert doc["sg:tombstone"] == {"sg:kind": "withdrawn", "sg:reason": "a data subject objected",
                                   "sg:at": TOMBSTONE["at"], "sg:by": "release-officer"}
    assert {o["@id"] for o in doc["distribution"]} == {"manifest.json", "WITHDRAWN.json"}
    assert "parquet" not in json.dumps(doc["distribution"]) and "recordSet" not in doc
    assert dataset.metadata.record_sets == []


def test_a_site_written_elsewhere_links_back_to_the_catalog_and_still_loads(croissant_catalog, no_network):
    # Setup: the site of `catalog build --out SITE` beside the catalog folder
    version = scan(croissant_catalog).version("field-logistics", "2.0.0")
    target = croissant_catalog.parent / "site" / "field-logistics" / "2.0.0" / "croissant.json"
    target.parent.mkdir(parents=True)

    # Run
    doc = croissant(version, content_base="../../../catalog/field-logistics/2.0.0", url="index.html")
    target.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    dataset, issues = _load(target)

    # Assert
    assert doc["url"] == "index.html"
    assert {o["contentUrl"] for o in doc["distribution"]} >= {
        "../../../catalog/field-logistics/2.0.0/field-logistics.parquet",
        "../../../catalog/field-logistics/2.0.0/data_docs/index.html"}
    assert not issues.errors and len(list(dataset.records(record_set="field-logistics"))) == 300


def test_no_croissant_file_holds_a_canary(croissant_catalog, catalog_canaries):
    # Setup
    files = sorted(croissant_catalog.glob("*/*/croissant.json"))

    # Run
    found = {str(f.relative_to(croissant_catalog)): [c for c in catalog_canaries if c in f.read_text("utf-8")]
             for f in files}

    # Assert: every version's file, the withdrawn one included, and none holds a raw source value
    assert len(files) == 3 and all(hits == [] for hits in found.values()), found


def test_korean_text_is_tagged_korean_and_still_loads(croissant_catalog, tmp_path, no_network):
    # Setup: a published version whose title, description and one column description are Korean
    folder = tmp_path / "clinic" / "1.0.0"
    shutil.copytree(croissant_catalog / "covid-testing" / "1.1.0", folder)
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    manifest["dataset"].update(title="입원 환자 합성 데이터", description="합성 데이터입니다.")
    manifest["schema"][0]["description"] = "가명 처리된 환자 번호"
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    version = scan(tmp_path).version("clinic", "1.0.0")

    # Run
    doc = croissant(version, content_base="")
    (folder / "croissant.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    dataset, issues = _load(folder / "croissant.json")

    # Assert
    assert doc["name"] == {"@value": "입원 환자 합성 데이터", "@language": "ko"}
    assert doc["recordSet"][0]["field"][0]["description"] == {"@value": "가명 처리된 환자 번호", "@language": "ko"}
    assert not issues.errors and not issues.warnings, issues.report()
    assert dataset.metadata.name == {"ko": "입원 환자 합성 데이터"}
    assert dataset.metadata.description == {"ko": "합성 데이터입니다."}
    assert len(list(dataset.records(record_set="clinic"))) == 300


def test_dp_states_the_budget_and_what_was_spent(croissant_catalog):
    # Setup: the manifest of a DP-SGD release records its budget and the accountant's epsilon spent
    version = scan(croissant_catalog).version("field-logistics", "2.0.0")
    manifest = json.loads(json.dumps(version.manifest))
    manifest["generator"]["differential_privacy"] = {"epsilon": 3.0, "delta": 1e-6, "epsilon_spent": 2.91234,
                                                     "accountant": "rdp"}
    dp_version = type(version)(version.dataset, version.version, version.folder, manifest)

    # Run
    doc = croissant(dp_version, content_base="")

    # Assert
    stated = "epsilon 3.0, delta 1e-06; epsilon spent 2.912 (rdp accountant)"
    assert stated in doc["rai:dataCollection"] and f"Differential privacy: {stated}." in \
        doc["rai:personalSensitiveInformation"]


@pytest.mark.parametrize(("arrow", "kind", "expected"), [
    ("int64", "numerical", "sc:Integer"), ("uint8", None, "sc:Integer"), ("double", "numerical", "sc:Float"),
    ("float", None, "sc:Float"), ("decimal128(10, 2)", None, "sc:Float"), ("bool", "boolean", "sc:Boolean"),
    ("string", "categorical", "sc:Text"), ("large_string", "text", "sc:Text"), ("date32[day]", None, "sc:Date"),
    ("timestamp[us, tz=UTC]", "datetime", "sc:DateTime"),
    ("dictionary<values=string, indices=int32, ordered=0>", "categorical", "sc:Text"),
    (None, "numerical", "sc:Float"), (None, "datetime", "sc:DateTime"), ("null", "id", "sc:Text"),
])
def test_arrow_types_map_to_croissant_data_types(arrow, kind, expected):
    # Run / Assert
    assert data_type(arrow, kind) == expected


@pytest.mark.parametrize(("licence", "expected"), [
    ("CC-BY-4.0", "https://spdx.org/licenses/CC-BY-4.0.html"),
    ("CC0-1.0", "https://spdx.org/licenses/CC0-1.0.html"),
    ("https://example.org/terms", "https://example.org/terms"),
    ("KOGL-Type3", {"@type": "sc:CreativeWork", "url": "https://www.kogl.or.kr/info/licenseType3.do",
                    "name": "KOGL Type 3 (Korea Open Government Licence: attribution, no derivatives)"}),
    ("Agency data terms v2", {"@type": "sc:CreativeWork", "name": "Agency data terms v2"}),
])
def test_licences_are_spdx_urls_or_named_works(licence, expected):
    # Run / Assert
    assert licence_url(licence) == expected
