"""Check a release before the orchestrator starts, so bad input stops in one clear line."""
from __future__ import annotations

import errno
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from synthgate import privacy
from synthgate.flows import convert, failures, stream, table_shape
from synthgate.flows.draft import review_marks, text_language
from synthgate.flows.errors import InputError, SpecError
from synthgate.flows.keys import additional_information_key, key_from_environment
from synthgate.flows.publish import ensure_version_is_new, layout_for
from synthgate.flows.sources import SourceFacts, check_columns, empty_columns, hidden_matches, read_source
from synthgate.flows.spec import LoadedSpec
from synthgate.flows.tables import coerce_kinds
from synthgate.flows.timezones import align_timezones


@dataclass(frozen=True)
class PreflightReport:
    source: SourceFacts
    key_id: str | None
    key_origin: str | None
    release_dir: str
    warnings: tuple[str, ...] = field(default_factory=tuple)  # one line each, no value: check prints them


def preflight(loaded: LoadedSpec) -> PreflightReport:
    """Everything that can be checked without running: version, key, source, columns, kinds.

    The source is read in full here and again by the ingest task: reading is cheap next to
    training, and a CSV that breaks on its last row must stop the run before it starts. A
    source past ``SYNTHGATE_STREAM_BYTES`` is read in batches, never held (flows/stream.py):
    every row is parsed, the checks on values look at a bounded sample.

    Raises:
        InputError: the first problem found (SpecError for columns still marked REVIEW,
            VersionExistsError, KeyConfigError, FileSystemError for a catalog or workspace that cannot be
            written, TableShapeError for a table too wide, too small or too rare, SourceError,
            ColumnPlanError or ColumnTypeError).
    """
    spec = loaded.spec
    check_reviews(loaded)
    ensure_version_is_new(loaded)
    key_id = origin = None
    if convert.keyed_columns(spec):
        if spec.privacy.key_secret_block is None:
            key_id, origin = key_from_environment(spec.privacy).key_id, f"${spec.privacy.key_env}"
        else:
            origin = f"Prefect Secret '{spec.privacy.key_secret_block}' (loaded when the run starts)"
    if spec.privacy.additional_information is not None:
        additional_information_key(spec.privacy)
    check_writable(loaded)
    table_shape.check_width(loaded)  # from the spec alone: a 5,000-column table stops before it is read
    empty = None
    if stream.should_stream(loaded.source_pattern):
        # Past SYNTHGATE_STREAM_BYTES: one streaming pass finds parse errors anywhere (with the line),
        # counts rows and nulls; the value checks look at a bounded sample (flows/stream.py).
        scan = stream.scan_spec_source(loaded)
        frame, facts, empty = scan.sample, scan.facts(), scan.empty_columns()
        typed = stream.typed_sample(loaded, scan)
    else:
        frame, facts = read_source(loaded.source_pattern, fmt=spec.source.format, delimiter=spec.source.delimiter,
                                   encoding=spec.source.encoding, rename=spec.source.rename,
                                   dedupe_headers=spec.source.dedupe_headers)
        check_columns(list(frame.columns), list(spec.columns))
        kinds = {name: col.kind.value for name, col in spec.columns.items()}
        typed = coerce_kinds(align_timezones(frame, kinds, spec.source.timezone), kinds)
    _check_evaluation(loaded, facts.rows)
    table_shape.check_learnable(loaded, typed)
    warnings = tuple(w for w in [_language_warning(loaded, frame), *_source_warnings(loaded, frame, empty)] if w)
    return PreflightReport(facts, key_id, origin, str(layout_for(loaded).release_dir), warnings)


