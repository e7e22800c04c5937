"""Publish a validated release into the catalog: all of it, atomically, or nothing."""
from __future__ import annotations

import json
import os
import platform
import re
import secrets
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Callable

import pandas as pd

from synthgate.flows import convert
from synthgate.flows.errors import (InputError, ReportFailed, ReviewedFilesChanged, VersionExistsError,
                                    VersionWithdrawnError)
from synthgate.flows.sources import file_sha256
from synthgate.flows.spec import LoadedSpec
from synthgate.flows.workspace import ReleaseLayout, Workspace, read_json, steps_applied, write_json

LIBRARIES = (
    "synthgate", "sdv", "rdt", "ctgan", "copulas", "sdmetrics", "torch", "pandas", "numpy", "pyarrow",
    "presidio-analyzer", "presidio-anonymizer", "spacy", "prefect", "great-expectations", "pydantic",
    "scikit-learn", "scipy", "opacus", "jinja2",
)
FORMAT_VERSION = 1
# A published page must open offline and contact no one: an absolute or protocol-relative URL
# to another host, a script or a CSS import refuses the Data Docs (GX's own site loaded its CSS
# and JavaScript from CDNs).
_EXTERNAL = re.compile(rb"(?i)(?:https?:)?//[a-z0-9-]+(?:\.[a-z0-9-]+)+|<script|@import")
# The card names at most this many categories of a column (all of them held by >= k rows).
CARD_CATEGORIES = 12


@dataclass(frozen=True)
class Published:
    release_dir: str
    data_file: str
    manifest: str
    data_docs: str
    report: str
    rows: int


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def layout_for(loaded: LoadedSpec) -> ReleaseLayout:
    return ReleaseLayout(loaded.catalog_dir, loaded.spec.dataset.name, loaded.spec.dataset.version)


def ensure_version_is_new(loaded: LoadedSpec) -> None:
    """Raise VersionExistsError when the release folder is already in the catalog (VersionWithdrawnError
    when it holds a tombstone: the folder stays after a withdrawal, so the version is never published again)."""
    layout = layout_for(loaded)
    if layout.release_dir.exists():
        tombstone = layout.release_dir / "WITHDRAWN.json"
        if tombstone.is_file():
            try:
                at = str(json.loads(tombstone.read_text(encoding="utf-8")).get("at") or "an unrecorded date")
            except (OSError, ValueError, AttributeError):
                at = "an unrecorded date"
            raise VersionWithdrawnError(layout.dataset, layout.version, str(layout.release_dir), at[:10])
        raise VersionExistsError(layout.dataset, layout.version, str(layout.release_dir))


