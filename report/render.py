"""Render the release report (report.html) from the release's evaluation, manifest and validation JSON."""
from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from synthgate.report import _evaluation, _gates, _release
from synthgate.report._words import GLOSSARY
from synthgate.report.errors import ReportError, ReportInputError

TEMPLATES = Path(__file__).resolve().parent / "templates"
REPORT_FILE = "report.html"
EVALUATION_FORMATS = (2,)  # the gate format: estimate, interval, verdict per gate
DEFAULT_DATA_DOCS = "data_docs/index.html"
# A relative path: no scheme, no host, no absolute path ("../data_docs/index.html" is fine for a
# report written beside the Data Docs folder, as in a blocked run's workspace).
_RELATIVE = re.compile(r"^(?![a-zA-Z][a-zA-Z0-9+.-]*:)(?!/)(?!.*//)[^\s\\\"'<>]+$")


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    # autoescape on for every template (names end in .j2, so select_autoescape would miss them):
    # column names and categories come from user data. StrictUndefined: a typo in the template fails.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _require(data: Any, file: str, key: str, kind: type | tuple[type, ...], what: str) -> None:
    if not isinstance(data, Mapping):
        raise ReportInputError(file, "the document", "is not a JSON object")
    if key not in data:
        raise ReportInputError(file, key, "is missing")
    if not isinstance(data[key], kind) or (kind is int and isinstance(data[key], bool)):
        raise ReportInputError(file, key, f"must be {what}")


def _check_inputs(evaluation: Any, manifest: Any, validation: Any, data_docs_href: str | None) -> None:
    _require(evaluation, "evaluation.json", "passed", bool, "true or false")
    _require(evaluation, "evaluation.json", "format_version", int, "a whole number")
    version = evaluation["format_version"]
    if version not in EVALUATION_FORMATS:
        raise ReportInputError("evaluation.json", "format_version",
                               f"{version!r} is not one this report reads ({', '.join(map(str, EVALUATION_FORMATS))})")
    _require(manifest, "manifest.json", "dataset", Mapping, "an object")
    for key in ("name", "version"):
        _require(manifest["dataset"], "manifest.json", key, str, "text")
    _require(validation, "validation.json", "success", bool, "true or false")
    for key in ("evaluated", "failed"):
        _require(validation, "validation.json", key, int, "a whole number")
    if data_docs_href is not None and not _RELATIVE.match(data_docs_href):
        raise ReportError("data_docs_href must be a relative link (like "
                          f"{DEFAULT_DATA_DOCS!r}, no scheme, host or absolute path): the report links to nothing else")


def build_context(*, evaluation: Mapping, manifest: Mapping, validation: Mapping,
                  data_docs_href: str | None = DEFAULT_DATA_DOCS) -> dict:
    """Everything the template shows, already worded and formatted (the template only lays it out).

    Raises:
        ReportInputError: a file lacks a key the report needs.
        ReportError: ``data_docs_href`` is not a relative link.
    """
    _check_inputs(evaluation, manifest, validation, data_docs_href)
    dataset = manifest["dataset"]
    return {
        "dataset": {"name": dataset["name"], "version": dataset["version"],
                    "title": dataset.get("title") or dataset["name"], "description": dataset.get("description") or "",
                    "licence": dataset.get("licence"), "domain": dataset.get("domain")},
        "created_at": manifest.get("created_at"),
        "verdict": _gates.verdict(evaluation, validation, manifest),
        "pseudonymisation": _release.pseudonymisation(manifest),
        "k_anonymity": _release.k_anonymity(manifest),
        "generator": _release.generator(manifest),
        "fidelity": _evaluation.fidelity(evaluation),
        "utility": _evaluation.utility(evaluation),
        "privacy": _evaluation.privacy(evaluation),
        "samples": _evaluation.samples(evaluation),
        "validation": _evaluation.validation(validation, data_docs_href),
        "data_docs": _release.data_docs(manifest),
        "reproducibility": _release.reproducibility(manifest, evaluation),
        "review": _release.review(manifest),
        "glossary": GLOSSARY,
    }


def render_report(*, evaluation: Mapping, manifest: Mapping, validation: Mapping,
                  data_docs_href: str | None = DEFAULT_DATA_DOCS) -> str:
    """The report as one self-contained HTML page: inline CSS and SVG, no script, no external URL.

    The same inputs give the same bytes (no clock, no random ids), so an auditor can rebuild the
    report from the release's files and compare its hash.

    Args:
        evaluation: evaluation.json as a dict.
        manifest: the release's manifest.json as a dict.
        validation: validation.json as a dict.
        data_docs_href: Relative link to the Data Docs, or None to leave the link out.

    Returns:
        The HTML text.

    Raises:
        ReportInputError: a file lacks a key the report needs, or holds the wrong type there.
        ReportError: ``data_docs_href`` is not a relative link.
    """
    context = build_context(evaluation=evaluation, manifest=manifest, validation=validation,
                            data_docs_href=data_docs_href)
    return _environment().get_template("report.html.j2").render(**context)


def write_report(out_dir: Path, *, evaluation: Mapping, manifest: Mapping, validation: Mapping,
                 data_docs_href: str | None = DEFAULT_DATA_DOCS) -> Path:
    """Render the report and write ``out_dir/report.html`` atomically (a reader never sees half a file).

    Args:
        out_dir: The release folder (must exist).
        evaluation: evaluation.json as a dict.
        manifest: the release's manifest.json as a dict.
        validation: validation.json as a dict.
        data_docs_href: Relative link to the Data Docs, or None to leave the link out.

    Returns:
        The path of report.html.

    Raises:
        ReportInputError: a file lacks a key the report needs.
        ReportError: ``out_dir`` is not a folder, or ``data_docs_href`` is not relative.
    """
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise ReportError(f"cannot write the report: {out_dir} is not a folder")
    html = render_report(evaluation=evaluation, manifest=manifest, validation=validation, data_docs_href=data_docs_href)
    target = out_dir / REPORT_FILE
    fd, temp = tempfile.mkstemp(prefix=".report-", suffix=".html.tmp", dir=out_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(html)
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target
