"""Croissant 1.1 (MLCommons) JSON-LD for one catalog version, built as plain JSON from its manifest.

``croissant(version, content_base=...)`` returns the dict that the site writes as
``CATALOG/<dataset>/<version>/croissant.json`` and embeds in the dataset page. It holds:

- the required dataset fields (``@context``, ``@type`` sc:Dataset, ``conformsTo`` Croissant 1.1 and
  Croissant RAI 1.0, ``name``, ``description``, ``license``, ``url``, ``creator``, ``datePublished``)
  and the recommended ones (``keywords``, ``publisher``, ``version``, ``citeAs``, ``isLiveDataset``);
- ``distribution``: every file of the manifest that is on disk as a ``cr:FileObject`` with
  ``contentUrl``, ``contentSize``, ``encodingFormat`` and ``sha256`` (mlcroissant checks the hash
  when it reads the file), plus ``manifest.json`` itself;
- one ``recordSet`` (``@id`` = the dataset name) with one ``cr:Field`` per published column, its
  ``dataType`` mapped from the Arrow type, read from the Parquet file by column name;
- the Croissant RAI fields that fit a synthetic release (``rai:dataCollection``,
  ``rai:dataCollectionType``, ``rai:dataCollectionRawData``, ``rai:dataPreprocessingProtocol``,
  ``rai:dataManipulationProtocol``, ``rai:personalSensitiveInformation``, ``rai:dataUseCases``,
  ``rai:dataLimitations``, ``rai:dataReleaseMaintenancePlan``). RAI 1.0 has no property of its own
  for synthetic data: the synthesis is described under ``rai:dataCollection`` and
  ``rai:dataManipulationProtocol`` (the text is written in ``croissant_rai.py``).

A withdrawn (or expired) version stays a valid Croissant file: its description starts with the
tombstone, ``creativeWorkStatus`` (schema.org) is ``Withdrawn``, ``sg:tombstone`` holds the
tombstone's kind, reason, time and who, its ``distribution`` lists only ``manifest.json`` and
``WITHDRAWN.json`` (no data file is linked) and it has no ``recordSet``. ``sg:`` is synthgate's own
namespace (``urn:synthgate:catalog:``) for the few facts schema.org and Croissant have no term for
(``sg:access``, ``sg:tombstone``).

Names and descriptions are plain strings (the context tags them English), or
``{"@value": ..., "@language": "ko"}`` when they hold Hangul (Croissant 1.1 allows language-tagged
text; mlcroissant reads it as ``{"ko": ...}``).

Everything comes from the manifest and the evaluation figures the release already publishes: column
names, kinds, types, counts, gate figures and hashes; never a data value.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from synthgate.catalog.croissant_rai import rai_fields
from synthgate.catalog.model import MANIFEST, TOMBSTONE, Version

CROISSANT_1_1 = "http://mlcommons.org/croissant/1.1"
CROISSANT_RAI_1_0 = "http://mlcommons.org/croissant/RAI/1.0"
SG_NAMESPACE = "urn:synthgate:catalog:"
PARQUET_FORMAT = "application/x-parquet"  # what Croissant and mlcroissant name Parquet

# Croissant 1.1's recommended context (spec appendix 1, as mlcroissant 1.1 writes it) plus sg:.
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "sc": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "dct": "http://purl.org/dc/terms/",
    "sg": SG_NAMESPACE,
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sdVersion": "cr:sdVersion",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

# File formats by extension: Croissant wants a MIME type (Parquet under mlcroissant's name).
ENCODING_FORMATS = {
    ".parquet": PARQUET_FORMAT, ".json": "application/json", ".html": "text/html", ".htm": "text/html",
    ".pdf": "application/pdf", ".md": "text/markdown", ".csv": "text/csv", ".txt": "text/plain",
    ".css": "text/css", ".js": "text/javascript", ".png": "image/png", ".svg": "image/svg+xml",
}

# SPDX licence ids the catalog links to https://spdx.org/licenses/<id>.html; other licences are named.
_SPDX = re.compile(r"^(CC-BY(-NC)?(-SA|-ND)?-[1-4]\.0|CC0-1\.0|ODbL-1\.0|ODC-By-1\.0|PDDL-1\.0|Apache-2\.0|MIT"
                   r"|CDLA-(Permissive|Sharing)-[12]\.0|(L?GPL|AGPL)-[23]\.0(-only|-or-later)?|BSD-[23]-Clause)$")
# Korea Open Government Licence (공공누리): not in SPDX; each type has its own page at kogl.or.kr.
_KOGL = re.compile(r"^KOGL-Type([1-4])$", re.IGNORECASE)
_KOGL_TERMS = {"1": "attribution", "2": "attribution, no commercial use", "3": "attribution, no derivatives",
               "4": "attribution, no commercial use, no derivatives"}

# Hangul (jamo, compatibility jamo, syllables): such text is tagged Korean.
_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


def croissant(version: Version, *, content_base: str, url: str = "../index.html") -> dict:
    """The Croissant 1.1 JSON-LD of one catalog version.

    Args:
        version: a version from `scan` (published or withdrawn).
        content_base: URL prefix from the Croissant file's folder to the version's files ("" when
            they sit together, e.g. ``"../../../catalog/covid-testing/1.0.0/"`` for a site written
            elsewhere); a missing trailing slash is added.
        url: the dataset's web page, relative to where the JSON-LD is read (the default fits
            ``<dataset>/<version>/croissant.json`` beside ``<dataset>/index.html``; a page that
            embeds the JSON-LD passes its own name, e.g. ``"index.html"``).

    Returns:
        A JSON-serialisable dict; ``json.dumps`` it as it is.
    """
    base = content_base if not content_base or content_base.endswith("/") else content_base + "/"
    card = version.card
    publisher = _organisation(card)
    doc: dict[str, Any] = {
        "@context": dict(CONTEXT),
        "@type": "sc:Dataset",
        "conformsTo": [CROISSANT_1_1, CROISSANT_RAI_1_0],
        "name": _text(version.title),
        "alternateName": version.dataset,
        "description": _text(_description(version)),
        "license": licence_url(version.licence),
        "url": url,
        "version": version.version,
        "datePublished": version.created_at,
        "creator": publisher,
        "publisher": publisher,
        "keywords": _keywords(version),
        "citeAs": card.get("citation") or f"{version.title}, version {version.version} (synthetic dataset).",
        "isLiveDataset": False,
        "creativeWorkStatus": "Withdrawn" if version.withdrawn else "Published",
        "sg:access": version.access,
    }
    if version.access == "restricted":
        doc["conditionsOfAccess"] = ("Restricted: the catalog lists this dataset, but its files need a bearer "
                                     "token issued by the publisher.")
    if version.retention_until:
        doc["expires"] = version.retention_until.isoformat()
    if version.tombstone:
        doc["dateModified"] = version.tombstone.at
        doc["sg:tombstone"] = {"sg:kind": version.tombstone.kind, "sg:reason": version.tombstone.reason,
                               "sg:at": version.tombstone.at, "sg:by": version.tombstone.by}
    doc.update(rai_fields(version))
    doc["distribution"] = _distribution(version, base)
    if not version.withdrawn and version.data_file:
        doc["recordSet"] = [_record_set(version)]
    return doc


def licence_url(licence: str) -> str | dict:
    """A licence as Croissant recommends: an SPDX URL, a KOGL page, else a named sc:CreativeWork."""
    licence = licence.strip()
    if licence.startswith(("https://", "http://")):
        return licence
    if _SPDX.match(licence):
        return f"https://spdx.org/licenses/{licence}.html"
    kogl = _KOGL.match(licence)
    if kogl:
        kind = kogl.group(1)
        return {"@type": "sc:CreativeWork", "name": f"KOGL Type {kind} (Korea Open Government Licence: "
                f"{_KOGL_TERMS[kind]})", "url": f"https://www.kogl.or.kr/info/licenseType{kind}.do"}
    return {"@type": "sc:CreativeWork", "name": licence or "not stated"}


def data_type(arrow_type: str | None, kind: str | None = None) -> str:
    """The Croissant data type of a column, from its Arrow type string (else from its synthgate kind)."""
    text = (arrow_type or "").strip().lower()
    if text.startswith("dictionary<"):
        text = text.partition("values=")[2]
    if text.startswith(("int", "uint")):
        return "sc:Integer"
    if text.startswith(("float", "double", "halffloat", "decimal")):
        return "sc:Float"
    if text.startswith("bool"):
        return "sc:Boolean"
    if text.startswith("date"):
        return "sc:Date"
    if text.startswith("timestamp"):
        return "sc:DateTime"
    if text.startswith(("string", "large_string", "utf8", "large_utf8")):
        return "sc:Text"
    return {"numerical": "sc:Float", "boolean": "sc:Boolean", "datetime": "sc:DateTime"}.get(kind or "", "sc:Text")


def _text(text: str) -> str | dict:
    """Text as it is (tagged English by the context), or as a Korean-tagged value when it holds Hangul."""
    return {"@value": text, "@language": "ko"} if _HANGUL.search(text) else text


def _description(version: Version) -> str:
    text = version.description.strip() or f"{version.title}: a synthetic dataset published with synthgate."
    if version.tombstone:
        tomb = version.tombstone
        what = "EXPIRED (retention ended)" if tomb.kind == "expired" else "WITHDRAWN"
        return f"{what} on {tomb.at} by {tomb.by}: {tomb.reason}. Its files are no longer available. {text}"
    return text


def _organisation(card: dict) -> dict:
    org: dict[str, Any] = {"@type": "sc:Organization",
                           "name": card.get("publisher") or "Publisher not named in the dataset card"}
    contact = card.get("contact")
    if contact:
        org["email" if "@" in contact and "://" not in contact else "url"] = contact
    return org


def _keywords(version: Version) -> list[str]:
    words = [*version.card.get("keywords", []), version.domain, "synthetic data"]
    if version.dp:
        words.append("differential privacy")
    return list(dict.fromkeys(w for w in words if w))


def _distribution(version: Version, base: str) -> list[dict]:
    files = [(name, facts.get("bytes"), facts.get("sha256")) for name, facts in version.files.items()]
    for extra in (MANIFEST, TOMBSTONE):  # never in the manifest's own file list; hashed here
        path = version.folder / extra
        if path.is_file() and extra not in version.files:
            data = path.read_bytes()
            files.append((extra, len(data), hashlib.sha256(data).hexdigest()))
    objects = []
    for name, size, sha in files:
        obj: dict[str, Any] = {"@type": "cr:FileObject", "@id": name, "name": name,
                               "contentUrl": base + quote(name),
                               "encodingFormat": ENCODING_FORMATS.get(Path(name).suffix.lower(),
                                                                      "application/octet-stream")}
        if isinstance(size, int):
            obj["contentSize"] = f"{size} B"
        if sha:
            obj["sha256"] = sha
        if name == version.data_file:
            obj["description"] = f"The synthetic table ({version.rows} rows)." if version.rows is not None \
                else "The synthetic table."
        objects.append(obj)
    return objects


def _record_set(version: Version) -> dict:
    record_set = version.dataset
    fields = []
    for column in version.schema():
        fields.append({
            "@type": "cr:Field",
            "@id": f"{record_set}/{quote(column.name, safe='')}",
            "name": column.name,
            "description": _text(column.description)
            or f"Column {column.name} ({column.kind or 'kind not recorded'}).",
            "dataType": data_type(column.type, column.kind),
            "source": {"fileObject": {"@id": version.data_file}, "extract": {"column": column.name}},
        })
    rows = f"{version.rows} " if version.rows is not None else ""
    return {"@type": "cr:RecordSet", "@id": record_set, "name": record_set,
            "description": f"The {rows}synthetic rows of {version.data_file}, one record per row.",
            "field": fields}