def _write_parquet(table: pd.DataFrame, path: Path, loaded: LoadedSpec, ws: Workspace,
                   kinds: dict[str, str] | None = None) -> None:
    """The Parquet file with each column's kind and the dataset's facts as metadata (``kinds``: one table of
    several; default the spec's single table)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    spec = loaded.spec
    kinds = kinds if kinds is not None else convert.released_kinds(spec, steps_applied(ws))
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    fields = [field.with_metadata({b"synthgate.kind": kinds[field.name].encode()}) for field in arrow.schema]
    schema = pa.schema(fields, metadata={
        **(arrow.schema.metadata or {}),
        b"synthgate.dataset": json.dumps({
            "name": spec.dataset.name, "version": spec.dataset.version, "title": spec.dataset.title,
            "description": spec.dataset.description, "licence": spec.dataset.licence,
            "domain": spec.dataset.domain.value, "synthetic": True,
        }).encode(),
        b"synthgate.kinds": json.dumps(kinds).encode(),
    })
    pq.write_table(arrow.cast(schema), path, compression="zstd")


def _card(loaded: LoadedSpec, manifest: dict, data_file: str, profile: dict | None = None) -> str:
    spec, facts = loaded.spec, manifest
    columns = {c["name"]: c for c in (profile or {}).get("columns", [])}
    protection = (profile or {}).get("protection", 1)
    lines = [
        f"# {spec.dataset.title}", "",
        f"`{spec.dataset.name}` version {spec.dataset.version} · domain {spec.dataset.domain.value} · "
        f"licence {spec.dataset.licence}", "",
        spec.dataset.description.strip(), "",
        "**This is synthetic data.** No row describes a real person: it was sampled from a "
        f"`{facts['generator']['kind']}` model trained on a pseudonymised table, and it passed "
        f"{facts['validation']['evaluated']} quality and privacy expectations (see `data_docs/index.html`).", "",
        "## Load it", "",
        "```python", "import pandas as pd", f'df = pd.read_parquet("{data_file}")', "```", "",
        "## Columns", "", "| column | kind | values checked |", "| --- | --- | --- |",
        *[f"| {name} | {kind} | {_checked_values(columns.get(name))} |" for name, kind in facts["columns"].items()], "",
        f"Rows: {facts['rows']['synthetic']}. Identifier columns hold fresh random identifiers that "
        "link to nothing. Integrity: `manifest.json` lists the sha256 of every file.", "",
        _protection_note(profile, protection), "",
    ]
    return "\n".join(lines)


def _checked_values(column: dict | None) -> str:
    """The categories or range the validation checked, as the (protected) profile states them."""
    if not column:
        return "—"
    categories = column.get("categories")
    if categories is not None:
        if not categories:
            return "none named"
        shown = ", ".join(_cell(c) for c in categories[:CARD_CATEGORIES])
        more = f" and {len(categories) - CARD_CATEGORIES} more" if len(categories) > CARD_CATEGORIES else ""
        return f"{shown}{more}"
    if column.get("minimum") is not None and column.get("maximum") is not None:
        return f"{_number(column['minimum'])} to {_number(column['maximum'])}"
    return "—"


def _protection_note(profile: dict | None, protection: int) -> str:
    if profile is None:
        return ""
    if profile.get("private"):
        return ("The generator was trained with differential privacy: the categories and ranges above are the "
                "declared public domains; columns without one show none, and nothing in them was read from the data.")
    if protection > 1:
        return (f"Categories and ranges come from the training table with value protection k={protection}: a "
                f"category held by fewer than {protection} rows is not named (the generator may show it as its "
                f"placeholder), and a range starts from the {protection}th smallest and largest values, rounded "
                f"outward past any value fewer than {protection} rows hold. A few synthetic values may lie "
                "slightly outside; the Data Docs say how many may.")
    return "Ranges are the training ranges rounded outward to 2 significant figures."


def _number(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _copy_data_docs(source: Path, target: Path) -> None:
    """Copy the Data Docs, refusing any file that would fetch from another host or run a script.

    Raises:
        ReportFailed: a Data Docs file refers to an external address (nothing is published).
    """
    shutil.copytree(source, target)
    for path in sorted(target.rglob("*")):
        if path.is_file() and _EXTERNAL.search(path.read_bytes()):
            raise ReportFailed(f"{ReleaseLayout.DATA_DOCS}/{path.relative_to(target)} would load from another "
                               "host or run a script; only self-contained Data Docs are published")


def _risk_facts(risk: dict | None) -> dict | None:
    """The re-identification figures of the pseudonymised table: sizes and counts, never a value."""
    if risk is None:
        return None
    final = risk["steps"][-1]["risk"] if risk["steps"] else risk["initial"]
    return {
        "quasi_identifiers": risk["quasi_identifiers"], "threshold": risk["threshold"], "met": risk["met"],
        "before": risk["initial"], "after": final, "steps_applied": risk["steps_applied"],
        "steps": [{k: v for k, v in step.items() if k != "risk"} for step in risk["steps"]],
    }


def _manifest(loaded: LoadedSpec, ws: Workspace, flow_run_id: str | None) -> dict:
    spec = loaded.spec
    privacy_report = read_json(ws.privacy_report)
    sample = read_json(ws.sample_report)
    validation = read_json(ws.validation_summary)
    ingest = read_json(ws.ingest_facts)
    model = read_json(ws.model_dir / "manifest.json")
    train = read_json(ws.train_facts) if ws.train_facts.exists() else {}
    return {
        "format_version": FORMAT_VERSION,
        "dataset": {
            "name": spec.dataset.name, "version": spec.dataset.version, "title": spec.dataset.title,
            "description": spec.dataset.description, "licence": spec.dataset.licence,
            "domain": spec.dataset.domain.value, "access": spec.dataset.access,
            "retention": spec.dataset.retention.model_dump(mode="json") if spec.dataset.retention else None,
            "card": _card_facts(loaded),
        },
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "run": {"workspace_run_id": ws.root.name, "prefect_flow_run_id": flow_run_id, **_version_facts(ws)},
        "spec_sha256": loaded.sha256,
        "source": {"sha256": ingest["sha256"], "rows": ingest["rows"], "columns": ingest["columns"],
                   "files": len(ingest["files"]), "renamed_headers": ingest.get("renamed_headers", [])},
        "privacy": {
            "key_id": privacy_report.get("key_id"),
            "plan": {
                name: {"kind": col.kind.value, "action": col.action.value,
                       "rule": col.rule.model_dump(mode="json") if col.rule else None}
                for name, col in spec.columns.items()
            },
            "columns": privacy_report["columns"],
            "excluded_text_columns": sample["excluded_text_columns"],
            "date_shift": privacy_report.get("date_shift"),
            "additional_information": privacy_report.get("additional_information"),
            "risk": _risk_facts(privacy_report.get("risk")),
        },
        "generator": {
            "kind": spec.generator.kind, "params": model.get("params", {}), "device": model.get("device"),
            "seed": spec.generator.seed, "train_seconds": model.get("train_seconds"),
            "model_sha256": model.get("model_sha256") or model.get("sha256"),
            "training": _training_facts(model.get("training")),
            "training_sample": {**train, "limit": spec.generator.train_rows} if train else None,
            "differential_privacy": model.get("dp"),
        },
        "rows": {"source": ingest["rows"], "training": train.get("available_rows", model.get("rows")),
                 "learned": model.get("rows"), "synthetic": sample["rows"],
                 "discarded_copies": sample["discarded_copies"], "drawn": sample.get("drawn_rows")},
        "columns": convert.released_kinds(spec, steps_applied(ws)),
        "holdout": read_json(ws.holdout_facts),
        "evaluation": _evaluation_facts(read_json(ws.evaluation)),
        "validation": {"success": validation["success"], "evaluated": validation["evaluated"],
                       "failed": validation["failed"]},
        "libraries": library_versions(),
    }


def _card_facts(loaded: LoadedSpec) -> dict:
    """The spec's dataset card, with the citation built when the spec gives none (the catalog page shows it)."""
    dataset = loaded.spec.dataset
    card = dataset.card.model_dump(mode="json")
    if not card["citation"]:
        year = datetime.now(timezone.utc).year
        by = f"{card['publisher']} " if card["publisher"] else ""
        card["citation"] = f"{by}({year}). {dataset.title}, version {dataset.version} [synthetic dataset]. {dataset.licence}."
    return card


