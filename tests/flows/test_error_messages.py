"""A failure inside a run says what happened: synthgate's value-free errors with their message and stage,
file-system errors with their errno, path and what to do (exit 2), anything else by its type alone;
a failed `synthgate run` prints its progress and one error line, no traceback."""
from __future__ import annotations

import errno
import logging
import os
import subprocess
import sys

import pytest

from synthgate import catalog, evaluation, expectations, generators, privacy, report
from synthgate.flows import failures, settings, tasks
from synthgate.flows.errors import (
    ComponentStageError,
    EvaluationStageError,
    FileSystemError,
    FileSystemStageError,
    PrivacyStageError,
    StageError,
)
from synthgate.flows.spec import load_spec
from synthgate.generators.dp_accounting import DPBudgetError
from synthgate.flows.workspace import Workspace

CANARY = "Kim Minji 010-1234-5678"


@pytest.mark.parametrize("exc, shown", [
    (generators.SchemaError("age", "kind 'numerical' holds infinite values"), "column 'age': kind 'numerical'"),
    (DPBudgetError(1.0, 0.5, "delta must be < 1/n"), "delta must be < 1/n"),
    (generators.GeneratorError("could collect only 2 of 20 rows without exact training copies"), "only 2 of 20"),
    (expectations.ValidationRunError("the evaluation frame has 2 rows, not 1"), "has 2 rows, not 1"),
    (report.ChromiumMissingError("no chromium on PATH"), "cannot print the report PDF"),
    (catalog.AuditError("/c/audit.jsonl", "line 3 is not JSON"), "line 3 is not JSON"),
])
def test_value_free_leaf_errors_keep_their_message(exc, shown):
    # Run
    described = failures.describe("train", exc)

    # Assert: exit 3, the stage, the message and the error's type
    assert isinstance(described, ComponentStageError) and described.exit_code == 3
    assert str(described).startswith("stage 'train' failed: ")
    assert shown in str(described) and type(exc).__name__ in str(described)


def test_privacy_and_evaluation_errors_keep_their_own_classes():
    # Run
    privacy_error = failures.describe("pseudonymise", privacy.KeyTooShortError(8, 32))
    evaluation_error = failures.describe("evaluate", evaluation.EmptyTableError("holdout", "has no rows"))

    # Assert
    assert isinstance(privacy_error, PrivacyStageError) and "at least 32" in str(privacy_error)
    assert isinstance(evaluation_error, EvaluationStageError)


@pytest.mark.parametrize("exc", [ValueError(f"could not convert string to float: '{CANARY}'"),
                                 KeyError(CANARY), RuntimeError(f"[enforce fail] {CANARY}"),
                                 OSError(f"Cannot save file into a non-existent directory: '{CANARY}'")])
def test_other_errors_are_withheld(exc):
    # Run
    described = failures.describe("sample", exc)

    # Assert: the type alone (an OSError without an errno is a library's message, not the machine's)
    assert isinstance(described, StageError) and described.exit_code == 3
    assert type(exc).__name__ in str(described) and CANARY not in str(described)


def test_synthgate_debug_prints_the_original_traceback_on_the_terminal(monkeypatch, capfd):
    # Setup
    monkeypatch.setenv("SYNTHGATE_DEBUG", "1")
    try:
        raise ValueError("the library's own words")
    except ValueError as exc:
        caught = exc

    # Run
    described = failures.describe("sample", caught)

    # Assert: the terminal gets the traceback; the error itself still holds the type alone
    printed = capfd.readouterr().err
    assert "Traceback" in printed and "the library's own words" in printed
    assert "the library's own words" not in str(described)


@pytest.mark.parametrize("code, name, advice", [
    (errno.EACCES, "EACCES", "writable"),
    (errno.EROFS, "EROFS", "read-only file system"),
    (errno.ENOSPC, "ENOSPC", "free space"),
    (errno.EDQUOT, "EDQUOT", "quota"),
    (errno.EFBIG, "EFBIG", "refuses a file this large"),
    (errno.ENOENT, "ENOENT", "gone"),
])
def test_file_system_errors_name_errno_path_and_remedy(small_release, code, name, advice):
    # Setup: an error on a file in the catalog, its text a library's (it is never shown)
    loaded = load_spec(small_release())
    path = loaded.catalog_dir / "patients" / "1.0.0" / "synthetic.parquet"
    exc = OSError(code, f"failed on {CANARY}", str(path))

    # Run
    described = failures.describe("publish", exc, loaded)

    # Assert: exit 2 (the machine's set-up), the errno's name, the path, the spec key, what to do
    assert isinstance(described, FileSystemError) and described.exit_code == 2
    message = str(described)
    assert message.startswith(f"stage 'publish': {name} on {path}: ")
    assert advice in message and "output.catalog" in message and CANARY not in message


def test_an_io_error_of_the_machine_is_exit_3_with_errno_and_path():
    # Run
    described = failures.describe("train", OSError(errno.EIO, "Input/output error", "/mnt/share/model.pt"))

    # Assert
    assert isinstance(described, FileSystemStageError) and described.exit_code == 3
    assert "EIO on /mnt/share/model.pt" in str(described)


