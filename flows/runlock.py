"""One run per dataset at a time, and one alert line when a run fails or suspends.

A run holds its dataset through a small record in the catalog, ``CATALOG/.locks/<dataset>.json``
(flow-run id, host, pid, time; never data), written and read under an exclusive ``flock`` of
``<dataset>.lock`` beside it (outside the dataset's folder, which holds only what was published). The record outlives the run's process on purpose: a run suspended for
review has no process (Prefect's deployment concurrency slot is released too) but still holds its
dataset until it is approved, rejected or expires. It resumes under the same flow-run id and so
takes its own lock again. A record is stale, and taken over, when the server says its run has ended
(or its review wait has expired); when the server does not know the run, when the pid on this host
is gone.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from synthgate.flows.errors import DatasetBusy, SynthgateError

LOCKS = ".locks"
#: The prefix of the one line an automation or a log shipper picks up (journald, Loki, syslog rules).
ALERT_PREFIX = "SYNTHGATE-ALERT"
#: Prefect events emitted beside the line, for Prefect automations (docs/operations.md).
EVENT_FAILED = "synthgate.release.failed"
EVENT_SUSPENDED = "synthgate.release.suspended"

_ALIVE = {"RUNNING", "PENDING", "SCHEDULED", "PAUSED", "CANCELLING"}


@dataclass(frozen=True)
class Holder:
    flow_run_id: str
    host: str
    pid: int
    since: str

    def to_dict(self) -> dict:
        return {"flow_run_id": self.flow_run_id, "host": self.host, "pid": self.pid, "since": self.since}


def lock_path(catalog_dir: Path, dataset: str) -> Path:
    """The dataset's lock record: CATALOG/.locks/<dataset>.json."""
    return Path(catalog_dir) / LOCKS / f"{dataset}.json"


def _paths(catalog_dir: Path, dataset: str) -> tuple[Path, Path]:
    record = lock_path(catalog_dir, dataset)
    record.parent.mkdir(parents=True, exist_ok=True)
    return record, record.with_suffix(".lock")