def _schema(table: pd.DataFrame, data_file: Path, loaded: LoadedSpec, kinds: dict[str, str]) -> list[dict]:
    """Column, kind, description, Arrow type (as written) and null share of the published table."""
    import pyarrow.parquet as pq

    arrow = pq.read_schema(data_file)
    nulls = table.isna().mean() if len(table) else None
    columns = loaded.spec.columns
    return [{"name": field.name, "kind": kinds.get(field.name), "type": str(field.type),
             "description": columns[field.name].description if field.name in columns else "",
             "null_share": round(float(nulls[field.name]), 6) if nulls is not None else None}
            for field in arrow]


def _version_facts(ws: Workspace) -> dict:
    """How the run's version came about (a template resolved when the run started), from run.json."""
    run = read_json(ws.run_record) if ws.run_record.is_file() else {}
    return {key: run[key] for key in ("version_template", "version_resolved_at") if key in run}


def _evaluation_facts(figures: dict) -> dict:
    gates = figures.get("gates", [])
    return {"passed": figures.get("passed"), "verdict": figures.get("verdict"), "gates": len(gates),
            "failed": sum(not g["passed"] for g in gates),
            "inconclusive": sorted(g["metric"] for g in gates if g.get("verdict") == "inconclusive"),
            "accepted_inconclusive": sorted(g["metric"] for g in gates if g.get("accepted")),
            "file": ReleaseLayout.EVALUATION}