def test_a_full_disk_in_a_real_stage_is_one_line_naming_the_workspace(small_release, key_env):
    # Setup: the ingest's Parquet file is /dev/full, which refuses every write with ENOSPC (as root too);
    # pyarrow's OSError carries the errno but not the file name
    loaded = load_spec(small_release())
    ws = Workspace.for_run(loaded.workspace_dir, "patients", "1.0.0", "test-run").create()
    ws.raw_table.symlink_to("/dev/full")

    # Run
    with pytest.raises(FileSystemError) as raised:
        tasks.ingest.fn(loaded, ws)

    # Assert
    message = str(raised.value)
    assert raised.value.exit_code == 2
    assert message.startswith("stage 'ingest': ENOSPC: no space left: free space on the file system holding the "
                              f"workspace folder (output.workspace) {loaded.workspace_dir}")
    assert "Person0" not in message


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into any folder")
def test_a_read_only_workspace_in_a_real_stage_is_exit_2_naming_the_folder(small_release, key_env):
    # Setup: the run's workspace folder loses its write permission after the preflight
    loaded = load_spec(small_release())
    ws = Workspace.for_run(loaded.workspace_dir, "patients", "1.0.0", "test-run").create()
    ws.root.chmod(0o555)

    # Run
    try:
        with pytest.raises(FileSystemError) as raised:
            tasks.ingest.fn(loaded, ws)
    finally:
        ws.root.chmod(0o755)

    # Assert
    assert raised.value.exit_code == 2
    assert str(raised.value).startswith("stage 'ingest': EACCES")
    assert "output.workspace" in str(raised.value) and "writable" in str(raised.value)


def _record(message: str, level=logging.ERROR) -> logging.LogRecord:
    return logging.LogRecord("prefect.task_runs", level, __file__, 1, message, None, None)


def test_the_console_drops_prefects_failure_reports_and_keeps_the_rest():
    # Setup
    quiet = settings._QuietFailures()

    # Run / Assert
    assert not quiet.filter(_record("Task run failed with exception: StageError(...) - Retries are exhausted"))
    assert not quiet.filter(_record("Finished in state Failed('Task run encountered an exception ...')"))
    assert not quiet.filter(_record("Encountered exception during execution: StageError(...)"))
    assert not quiet.filter(_record("SYNTHGATE-ALERT event=failed dataset=x version=1 exit_code=3"))
    assert quiet.filter(_record("Task run failed with exception: SourceError(...) - Retry 1/3 will start 2 "
                                "second(s) from now"))
    assert quiet.filter(_record("validate: quality_score 0.2 (must be >= 0.6): FAILED"))
    assert quiet.filter(_record("SYNTHGATE-ALERT event=site_failed dataset=x", logging.WARNING))


def test_the_console_drops_the_traceback_uvicorn_logs_when_the_temporary_server_stops_early():
    # Setup: what uvicorn's lifespan logs (the traceback as the message) when a refused run stops its
    # temporary Prefect server before it finished starting, seen 1 time in 4 in the concurrent-runs test
    quiet = settings._QuietFailures()
    traceback_record = logging.LogRecord("uvicorn.error", logging.ERROR, __file__, 1,
                                         "Traceback (most recent call last):\n  File ...\nCancelledError", None, None)
    bind_record = logging.LogRecord("uvicorn.error", logging.ERROR, __file__, 1,
                                    "[Errno 98] error while attempting to bind", None, None)

    # Run / Assert: that traceback is dropped; uvicorn's other lines and other loggers' tracebacks stay
    assert not quiet.filter(traceback_record)
    assert quiet.filter(bind_record)
    assert quiet.filter(_record("Traceback (most recent call last): from a task"))


def test_synthgate_debug_leaves_prefects_console_as_it_is(monkeypatch):
    # Setup
    from prefect.logging.handlers import PrefectConsoleHandler

    logger = logging.getLogger("synthgate-test-debug-console")
    handler = PrefectConsoleHandler()
    logger.addHandler(handler)
    monkeypatch.setenv("SYNTHGATE_DEBUG", "1")

    # Run
    try:
        settings.one_line_console()
        debug_filters = list(handler.filters)
        monkeypatch.delenv("SYNTHGATE_DEBUG")
        settings.one_line_console()
    finally:
        logger.removeHandler(handler)

    # Assert
    assert debug_filters == []
    assert any(isinstance(f, settings._QuietFailures) for f in handler.filters)


@pytest.mark.slow
def test_a_failed_run_prints_progress_and_one_error_line(small_release, key_env, tmp_path):
    # Setup: delta above 1/rows (32 training rows) fails the generator's DP budget as training starts
    # (a GeneratorError); no text column, so no language model is loaded
    spec = small_release(**{"generator.kind": "autoregressive", "generator.dp": {"epsilon": 1.0, "delta": 0.05},
                            "columns.note.action": "drop"})
    # An empty Prefect home: a user's very first run, Prefect's database migrations included (the
    # end-to-end tests copy a migrated database into theirs: tests/e2e/_prefect_home.py)
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home"), "SYNTHGATE_PSEUDONYM_KEY": key_env}
    env.pop("PREFECT_API_URL", None)
    env.pop("SYNTHGATE_DEBUG", None)

    # Run
    done = subprocess.run([sys.executable, "-m", "synthgate", "run", str(spec)], env=env,
                          capture_output=True, text=True, timeout=600)

    # Assert: exit 3, the generator's own message with its stage, once; no traceback, no Prefect failure report
    errors = [line for line in done.stderr.splitlines() if "ERROR" in line or line.startswith("error:")]
    assert done.returncode == 3, done.stderr[-3000:]
    assert errors == [errors[-1]] and errors[0].startswith("error: stage 'train' failed: ")
    assert "delta must be < 1/n" in errors[0] and "DPBudgetError" in errors[0] and "withheld" not in errors[0]
    assert "Traceback" not in done.stderr and 'File "' not in done.stderr
    assert "ingest:" in done.stderr  # the progress lines stay
