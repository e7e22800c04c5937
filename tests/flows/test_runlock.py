"""One run per dataset: the lock record in the catalog, who may take it over, and the alert line."""
from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest
from prefect.exceptions import Pause

from synthgate.flows import runlock
from synthgate.flows.errors import DatasetBusy, SourceError, StageError, ValidationFailed
from synthgate.flows.retries import is_transient, retry_transient_io


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture
def alerts():
    """The alert lines logged; outside a flow run they go to the 'synthgate' logger."""
    logger = logging.getLogger("synthgate")
    handler = _Lines()
    logger.addHandler(handler)
    yield lambda: [line for line in handler.lines if line.startswith(runlock.ALERT_PREFIX)]
    logger.removeHandler(handler)


def _record(catalog, dataset="people"):
    return catalog / ".locks" / f"{dataset}.json"


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_a_second_run_of_a_held_dataset_stops_with_one_clear_line(tmp_path):
    # Setup: this process holds the dataset (its pid is alive; no server knows the run)
    runlock.acquire(tmp_path, "people", "run-a")

    # Run
    with pytest.raises(DatasetBusy) as caught:
        runlock.acquire(tmp_path, "people", "run-b")

    # Assert
    message = str(caught.value)
    assert caught.value.exit_code == 2
    assert "dataset people is busy: flow run run-a (process alive" in message
    assert "this run stops without publishing" in message
    assert str(_record(tmp_path)) in message
    assert "\n" not in message
    assert json.loads(_record(tmp_path).read_text())["flow_run_id"] == "run-a"


def test_the_same_run_takes_its_own_lock_again_as_a_resumed_run_does(tmp_path):
    # Setup
    first = runlock.acquire(tmp_path, "people", "run-a")

    # Run
    again = runlock.acquire(tmp_path, "people", "run-a")

    # Assert
    assert again.flow_run_id == "run-a" and again.since == first.since


def test_a_lock_whose_process_is_gone_is_taken_over(tmp_path):
    # Setup: a record left by a process that has exited, on this host
    runlock.acquire(tmp_path, "people", "run-a")
    record = json.loads(_record(tmp_path).read_text())
    _record(tmp_path).write_text(json.dumps({**record, "pid": _dead_pid()}))

    # Run
    holder = runlock.acquire(tmp_path, "people", "run-b")

    # Assert
    assert holder.flow_run_id == "run-b"
    assert json.loads(_record(tmp_path).read_text())["flow_run_id"] == "run-b"


def test_another_hosts_lock_unknown_to_the_server_is_kept(tmp_path):
    # Setup
    runlock.acquire(tmp_path, "people", "run-a")
    record = json.loads(_record(tmp_path).read_text())
    _record(tmp_path).write_text(json.dumps({**record, "host": "elsewhere.example", "pid": _dead_pid()}))

    # Run
    with pytest.raises(DatasetBusy) as caught:
        runlock.acquire(tmp_path, "people", "run-b")

    # Assert
    assert "unknown to this server" in str(caught.value)


def test_release_gives_back_only_ones_own_lock(tmp_path):
    # Setup
    runlock.acquire(tmp_path, "people", "run-a")

    # Run
    runlock.release_lock(tmp_path, "people", "run-b")
    kept = _record(tmp_path).exists()
    runlock.release_lock(tmp_path, "people", "run-a")

    # Assert
    assert kept and not _record(tmp_path).exists()


def test_a_failed_run_gives_the_dataset_back_and_logs_one_alert_line(tmp_path, alerts):
    # Setup
    failure = ValidationFailed(["a gate"], None)

    # Run
    with pytest.raises(ValidationFailed):
        with runlock.one_run_per_dataset(tmp_path, "people", "1.0.0", "run-a"):
            raise failure

    # Assert
    assert not _record(tmp_path).exists()
    assert alerts() == ["SYNTHGATE-ALERT event=failed dataset=people version=1.0.0 flow_run=run-a exit_code=1 "
                      "error=ValidationFailed: 1 expectation(s) failed; nothing was published"]


def test_a_suspended_run_keeps_the_dataset_and_logs_one_alert_line(tmp_path, alerts):
    # Setup

    # Run: suspend_flow_run raises Pause out of the flow body
    with pytest.raises(Pause):
        with runlock.one_run_per_dataset(tmp_path, "people", "1.0.0", "run-a"):
            raise Pause()

    # Assert
    assert json.loads(_record(tmp_path).read_text())["flow_run_id"] == "run-a"
    assert alerts() == ["SYNTHGATE-ALERT event=suspended dataset=people version=1.0.0 flow_run=run-a"]


def test_an_unexpected_error_is_alerted_by_type_only(tmp_path, alerts):
    # Setup

    # Run
    with pytest.raises(KeyError):
        with runlock.one_run_per_dataset(tmp_path, "people", "1.0.0", "run-a"):
            raise KeyError("a value from the data")

    # Assert
    text = "\n".join(alerts())
    assert "exit_code=3 error=KeyError" in text
    assert "a value from the data" not in text