def _training_facts(training: dict | None) -> dict | None:
    """Epochs, steps, why training stopped, and the loss per epoch (none under DP: losses are withheld there)."""
    if not training:
        return None
    facts = {key: training.get(key) for key in ("epochs", "steps", "stopped", "max_minutes", "threads")}
    facts["curve"] = [
        {"epoch": point.get("epoch"), "loss": point.get("train_loss"), "val_loss": point.get("val_loss")}
        for point in training.get("curve") or []
    ]
    return facts


def _file_hashes(folder: Path) -> dict:
    return {
        str(path.relative_to(folder)): dict(zip(("sha256", "bytes"), file_sha256(path)))
        for path in sorted(folder.rglob("*")) if path.is_file()
    }


def write_report(folder: Path, manifest: dict, *, evaluation: dict, validation: dict, pdf: bool,
                 data_docs_href: str | None) -> list[str]:
    """Write report.html (and report.pdf) into ``folder``; the report lists the files already there.

    Raises:
        InputError: the release's files are not ones this report reads (e.g. an older format).
        ReportFailed: the PDF could not be printed (chromium missing or failing).
    """
    from synthgate import report

    # As the manifest will read back from its file (sorted keys, JSON types): a rebuild from the
    # published files then gives the same bytes.
    manifest = json.loads(json.dumps(manifest, sort_keys=True, default=str))
    try:
        html = report.write_report(folder, evaluation=evaluation, manifest=manifest, validation=validation,
                                   data_docs_href=data_docs_href)
    except report.ReportInputError as exc:  # e.g. evaluation.json of an older format: one line, exit 2
        raise InputError(str(exc)) from None
    written = [html.name]
    if pdf:
        try:
            report.print_pdf(html, folder / ReleaseLayout.REPORT_PDF)
        except report.ReportError as exc:
            raise ReportFailed(str(exc)) from None
        written.append(ReleaseLayout.REPORT_PDF)
    return written


def write_blocked_report(loaded: LoadedSpec, ws: Workspace) -> Path:
    """A blocked run's report, in the workspace, so reviewers see why nothing was published (no PDF)."""
    manifest = _manifest(loaded, ws, flow_run_id=None)
    ws.report_dir.mkdir(exist_ok=True, mode=0o700)
    write_report(ws.report_dir, manifest, evaluation=read_json(ws.evaluation),
                 validation=read_json(ws.validation_summary), pdf=False,
                 data_docs_href=os.path.relpath(ws.data_docs_dir / "index.html", ws.report_dir))
    return ws.report_dir / ReleaseLayout.REPORT


def write_release(folder: Path, loaded: LoadedSpec, ws: Workspace, *, flow_run_id: str | None = None,
                  review: dict | None = None) -> dict:
    """Write every file of the release into ``folder``: the catalog's staging folder, or a pending review's.

    ``review`` (the committee's status or decision, facts only) goes into the manifest and the report.
    Returns the manifest as written.
    """
    layout = layout_for(loaded)
    synthetic = pd.read_parquet(ws.synthetic_table)
    _write_parquet(synthetic, folder / layout.data_file_name, loaded, ws)
    _copy_data_docs(ws.data_docs_dir, folder / layout.DATA_DOCS)
    shutil.copyfile(ws.validation_summary, folder / layout.VALIDATION)
    shutil.copyfile(ws.evaluation, folder / layout.EVALUATION)
    manifest = _manifest(loaded, ws, flow_run_id)
    manifest["schema"] = _schema(synthetic, folder / layout.data_file_name, loaded, manifest["columns"])
    if review is not None:
        manifest["review"] = review
    profile = read_json(ws.profile) if ws.profile.is_file() else None
    card = _card(loaded, manifest, layout.data_file_name, profile)
    (folder / layout.CARD).write_text(card, encoding="utf-8")
    # The report shows every file's hash but its own: hash, render, then hash again.
    manifest["files"] = _file_hashes(folder)
    write_report(folder, manifest, evaluation=read_json(ws.evaluation),
                 validation=read_json(ws.validation_summary), pdf=loaded.spec.evaluation.pdf,
                 data_docs_href=f"{layout.DATA_DOCS}/index.html")
    manifest["files"] = _file_hashes(folder)
    write_json(folder / layout.MANIFEST, manifest)
    return manifest


