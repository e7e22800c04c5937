"""Release events into the catalog's hash-chained audit trail (``CATALOG/audit.jsonl``).

Every event names the dataset, the version and the workspace run id, plus facts: hashes,
counts, gate names, reviewer names, flags. Never a data value: the trail is public with the
catalog. `record` is the one way in; the helpers below build each release event's facts.

Events (`EVENTS`): ``run_started`` (spec and source sha256, version template), ``gates``
(passed, the names of the gates that failed), ``suspended_for_review``, ``decision``,
``published`` (manifest sha256, rows), ``withdrawn`` and ``run_failed`` (stage, error type, exit code).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from synthgate import catalog
from synthgate.flows.errors import AuditTrailError

EVENTS = ("run_started", "gates", "suspended_for_review", "decision", "published", "withdrawn", "run_failed")


def record(catalog_dir: str | Path, event: str, *, dataset: str, version: str | None = None,
           run_id: str | None = None, once: bool = False, **facts: Any) -> dict:
    """Append one release event to the catalog's audit trail.

    Args:
        catalog_dir: the catalog folder (``LoadedSpec.catalog_dir``).
        event: one of `EVENTS`.
        dataset, version, run_id: which release and which run (the workspace run id).
        once: write the event only if this run has not recorded it yet (a flow resumed after
            review runs again from the top).
        **facts: hashes, counts, gate and reviewer names, flags: text (at most 500 characters),
            numbers, booleans, null or lists of them; never a value from the data. The Prefect
            flow run id is added when called inside a flow run.

    Returns:
        The entry as written (or the earlier one, with ``once``).

    Raises:
        AuditTrailError: an unknown event, a refused fact, or a trail that cannot be appended to.
    """
    if event not in EVENTS:
        raise AuditTrailError(f"unknown audit event {event!r}; allowed: {', '.join(EVENTS)}")
    entry = {"dataset": dataset, "version": version, "run_id": run_id, **facts}
    entry.setdefault("flow_run_id", _flow_run_id())
    try:
        return catalog.append_event(catalog_dir, event, entry, once_per=("dataset", "run_id") if once else ())
    except catalog.AuditError as exc:
        raise AuditTrailError(f"audit trail: {exc}") from None


def withdrawn(catalog_dir: str | Path, *, dataset: str, version: str, by: str, reason: str,
              **facts: Any) -> dict:
    """Record that a published release was withdrawn (for the catalog's withdraw command).

    Args:
        by: who withdrew it (a name, as for reviewers).
        reason: a short reason in words (at most 500 characters), written by a person; no data value.
    """
    return record(catalog_dir, "withdrawn", dataset=dataset, version=version, by=by, reason=reason, **facts)


def _flow_run_id() -> str | None:
    if "prefect" not in sys.modules:  # a CLI command outside a flow: no need to import Prefect for it
        return None
    from prefect.runtime import flow_run

    return str(flow_run.id) if flow_run.id else None
