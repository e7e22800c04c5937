"""``catalog.json``: a DCAT-style machine index of the catalog for data portals to harvest.

Plain JSON with short keys that a JSON-LD ``@context`` maps onto W3C DCAT 3, Dublin Core terms and
SPDX checksums, so a portal can read it either as JSON or as linked data::

    {"@context": {...}, "@type": "dcat:Catalog", "title": ..., "modified": ..., "formatVersion": 1,
     "dataset": [{"@type": "dcat:Dataset", "identifier": "covid-testing", "title", "description",
                  "keyword": [...], "theme": "healthcare", "license": URL|null, "licenseName": "CC-BY-4.0",
                  "issued", "modified", "access": "public"|"restricted", "accessRights": EU access-right IRI,
                  "landingPage", "publisher": {"name"}|null, "latestVersion": "1.1.0",
                  "hasVersion": [{"@type": "dcat:Dataset", "version": "1.0.0", "issued",
                                  "status": "published"|"withdrawn",
                                  "tombstone": {"kind", "reason", "at", "by"}|null,
                                  "retentionUntil": "YYYY-MM-DD"|null, "rows",
                                  "differentialPrivacy": {epsilon, delta, epsilonSpent}|null,
                                  "croissant": URL,
                                  "distribution": [{"@type": "dcat:Distribution", "title": "covid-testing.parquet",
                                                    "downloadURL", "mediaType", "byteSize",
                                                    "checksum": {"algorithm": "spdx:checksumAlgorithm_sha256",
                                                                 "checksumValue": hex}}]}]}]}

A withdrawn (or expired, ``tombstone.kind``) version keeps its entry with ``status`` "withdrawn", its
tombstone and its Croissant link, and lists no distribution. ``mediaType`` is the IANA name
(Parquet: ``application/vnd.apache.parquet``); ``theme`` is the synthgate domain as text. Terms
without a DCAT/DCT property (``access``, ``status``, ``tombstone``, ``croissant``, ...) sit in
synthgate's own namespace ``urn:synthgate:catalog:``.
The URL callables decide where links point (relative paths for a static site).
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from synthgate.catalog.croissant import SG_NAMESPACE, licence_url
from synthgate.catalog.model import MANIFEST, Catalog, Dataset, Version

FORMAT_VERSION = 1
ACCESS_RIGHTS = {"public": "http://publications.europa.eu/resource/authority/access-right/PUBLIC",
                 "restricted": "http://publications.europa.eu/resource/authority/access-right/RESTRICTED"}
MEDIA_TYPES = {
    ".parquet": "application/vnd.apache.parquet", ".json": "application/json", ".html": "text/html",
    ".htm": "text/html", ".pdf": "application/pdf", ".md": "text/markdown", ".csv": "text/csv",
    ".txt": "text/plain", ".css": "text/css", ".js": "text/javascript", ".png": "image/png",
    ".svg": "image/svg+xml",
}

CONTEXT: dict[str, Any] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sg": SG_NAMESPACE,
    "title": "dct:title",
    "description": "dct:description",
    "identifier": "dct:identifier",
    "issued": {"@id": "dct:issued", "@type": "xsd:dateTime"},
    "modified": {"@id": "dct:modified", "@type": "xsd:dateTime"},
    "keyword": "dcat:keyword",
    "theme": "dcat:theme",
    "license": {"@id": "dct:license", "@type": "@id"},
    "licenseName": "sg:licenceName",
    "accessRights": {"@id": "dct:accessRights", "@type": "@id"},
    "access": "sg:access",
    "landingPage": {"@id": "dcat:landingPage", "@type": "@id"},
    "publisher": "dct:publisher",
    "name": "foaf:name",
    "dataset": {"@id": "dcat:dataset", "@container": "@list"},
    "hasVersion": {"@id": "dcat:hasVersion", "@container": "@list"},
    "latestVersion": "sg:latestVersion",
    "version": "dcat:version",
    "status": "sg:status",
    "tombstone": "sg:tombstone",
    "kind": "sg:kind",
    "reason": "sg:reason",
    "at": {"@id": "sg:at", "@type": "xsd:dateTime"},
    "by": "sg:by",
    "retentionUntil": {"@id": "sg:retentionUntil", "@type": "xsd:date"},
    "rows": "sg:rows",
    "differentialPrivacy": "sg:differentialPrivacy",
    "epsilon": "sg:epsilon",
    "delta": "sg:delta",
    "epsilonSpent": "sg:epsilonSpent",
    "croissant": {"@id": "sg:croissant", "@type": "@id"},
    "distribution": "dcat:distribution",
    "downloadURL": {"@id": "dcat:downloadURL", "@type": "@id"},
    "mediaType": "dcat:mediaType",
    "byteSize": {"@id": "dcat:byteSize", "@type": "xsd:nonNegativeInteger"},
    "checksum": "spdx:checksum",
    "algorithm": {"@id": "spdx:algorithm", "@type": "@vocab"},
    "checksumValue": "spdx:checksumValue",
    "formatVersion": "sg:formatVersion",
}


def catalog_index(cat: Catalog, *, page_url: Callable[[Dataset], str], file_url: Callable[[Version, str], str],
                  croissant_url: Callable[[Version], str]) -> dict:
    """The DCAT-style index of every dataset and version in ``cat`` (see the module docstring).

    Args:
        cat: the catalog from `scan`.
        page_url: the dataset's page (``landingPage``).
        file_url: the download URL of a version's file, given its path relative to the version folder.
        croissant_url: the version's ``croissant.json``.

    Returns:
        A JSON-serialisable dict, datasets by name and versions oldest first.
    """
    datasets = [_dataset(d, page_url, file_url, croissant_url) for d in cat.datasets]
    return {
        "@context": dict(CONTEXT),
        "@type": "dcat:Catalog",
        "title": "synthgate catalog of synthetic datasets",
        "description": "Synthetic datasets published by synthgate: each generated from a pseudonymised copy of a "
                       "source table and released only after its privacy and quality gates passed.",
        "modified": max((d.modified for d in cat.datasets if d.modified), default=None),
        "formatVersion": FORMAT_VERSION,
        "dataset": datasets,
    }


def _dataset(dataset: Dataset, page_url, file_url, croissant_url) -> dict:
    licence = licence_url(dataset.licence) if dataset.licence else None
    latest = dataset.latest
    publisher = latest.card.get("publisher")
    return {
        "@type": "dcat:Dataset",
        "identifier": dataset.name,
        "title": dataset.title,
        "description": dataset.description,
        "keyword": list(latest.card.get("keywords") or []),
        "theme": dataset.domain,
        "license": licence if isinstance(licence, str) else (licence or {}).get("url"),
        "licenseName": dataset.licence or None,
        "issued": min((v.created_at for v in dataset.versions if v.created_at), default=None),
        "modified": dataset.modified or None,
        "access": dataset.access,
        "accessRights": ACCESS_RIGHTS[dataset.access],
        "landingPage": page_url(dataset),
        "publisher": {"@type": "foaf:Agent", "name": publisher} if publisher else None,
        "latestVersion": None if dataset.withdrawn else latest.version,
        "hasVersion": [_version(v, file_url, croissant_url) for v in dataset.versions],
    }


def _version(version: Version, file_url, croissant_url) -> dict:
    tomb = version.tombstone
    dp = version.dp
    return {
        "@type": "dcat:Dataset",
        "version": version.version,
        "issued": version.created_at or None,
        "status": "withdrawn" if tomb else "published",
        "tombstone": {"kind": tomb.kind, "reason": tomb.reason, "at": tomb.at, "by": tomb.by} if tomb else None,
        "retentionUntil": version.retention_until.isoformat() if version.retention_until else None,
        "rows": version.rows,
        "differentialPrivacy": ({"epsilon": dp.get("epsilon"), "delta": dp.get("delta"),
                                 "epsilonSpent": dp.get("epsilon_spent")} if dp else None),
        "croissant": croissant_url(version),
        "distribution": [] if tomb else _distributions(version, file_url),
    }


def _distributions(version: Version, file_url) -> list[dict]:
    files = [(name, facts.get("bytes"), facts.get("sha256")) for name, facts in version.files.items()]
    manifest = version.folder / MANIFEST
    if manifest.is_file():
        data = manifest.read_bytes()
        files.append((MANIFEST, len(data), hashlib.sha256(data).hexdigest()))
    out = []
    for name, size, sha in files:
        entry: dict[str, Any] = {"@type": "dcat:Distribution", "title": name, "downloadURL": file_url(version, name),
                                 "mediaType": MEDIA_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")}
        if isinstance(size, int):
            entry["byteSize"] = size
        if sha:
            entry["checksum"] = {"algorithm": "spdx:checksumAlgorithm_sha256", "checksumValue": sha}
        out.append(entry)
    return out