def test_a_busy_dataset_is_alerted_and_the_holder_keeps_it(tmp_path, alerts):
    # Setup
    runlock.acquire(tmp_path, "people", "run-a")

    # Run
    with pytest.raises(DatasetBusy):
        with runlock.one_run_per_dataset(tmp_path, "people", "1.0.1", "run-b"):
            pytest.fail("the body of a busy run must not run")

    # Assert
    assert json.loads(_record(tmp_path).read_text())["flow_run_id"] == "run-a"
    assert any("event=failed dataset=people version=1.0.1 flow_run=run-b exit_code=2 error=DatasetBusy" in line
               for line in alerts())


@pytest.mark.parametrize(("error", "transient"), [
    (SourceError("in.csv", "cannot be read (Input/output error)", transient=True), True),
    (SourceError("in.csv", "file not found"), False),
    (StageError("ingest", "OSError"), True),
    (StageError("ingest", "TimeoutError"), True),
    (StageError("ingest", "ConnectionResetError"), True),
    (StageError("ingest", "PermissionError"), False),
    (StageError("ingest", "FileNotFoundError"), False),
    (StageError("ingest", "ValueError"), False),
    (StageError("ingest", "NotABuiltin"), False),
    (ValidationFailed(["x"], None), False),
    (DatasetBusy("people", "run-a", "Running", "now", "lock"), False),
    (OSError("raw"), False),  # never reaches Prefect raw: stage() wraps it, and only our types are judged
])
def test_only_transient_io_is_retried(error, transient):
    # Setup
    class FailedState:
        data = error

    # Run
    verdict = (is_transient(error), retry_transient_io(None, None, FailedState()))

    # Assert
    assert verdict == (transient, transient)


def test_privacy_failures_are_never_retried():
    # Setup
    from synthgate.flows.errors import PrivacyStageError, RiskGateFailed

    # Run / Assert
    assert not is_transient(PrivacyStageError("pseudonymise", "key too short"))
    assert not is_transient(RiskGateFailed("k=5 not met"))


def test_ingest_is_the_only_task_with_retries():
    # Setup
    from synthgate.flows import tasks

    # Run
    retried = {t.name: t.retries for t in (tasks.ingest, tasks.pseudonymise, tasks.train, tasks.sample,
                                          tasks.evaluate, tasks.validate, tasks.publish)}

    # Assert
    assert retried == {"ingest": 3, "pseudonymise": 0, "train": 0, "sample": 0, "evaluate": 0, "validate": 0,
                       "publish": 0}
    assert tasks.ingest.retry_condition_fn is retry_transient_io
    assert tasks.ingest.retry_delay_seconds == [10, 20, 40]


def test_a_process_claim_stops_a_second_process_at_once_and_dies_with_its_holder(tmp_path, monkeypatch):
    # Setup: this process claims the dataset (as `synthgate run` does before its preflight)
    import tempfile

    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))  # gettempdir() caches TMPDIR
    catalog = tmp_path / "catalog"
    probe = ("import sys; from pathlib import Path; from synthgate.flows import runlock\n"
             "from synthgate.flows.errors import DatasetBusy\n"
             "try:\n    with runlock.claim(Path(sys.argv[1]), 'ds'): print('free')\n"
             "except DatasetBusy as exc: print('busy', exc)\n")

    def other_process() -> str:
        return subprocess.run([sys.executable, "-c", probe, str(catalog)], capture_output=True, text=True,
                              check=True, env={**__import__("os").environ, "TMPDIR": str(tmp_path / "tmp")}).stdout

    # Run / Assert: held here, another process is refused with the one busy line; free once given back
    with runlock.claim(catalog, "ds"):
        held = other_process()
        assert held.startswith("busy dataset ds is busy") and "another synthgate process" in held
    assert other_process().strip() == "free"
    assert not catalog.exists()  # a claim writes nothing in the catalog


def test_a_claim_held_by_a_killed_process_is_free_again(tmp_path):
    # Setup: a child process claims the dataset and is killed with SIGKILL while holding it
    env = {**__import__("os").environ, "TMPDIR": str(tmp_path)}
    child = subprocess.Popen([sys.executable, "-c",
                              "import sys, time; from pathlib import Path; from synthgate.flows import runlock\n"
                              "with runlock.claim(Path(sys.argv[1]), 'ds'):\n print('held', flush=True); time.sleep(60)",
                              str(tmp_path / "catalog")], stdout=subprocess.PIPE, text=True, env=env)
    assert child.stdout.readline().strip() == "held"
    child.kill()
    child.wait()

    # Run / Assert: the kernel dropped the lock with the process
    probe = subprocess.run([sys.executable, "-c",
                            "import sys; from pathlib import Path; from synthgate.flows import runlock\n"
                            "with runlock.claim(Path(sys.argv[1]), 'ds'): print('free')", str(tmp_path / "catalog")],
                           capture_output=True, text=True, env=env, check=True)
    assert probe.stdout.strip() == "free"