@contextlib.contextmanager
def _guarded(guard: Path):
    with open(guard, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_holder(record: Path) -> Holder | None:
    try:
        data = json.loads(record.read_text())
        return Holder(str(data["flow_run_id"]), str(data["host"]), int(data["pid"]), str(data["since"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return None  # an unreadable record holds nothing; it is overwritten


#: States that need a live process: a holder in one of them whose process on this host is gone was killed.
_NEEDS_PROCESS = {"RUNNING", "PENDING", "CANCELLING"}


def _pid_gone(holder: Holder) -> bool:
    """True when the holder ran on this host and its process no longer exists (kill -9, OOM, reboot)."""
    if holder.host != socket.gethostname():
        return False
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def holder_state(holder: Holder) -> str | None:
    """The holder's state while it still holds the dataset (e.g. 'Running', 'Suspended'); None if it has ended.

    A run killed with SIGKILL never reports its end: the server keeps it RUNNING forever. When its
    process on this host is gone it has ended all the same (a run suspended for review has no
    process on purpose and keeps holding).
    """
    state = _server_state(holder.flow_run_id)
    if state is not None:
        kind, name, expired = state
        if kind in _NEEDS_PROCESS and _pid_gone(holder):
            return None
        return name if kind in _ALIVE and not expired else None
    if holder.host == socket.gethostname():
        return None if _pid_gone(holder) else "process alive"
    return "unknown to this server"  # another host's run that this server cannot see: keep it, say how to clear


def mark_crashed(flow_run_id: str) -> bool:
    """Set a flow run that a killed process left RUNNING (or PENDING) to CRASHED; True when the server took it.

    Only with a server to ask (PREFECT_API_URL, or this process's own run); never starts one.
    """
    try:
        run_id = uuid.UUID(flow_run_id)
    except ValueError:
        return False
    if not _has_server():
        return False
    try:
        from prefect.client.orchestration import get_client
        from prefect.states import Crashed

        with get_client(sync_client=True) as client:
            run = client.read_flow_run(run_id)
            if run.state is None or run.state.type.value not in _NEEDS_PROCESS:
                return False
            client.set_flow_run_state(run_id, Crashed(message="its process was killed (found by synthgate)"),
                                      force=True)
        return True
    except Exception:  # no server, or it refused: the lock is taken over all the same
        return False


def _has_server() -> bool:
    """A server to ask: PREFECT_API_URL, or the ephemeral one this process's flow run already uses.

    Outside both, asking would start a throwaway ephemeral server that knows no run.
    """
    if os.environ.get("PREFECT_API_URL"):
        return True
    from prefect.context import FlowRunContext

    return FlowRunContext.get() is not None


def _server_state(flow_run_id: str) -> tuple[str, str, bool] | None:
    """(state type, state name, review wait expired) of a flow run, or None when the server cannot tell."""
    try:
        run_id = uuid.UUID(flow_run_id)
    except ValueError:
        return None
    if not _has_server():
        return None
    try:
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            run = client.read_flow_run(run_id)
    except Exception:  # not found, or no server: fall back on the pid
        return None
    state = run.state
    if state is None:
        return None
    timeout = getattr(state.state_details, "pause_timeout", None)
    expired = bool(state.type.value == "PAUSED" and timeout is not None and timeout < datetime.now(timezone.utc))
    return state.type.value, state.name or state.type.value.title(), expired


def acquire(catalog_dir: Path, dataset: str, flow_run_id: str) -> Holder:
    """Take the dataset for ``flow_run_id`` (again, if it already holds it), or raise DatasetBusy."""
    record, guard = _paths(catalog_dir, dataset)
    with _guarded(guard):
        current = _read_holder(record)
        if current is not None and current.flow_run_id != flow_run_id:
            state = holder_state(current)
            if state is not None:
                raise DatasetBusy(dataset, current.flow_run_id, state, current.since, str(record))
            if _pid_gone(current):
                mark_crashed(current.flow_run_id)  # a killed run's flow run would stay RUNNING forever
        mine = Holder(flow_run_id, socket.gethostname(), os.getpid(),
                      current.since if current is not None and current.flow_run_id == flow_run_id
                      else datetime.now(timezone.utc).isoformat(timespec="seconds"))
        staged = record.with_name(f"{record.name}.{os.getpid()}.tmp")
        staged.write_text(json.dumps(mine.to_dict()))
        os.replace(staged, record)
        return mine


def check_free(catalog_dir: Path, dataset: str) -> None:
    """Raise DatasetBusy now when another live run holds the dataset: `synthgate run` asks before any work.

    The flow takes the lock itself (acquire); this early look only saves a second run its preflight
    and Prefect's start.
    """
    record = lock_path(catalog_dir, dataset)
    current = _read_holder(record)
    if current is not None:
        state = holder_state(current)
        if state is not None:
            raise DatasetBusy(dataset, current.flow_run_id, state, current.since, str(record))


def _claim_path(catalog_dir: Path, dataset: str) -> Path:
    """``<temp>/synthgate-claims-<uid>/<hash>.claim``: one host's runs of one catalog's dataset meet here."""
    import hashlib
    import tempfile

    key = hashlib.sha256(f"{Path(catalog_dir).resolve()}\0{dataset}".encode()).hexdigest()[:24]
    folder = Path(tempfile.gettempdir()) / f"synthgate-claims-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder / f"{key}.claim"


@contextlib.contextmanager
def claim(catalog_dir: Path, dataset: str):
    """Hold the dataset for this command's process, or raise DatasetBusy at once (before any work).

    An exclusive, non-blocking ``flock`` of an empty file in this user's temp folder, named by a hash
    of the catalog's real path and the dataset (so a refused run writes nothing in the catalog), kept
    open for the body: of two `synthgate run` commands of one dataset started together, the second stops here,
    before its preflight and before Prefect starts a temporary server, which a run stopped while that
    server still starts would leave tracebacks behind. The kernel drops the lock with the process, so
    a killed run never leaves it held. The flow still takes the dataset's record (acquire): a
    deployment's run, started by a worker, holds the dataset through that record alone.
    """
    record = lock_path(catalog_dir, dataset)
    try:
        handle = open(_claim_path(catalog_dir, dataset), "a+")
    except OSError:  # no writable temp folder: the flow's own lock still holds the dataset
        check_free(catalog_dir, dataset)
        yield
        return
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(record)
            raise DatasetBusy(dataset, holder.flow_run_id if holder else "(still starting)",
                              f"another synthgate process, pid {holder.pid}" if holder else "another synthgate process",
                              holder.since if holder else datetime.now(timezone.utc).isoformat(timespec="seconds"),
                              str(record)) from None
        check_free(catalog_dir, dataset)
        yield
    finally:
        handle.close()  # closing the file releases the flock


def current_holder(catalog_dir: Path, dataset: str) -> Holder | None:
    """The run holding the dataset now, or None (no record, or its holder has ended)."""
    current = _read_holder(lock_path(catalog_dir, dataset))
    if current is None or holder_state(current) is None:
        return None
    return current


def release_lock(catalog_dir: Path, dataset: str, flow_run_id: str) -> None:
    """Give the dataset back if ``flow_run_id`` holds it (never another run's lock)."""
    record, guard = _paths(catalog_dir, dataset)
    with _guarded(guard):
        current = _read_holder(record)
        if current is not None and current.flow_run_id == flow_run_id:
            record.unlink(missing_ok=True)


def alert_line(event: str, dataset: str, version: str, flow_run_id: str, exc: BaseException | None) -> str:
    """One line, key=value after a fixed prefix; the error's text only when it is one of ours (no data)."""
    parts = [ALERT_PREFIX, f"event={event}", f"dataset={dataset}", f"version={version}", f"flow_run={flow_run_id}"]
    if isinstance(exc, SynthgateError):
        parts += [f"exit_code={exc.exit_code}", f"error={type(exc).__name__}: {exc}"]
    elif exc is not None:
        parts += ["exit_code=3", f"error={type(exc).__name__}"]
    return " ".join(parts)


def announce(event: str, dataset: str, version: str, flow_run_id: str, exc: BaseException | None) -> None:
    """Log the alert line on the run's logger (shipped to the server and the worker's output) and emit its event."""
    line = alert_line(event, dataset, version, flow_run_id, exc)
    try:
        from prefect import get_run_logger

        logger = get_run_logger()
    except Exception:
        logger = logging.getLogger("synthgate")
    (logger.error if event == "failed" else logger.warning)(line)
    if not _has_server():
        return
    try:
        from prefect.events import emit_event

        emit_event(EVENT_FAILED if event == "failed" else EVENT_SUSPENDED,
                   resource={"prefect.resource.id": f"synthgate.dataset.{dataset}",
                             "prefect.resource.name": dataset},
                   related=[{"prefect.resource.id": f"prefect.flow-run.{flow_run_id}",
                             "prefect.resource.role": "flow-run"}],
                   payload={"dataset": dataset, "version": version, "error_type": type(exc).__name__ if exc else None,
                            "exit_code": getattr(exc, "exit_code", 3) if exc else None})
    except Exception:  # an event is a convenience; the line above is the contract
        pass


@contextlib.contextmanager
def one_run_per_dataset(catalog_dir: Path, dataset: str, version: str, flow_run_id: str | None):
    """Hold the dataset for the body; keep holding it when the run suspends; alert on failure or suspension."""
    from prefect.exceptions import Pause

    run_id = flow_run_id or f"local-{uuid.uuid4()}"
    try:
        acquire(catalog_dir, dataset, run_id)
    except DatasetBusy as exc:
        announce("failed", dataset, version, run_id, exc)
        raise
    try:
        yield
    except Pause:
        # Suspended for review: the run keeps the dataset until it resumes and ends.
        announce("suspended", dataset, version, run_id, None)
        raise
    except BaseException as exc:
        release_lock(catalog_dir, dataset, run_id)
        announce("failed", dataset, version, run_id, exc)
        raise
    release_lock(catalog_dir, dataset, run_id)