def _source_warnings(loaded: LoadedSpec, frame, empty: list[str] | None = None) -> list[str]:
    """Hidden files the source glob skipped, and kept columns empty in every row (names and counts only)."""
    hidden = hidden_matches(loaded.source_pattern)
    lines = [f"{len(hidden)} file(s) matching source.path start with '.' and were skipped (hidden files); "
             "name them in source.path to read them"] if hidden else []
    learned = convert.learned_kinds(loaded.spec)
    lines += [f"column {name!r} is empty in every row: the synthetic column will be empty too; drop it "
              "(action: drop) unless an empty column is what the release should show"
              for name in (empty_columns(frame) if empty is None else empty) if name in learned]
    return lines


def check_reviews(loaded: LoadedSpec) -> None:
    """Refuse columns `init` marked for review (a ``# REVIEW`` comment or ``reviewed: false``) until ``reviewed: true``.

    The decision is the key, not the comment: ``reviewed: true`` is part of the spec whose
    sha256 the manifest keeps. Deleting the comment leaves ``reviewed: false`` standing.

    Raises:
        SpecError: one line naming every unresolved column.
    """
    columns = loaded.spec.columns
    try:
        text = loaded.path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):  # load_spec has read it already; a file gone since has no marks
        text = ""
    marked = set(review_marks(text))
    marked |= {name for name, col in columns.items() if "reviewed" in col.model_fields_set}
    unresolved = [name for name in columns if name in marked and not columns[name].reviewed]
    if unresolved:
        raise SpecError(str(loaded.path), "columns", f"{len(unresolved)} column(s) still marked REVIEW: "
                        f"{', '.join(unresolved)}; read each column's '# REVIEW:' evidence, keep or change its "
                        "action, then set 'reviewed: true' on it")


def _language_warning(loaded: LoadedSpec, frame) -> str | None:
    """A line when privacy.text_language disagrees with the Hangul share of the text columns' values."""
    spec = loaded.spec
    texts = [name for name, col in spec.columns.items()
             if col.kind.value == "text" and col.action is not privacy.Action.DROP]
    found = text_language(frame, texts) if texts else None
    if found is None or found[0] == spec.privacy.text_language:
        return None
    language, share = found
    return (f"privacy.text_language is '{spec.privacy.text_language}' but the Hangul share of the text in "
            f"{', '.join(texts)} is {share:.0%}, which reads as '{language}'; set privacy.text_language: {language} "
            "unless you know better (redaction uses that language's recognizers)")


def _check_evaluation(loaded: LoadedSpec, rows: int) -> None:
    """Both sides of the holdout split get rows, and the PDF printer is there when the spec wants a PDF."""
    block = loaded.spec.evaluation
    held_out = round(rows * block.holdout)
    if held_out < 1 or held_out >= rows:
        raise InputError(f"evaluation.holdout: {rows} source row(s) with a holdout of {block.holdout:g} leave "
                         "the holdout or the training rows empty; the evaluation needs both")
    if block.pdf:
        from synthgate import report

        if report.find_chromium() is None:
            raise InputError("evaluation.pdf: report.pdf is printed by headless Chromium, which was not found; "
                             "install Debian's chromium (make browser) or set evaluation.pdf: false")


def check_writable(loaded: LoadedSpec) -> None:
    """The catalog and the workspace folders take a file: a probe is created and removed in each.

    A folder that does not exist yet is probed in its nearest existing parent (the run creates it).

    Raises:
        FileSystemError: naming the spec key, the folder, the errno and what to do.
    """
    for key, folder in (("output.catalog", loaded.catalog_dir), ("output.workspace", loaded.workspace_dir)):
        probe_dir = Path(folder)
        while not probe_dir.exists() and probe_dir != probe_dir.parent:
            probe_dir = probe_dir.parent
        try:
            if not probe_dir.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(probe_dir))
            with tempfile.NamedTemporaryFile(dir=probe_dir, prefix=".synthgate-probe-"):
                pass
        except OSError as exc:
            if exc.filename is None:
                exc.filename = str(probe_dir)
            raise failures.file_system_error(key, exc, folder=f"{key} ({folder})") from None

