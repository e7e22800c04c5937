"""Errors of the release pipeline: facts as attributes, messages that never hold a cell value.

Exception tree::

    SynthgateError                  root; ``exit_code`` tells the CLI how to exit
    ├── InputError                  exit 2: bad input, nothing was started or published
    │   ├── SpecError               the release spec (key, type, value, rule/kind fit)
    │   ├── SourceError             the source file(s): missing, unreadable, empty, unparsable
    │   ├── ColumnPlanError         unplanned columns, or planned columns missing from the data
    │   ├── ColumnTypeError         a column's values do not fit its declared kind
    │   ├── KeyConfigError          the pseudonymisation key is missing or too short
    │   ├── VersionExistsError      the release version is already in the catalog
    │   │   └── VersionWithdrawnError   ... and was withdrawn: never republished
    │   ├── DatasetBusy             another run of the dataset is running or awaiting review
    │   ├── ReviewError             a review decision refused (reviewer not listed, wrong report hash, no such run)
    │   ├── TableShapeError         a table too wide for the generator, or too small or rare to learn from
    │   └── FileSystemError         a folder not writable, a disk full, a read-only file system (errno and path)
    ├── ValidationFailed            exit 1: a quality or privacy gate failed; nothing published
    ├── RiskGateFailed              exit 1: the re-identification threshold cannot be met; nothing published
    ├── PrivacyStageError           exit 3: the privacy step refused the data (its message holds no value)
    ├── EvaluationStageError        exit 3: the evaluation could not compare the tables (no value either)
    ├── ReportFailed                exit 3: report.html or report.pdf could not be written; nothing published
    ├── AuditTrailError             exit 3: the catalog's audit trail refused an event or cannot be appended to
    ├── ReviewedFilesChanged        exit 3: a pending release's files differ from those reviewed; nothing published
    ├── ComponentStageError         exit 3: a leaf's own error (generators, expectations, report, catalog), message shown
    ├── FileSystemStageError        exit 3: an I/O error of the machine (EIO, ...): errno and path only
    └── StageError                  exit 3: an unexpected failure inside a stage (type only)
"""
from __future__ import annotations

from collections.abc import Sequence


class SynthgateError(Exception):
    """Root of every error synthgate raises on purpose."""

    exit_code = 3


class InputError(SynthgateError):
    """Bad input: the run stops before anything is published."""

    exit_code = 2


class SpecError(InputError):
    """The release spec is invalid."""

    def __init__(self, path: str, location: str, problem: str) -> None:
        self.path, self.location, self.problem = path, location, problem
        where = f"{path}: {location}: " if location else f"{path}: "
        super().__init__(where + problem)


class SourceError(InputError):
    """The source file(s) cannot be used."""

    def __init__(self, source: str, problem: str, *, transient: bool = False) -> None:
        # transient: an I/O failure that may pass (a network share hiccup), so ingest retries it.
        self.source, self.problem, self.transient = source, problem, transient
        super().__init__(f"source {source}: {problem}")


class ColumnPlanError(InputError):
    """The columns of the data and the columns of the spec disagree."""

    def __init__(self, unplanned: Sequence[str], missing: Sequence[str]) -> None:
        self.unplanned, self.missing = list(unplanned), list(missing)
        parts = []
        if self.unplanned:
            parts.append("columns in the data but not in the spec: " + ", ".join(self.unplanned))
        if self.missing:
            parts.append("columns in the spec but not in the data: " + ", ".join(self.missing))
        super().__init__("; ".join(parts) + " (every column must be planned exactly once)")


class ColumnTypeError(InputError):
    """A column's values do not fit the kind the spec declares."""

    def __init__(self, column: str, kind: str, bad_cells: int, allowed: str) -> None:
        self.column, self.kind, self.bad_cells = column, kind, bad_cells
        super().__init__(
            f"column '{column}' is declared {kind} but {bad_cells} non-null value(s) are not {allowed}"
        )


class KeyConfigError(InputError):
    """The pseudonymisation key is not available or not acceptable."""


class VersionExistsError(InputError):
    """A published version is never overwritten."""

    def __init__(self, dataset: str, version: str, path: str) -> None:
        self.dataset, self.version, self.path = dataset, version, path
        super().__init__(
            f"release {dataset} {version} already exists at {path}; published versions are never "
            "overwritten: raise dataset.version in the spec"
        )


class VersionWithdrawnError(VersionExistsError):
    """A withdrawn version keeps its folder (manifest and tombstone) and is never published again."""

    def __init__(self, dataset: str, version: str, path: str, withdrawn_at: str) -> None:
        self.dataset, self.version, self.path, self.withdrawn_at = dataset, version, path, withdrawn_at
        InputError.__init__(self, f"release {dataset} {version} was withdrawn on {withdrawn_at}: a withdrawn version "
                            f"is never republished ({path}); raise dataset.version in the spec")


