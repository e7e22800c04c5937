"""What a failure inside a run says: synthgate's value-free errors in full, file-system errors by errno and path.

A stage (and the CLI around the flow) turns whatever it catches into one SynthgateError here:

- synthgate's own errors pass as they are;
- the leaf packages' error trees, whose messages are built from column names, rules, counts and
  paths only (each package's ``errors.py`` says so), keep their message: privacy, evaluation,
  generators, expectations, report and catalog;
- an OSError with an errno is described by its errno name and its file names (paths are not
  data), never by its text; the ones the user's machine causes (permission, read-only, disk full,
  file too large, gone) are bad input (exit 2) with what to do;
- anything else (pandas, pyarrow, torch, ...) may quote a cell: its type alone (StageError).
"""
from __future__ import annotations

import errno as errno_codes
import os
import sys
import traceback

from synthgate.flows.errors import (
    ComponentStageError,
    EvaluationStageError,
    FileSystemError,
    FileSystemStageError,
    PrivacyStageError,
    RiskGateFailed,
    StageError,
    SynthgateError,
)

# Errnos the user's machine causes, and what to do about each ({folder}: the folder at fault).
ENVIRONMENT_ERRNOS = {
    errno_codes.EACCES: "make {folder} writable (and readable) for the user running synthgate, then run again",
    errno_codes.EPERM: "make {folder} writable (and readable) for the user running synthgate, then run again",
    errno_codes.EROFS: "{folder} is on a read-only file system: point it at a writable folder, then run again",
    errno_codes.ENOSPC: "no space left: free space on the file system holding {folder} (or point it at a larger "
                        "one), then run again",
    errno_codes.EDQUOT: "disk quota exceeded: free space under your quota on {folder} (or point it elsewhere), "
                        "then run again",
    errno_codes.EFBIG: "the file system holding {folder} refuses a file this large: point it at a file system "
                       "without that limit, then run again",
    errno_codes.ENOENT: "a file or folder the run needs is gone from {folder} (moved or deleted while the run "
                        "went on?); run again",
    errno_codes.ENOTDIR: "a part of the path is a file, not a folder: point {folder} at a folder, then run again",
}

# The folder a stage writes into, for errors whose file name Python does not know (pyarrow's).
STAGE_FOLDERS = {"publish": "catalog"}
FOLDER_KEYS = {"catalog": "the catalog folder (output.catalog)", "workspace": "the workspace folder (output.workspace)"}


def describe(stage: str, exc: BaseException, loaded=None) -> SynthgateError:
    """The SynthgateError to raise for ``exc`` caught inside ``stage`` (``loaded``: the run's LoadedSpec, if known).

    With SYNTHGATE_DEBUG=1 the original traceback goes to this terminal's stderr (never to a log).
    """
    from synthgate import catalog, evaluation, expectations, generators, privacy, report

    if isinstance(exc, SynthgateError):
        return exc
    if os.environ.get("SYNTHGATE_DEBUG") == "1":
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.__stderr__)
    if isinstance(exc, privacy.RiskThresholdNotMetError):
        return RiskGateFailed(str(exc))
    if isinstance(exc, privacy.PrivacyError):
        return PrivacyStageError(stage, str(exc))
    if isinstance(exc, evaluation.EvaluationError):
        return EvaluationStageError(stage, str(exc))
    if isinstance(exc, (generators.GeneratorError, expectations.ExpectationsError, report.ReportError,
                        catalog.CatalogError)):
        return ComponentStageError(stage, type(exc).__name__, str(exc))
    if isinstance(exc, OSError) and isinstance(exc.errno, int) and exc.errno > 0:
        return file_system_error(f"stage '{stage}'", exc, folder=_folder(stage, exc, loaded))
    return StageError(stage, type(exc).__name__)


def file_system_error(where: str, exc: OSError, *, folder: str | None = None) -> SynthgateError:
    """FileSystemError (exit 2) for an errno the machine's set-up causes, FileSystemStageError (exit 3) otherwise.

    Only ``exc.errno`` and ``exc.filename`` are read: an OSError's text can be a library's message.
    """
    name = errno_codes.errorcode.get(exc.errno, f"errno {exc.errno}")
    path = exc.filename if isinstance(exc.filename, (str, bytes, os.PathLike)) else None
    path = os.fsdecode(path) if path is not None else None
    advice = ENVIRONMENT_ERRNOS.get(exc.errno)
    if advice is None:
        return FileSystemStageError(where, name, path)
    return FileSystemError(where, name, path, advice.format(folder=folder or (path and f"the folder of {path}")
                                                            or "the folder the run writes to"))


def _folder(stage: str, exc: OSError, loaded) -> str | None:
    """Which configured folder the failing path lies in (named with its spec key), if any."""
    if loaded is None:
        return None
    folders = {"catalog": loaded.catalog_dir, "workspace": loaded.workspace_dir}
    if exc.filename is not None:
        try:
            path = os.path.abspath(os.fsdecode(exc.filename))
        except TypeError:
            path = None
        for key, folder in folders.items():
            if path is not None and (path == str(folder) or path.startswith(str(folder) + os.sep)):
                return f"{FOLDER_KEYS[key]} {folder}"
        return None
    key = STAGE_FOLDERS.get(stage, "workspace")
    return f"{FOLDER_KEYS[key]} {folders[key]}"
