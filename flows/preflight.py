"""Check a release before the orchestrator starts, so bad input stops in one clear line."""
from __future__ import annotations

from dataclasses import dataclass

from synthgate import privacy
from synthgate.flows import convert
from synthgate.flows.errors import InputError
from synthgate.flows.keys import additional_information_key, key_from_environment
from synthgate.flows.publish import ensure_version_is_new, layout_for
from synthgate.flows.sources import SourceFacts, check_columns, read_source
from synthgate.flows.spec import LoadedSpec
from synthgate.flows.tables import coerce_kinds


@dataclass(frozen=True)
class PreflightReport:
    source: SourceFacts
    key_id: str | None
    key_origin: str | None
    release_dir: str


def preflight(loaded: LoadedSpec) -> PreflightReport:
    """Everything that can be checked without running: version, key, source, columns, kinds.

    The source is read in full here and again by the ingest task: reading is cheap next to
    training, and a CSV that breaks on its last row must stop the run before it starts.

    Raises:
        InputError: the first problem found (VersionExistsError, KeyConfigError, SourceError,
            ColumnPlanError or ColumnTypeError).
    """
    spec = loaded.spec
    ensure_version_is_new(loaded)
    key_id = origin = None
    if convert.keyed_columns(spec):
        if spec.privacy.key_secret_block is None:
            key_id, origin = key_from_environment(spec.privacy).key_id, f"${spec.privacy.key_env}"
        else:
            origin = f"Prefect Secret '{spec.privacy.key_secret_block}' (loaded when the run starts)"
    if spec.privacy.additional_information is not None:
        additional_information_key(spec.privacy)
    frame, facts = read_source(loaded.source_pattern, fmt=spec.source.format,
                               delimiter=spec.source.delimiter, encoding=spec.source.encoding)
    check_columns(list(frame.columns), list(spec.columns))
    coerce_kinds(frame, {name: col.kind.value for name, col in spec.columns.items()})
    _check_evaluation(loaded, facts.rows)
    return PreflightReport(facts, key_id, origin, str(layout_for(loaded).release_dir))


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