class DatasetBusy(InputError):
    """One run per dataset at a time: another run holds the dataset (running, or suspended for review)."""

    def __init__(self, dataset: str, holder: str, state: str, since: str, lock_path: str) -> None:
        self.dataset, self.holder, self.state, self.since, self.lock_path = dataset, holder, state, since, lock_path
        super().__init__(
            f"dataset {dataset} is busy: flow run {holder} ({state}, since {since}) holds it; this run stops "
            f"without publishing. Run again when that run has ended (if none is going on, remove {lock_path})"
        )


class ValidationFailed(SynthgateError):
    """At least one expectation failed: the release is blocked."""

    exit_code = 1

    def __init__(self, failures: Sequence[str], docs_path: str | None) -> None:
        self.failures, self.docs_path = list(failures), docs_path
        super().__init__(f"{len(self.failures)} expectation(s) failed; nothing was published")


class RiskGateFailed(SynthgateError):
    """The pseudonymised table misses the spec's risk threshold after every configured step."""

    exit_code = 1

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"{reason}; nothing was published (add generalisation or suppression steps to risk.steps, "
                         "or leave a quasi-identifier out of the release)")


class PrivacyStageError(SynthgateError):
    """A privacy step refused the data; privacy errors name columns, rules and counts, never values."""

    def __init__(self, stage: str, reason: str) -> None:
        self.stage, self.reason = stage, reason
        super().__init__(f"stage '{stage}' failed: {reason}")


class EvaluationStageError(SynthgateError):
    """The evaluation could not compare the tables (an empty holdout, mismatched columns); names, kinds, counts only."""

    def __init__(self, stage: str, reason: str) -> None:
        self.stage, self.reason = stage, reason
        super().__init__(f"stage '{stage}' failed: {reason}")


class ReportFailed(SynthgateError):
    """The release report could not be written or printed; nothing was published."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"the release report failed: {reason}")


class AuditTrailError(SynthgateError):
    """The catalog's audit trail (audit.jsonl) refused an event or cannot be written; names and paths only."""


class ReviewError(InputError):
    """A review command or decision was refused; names, run ids and hashes only."""


class ReviewedFilesChanged(SynthgateError):
    """A pending release's files are not the ones the reviewers read; nothing was published."""

    def __init__(self, folder: str, changed: Sequence[str]) -> None:
        self.folder, self.changed = folder, list(changed)
        super().__init__(f"the pending release {folder} changed since it was reviewed ({', '.join(self.changed[:5])}"
                         f"{' and more' if len(self.changed) > 5 else ''}); nothing was published")


class StageError(SynthgateError):
    """An unexpected error inside a stage, reported by type only (its message may hold data)."""

    def __init__(self, stage: str, error_type: str) -> None:
        self.stage, self.error_type = stage, error_type
        super().__init__(
            f"stage '{stage}' failed with {error_type}; its message is withheld because it may "
            "contain data (set SYNTHGATE_DEBUG=1 to print the traceback on this terminal only)"
        )


class TableShapeError(InputError):
    """The table cannot be learned as it is: too wide for the generator's memory, too small, too rare."""


class ComponentStageError(SynthgateError):
    """A leaf package's own error inside a stage; those packages build messages from names, rules and counts only.

    Only the value-free error trees are wrapped (see :func:`flows.failures.describe`): generators.GeneratorError,
    expectations.ExpectationsError, report.ReportError and catalog.CatalogError; anything else stays a StageError.
    """

    def __init__(self, stage: str, error_type: str, reason: str) -> None:
        self.stage, self.error_type, self.reason = stage, error_type, reason
        super().__init__(f"stage '{stage}' failed: {reason} ({error_type})")


class FileSystemError(InputError):
    """The machine's folders refused a file (permission, read-only, disk full, file too large, gone): exit 2.

    Built from the error's errno and file names only, never from its text: paths are not data.
    """

    def __init__(self, where: str, errno_name: str, path: str | None, advice: str) -> None:
        self.where, self.errno_name, self.path, self.advice = where, errno_name, path, advice
        on = f" on {path}" if path else ""
        super().__init__(f"{where}: {errno_name}{on}: {advice}")


class FileSystemStageError(SynthgateError):
    """Any other I/O error with an errno (EIO, ESTALE, ...): exit 3, errno and path only."""

    def __init__(self, where: str, errno_name: str, path: str | None) -> None:
        self.where, self.errno_name, self.path = where, errno_name, path
        on = f" on {path}" if path else ""
        super().__init__(f"{where}: {errno_name}{on}: an I/O error of the machine; nothing was published "
                         "(check the disk or network share, then run again)")
