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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from synthgate import catalog
from synthgate.flows.errors import AuditTrailError, RiskGateFailed, SynthgateError, ValidationFailed

if TYPE_CHECKING:
    from synthgate.flows.spec import LoadedSpec
    from synthgate.flows.versions import ResolvedVersion
    from synthgate.flows.workspace import Workspace

EVENTS = ("run_started", "gates", "suspended_for_review", "decision", "published", "withdrawn", "run_failed")


def record(catalog_dir: str | Path, event: str, *, dataset: str, version: str | None = None,
           run_id: str | None = None, once: bool = False, **facts: Any) -> dict:
    """Append one release event to the catalog's audit trail.

    Args:
        catalog_dir: the catalog folder (``LoadedSpec.catalog_dir``).
        event: one of `EVENTS`.
        dataset, version, run_id: which release and which run (the workspace run id).
        once: write the event only if this run (its Prefect flow run, else its workspace run) has
            not recorded it yet: a flow resumed after review runs again from the top.
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
    # Once per flow run when there is one (a resumed run may start a new workspace), else per workspace run.
    once_per = (("dataset", "flow_run_id") if entry["flow_run_id"] else ("dataset", "run_id")) if once else ()
    try:
        return catalog.append_event(catalog_dir, event, entry, once_per=once_per)
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


class RunEvents:
    """The audit events of one release run; each is written once per run (a resumed run repeats none)."""

    def __init__(self, loaded: "LoadedSpec", ws: "Workspace", resolved: "ResolvedVersion | None" = None) -> None:
        self.loaded, self.ws, self.resolved = loaded, ws, resolved
        self.catalog_dir = loaded.catalog_dir

    def _record(self, event: str, **facts: Any) -> dict:
        spec = self.loaded.spec
        return record(self.catalog_dir, event, dataset=spec.dataset.name, version=spec.dataset.version,
                      run_id=self.ws.root.name, once=True, **facts)

    def started(self) -> dict:
        """``run_started``: the spec's and the ingested source's sha256, and how the version was resolved."""
        from synthgate.flows.workspace import read_json

        ingest = read_json(self.ws.ingest_facts)
        version = self.resolved.facts() if self.resolved is not None else {}
        version.pop("version", None)
        return self._record("run_started", spec_sha256=self.loaded.sha256, source_sha256=ingest["sha256"],
                            source_rows=ingest["rows"], source_columns=ingest["columns"], **version)

    def gates(self, *, passed: bool, failed_gates: list[str] | None = None) -> dict:
        """``gates``: whether every gate passed, the counts, and the names of those that failed."""
        counts = _gate_counts(self.ws)
        names = list(failed_gates if failed_gates is not None else _failed_gate_names(self.ws))
        return self._record("gates", passed=passed, failed_gates=names[:100],
                            failed_gates_not_listed=max(0, len(names) - 100), **counts)

    def published(self, published: dict) -> dict:
        """``published``: where, the manifest's sha256 and the row count."""
        import hashlib

        manifest = Path(published["manifest"])
        return self._record("published", release_dir=_relative(Path(published["release_dir"]), self.catalog_dir),
                            manifest_sha256=hashlib.sha256(manifest.read_bytes()).hexdigest(),
                            rows=published.get("rows"))

    def failed(self, exc: SynthgateError) -> dict:
        """``run_failed``: the stage, the error's type and its exit code (never its message)."""
        return self._record("run_failed", error=type(exc).__name__, exit_code=exc.exit_code,
                            stage=getattr(exc, "stage", None))


@contextmanager
def release_events(loaded: "LoadedSpec", ws: "Workspace", resolved: "ResolvedVersion | None" = None
                   ) -> Iterator[RunEvents]:
    """Audit a run's body: a blocked gate records ``gates`` (failed), any synthgate error ``run_failed``.

    A trail that cannot be written does not hide the run's own error: that one is raised, and
    the audit failure is logged.
    """
    events = RunEvents(loaded, ws, resolved)
    try:
        yield events
    except SynthgateError as exc:
        try:
            if isinstance(exc, RiskGateFailed):
                events.gates(passed=False, failed_gates=["risk_threshold"])
            elif isinstance(exc, ValidationFailed):
                events.gates(passed=False)
            events.failed(exc)
        except AuditTrailError as audit_exc:
            _log_warning(f"audit: {audit_exc}")
        raise


def _gate_counts(ws: "Workspace") -> dict:
    from synthgate.flows.workspace import read_json

    counts: dict[str, Any] = {}
    if ws.validation_summary.is_file():
        summary = read_json(ws.validation_summary)
        counts.update(expectations_evaluated=summary.get("evaluated"), expectations_failed=summary.get("failed"))
    if ws.evaluation.is_file():
        gates = read_json(ws.evaluation).get("gates", [])
        counts.update(evaluation_gates=len(gates),
                      evaluation_gates_failed=sum(1 for g in gates if not _gate_holds(g)))
    return counts


def _failed_gate_names(ws: "Workspace") -> list[str]:
    """Failed expectations as suite:expectation[:column] and evaluation gates as evaluation:metric."""
    from synthgate.flows.workspace import read_json

    names: list[str] = []
    if ws.validation_summary.is_file():
        for outcome in read_json(ws.validation_summary).get("outcomes", []):
            if not outcome.get("success"):
                column = f":{outcome['column']}" if outcome.get("column") else ""
                names.append(f"{outcome['suite']}:{outcome['expectation']}{column}")
    if ws.evaluation.is_file():
        names += [f"evaluation:{g['metric']}" for g in read_json(ws.evaluation).get("gates", []) if not _gate_holds(g)]
    return list(dict.fromkeys(names))


def _gate_holds(gate: dict) -> bool:
    return gate.get("verdict") == "pass" or (gate.get("verdict") == "inconclusive" and bool(gate.get("accepted")))


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return path.name


def _log_warning(line: str) -> None:
    try:
        from prefect import get_run_logger

        get_run_logger().warning(line)
    except Exception:  # outside a run: no run logger
        print(line, file=sys.stderr)
