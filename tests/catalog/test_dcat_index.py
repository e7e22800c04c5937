"""catalog_index(): the DCAT-style catalog.json of a real catalog, as JSON and as linked data."""
from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from synthgate.catalog import scan, withdraw
from synthgate.catalog.dcat import catalog_index

TOMBSTONE = {"kind": "expired", "reason": "retention ended on 2020-01-01", "at": "2031-01-01T00:00:00+00:00",
             "by": "records-officer", "removed": ["covid-testing.parquet"]}
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

LINKS = {"page_url": lambda d: f"{d.name}/index.html",
         "file_url": lambda v, name: f"{v.dataset}/{v.version}/{name}",
         "croissant_url": lambda v: f"{v.dataset}/{v.version}/croissant.json"}


@pytest.fixture(scope="module")
def indexed_catalog(released_catalog, tmp_path_factory) -> Path:
    """A copy of the released catalog whose covid-testing/1.0.0 expired (tombstone and manifest left)."""
    root = tmp_path_factory.mktemp("dcat") / "catalog"
    shutil.copytree(released_catalog, root)
    withdraw(root, "covid-testing", "1.0.0", reason=TOMBSTONE["reason"], by=TOMBSTONE["by"], kind=TOMBSTONE["kind"],
             now=datetime.fromisoformat(TOMBSTONE["at"]))
    return root


def test_the_index_lists_datasets_versions_and_downloads_with_their_hashes(indexed_catalog, catalog_canaries):
    # Setup
    cat = scan(indexed_catalog)

    # Run
    index = catalog_index(cat, **LINKS)
    text = json.dumps(index, ensure_ascii=False)

    # Assert: a catalog of both datasets, by name
    assert index["@type"] == "dcat:Catalog" and index["formatVersion"] == 1
    assert index["modified"] == "2031-01-01T00:00:00+00:00"  # the expiry is the newest event
    covid, field = index["dataset"]
    assert (covid["identifier"], field["identifier"]) == ("covid-testing", "field-logistics")
    assert covid["landingPage"] == "covid-testing/index.html" and covid["theme"] == "healthcare"
    assert covid["license"] == "https://spdx.org/licenses/CC-BY-4.0.html" and covid["licenseName"] == "CC-BY-4.0"
    assert covid["keyword"] == ["covid", "pcr"] and covid["publisher"]["name"] == "Synthgate test agency"
    assert covid["access"] == "public" and covid["accessRights"].endswith("/access-right/PUBLIC")
    assert covid["latestVersion"] == "1.1.0" and covid["modified"] == TOMBSTONE["at"]
    # the expired version keeps its entry, its tombstone and its Croissant link, and offers no download
    old, new = covid["hasVersion"]
    assert old["version"] == "1.0.0" and old["status"] == "withdrawn" and old["distribution"] == []
    assert old["tombstone"] == {k: TOMBSTONE[k] for k in ("kind", "reason", "at", "by")}
    assert old["croissant"] == "covid-testing/1.0.0/croissant.json"
    # a published version: every manifest file and the manifest, with URL, media type, size and sha256
    version = cat.version("covid-testing", "1.1.0")
    assert new["status"] == "published" and new["tombstone"] is None and new["rows"] == 300
    downloads = {d["title"]: d for d in new["distribution"]}
    assert set(downloads) == set(version.files) | {"manifest.json"}
    for name, facts in version.files.items():
        assert downloads[name]["downloadURL"] == f"covid-testing/1.1.0/{name}"
        assert downloads[name]["byteSize"] == facts["bytes"]
        assert downloads[name]["checksum"] == {"algorithm": "spdx:checksumAlgorithm_sha256",
                                               "checksumValue": facts["sha256"]}
    assert downloads["covid-testing.parquet"]["mediaType"] == "application/vnd.apache.parquet"
    # the restricted, DP dataset says so; its licence has no SPDX id, so its page and its name
    assert field["access"] == "restricted" and field["accessRights"].endswith("/access-right/RESTRICTED")
    assert field["license"] == "https://www.kogl.or.kr/info/licenseType1.do" and field["licenseName"] == "KOGL-Type1"
    restricted = field["hasVersion"][0]
    assert restricted["differentialPrivacy"] == {"epsilon": 5.0, "delta": 1e-5, "epsilonSpent": None}
    assert restricted["retentionUntil"] == "2020-01-01"
    # nothing from the source rows
    assert [c for c in catalog_canaries if c in text] == []


def test_the_index_is_linked_data_in_dcat_terms(indexed_catalog):
    # Setup
    rdflib = pytest.importorskip("rdflib")  # installed with mlcroissant (dev extra)
    index = catalog_index(scan(indexed_catalog), **LINKS)

    # Run: parse the JSON-LD (the @context is inline: nothing is fetched)
    graph = rdflib.Graph().parse(data=json.dumps(index), format="json-ld", base="https://data.example/catalog/")

    # Assert
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    dct = rdflib.Namespace("http://purl.org/dc/terms/")
    spdx = rdflib.Namespace("http://spdx.org/rdf/terms#")
    assert len(list(graph.subjects(rdflib.RDF.type, dcat.Catalog))) == 1
    identifiers = {str(o) for o in graph.objects(None, dct.identifier)}
    assert identifiers == {"covid-testing", "field-logistics"}
    downloads = {str(o) for o in graph.objects(None, dcat.downloadURL)}
    assert "https://data.example/catalog/covid-testing/1.1.0/covid-testing.parquet" in downloads
    assert not any("/1.0.0/" in url for url in downloads)
    assert set(graph.objects(None, spdx.algorithm)) == {spdx.checksumAlgorithm_sha256}
    assert rdflib.URIRef("http://publications.europa.eu/resource/authority/access-right/RESTRICTED") in set(
        graph.objects(None, dct.accessRights))


def test_an_empty_catalog_gives_an_empty_index(tmp_path):
    # Run
    index = catalog_index(scan(tmp_path), **LINKS)

    # Assert
    assert index["dataset"] == [] and index["modified"] is None
    assert json.loads(json.dumps(index)) == index
