"""Which failures a release retries: I/O that may pass (ingest only); privacy and validation never."""
from __future__ import annotations

import builtins

from synthgate.flows.errors import SourceError, StageError

#: Ingest's retries and their delays: 3 retries after about 10, 20 and 40 s (each +/- half, jittered so
#: that runs hit by one share outage do not retry together).
INGEST_RETRIES = 3
INGEST_BACKOFF_SECONDS = 10
INGEST_JITTER = 0.5


def is_transient(exc: BaseException | None) -> bool:
    """True for an I/O failure that may pass: a source that could not be read, or an OSError inside a stage.

    Everything else is terminal: bad input (a missing file, a bad spec, wrong columns), a privacy
    refusal, a failed gate. Retrying those would only repeat the same answer.
    """
    if isinstance(exc, SourceError):
        return exc.transient
    if isinstance(exc, StageError):
        named = getattr(builtins, exc.error_type, None)
        return isinstance(named, type) and issubclass(named, OSError) and not issubclass(
            named, (PermissionError, FileNotFoundError, IsADirectoryError, NotADirectoryError))
    return False


def retry_transient_io(task, task_run, state) -> bool:
    """Prefect's ``retry_condition_fn``: retry only when the failure is transient I/O."""
    data = getattr(state, "data", None)
    return is_transient(data if isinstance(data, BaseException) else None)


def ingest_retry_options() -> dict:
    """The retry options of the ingest task (Prefect's task keyword arguments)."""
    from prefect.tasks import exponential_backoff

    return {"retries": INGEST_RETRIES, "retry_delay_seconds": exponential_backoff(INGEST_BACKOFF_SECONDS),
            "retry_jitter_factor": INGEST_JITTER, "retry_condition_fn": retry_transient_io}