def _published(layout: ReleaseLayout, rows: int) -> Published:
    final = layout.release_dir
    return Published(
        release_dir=str(final), data_file=str(final / layout.data_file_name),
        manifest=str(final / layout.MANIFEST), data_docs=str(final / layout.DATA_DOCS / "index.html"),
        report=str(final / layout.REPORT), rows=rows,
    )


def publish_release(loaded: LoadedSpec, ws: Workspace, *, flow_run_id: str | None = None) -> Published:
    """Stage every file beside the final folder, hash it, then rename the folder into place.

    Raises:
        VersionExistsError: the version is already published (checked before and at the rename).
    """
    layout = layout_for(loaded)
    ensure_version_is_new(loaded)
    layout.dataset_dir.mkdir(parents=True, exist_ok=True)
    staging = layout.staging_dir(secrets.token_hex(6))
    staging.mkdir()
    try:
        manifest = write_release(staging, loaded, ws, flow_run_id=flow_run_id)
        # A published version is never empty, so rename() refuses to replace one that appeared
        # meanwhile (ENOTEMPTY); the explicit check above gives the friendly message.
        ensure_version_is_new(loaded)
        staging.rename(layout.release_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return _published(layout, manifest["rows"]["synthetic"])


def publish_reviewed(pending: Path, layout: ReleaseLayout, review: dict, *, pdf: bool) -> Published:
    """Publish a pending release exactly as it was reviewed: only the report and manifest gain the decision.

    Every file the reviewed manifest lists (the reviewed report too) must still have its sha256; nothing
    is recomputed from the workspace.

    Raises:
        ReviewedFilesChanged: a pending file is missing, added or changed since the review began.
        VersionExistsError: the version appeared in the catalog meanwhile.
    """
    def rewrite(folder: Path, manifest: dict) -> None:
        write_report(folder, manifest, evaluation=read_json(folder / layout.EVALUATION),
                     validation=read_json(folder / layout.VALIDATION), pdf=pdf,
                     data_docs_href=f"{layout.DATA_DOCS}/index.html")

    manifest = publish_reviewed_files(pending, layout, review, rewrite)
    return _published(layout, manifest["rows"]["synthetic"])


def publish_reviewed_files(pending: Path, layout: ReleaseLayout, review: dict,
                           rewrite_report: Callable[[Path, dict], None]) -> dict:
    """`publish_reviewed`'s steps for any release kind: ``rewrite_report(folder, manifest)`` writes the report
    (and its PDF) of the manifest with the decision; one table's or several tables'. Returns the manifest."""
    manifest = read_json(pending / layout.MANIFEST)
    _check_reviewed_files(pending, manifest["files"])
    if layout.release_dir.exists():
        raise VersionExistsError(layout.dataset, layout.version, str(layout.release_dir))
    layout.dataset_dir.mkdir(parents=True, exist_ok=True)
    staging = layout.staging_dir(secrets.token_hex(6))
    try:
        shutil.copytree(pending, staging)
        (staging / layout.MANIFEST).unlink()
        # Checked again on the copy: what is renamed into the catalog is what was reviewed.
        _check_reviewed_files(staging, manifest["files"])
        for name in (layout.REPORT, layout.REPORT_PDF):
            (staging / name).unlink(missing_ok=True)
        manifest["review"] = review
        manifest["files"] = _file_hashes(staging)
        rewrite_report(staging, manifest)
        manifest["files"] = _file_hashes(staging)
        write_json(staging / layout.MANIFEST, manifest)
        if layout.release_dir.exists():
            raise VersionExistsError(layout.dataset, layout.version, str(layout.release_dir))
        staging.rename(layout.release_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def _check_reviewed_files(folder: Path, reviewed: dict) -> None:
    now = _file_hashes(folder)
    now.pop(ReleaseLayout.MANIFEST, None)
    changed = sorted(name for name in set(now) | set(reviewed) if now.get(name) != reviewed.get(name))
    if changed:
        raise ReviewedFilesChanged(str(folder), changed)
